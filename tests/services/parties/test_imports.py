"""Importing clients and suppliers: reading files, guessing columns, line-numbered reports,
all-or-nothing unless only the valid lines are asked for."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func
from sqlmodel import select

from agence.db import session_scope
from agence.models import Client, Supplier
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import ALL_RIGHTS, AccessDenied, Action, Module, Right
from agence.services.parties import imports
from agence.services.parties.choices import Choice
from agence.services.parties.vocabulary import ImportTarget
from tests.factories import actor_for, make_user, reference_data

HEADERS = ["Raison sociale", "Type", "Statut", "Adresse", "CP", "Ville", "Courriel", "Commercial"]
GOOD = ["École Jean-Zay", "Scolaire", "Prospect", "1 rue A", "37000", "Tours", "jz@ecole.fr", ""]


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _count(model) -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def admin(session):
    reference_data()
    return actor_for(make_user(session))


def _run(actor, rows, *, only_valid=False, check=False, target="clients"):
    table = imports.Table(
        headers=HEADERS if target == "clients" else rows[0],
        rows=rows if target == "clients" else rows[1:],
    )
    mapping = imports.guess_mapping(imports.TARGETS[target], table.headers)
    with session_scope() as session:
        if check:
            return imports.check(session, actor, target, table, mapping)
        return imports.run_import(session, actor, target, table, mapping, only_valid=only_valid)


def test_an_excel_file_is_read_with_its_header_and_real_cells():
    data = _xlsx([HEADERS, ["A", "Scolaire", "Client", "x", 37000, "Tours", None, None], [None]])
    table = imports.read_table("clients.xlsx", data)
    assert table.headers == HEADERS
    assert table.rows == [["A", "Scolaire", "Client", "x", "37000", "Tours", "", ""]]


def test_a_csv_file_in_windows_encoding_with_semicolons_is_read():
    data = "Raison sociale;Ville\nComité d'entreprise;Orléans\n".encode("cp1252")
    table = imports.read_table("clients.csv", data)
    assert table.rows == [["Comité d'entreprise", "Orléans"]]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.pdf", b"%PDF", "xlsx"),
        ("a.csv", b"", "vide"),
        ("a.csv", b"Nom;Ville\n", "en-tête"),
        ("a.xlsx", b"not a workbook", "illisible"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(name, data, message):
    with pytest.raises(FormErrors) as refused:
        imports.read_table(name, data)
    assert message in refused.value.errors["file"]


# --- Reading .xlsx: the real extent, never the declared one; zip bombs refused -------------

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_RELS_NS = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _crafted_xlsx(
    sheet_data: str, dimension: str = "A1:XFD1048576", extra: dict[str, bytes] | None = None
) -> bytes:
    """A workbook written by hand, as a crafted upload would be: any dimension, any cells."""
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships {_RELS_NS}><Relationship Id="rId1" '
            f'Type="{_OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook {_NS} xmlns:r="{_OFFICE}"><sheets>'
            '<sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships {_RELS_NS}><Relationship Id="rId1" '
            f'Type="{_OFFICE}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet {_NS}><dimension ref="{dimension}"/>'
            f"<sheetData>{sheet_data}</sheetData></worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


NAME_HEADER = f'<row r="1">{_cell("A1", "Nom")}</row>'


def test_a_sheet_declaring_the_whole_grid_is_read_with_its_real_cells_only():
    # Padded to its declared A1:XFD1048576, this sheet would take some 140 Go.
    data = _crafted_xlsx(
        f'<row r="1">{_cell("A1", "Raison sociale")}{_cell("B1", "Ville")}</row>'
        f'<row r="2">{_cell("A2", "École Jean-Zay")}</row>'
        f'<row r="1048576">{_cell("B1048576", "Tours")}</row>'
    )
    assert len(data) < 2_000
    table = imports.read_table("clients.xlsx", data)
    assert table.headers == ["Raison sociale", "Ville"]
    assert table.rows == [["École Jean-Zay", ""], ["", "Tours"]]


def test_a_sheet_with_a_filled_cell_past_the_column_limit_is_refused_naming_its_line():
    data = _crafted_xlsx(f'{NAME_HEADER}<row r="7">{_cell("XFD7", "x")}</row>')
    with pytest.raises(FormErrors) as refused:
        imports.read_table("clients.xlsx", data)
    assert refused.value.errors["file"].startswith("Ligne 7 : plus de 100 colonnes")


def test_an_empty_formatted_cell_far_right_adds_no_column():
    data = _crafted_xlsx(
        f'<row r="1">{_cell("A1", "Nom")}<c r="XFD1" s="0"/></row>'
        f'<row r="2">{_cell("A2", "x")}</row>'
    )
    assert imports.read_table("clients.xlsx", data).headers == ["Nom"]


def test_reading_a_sheet_stops_at_the_row_limit(monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    rows = "".join(f'<row r="{n}">{_cell(f"A{n}", f"l{n}")}</row>' for n in range(1, 5))
    # After the limit, a broken sheet: had it been read, the file would be « illisible ».
    data = _crafted_xlsx(rows + "<!--" + "x" * 200_000 + "--><row><c></row>")
    with pytest.raises(FormErrors) as refused:
        imports.read_table("clients.xlsx", data)
    assert refused.value.errors["file"] == "2 lignes au plus par import."


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    data = _crafted_xlsx(
        f'{NAME_HEADER}<row r="2">{_cell("A2", "x")}</row>',
        extra={"xl/media/padding.bin": bytes(imports.MAX_XLSX_UNZIPPED_BYTES)},
    )
    assert len(data) < 100_000
    with pytest.raises(FormErrors) as refused:
        imports.read_table("clients.xlsx", data)
    assert "trop volumineux une fois décompressé" in refused.value.errors["file"]


def test_a_sheet_of_a_million_tags_is_refused_before_it_is_parsed():
    data = _crafted_xlsx(NAME_HEADER + "<row/>" * imports.MAX_XLSX_TAGS)
    with pytest.raises(FormErrors) as refused:
        imports.read_table("clients.xlsx", data)
    assert "trop volumineux une fois décompressé" in refused.value.errors["file"]


def test_a_malformed_sheet_is_refused_as_unreadable():
    data = _crafted_xlsx(f'{NAME_HEADER}<row r="2"><c r="A2" t="s"><v>9</v></c></row>')
    with pytest.raises(FormErrors) as refused:
        imports.read_table("clients.xlsx", data)
    assert refused.value.errors["file"] == "Classeur Excel illisible."


# --- Reading .csv: encodings, delimiters, and a refusal naming the line -------------------

CLIENTS_CSV = "Raison sociale;Ville\nComité d'entreprise;Orléans\n"
CLIENTS_ROWS = [["Comité d'entreprise", "Orléans"]]


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + CLIENTS_CSV.encode(),
        CLIENTS_CSV.encode(),
        CLIENTS_CSV.encode("cp1252"),
        codecs.BOM_UTF16_LE + CLIENTS_CSV.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + CLIENTS_CSV.encode("utf-16-be"),
        CLIENTS_CSV.replace("\n", "\r\n").encode("cp1252"),
        CLIENTS_CSV.replace("\n", "\r").encode("cp1252"),
    ],
    ids=["utf-8 bom", "utf-8", "cp1252", "utf-16 le", "utf-16 be", "crlf", "old mac cr"],
)
def test_a_csv_is_read_in_each_encoding_excel_or_an_editor_writes(data):
    table = imports.read_table("clients.csv", data)
    assert table.headers == ["Raison sociale", "Ville"]
    assert table.rows == CLIENTS_ROWS


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_a_csv_is_read_with_semicolons_commas_or_tabs(delimiter):
    text = f"Nom{delimiter}Ville\nA{delimiter}Tours\nB{delimiter}Blois\n"
    assert imports.read_table("c.csv", text.encode()).rows == [["A", "Tours"], ["B", "Blois"]]


def test_a_byte_neither_utf8_nor_windows_1252_is_refused_naming_its_line():
    data = "Nom;Ville\nÉcole;Orléans\nA;Tours\n".encode("cp1252") + b"B;Bl\x81ois\n"
    with pytest.raises(FormErrors) as refused:
        imports.read_table("c.csv", data)
    assert refused.value.errors["file"].startswith("Ligne 4 : caractère illisible")


def test_a_stray_byte_in_a_utf8_file_is_refused_naming_its_line():
    data = "Nom;Ville\nÁlvaro;Orléans\n".encode() + b"A;Tours\n" + b"B;Bl\xe9ois\n"
    with pytest.raises(FormErrors) as refused:
        imports.read_table("c.csv", data)
    assert refused.value.errors["file"].startswith("Ligne 4 : caractère illisible")


def test_a_nul_character_is_refused_naming_its_line():
    with pytest.raises(FormErrors) as refused:
        imports.read_table("c.csv", b"Nom;Ville\nA;Tours\nB;Bl\x00ois\n")
    assert refused.value.errors["file"].startswith("Ligne 3 : caractère nul refusé")


def test_a_utf16_file_without_its_bom_is_refused_rather_than_read_as_garbage():
    with pytest.raises(FormErrors) as refused:
        imports.read_table("c.csv", CLIENTS_CSV.encode("utf-16-le"))
    assert "caractère nul refusé" in refused.value.errors["file"]


@pytest.mark.parametrize("length", [imports.MAX_CELL_CHARS + 1, 200_000])
def test_a_cell_too_long_is_refused_naming_its_line(length):
    data = ("Nom;Notes\nA;court\nB;" + "x" * length + "\n").encode()
    with pytest.raises(FormErrors) as refused:
        imports.read_table("c.csv", data)
    assert refused.value.errors["file"] == (
        "Ligne 3 : cellule trop longue (plus de 32\u202f767 caractères)."
    )


def test_control_characters_are_removed_from_cells_and_line_breaks_kept():
    data = b'Nom;Notes\nA\x07B\x1b;"ligne 1\nligne 2\x0b"\n'
    assert imports.read_table("c.csv", data).rows == [["AB", "ligne 1\nligne 2"]]


def test_cells_past_the_header_are_kept_under_a_numbered_column():
    table = imports.read_table("c.csv", b"Nom;Ville\nA;Tours;en plus\n")
    assert table.headers == ["Nom", "Ville", "Colonne 3"]
    assert table.rows == [["A", "Tours", "en plus"]]


def test_a_csv_with_a_line_too_wide_is_refused_naming_it():
    data = ("Nom\nA\n" + ";".join(["x"] * (imports.MAX_COLUMNS + 1)) + "\n").encode()
    with pytest.raises(FormErrors) as refused:
        imports.read_table("c.csv", data)
    assert refused.value.errors["file"].startswith("Ligne 3 : plus de 100 colonnes")


def test_a_file_with_too_much_text_altogether_is_refused_naming_the_line(monkeypatch):
    # A workbook can repeat one 32 767-character shared string in every cell of 5 000 lines.
    monkeypatch.setattr(imports, "MAX_TEXT_CHARS", 20)
    with pytest.raises(FormErrors) as refused:
        imports.read_table("c.csv", b"Nom;Ville\nAnne;Tours\nBernard;Blois\n")
    assert refused.value.errors["file"].startswith("Ligne 3 : trop de texte")


def test_a_single_column_csv_leaves_the_standard_csv_dialect_alone():
    assert imports.read_table("c.csv", b"Nom\nA\nB\n").rows == [["A"], ["B"]]
    assert csv.excel.delimiter == ","


def test_columns_are_guessed_from_labels_and_usual_names():
    mapping = imports.guess_mapping(imports.TARGETS["clients"], HEADERS + ["Inconnue", "Ville"])
    assert mapping == {
        "0": "name",
        "1": "client_type",
        "2": "status",
        "3": "billing_line1",
        "4": "billing_postcode",
        "5": "billing_city",
        "6": "email",
        "7": "sales_rep_email",
        "8": "",
        "9": "",
    }


def test_a_check_reports_each_bad_line_by_number_and_writes_nothing(admin):
    rows = [
        GOOD,
        ["Collège X", "Inconnu", "Prospect", "2 rue B", "37000", "Tours", "x@c.fr", ""],
        ["Lycée Y", "Scolaire", "Client", "3 rue C", "370", "Tours", "pas-un-mail", ""],
    ]
    report = _run(admin, rows, check=True)
    assert report.total == 3 and report.valid == 1 and report.invalid_lines == 2
    assert [(e.line, e.field) for e in report.errors] == [
        (3, "Type"),
        (4, "E-mail"),
        (4, "Code postal"),
    ]
    assert _count(Client) == 0
    assert report.summary == "3 ligne(s) : 1 valide(s), 2 à corriger."
    assert report.shown_errors()[0] == imports.ErrorRow("3", "Type", report.errors[0].message)


def test_the_page_shows_the_first_refusals_only():
    report = imports.ImportReport(
        total=300, errors=[imports.LineError(line, "Nom", "Obligatoire.") for line in range(300)]
    )
    assert len(report.shown_errors()) == imports.SHOWN_ERRORS
    assert report.shown_errors()[-1].line == str(imports.SHOWN_ERRORS - 1)


def test_a_column_goes_to_a_field_of_the_target_or_is_ignored():
    options = imports.field_options(imports.TARGETS[ImportTarget.SUPPLIERS])
    assert options[0] == Choice("", "— ignorer —")
    assert Choice("default_vat_regime", "Régime de TVA par défaut") in options
    assert "client_type" not in {option.value for option in options}


def test_an_import_with_a_bad_line_imports_nothing(admin):
    rows = [GOOD, ["Collège X", "Inconnu", "Prospect", "2 rue B", "37000", "Tours", "x@c.fr", ""]]
    report = _run(admin, rows)
    assert report.imported == 0 and report.invalid_lines == 1
    assert _count(Client) == 0


def test_only_the_valid_lines_are_imported_when_asked(admin):
    rows = [GOOD, ["Collège X", "Inconnu", "Prospect", "2 rue B", "37000", "Tours", "x@c.fr", ""]]
    report = _run(admin, rows, only_valid=True)
    assert report.imported == 1
    with session_scope() as session:
        client = session.exec(select(Client)).one()
    assert (client.name, client.client_type, client.city, client.account_code) == (
        "École Jean-Zay",
        "scolaire",
        "Tours",
        "41100001",
    )


def test_a_line_that_duplicates_an_earlier_one_or_an_existing_client_is_refused(admin):
    _run(admin, [GOOD])
    report = _run(admin, [GOOD], check=True)
    assert "semblable" in report.errors[0].message
    other = ["Lycée Nouveau", *GOOD[1:6], "autre@e.fr", ""]
    twice = _run(admin, [other, other], check=True)
    assert [e.line for e in twice.errors] == [3]


def test_the_sales_rep_is_found_by_email(admin, session):
    rep = make_user(session, set(), email="rep@agence.fr")
    rep.is_sales_rep = True
    session.add(rep)
    session.commit()
    report = _run(
        admin,
        [
            [*GOOD[:7], "REP@agence.fr"],
            ["B", "Scolaire", "Prospect", "", "", "", "", "inconnu@agence.fr"],
        ],
        only_valid=True,
    )
    assert report.imported == 1
    assert report.errors[0].line == 3 and "inconnu@agence.fr" in report.errors[0].message
    with session_scope() as s:
        assert s.exec(select(Client.sales_rep_id)).one() == rep.id


def test_suppliers_are_imported_with_their_labels(admin):
    rows = [
        ["Nom", "Type", "Ville", "Adresse", "CP"],
        ["Château de Cheverny", "Site / musée", "Cheverny", "Avenue du Château", "41700"],
    ]
    report = _run(admin, rows, target="fournisseurs")
    assert report.imported == 1
    with session_scope() as session:
        supplier = session.exec(select(Supplier)).one()
    assert (supplier.supplier_type, supplier.account_code, supplier.city) == (
        "site",
        "40100001",
        "Cheverny",
    )


def test_a_mapping_needs_the_name_and_no_field_twice(admin):
    table = imports.Table(headers=["A", "B"], rows=[["x", "y"]])
    with session_scope() as session, pytest.raises(FormErrors) as refused:
        imports.check(session, admin, "clients", table, {"0": "email", "1": ""})
    assert "Associez au moins la colonne" in refused.value.errors["mapping"]
    with session_scope() as session, pytest.raises(FormErrors) as refused:
        imports.check(session, admin, "clients", table, {"0": "name", "1": "name"})
    assert "plusieurs colonnes" in refused.value.errors["mapping"]


def test_importing_needs_the_create_right(session):
    reference_data()
    actor = actor_for(
        make_user(
            session, {r for r in ALL_RIGHTS if r != Right(Module.THIRD_PARTIES, Action.CREATE)}
        )
    )
    with pytest.raises(AccessDenied):
        _run(actor, [GOOD], only_valid=True)
    assert _count(Client) == 0


def test_progress_counts_the_lines(admin):
    progress = imports.Progress()
    table = imports.Table(headers=HEADERS, rows=[GOOD])
    with session_scope() as session:
        imports.check(
            session,
            admin,
            "clients",
            table,
            imports.guess_mapping(imports.TARGETS["clients"], HEADERS),
            progress=progress,
        )
    assert (progress.done, progress.total) == (1, 1)


# --- Tariffs ----------------------------------------------------------------------------------

RATE_HEADERS = ["Prestation", "Catégorie", "Du", "Au", "Jours", "De", "À", "Prix d'achat TTC"]


def _rates(session):
    from agence.models import Rate

    return session.exec(select(Rate).order_by(Rate.min_group)).all()


@pytest.fixture
def castle(session, admin):
    from tests.factories import make_product

    return make_product(session, "Château de Blois")


def test_tariffs_are_imported_under_the_product_named_on_each_line(session, admin, castle):
    rows = [
        RATE_HEADERS,
        [
            "château de blois",
            "Adulte",
            "01/01/2027",
            "31/12/2027",
            "Tous les jours",
            "1",
            "19",
            "15,50",
        ],
        ["Château de Blois", "ADULTE", "2027-01-01", "2027-12-31", "tous", "20", "", "13"],
    ]
    report = _run(admin, rows, target="tarifs")
    assert (report.imported, report.errors) == (2, [])
    with session_scope() as check:
        found = _rates(check)
        assert [(r.product_id, r.min_group, r.max_group, str(r.purchase_price)) for r in found] == [
            (castle.id, 1, 19, "15.5000"),
            (castle.id, 20, None, "13.0000"),
        ]


def test_a_tariff_import_with_an_unknown_product_or_an_overlap_imports_nothing(admin, castle):
    rows = [
        RATE_HEADERS,
        ["Château de Blois", "Adulte", "01/01/2027", "31/12/2027", "tous", "1", "", "15"],
        ["Château de Blois", "Adulte", "01/06/2027", "30/06/2027", "tous", "10", "30", "14"],
        ["Château de Nulle-Part", "Adulte", "01/01/2027", "31/12/2027", "tous", "1", "", "9"],
    ]
    report = _run(admin, rows, target="tarifs")
    assert report.imported == 0
    assert {(e.line, e.field) for e in report.errors} == {
        (3, "Ligne"),
        (4, "Prestation (nom exact)"),
    }
    assert "chevauche" in next(e.message for e in report.errors if e.line == 3)
    assert "introuvable" in next(e.message for e in report.errors if e.line == 4)
    with session_scope() as check:
        assert _rates(check) == []
    kept = _run(admin, rows, target="tarifs", only_valid=True)
    assert kept.imported == 1


def test_a_tariff_import_needs_the_product_column_and_the_catalogue_right(session, castle):
    table = imports.Table(headers=["Du"], rows=[["01/01/2027"]])
    admin = actor_for(make_user(session, email="admin2@agence.fr"))
    with session_scope() as work, pytest.raises(FormErrors) as refused:
        imports.check(work, admin, "tarifs", table, {"0": "valid_from"})
    assert "Prestation" in refused.value.errors["mapping"]
    tiers_only = actor_for(
        make_user(
            session,
            email="tiers@agence.fr",
            rights={Right(Module.THIRD_PARTIES, a) for a in Action},
        )
    )
    with session_scope() as work, pytest.raises(AccessDenied):
        imports.check(work, tiers_only, "tarifs", table, {"0": "product"})
