"""The data table of every listing: search, filters, sortable headers, pager, Excel export.

It lays out a `ListMixin` state and the `ListSpec` it serves; the rows come from the server
one page at a time.
"""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.layout import page_title
from agence.services.common.listing import (
    PAGE_SIZES,
    ChoiceFilter,
    Column,
    DateFilter,
    Filter,
    ListSpec,
    NumberFilter,
    TextFilter,
)

PHONE_HIDDEN = ["none", "table-cell"]
FOLDED_FILTERS = 6
"""Listings with more filters show them folded under « Filtres »."""


def _search_box(state, dom_id: str) -> rx.Component:
    return rx.debounce_input(
        rx.input(
            rx.input.slot(rx.icon("search", size=16)),
            placeholder="Rechercher…",
            value=state.search,
            on_change=state.search_changed,
            aria_label="Rechercher",
            width=["100%", "16rem"],
            id=f"{dom_id}-search",
        ),
        debounce_timeout=300,
    )


def _filter(state, flt: Filter, dom_id: str) -> rx.Component:
    if isinstance(flt, DateFilter):
        control = rx.input(
            type="date",
            value=state.filters.get(flt.key, ""),
            on_change=lambda value: state.filter_changed(flt.key, value),
            aria_label=flt.label,
            id=_filter_id(dom_id, flt.key),
        )
    elif isinstance(flt, NumberFilter | TextFilter):
        control = rx.debounce_input(
            rx.input(
                value=state.filters.get(flt.key, ""),
                on_change=lambda value: state.filter_changed(flt.key, value),
                aria_label=flt.label,
                input_mode="decimal" if isinstance(flt, NumberFilter) else None,
                width="9rem",
                id=_filter_id(dom_id, flt.key),
            ),
            debounce_timeout=400,
        )
    else:
        control = rx.el.select(
            rx.el.option(f"{flt.label} : tous", value=""),
            rx.foreach(
                state.filter_options[flt.key],
                lambda option: rx.el.option(option[1], value=option[0]),
            ),
            value=state.filters.get(flt.key, ""),
            on_change=lambda value: state.filter_changed(flt.key, value),
            aria_label=flt.label,
            id=_filter_id(dom_id, flt.key),
            class_name="agence-select",
        )
    return rx.vstack(
        rx.text(flt.label, size="1", color=rx.color("gray", 10)),
        control,
        spacing="1",
    )


def _filter_id(dom_id: str, key: str) -> str:
    return f"filter-{key}" if dom_id == "list" else f"{dom_id}-filter-{key}"


def _toolbar(
    state, spec: ListSpec, new_route: str | None, new_label: str, new_action, dom_id: str
) -> rx.Component:
    actions = []
    if new_route or new_action is not None:
        button = rx.button(
            rx.icon("plus", size=16),
            new_label,
            on_click=new_action,
            id=f"{dom_id}-new",
            type="button",
        )
        actions.append(
            rx.cond(state.can_create, rx.link(button, href=new_route) if new_route else button)
        )
    actions.append(
        rx.cond(
            state.can_export,
            rx.button(
                rx.cond(
                    state.exporting, rx.spinner(size="2"), rx.icon("file-spreadsheet", size=16)
                ),
                "Exporter Excel",
                on_click=state.export_excel,
                disabled=state.exporting,
                variant="soft",
                id=f"{dom_id}-export",
            ),
        )
    )
    filters = [
        _filter(state, flt, dom_id)
        for flt in spec.filters
        if not isinstance(flt, ChoiceFilter) or flt.shown
    ]
    panel = rx.flex(
        *filters,
        rx.button("Effacer les filtres", variant="ghost", size="1", on_click=state.clear_filters),
        wrap="wrap",
        spacing="3",
        align="end",
    )
    if len(filters) > FOLDED_FILTERS:
        panel = rx.el.details(
            rx.el.summary(
                rx.text.span("Filtres", weight="medium"),
                rx.cond(
                    state.active_filters > 0,
                    rx.badge(state.active_filters.to_string() + " actif(s)", margin_left="0.5rem"),
                ),
                cursor="pointer",
                id=f"{dom_id}-filters-toggle",
            ),
            rx.box(panel, padding_top="0.75rem"),
            width="100%",
        )
    return rx.vstack(
        rx.flex(
            _search_box(state, dom_id),
            rx.spacer(),
            rx.hstack(*actions, spacing="2", wrap="wrap"),
            direction=rx.breakpoints(initial="column", xs="row"),
            spacing="2",
            width="100%",
        ),
        panel if filters else rx.fragment(),
        spacing="3",
        width="100%",
    )


def _header_cell(state, column: Column) -> rx.Component:
    label: rx.Component = rx.text(column.label)
    if column.sortable:
        arrow = rx.cond(
            state.sort == column.key,
            rx.cond(state.desc, rx.icon("arrow-down", size=14), rx.icon("arrow-up", size=14)),
            rx.icon("arrow-up-down", size=14, opacity="0.3"),
        )
        label = rx.hstack(
            rx.text(column.label),
            arrow,
            spacing="1",
            align="center",
            cursor="pointer",
            on_click=state.sort_by(column.key),
            role="button",
            aria_label=f"Trier par {column.label}",
        )
    return rx.table.column_header_cell(
        label,
        display=None if column.phone else PHONE_HIDDEN,
        white_space="nowrap",
        aria_sort=rx.cond(
            state.sort == column.key, rx.cond(state.desc, "descending", "ascending"), "none"
        )
        if column.sortable
        else None,
    )


