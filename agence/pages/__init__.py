"""Every page; importing this package registers them."""

from agence.pages import (  # noqa: F401
    admin,
    auth,
    bookings,
    catalogue,
    clients,
    correspondence,
    costing,
    crm,
    home,
    imports,
    invoicing,
    parameters,
    suppliers,
)
