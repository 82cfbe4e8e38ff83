"""Excel export of any listing: typed cells, a header row, column widths, a frozen header.

openpyxl's write-only mode streams rows to disk, so the whole filtered result of a large
listing is written without holding it in memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from agence.services.common.files import new_export_path
from agence.services.common.formats import local_time
from agence.services.common.listing import Column, ListQuery, ListSpec, iter_rows
from agence.services.common.permissions import Action, Actor, Module

NUMBER_FORMATS = {
    "int": "0",
    "decimal": "#,##0.00",
    "money": '#,##0.00 "€"',
    "percent": '0.00" %"',
    "date": "DD/MM/YYYY",
    "datetime": "DD/MM/YYYY HH:MM",
}

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def sheet_title(name: str) -> str:
    return re.sub(r"[\\/*?:\[\]]", " ", name)[:31] or "Export"


def cell_value(column: Column, value: Any) -> Any:
    """What goes into the cell: real numbers and dates, text for the rest."""
    if value is None:
        return None
    value = column.shown(value)
    if column.kind == "bool":
        return "Oui" if value else "Non"
    if column.kind == "datetime" and isinstance(value, datetime):
        return local_time(value).replace(tzinfo=None)
    if column.kind == "date" and isinstance(value, datetime):
        return local_time(value).date()
    if isinstance(value, date | datetime | Decimal | int | float):
        return value
    return _ILLEGAL.sub("", str(value))


def write_workbook(
    target: str | Path | IO[bytes],
    title: str,
    columns: tuple[Column, ...] | list[Column],
    rows: Iterable[dict[str, Any]],
) -> int:
    """Writes the rows; returns how many were written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.label)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        header.append(cell)
    sheet.append(header)
    formats = [NUMBER_FORMATS.get(column.kind) for column in columns]
    written = 0
    for row in rows:
        cells: list[Any] = []
        for column, number_format in zip(columns, formats, strict=True):
            value = cell_value(column, row.get(column.key))
            if number_format and value is not None and not isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format
                cells.append(cell)
            elif isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # a stored text never becomes a spreadsheet formula
                cells.append(cell)
            else:
                cells.append(value)  # plain values: no cell object, much faster
        sheet.append(cells)
        written += 1
    if written:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{written + 1}"
    workbook.save(target)
    return written


@dataclass(frozen=True)
class ExportResult:
    path: Path
    download_name: str
    rows: int


def export_listing(
    session: Session,
    actor: Actor,
    module: Module,
    spec: ListSpec,
    query: ListQuery,
    conditions: tuple = (),
) -> ExportResult:
    """Writes the whole filtered, sorted result of a listing to a new Excel file."""
    actor.require(module, Action.EXPORT)
    path = new_export_path("xlsx")
    rows = iter_rows(session, spec, query, actor, conditions=conditions)
    written = write_workbook(path, spec.name, spec.columns, rows)
    stamp = local_time(datetime.now(UTC)).strftime("%Y-%m-%d")
    safe_name = re.sub(r"[^\w\- ]", "", spec.name).strip().replace(" ", "-") or "export"
    return ExportResult(path=path, download_name=f"{safe_name}-{stamp}.xlsx", rows=written)
