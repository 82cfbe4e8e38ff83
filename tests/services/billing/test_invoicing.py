"""Invoicing a dossier, from the demo school's day trip (20 paying + 1 free, 116,00 € per paying
person, 2 320,00 €; suppliers' prices 1 950,00 €, so a margin of 370,00 € and 61,67 € of VAT on
it): deposits, the final invoice deducting them, credit notes, the margin scheme and a mixed
dossier, roundings, numbering, rights, and issuing as one transaction."""

from __future__ import annotations

import io
from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlmodel import Session, col, select

from agence.db import session_scope
from agence.models import (
    AgencySite,
    Booking,
    BookingEvent,
    Client,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    PartyDocument,
    PaymentTerm,
)
from agence.services.billing import facturx, invoice_documents, invoicing, numbering, reading
from agence.services.billing import lines as il
from agence.services.bookings.bookings import change_status, save_costing_of, start_amendment
from agence.services.bookings.lifecycle import Status
from agence.services.catalogue import costings
from agence.services.common.forms import FormErrors
from agence.services.common.listing import ListQuery, fetch_page
from agence.services.common.permissions import AccessDenied, Action, Actor, Module, Right
from agence.services.common.records import RecordNotFound
from agence.settings import get_settings
from tests.factories import demo_admin, demo_dossier, make_actor

ON = date(2027, 3, 1)
D = Decimal
MENTION = "Régime particulier – Agences de voyages"


# --- Set-up -------------------------------------------------------------------------------------


@pytest.fixture
def admin(session: Session) -> Actor:
    return demo_admin(session)


def edit_costing(actor: Actor, booking: Booking, change) -> Booking:
    """Changes the dossier's costing (before confirmation) through the costing page's service."""
    with session_scope() as s:
        booking = s.get(Booking, booking.id)
        header, lines = costings.costing_values(s, actor, booking.costing_id, Module.BOOKINGS)
        change(header, lines)
        save_costing_of(s, actor, booking.id, booking.costing_id, header, lines)
        return s.get(Booking, booking.id)


def confirmed(actor: Actor, change=None, starts_on: str = "2027-05-12") -> Booking:
    booking = demo_dossier(actor, starts_on)
    if change is not None:
        booking = edit_costing(actor, booking, change)
    with session_scope() as s:
        return change_status(s, actor, booking.id, Status.CONFIRMED)


@pytest.fixture
def dossier(admin: Actor) -> Booking:
    return confirmed(admin)


def with_agency_escort(header: dict[str, str], lines: list[dict[str, str]]) -> None:
    """The agency's own escort for the day (normal VAT at 20 %): 200 € cost, sold 236 €."""
    line = costings.blank_line("Accompagnateur de l'agence")
    line.update(basis="group", unit_cost="200", regime="normal", vat_rate="20")
    lines.append(line)


def at_a_loss(header: dict[str, str], lines: list[dict[str, str]]) -> None:
    """Every service 40 % off its price: 1 410,00 € for 1 950,00 € of suppliers' prices."""
    for line in lines:
        line["discount_percent"] = "40"


def run(function, *args, **kwargs):
    """One user action: one transaction."""
    with session_scope() as s:
        return function(s, *args, **kwargs)


def deposit(actor: Actor, booking: Booking, **terms) -> Invoice:
    return run(invoicing.create_deposit, actor, booking.id, **terms)


def final(actor: Actor, booking: Booking) -> Invoice:
    return run(invoicing.create_final, actor, booking.id)


def issue(actor: Actor, invoice: Invoice, on: date = ON) -> Invoice:
    return run(invoicing.issue, actor, invoice.id, on)


def credit(actor: Actor, invoice: Invoice, **terms) -> Invoice:
    return run(invoicing.create_credit_note, actor, invoice.id, on=ON, **terms)


def lines_of(invoice: Invoice) -> list[InvoiceLine]:
    with session_scope() as s:
        return list(
            s.exec(
                select(InvoiceLine)
                .where(InvoiceLine.invoice_id == invoice.id)
                .order_by(col(InvoiceLine.position))
            ).all()
        )


def document_of(invoice: Invoice):
    with session_scope() as s:
        return invoice_documents.invoice_document(s, s.get(Invoice, invoice.id))


