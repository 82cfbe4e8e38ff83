"""Importing clients, suppliers or tariffs from an Excel or CSV file.

Each line goes through the very form rules of the application (records.save), inside a
savepoint: a refused line is rolled back alone and reported with its number. A check is the
same run with everything rolled back; an import keeps all lines, or — when the user chose so —
only the valid ones. Nothing is imported when any line is invalid unless the user asked for it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from openpyxl import load_workbook
from openpyxl.worksheet._reader import WorkSheetParser
from sqlmodel import Session, col, select

from agence.models import ParticipantCategory, Product, User
from agence.services.bookings.participants import PARTICIPANTS, ROOM_TYPES
from agence.services.catalogue.rates import DAYS, RATES
from agence.services.common import audit, formats, identifiers
from agence.services.common.audit import AuditAction
from agence.services.common.forms import REQUIRED, FieldSpec, FormErrors
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import Resource, get_parent, save
from agence.services.common.text import normalize_text
from agence.services.parties.choices import Choice
from agence.services.parties.clients import CLIENTS
from agence.services.parties.suppliers import SUPPLIERS
from agence.services.parties.vocabulary import (
    ClientStatus,
    ClientType,
    ImportTarget,
    Language,
    SupplierType,
    VatRegime,
)

MAX_BYTES = 5_000_000
MAX_ROWS = 5_000
MAX_COLUMNS = 100
MAX_CELL_CHARS = 32_767
"""Excel's own limit for a cell: the form rules then apply each field's."""
MAX_TEXT_CHARS = 10_000_000
"""All the cells together: a workbook can repeat one long shared string in every cell."""
MAX_XLSX_UNZIPPED_BYTES = 20_000_000
MAX_XLSX_TAGS = 1_000_000
"""5 000 lines of 20 columns of distinct texts, as openpyxl writes them: 7 MB, 610 000 tags."""
MAX_XLSX_MEMBERS = 1_000
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
CONTROL_CHARACTERS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Invisible characters removed from a cell; tab and line breaks stay, NUL is refused."""
TOO_LONG = f"cellule trop longue (plus de {formats.number(MAX_CELL_CHARS)} caractères)."
SAVE_AS_UTF8 = "enregistrez le fichier au format « CSV UTF-8 »"
SHOWN_ERRORS = 200
IGNORE = ""


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    resource: Resource
    fields: tuple[str, ...]
    synonyms: dict[str, str]
    labels_of: dict[str, dict[str, str]]
    """Choice fields whose cells may hold the French label instead of the code."""
    extra_fields: tuple[FieldSpec, ...] = ()
    """Columns that are not fields of the form (a sales rep's e-mail, a product's name)."""
    lookups: dict[str, Callable[[Session], dict[str, str]]] = field(default_factory=dict)
    """Fields whose cell names a record (« Adulte », « Visite du château… »): normalized
    text → the id to submit."""
    required_any: tuple[str, ...] = ("name", "last_name")
    """At least one of these columns must be mapped."""
    parent_field: str = ""
    """The column that names the file each line is added to (a tariff's product)."""
    fixed_parent: bool = False
    """Every line goes under one file chosen by the page (a dossier's participants)."""

    @property
    def module(self) -> Module:
        return self.resource.module


def _products_by_name(session: Session) -> dict[str, str]:
    return {
        normalize_text(name): str(product_id)
        for product_id, name in session.exec(
            select(Product.id, Product.name).where(col(Product.deleted_at).is_(None))
        )
    }


def _categories_by_name(session: Session) -> dict[str, str]:
    found: dict[str, str] = {}
    for category_id, code, label in session.exec(
        select(ParticipantCategory.id, ParticipantCategory.code, ParticipantCategory.label)
    ):
        found[normalize_text(code)] = found[normalize_text(label)] = str(category_id)
    return found


PRODUCT_FIELD = FieldSpec("product", "Prestation (nom exact)", required=True)
RATE_FIELDS = (
    "label",
    "participant_category_id",
    "valid_from",
    "valid_to",
    "days",
    "min_group",
    "max_group",
    "purchase_price",
    "sale_price",
    "markup_percent",
)

