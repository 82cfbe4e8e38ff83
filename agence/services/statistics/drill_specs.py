"""The list (`ListSpec`) behind each `DrillList`: what a drill-down's filters must be keys of.
The pages map the same names to routes."""

from __future__ import annotations

from agence.services.billing.payments import PAYMENTS_LIST
from agence.services.billing.reading import INVOICES_LIST
from agence.services.billing.unpaid import UNPAID_LIST
from agence.services.bookings.bookings import BOOKINGS_LIST
from agence.services.bookings.guides import GUIDES_LIST
from agence.services.catalogue.products import PRODUCTS_LIST
from agence.services.common.listing import ListSpec
from agence.services.parties.clients import CLIENTS_LIST
from agence.services.parties.crm import FOLLOW_UPS_LIST, REPORTS_LIST, TO_VISIT_LIST
from agence.services.statistics.report import DrillList

DRILL_SPECS: dict[DrillList, ListSpec] = {
    DrillList.INVOICES: INVOICES_LIST,
    DrillList.UNPAID: UNPAID_LIST,
    DrillList.BOOKINGS: BOOKINGS_LIST,
    DrillList.PAYMENTS: PAYMENTS_LIST,
    DrillList.CLIENTS: CLIENTS_LIST,
    DrillList.FOLLOW_UPS: FOLLOW_UPS_LIST,
    DrillList.VISIT_REPORTS: REPORTS_LIST,
    DrillList.GUIDES: GUIDES_LIST,
    DrillList.PRODUCTS: PRODUCTS_LIST,
    DrillList.TO_VISIT: TO_VISIT_LIST,
}
"""The one-record drills (`BOOKING`, `CLIENT`) and the board are pages, not lists."""
