"""Excel export: typed cells, a bold frozen header, column widths, the whole filtered result."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from agence.models import User
from agence.services.admin.users import USERS_LIST
from agence.services.common.exports import export_listing, write_workbook
from agence.services.common.formats import local_time
from agence.services.common.listing import Column, ListQuery
from agence.services.common.permissions import AccessDenied, Action, Module, Right
from agence.settings import get_settings
from tests.factories import actor_for, make_profile, make_user

COLUMNS = (
    Column("text", "Libellé", None, width=30),
    Column("count", "Nombre", None, kind="int", width=7),
    Column("amount", "Montant", None, kind="money", width=14),
    Column("rate", "Taux", None, kind="percent", width=9),
    Column("quantity", "Quantité", None, kind="decimal", width=10),
    Column("day", "Jour", None, kind="date", width=12),
    Column("at", "Moment", None, kind="datetime", width=17),
    Column("ok", "Actif", None, kind="bool", width=6),
)

ROW = {
    "text": "Tours",
    "count": 3,
    "amount": Decimal("1234.56"),
    "rate": Decimal("5.5"),
    "quantity": Decimal("2.25"),
    "day": date(2026, 11, 29),
    "at": datetime(2026, 7, 1, 12, 0, tzinfo=UTC),
    "ok": True,
}


def workbook_of(rows, columns=COLUMNS, title="Essai"):
    target = io.BytesIO()
    written = write_workbook(target, title, columns, rows)
    target.seek(0)
    return written, load_workbook(target).active, target


def cells(sheet, row: int) -> dict[str, object]:
    """The cells of a sheet row, by column key."""
    return {column.key: sheet.cell(row, i).value for i, column in enumerate(COLUMNS, start=1)}


# --- write_workbook --------------------------------------------------------------------------


def test_the_header_row_holds_the_column_labels_in_bold():
    _, sheet, _ = workbook_of([ROW])
    header = list(sheet.iter_rows(min_row=1, max_row=1))[0]
    assert [cell.value for cell in header] == [column.label for column in COLUMNS]
    assert all(cell.font.b for cell in header)


def test_the_header_row_is_frozen():
    _, sheet, _ = workbook_of([ROW])
    assert sheet.freeze_panes == "A2"


def test_column_widths_are_those_of_the_columns():
    _, sheet, _ = workbook_of([ROW])
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEFGH"]
    assert widths == [column.width for column in COLUMNS]


def test_the_sheet_is_named_after_the_listing():
    _, sheet, _ = workbook_of([ROW], title="Journal d'audit")
    assert sheet.title == "Journal d'audit"


def test_a_sheet_name_drops_characters_excel_refuses_and_is_cut_to_31():
    _, sheet, _ = workbook_of([ROW], title="Ventes 2026/2027 : [Tours] et environs, détail")
    assert len(sheet.title) <= 31
    assert not set("\\/*?:[]") & set(sheet.title)


def test_numbers_are_real_numbers_with_a_number_format():
    _, sheet, _ = workbook_of([ROW])
    row = {c.key: sheet.cell(2, i) for i, c in enumerate(COLUMNS, start=1)}
    for key in ("count", "amount", "rate", "quantity"):
        assert row[key].data_type == "n", key
    assert row["count"].value == 3 and row["count"].number_format == "0"
    assert row["amount"].value == pytest.approx(1234.56)
    assert "€" in row["amount"].number_format and "0.00" in row["amount"].number_format
    assert row["rate"].value == pytest.approx(5.5) and "%" in row["rate"].number_format
    assert row["quantity"].value == pytest.approx(2.25)
    assert row["quantity"].number_format == "#,##0.00"


def test_dates_are_real_dates_shown_dd_mm_yyyy():
    _, sheet, _ = workbook_of([ROW])
    cell = sheet.cell(2, 6)
    assert cell.is_date and cell.value == datetime(2026, 11, 29)
    assert cell.number_format == "DD/MM/YYYY"


def test_a_moment_is_written_in_paris_time():
    _, sheet, _ = workbook_of([ROW, {**ROW, "at": datetime(2026, 1, 15, 12, 0, tzinfo=UTC)}])
    summer, winter = sheet.cell(2, 7), sheet.cell(3, 7)
    assert summer.is_date and summer.value == datetime(2026, 7, 1, 14, 0)
    assert winter.value == datetime(2026, 1, 15, 13, 0)
    assert summer.number_format == "DD/MM/YYYY HH:MM"


def test_a_moment_in_a_date_column_gives_its_day_in_paris():
    _, sheet, _ = workbook_of([{**ROW, "day": datetime(2026, 11, 29, 23, 30, tzinfo=UTC)}])
    assert sheet.cell(2, 6).value == datetime(2026, 11, 30)


def test_yes_no_values_are_written_oui_or_non():
    _, sheet, _ = workbook_of([ROW, {**ROW, "ok": False}])
    assert (sheet.cell(2, 8).value, sheet.cell(3, 8).value) == ("Oui", "Non")


def test_missing_values_leave_the_cell_empty():
    _, sheet, _ = workbook_of([{"text": "Seul"}])
    assert cells(sheet, 2) == {key: ("Seul" if key == "text" else None) for key in ROW}


def test_a_text_starting_with_equals_stays_text_and_never_becomes_a_formula():
    _, sheet, raw = workbook_of([{**ROW, "text": '=HYPERLINK("http://x","clic")'}])
    cell = sheet.cell(2, 1)
    assert cell.value == '=HYPERLINK("http://x","clic")'
    assert cell.data_type == "s"
    with zipfile.ZipFile(raw) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def test_control_characters_are_removed_from_texts():
    _, sheet, _ = workbook_of([{**ROW, "text": "Nom\x00 avec\x07 contrôle\x1f"}])
    assert sheet.cell(2, 1).value == "Nom avec contrôle"


def test_labels_and_renderers_apply_to_the_cells():
    columns = (
        Column("rule", "Règle", None, labels={"jours": "N jours date de facture"}),
        Column("code", "Code", None, render=str.lower),
    )
    target = io.BytesIO()
    write_workbook(target, "Essai", columns, [{"rule": "jours", "code": "VDL"}])
    sheet = load_workbook(target).active
    assert (sheet.cell(2, 1).value, sheet.cell(2, 2).value) == ("N jours date de facture", "vdl")


def test_write_workbook_returns_the_number_of_rows_written():
    written, sheet, _ = workbook_of([ROW] * 7)
    assert written == 7
    assert sheet.max_row == 8


def test_an_empty_listing_gives_a_sheet_with_only_the_header():
    written, sheet, _ = workbook_of([])
    assert written == 0
    assert sheet.max_row == 1


def test_rows_may_come_from_a_generator():
    written, sheet, _ = workbook_of({**ROW, "count": n} for n in range(3))
    assert written == 3
    assert [sheet.cell(r, 2).value for r in (2, 3, 4)] == [0, 1, 2]


# --- export_listing --------------------------------------------------------------------------


def add_users(session: Session, count: int) -> None:
    profile = make_profile(session, set(), name="Agents")
    session.add_all(
        User(
            first_name="Paul" if n % 3 == 1 else "Louise",
            last_name=f"Nom{n:02d}",
            email=f"agent{n:02d}@example.fr",
            profile_id=profile.id or 0,
            password_hash="not-used",
        )
        for n in range(1, count + 1)
    )
    session.commit()


def exporter(session: Session):
    return actor_for(
        make_user(session, {Right(Module.ADMINISTRATION, Action.EXPORT)}, last_name="Zexport")
    )


def read_export(path) -> list[tuple]:
    return list(load_workbook(path).active.iter_rows(values_only=True))


def test_exporting_needs_the_export_right_of_the_module(session):
    add_users(session, 3)
    viewer = actor_for(make_user(session, {Right(Module.ADMINISTRATION, Action.SEE)}))
    with pytest.raises(AccessDenied):
        export_listing(session, viewer, Module.ADMINISTRATION, USERS_LIST, ListQuery())


def test_the_export_right_of_another_module_is_not_enough(session):
    actor = actor_for(make_user(session, {Right(Module.PARAMETERS, Action.EXPORT)}))
    with pytest.raises(AccessDenied):
        export_listing(session, actor, Module.ADMINISTRATION, USERS_LIST, ListQuery())


def test_the_export_holds_the_whole_result_not_only_a_page(session):
    add_users(session, 60)
    actor = exporter(session)
    result = export_listing(
        session, actor, Module.ADMINISTRATION, USERS_LIST, ListQuery(page=2, page_size=25)
    )
    rows = read_export(result.path)
    assert result.rows == 61
    assert rows[0] == tuple(column.label for column in USERS_LIST.columns)
    assert len(rows) == 62
    names = [row[0] for row in rows[1:]]
    assert names[:2] == ["Nom01 Paul", "Nom02 Louise"]
    assert names[-2:] == ["Nom60 Louise", "Zexport Jeanne"]


def test_the_export_holds_only_the_rows_matching_the_search_and_filters(session):
    add_users(session, 60)
    actor = exporter(session)
    query = ListQuery(search="paul", sort="email", desc=True)
    result = export_listing(session, actor, Module.ADMINISTRATION, USERS_LIST, query)
    emails = [row[1] for row in read_export(result.path)[1:]]
    assert result.rows == 20
    assert emails == [f"agent{n:02d}@example.fr" for n in range(60, 0, -1) if n % 3 == 1]


def test_the_export_is_a_new_file_in_the_exports_folder(session):
    actor = exporter(session)
    first = export_listing(session, actor, Module.ADMINISTRATION, USERS_LIST, ListQuery())
    second = export_listing(session, actor, Module.ADMINISTRATION, USERS_LIST, ListQuery())
    exports_dir = get_settings().exports_dir
    assert first.path.parent == exports_dir == second.path.parent
    assert first.path != second.path
    assert first.path.is_file() and first.path.suffix == ".xlsx"


def test_the_download_name_is_the_listing_name_and_the_day_in_paris(session):
    actor = exporter(session)
    before = local_time(datetime.now(UTC)).date()
    result = export_listing(session, actor, Module.ADMINISTRATION, USERS_LIST, ListQuery())
    after = local_time(datetime.now(UTC)).date()
    assert re.fullmatch(r"Utilisateurs-\d{4}-\d{2}-\d{2}\.xlsx", result.download_name)
    assert result.download_name in {
        f"Utilisateurs-{before.isoformat()}.xlsx",
        f"Utilisateurs-{after.isoformat()}.xlsx",
    }
