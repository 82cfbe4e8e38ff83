"""Payments on a real database: recorded for a client (French amounts, no future date, an
active method), allocated to his issued invoices only — never beyond what remains due nor
beyond what the payment has left —, the rest kept as his credit, allocated later or refunded
up to it; credit notes settle the invoice they correct first; a final invoice fully paid
settles the dossier; the lists of payments and of unpaid invoices page in SQL within the
actor's reach; every step needs its « règlements » right."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import (
    AgencySite,
    AuditEntry,
    Booking,
    BookingEvent,
    Client,
    Invoice,
    Payment,
    PaymentAllocation,
    PaymentMethod,
)
from agence.services.billing import payments, settlements
from agence.services.billing.payments import (
    PAYMENTS_LIST,
    allocate,
    allocation_for,
    booking_balance,
    client_credit,
    delete_payment,
    invoice_balance,
    payments_of_booking,
    record_payment,
    refund,
    settle_if_paid,
    unallocate,
)
from agence.services.billing.unpaid import UNPAID_LIST
from agence.services.bookings.lifecycle import Status
from agence.services.common import formats, records
from agence.services.common.forms import FormErrors
from agence.services.common.listing import ListQuery, display_rows, fetch_page, iter_rows
from agence.services.common.permissions import (
    ALL_RIGHTS,
    AccessDenied,
    Action,
    Actor,
    Module,
    Right,
)
from agence.services.common.records import RecordNotFound
from agence.services.parties.clients import CLIENTS
from tests.factories import make_actor, make_booking, make_client, make_site, reference_data
from tests.services.bookings.test_booking_concurrency import Race

TODAY = formats.today()
YESTERDAY = TODAY - timedelta(days=1)
_sequence = itertools.count(1)


# --- Set-up -----------------------------------------------------------------------------------


@pytest.fixture
def admin(session: Session) -> Actor:
    reference_data()
    return make_actor(session)


@pytest.fixture
def site(session: Session, admin: Actor) -> AgencySite:
    return make_site(session, "VDL", name="Tours")


@pytest.fixture
def client(session: Session, admin: Actor) -> Client:
    return make_client(session, "CSE Michelin")


@pytest.fixture
def booking(admin: Actor, client: Client, site: AgencySite) -> Booking:
    return make_booking(admin, client, site)


def make_invoice(
    session: Session,
    booking: Booking,
    amount: str = "1000.00",
    *,
    kind: str = "acompte",
    status: str = "emise",
    due_on: date | None = None,
    corrects: Invoice | None = None,
    total: str | None = None,
    site_id: int | None = None,
) -> Invoice:
    """An invoice written as a row, as the invoicing service leaves it once issued (numbered,
    dated, totals and amount due, what settled it and the invoice it corrects kept); a draft
    has no number."""
    number = next(_sequence)
    issued = status == "emise"
    series = ("AV" if kind == "avoir" else "FA") + "-VDL-2026"
    invoice = Invoice(
        kind=kind,
        status=status,
        number=f"{series}-{number:06d}" if issued else None,
        series=series if issued else None,
        sequence=number if issued else None,
        booking_id=booking.id or 0,
        client_id=booking.client_id,
        site_id=site_id or booking.site_id,
        corrects_id=corrects.id if corrects else None,
        issued_on=TODAY - timedelta(days=40) if issued else None,
        due_on=due_on if due_on is not None else TODAY + timedelta(days=30),
        client_name="CSE Michelin",
        total_excl_vat=Decimal(total or amount),
        total_incl_vat=Decimal(total or amount),
        amount_due=Decimal(amount),
    )
    session.add(invoice)
    session.flush()
    settlements.refresh(session, [invoice.id, invoice.corrects_id])
    session.commit()
    return invoice


def method_id(code: str = "") -> str:
    with session_scope() as s:
        statement = select(PaymentMethod.id).order_by(PaymentMethod.position)
        if code:
            statement = statement.where(PaymentMethod.code == code)
        return str(s.exec(statement).first())


def values_for(client: Client, amount: str, **values: str) -> dict[str, str]:
    return {
        "client_id": str(client.id),
        "received_on": YESTERDAY.isoformat(),
        "amount": amount,
        "payment_method_id": method_id(),
        "bank_reference": "VIR 2026-118",
        "payer": "CSE Michelin",
        **values,
    }


def pay(
    actor: Actor,
    client: Client,
    amount: str,
    allocations: list[tuple[int, str]] | None = None,
    **values: str,
) -> Payment:
    with session_scope() as s:
        return record_payment(s, actor, values_for(client, amount, **values), allocations)


def refused_payment(
    actor: Actor,
    client: Client,
    amount: str,
    allocations: list[tuple[int, str]] | None = None,
    **values: str,
) -> dict[str, str]:
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        record_payment(s, actor, values_for(client, amount, **values), allocations)
    return failure.value.errors


def allocation_refused(actor: Actor, payment: Payment, invoice: Invoice, amount: str) -> str:
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        allocate(s, actor, payment.id, invoice.id, amount)
    return " ".join(failure.value.errors.values())


def balance(invoice: Invoice) -> tuple[Decimal, Decimal]:
    with session_scope() as s:
        return invoice_balance(s, invoice.id)


def credit_of(client: Client) -> Decimal:
    with session_scope() as s:
        return client_credit(s, client.id)


def count(model, *conditions) -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(model).where(*conditions)).one()


def set_status(booking: Booking, status: Status) -> None:
    with session_scope() as s:
        s.get(Booking, booking.id).status = status


def status_of(booking: Booking) -> str:
    with session_scope() as s:
        return s.get(Booking, booking.id).status


def without(*rights: tuple[Module, Action]) -> set[Right]:
    return set(ALL_RIGHTS) - {Right(module, action) for module, action in rights}


# --- Recording a payment --------------------------------------------------------------------------


def test_a_payment_is_recorded_with_a_french_amount(admin, client):
    payment = pay(admin, client, "1 234,56")
    assert payment.amount == Decimal("1234.56")
    assert (payment.client_id, payment.is_refund) == (client.id, False)
    assert payment.bank_reference == "VIR 2026-118"
    assert credit_of(client) == Decimal("1234.56")


def test_a_payment_needs_a_client_a_date_a_positive_amount_and_a_method(admin, client):
    errors = refused_payment(admin, client, "0", client_id="", received_on="", payment_method_id="")
    assert set(errors) == {"client_id", "received_on", "amount", "payment_method_id"}
    assert errors["amount"] == "Le montant doit être positif."
    assert "positif" in refused_payment(admin, client, "-5")["amount"]
    assert "Nombre invalide" in refused_payment(admin, client, "douze")["amount"]
    assert "Deux décimales" in refused_payment(admin, client, "10,001")["amount"]
    assert count(Payment) == 0


def test_a_payment_cannot_be_dated_in_the_future(admin, client):
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    errors = refused_payment(admin, client, "100", received_on=tomorrow)
    assert errors == {"received_on": "Un règlement ne peut pas être daté dans le futur."}
    assert pay(admin, client, "100", received_on=TODAY.isoformat()).received_on == TODAY


def test_an_inactive_payment_method_is_refused(session, admin, client):
    method = session.exec(select(PaymentMethod)).first()
    method.active = False
    session.add(method)
    session.commit()
    errors = refused_payment(admin, client, "100", payment_method_id=str(method.id))
    assert errors == {"payment_method_id": "Choix invalide."}


def test_an_unknown_client_is_refused(admin, client):
    assert refused_payment(admin, client, "100", client_id="999999") == {
        "client_id": "Client introuvable."
    }


def test_recording_a_payment_is_audited(admin, client):
    payment = pay(admin, client, "250")
    with session_scope() as s:
        entry = s.exec(select(AuditEntry).where(AuditEntry.entity_type == "règlement")).one()
    assert entry.entity_id == str(payment.id)
    assert "CSE Michelin" in entry.entity_label


# --- Allocation (lettrage) ------------------------------------------------------------------------


def test_partial_payments_leave_the_rest_due(session, admin, client, booking):
    invoice = make_invoice(session, booking, "1000.00")
    pay(admin, client, "400,00", [(invoice.id, "400")])
    assert balance(invoice) == (Decimal("400.00"), Decimal("600.00"))
    pay(admin, client, "600", [(invoice.id, "600")])
    assert balance(invoice) == (Decimal("1000.00"), Decimal("0.00"))
    assert credit_of(client) == 0


def test_one_payment_settles_two_invoices(session, admin, client, booking):
    deposit = make_invoice(session, booking, "300.00")
    other = make_invoice(session, booking, "200.00")
    payment = pay(admin, client, "500", [(deposit.id, "300"), (other.id, "200")])
    assert balance(deposit) == (Decimal("300.00"), Decimal("0.00"))
    assert balance(other) == (Decimal("200.00"), Decimal("0.00"))
    assert count(PaymentAllocation, PaymentAllocation.payment_id == payment.id) == 2


def test_several_payments_settle_one_invoice_through_allocate(session, admin, client, booking):
    invoice = make_invoice(session, booking, "900.00")
    first, second = pay(admin, client, "500"), pay(admin, client, "400")
    with session_scope() as s:
        allocate(s, admin, first.id, invoice.id, "500")
        allocate(s, admin, second.id, invoice.id, Decimal("400"))
    assert balance(invoice) == (Decimal("900.00"), Decimal("0.00"))


def test_allocating_the_same_payment_twice_to_an_invoice_adds_up(session, admin, client, booking):
    invoice = make_invoice(session, booking, "900.00")
    payment = pay(admin, client, "500")
    with session_scope() as s:
        allocate(s, admin, payment.id, invoice.id, "100")
        allocation = allocate(s, admin, payment.id, invoice.id, "150,50")
    assert allocation.amount == Decimal("250.50")
    assert count(PaymentAllocation) == 1


def test_an_overpayment_stays_as_credit_then_settles_a_later_invoice(
    session, admin, client, booking
):
    first = make_invoice(session, booking, "300.00")
    payment = pay(admin, client, "1000", [(first.id, "300")])
    assert credit_of(client) == Decimal("700.00")
    later = make_invoice(session, booking, "500.00", kind="solde")
    with session_scope() as s:
        allocate(s, admin, payment.id, later.id, "500")
    assert balance(later) == (Decimal("500.00"), Decimal("0.00"))
    assert credit_of(client) == Decimal("200.00")


def test_an_allocation_beyond_the_remaining_is_refused_and_nothing_is_written(
    session, admin, client, booking
):
    invoice = make_invoice(session, booking, "300.00")
    errors = refused_payment(admin, client, "500", [(invoice.id, "500")])
    assert errors == {
        "invoice_id": f"Il ne reste que 300,00\u00a0€ à régler sur la facture {invoice.number}."
    }
    assert count(Payment) == 0 and count(PaymentAllocation) == 0
    payment = pay(admin, client, "500", [(invoice.id, "200")])
    assert "Il ne reste que 100,00" in allocation_refused(admin, payment, invoice, "150")


def test_the_same_invoice_twice_in_one_payment_cannot_exceed_its_remaining(
    session, admin, client, booking
):
    invoice = make_invoice(session, booking, "300.00")
    errors = refused_payment(admin, client, "500", [(invoice.id, "200"), (invoice.id, "200")])
    assert "Il ne reste que 100,00" in errors["invoice_id"]


def test_two_parts_for_one_invoice_in_one_payment_make_one_allocation(
    session, admin, client, booking
):
    invoice = make_invoice(session, booking, "300.00")
    pay(admin, client, "300", [(invoice.id, "100"), (invoice.id, "150")])
    with session_scope() as s:
        (allocation,) = s.exec(select(PaymentAllocation)).all()
    assert allocation.amount == Decimal("250.00")


def test_allocations_beyond_the_payment_are_refused(session, admin, client, booking):
    one = make_invoice(session, booking, "300.00")
    two = make_invoice(session, booking, "300.00")
    errors = refused_payment(admin, client, "400", [(one.id, "300"), (two.id, "200")])
    assert "dépassent le montant du règlement" in errors["invoice_id"]
    assert count(Payment) == 0


def test_an_allocation_beyond_the_payments_unallocated_part_is_refused(
    session, admin, client, booking
):
    one = make_invoice(session, booking, "300.00")
    two = make_invoice(session, booking, "300.00")
    payment = pay(admin, client, "400", [(one.id, "300")])
    assert allocation_refused(admin, payment, two, "150") == (
        "Ce règlement n'a plus que 100,00\u00a0€ à affecter."
    )
    assert balance(two) == (Decimal("0.00"), Decimal("300.00"))


def test_another_clients_invoice_is_refused(session, admin, client, booking, site):
    stranger = make_client(session, "Autre client")
    foreign = make_invoice(session, make_booking(admin, stranger, site), "300.00")
    errors = refused_payment(admin, client, "300", [(foreign.id, "300")])
    assert errors == {"invoice_id": f"La facture {foreign.number} n'est pas celle de ce client."}
    payment = pay(admin, client, "300")
    assert "n'est pas celle de ce client" in allocation_refused(admin, payment, foreign, "100")


def test_a_draft_invoice_is_refused(session, admin, client, booking):
    draft = make_invoice(session, booking, "300.00", status="brouillon")
    errors = refused_payment(admin, client, "300", [(draft.id, "300")])
    assert "pas un brouillon" in errors["invoice_id"]
    payment = pay(admin, client, "300")
    assert "pas un brouillon" in allocation_refused(admin, payment, draft, "100")


def test_a_credit_note_is_not_paid(session, admin, client, booking):
    invoice = make_invoice(session, booking, "300.00")
    note = make_invoice(session, booking, "100.00", kind="avoir", corrects=invoice)
    payment = pay(admin, client, "300")
    assert "Un avoir ne se règle pas" in allocation_refused(admin, payment, note, "50")


def test_an_unknown_invoice_and_a_zero_amount_are_refused(session, admin, client, booking):
    invoice = make_invoice(session, booking, "300.00")
    assert "introuvable" in refused_payment(admin, client, "300", [(0, "300")])["invoice_id"]
    payment = pay(admin, client, "300")
    assert "positif" in allocation_refused(admin, payment, invoice, "0")
    assert "Nombre invalide" in allocation_refused(admin, payment, invoice, "beaucoup")


def test_the_payment_form_allocates_up_to_the_remaining(session, admin, client, booking):
    invoice = make_invoice(session, booking, "300.00")
    with session_scope() as s:
        assert allocation_for(s, "", "500") is None
        assert allocation_for(s, str(invoice.id), "1 000,00") == [(invoice.id, "300.00")]
        assert allocation_for(s, str(invoice.id), "120,5") == [(invoice.id, "120.50")]
        assert allocation_for(s, "x", "10") == [(0, "10")]
    with session_scope() as s:
        record_payment(
            s, admin, values_for(client, "500"), allocation_for(s, str(invoice.id), "500")
        )
    assert balance(invoice) == (Decimal("300.00"), Decimal("0.00"))
    assert credit_of(client) == Decimal("200.00")


def test_unallocating_returns_the_amount_to_the_credit(session, admin, client, booking):
    invoice = make_invoice(session, booking, "800.00")
    payment = pay(admin, client, "800", [(invoice.id, "800")])
    with session_scope() as s:
        assert unallocate(s, admin, payment.id, invoice.id, "300") == Decimal("300.00")
    assert balance(invoice) == (Decimal("500.00"), Decimal("300.00"))
    assert credit_of(client) == Decimal("300.00")
    with session_scope() as s:
        assert unallocate(s, admin, payment.id, invoice.id) == Decimal("500.00")
    assert balance(invoice) == (Decimal("0.00"), Decimal("800.00"))
    with pytest.raises(FormErrors), session_scope() as s:
        unallocate(s, admin, payment.id, invoice.id)


# --- Credit and refunds ---------------------------------------------------------------------------


def test_a_refund_is_limited_to_the_clients_credit(session, admin, client, booking):
    invoice = make_invoice(session, booking, "300.00")
    pay(admin, client, "500", [(invoice.id, "300")])
    refund_values = {"received_on": TODAY.isoformat(), "payment_method_id": method_id()}
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        refund(s, admin, client.id, "250", refund_values)
    assert failure.value.errors == {"amount": "Le client n'a que 200,00\u00a0€ à son crédit."}
    with session_scope() as s:
        money_back = refund(s, admin, client.id, "200", refund_values)
    assert (money_back.amount, money_back.is_refund) == (Decimal("-200.00"), True)
    assert credit_of(client) == 0
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        refund(s, admin, client.id, "0,01", refund_values)
    assert failure.value.errors == {"amount": "Ce client n'a aucun crédit à rembourser."}


def test_a_refunded_credit_can_no_longer_be_allocated(session, admin, client, booking):
    payment = pay(admin, client, "500")
    with session_scope() as s:
        refund(
            s,
            admin,
            client.id,
            "500",
            {"received_on": TODAY.isoformat(), "payment_method_id": method_id()},
        )
    invoice = make_invoice(session, booking, "300.00")
    assert "n'a que 0,00" in allocation_refused(admin, payment, invoice, "100")


def test_a_refund_is_not_allocated_to_an_invoice(session, admin, client, booking):
    pay(admin, client, "500")
    with session_scope() as s:
        money_back = refund(
            s,
            admin,
            client.id,
            "100",
            {"received_on": TODAY.isoformat(), "payment_method_id": method_id()},
        )
    invoice = make_invoice(session, booking, "300.00")
    assert "Un remboursement" in allocation_refused(admin, money_back, invoice, "50")


def test_a_payment_whose_money_was_refunded_cannot_be_deleted(session, admin, client):
    payment = pay(admin, client, "500")
    with session_scope() as s:
        money_back = refund(
            s,
            admin,
            client.id,
            "500",
            {"received_on": TODAY.isoformat(), "payment_method_id": method_id()},
        )
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        delete_payment(s, admin, payment.id)
    assert "remboursement" in failure.value.errors[""]
    with session_scope() as s:
        delete_payment(s, admin, money_back.id)
        delete_payment(s, admin, payment.id)
    assert count(Payment) == 0


def test_deleting_a_payment_removes_its_allocations(session, admin, client, booking):
    invoice = make_invoice(session, booking, "300.00")
    payment = pay(admin, client, "300", [(invoice.id, "300")])
    with session_scope() as s:
        delete_payment(s, admin, payment.id)
    assert count(PaymentAllocation) == 0
    assert balance(invoice) == (Decimal("0.00"), Decimal("300.00"))


# --- Credit notes ---------------------------------------------------------------------------------


def test_a_credit_note_reduces_the_remaining_of_the_invoice_it_corrects(
    session, admin, client, booking
):
    invoice = make_invoice(session, booking, "1000.00", kind="solde")
    make_invoice(session, booking, "150.00", kind="avoir", corrects=invoice)
    assert balance(invoice) == (Decimal("0.00"), Decimal("850.00"))
    assert (
        "Il ne reste que 850,00"
        in refused_payment(admin, client, "1000", [(invoice.id, "1000")])["invoice_id"]
    )


def test_a_credit_note_kept_negative_reduces_it_the_same(session, admin, client, booking):
    invoice = make_invoice(session, booking, "1000.00")
    make_invoice(session, booking, "-150.00", kind="avoir", corrects=invoice)
    assert balance(invoice) == (Decimal("0.00"), Decimal("850.00"))


def test_a_draft_credit_note_reduces_nothing(session, admin, client, booking):
    invoice = make_invoice(session, booking, "1000.00")
    make_invoice(session, booking, "150.00", kind="avoir", corrects=invoice, status="brouillon")
    assert balance(invoice) == (Decimal("0.00"), Decimal("1000.00"))


def test_a_credit_note_on_a_paid_invoice_becomes_refundable_credit(session, admin, client, booking):
    invoice = make_invoice(session, booking, "1000.00")
    pay(admin, client, "1000", [(invoice.id, "1000")])
    make_invoice(session, booking, "200.00", kind="avoir", corrects=invoice)
    assert balance(invoice) == (Decimal("1000.00"), Decimal("0.00"))
    assert credit_of(client) == Decimal("200.00")
    with session_scope() as s:
        refund(
            s,
            admin,
            client.id,
            "200",
            {"received_on": TODAY.isoformat(), "payment_method_id": method_id()},
        )
    assert credit_of(client) == 0


def test_a_credit_note_correcting_no_invoice_is_all_credit(session, admin, client, booking):
    make_invoice(session, booking, "120.00", kind="avoir")
    assert credit_of(client) == Decimal("120.00")


# --- The dossier settled ----------------------------------------------------------------------


def test_a_fully_paid_final_invoice_settles_the_invoiced_dossier(session, admin, client, booking):
    deposit = make_invoice(session, booking, "300.00")
    final = make_invoice(session, booking, "700.00", kind="solde", total="1000.00")
    pay(admin, client, "300", [(deposit.id, "300")])
    set_status(booking, Status.INVOICED)
    pay(admin, client, "500", [(final.id, "500")])
    assert status_of(booking) == Status.INVOICED
    pay(admin, client, "200", [(final.id, "200")])
    assert status_of(booking) == Status.SETTLED
    with session_scope() as s:
        event = s.exec(
            select(BookingEvent)
            .where(BookingEvent.booking_id == booking.id)
            .order_by(BookingEvent.id.desc())
        ).first()
    assert (event.from_status, event.to_status) == (Status.INVOICED, Status.SETTLED)
    assert event.comment == f"Soldé automatiquement : facture {final.number} réglée."
    assert event.user_id == admin.user_id


def test_the_dossier_is_not_settled_while_a_deposit_remains_due(session, admin, client, booking):
    deposit = make_invoice(session, booking, "300.00")
    final = make_invoice(session, booking, "700.00", kind="solde", total="1000.00")
    set_status(booking, Status.INVOICED)
    payment = pay(admin, client, "1000", [(final.id, "700")])
    assert status_of(booking) == Status.INVOICED
    with session_scope() as s:
        allocate(s, admin, payment.id, deposit.id, "300")
    assert status_of(booking) == Status.SETTLED


def test_a_dossier_without_final_invoice_or_not_invoiced_is_not_settled(
    session, admin, client, booking
):
    deposit = make_invoice(session, booking, "300.00")
    set_status(booking, Status.INVOICED)
    pay(admin, client, "300", [(deposit.id, "300")])
    assert status_of(booking) == Status.INVOICED  # no final invoice yet
    set_status(booking, Status.DONE)
    final = make_invoice(session, booking, "700.00", kind="solde")
    pay(admin, client, "700", [(final.id, "700")])
    assert status_of(booking) == Status.DONE  # « réalisé »: the invoicing moves it first


def test_the_settling_needs_no_dossier_right_of_whoever_records_the_money(
    session, admin, client, booking
):
    cashier = make_actor(
        session,
        {Right(Module.PAYMENTS, action) for action in Action}
        | {Right(Module.BOOKINGS, Action.SEE)},
    )
    final = make_invoice(session, booking, "700.00", kind="solde")
    set_status(booking, Status.INVOICED)
    pay(cashier, client, "700", [(final.id, "700")])
    assert status_of(booking) == Status.SETTLED


def test_a_credit_note_completing_the_payment_settles_the_dossier(session, admin, client, booking):
    final = make_invoice(session, booking, "1000.00", kind="solde")
    set_status(booking, Status.INVOICED)
    pay(admin, client, "900", [(final.id, "900")])
    make_invoice(session, booking, "100.00", kind="avoir", corrects=final)
    with session_scope() as s:
        assert settle_if_paid(s, admin, booking.id) is True
    assert status_of(booking) == Status.SETTLED


def test_unallocating_reopens_nothing(session, admin, client, booking):
    final = make_invoice(session, booking, "700.00", kind="solde")
    set_status(booking, Status.INVOICED)
    payment = pay(admin, client, "700", [(final.id, "700")])
    with session_scope() as s:
        unallocate(s, admin, payment.id, final.id)
    assert status_of(booking) == Status.SETTLED
    assert balance(final) == (Decimal("0.00"), Decimal("700.00"))


# --- The dossier's tab ----------------------------------------------------------------------------


def test_the_dossiers_balance_and_payments(session, admin, client, booking):
    deposit = make_invoice(session, booking, "300.00", due_on=TODAY - timedelta(days=12))
    final = make_invoice(session, booking, "700.00", kind="solde", total="1000.00")
    make_invoice(session, booking, "50.00", kind="avoir", corrects=final)
    make_invoice(session, booking, "999.00", status="brouillon")
    pay(admin, client, "1000", [(deposit.id, "100"), (final.id, "400")], payer="M. Dupont")
    with session_scope() as s:
        balance = booking_balance(s, admin, booking.id)
        rows = payments_of_booking(s, admin, booking.id)
    assert balance.invoiced_amount == Decimal("1000.00")
    assert balance.paid_amount == Decimal("500.00")
    assert balance.credited_amount == Decimal("50.00")
    assert balance.remaining_amount == Decimal("450.00")
    assert balance.figures.remaining == "450,00\u00a0€"
    assert balance.client_credit_amount == Decimal("500.00")
    assert [row.number for row in balance.invoices] == [deposit.number, final.number]
    assert balance.invoices[0].remaining == "200,00\u00a0€"
    assert balance.invoices[0].days_late == "12"
    assert balance.invoices[1].credited == "50,00\u00a0€"
    assert [(row.invoice, row.amount) for row in rows] == [
        (deposit.number, "100,00\u00a0€"),
        (final.number, "400,00\u00a0€"),
    ]
    assert rows[0].payer == "M. Dupont"
    assert rows[0].payment_amount == "1\u202f000,00\u00a0€"


def test_a_payments_row_opens_the_dossier_it_settled(session, admin, client, booking):
    invoice = make_invoice(session, booking, "300.00")
    settled = pay(admin, client, "300", [(invoice.id, "300")])
    loose = pay(admin, client, "50")
    with session_scope() as s:
        assert payments.booking_of_payment(s, admin, settled.id) == booking.id
        assert payments.booking_of_payment(s, admin, loose.id) is None


# --- The payments' list -----------------------------------------------------------------------


def test_the_payments_list_shows_allocated_and_unallocated(session, admin, client, booking):
    invoice = make_invoice(session, booking, "300.00")
    pay(admin, client, "500", [(invoice.id, "300")], payer="Mme Durand")
    pay(admin, client, "80", [], payer="M. Martin", payment_method_id=method_id("CHEQUE"))
    with session_scope() as s:
        page = fetch_page(s, PAYMENTS_LIST, ListQuery(sort="amount"), admin)
        shown = display_rows(PAYMENTS_LIST, page.rows)
        open_only = fetch_page(s, PAYMENTS_LIST, ListQuery(filters={"open": "1"}), admin)
        searched = fetch_page(s, PAYMENTS_LIST, ListQuery(search="durand"), admin)
        by_client = fetch_page(s, PAYMENTS_LIST, ListQuery(search="michelin"), admin)
        cheques = fetch_page(
            s, PAYMENTS_LIST, ListQuery(filters={"method": method_id("CHEQUE")}), admin
        )
        exported = list(iter_rows(s, PAYMENTS_LIST, ListQuery(), admin))
    assert page.total == 2
    assert [(row["allocated"], row["unallocated"]) for row in page.rows] == [
        (Decimal("0.00"), Decimal("80.00")),
        (Decimal("300.00"), Decimal("200.00")),
    ]
    assert shown[1]["unallocated"] == "200,00\u00a0€" and shown[1]["open"] == "1"
    assert open_only.total == 2
    assert [row["payer"] for row in searched.rows] == ["Mme Durand"]
    assert by_client.total == 2
    assert [row["payer"] for row in cheques.rows] == ["M. Martin"]
    assert len(exported) == 2


def test_the_non_allocated_filter_leaves_out_settled_payments_and_refunds(
    session, admin, client, booking
):
    invoice = make_invoice(session, booking, "300.00")
    pay(admin, client, "300", [(invoice.id, "300")])
    pay(admin, client, "100")
    with session_scope() as s:
        refund(
            s,
            admin,
            client.id,
            "40",
            {"received_on": TODAY.isoformat(), "payment_method_id": method_id()},
        )
        open_only = fetch_page(s, PAYMENTS_LIST, ListQuery(filters={"open": "1"}), admin)
        everything = fetch_page(s, PAYMENTS_LIST, ListQuery(), admin)
    assert [row["amount"] for row in open_only.rows] == [Decimal("100.00")]
    assert everything.total == 3


def test_the_payments_list_filters_by_dates(session, admin, client):
    pay(admin, client, "10", received_on=(TODAY - timedelta(days=30)).isoformat())
    pay(admin, client, "20", received_on=(TODAY - timedelta(days=3)).isoformat())
    since = (TODAY - timedelta(days=10)).isoformat()
    with session_scope() as s:
        recent = fetch_page(s, PAYMENTS_LIST, ListQuery(filters={"since": since}), admin)
        older = fetch_page(s, PAYMENTS_LIST, ListQuery(filters={"until": since}), admin)
    assert [row["amount"] for row in recent.rows] == [Decimal("20.00")]
    assert [row["amount"] for row in older.rows] == [Decimal("10.00")]


# --- The unpaid list ----------------------------------------------------------------------------


def test_the_unpaid_list_shows_what_remains_and_the_days_late(session, admin, client, booking):
    late = make_invoice(session, booking, "300.00", due_on=TODAY - timedelta(days=15))
    due = make_invoice(session, booking, "700.00", kind="solde", due_on=TODAY + timedelta(days=5))
    paid = make_invoice(session, booking, "100.00", due_on=TODAY - timedelta(days=60))
    make_invoice(session, booking, "100.00", status="brouillon")
    make_invoice(session, booking, "50.00", kind="avoir", corrects=due)
    pay(admin, client, "200", [(late.id, "120"), (paid.id, "80")])
    pay(admin, client, "20", [(paid.id, "20")])
    with session_scope() as s:
        page = fetch_page(s, UNPAID_LIST, ListQuery(), admin)
        shown = display_rows(UNPAID_LIST, page.rows)
        late_only = fetch_page(s, UNPAID_LIST, ListQuery(filters={"late": "1"}), admin)
    assert [row["number"] for row in page.rows] == [late.number, due.number]
    assert [row["remaining"] for row in page.rows] == [Decimal("180.00"), Decimal("650.00")]
    assert [row["days_late"] for row in page.rows] == [15, None]
    assert shown[0]["days_late"] == "15" and shown[0]["late"] == "1"
    assert shown[1]["days_late"] == "" and shown[1]["kind"] == "Facture"
    assert shown[0]["reference"] == booking.reference
    assert [row["number"] for row in late_only.rows] == [late.number]


def test_the_unpaid_list_pages_and_filters_in_sql(session, admin, client, booking, site):
    other_site = make_site(session, "BLS", name="Blois")
    for day in range(30):
        make_invoice(session, booking, "100.00", due_on=TODAY - timedelta(days=day))
    far = make_invoice(session, booking, "100.00", due_on=TODAY + timedelta(days=90))
    elsewhere = make_invoice(session, booking, "100.00", site_id=other_site.id)
    cut = (TODAY + timedelta(days=60)).isoformat()
    with session_scope() as s:
        first = fetch_page(s, UNPAID_LIST, ListQuery(page_size=25), admin)
        second = fetch_page(s, UNPAID_LIST, ListQuery(page=2, page_size=25), admin)
        before = fetch_page(s, UNPAID_LIST, ListQuery(filters={"due_before": cut}), admin)
        blois = fetch_page(s, UNPAID_LIST, ListQuery(filters={"site": str(other_site.id)}), admin)
        named = fetch_page(s, UNPAID_LIST, ListQuery(filters={"client": "cse mich"}), admin)
        nobody = fetch_page(s, UNPAID_LIST, ListQuery(filters={"client": "Zorro"}), admin)
        by_number = fetch_page(s, UNPAID_LIST, ListQuery(search=far.number), admin)
        by_remaining = fetch_page(s, UNPAID_LIST, ListQuery(sort="remaining", desc=True), admin)
    assert (first.total, first.page_count, len(first.rows), len(second.rows)) == (32, 2, 25, 7)
    assert first.rows[0]["days_late"] == 29
    assert far.id not in {row["id"] for row in before.rows} and before.total == 31
    assert [row["id"] for row in blois.rows] == [elsewhere.id]
    assert (named.total, nobody.total) == (32, 0)
    assert [row["id"] for row in by_number.rows] == [far.id]
    assert by_remaining.total == 32


def test_a_fully_credited_invoice_leaves_the_unpaid_list(session, admin, client, booking):
    invoice = make_invoice(session, booking, "300.00")
    make_invoice(session, booking, "300.00", kind="avoir", corrects=invoice)
    with session_scope() as s:
        assert fetch_page(s, UNPAID_LIST, ListQuery(), admin).total == 0


# --- Rights and reach -----------------------------------------------------------------------------


def test_recording_a_payment_needs_the_create_right(session, client):
    clerk = make_actor(session, without((Module.PAYMENTS, Action.CREATE)))
    with pytest.raises(AccessDenied), session_scope() as s:
        record_payment(s, clerk, values_for(client, "100"))
    with pytest.raises(AccessDenied), session_scope() as s:
        refund(s, clerk, client.id, "1", {})
    assert count(Payment) == 0


def test_allocating_needs_the_edit_right(session, admin, client, booking):
    invoice = make_invoice(session, booking, "300.00")
    payment = pay(admin, client, "300")
    clerk = make_actor(session, without((Module.PAYMENTS, Action.EDIT)))
    with pytest.raises(AccessDenied), session_scope() as s:
        allocate(s, clerk, payment.id, invoice.id, "100")
    with pytest.raises(AccessDenied), session_scope() as s:
        unallocate(s, clerk, payment.id, invoice.id)


def test_deleting_a_payment_needs_the_delete_right(session, admin, client):
    payment = pay(admin, client, "300")
    clerk = make_actor(session, without((Module.PAYMENTS, Action.DELETE)))
    with pytest.raises(AccessDenied), session_scope() as s:
        delete_payment(s, clerk, payment.id)


def test_seeing_a_dossiers_payments_needs_the_see_right(session, admin, booking):
    blind = make_actor(session, without((Module.PAYMENTS, Action.SEE)))
    with pytest.raises(AccessDenied), session_scope() as s:
        booking_balance(s, blind, booking.id)
    with pytest.raises(AccessDenied), session_scope() as s:
        payments_of_booking(s, blind, booking.id)


def test_a_rep_limited_to_his_clients_reaches_their_money_only(session, admin, client, site):
    paul = make_actor(session, own_clients_only=True)
    his = make_client(session, "Client de Paul", sales_rep_id=paul.user_id)
    his_booking = make_booking(admin, his, site)
    other_booking = make_booking(admin, client, site)
    his_invoice = make_invoice(session, his_booking, "300.00")
    other_invoice = make_invoice(session, other_booking, "300.00")
    other_payment = pay(admin, client, "300")
    pay(paul, his, "300", [(his_invoice.id, "100")])
    assert refused_payment(paul, client, "100") == {"client_id": "Client introuvable."}
    with pytest.raises(RecordNotFound), session_scope() as s:
        allocate(s, paul, other_payment.id, other_invoice.id, "100")
    with pytest.raises(RecordNotFound), session_scope() as s:
        booking_balance(s, paul, other_booking.id)
    with pytest.raises(RecordNotFound), session_scope() as s:
        payments.booking_of_payment(s, paul, other_payment.id)
    with session_scope() as s:
        his_payments = fetch_page(s, PAYMENTS_LIST, ListQuery(), paul)
        his_unpaid = fetch_page(s, UNPAID_LIST, ListQuery(), paul)
        all_unpaid = fetch_page(s, UNPAID_LIST, ListQuery(), admin)
    assert [row["client"] for row in his_payments.rows] == ["Client de Paul"]
    assert [row["id"] for row in his_unpaid.rows] == [his_invoice.id]
    assert all_unpaid.total == 2


# --- The client file ------------------------------------------------------------------------------


def test_a_client_with_payments_or_invoices_cannot_be_deleted(session, admin, client, booking):
    payer = make_client(session, "Payeur sans dossier")
    pay(admin, payer, "100")
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        records.delete(s, admin, CLIENTS, payer.id)
    assert failure.value.errors == {
        "": "Ce client a 1 règlement(s). Passez plutôt le client au statut « Inactif »."
    }
    make_invoice(session, booking, "100.00")
    with session_scope() as s:
        s.get(Booking, booking.id).deleted_at = booking.created_at  # a dossier set aside
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        records.delete(s, admin, CLIENTS, client.id)
    assert failure.value.errors == {
        "": "Ce client a 1 facture(s). Passez plutôt le client au statut « Inactif »."
    }


# --- At the same moment (PostgreSQL) ----------------------------------------------------------


@pytest.fixture
def postgres(db: str) -> str:
    """The races need row locks: PostgreSQL only."""
    if make_url(db).get_backend_name() != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no row locks; set AGENCE_TEST_DATABASE_URL.")
    return db


def test_one_payment_allocated_twice_at_once_is_spent_once(
    postgres, session, admin, client, booking
):
    one = make_invoice(session, booking, "400.00")
    two = make_invoice(session, booking, "400.00")
    payment = pay(admin, client, "500")
    targets = {"anne": one.id, "bob": two.id}
    race = Race(lambda s, name: allocate(s, admin, payment.id, targets[name], "400")).run()
    first, second = race.in_order
    assert isinstance(first, PaymentAllocation)
    assert second.errors == {"amount": "Ce règlement n'a plus que 100,00\u00a0€ à affecter."}
    assert credit_of(client) == Decimal("100.00")


def test_two_payments_on_one_invoice_at_once_never_pay_it_twice(
    postgres, session, admin, client, booking
):
    invoice = make_invoice(session, booking, "400.00")
    race = Race(
        lambda s, _: record_payment(s, admin, values_for(client, "400"), [(invoice.id, "400")])
    ).run()
    first, second = race.in_order
    assert isinstance(first, Payment)
    assert "Il ne reste que 0,00" in second.errors["invoice_id"]
    assert balance(invoice) == (Decimal("400.00"), Decimal("0.00"))


def test_two_refunds_at_once_never_exceed_the_credit(postgres, session, admin, client):
    pay(admin, client, "300")
    method = method_id()
    race = Race(
        lambda s, _: refund(
            s,
            admin,
            client.id,
            "200",
            {"received_on": TODAY.isoformat(), "payment_method_id": method},
        )
    ).run()
    first, second = race.in_order
    assert isinstance(first, Payment)
    assert second.errors == {"amount": "Le client n'a que 100,00\u00a0€ à son crédit."}


def test_the_client_credit_settles_a_later_invoice_oldest_payment_first(
    session, admin, client, booking
):
    from agence.services.billing.payments import apply_credit

    first = make_invoice(session, booking, "100.00")
    pay(admin, client, "150", [(first.id, "100")])  # 50 left as credit
    pay(admin, client, "30")  # 30 more
    assert credit_of(client) == Decimal("80.00")
    later = make_invoice(session, booking, "60.00", kind="solde")
    with session_scope() as s:
        applied = apply_credit(s, admin, later.id)
    assert applied == Decimal("60.00")
    assert balance(later) == (Decimal("60.00"), Decimal("0.00"))
    assert credit_of(client) == Decimal("20.00")
    with pytest.raises(FormErrors) as refused, session_scope() as s:
        apply_credit(s, admin, first.id)
    assert "crédit" in refused.value.errors["amount"]


def test_applying_credit_needs_the_payments_edit_right(session, client, booking):
    from agence.services.billing.payments import apply_credit

    reader = make_actor(session, without((Module.PAYMENTS, Action.EDIT)))
    invoice = make_invoice(session, booking, "60.00")
    with pytest.raises(AccessDenied), session_scope() as s:
        apply_credit(s, reader, invoice.id)