TARGETS: dict[str, Target] = {
    ImportTarget.CLIENTS: Target(
        ImportTarget.CLIENTS,
        ImportTarget.CLIENTS.label,
        CLIENTS,
        (
            "client_type",
            "status",
            "name",
            "last_name",
            "first_name",
            "email",
            "phone",
            "billing_line1",
            "billing_line2",
            "billing_postcode",
            "billing_city",
            "billing_country",
            "website",
            "siret",
            "vat_number",
            "language",
            "credit_limit",
            "account_code",
            "tags",
            "notes",
            "sales_rep_email",
        ),
        {
            "raison sociale": "name",
            "nom": "name",
            "societe": "name",
            "client": "name",
            "type": "client_type",
            "categorie": "client_type",
            "statut": "status",
            "prenom": "first_name",
            "mail": "email",
            "courriel": "email",
            "e mail": "email",
            "tel": "phone",
            "telephone": "phone",
            "adresse": "billing_line1",
            "adresse 1": "billing_line1",
            "adresse 2": "billing_line2",
            "complement": "billing_line2",
            "cp": "billing_postcode",
            "code postal": "billing_postcode",
            "ville": "billing_city",
            "pays": "billing_country",
            "siret": "siret",
            "tva": "vat_number",
            "langue": "language",
            "site web": "website",
            "compte": "account_code",
            "plafond": "credit_limit",
            "etiquettes": "tags",
            "commercial": "sales_rep_email",
            "notes": "notes",
        },
        {
            "client_type": ClientType.labels(),
            "status": ClientStatus.labels(),
            "language": Language.labels(),
        },
    ),
    ImportTarget.SUPPLIERS: Target(
        ImportTarget.SUPPLIERS,
        ImportTarget.SUPPLIERS.label,
        SUPPLIERS,
        (
            "name",
            "supplier_type",
            "email",
            "phone",
            "billing_line1",
            "billing_postcode",
            "billing_city",
            "website",
            "siret",
            "vat_number",
            "default_vat_regime",
            "account_code",
            "free_places",
            "free_places_per",
            "option_deadline_days",
            "cancellation_text",
            "cancellation_terms",
            "notes",
        ),
        {
            "nom": "name",
            "raison sociale": "name",
            "fournisseur": "name",
            "type": "supplier_type",
            "mail": "email",
            "courriel": "email",
            "tel": "phone",
            "telephone": "phone",
            "adresse": "billing_line1",
            "cp": "billing_postcode",
            "code postal": "billing_postcode",
            "ville": "billing_city",
            "siret": "siret",
            "tva": "vat_number",
            "regime": "default_vat_regime",
            "compte": "account_code",
            "notes": "notes",
        },
        {"supplier_type": SupplierType.labels(), "default_vat_regime": VatRegime.labels()},
    ),
    ImportTarget.RATES: Target(
        ImportTarget.RATES,
        ImportTarget.RATES.label,
        RATES,
        (PRODUCT_FIELD.name, *RATE_FIELDS),
        {
            "prestation": "product",
            "produit": "product",
            "libelle": "label",
            "categorie": "participant_category_id",
            "du": "valid_from",
            "debut": "valid_from",
            "au": "valid_to",
            "fin": "valid_to",
            "jours": "days",
            "de": "min_group",
            "payants de": "min_group",
            "min": "min_group",
            "a": "max_group",
            "max": "max_group",
            "achat": "purchase_price",
            "prix d'achat": "purchase_price",
            "prix d achat ttc": "purchase_price",
            "prix d'achat ttc": "purchase_price",
            "vente": "sale_price",
            "prix de vente": "sale_price",
            "prix de vente ttc": "sale_price",
            "majoration": "markup_percent",
        },
        {"days": DAYS},
        extra_fields=(PRODUCT_FIELD,),
        lookups={"product": _products_by_name, "participant_category_id": _categories_by_name},
        required_any=("product",),
        parent_field="product",
    ),
    ImportTarget.PARTICIPANTS: Target(
        ImportTarget.PARTICIPANTS,
        ImportTarget.PARTICIPANTS.label,
        PARTICIPANTS,
        (
            "last_name",
            "first_name",
            "participant_category_id",
            "room_type",
            "room",
            "dietary_needs",
            "notes",
        ),
        {
            "nom": "last_name",
            "prenom": "first_name",
            "categorie": "participant_category_id",
            "chambre": "room",
            "type de chambre": "room_type",
            "type": "room_type",
            "numero de chambre": "room",
            "partage": "room",
            "regime": "dietary_needs",
            "regime alimentaire": "dietary_needs",
            "allergies": "dietary_needs",
        },
        {"room_type": ROOM_TYPES},
        lookups={"participant_category_id": _categories_by_name},
        required_any=("last_name",),
        fixed_parent=True,
    ),
}
SALES_REP_FIELD = FieldSpec("sales_rep_email", "Commercial (e-mail)", "email")
TARGETS[ImportTarget.CLIENTS] = replace(
    TARGETS[ImportTarget.CLIENTS], extra_fields=(SALES_REP_FIELD,)
)


