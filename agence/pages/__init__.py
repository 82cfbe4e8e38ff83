"""Every page; importing this package registers them."""

from agence.pages.admin import admin, auth  # noqa: F401
from agence.pages.billing import invoicing  # noqa: F401
from agence.pages.bookings import (  # noqa: F401
    board,
    dossier,
    guides,
    planning,
    programme,
    satisfaction,
    supplier_side,
)
from agence.pages.catalogue import catalogue, costing  # noqa: F401
from agence.pages.common import access  # noqa: F401
from agence.pages.documents import correspondence  # noqa: F401
from agence.pages.parties import clients, crm, imports, suppliers  # noqa: F401
from agence.pages.settings import parameters  # noqa: F401
from agence.pages.statistics import home, reports  # noqa: F401
