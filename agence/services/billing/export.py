"""Exporting the issued invoices of a period for the accountant or an archive: each document
as the PDF kept when it was issued (its Factur-X XML inside), and an `index.xlsx` listing them.

What leaves the application must be the very bytes issued — an invoice never changes once
issued — so every kept file is read back and its SHA-256 compared with the one recorded when
it was kept. A file missing or changed stops the whole export with a French error naming the
invoice: an archive with a hole or a forged document is worse than none. Nothing is written
where the user asked until every file passed: the export is built in a temporary folder
beside the target, then moved into place in one rename.

The index keeps the stored signs (a credit note's amounts are negative), so that a column's
sum is what the period billed, and the margin VAT that the invoices never print (travel
agencies' margin scheme) for the VAT return.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from agence.models import Booking, Client, Invoice, PartyDocument
from agence.services.billing.invoice_pdf import siren_of
from agence.services.billing.lines import ZERO
from agence.services.billing.vocabulary import InvoiceKind, InvoiceStatus
from agence.services.common import formats
from agence.services.common.exports import write_workbook
from agence.services.common.files import new_export_path
from agence.services.common.forms import FormErrors
from agence.services.common.listing import Column
from agence.services.common.permissions import Action, Actor, Module
from agence.settings import get_settings

INDEX_NAME = "index.xlsx"
INDEX_TITLE = "Factures émises"
_CHUNK = 1 << 16
_UNSAFE = re.compile(r"[^\w.\-]")

INDEX_COLUMNS = (
    Column("number", "Numéro", None, width=22),
    Column("kind", "Type", None, width=18, labels=InvoiceKind.labels()),
    Column("issued_on", "Date d'émission", None, kind="date", width=14),
    Column("due_on", "Échéance", None, kind="date", width=12),
    Column("client", "Client", None, width=34),
    Column("client_siren", "SIREN du client", None, width=12),
    Column("reference", "Dossier", None, width=16),
    Column("total_excl_vat", "Total HT", None, kind="money", width=14),
    Column("total_vat", "TVA", None, kind="money", width=12),
    Column("total_incl_vat", "Total TTC", None, kind="money", width=14),
    Column("deposits_deducted", "Acomptes déduits", None, kind="money", width=14),
    Column("amount_due", "Net à payer", None, kind="money", width=14),
    Column("margin_vat", "TVA sur marge (non facturée)", None, kind="money", width=16),
    Column("file_name", "Fichier", None, width=26),
    Column("sha256", "Empreinte SHA-256", None, width=66),
)
"""One row per document: what the accountant books, the file it is in and its fingerprint."""


class ExportFailed(FormErrors):
    """The export stopped and wrote nothing: the French message says which invoice and why."""

    def __init__(self, message: str) -> None:
        super().__init__({"": message})
        self.message = message


@dataclass(frozen=True)
class ExportReport:
    folder: Path
    """Where the PDFs and the index now are."""
    since: date
    until: date
    numbers: tuple[str, ...]
    """The documents exported, in the order of their numbers."""
    invoices: int
    """Deposit and final invoices among them."""
    credit_notes: int
    total_incl_vat: Decimal
    """What the period billed, credit notes deducted."""

    @property
    def documents(self) -> int:
        return len(self.numbers)

    @property
    def index(self) -> Path:
        return self.folder / INDEX_NAME


class RequestProblem(FormErrors):
    """What was asked cannot be exported as asked (nothing was written): the message, in
    French, says what to change."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__({field: message})


class PeriodProblem(RequestProblem):
    """The period runs backwards, or nothing was issued in it (an empty archive would pass
    for a month without invoices)."""

    def __init__(self, message: str) -> None:
        super().__init__("until", message)


def check_period(since: date, until: date) -> None:
    """A period runs forward: `since` on or before `until` (both included)."""
    if since > until:
        raise PeriodProblem(
            f"Période invalide : le {formats.day(since)} est après le {formats.day(until)}."
        )


def _issued_in(actor: Actor, since: date, until: date) -> Any:
    """The period's issued invoices and credit notes with their kept PDF, by number. A rep
    limited to his clients exports theirs only (as the list of invoices shows them)."""
    statement = (
        select(Invoice, Booking.reference, PartyDocument)
        .join(Booking, col(Booking.id) == Invoice.booking_id)
        .outerjoin(PartyDocument, col(PartyDocument.id) == Invoice.document_id)
        .where(
            Invoice.status == InvoiceStatus.ISSUED,
            col(Invoice.issued_on) >= since,
            col(Invoice.issued_on) <= until,
        )
        .order_by(col(Invoice.number))
    )
    if actor.own_clients_only:
        mine = select(Client.id).where(Client.sales_rep_id == actor.user_id)
        statement = statement.where(col(Invoice.client_id).in_(mine))
    return statement


