"""The data table of every listing: search, filters, sortable headers, pager, Excel export.

It lays out a `ListMixin` state and the `ListSpec` it serves; the rows come from the server
one page at a time.
"""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.layout import page_title
from agence.services.listing import PAGE_SIZES, ChoiceFilter, Column, DateFilter, ListSpec

PHONE_HIDDEN = ["none", "table-cell"]


def _search_box(state) -> rx.Component:
    return rx.debounce_input(
        rx.input(
            rx.input.slot(rx.icon("search", size=16)),
            placeholder="Rechercher…",
            value=state.search,
            on_change=state.search_changed,
            aria_label="Rechercher",
            width=["100%", "16rem"],
            id="list-search",
        ),
        debounce_timeout=300,
    )


def _filter(state, flt: ChoiceFilter | DateFilter) -> rx.Component:
    if isinstance(flt, DateFilter):
        control = rx.input(
            type="date",
            value=state.filters.get(flt.key, ""),
            on_change=lambda value: state.filter_changed(flt.key, value),
            aria_label=flt.label,
            id=f"filter-{flt.key}",
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
            id=f"filter-{flt.key}",
            class_name="agence-select",
        )
    return rx.vstack(
        rx.text(flt.label, size="1", color=rx.color("gray", 10)),
        control,
        spacing="1",
    )


def _toolbar(state, spec: ListSpec, new_route: str | None, new_label: str) -> rx.Component:
    actions = []
    if new_route:
        actions.append(
            rx.cond(
                state.can_create,
                rx.link(
                    rx.button(rx.icon("plus", size=16), new_label), href=new_route, id="list-new"
                ),
            )
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
                id="list-export",
            ),
        )
    )
    filters = [_filter(state, flt) for flt in spec.filters]
    return rx.vstack(
        rx.flex(
            _search_box(state),
            rx.spacer(),
            rx.hstack(*actions, spacing="2", wrap="wrap"),
            direction=rx.breakpoints(initial="column", xs="row"),
            spacing="2",
            width="100%",
        ),
        rx.flex(
            *filters,
            rx.button(
                "Effacer les filtres", variant="ghost", size="1", on_click=state.clear_filters
            ),
            wrap="wrap",
            spacing="3",
            align="end",
        )
        if filters
        else rx.fragment(),
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


def _cell(column: Column, row, index: int, row_route: str | None) -> rx.Component:
    content: rx.Component = rx.text(row[column.key])
    if index == 0 and row_route:
        content = rx.link(row[column.key], href=row_route + "/" + row["id"], weight="medium")
    align = "right" if column.kind in ("int", "decimal", "money", "percent") else "left"
    return rx.table.cell(
        content,
        display=None if column.phone else PHONE_HIDDEN,
        text_align=align,
    )


def _pager(state) -> rx.Component:
    return rx.flex(
        rx.text(
            state.total.to_string() + " résultat(s)",
            size="2",
            color=rx.color("gray", 11),
            id="list-count",
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
                id="list-previous",
            ),
            rx.text(
                "Page " + state.page.to_string() + " / " + state.page_count.to_string(),
                size="2",
                white_space="nowrap",
                id="list-page",
            ),
            rx.icon_button(
                rx.icon("chevron-right"),
                on_click=state.go_to_page(state.page + 1),
                disabled=state.page >= state.page_count,
                variant="soft",
                aria_label="Page suivante",
                id="list-next",
            ),
            align="center",
            spacing="2",
        ),
        direction=rx.breakpoints(initial="column", xs="row"),
        spacing="2",
        align=rx.breakpoints(initial="start", xs="center"),
        width="100%",
    )


def data_table(
    state,
    spec: ListSpec,
    *,
    row_route: str | None = None,
    new_label: str = "Nouveau",
) -> rx.Component:
    """The listing of `spec` served by `state`; rows link to `row_route/<id>`."""
    new_route = routes.record_url(row_route, routes.NEW_RECORD) if row_route else None
    return rx.vstack(
        _toolbar(state, spec, new_route, new_label),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[_header_cell(state, column) for column in spec.columns])
                ),
                rx.table.body(
                    rx.foreach(
                        state.rows,
                        lambda row: rx.table.row(
                            *[
                                _cell(column, row, index, row_route)
                                for index, column in enumerate(spec.columns)
                            ]
                        ),
                    ),
                ),
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
        _pager(state),
        spacing="3",
        width="100%",
        id="data-table",
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