def targets_of(module: Module) -> dict[str, Target]:
    return {key: target for key, target in TARGETS.items() if target.module == module}


def field_specs(target: Target) -> dict[str, FieldSpec]:
    specs = {spec.name: spec for spec in target.resource.fields}
    specs.update({spec.name: spec for spec in target.extra_fields})
    return {name: specs[name] for name in target.fields}


def field_options(target: Target) -> list[Choice]:
    """What a column can go to: one of the target's fields, or nothing."""
    return [Choice(IGNORE, "— ignorer —")] + [
        Choice(name, spec.label) for name, spec in field_specs(target).items()
    ]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return formats.day(value.date())
    if isinstance(value, date):
        return formats.day(value)
    if isinstance(value, float):
        return str(Decimal(str(value)).normalize()) if value != int(value) else str(int(value))
    return str(value).strip()


def read_table(file_name: str, data: bytes) -> Table:
    """The first sheet of an .xlsx, or a .csv (see `_decode_csv` for its encodings; ; , or tab).

    Read line by line, stopping at the first line past `MAX_ROWS` or wider than `MAX_COLUMNS`;
    a cell is cleaned of control characters and refused over `MAX_CELL_CHARS` or with a NUL.
    Slow enough on a big file to be called off the event loop."""
    if not data:
        raise FormErrors({"file": "Fichier vide."})
    if len(data) > MAX_BYTES:
        raise FormErrors({"file": "Fichier trop lourd : 5 Mo au plus."})
    suffix = Path(file_name).suffix.lower()
    if suffix == ".xlsx":
        return _table(_xlsx_lines(data))
    if suffix == ".csv":
        return _table(_csv_lines(data))
    raise FormErrors({"file": "Format refusé : un fichier .xlsx ou .csv."})


def _refused(line: int, message: str) -> FormErrors:
    return FormErrors({"file": f"Ligne {line} : {message}"})


def _too_wide(line: int) -> FormErrors:
    return _refused(line, f"plus de {MAX_COLUMNS} colonnes, {MAX_COLUMNS} au plus par import.")


def _clean_cell(text: str, line: int) -> str:
    if "\x00" in text:
        raise _refused(line, f"caractère nul refusé ; {SAVE_AS_UTF8}.")
    text = CONTROL_CHARACTERS.sub("", text).strip()
    if len(text) > MAX_CELL_CHARS:
        raise _refused(line, TOO_LONG)
    return text


