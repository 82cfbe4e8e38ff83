"""Exporting the issued invoices of a period: the PDFs exactly as kept at issue, an index with
one row per document, nothing exported when a kept file was changed, and the rights.

The period's documents, from the demo school's day trips (see test_invoicing.py):
- dossier A: a 30 % deposit issued on 1 March 2027 (696,00 €), its final invoice on 20 March
  (2 320,00 € less the deposit: 1 624,00 € due), a credit note of 100,00 € on 2 April;
- dossier B, mixed (the agency's escort at 20 % VAT): its final invoice on 10 March
  (2 560,00 €, of which 39,33 € of VAT), and a draft credit note that is never exported.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook
from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import Client, Invoice, PartyDocument
from agence.services.billing import export as invoice_export
from agence.services.billing import facturx, invoicing, reading
from agence.services.billing.export import ExportFailed, PeriodProblem, RequestProblem
from agence.services.common.permissions import (
    ALL_RIGHTS,
    AccessDenied,
    Action,
    Actor,
    Module,
    Right,
)
from agence.settings import get_settings
from tests.factories import demo_admin, make_actor
from tests.services.billing.test_invoicing import confirmed, with_agency_escort

D = Decimal
MARCH = (date(2027, 3, 1), date(2027, 3, 31))
SPRING = (date(2027, 3, 1), date(2027, 4, 30))
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}


def run(function, *args, **kwargs):
    with session_scope() as s:
        return function(s, *args, **kwargs)


@dataclass(frozen=True)
class Period:
    deposit: Invoice
    final: Invoice
    mixed: Invoice
    credit_note: Invoice
    draft: Invoice

    @property
    def issued(self) -> list[Invoice]:
        return [self.deposit, self.final, self.mixed, self.credit_note]


@pytest.fixture
def admin(session: Session) -> Actor:
    return demo_admin(session)


@pytest.fixture
def period(admin: Actor) -> Period:
    a = confirmed(admin)
    b = confirmed(admin, with_agency_escort, starts_on="2027-06-02")

    def issue(draft: Invoice, on: date) -> Invoice:
        return run(invoicing.issue, admin, draft.id, on)

    deposit = issue(run(invoicing.create_deposit, admin, a.id, percent="30"), date(2027, 3, 1))
    mixed = issue(run(invoicing.create_final, admin, b.id), date(2027, 3, 10))
    final = issue(run(invoicing.create_final, admin, a.id), date(2027, 3, 20))
    on = date(2027, 4, 2)
    note = run(invoicing.create_credit_note, admin, final.id, amount="100", reason="Geste", on=on)
    credit_note = issue(note, on)
    draft = run(invoicing.create_credit_note, admin, mixed.id, amount="50", on=on)
    return Period(deposit, final, mixed, credit_note, draft)


def export(actor: Actor, target: Path, between: tuple[date, date] = SPRING):
    return run(invoice_export.export_invoices, actor, *between, target)


def kept(invoice: Invoice) -> tuple[Path, PartyDocument]:
    with session_scope() as s:
        document = s.get(PartyDocument, s.get(Invoice, invoice.id).document_id)
    return get_settings().files_dir / document.stored_name, document


def index_rows(folder: Path) -> list[tuple]:
    sheet = load_workbook(folder / "index.xlsx", read_only=True).active
    return list(sheet.iter_rows(values_only=True))


# --- What is exported ---------------------------------------------------------------------------


def test_each_issued_document_is_written_as_the_exact_bytes_kept_at_issue(admin, period, tmp_path):
    report = export(admin, tmp_path / "export")

    numbers = sorted(invoice.number for invoice in period.issued)
    assert report.numbers == tuple(numbers)
    assert (report.documents, report.invoices, report.credit_notes) == (4, 3, 1)
    assert sorted(path.name for path in report.folder.iterdir()) == sorted(
        [*(f"{number}.pdf" for number in numbers), "index.xlsx"]
    )
    for invoice in period.issued:
        path, document = kept(invoice)
        exported = (report.folder / f"{invoice.number}.pdf").read_bytes()
        assert exported == path.read_bytes()
        assert hashlib.sha256(exported).hexdigest() == document.sha256


def test_drafts_are_never_exported(admin, period, tmp_path):
    report = export(admin, tmp_path / "export")

    assert period.draft.number is None
    assert len(list(report.folder.glob("*.pdf"))) == 4
    assert len(index_rows(report.folder)) == 1 + 4


def test_only_documents_issued_within_the_period_both_days_included(admin, period, tmp_path):
    march = export(admin, tmp_path / "march", MARCH)
    assert march.numbers == (period.deposit.number, period.mixed.number, period.final.number)

    inside = export(admin, tmp_path / "inside", (date(2027, 3, 2), date(2027, 3, 19)))
    assert inside.numbers == (period.mixed.number,)

    april = export(admin, tmp_path / "april", (date(2027, 4, 2), date(2027, 4, 2)))
    assert april.numbers == (period.credit_note.number,)
    assert april.total_incl_vat == D("-100.00")


def test_the_index_has_one_row_per_document_by_number_with_its_figures(admin, period, tmp_path):
    report = export(admin, tmp_path / "export")

    header, *rows = index_rows(report.folder)
    assert header == (
        "Numéro",
        "Type",
        "Date d'émission",
        "Échéance",
        "Client",
        "SIREN du client",
        "Dossier",
        "Total HT",
        "TVA",
        "Total TTC",
        "Acomptes déduits",
        "Net à payer",
        "TVA sur marge (non facturée)",
        "Fichier",
        "Empreinte SHA-256",
    )
    by_number = {row[0]: row for row in rows}
    assert [row[0] for row in rows] == sorted(by_number)
    reference_a = run(reading.invoice_detail, admin, period.final.id).reference
    reference_b = run(reading.invoice_detail, admin, period.mixed.id).reference

    def figures(invoice: Invoice) -> tuple:
        row = by_number[invoice.number]
        return (row[1], row[2].date(), row[3] and row[3].date(), row[4], row[6], *row[7:13])

    assert figures(period.deposit) == (
        "Facture d'acompte",
        date(2027, 3, 1),
        period.deposit.due_on,
        "Collège Anatole-France",
        reference_a,
        696,
        0,
        696,
        0,
        696,
        18.5,
    )
    assert figures(period.final)[5:] == (2320, 0, 2320, 696, 1624, float(period.final.margin_vat))
    assert figures(period.mixed)[5:] == (
        2520.67,
        39.33,
        2560,
        0,
        2560,
        float(period.mixed.margin_vat),
    )
    assert figures(period.mixed)[4] == reference_b
    credit_note = figures(period.credit_note)
    assert credit_note[:3] == ("Avoir", date(2027, 4, 2), None)
    assert credit_note[5:10] == (-100, 0, -100, 0, -100)
    assert credit_note[10] == float(period.credit_note.margin_vat) < 0
    for invoice in period.issued:
        _, document = kept(invoice)
        assert by_number[invoice.number][13:] == (f"{invoice.number}.pdf", document.sha256)
    assert sum(D(str(row[9])) for row in rows) == report.total_incl_vat == D("5476.00")


def test_the_index_shows_the_siren_of_a_business_client_as_invoiced(admin, session, tmp_path):
    client = session.exec(select(Client).where(Client.name == "Collège Anatole-France")).one()
    client.siret = "19410012300015"
    session.add(client)
    session.commit()
    booking = confirmed(admin)
    draft = run(invoicing.create_deposit, admin, booking.id, percent="30")
    run(invoicing.issue, admin, draft.id, date(2027, 3, 1))

    report = export(admin, tmp_path / "export", MARCH)

    assert index_rows(report.folder)[1][5] == "194100123"


def test_each_exported_file_carries_its_factur_x_xml(admin, period, tmp_path):
    report = export(admin, tmp_path / "export")

    for invoice in period.issued:
        xml = facturx.xml_of((report.folder / f"{invoice.number}.pdf").read_bytes())
        root = etree.fromstring(xml)
        assert root.findtext("rsm:ExchangedDocument/ram:ID", namespaces=NS) == invoice.number
    mixed = etree.fromstring(
        facturx.xml_of((report.folder / f"{period.mixed.number}.pdf").read_bytes())
    )
    assert "39.33" in [node.text for node in mixed.iterfind(".//ram:TaxTotalAmount", namespaces=NS)]


# --- Never a partial export ----------------------------------------------------------------------


def test_a_tampered_kept_file_stops_the_export_naming_the_invoice_and_writes_nothing(
    admin, period, tmp_path
):
    path, _ = kept(period.final)
    original = path.read_bytes()
    path.write_bytes(original.replace(b"%%EOF", b"%%EOF\n% retouche", 1))
    target = tmp_path / "exports" / "mars"
    try:
        with pytest.raises(ExportFailed) as failed:
            export(admin, target)
    finally:
        path.write_bytes(original)  # kept files are shared by content: leave it as issued

    assert period.final.number in failed.value.message
    assert "modifié" in failed.value.message
    assert not target.exists()
    assert list((tmp_path / "exports").iterdir()) == []  # no temporary folder left behind


def test_a_missing_kept_file_stops_the_export_and_an_empty_target_stays_empty(
    admin, period, tmp_path
):
    path, _ = kept(period.deposit)
    original = path.read_bytes()
    path.unlink()
    target = tmp_path / "mars"
    target.mkdir()
    try:
        with pytest.raises(ExportFailed) as failed:
            export(admin, target)
    finally:
        path.write_bytes(original)

    assert period.deposit.number in failed.value.message
    assert "introuvable" in failed.value.message
    assert list(target.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["mars"]


def test_the_target_folder_must_be_new_or_empty(admin, period, tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("à garder")

    with pytest.raises(RequestProblem) as refused:
        export(admin, tmp_path / "used")

    assert "n'est pas vide" in refused.value.errors["folder"]
    assert [p.name for p in (tmp_path / "used").iterdir()] == ["notes.txt"]
    with pytest.raises(RequestProblem) as refused:
        export(admin, tmp_path / "used" / "notes.txt" / "export")
    assert "Impossible d'écrire" in refused.value.errors["folder"]
    (tmp_path / "empty-before").mkdir()
    report = export(admin, tmp_path / "empty-before")
    assert report.documents == 4


def test_a_period_running_backwards_or_without_documents_is_refused(admin, period, tmp_path):
    with pytest.raises(PeriodProblem) as refused:
        export(admin, tmp_path / "x", (date(2027, 3, 31), date(2027, 3, 1)))
    assert "Période invalide" in refused.value.errors["until"]

    with pytest.raises(PeriodProblem) as refused:
        export(admin, tmp_path / "x", (date(2027, 1, 1), date(2027, 2, 28)))
    assert "rien à exporter" in refused.value.errors["until"]
    assert not (tmp_path / "x").exists()
    assert list(tmp_path.iterdir()) == []


# --- Rights -------------------------------------------------------------------------------------


def test_exporting_needs_the_invoicing_export_right(period, session, tmp_path):
    without = make_actor(session, set(ALL_RIGHTS) - {Right(Module.INVOICING, Action.EXPORT)})

    with pytest.raises(AccessDenied):
        export(without, tmp_path / "export")
    with pytest.raises(AccessDenied):
        run(invoice_export.export_zip, without, *SPRING)

    assert list(tmp_path.iterdir()) == []


def test_a_rep_limited_to_his_clients_exports_their_invoices_only(period, session, tmp_path):
    rep = make_actor(session, ALL_RIGHTS, own_clients_only=True)
    with pytest.raises(PeriodProblem):
        export(rep, tmp_path / "none")

    client = session.get(Client, period.final.client_id)
    client.sales_rep_id = rep.user_id
    session.add(client)
    session.commit()
    assert export(rep, tmp_path / "his").documents == 4


# --- The in-app download ------------------------------------------------------------------------


def test_the_zip_holds_the_index_and_the_pdfs_under_the_period_folder(admin, period):
    path = run(invoice_export.export_zip, admin, *MARCH)

    assert path.parent == get_settings().exports_dir and path.suffix == ".zip"
    folder = "factures-2027-03-01-au-2027-03-31"
    assert invoice_export.download_name(*MARCH) == f"{folder}.zip"
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        names = archive.namelist()
        assert names[0] == f"{folder}/index.xlsx"
        assert sorted(names[1:]) == sorted(
            f"{folder}/{i.number}.pdf" for i in (period.deposit, period.mixed, period.final)
        )
        stored, _ = kept(period.mixed)
        assert archive.read(f"{folder}/{period.mixed.number}.pdf") == stored.read_bytes()
    assert not list(path.parent.glob("*.part"))