def pdf_text(invoice: Invoice) -> str:
    with session_scope() as s:
        kept = s.get(PartyDocument, s.get(Invoice, invoice.id).document_id)
    data = (get_settings().files_dir / kept.stored_name).read_bytes()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def plain(text: str) -> str:
    """Formatted amounts use narrow and non-breaking spaces: compared here as plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def counter(series: str) -> int:
    with session_scope() as s:
        row = s.get(InvoiceCounter, series)
        return row.last_number if row else 0


# --- Deposits, then the final invoice -----------------------------------------------------------


def test_a_deposit_of_30_percent_takes_30_percent_of_the_price_with_its_estimated_margin_vat(
    admin, dossier
):
    draft = deposit(admin, dossier, percent="30")
    assert (draft.status, draft.number, draft.kind) == ("brouillon", None, "acompte")
    assert (draft.total_incl_vat, draft.total_vat, draft.amount_due) == (
        D("696.00"),
        D("0.00"),
        D("696.00"),
    )
    (line,) = lines_of(draft)
    assert line.label == (
        "Acompte de 30 % – Forfait Journée châteaux de la Loire – 20 personnes payantes"
    )
    assert (line.regime, line.total_vat) == ("margin", D("0"))
    # Forecast margin 370 / 2 320 of the price: 696 × 370 / 2 320 = 111,00; VAT 111 × 20/120.
    assert (draft.margin_base, draft.margin_vat, draft.margin_estimated) == (
        D("111.00"),
        D("18.50"),
        True,
    )


def test_deposits_then_the_final_invoice_deducting_them_with_the_real_margin_vat(admin, dossier):
    first = issue(admin, deposit(admin, dossier, percent="30"))
    second = issue(admin, deposit(admin, dossier, amount="500"), ON + timedelta(days=10))
    assert (first.number, first.issued_on, first.due_on) == ("FA-VDL-2027-000001", ON, ON)
    assert second.number == "FA-VDL-2027-000002"
    # 500 × 370 / 2 320 = 79,74 of margin, 13,29 of VAT.
    assert (second.margin_base, second.margin_vat) == (D("79.74"), D("13.29"))

    last = issue(admin, final(admin, dossier), ON + timedelta(days=70))
    assert last.number == "FA-VDL-2027-000003"
    assert (last.total_incl_vat, last.total_vat, last.deposits_deducted, last.amount_due) == (
        D("2320.00"),
        D("0.00"),
        D("1196.00"),
        D("1124.00"),
    )
    package, *deductions = lines_of(last)
    assert package.label == "Forfait Journée châteaux de la Loire – 20 personnes payantes"
    assert (package.quantity, package.unit_price, package.total_incl_vat) == (
        D("20"),
        D("116"),
        D("2320.00"),
    )
    assert [(line.deducted_invoice_id, line.total_incl_vat) for line in deductions] == [
        (first.id, D("-696.00")),
        (second.id, D("-500.00")),
    ]
    # The real margin: 2 320 − 1 950 = 370, VAT 61,67, less the 18,50 + 13,29 already
    # recorded on the deposits.
    assert (last.margin_base, last.margin_vat, last.margin_estimated) == (
        D("179.26"),
        D("29.88"),
        False,
    )
    document = document_of(last)
    assert [(d.number, d.amount) for d in document.deducted] == [
        ("FA-VDL-2027-000001", D("696.00")),
        ("FA-VDL-2027-000002", D("500.00")),
    ]
    text = pdf_text(last)
    assert "FA-VDL-2027-000001" in text and "1 124,00 €" in text


def test_the_deposits_together_never_exceed_the_price_of_the_dossier(admin, dossier):
    issue(admin, deposit(admin, dossier, percent="50"))
    deposit(admin, dossier, amount="1000")  # a draft counts while preparing
    with pytest.raises(FormErrors) as refused:
        deposit(admin, dossier, amount="160.01")
    assert "160,00 €" in plain(refused.value.errors["amount"])
    with pytest.raises(FormErrors) as refused:
        deposit(admin, dossier, percent="7")
    assert "percent" in refused.value.errors


def test_a_deposit_needs_a_percentage_or_an_amount_above_zero(admin, dossier):
    for terms, field in (
        ({}, "percent"),
        ({"percent": "30", "amount": "100"}, "amount"),
        ({"percent": "0"}, "percent"),
        ({"amount": "-5"}, "amount"),
        ({"percent": "120"}, "percent"),
        ({"amount": "douze"}, "amount"),
    ):
        with pytest.raises(FormErrors) as refused:
            deposit(admin, dossier, **terms)
        assert field in refused.value.errors, terms


def test_a_dossier_is_invoiced_only_once_confirmed(admin):
    booking = demo_dossier(admin, "2027-05-12")
    for make in (lambda: deposit(admin, booking, percent="30"), lambda: final(admin, booking)):
        with pytest.raises(FormErrors) as refused:
            make()
        assert "confirmé" in refused.value.errors[""]


def test_the_final_invoice_invoices_the_confirmed_version_not_an_amendment_in_progress(
    admin, dossier
):
    run(start_amendment, admin, dossier.id, "Un autocar de plus")

    def bigger_coach(header, lines):
        for line in lines:
            if line["label"] == "Autocar":
                line["quantity"] = "2"

    edit_costing(admin, dossier, bigger_coach)
    assert final(admin, dossier).total_incl_vat == D("2320.00")


def test_only_one_final_invoice_until_a_credit_note_cancels_it(admin, dossier):
    draft = final(admin, dossier)
    with pytest.raises(FormErrors) as refused:
        final(admin, dossier)
    assert "brouillon" in refused.value.errors[""]
    issued = issue(admin, draft)
    with pytest.raises(FormErrors) as refused:
        final(admin, dossier)
    assert issued.number in refused.value.errors[""]
    with pytest.raises(FormErrors):
        deposit(admin, dossier, percent="10")  # no deposit after the final invoice
    issue(admin, credit(admin, issued, amount="100"))
    with pytest.raises(FormErrors):
        final(admin, dossier)  # partly credited: still the dossier's final invoice
    issue(admin, credit(admin, issued))
    assert final(admin, dossier).total_incl_vat == D("2320.00")


# --- Credit notes -------------------------------------------------------------------------------


def test_a_total_credit_note_cancels_the_final_invoice_and_frees_its_deposits(admin, dossier):
    first = issue(admin, deposit(admin, dossier, percent="30"))
    invoice = issue(admin, final(admin, dossier))
    note = issue(admin, credit(admin, invoice, reason="Facture adressée au mauvais service"))
    assert (note.kind, note.number, note.corrects_id) == (
        "avoir",
        "FA-VDL-2027-000003",
        invoice.id,
    )
    assert (note.total_incl_vat, note.deposits_deducted, note.amount_due) == (
        D("-2320.00"),
        D("-696.00"),
        D("-1624.00"),
    )
    # The final invoice recorded 61,67 − 18,50 = 43,17 of margin VAT: all of it given back.
    assert (note.margin_base, note.margin_vat) == (D("-259.00"), D("-43.17"))
    assert note.due_on is None and note.notes == "Facture adressée au mauvais service"
    with session_scope() as s:
        assert reading.creditable(s, s.get(Invoice, invoice.id)) == D("0.00")
    document = document_of(note)
    assert (document.total_incl_vat, document.deposits_deducted, document.amount_due) == (
        D("2320.00"),
        D("696.00"),
        D("1624.00"),
    )
    assert document.corrects.number == invoice.number
    again = final(admin, dossier)
    assert (again.deposits_deducted, again.amount_due) == (D("696.00"), D("1624.00"))
    assert [line.deducted_invoice_id for line in lines_of(again)][1:] == [first.id]
    # What the client still owes: the deposit alone (the cancelled final invoice, nothing).
    from agence.services.billing import outstanding

    with session_scope() as s:
        balances = outstanding.invoice_balances(s, [first.id, invoice.id])
        assert balances[invoice.id].remaining == D("0.00")
        assert balances[first.id].remaining == D("696.00")
        assert outstanding.unpaid_invoices(s, [dossier.client_id]) == {
            dossier.client_id: D("696.00")
        }


def test_partial_credit_notes_give_back_a_share_of_the_margin_vat_and_never_more_than_is_left(
    admin, dossier
):
    invoice = issue(admin, final(admin, dossier))
    part = issue(admin, credit(admin, invoice, amount="232", reason="Deux élèves absents"))
    assert (part.total_incl_vat, part.amount_due, part.deposits_deducted) == (
        D("-232.00"),
        D("-232.00"),
        D("0.00"),
    )
    (line,) = lines_of(part)
    assert (line.regime, line.total_vat, line.total_incl_vat) == ("margin", D("0"), D("-232"))
    # A tenth of the invoice: a tenth of its 370,00 of margin and 61,67 of VAT, to the cent.
    assert (part.margin_base, part.margin_vat) == (D("-37.00"), D("-6.17"))
    with pytest.raises(FormErrors) as refused:
        credit(admin, invoice, amount="2088.01")
    assert "2 088,00 €" in plain(refused.value.errors["amount"])
    rest = issue(admin, credit(admin, invoice))
    assert rest.total_incl_vat == D("-2088.00")
    assert part.margin_vat + rest.margin_vat == -invoice.margin_vat
    assert part.margin_base + rest.margin_base == -invoice.margin_base


def test_a_credit_note_corrects_an_issued_invoice_only(admin, dossier):
    draft = final(admin, dossier)
    with pytest.raises(FormErrors):
        credit(admin, draft)
    invoice = issue(admin, draft)
    note = issue(admin, credit(admin, invoice, amount="10"))
    with pytest.raises(FormErrors):
        credit(admin, note)


def test_a_deposit_deducted_by_the_final_invoice_is_credited_only_after_it(admin, dossier):
    advance = issue(admin, deposit(admin, dossier, percent="30"))
    invoice = issue(admin, final(admin, dossier))
    with pytest.raises(FormErrors) as refused:
        credit(admin, advance)
    assert invoice.number in refused.value.errors[""]
    issue(admin, credit(admin, invoice))
    note = issue(admin, credit(admin, advance))
    assert (note.total_incl_vat, note.margin_vat) == (D("-696.00"), D("-18.50"))
    assert final(admin, dossier).deposits_deducted == D("0.00")


# --- VAT: the margin scheme, a mixed dossier, roundings --------------------------------------


def test_a_margin_scheme_invoice_shows_no_vat_and_carries_the_travel_agency_mention(admin, dossier):
    invoice = issue(admin, final(admin, dossier))
    document = document_of(invoice)
    assert document.margin_scheme and document.total_vat == 0
    assert [(row.category, row.base, row.vat) for row in document.vat_breakdown] == [
        ("E", D("2320.00"), D("0.00"))
    ]
    text = pdf_text(invoice)
    assert MENTION in text
    assert "2 320,00 €" in text
    assert "61,67" not in text  # the margin VAT is never printed


def test_a_mixed_dossier_shows_vat_only_on_the_agency_own_service(admin):
    booking = confirmed(admin, with_agency_escort)
    advance = deposit(admin, booking, percent="30")
    # 30 % of 2 560,00 = 768,00: 70,80 for the escort (VAT 11,80), 697,20 for the package.
    assert [(line.regime, line.total_incl_vat, line.total_vat) for line in lines_of(advance)] == [
        ("normal", D("70.80"), D("11.80")),
        ("margin", D("697.20"), D("0")),
    ]
    assert (advance.margin_base, advance.margin_vat) == (D("112.20"), D("18.70"))
    issue(admin, advance)
    invoice = issue(admin, final(admin, booking))
    escort, package, _deduction = lines_of(invoice)
    assert (escort.label, escort.regime, escort.vat_rate) == (
        "Accompagnateur de l'agence",
        "normal",
        D("20"),
    )
    assert (escort.total_excl_vat, escort.total_vat, escort.total_incl_vat) == (
        D("196.67"),
        D("39.33"),
        D("236.00"),
    )
    assert (package.regime, package.total_vat, package.total_incl_vat) == (
        "margin",
        D("0"),
        D("2324.00"),
    )
    assert (invoice.total_incl_vat, invoice.total_vat, invoice.total_excl_vat) == (
        D("2560.00"),
        D("39.33"),
        D("2520.67"),
    )
    # Margin on the package only: 2 324 − 1 950 = 374, VAT 62,33, less 18,70 on the deposit.
    assert (invoice.margin_base, invoice.margin_vat) == (D("261.80"), D("43.63"))
    document = document_of(invoice)
    assert [(row.category, row.rate, row.base, row.vat) for row in document.vat_breakdown] == [
        ("S", D("20"), D("196.67"), D("39.33")),
        ("E", D("0"), D("2324.00"), D("0.00")),
    ]
    text = pdf_text(invoice)
    assert MENTION in text and "39,33" in text


def test_margin_vat_is_zero_when_the_margin_is_negative(admin):
    booking = confirmed(admin, at_a_loss)
    advance = issue(admin, deposit(admin, booking, percent="30"))
    # Forecast margin −540 / 1 410 of the price: −162,00 on this deposit, no VAT.
    assert (advance.total_incl_vat, advance.margin_base, advance.margin_vat) == (
        D("423.00"),
        D("-162.00"),
        D("0.00"),
    )
    invoice = issue(admin, final(admin, booking))
    assert invoice.total_incl_vat == D("1410.00")
    assert (invoice.margin_base, invoice.margin_vat) == (D("-378.00"), D("0.00"))


def test_vat_is_rounded_half_up_once_per_rate_on_the_sum_of_its_lines():
    services = [
        il.NormalService("Goûter", D("10"), D("0.03")),
        il.NormalService("Boisson", D("10"), D("0.03")),
        il.NormalService("Guide", D("20"), D("0.27")),
    ]
    lines = il.normal_lines(services)
    # 10 %: each line alone would round 0,0027… to 0,00; the rate's 0,06 gives 0,01 (half-up
    # of 0,00545…), shared so that the lines add up to it. 20 %: 0,27 / 6 = 0,045 → 0,05
    # (half-up; banker's rounding would say 0,04).
    assert [(line.vat_rate, line.total_vat) for line in lines] == [
        (D("10"), D("0.00")),
        (D("10"), D("0.01")),
        (D("20"), D("0.05")),
    ]
    assert all(line.total_excl_vat + line.total_vat == line.total_incl_vat for line in lines)


def test_amounts_spread_pro_rata_add_up_exactly():
    assert il.spread(D("100.00"), [D("1"), D("1"), D("1")]) == [
        D("33.34"),
        D("33.33"),
        D("33.33"),
    ]
    assert sum(il.spread(D("768.00"), [D("236"), D("2324")], rest_to=1)) == D("768.00")


# --- Issued invoices never change; rights ----------------------------------------------------


def test_an_issued_invoice_can_never_be_edited_or_deleted(admin, dossier):
    invoice = issue(admin, deposit(admin, dossier, percent="30"))
    with pytest.raises(FormErrors) as refused:
        run(invoicing.update_draft, admin, invoice.id, {"notes": "Corrigé"})
    assert "avoir" in refused.value.errors[""]
    with pytest.raises(FormErrors):
        run(invoicing.delete_draft, admin, invoice.id)
    with pytest.raises(FormErrors):
        issue(admin, invoice)
    with session_scope() as s:
        kept = s.get(Invoice, invoice.id)
        assert (kept.status, kept.notes, kept.total_incl_vat) == ("emise", "", D("696.00"))


def test_a_draft_is_edited_and_deleted_without_using_a_number(admin, dossier):
    draft = deposit(admin, dossier, percent="30")
    edited = run(
        invoicing.update_draft,
        admin,
        draft.id,
        {"amount": "400", "notes": "Acompte convenu au téléphone"},
    )
    assert (edited.deposit_percent, edited.total_incl_vat, edited.notes) == (
        None,
        D("400.00"),
        "Acompte convenu au téléphone",
    )
    run(invoicing.delete_draft, admin, draft.id)
    with session_scope() as s:
        assert s.get(Invoice, draft.id) is None
    assert issue(admin, deposit(admin, dossier, percent="10")).number == "FA-VDL-2027-000001"


def rights(*pairs: tuple[Module, Action]) -> set[Right]:
    return {Right(Module.BOOKINGS, Action.SEE), *(Right(m, a) for m, a in pairs)}


def test_drafts_need_the_create_right_and_issuing_the_validate_right(session, admin, dossier):
    reader = make_actor(session, rights((Module.INVOICING, Action.SEE)))
    clerk = make_actor(
        session, rights((Module.INVOICING, Action.SEE), (Module.INVOICING, Action.CREATE))
    )
    with pytest.raises(AccessDenied):
        deposit(reader, dossier, percent="30")
    draft = deposit(clerk, dossier, percent="30")
    with pytest.raises(AccessDenied):
        issue(clerk, draft)
    assert counter("FA-VDL-2027") == 0
    with pytest.raises(AccessDenied):
        run(invoicing.delete_draft, reader, draft.id)
    assert len(run(reading.invoices_of_booking, reader, dossier.id)) == 1
    assert issue(admin, draft).number == "FA-VDL-2027-000001"


def test_a_rep_limited_to_his_clients_sees_neither_their_dossiers_invoices_nor_the_list(
    session, admin, dossier
):
    issue(admin, deposit(admin, dossier, percent="30"))
    rep = make_actor(session, rights((Module.INVOICING, Action.SEE)), own_clients_only=True)
    with pytest.raises(RecordNotFound):
        run(reading.invoices_of_booking, rep, dossier.id)
    with session_scope() as s:
        assert fetch_page(s, reading.INVOICES_LIST, ListQuery(), rep).total == 0
        page = fetch_page(s, reading.INVOICES_LIST, ListQuery(), admin)
        assert page.total == 1
        invoice_id = page.rows[0]["id"]
        assert reading.booking_of_invoice(s, admin, invoice_id) == dossier.id
    with pytest.raises(RecordNotFound):
        run(reading.booking_of_invoice, rep, invoice_id)


# --- Numbering ---------------------------------------------------------------------------------


def test_numbers_run_on_across_deposits_final_invoices_and_credit_notes_by_default(admin, dossier):
    advance = issue(admin, deposit(admin, dossier, percent="30"))
    invoice = issue(admin, final(admin, dossier))
    note = issue(admin, credit(admin, invoice, amount="50"))
    assert [advance.number, invoice.number, note.number] == [
        "FA-VDL-2027-000001",
        "FA-VDL-2027-000002",
        "FA-VDL-2027-000003",
    ]
    assert [advance.sequence, invoice.sequence, note.sequence] == [1, 2, 3]


def test_credit_notes_have_their_own_series_when_the_agency_chose_so(session, admin, dossier):
    numbering.set_credit_note_series_mode(session, admin, "propre")
    session.commit()
    invoice = issue(admin, final(admin, dossier))
    note = issue(admin, credit(admin, invoice, amount="50"))
    again = issue(admin, credit(admin, invoice, amount="50"))
    assert (invoice.number, note.number, again.number) == (
        "FA-VDL-2027-000001",
        "AV-VDL-2027-000001",
        "AV-VDL-2027-000002",
    )
    assert note.series == "AV-VDL-2027"


def test_an_invoice_cannot_be_dated_before_the_last_one_of_its_series(admin, dossier):
    issue(admin, deposit(admin, dossier, percent="30"), ON)
    late = deposit(admin, dossier, percent="10")
    with pytest.raises(FormErrors) as refused:
        issue(admin, late, ON - timedelta(days=1))
    assert "01/03/2027" in refused.value.errors["issued_on"]
    assert counter("FA-VDL-2027") == 1
    assert issue(admin, late, ON).number == "FA-VDL-2027-000002"


def test_a_facturx_refusal_rolls_the_issue_back_and_leaves_no_gap(session, admin, dossier):
    site = session.exec(select(AgencySite).where(AgencySite.code == "VDL")).one()
    vat_number, site.vat_number = site.vat_number, ""
    session.add(site)
    session.commit()
    draft = deposit(admin, dossier, percent="30")
    with pytest.raises(FormErrors) as refused:
        issue(admin, draft)
    assert "TVA intracommunautaire de l'agence" in refused.value.errors[""]
    assert counter("FA-VDL-2027") == 0
    with session_scope() as s:
        kept = s.get(Invoice, draft.id)
        assert (kept.status, kept.number, kept.document_id) == ("brouillon", None, None)
        assert s.exec(select(PartyDocument).where(PartyDocument.kind == "facture")).all() == []
    site.vat_number = vat_number
    session.add(site)
    session.commit()
    assert issue(admin, draft).number == "FA-VDL-2027-000001"


def test_facturx_error_is_a_value_error_with_a_french_reason():
    assert issubclass(facturx.FacturXError, ValueError)


# --- What issuing records -----------------------------------------------------------------------


def test_issuing_keeps_the_factur_x_pdf_as_a_document_of_the_dossier(admin, dossier):
    invoice = issue(admin, final(admin, dossier))
    with session_scope() as s:
        kept = s.get(PartyDocument, invoice.document_id)
    assert (kept.booking_id, kept.kind, kept.title, kept.file_name) == (
        dossier.id,
        "facture",
        "FA-VDL-2027-000001",
        "FA-VDL-2027-000001.pdf",
    )
    data = (get_settings().files_dir / kept.stored_name).read_bytes()
    assert kept.sha256 in kept.stored_name and kept.size == len(data)
    assert b"factur-x.xml" in data
    xml = facturx.xml_of(data)
    assert b"FA-VDL-2027-000001" in xml


def test_the_client_is_frozen_as_invoiced(session, admin, dossier):
    invoice = issue(admin, final(admin, dossier))
    client = session.get(Client, dossier.client_id)
    client.name = "Collège Anatole-France (nouveau nom)"
    session.add(client)
    session.commit()
    document = document_of(invoice)
    assert document.client.name == "Collège Anatole-France"
    assert document.client.address_lines and document.client.address_lines[-1].endswith("Blois")
    assert invoice.client_name == "Collège Anatole-France"


def test_a_public_buyer_needs_its_engagement_number_and_gets_its_service_code(
    session, admin, dossier
):
    client = session.get(Client, dossier.client_id)
    client.chorus_service_code = "SERV-ACHATS-41"
    client.chorus_engagement_required = True
    client.siret = "19410001700012"
    session.add(client)
    session.commit()
    draft = final(admin, dossier)
    with pytest.raises(FormErrors) as refused:
        issue(admin, draft)
    assert "engagement_number" in refused.value.errors
    assert counter("FA-VDL-2027") == 0
    run(invoicing.update_draft, admin, draft.id, {"engagement_number": "EJ-2027-000457"})
    invoice = issue(admin, draft)
    assert (invoice.buyer_reference, invoice.engagement_number, invoice.client_siren) == (
        "SERV-ACHATS-41",
        "EJ-2027-000457",
        "19410001700012",
    )
    document = document_of(invoice)
    assert (document.buyer_reference, document.order_reference) == (
        "SERV-ACHATS-41",
        "EJ-2027-000457",
    )
    assert "8 points" in document.late_penalty_rate


def test_the_due_date_follows_the_client_payment_terms(session, admin, dossier):
    client = session.get(Client, dossier.client_id)
    client.payment_term_id = session.exec(
        select(PaymentTerm.id).where(PaymentTerm.rule == "acompte_solde")
    ).one()
    session.add(client)
    session.commit()
    advance = issue(admin, deposit(admin, dossier, percent="30"))
    assert advance.due_on == ON  # the deposit at the order
    invoice = issue(admin, final(admin, dossier))
    assert invoice.due_on == date(2027, 4, 12)  # the balance 30 days before the departure
    client.payment_term_id = session.exec(
        select(PaymentTerm.id).where(PaymentTerm.rule == "jours", PaymentTerm.days == 30)
    ).one()
    session.add(client)
    session.commit()
    note = issue(admin, credit(admin, invoice))
    assert note.due_on is None
    again = issue(admin, final(admin, dossier))
    assert (again.due_on, again.payment_terms) == (
        ON + timedelta(days=30),
        "30 jours date de facture",
    )


def test_issuing_the_final_invoice_of_a_done_dossier_marks_it_invoiced(admin, dossier):
    run(change_status, admin, dossier.id, Status.DONE)
    issue(admin, deposit(admin, dossier, percent="30"))
    with session_scope() as s:
        assert s.get(Booking, dossier.id).status == Status.DONE
    invoice = issue(admin, final(admin, dossier))
    with session_scope() as s:
        assert s.get(Booking, dossier.id).status == Status.INVOICED
        event = s.exec(
            select(BookingEvent)
            .where(BookingEvent.booking_id == dossier.id)
            .order_by(col(BookingEvent.id).desc())
        ).first()
    assert (event.from_status, event.to_status) == (Status.DONE, Status.INVOICED)
    assert invoice.number in event.comment


def test_a_confirmed_dossier_keeps_its_status_when_its_final_invoice_is_issued(admin, dossier):
    issue(admin, final(admin, dossier))
    with session_scope() as s:
        assert s.get(Booking, dossier.id).status == Status.CONFIRMED


# --- Reading -----------------------------------------------------------------------------------


def test_the_dossier_page_lists_its_invoices_formatted(admin, dossier):
    issue(admin, deposit(admin, dossier, percent="30"))
    final(admin, dossier)
    rows = [
        {
            key: plain(value) if isinstance(value, str) else value
            for key, value in asdict(row).items()
        }
        for row in run(reading.invoices_of_booking, admin, dossier.id)
    ]
    assert [(r["number"], r["kind_label"], r["status_label"]) for r in rows] == [
        ("FA-VDL-2027-000001", "Facture d'acompte", "Émise"),
        ("Brouillon", "Facture", "Brouillon"),
    ]
    assert (rows[0]["issued_on"], rows[0]["total"], rows[0]["document_id"] != "") == (
        "01/03/2027",
        "696,00 €",
        True,
    )
    assert rows[1]["amount_due"] == "1 624,00 €"
    assert (rows[0]["remaining"], rows[0]["payable"]) == ("696,00 €", True)
    assert (rows[1]["remaining"], rows[1]["payable"]) == ("", False)


def test_the_invoice_detail_shows_its_lines_and_what_remains_creditable(admin, dossier):
    invoice = issue(admin, final(admin, dossier))
    issue(admin, credit(admin, invoice, amount="320"))
    detail = run(reading.invoice_detail, admin, invoice.id)
    assert detail.header.number == invoice.number
    assert plain(detail.creditable) == "2 000,00 €"
    assert plain(detail.lines[0].total) == "2 320,00 €"
    assert plain(detail.margin_vat) == "61,67 €"


def test_the_invoices_list_searches_and_filters(admin, dossier):
    issue(admin, deposit(admin, dossier, percent="30"))
    final(admin, dossier)
    with session_scope() as s:

        def numbers(**query) -> list[str]:
            page = fetch_page(s, reading.INVOICES_LIST, ListQuery(**query), admin)
            return [row["number"] for row in page.rows]

        assert numbers(filters={"status": "emise"}) == ["FA-VDL-2027-000001"]
        assert numbers(filters={"kind": "solde"}) == ["Brouillon"]
        assert numbers(search="000001") == ["FA-VDL-2027-000001"]
        assert len(numbers(search="anatole")) == 2
        assert numbers(search=dossier.reference, filters={"issued_since": "2027-03-02"}) == []


def test_the_real_margin_takes_a_supplier_invoice_instead_of_the_costing_cost(admin, dossier):
    """The castle bills 100 € more than costed: the margin (370 €) drops to 270 €, its VAT
    from 61,67 € to 45,00 €."""
    from agence.services.billing import supplier_invoices
    from agence.services.documents import builder

    with session_scope() as s:
        booking = s.get(Booking, dossier.id)
        castle = next(
            supplier
            for supplier in builder.suppliers_of(s, booking)
            if supplier.name == "Château royal d'Amboise"
        )
        expected = supplier_invoices.expected_costs(s, booking)[castle.id]
        supplier_invoices.record_supplier_invoice(
            s,
            admin,
            dossier.id,
            {
                "supplier_id": str(castle.id),
                "reference": "AMB-2027-118",
                "invoiced_on": "2026-11-02",
                "amount_incl_vat": str(expected + 100).replace(".", ","),
            },
        )
    last = issue(admin, final(admin, dossier))
    assert (last.margin_base, last.margin_vat) == (D("270.00"), D("45.00"))


def test_a_credit_note_that_settles_what_was_left_closes_the_dossier(session, admin, dossier):
    """Deposit paid, the balance waived by a credit note: nothing is left due, « soldé »."""
    from agence.models import PaymentMethod
    from agence.services.billing import payments

    run(change_status, admin, dossier.id, Status.DONE)
    first = issue(admin, deposit(admin, dossier, percent="30"))
    last = issue(admin, final(admin, dossier))
    method = session.exec(select(PaymentMethod.id)).first()
    with session_scope() as s:
        payments.record_payment(
            s,
            admin,
            {
                "client_id": str(dossier.client_id),
                "received_on": date.today().isoformat(),
                "amount": "696",
                "payment_method_id": str(method),
            },
            [(first.id, "696")],
        )
    with session_scope() as s:
        assert s.get(Booking, dossier.id).status == Status.INVOICED
    issue(admin, credit(admin, last, amount="1624", reason="Solde offert"))
    with session_scope() as s:
        assert s.get(Booking, dossier.id).status == Status.SETTLED