def _copy_checked(invoice: Invoice, document: PartyDocument | None, target: Path) -> str:
    """Copies the invoice's kept PDF to `target`, hashing what it reads; raises ExportFailed
    when the file is missing or is not the one issued. Returns the file's SHA-256."""
    number = invoice.number or ""
    if document is None:
        raise ExportFailed(
            f"Export interrompu : la facture {number} n'a pas de PDF conservé. "
            "Aucun fichier n'a été écrit."
        )
    source = get_settings().files_dir / document.stored_name
    digest = hashlib.sha256()
    try:
        with source.open("rb") as reader, target.open("wb") as writer:
            while chunk := reader.read(_CHUNK):
                digest.update(chunk)
                writer.write(chunk)
    except FileNotFoundError:
        raise ExportFailed(
            f"Export interrompu : le PDF conservé de la facture {number} est introuvable "
            f"({document.stored_name}). Aucun fichier n'a été écrit."
        ) from None
    except OSError as problem:
        raise ExportFailed(
            f"Export interrompu : le PDF conservé de la facture {number} n'a pu être lu ou "
            f"copié ({problem.strerror or problem}). Aucun fichier n'a été écrit."
        ) from problem
    found = digest.hexdigest()
    if found != document.sha256:
        raise ExportFailed(
            f"Export interrompu : le PDF conservé de la facture {number} a été modifié depuis "
            "son émission (empreinte SHA-256 différente). Aucun fichier n'a été écrit."
        )
    return found


def _file_name(number: str) -> str:
    """`{number}.pdf`; a number is letters, digits and dashes, but a file name never leaves
    the folder whatever it holds."""
    return f"{_UNSAFE.sub('_', number)}.pdf"


def _write_documents(
    session: Session, actor: Actor, since: date, until: date, work: Path
) -> tuple[list[dict[str, Any]], ExportReport]:
    """Copies the period's PDFs into `work`, each checked as it is read (one pass over the
    files), and returns the index's rows."""
    rows: list[dict[str, Any]] = []
    credit_notes = 0
    total = ZERO
    result = session.exec(_issued_in(actor, since, until).execution_options(yield_per=500))
    for invoice, reference, document in result:
        name = _file_name(invoice.number or "")
        sha256 = _copy_checked(invoice, document, work / name)
        credit_notes += invoice.kind == InvoiceKind.CREDIT_NOTE
        total += invoice.total_incl_vat
        rows.append(
            {
                "number": invoice.number,
                "kind": invoice.kind,
                "issued_on": invoice.issued_on,
                "due_on": invoice.due_on,
                "client": invoice.client_name,
                "client_siren": siren_of(invoice.client_siren),
                "reference": reference,
                "total_excl_vat": invoice.total_excl_vat,
                "total_vat": invoice.total_vat,
                "total_incl_vat": invoice.total_incl_vat,
                "deposits_deducted": invoice.deposits_deducted,
                "amount_due": invoice.amount_due,
                "margin_vat": invoice.margin_vat,
                "file_name": name,
                "sha256": sha256,
            }
        )
    if not rows:
        raise PeriodProblem(
            f"Aucune facture ni aucun avoir émis du {formats.day(since)} au "
            f"{formats.day(until)} : rien à exporter."
        )
    report = ExportReport(
        folder=work,
        since=since,
        until=until,
        numbers=tuple(row["number"] for row in rows),
        invoices=len(rows) - credit_notes,
        credit_notes=credit_notes,
        total_incl_vat=total,
    )
    return rows, report


def _free_target(folder: Path) -> None:
    """The target must be new or empty: an archive mixed with older files is ambiguous."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise RequestProblem(
            "folder",
            f"Le dossier {folder} existe déjà et n'est pas vide : choisissez-en un autre.",
        )


def export_invoices(
    session: Session, actor: Actor, since: date, until: date, folder: Path
) -> ExportReport:
    """Writes into `folder` (new or empty) every invoice and credit note issued from `since`
    to `until` included, as `{number}.pdf` (the bytes kept at issue, checked against their
    SHA-256), with `index.xlsx`. All or nothing: on any problem `folder` is left as it was."""
    actor.require(Module.INVOICING, Action.EXPORT)
    check_period(since, until)
    folder = Path(folder).absolute()
    _free_target(folder)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    except OSError as problem:
        raise RequestProblem(
            "folder", f"Impossible d'écrire dans {folder.parent} : {problem.strerror or problem}."
        ) from problem
    try:
        rows, report = _write_documents(session, actor, since, until, work)
        write_workbook(work / INDEX_NAME, INDEX_TITLE, INDEX_COLUMNS, rows)
        _free_target(folder)
        if folder.exists():
            # The empty folder the user prepared keeps its permissions; a new one stays
            # private to the user (mkdtemp's 0700), as befits clients' invoices.
            os.chmod(work, stat.S_IMODE(folder.stat().st_mode))
            folder.rmdir()
        work.rename(folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return replace(report, folder=folder)


# --- The in-app download ------------------------------------------------------------------------


def download_name(since: date, until: date) -> str:
    """The zip's name as the browser saves it: « factures-2026-11-01-au-2026-11-30.zip »."""
    return f"factures-{since.isoformat()}-au-{until.isoformat()}.zip"


def _zip_entries(folder: Path) -> Iterator[Path]:
    yield folder / INDEX_NAME
    yield from sorted(path for path in folder.iterdir() if path.name != INDEX_NAME)


def export_zip(session: Session, actor: Actor, since: date, until: date) -> Path:
    """The same export as one zip in the exports folder (served by a signed download link),
    its files under a folder named after the period. Returns the zip's path."""
    with tempfile.TemporaryDirectory(prefix="agence-factures-") as scratch:
        inner = download_name(since, until).removesuffix(".zip")
        report = export_invoices(session, actor, since, until, Path(scratch) / inner)
        target = new_export_path("zip")
        partial = target.with_name(f".{target.name}.part")
        try:
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in _zip_entries(report.folder):
                    archive.write(path, f"{inner}/{path.name}")
            partial.replace(target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return target
