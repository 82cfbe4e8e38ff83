"""A `Report` as the user reads it: French cell texts (the page), a workbook (« Exporter
Excel »: one sheet per table, real numbers and dates, the request on a first sheet) and JSON
(the command line: amounts as strings with two decimals, rates with one)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from agence.services.common import formats
from agence.services.common.exports import NUMBER_FORMATS, sheet_title
from agence.services.statistics.report import (
    Cell,
    Report,
    ReportColumn,
    ReportLine,
    ReportRequest,
    ReportTable,
)

EMPTY = "—"
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_TOTAL_FONT = Font(bold=True)
_CENT = Decimal("0.01")
_WIDTHS = {"text": 30, "int": 10, "money": 16, "percent": 10, "date": 12}


def cell_text(column: ReportColumn, value: Cell) -> str:
    """The cell as the page shows it, in French."""
    if value is None or value == "":
        return EMPTY if column.kind != "text" else ""
    if column.kind == "money" and isinstance(value, Decimal | int):
        return formats.money(Decimal(value))
    if column.kind == "percent" and isinstance(value, Decimal | int):
        return formats.percent(Decimal(value))
    if column.kind == "int" and isinstance(value, int | Decimal):
        return formats.number(value)
    if column.kind == "date" and isinstance(value, date):
        return formats.day(value)
    return str(value)


def line_texts(table: ReportTable, line: ReportLine) -> list[str]:
    return [
        cell_text(column, value) for column, value in zip(table.columns, line.cells, strict=True)
    ]


def period_text(request: ReportRequest) -> str:
    period, compared = request.period, request.compared
    return (
        f"du {formats.day(period.start)} au {formats.day(period.end)} "
        f"({request.basis.label.lower()}), comparé au "
        f"{formats.day(compared.start)} – {formats.day(compared.end)}"
    )


# --- JSON --------------------------------------------------------------------------------------


def json_value(column: ReportColumn, value: Cell) -> Any:
    if value is None:
        return None
    if column.kind == "money":
        return str(Decimal(value).quantize(_CENT, ROUND_HALF_UP))  # type: ignore[arg-type]
    if column.kind == "percent":
        return str(value)  # as the report computed it (to the tenth or the hundredth)
    if column.kind == "int":
        return int(value)  # type: ignore[arg-type]
    if column.kind == "date" and isinstance(value, date):
        return value.isoformat()
    return str(value)


def _json_line(table: ReportTable, line: ReportLine) -> dict[str, Any]:
    found: dict[str, Any] = {"key": line.key}
    for column, value in zip(table.columns, line.cells, strict=True):
        found[column.key] = json_value(column, value)
    if line.flags:
        found["controls"] = list(line.flags)
    return found


def report_json(report: Report) -> dict[str, Any]:
    request = report.request
    filters = {name: value for name, value in vars(request.filters).items() if value is not None}
    return {
        "report": report.name.value,
        "title": report.name.label,
        "period": {"from": request.period.start.isoformat(), "to": request.period.end.isoformat()},
        "comparison": {
            "from": request.compared.start.isoformat(),
            "to": request.compared.end.isoformat(),
        },
        "basis": request.basis.value,
        "grouping": request.grouping,
        "filters": filters,
        "tables": [
            {
                "key": table.key,
                "title": table.title,
                "columns": [
                    {
                        "key": column.key,
                        "label": column.label,
                        "kind": column.kind,
                        "definition": column.help,
                    }
                    for column in table.columns
                ],
                "lines": [_json_line(table, line) for line in table.lines],
                "total": _json_line(table, table.total) if table.total else None,
            }
            for table in report.tables
        ],
    }


# --- Excel -------------------------------------------------------------------------------------


def _excel_value(column: ReportColumn, value: Cell) -> Any:
    if value is None:
        return None
    if column.kind in ("money", "percent", "int") and isinstance(value, Decimal | int):
        return value
    return value if isinstance(value, date) else str(value)


def _write_table(workbook: Workbook, table: ReportTable, used: set[str]) -> None:
    title = sheet_title(table.title)
    while title in used:
        title = sheet_title(f"{table.title[:27]} {len(used)}")
    used.add(title)
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[column.kind]
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=column.label)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        header.append(cell)
    sheet.append(header)
    rows = [(line, False) for line in table.lines]
    if table.total is not None:
        rows.append((table.total, True))
    for line, is_total in rows:
        cells = []
        for column, value in zip(table.columns, line.cells, strict=True):
            cell = WriteOnlyCell(sheet, value=_excel_value(column, value))
            number_format = NUMBER_FORMATS.get(column.kind)
            if number_format and value is not None:
                cell.number_format = number_format
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # a stored text never becomes a formula
            if is_total:
                cell.font = _TOTAL_FONT
            cells.append(cell)
        sheet.append(cells)


def write_report_workbook(
    report: Report,
    target: str | Path | IO[bytes],
    filters: list[tuple[str, str]] | None = None,
) -> int:
    """Writes the report, its period and `filters` (« label », « value ») on a first sheet;
    returns how many lines its tables hold."""
    workbook = Workbook(write_only=True)
    about = workbook.create_sheet("Paramètres")
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 70
    about.append(["Rapport", report.name.label])
    about.append(["Période", period_text(report.request)])
    for label, value in filters or []:
        about.append([label, value])
    used: set[str] = {"Paramètres"}
    for table in report.tables:
        _write_table(workbook, table, used)
        if table.note:
            about.append([table.title, table.note])
    workbook.save(target)
    return sum(len(table.lines) for table in report.tables)