def _table(lines: Iterable[tuple[int, list[str]]]) -> Table:
    """The table of the file's (line number, cells): empty lines skipped, trailing empty cells
    dropped, reading stopped as soon as a limit is passed."""
    raw: list[list[str]] = []
    characters = 0
    for line, cells in lines:
        row = [_clean_cell(cell, line) for cell in cells]
        while row and not row[-1]:
            row.pop()
        if not row:
            continue
        if len(row) > MAX_COLUMNS:
            raise _too_wide(line)
        raw.append(row)
        if len(raw) > MAX_ROWS + 1:
            raise FormErrors({"file": f"{MAX_ROWS} lignes au plus par import."})
        characters += sum(len(cell) for cell in row)
        if characters > MAX_TEXT_CHARS:
            raise _refused(
                line, f"trop de texte, {formats.number(MAX_TEXT_CHARS)} caractères au plus."
            )
    if not raw:
        raise FormErrors({"file": "Le fichier ne contient aucune ligne."})
    width = max(len(row) for row in raw)
    headers = [cell or f"Colonne {i + 1}" for i, cell in enumerate(_padded(raw[0], width))]
    rows = [_padded(row, width) for row in raw[1:]]
    if not rows:
        raise FormErrors({"file": "Le fichier ne contient que la ligne d'en-tête."})
    return Table(headers=headers, rows=rows)


def _padded(row: list[str], width: int) -> list[str]:
    return row + [""] * (width - len(row))