def column_text(spec: ListSpec, row, key: str):
    """The text of column `key` in a row of `spec` (for a row's buttons); a key the spec does
    not have fails when the page is compiled."""
    for index, column in enumerate(spec.columns):
        if column.key == key:
            return row.cells[index]
    raise KeyError(f"{spec.name} has no column {key!r}")


def _cell(
    column: Column, row, index: int, row_route: str | None, row_action, download: bool
) -> rx.Component:
    text = row.cells[index]
    content: rx.Component = rx.text(text)
    if column.flag:
        content = rx.cond(
            row.flagged[index],
            rx.badge(text, color_scheme="red", title="Plafond dépassé"),
            content,
        )
    if index == 0 and row_route and download:
        content = rx.el.a(
            rx.icon("download", size=14),
            text,
            href=row_route + "/" + row.id,
            target="_blank",
            rel="noopener",
            class_name="agence-download",
        )
    elif index == 0 and row_route:
        content = rx.link(text, href=row_route + "/" + row.id, weight="medium")
    elif index == 0 and row_action is not None:
        content = rx.el.button(
            text,
            on_click=row_action(row.id),
            type="button",
            class_name="agence-row-action",
        )
    align = "right" if column.kind in ("int", "decimal", "money", "percent") else "left"
    return rx.table.cell(
        content,
        display=None if column.phone else PHONE_HIDDEN,
        text_align=align,
    )


def _pager(state, dom_id: str) -> rx.Component:
    return rx.flex(
        rx.text(
            state.total.to_string() + " résultat(s)",
            size="2",
            color=rx.color("gray", 11),
            id=f"{dom_id}-count",
        ),
        rx.spacer(),
        rx.hstack(
            rx.el.select(
                *[rx.el.option(f"{size} par page", value=str(size)) for size in PAGE_SIZES],
                value=state.page_size.to_string(),
                on_change=state.page_size_changed,
                aria_label="Lignes par page",
                class_name="agence-select",
            ),
            rx.icon_button(
                rx.icon("chevron-left"),
                on_click=state.go_to_page(state.page - 1),
                disabled=state.page <= 1,
                variant="soft",
                aria_label="Page précédente",
                id=f"{dom_id}-previous",
            ),
            rx.text(
                "Page " + state.page.to_string() + " / " + state.page_count.to_string(),
                size="2",
                white_space="nowrap",
                id=f"{dom_id}-page",
            ),
            rx.icon_button(
                rx.icon("chevron-right"),
                on_click=state.go_to_page(state.page + 1),
                disabled=state.page >= state.page_count,
                variant="soft",
                aria_label="Page suivante",
                id=f"{dom_id}-next",
            ),
            align="center",
            spacing="2",
        ),
        direction=rx.breakpoints(initial="column", xs="row"),
        spacing="2",
        align=rx.breakpoints(initial="start", xs="center"),
        width="100%",
    )


def _select_header(state, dom_id: str) -> rx.Component:
    return rx.table.column_header_cell(
        rx.checkbox(
            checked=(state.page_selected > 0) & (state.page_selected == state.rows.length()),
            on_change=lambda _checked: state.toggle_page(),
            aria_label="Cocher la page",
            id=f"{dom_id}-select-page",
        ),
        width="2.5rem",
    )


def _select_cell(state, row) -> rx.Component:
    return rx.table.cell(
        rx.checkbox(
            checked=state.selected.contains(row.id),
            on_change=lambda _checked: state.toggle_row(row.id),
            aria_label="Cocher la ligne",
        ),
        width="2.5rem",
    )


def data_table(
    state,
    spec: ListSpec,
    *,
    row_route: str | None = None,
    new_label: str = "Nouveau",
    row_action=None,
    new_action=None,
    selectable: bool = False,
    show_new: bool = True,
    dom_id: str = "list",
    download: bool = False,
    row_buttons=None,
) -> rx.Component:
    """The listing of `spec` served by `state` (its rows are `ListRow`s). The first cell of a
    row links to `row_route/<id>`, or runs `row_action(id)`; `selectable` adds a column of
    checkboxes; `row_buttons(row)` adds a last cell (see `column_text`)."""
    new_route = routes.record_url(row_route, routes.NEW_RECORD) if row_route and show_new else None

    def row(item) -> rx.Component:
        cells = [
            _cell(column, item, index, row_route, row_action, download)
            for index, column in enumerate(spec.columns)
        ]
        if row_buttons is not None:
            cells.append(rx.table.cell(row_buttons(item), text_align="right"))
        return (
            rx.table.row(_select_cell(state, item), *cells) if selectable else rx.table.row(*cells)
        )

    headers = [_header_cell(state, column) for column in spec.columns]
    if row_buttons is not None:
        headers.append(rx.table.column_header_cell(""))
    return rx.vstack(
        _toolbar(state, spec, new_route, new_label, new_action, dom_id),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(_select_header(state, dom_id), *headers)
                    if selectable
                    else rx.table.row(*headers)
                ),
                rx.table.body(rx.foreach(state.rows, row)),
                variant="surface",
                size="2",
                width="100%",
            ),
            rx.cond(
                state.total == 0,
                rx.center(rx.text("Aucun résultat.", color=rx.color("gray", 10)), padding="2rem"),
            ),
            width="100%",
            overflow_x="auto",
        ),
        _pager(state, dom_id),
        spacing="3",
        width="100%",
        id="data-table" if dom_id == "list" else f"{dom_id}-table",
    )


def list_page(
    title: str,
    subtitle: str,
    state,
    spec: ListSpec,
    row_route: str | None = None,
    new_label: str = "Nouveau",
) -> rx.Component:
    """A listing page: its title, then the data table."""
    return rx.vstack(
        page_title(title, subtitle=subtitle),
        data_table(state, spec, row_route=row_route, new_label=new_label),
        width="100%",
    )
