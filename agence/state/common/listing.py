"""The list mechanism of every listing page: paging, sort, search, filters, Excel export.

A listing state names its `ListSpec` and its module; everything else is here, once.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import reflex as rx

from agence import routes
from agence.db import session_scope
from agence.services.common import exports, files, identifiers, listing
from agence.services.common.listing import ListQuery, ListSpec
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import Resource

MAX_SELECTION = 1000
SEARCH_PARAM = "q"
"""The query parameter of a listing's URL that fills its search box."""


@dataclass(frozen=True)
class ListRow:
    """One row of a listing as the page shows it: its id, then one text per column of the
    `ListSpec`, in the spec's order. Typed, so that a component reading a field that does not
    exist fails when Reflex compiles the page, not as an empty cell (`data_table.column_text`
    finds a column's cell by its key, checked against the spec)."""

    id: str
    cells: list[str]
    flagged: list[bool]
    """Per column: its `flag` is raised on this row (the cell is highlighted)."""


def list_rows(spec: ListSpec, rows: list[dict[str, str]]) -> list[ListRow]:
    """The service's display rows (keyed by column) as the page's typed rows."""
    return [
        ListRow(
            id=row["id"],
            cells=[row[column.key] for column in spec.columns],
            flagged=[bool(column.flag) and row[column.flag] == "1" for column in spec.columns],
        )
        for row in rows
    ]