def _check_zip(data: bytes) -> None:
    """A zip bomb is refused before openpyxl parses anything. zipfile never yields more than a
    member's declared size (a lying size fails its CRC check), so the declared sizes bound the
    unpacking; the tags are counted on the way, since openpyxl's reading time and memory grow
    with them (about 10 s and 400 MB for a million in one row)."""
    too_big = FormErrors(
        {
            "file": "Classeur Excel trop volumineux une fois décompressé : enregistrez la seule "
            "feuille à importer, sans mise en forme superflue, dans un nouveau classeur."
        }
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if (
                len(members) > MAX_XLSX_MEMBERS
                or sum(member.file_size for member in members) > MAX_XLSX_UNZIPPED_BYTES
            ):
                raise too_big
            tags = 0
            for member in members:
                with archive.open(member) as content:
                    while chunk := content.read(1 << 20):
                        tags += chunk.count(b"<")
            if tags > MAX_XLSX_TAGS:
                raise too_big
    except FormErrors:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged or encrypted archive gets one message
        raise FormErrors({"file": "Classeur Excel illisible."}) from exc


def _xlsx_lines(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's real cells, row by row. The sheet's declared size is ignored — a
    crafted `<dimension ref="A1:XFD1048576"/>` would have openpyxl pad every row to 16 384
    cells and fill a million rows — and so are missing rows and cells: openpyxl's sheet parser
    is read directly, since its public readers pad each row to the declared or widest size
    (openpyxl is pinned; the tests read real workbooks through this)."""
    _check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook gets one message
        raise FormErrors({"file": "Classeur Excel illisible."}) from exc
    try:
        if not workbook.worksheets:
            raise FormErrors({"file": "Le classeur ne contient aucune feuille."})
        sheet = workbook.worksheets[0]
        with sheet._get_source() as source:
            parser = WorkSheetParser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            for line, cells in parser.parse():
                texts: dict[int, str] = {}
                for cell in cells:
                    text = _cell_text(cell["value"])
                    if text:
                        if cell["column"] > MAX_COLUMNS:
                            raise _too_wide(line)
                        texts[cell["column"]] = text
                width = max(texts, default=0)
                yield line, [texts.get(column, "") for column in range(1, width + 1)]
    except FormErrors:
        raise
    except Exception as exc:  # noqa: BLE001 - a malformed sheet gets one message too
        raise FormErrors({"file": "Classeur Excel illisible."}) from exc
    finally:
        workbook.close()


def _decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with its BOM (little or big endian), else
    Windows-1252, as Excel saves a « CSV (séparateur : point-virgule) ».

    A byte that is neither UTF-8 nor Windows-1252 (0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined
    there) means yet another encoding: the file is refused, naming the line where the more
    plausible of the two — the one that reads further — stops, rather than guessed (a Latin-1
    fallback would import control characters in place of letters)."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as problem:
                raise _undecodable(data, encoding, problem) from problem
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as problem:
        as_utf8 = problem
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as problem:
        if as_utf8.start > problem.start:
            raise _undecodable(data, "utf-8", as_utf8) from as_utf8
        raise _undecodable(data, "cp1252", problem) from problem


def _undecodable(data: bytes, encoding: str, problem: UnicodeDecodeError) -> FormErrors:
    line = data[: problem.start].decode(encoding, errors="replace").count("\n") + 1
    return _refused(line, f"caractère illisible (encodage inconnu) ; {SAVE_AS_UTF8}.")


class _Semicolons(csv.excel):
    delimiter = ";"


def _csv_lines(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode_csv(data)
    try:
        dialect: type[csv.Dialect] = csv.Sniffer().sniff(text[:5000], delimiters=";,\t")
    except csv.Error:
        dialect = _Semicolons
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as problem:  # a cell over csv's own limit (128 KiB), its only error here
            raise _refused(reader.line_num, TOO_LONG) from problem
        yield reader.line_num, row


def guess_mapping(target: Target, headers: list[str]) -> dict[str, str]:
    """Column index → field, from header names (labels, field names, usual synonyms)."""
    by_text: dict[str, str] = {}
    for name, spec in field_specs(target).items():
        by_text[normalize_text(spec.label)] = name
        by_text[normalize_text(name.replace("_", " "))] = name
    by_text.update(target.synonyms)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        name = by_text.get(normalize_text(header), IGNORE)
        if name and name not in used:
            mapping[str(index)] = name
            used.add(name)
        else:
            mapping[str(index)] = IGNORE
    return mapping


@dataclass
class LineError:
    line: int
    field: str
    message: str


@dataclass(frozen=True)
class ErrorRow:
    """A refused line of the report as the page lists it."""

    line: str
    field: str
    message: str


@dataclass
class ImportReport:
    total: int = 0
    valid: int = 0
    imported: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def invalid_lines(self) -> int:
        return len({error.line for error in self.errors})

    @property
    def summary(self) -> str:
        return f"{self.total} ligne(s) : {self.valid} valide(s), {self.invalid_lines} à corriger."

    def shown_errors(self) -> list[ErrorRow]:
        """The first `SHOWN_ERRORS` refusals: enough to correct the file, light for the page."""
        return [
            ErrorRow(str(error.line), error.field, error.message)
            for error in self.errors[:SHOWN_ERRORS]
        ]


@dataclass
class Progress:
    """Lines processed so far; read by the page while the import runs in a thread."""

    done: int = 0
    total: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def advance(self) -> None:
        with self.lock:
            self.done += 1


def _translate(target: Target, name: str, value: str) -> str:
    labels = target.labels_of.get(name)
    if not labels or not value:
        return value
    wanted = normalize_text(value)
    for code, label in labels.items():
        if wanted in (normalize_text(code), normalize_text(label)):
            return code
    return value


def _row_data(
    session: Session,
    target: Target,
    mapping: dict[str, str],
    row: list[str],
    reps: dict[str, int],
    lookups: dict[str, dict[str, str]],
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    data: dict[str, Any] = dict(target.resource.defaults(session))
    problems: list[tuple[str, str]] = []
    labels = {name: spec.label for name, spec in field_specs(target).items()}
    for index, name in mapping.items():
        if name == IGNORE or not index.isascii() or not index.isdigit() or int(index) >= len(row):
            continue
        value = _translate(target, name, row[int(index)])
        if name in lookups and value:
            found = lookups[name].get(normalize_text(value))
            if found is None:
                problems.append((labels[name], f"« {value} » introuvable."))
                continue
            value = found
        if name == SALES_REP_FIELD.name:
            if value:
                rep = reps.get(value.lower())
                if rep is None:
                    problems.append((SALES_REP_FIELD.label, f"Aucun commercial actif {value}."))
                else:
                    data["sales_rep_id"] = str(rep)
            continue
        data[name] = value
    if "active" in data:
        data["active"] = "on"
    data["confirm_duplicate"] = ""
    return data, problems


def check_mapping(target: Target, mapping: dict[str, str]) -> None:
    chosen = [name for name in mapping.values() if name != IGNORE]
    twice = {name for name in chosen if chosen.count(name) > 1}
    if twice:
        labels = ", ".join(field_specs(target)[name].label for name in sorted(twice))
        raise FormErrors({"mapping": f"Un même champ choisi pour plusieurs colonnes : {labels}."})
    if not set(target.required_any) & set(chosen):
        wanted = field_specs(target)[target.required_any[0]].label
        raise FormErrors({"mapping": f"Associez au moins la colonne « {wanted} »."})


def process(
    session: Session,
    actor: Actor,
    target_key: str,
    table: Table,
    mapping: dict[str, str],
    *,
    progress: Progress | None = None,
    parent_id: int | None = None,
) -> ImportReport:
    """Runs every line through the form rules, each in a savepoint. The caller decides to
    commit (import) or roll back (check) the whole transaction."""
    target = TARGETS[target_key]
    actor.require(target.module, Action.CREATE)
    if target.fixed_parent:
        get_parent(session, actor, target.resource, parent_id)
    check_mapping(target, mapping)
    lookups = {name: lookup(session) for name, lookup in target.lookups.items()}
    labels = {name: spec.label for name, spec in field_specs(target).items()}
    reps = {  # an id read from the table is never None
        email.lower(): cast(int, user_id)
        for user_id, email in session.exec(
            select(User.id, User.email).where(User.is_sales_rep, User.active)
        )
    }
    report = ImportReport(total=len(table.rows))
    if progress is not None:
        progress.total = len(table.rows)
    for offset, row in enumerate(table.rows):
        line = offset + 2  # the header is line 1
        data, problems = _row_data(session, target, mapping, row, reps, lookups)
        line_parent = parent_id if target.fixed_parent else None
        if target.parent_field and not problems:
            raw_parent = str(data.get(target.parent_field) or "")
            line_parent = identifiers.record_id(raw_parent)
            if line_parent is None:
                problems.append((labels[target.parent_field], REQUIRED))
        for label, message in problems:
            report.errors.append(LineError(line, label, message))
        if not problems:
            savepoint = session.begin_nested()
            try:
                save(session, actor, target.resource, None, data, line_parent)
                savepoint.commit()
                report.valid += 1
            except FormErrors as problem:
                savepoint.rollback()
                for name, message in problem.errors.items():
                    report.errors.append(LineError(line, labels.get(name, "Ligne"), message))
        if progress is not None:
            progress.advance()
    return report


def check(
    session: Session,
    actor: Actor,
    target_key: str,
    table: Table,
    mapping: dict[str, str],
    *,
    progress: Progress | None = None,
    parent_id: int | None = None,
) -> ImportReport:
    """Every line through the rules, then everything undone: the validation report."""
    outer = session.begin_nested()
    try:
        return process(
            session, actor, target_key, table, mapping, progress=progress, parent_id=parent_id
        )
    finally:
        outer.rollback()


def run_import(
    session: Session,
    actor: Actor,
    target_key: str,
    table: Table,
    mapping: dict[str, str],
    *,
    only_valid: bool,
    progress: Progress | None = None,
    parent_id: int | None = None,
) -> ImportReport:
    """Imports the lines: all of them, or only the valid ones when `only_valid`; with an
    invalid line and without `only_valid`, nothing is kept (report.imported == 0)."""
    outer = session.begin_nested()
    report = process(
        session, actor, target_key, table, mapping, progress=progress, parent_id=parent_id
    )
    if report.errors and not only_valid:
        outer.rollback()
        return report
    outer.commit()
    report.imported = report.valid
    audit.record(
        session,
        actor,
        AuditAction.CREATE,
        entity_type="import",
        entity_label=f"{TARGETS[target_key].label} : {report.imported} ligne(s)",
        changes={"importées": report.imported, "refusées": report.invalid_lines},
    )
    return report
