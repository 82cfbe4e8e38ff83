"""The « Statistiques » pages: the index of the reports, and one report with its form, its
tables and charts, its Excel export; each line drills into the list behind it.

The request lives in the page's URL too (`?from=…&to=…&site=…`): a report can be bookmarked,
sent to a colleague, and the browser's back button returns to it as it was.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec

from agence import routes
from agence.db import session_scope
from agence.services.common import files, formats
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Actor, Module
from agence.services.statistics import catalog, render, requests
from agence.services.statistics.report import (
    Report,
    ReportName,
    ReportRequest,
    ReportTable,
)
from agence.state.common.base import AppState

PAGE_LINES = catalog.PAGE_LINES
SERIES = 3
"""A chart shows at most three series (`ChartPoint.s1` to `s3`)."""


@dataclass(frozen=True)
class ReportCard:
    name: str
    title: str
    description: str
    url: str


@dataclass(frozen=True)
class ColumnView:
    label: str
    help: str
    numeric: bool
    phone: bool


@dataclass(frozen=True)
class LineView:
    cells: list[str]
    url: str
    """Where the line drills into ("" for none)."""
    approximate: bool
    """The list behind it shows more than the line counts (its filters cannot say it all)."""
    flags: list[str]


@dataclass(frozen=True)
class ChartPoint:
    category: str
    s1: float
    s2: float
    s3: float


@dataclass(frozen=True)
class TableView:
    key: str
    title: str
    note: str
    columns: list[ColumnView]
    lines: list[LineView]
    total: list[str]
    has_total: bool
    hidden_lines: int
    """Lines past `PAGE_LINES`, in the export only."""
    chart: str
    """"bar", "line" or "" (no chart)."""
    points: list[ChartPoint]
    series: list[str]
    """The labels of the plotted series, in order s1, s2, s3."""


def _number(value: object) -> float:
    if isinstance(value, Decimal | int):
        return float(value)
    return 0.0


def _table_view(table: ReportTable) -> TableView:
    shown = table.lines[:PAGE_LINES]
    lines = [
        LineView(
            cells=render.line_texts(table, line),
            url=routes.drill_url(line.drill),
            approximate=line.drill is not None and not line.drill.exact,
            flags=list(line.flags),
        )
        for line in shown
    ]
    points: list[ChartPoint] = []
    series: list[str] = []
    chart = ""
    if table.chart is not None and table.lines:
        chart = table.chart.kind
        plotted = table.chart.series[:SERIES]
        series = [item.label for item in plotted]
        category = table.column_index(table.chart.category)
        indexes = [table.column_index(item.column) for item in plotted]
        for line in table.lines[:60]:
            values = [_number(line.cells[index]) for index in indexes] + [0.0] * SERIES
            points.append(
                ChartPoint(str(line.cells[category] or ""), values[0], values[1], values[2])
            )
    return TableView(
        key=table.key,
        title=table.title,
        note=table.note,
        columns=[
            ColumnView(
                label=column.label,
                help=column.help,
                numeric=column.kind != "text" and column.kind != "date",
                phone=column.phone,
            )
            for column in table.columns
        ],
        lines=lines,
        total=render.line_texts(table, table.total) if table.total else [],
        has_total=table.total is not None,
        hidden_lines=max(len(table.lines) - PAGE_LINES, 0),
        chart=chart,
        points=points,
        series=series,
    )


class StatisticsIndexState(AppState):
    cards: list[ReportCard] = []

    @rx.event
    def open_index(self):
        self._require(Module.STATISTICS)
        self.cards = [
            ReportCard(
                name.value,
                name.label,
                catalog.DESCRIPTIONS[name],
                routes.statistics_url(name.value),
            )
            for name in ReportName
        ]


class ReportState(AppState):
    report_title: str = ""
    report_key: str = ""
    description: str = ""
    period_text: str = ""
    not_found: bool = False
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    choices: dict[str, list[list[str]]] = {}
    form_key: int = 0
    has_grouping: bool = False
    tables: list[TableView] = []
    can_export: bool = False
    exporting: bool = False
    _report: str = ""
    _request: ReportRequest | None = None

    def _name(self) -> ReportName | None:
        try:
            return ReportName(self._report)
        except ValueError:
            return None

    def _choices(self, actor: Actor, name: ReportName) -> requests.FilterChoices:
        with session_scope() as session:
            found = requests.filter_choices(session, actor)
        self.choices = {
            field: [list(option) for option in found.options(field)]
            for field in requests.FILTER_FIELDS
        } | {"grouping": [list(option) for option in requests.GROUPINGS[name]]}
        return found

    def _run(self, actor: Actor, name: ReportName, request: ReportRequest) -> None:
        with session_scope() as session:
            report: Report = catalog.run_report(session, actor, name, request, PAGE_LINES)
        self._request = request
        self.values = requests.request_values(request)
        self.period_text = render.period_text(request)
        self.tables = [_table_view(table) for table in report.tables]
        self.errors = {}
        self.form_key += 1

    @rx.event
    def open_report(self):
        actor = self._require(Module.STATISTICS)
        self._report = self._page_param(routes.REPORT_PARAM)
        name = self._name()
        self.tables = []
        self.errors = {}
        self.not_found = name is None
        if name is None:
            return
        self.report_key = name.value
        self.report_title = name.label
        self.description = catalog.DESCRIPTIONS[name]
        self.has_grouping = bool(requests.GROUPINGS[name])
        self.can_export = actor.can(Module.STATISTICS, Action.EXPORT)
        choices = self._choices(actor, name)
        typed = {key: self._page_param(key) for key in requests.request_keys()}
        try:
            request = requests.parse_request(name, typed, formats.today(), choices)
        except FormErrors:
            request = requests.parse_request(name, {}, formats.today(), choices)
        self._run(actor, name, request)

    @rx.event
    def apply(self, form_data: dict):
        actor = self._require(Module.STATISTICS)
        name = self._name()
        if name is None:
            return
        typed = {key: str(form_data.get(key, "") or "") for key in requests.request_keys()}
        with session_scope() as session:
            choices = requests.filter_choices(session, actor)
        try:
            request = requests.parse_request(name, typed, formats.today(), choices)
        except FormErrors as problem:
            self.values = typed
            self.errors = problem.errors
            return self._toast_problem(problem)
        self._run(actor, name, request)
        query = urlencode({k: v for k, v in self.values.items() if v})
        return _show_url(f"{routes.statistics_url(name.value)}?{query}")

    @rx.event
    def reset_filters(self):
        actor = self._require(Module.STATISTICS)
        name = self._name()
        if name is None:
            return
        self._run(actor, name, requests.parse_request(name, {}, formats.today()))
        return _show_url(routes.statistics_url(name.value))

    @rx.event(background=True)
    async def export_excel(self):
        """The report as shown, as a workbook (all its lines), off the event loop."""
        async with self:
            actor = self._require(Module.STATISTICS, Action.EXPORT)
            name, request = self._name(), self._request
            if name is None or request is None or self.exporting:
                return
            self.exporting = True
        try:
            result = await asyncio.to_thread(_export, actor, name, request)
        finally:
            async with self:
                self.exporting = False
        token = files.download_token(result.path, actor.user_id, result.download_name)
        return [
            rx.toast.success(f"Export Excel prêt : {result.lines} ligne(s)."),
            rx.download(url=f"{routes.DOWNLOAD_API}/{token}", filename=result.download_name),
        ]


def _show_url(url: str) -> EventSpec:
    """The address bar follows the request, without a reload (bookmarks, back button)."""
    return rx.call_script(f"window.history.replaceState(null, '', {json.dumps(url)})")


def _export(actor: Actor, name: ReportName, request: ReportRequest) -> catalog.ReportExport:
    with session_scope() as session:
        return catalog.export_report(session, actor, name, request, formats.today())
