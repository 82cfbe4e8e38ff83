"""Invoices and payments through their states: the dossier's « Factures » and « Règlements »
tabs from deposit to credit note, the lists, and every action refused without its right — a
crafted event on an issued invoice included."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from agence import routes
from agence.models import Booking, Invoice, Payment, PaymentMethod, User
from agence.services.admin import auth
from agence.services.bookings.lifecycle import Status
from agence.services.common import formats
from agence.services.common.permissions import ALL_RIGHTS, AccessDenied, Action, Module, Right
from agence.services.demo.seed import seed_demo
from agence.state.billing.invoicing import (
    DossierInvoicesState,
    InvoicesListState,
    PaymentsListState,
    UnpaidListState,
)
from agence.state.documents.correspondence import DossierDocumentsState
from tests.factories import demo_dossier, make_user


def _without(module: Module, *actions: Action) -> set[Right]:
    return {r for r in ALL_RIGHTS if not (r.module == module and r.action in actions)}


@pytest.fixture
def demo(session):
    seed_demo(session)
    session.commit()
    return session


@pytest.fixture
def confirmed(demo) -> Booking:
    from agence.db import session_scope
    from agence.services.bookings.bookings import change_status

    admin = demo.exec(select(User).where(User.email == "admin@escapades-loire.fr")).one()
    actor = auth.load_actor(demo, admin.id)
    booking = demo_dossier(actor, "2027-05-12")
    with session_scope() as s:
        change_status(s, actor, booking.id, Status.CONFIRMED)
    return booking


def _open(browser, booking_id) -> None:
    browser.visit(
        routes.record_route(routes.BOOKINGS),
        routes.record_url(routes.BOOKINGS, booking_id),
        record_id=str(booking_id),
    )


def _count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def test_deposit_payment_final_and_credit_note_from_the_dossier_tabs(browser, demo, confirmed):
    browser.sign_in(make_user(demo))
    _open(browser, confirmed.id)
    browser.run(DossierInvoicesState, "load_invoices")
    state = browser.state(DossierInvoicesState)
    assert state.visible and state.invoices == []
    browser.run(DossierInvoicesState, "open_dialog", "acompte")
    browser.run(DossierInvoicesState, "create_deposit", {"percent": "150"})
    assert state.errors and state.dialog == "acompte"  # refused next to its field
    browser.run(DossierInvoicesState, "create_deposit", {"percent": "30"})
    assert state.dialog == "" and state.invoices[0].number == "Brouillon"
    browser.run(DossierInvoicesState, "issue", state.invoices[0].id)
    deposit = state.invoices[0]
    assert deposit.number.startswith("FA-VDL-") and deposit.document_id
    assert deposit.total == "696,00\u00a0€"
    method = demo.exec(select(PaymentMethod.id)).first()
    browser.run(DossierInvoicesState, "open_dialog", "reglement")
    browser.run(
        DossierInvoicesState,
        "record_payment",
        {
            "received_on": formats.today().isoformat(),
            "amount": "500",
            "payment_method_id": str(method),
            "invoice_id": deposit.id,
        },
    )
    assert state.errors == {}
    assert state.payment_rows and state.invoices[0].remaining == "196,00\u00a0€"
    browser.run(DossierInvoicesState, "create_final")
    final = state.invoices[-1]
    browser.run(DossierInvoicesState, "issue", final.id)
    final = state.invoices[-1]
    assert final.status == "emise" and final.deposits_deducted == "696,00\u00a0€"
    browser.run(DossierInvoicesState, "open_dialog", "avoir", final.id)
    browser.run(DossierInvoicesState, "create_credit_note", {"amount": "100", "reason": "Geste"})
    credit = state.invoices[-1]
    browser.run(DossierInvoicesState, "issue", credit.id)
    assert state.invoices[-1].kind == "avoir" and state.invoices[-1].status == "emise"
    # A crafted event cannot remove an issued invoice.
    browser.run(DossierInvoicesState, "delete_draft", final.id)
    assert _count(demo, Invoice) == 3
    # The issued invoice's e-mail opens with its stored PDF.
    browser.run(DossierDocumentsState, "load_maker")
    browser.run(DossierDocumentsState, "open_invoice_send", final.id)
    documents = browser.state(DossierDocumentsState)
    assert documents.send_open and final.number in documents.subject
    assert documents.file_name == f"{final.number}.pdf"


def test_a_refused_button_action_toasts_its_first_message(browser, demo, confirmed):
    # Issuing and deleting have no dialog to show a refusal next to a field: the toast says it.
    browser.sign_in(make_user(demo))
    _open(browser, confirmed.id)
    browser.run(DossierInvoicesState, "load_invoices")
    state = browser.state(DossierInvoicesState)
    browser.run(DossierInvoicesState, "create_deposit", {"percent": "30"})
    browser.run(DossierInvoicesState, "issue", state.invoices[0].id)
    deposit = state.invoices[0]
    toast = str(browser.run(DossierInvoicesState, "issue", deposit.id))
    assert f"La facture {deposit.number} est déjà émise." in toast and "10000" in toast
    assert '["error"]' in str(browser.run(DossierInvoicesState, "delete_draft", deposit.id))
    assert state.errors and _count(demo, Invoice) == 1


def test_the_payments_tab_rows_carry_the_bank_reference_and_the_invoice_settled(
    browser, demo, confirmed
):
    # The page once read fields the rows did not have: « Référence » and « Affecté à » stayed
    # empty. The rows are typed now, and carry both.
    browser.sign_in(make_user(demo))
    _open(browser, confirmed.id)
    browser.run(DossierInvoicesState, "load_invoices")
    state = browser.state(DossierInvoicesState)
    browser.run(DossierInvoicesState, "create_deposit", {"percent": "30"})
    browser.run(DossierInvoicesState, "issue", state.invoices[0].id)
    deposit = state.invoices[0]
    method = demo.exec(select(PaymentMethod.id)).first()
    browser.run(
        DossierInvoicesState,
        "record_payment",
        {
            "received_on": formats.today().isoformat(),
            "amount": "500",
            "payment_method_id": str(method),
            "bank_reference": "VIR 2027-042",
            "payer": "Collège Jean Moulin",
            "invoice_id": deposit.id,
        },
    )
    assert state.errors == {}
    [row] = state.payment_rows
    assert (row.reference, row.invoice, row.amount) == (
        "VIR 2027-042",
        deposit.number,
        "500,00\u00a0€",
    )
    assert row.payer == "Collège Jean Moulin" and row.invoice_id == deposit.id


def test_the_dossier_tabs_build_reading_only_fields_their_rows_have():
    # A typed row makes a wrong field name fail here, when the page is built, instead of
    # showing an empty cell in the browser.
    from agence.pages.billing.invoicing import invoices_tab, payments_tab

    assert payments_tab() is not None and invoices_tab() is not None


def test_the_lists_open_the_dossier_of_their_row(browser, demo, confirmed):
    browser.sign_in(make_user(demo))
    _open(browser, confirmed.id)
    browser.run(DossierInvoicesState, "load_invoices")
    browser.run(DossierInvoicesState, "create_deposit", {"amount": "500"})
    state = browser.state(DossierInvoicesState)
    browser.run(DossierInvoicesState, "issue", state.invoices[0].id)
    for list_state, route in (
        (InvoicesListState, routes.INVOICES),
        (UnpaidListState, routes.UNPAID),
    ):
        browser.visit(route)
        browser.run(list_state, "load_list")
        rows = browser.state(list_state).rows
        assert len(rows) == 1
        redirect = browser.run(list_state, "open_row", rows[0].id)
        assert f"/dossiers/{confirmed.id}" in str(redirect)
    browser.visit(routes.PAYMENTS)
    browser.run(PaymentsListState, "load_list")
    assert browser.state(PaymentsListState).total == 0


def test_without_the_invoicing_right_the_tabs_are_hidden_and_actions_refused(
    browser, demo, confirmed
):
    browser.sign_in(make_user(demo, _without(Module.INVOICING, Action.SEE)))
    _open(browser, confirmed.id)
    browser.run(DossierInvoicesState, "load_invoices")
    assert browser.state(DossierInvoicesState).visible is False
    browser.visit(routes.INVOICES)
    for state, handler, args in (
        (InvoicesListState, "load_list", ()),
        (InvoicesListState, "open_row", ("1",)),
        (DossierInvoicesState, "close_dialog", ()),
        (DossierInvoicesState, "refresh", ()),
    ):
        with pytest.raises(AccessDenied):
            browser.run(state, handler, *args)


def test_issuing_needs_valider_and_drafting_needs_creer(browser, demo, confirmed):
    browser.sign_in(make_user(demo))
    _open(browser, confirmed.id)
    browser.run(DossierInvoicesState, "load_invoices")
    browser.run(DossierInvoicesState, "create_deposit", {"percent": "30"})
    draft_id = browser.state(DossierInvoicesState).invoices[0].id

    browser.sign_in(make_user(demo, _without(Module.INVOICING, Action.VALIDATE)))
    browser.run(DossierInvoicesState, "load_invoices")
    assert browser.state(DossierInvoicesState).can_issue is False
    with pytest.raises(AccessDenied):
        browser.run(DossierInvoicesState, "issue", draft_id)
    assert demo.exec(select(Invoice.number)).one() is None

    browser.sign_in(make_user(demo, _without(Module.INVOICING, Action.CREATE)))
    browser.run(DossierInvoicesState, "load_invoices")
    for handler, args in (
        ("open_dialog", ("acompte",)),
        ("create_deposit", ({"percent": "10"},)),
        ("create_final", ()),
        ("create_credit_note", ({"amount": "1"},)),
        ("delete_draft", (draft_id,)),
    ):
        with pytest.raises(AccessDenied):
            browser.run(DossierInvoicesState, handler, *args)
    assert _count(demo, Invoice) == 1


def test_recording_a_payment_needs_the_payments_right(browser, demo, confirmed):
    browser.sign_in(make_user(demo, _without(Module.PAYMENTS, Action.CREATE)))
    _open(browser, confirmed.id)
    browser.run(DossierInvoicesState, "load_invoices")
    assert browser.state(DossierInvoicesState).can_pay is False
    for handler, args in (
        ("open_dialog", ("reglement",)),
        ("record_payment", ({"amount": "10"},)),
    ):
        with pytest.raises(AccessDenied):
            browser.run(DossierInvoicesState, handler, *args)
    assert _count(demo, Payment) == 0
    browser.sign_in(make_user(demo, _without(Module.PAYMENTS, Action.SEE)))
    browser.visit(routes.PAYMENTS)
    with pytest.raises(AccessDenied):
        browser.run(PaymentsListState, "load_list")


def test_a_supplier_invoice_is_recorded_with_its_pdf_and_compared_to_the_costing(
    browser, demo, confirmed
):
    from agence.state.billing.invoicing import SupplierInvoicesState

    browser.sign_in(make_user(demo))
    _open(browser, confirmed.id)
    browser.run(SupplierInvoicesState, "load_supplier_invoices")
    state = browser.state(SupplierInvoicesState)
    castle = next(s for s in state.suppliers if s[1] == "Château royal d'Amboise")
    assert any(row.supplier == castle[1] for row in state.comparison)
    browser.run(SupplierInvoicesState, "open_form")
    browser.run(SupplierInvoicesState, "save", {"supplier_id": castle[0], "reference": ""})
    assert {"reference", "invoiced_on", "amount_incl_vat"} <= set(state.errors)
    state._pdf, state.pdf_name = b"%PDF-1.7\n%%EOF\n", "amboise.pdf"
    browser.run(
        SupplierInvoicesState,
        "save",
        {
            "supplier_id": castle[0],
            "reference": "AMB-118",
            "invoiced_on": formats.today().isoformat(),
            "amount_incl_vat": "300,00",
        },
    )
    assert state.errors == {} and not state.dialog_open
    (row,) = state.rows
    assert row.reference == "AMB-118" and row.document_id


def test_supplier_invoices_are_recorded_only_with_the_dossiers_edit_right(browser, demo, confirmed):
    from agence.models import SupplierInvoice
    from agence.state.billing.invoicing import SupplierInvoicesState

    browser.sign_in(make_user(demo, _without(Module.BOOKINGS, Action.EDIT)))
    _open(browser, confirmed.id)
    browser.run(SupplierInvoicesState, "load_supplier_invoices")
    assert browser.state(SupplierInvoicesState).can_edit is False
    for handler, args in (
        ("open_form", ()),
        ("save", ({"reference": "X"},)),
        ("remove", ("1",)),
        ("hold_pdf", ([],)),
    ):
        with pytest.raises(AccessDenied):
            browser.run(SupplierInvoicesState, handler, *args)
    assert _count(demo, SupplierInvoice) == 0
    browser.sign_in(make_user(demo, _without(Module.BOOKINGS, Action.SEE)))
    for handler in ("load_supplier_invoices", "close_form"):
        with pytest.raises(AccessDenied):
            browser.run(SupplierInvoicesState, handler)


def test_the_accountants_export_is_a_zip_of_the_period_and_needs_the_export_right(
    browser, demo, confirmed
):
    browser.sign_in(make_user(demo))
    _open(browser, confirmed.id)
    browser.run(DossierInvoicesState, "load_invoices")
    browser.run(DossierInvoicesState, "create_deposit", {"percent": "30"})
    browser.run(DossierInvoicesState, "issue", browser.state(DossierInvoicesState).invoices[0].id)
    browser.visit(routes.INVOICES)
    browser.run(InvoicesListState, "load_list")
    browser.run(InvoicesListState, "export_period", {"since": "", "until": ""})
    assert browser.state(InvoicesListState).export_error
    today = formats.today().isoformat()
    download = browser.run(InvoicesListState, "export_period", {"since": today, "until": today})
    assert "/api/telechargement/" in str(download) and ".zip" in str(download)
    browser.sign_in(make_user(demo, _without(Module.INVOICING, Action.EXPORT)))
    with pytest.raises(AccessDenied):
        browser.run(InvoicesListState, "export_period", {"since": today, "until": today})


def test_an_overpayment_becomes_credit_applied_to_the_final_invoice_then_refunded(
    browser, demo, confirmed
):
    browser.sign_in(make_user(demo))
    _open(browser, confirmed.id)
    browser.run(DossierInvoicesState, "load_invoices")
    state = browser.state(DossierInvoicesState)
    browser.run(DossierInvoicesState, "create_deposit", {"percent": "30"})
    browser.run(DossierInvoicesState, "issue", state.invoices[0].id)
    method = str(demo.exec(select(PaymentMethod.id)).first())
    today = formats.today().isoformat()
    browser.run(
        DossierInvoicesState,
        "record_payment",
        {
            "received_on": today,
            "amount": "900",
            "payment_method_id": method,
            "invoice_id": state.invoices[0].id,
        },
    )
    assert state.has_credit and state.balance.client_credit == "204,00\u00a0€"
    browser.run(DossierInvoicesState, "create_final")
    browser.run(DossierInvoicesState, "issue", state.invoices[-1].id)
    browser.run(DossierInvoicesState, "apply_credit", {"invoice_id": state.invoices[-1].id})
    assert state.errors == {} and not state.has_credit
    assert state.invoices[-1].remaining == "1\u202f420,00\u00a0€"
    browser.run(
        DossierInvoicesState,
        "refund",
        {"amount": "10", "received_on": today, "payment_method_id": method},
    )
    assert "amount" in state.errors  # nothing left to give back


def test_credit_and_refunds_need_their_payments_rights(browser, demo, confirmed):
    browser.sign_in(make_user(demo, _without(Module.PAYMENTS, Action.EDIT, Action.CREATE)))
    _open(browser, confirmed.id)
    browser.run(DossierInvoicesState, "load_invoices")
    for handler, args in (
        ("apply_credit", ({"invoice_id": "1"},)),
        ("refund", ({"amount": "1"},)),
        ("open_dialog", ("credit",)),
        ("open_dialog", ("remboursement",)),
    ):
        with pytest.raises(AccessDenied):
            browser.run(DossierInvoicesState, handler, *args)
