"""The demo agency's invoices: a few dossiers of the demo clients invoiced over the past weeks,
so that the invoice lists, the unpaid list, the payments and the exports show real figures.

Everything goes through the services a user would call (dossier created from the catalogue,
confirmed, invoices drafted and issued, a payment recorded): the numbers, the PDFs kept with
their Factur-X XML, the margin VAT and the audit trail are those the application makes.

Kept apart from `seed.seed_demo`, which many tests use for their set-up: issuing PDFs there
would slow every one of them down and change what they count. `agence seed --demo` calls both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from agence.models import AgencySite, Booking, Client, Invoice, PaymentMethod, User
from agence.services.admin import auth
from agence.services.billing import invoicing, payments
from agence.services.bookings import bookings
from agence.services.bookings.lifecycle import Status
from agence.services.catalogue import costings
from agence.services.common import formats
from agence.services.common.permissions import Actor, Module
from agence.services.demo.seed import DEMO_USERS

ACCOUNTANT_EMAIL = next(demo.email for demo in DEMO_USERS if demo.profile == "Comptabilité")
"""Invoices and payments are the accountant's work in the demo agency…"""
BOOKER_EMAIL = next(
    demo.email for demo in DEMO_USERS if demo.profile == "Réservation" and demo.site_code == "VDL"
)
"""… the dossiers the bookings department's: each action is in the audit trail under the
profile that does it in an agency."""
SITE_CODE = "VDL"
TRANSFER = "VIREMENT"
ESCORT = "Accompagnateur de l'agence"
LUNCH_REFUND = Decimal("12.00")
"""Per paying person, credited to the retirees for the lunch they did not have."""


@dataclass(frozen=True)
class _Dossier:
    client: str
    starts_in: int
    """Days from today to the first day (negative: the trip is over)."""
    paying: int


SCHOOL = _Dossier("Collège Anatole-France", starts_in=24, paying=24)
"""Margin scheme: a 30 % deposit, paid; the final invoice deducting it, partly paid."""
WORKS_COUNCIL = _Dossier("CSE Michelin Joué-lès-Tours", starts_in=-14, paying=35)
"""Mixed: the agency's own escort at 20 % VAT beside the package; trip over, invoiced."""
RETIREES = _Dossier("Amicale des retraités de Saumur", starts_in=-45, paying=28)
"""Trip over, invoiced, then a credit note for a lunch the restaurant could not serve; what
remains is past its due date (the unpaid list's « en retard »)."""


def _demo_actor(session: Session, email: str) -> Actor | None:
    """A demo user, or None when this is not the demo agency (the demo invoices are never
    added to a real agency's database)."""
    user_id = session.exec(select(User.id).where(User.email == email, User.active)).first()
    return auth.load_actor(session, user_id) if user_id is not None else None


def _client(session: Session, name: str) -> Client | None:
    return session.exec(select(Client).where(Client.name == name)).first()


def _dossier(session: Session, actor: Actor, site_id: int, plan: _Dossier) -> Booking | None:
    """A dossier of the demo client from the first catalogue dossier (« Journée châteaux de la
    Loire »), not yet confirmed."""
    client = _client(session, plan.client)
    catalogue = bookings.creation_choices(session)["catalogue_dossier_id"]
    if client is None or not catalogue:
        return None
    data = {
        **bookings.creation_defaults(session, actor),
        "client_id": str(client.id),
        "site_id": str(site_id),
        "sales_rep_id": str(client.sales_rep_id or ""),
        "catalogue_dossier_id": catalogue[0][0],
        "starts_on": (formats.today() + timedelta(days=plan.starts_in)).isoformat(),
        "paying": str(plan.paying),
        "free": "1",
    }
    return bookings.create_booking(session, actor, data)


def _add_escort(session: Session, actor: Actor, booking: Booking) -> None:
    """The agency's own escort for the day, at normal VAT (20 %), beside the package."""
    header, lines = costings.costing_values(
        session, actor, booking.costing_id or 0, Module.BOOKINGS
    )
    line = costings.blank_line(ESCORT)
    line.update(basis="group", unit_cost="200", regime="normal", vat_rate="20")
    lines.append(line)
    bookings.save_costing_of(
        session, actor, booking.id or 0, booking.costing_id or 0, header, lines
    )


def _confirm(session: Session, actor: Actor, booking: Booking) -> None:
    bookings.change_status(session, actor, booking.id or 0, Status.CONFIRMED)
    if booking.ends_on < formats.today():
        bookings.change_status(session, actor, booking.id or 0, Status.DONE)


def _pay(session: Session, actor: Actor, invoice: Invoice, amount: Decimal, on: date) -> None:
    """A bank transfer from the client, settled on the invoice."""
    method = session.exec(select(PaymentMethod.id).where(PaymentMethod.code == TRANSFER)).first()
    values: dict[str, Any] = {
        "client_id": str(invoice.client_id),
        "received_on": on.isoformat(),
        "amount": format(amount, "f"),
        "payment_method_id": str(method or ""),
        "bank_reference": f"VIR {invoice.number}",
        "payer": invoice.client_name,
    }
    payments.record_payment(session, actor, values, [(invoice.id or 0, format(amount, "f"))])


def seed_demo_invoices(session: Session) -> int:
    """Invoices the demo agency's dossiers once; returns how many invoices were issued (0 when
    the database already has invoices, or is not the demo agency).

    Issue dates run forward over the past six weeks, so that the site's series stays
    chronological: the retirees' final invoice (its trip made, now past due), the school's
    30 % deposit (paid), the works council's mixed final invoice (the agency's escort at 20 %
    VAT), the school's final invoice deducting its deposit (partly paid), then a credit note
    on the retirees' invoice."""
    if session.exec(select(func.count()).select_from(Invoice)).one():
        return 0
    booker = _demo_actor(session, BOOKER_EMAIL)
    accountant = _demo_actor(session, ACCOUNTANT_EMAIL)
    site_id = session.exec(select(AgencySite.id).where(AgencySite.code == SITE_CODE)).first()
    if booker is None or accountant is None or site_id is None:
        return 0
    school = _dossier(session, booker, site_id, SCHOOL)
    works_council = _dossier(session, booker, site_id, WORKS_COUNCIL)
    retirees = _dossier(session, booker, site_id, RETIREES)
    if school is None or works_council is None or retirees is None:
        return 0
    _add_escort(session, booker, works_council)
    for booking in (school, works_council, retirees):
        _confirm(session, booker, booking)

    today = formats.today()

    def issue(draft: Invoice, days_ago: int) -> Invoice:
        return invoicing.issue(session, accountant, draft.id or 0, today - timedelta(days_ago))

    retirees_final = issue(invoicing.create_final(session, accountant, retirees.id or 0), 42)
    deposit = issue(invoicing.create_deposit(session, accountant, school.id or 0, percent="30"), 35)
    _pay(session, accountant, deposit, deposit.amount_due, today - timedelta(31))
    issue(invoicing.create_final(session, accountant, works_council.id or 0), 10)
    school_final = issue(invoicing.create_final(session, accountant, school.id or 0), 7)
    issue(
        invoicing.create_credit_note(
            session,
            accountant,
            retirees_final.id or 0,
            amount=LUNCH_REFUND * RETIREES.paying,
            reason="Geste commercial : déjeuner remplacé par une collation (restaurant fermé).",
            on=today - timedelta(5),
        ),
        5,
    )
    partial = (school_final.amount_due / 2).quantize(Decimal(1))
    _pay(session, accountant, school_final, partial, today - timedelta(3))
    session.flush()
    return session.exec(select(func.count()).select_from(Invoice)).one()