class ListMixin(rx.State, mixin=True):
    rows: list[ListRow] = []
    total: int = 0
    page: int = 1
    page_count: int = 1
    page_size: int = listing.PAGE_SIZES[0]
    search: str = ""
    sort: str = ""
    desc: bool = False
    filters: dict[str, str] = {}
    filter_options: dict[str, list[list[str]]] = {}
    exporting: bool = False
    can_create: bool = False
    can_export: bool = False
    selected: list[str] = []
    """Ids of the rows ticked for a bulk action (kept across pages)."""

    @rx.var
    def active_filters(self) -> int:
        return sum(1 for value in self.filters.values() if value)

    @rx.var
    def page_selected(self) -> int:
        """How many rows of the page are ticked."""
        return sum(1 for row in self.rows if row.id in self.selected)

    def _resource(self) -> Resource:
        """The listed resource; a listing without one overrides the two methods below."""
        raise NotImplementedError

    def _list_spec(self) -> ListSpec:
        return self._resource().list_spec()

    def _list_module(self) -> Module:
        return self._resource().module

    def _conditions(self) -> tuple:
        """Fixed conditions decided by the server (e.g. the contacts of the open client)."""
        return ()

    def _list_query(self) -> ListQuery:
        return ListQuery(
            search=self.search,
            sort=self.sort,
            desc=self.desc,
            filters=dict(self.filters),
            page=self.page,
            page_size=self.page_size,
        )

    def _refresh(self, actor: Actor) -> None:
        spec = self._list_spec()
        with session_scope() as session:
            result = listing.fetch_page(
                session, spec, self._list_query(), actor, self._conditions()
            )
            self.rows = list_rows(spec, listing.display_rows(spec, result.rows))
        self.total = result.total
        self.page = result.page
        self.page_count = result.page_count
        self.page_size = result.page_size

    def _filters_from_url(self, spec: ListSpec) -> None:
        """A link may open the listing already filtered (`routes.list_url`, a figure's
        drill-down): the URL's query parameters named like the spec's filters, and `q` for the
        search, replace what the tab last chose. Each filter's `clause` ignores a value it
        cannot read, as it does for a value typed in the page."""
        query = self.router.url.query_parameters
        keys = {f.key for f in spec.filters}
        chosen = {
            key: value[: listing.MAX_SEARCH_LENGTH]
            for key, value in query.items()
            if key in keys and isinstance(value, str)
        }
        search = query.get(SEARCH_PARAM)
        if not chosen and not isinstance(search, str):
            return
        self.filters = chosen
        self.search = search[: listing.MAX_SEARCH_LENGTH] if isinstance(search, str) else ""
        self.page = 1
        self.selected = []

    @rx.event
    def load_list(self):
        actor = self._require(self._list_module(), Action.SEE)
        spec = self._list_spec()
        if not self.sort:
            self.sort, self.desc = spec.default_sort, spec.default_desc
        self._filters_from_url(spec)
        self.can_create = actor.can(self._list_module(), Action.CREATE)
        self.can_export = actor.can(self._list_module(), Action.EXPORT)
        with session_scope() as session:
            self.filter_options = {
                f.key: [[value, label] for value, label in f.choices(session)] for f in spec.filters
            }
        self._refresh(actor)

    @rx.event
    def search_changed(self, text: str):
        actor = self._require(self._list_module(), Action.SEE)
        self.search = str(text)[: listing.MAX_SEARCH_LENGTH]
        self.page = 1
        self._refresh(actor)

    @rx.event
    def sort_by(self, key: str):
        actor = self._require(self._list_module(), Action.SEE)
        column = self._list_spec().column(str(key))
        if column is None or not column.sortable:
            return
        self.desc = not self.desc if self.sort == column.key else False
        self.sort = column.key
        self.page = 1
        self._refresh(actor)

    @rx.event
    def filter_changed(self, key: str, value: str):
        actor = self._require(self._list_module(), Action.SEE)
        if not any(f.key == key for f in self._list_spec().filters):
            return
        self.filters = {**self.filters, str(key): str(value)}
        self.page = 1
        self._refresh(actor)

    @rx.event
    def clear_filters(self):
        actor = self._require(self._list_module(), Action.SEE)
        self.filters = {}
        self.search = ""
        self.page = 1
        self._refresh(actor)

    @rx.event
    def go_to_page(self, page: int):
        actor = self._require(self._list_module(), Action.SEE)
        self.page = identifiers.page_number(page)
        self._refresh(actor)

    @rx.event
    def page_size_changed(self, size: str):
        actor = self._require(self._list_module(), Action.SEE)
        try:
            wanted = int(size)
        except (TypeError, ValueError):
            return
        if wanted in listing.PAGE_SIZES:
            self.page_size = wanted
            self.page = 1
            self._refresh(actor)

    @rx.event
    def toggle_row(self, row_id: str):
        self._require(self._list_module(), Action.SEE)
        row_id = str(row_id)
        if row_id in self.selected:
            self.selected = [i for i in self.selected if i != row_id]
        elif identifiers.is_record_id(row_id) and len(self.selected) < MAX_SELECTION:
            self.selected = [*self.selected, row_id]

    @rx.event
    def toggle_page(self):
        """Ticks every row of the page, or unticks them when they all are."""
        self._require(self._list_module(), Action.SEE)
        page_ids = [row.id for row in self.rows]
        if page_ids and all(i in self.selected for i in page_ids):
            self.selected = [i for i in self.selected if i not in page_ids]
        else:
            extra = [i for i in page_ids if i not in self.selected]
            self.selected = [*self.selected, *extra][:MAX_SELECTION]

    @rx.event
    def clear_selection(self):
        self._require(self._list_module(), Action.SEE)
        self.selected = []

    @rx.event(background=True)
    async def export_excel(self):
        """Writes the whole filtered result off the event loop, then hands a signed link."""
        async with self:
            actor = self._require(self._list_module(), Action.EXPORT)
            if self.exporting:
                return
            self.exporting = True
            spec, module, query = self._list_spec(), self._list_module(), self._list_query()
            conditions = self._conditions()
        try:
            result = await asyncio.to_thread(_export, actor, module, spec, query, conditions)
        finally:
            async with self:
                self.exporting = False
        token = files.download_token(result.path, actor.user_id, result.download_name)
        return [
            rx.toast.success(f"Export Excel prêt : {result.rows} ligne(s)."),
            rx.download(url=f"{routes.DOWNLOAD_API}/{token}", filename=result.download_name),
        ]


def _export(actor: Actor, module: Module, spec: ListSpec, query: ListQuery, conditions: tuple):
    with session_scope() as session:
        return exports.export_listing(session, actor, module, spec, query, conditions)
