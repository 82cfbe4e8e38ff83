"""Importing clients and suppliers: reading files, guessing columns, line-numbered reports,
all-or-nothing unless only the valid lines are asked for."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func
from sqlmodel import select

from agence.db import session_scope
from agence.models import Client, Supplier
from agence.services import imports
from agence.services.forms import FormErrors
from agence.services.permissions import ALL_RIGHTS, AccessDenied, Action, Module, Right
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
