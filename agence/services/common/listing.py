"""The one list mechanism: search, filters, sort and paging done in SQL, for every listing.

A `ListSpec` describes a listing once (its query, columns, searchable columns and filters);
`fetch_page` serves a page of it with the total count, `iter_rows` streams the whole filtered
result for the Excel export.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from agence.services.common import formats, identifiers
from agence.services.common.formats import AGENCY_TIMEZONE
from agence.services.common.permissions import Actor
from agence.services.common.text import normalize_text

ColumnKind = Literal["text", "int", "decimal", "money", "percent", "date", "datetime", "bool"]

PAGE_SIZES = (25, 50)
MAX_SEARCH_LENGTH = 100


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    expr: Any
    kind: ColumnKind = "text"
    sortable: bool = True
    width: int = 18
    """Width of the Excel column, in characters."""
    phone: bool = True
    """Shown on a phone-width screen (the least useful columns hide there)."""
    labels: Mapping[str, str] | None = None
    """Display labels of coded values (statuses, rules)."""
    render: Callable[[Any], Any] | None = None
    """Turns the stored value into what is shown and exported."""
    flag: str = ""
    """A boolean row value that highlights the cell (e.g. "over_limit" on the outstanding)."""

    def shown(self, value: Any) -> Any:
        if value is None:
            return None
        if self.labels is not None:
            value = self.labels.get(value, value)
        if self.render is not None:
            value = self.render(value)
        return value


@dataclass(frozen=True)
class ChoiceFilter:
    """Rows whose expression equals the chosen value ("" = no filter)."""

    key: str
    label: str
    expr: Any
    options: tuple[tuple[str, str], ...] = ()
    options_query: Callable[[Session], list[tuple[str, str]]] | None = None
    value_type: type = str
    """`int` for ids, `bool` for yes/no filters (values "1" / "0")."""
    match: Callable[[Any], ColumnElement[bool]] | None = None
    """A clause of its own for the chosen value (e.g. "has this tag"), instead of equality."""
    shown: bool = True
    """False for a filter only a link sets (a drill-down's client among thousands): the list
    applies it and counts it among the active filters, offers no control for it."""

    def clause(self, value: str) -> ColumnElement[bool] | None:
        if value == "":
            return None
        if self.value_type is bool:
            return self.expr.is_(value == "1") if value in ("0", "1") else None
        if self.options and self.options_query is None and value not in dict(self.options):
            return None
        if self.value_type is int:
            typed: Any = identifiers.record_id(value)
            if typed is None:
                return None
        else:
            try:
                typed = self.value_type(value)
            except ValueError:
                return None
        return self.match(typed) if self.match is not None else self.expr == typed

    def choices(self, session: Session) -> list[tuple[str, str]]:
        if self.options_query is not None:
            return self.options_query(session)
        return list(self.options)


@dataclass(frozen=True)
class DateFilter:
    """Rows whose date(time) is on or after (`since`) / on or before (`until`) the given day."""

    key: str
    label: str
    expr: Any
    bound: Literal["since", "until"] = "since"
    is_datetime: bool = True

    def clause(self, value: str) -> ColumnElement[bool] | None:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return None
        if not self.is_datetime:
            return self.expr >= day if self.bound == "since" else self.expr <= day
        if self.bound == "since":
            return self.expr >= datetime.combine(day, time.min, AGENCY_TIMEZONE)
        return self.expr <= datetime.combine(day, time.max, AGENCY_TIMEZONE)

    def choices(self, session: Session) -> list[tuple[str, str]]:
        return []


@dataclass(frozen=True)
class NumberFilter:
    """Rows whose number is at least (`min`) / at most (`max`) the typed amount."""

    key: str
    label: str
    expr: Any
    bound: Literal["min", "max"] = "min"

    def clause(self, value: str) -> ColumnElement[bool] | None:
        text = (
            value.replace(" ", "")
            .replace("\u202f", "")
            .replace("\xa0", "")
            .replace("€", "")
            .replace(",", ".")
        )
        try:
            amount = Decimal(text)
        except InvalidOperation:
            return None
        if not amount.is_finite():
            return None
        amount = identifiers.bounded_amount(amount)
        return self.expr >= amount if self.bound == "min" else self.expr <= amount

    def choices(self, session: Session) -> list[tuple[str, str]]:
        return []


@dataclass(frozen=True)
class TextFilter:
    """Rows whose text starts with the typed value, case-insensitively (a city, a postcode)."""

    key: str
    label: str
    expr: Any

    def clause(self, value: str) -> ColumnElement[bool] | None:
        text = value.strip()[:MAX_SEARCH_LENGTH]
        if not text:
            return None
        return self.expr.ilike(f"{_escape_like(text)}%", escape="\\")

    def choices(self, session: Session) -> list[tuple[str, str]]:
        return []


Filter = ChoiceFilter | DateFilter | NumberFilter | TextFilter


def active_filter(expr: Any) -> ChoiceFilter:
    """The "État : actifs / inactifs" filter every parameter listing offers."""
    return ChoiceFilter(
        "active", "État", expr, (("1", "Actifs"), ("0", "Inactifs")), value_type=bool
    )


@dataclass(frozen=True)
class ListSpec:
    name: str
    """The title of the listing; also the Excel sheet and file name."""
    query: Callable[[], Select]
    """The base query: selects the id (labelled `id`) and every column's expression."""
    columns: tuple[Column, ...]
    search: tuple[Any, ...] = ()
    filters: tuple[Filter, ...] = ()
    default_sort: str = ""
    default_desc: bool = False
    tie_breaker: Any = None
    count_query: Callable[[], Select] | None = None
    """The same rows without the joins that only add shown columns, for a cheaper count —
    only for a listing whose search, filters and scope all use its own table's columns."""
    then_by: tuple[Any, ...] = ()
    """Sort expressions after the chosen column, before the tie-breaker (a time within a day)."""
    scope: Callable[[Select, Actor], Select] | None = None
    """Row-level access: narrows the query for the actor."""
    normalized_search: tuple[Any, ...] = ()
    """Columns holding text without accents or case, searched with the normalized terms."""
    decorate: Callable[[Session, list[dict[str, Any]]], None] | None = None
    """Adds computed values to fetched rows (one call per page or export batch)."""

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


@dataclass
class ListQuery:
    search: str = ""
    sort: str = ""
    desc: bool = False
    filters: dict[str, str] = field(default_factory=dict)
    page: int = 1
    page_size: int = PAGE_SIZES[0]


@dataclass(frozen=True)
class ListPage:
    rows: list[dict[str, Any]]
    total: int
    page: int
    page_count: int
    page_size: int


def _search_terms(text: str) -> list[str]:
    return [term for term in text.strip()[:MAX_SEARCH_LENGTH].split() if term]


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filtered_query(
    spec: ListSpec, query: ListQuery, actor: Actor | None = None, conditions: tuple = ()
) -> Select:
    """The listing's query narrowed by the actor's scope, the fixed `conditions` (e.g. the
    contacts of one client), the search terms and the filters."""
    statement = spec.query()
    if spec.scope is not None and actor is not None:
        statement = spec.scope(statement, actor)
    for condition in conditions:
        statement = statement.where(condition)
    for term in _search_terms(query.search):
        pattern = f"%{_escape_like(term)}%"
        normalized = f"%{_escape_like(normalize_text(term))}%"
        statement = statement.where(
            or_(
                *(expr.ilike(pattern, escape="\\") for expr in spec.search),
                *(expr.like(normalized, escape="\\") for expr in spec.normalized_search),
            )
        )
    filters_by_key: Mapping[str, Filter] = {f.key: f for f in spec.filters}
    for key, value in query.filters.items():
        flt = filters_by_key.get(key)
        if flt is None or value in ("", None):
            continue
        clause = flt.clause(str(value))
        if clause is not None:
            statement = statement.where(clause)
    return statement


def _ordered(spec: ListSpec, statement: Select, query: ListQuery) -> Select:
    column = spec.column(query.sort) or spec.column(spec.default_sort)
    desc = query.desc if spec.column(query.sort) else spec.default_desc
    order = []
    if column is not None and column.sortable:
        order.append(column.expr.desc() if desc else column.expr.asc())
    for expr in spec.then_by:
        order.append(expr.desc() if desc else expr.asc())
    if spec.tie_breaker is not None:
        order.append(spec.tie_breaker.desc() if desc else spec.tie_breaker.asc())
    return statement.order_by(*order)


def count(session: Session, statement: Select) -> int:
    return session.execute(
        select(func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()


def fetch_page(
    session: Session,
    spec: ListSpec,
    query: ListQuery,
    actor: Actor | None = None,
    conditions: tuple = (),
) -> ListPage:
    page_size = query.page_size if query.page_size in PAGE_SIZES else PAGE_SIZES[0]
    statement = filtered_query(spec, query, actor, conditions)
    counted = (
        statement
        if spec.count_query is None
        else filtered_query(replace(spec, query=spec.count_query), query, actor, conditions)
    )
    total = count(session, counted)
    page_count = max(1, -(-total // page_size))
    page = min(max(1, query.page), page_count)
    result = session.execute(
        _ordered(spec, statement, query).offset((page - 1) * page_size).limit(page_size)
    )
    rows = [dict(row._mapping) for row in result]
    if spec.decorate is not None:
        spec.decorate(session, rows)
    return ListPage(rows=rows, total=total, page=page, page_count=page_count, page_size=page_size)


def iter_rows(
    session: Session,
    spec: ListSpec,
    query: ListQuery,
    actor: Actor | None = None,
    batch: int = 1000,
    conditions: tuple = (),
) -> Iterator[dict[str, Any]]:
    """Every row of the filtered, sorted result, fetched in batches."""
    statement = _ordered(spec, filtered_query(spec, query, actor, conditions), query)
    result = session.execute(statement.execution_options(yield_per=batch))
    for rows in result.partitions(batch):
        chunk = [dict(row._mapping) for row in rows]
        if spec.decorate is not None:
            spec.decorate(session, chunk)
        yield from chunk


def display_value(column: Column, value: Any) -> str:
    """A cell as the page shows it, in French formats."""
    value = column.shown(value)
    if value is None:
        return ""
    if column.kind == "bool":
        return formats.yes_no(bool(value))
    if column.kind == "money":
        return formats.money(value)
    if column.kind == "percent":
        return formats.percent(value)
    if column.kind in ("int", "decimal"):
        return formats.number(value)
    if column.kind == "date":
        return formats.day(value)
    if column.kind == "datetime":
        return formats.moment(value)
    return str(value)


def display_rows(spec: ListSpec, rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Rows for the page: the id and every column as formatted text."""
    flags = [c.flag for c in spec.columns if c.flag]
    return [
        {
            "id": str(row.get("id", "")),
            **{c.key: display_value(c, row.get(c.key)) for c in spec.columns},
            **{flag: "1" if row.get(flag) else "" for flag in flags},
        }
        for row in rows
    ]
