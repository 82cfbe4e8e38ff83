"""An issued invoice keeps what it adds to the revenue (excluding VAT, gross margin) from its
issue on; a draft keeps nothing; invoices issued before revision 0011 (or loaded in bulk) get
the very same figures from the catch-up, once. The demo day trip, margin scheme: the school
pays 2 320,00 € (HT 2 258,33, margin 308,33); the works council 2 340,00 € in a 30 % deposit
(HT 682,50, margin 97,50) and a final invoice deducting it (HT 1 592,50, margin 227,50)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select, update

from agence.db import session_scope
from agence.models import Invoice
from agence.services.billing import invoicing, revenue_parts
from agence.services.billing.vocabulary import InvoiceStatus
from tests.factories import demo_admin, make_actor
from tests.services.statistics.test_revenue import dossier, issue, run

D = Decimal
SCHOOL, CSE = "Collège Anatole-France", "CSE Michelin Joué-lès-Tours"


def parts(invoice_id: int) -> tuple[Decimal | None, Decimal | None]:
    with session_scope() as s:
        found = s.get(Invoice, invoice_id)
        assert found is not None
        return found.revenue_excl_vat, found.gross_margin


def cents(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(D("0.01"))


def test_an_issued_invoice_keeps_its_revenue_and_margin_a_draft_nothing(session: Session):
    admin = demo_admin(session)
    rep = make_actor(session)
    school = dossier(admin, SCHOOL, admin.site_id, rep, "2026-05-12")
    draft = run(invoicing.create_final, admin, school.id)
    assert parts(draft.id) == (None, None)
    issue(admin, draft, date(2026, 3, 10))
    assert tuple(map(cents, parts(draft.id))) == (D("2258.33"), D("308.33"))

    council = dossier(admin, CSE, admin.site_id, rep, "2027-05-12")
    deposit = issue(
        admin, run(invoicing.create_deposit, admin, council.id, percent="30"), date(2027, 2, 15)
    )
    final = issue(admin, run(invoicing.create_final, admin, council.id), date(2027, 3, 20))
    assert tuple(map(cents, parts(deposit.id))) == (D("682.50"), D("97.50"))
    assert tuple(map(cents, parts(final.id))) == (D("1592.50"), D("227.50"))


def test_the_catch_up_gives_the_same_figures_once(session: Session):
    admin = demo_admin(session)
    rep = make_actor(session)
    council = dossier(admin, CSE, admin.site_id, rep, "2027-05-12")
    deposit = issue(
        admin, run(invoicing.create_deposit, admin, council.id, percent="30"), date(2027, 2, 15)
    )
    final = issue(admin, run(invoicing.create_final, admin, council.id), date(2027, 3, 20))
    kept = {deposit.id: parts(deposit.id), final.id: parts(final.id)}
    with session_scope() as s:  # as issued before revision 0011
        s.execute(update(Invoice).values(revenue_excl_vat=None, gross_margin=None))
    with session_scope() as s:
        assert revenue_parts.fill_missing(s, batch=1) == 2
    assert {key: parts(key) for key in kept} == kept
    with session_scope() as s:
        assert revenue_parts.fill_missing(s) == 0
        drafts = s.exec(select(Invoice.id).where(col(Invoice.status) == InvoiceStatus.DRAFT)).all()
    assert all(parts(i) == (None, None) for i in drafts)
