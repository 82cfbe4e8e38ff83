"""The pieces of a statistics report's page: its form, a table with its drill-down links and
its total line, and the table's chart (`rx.recharts`), legible from a phone to a desktop."""

from __future__ import annotations

from typing import Any

import reflex as rx

from agence.components.forms import fields_grid, form_field
from agence.services.statistics.requests import (
    BASIS_FIELD,
    FILTER_SPECS,
    GROUPING_FIELD,
    PERIOD_FIELDS,
)

CHART_COLORS = ("var(--accent-9)", "var(--gray-8)", "var(--green-9)")


def report_form(state) -> rx.Component:
    return rx.form(
        rx.vstack(
            fields_grid(state, PERIOD_FIELDS),
            rx.box(
                form_field(state, BASIS_FIELD),
                rx.cond(state.has_grouping, form_field(state, GROUPING_FIELD)),
                display="grid",
                grid_template_columns=[
                    "minmax(0, 1fr)",
                    "minmax(0, 1fr)",
                    "repeat(2, minmax(0, 1fr))",
                ],
                gap="1rem 1.5rem",
                width="100%",
            ),
            rx.el.details(
                rx.el.summary(rx.text("Filtres", size="2", weight="medium"), cursor="pointer"),
                rx.box(fields_grid(state, FILTER_SPECS), padding_top="0.75rem"),
                width="100%",
            ),
            rx.hstack(
                rx.button(rx.icon("refresh-cw", size=16), "Actualiser", type="submit"),
                rx.button(
                    "Réinitialiser",
                    type="button",
                    variant="soft",
                    color_scheme="gray",
                    on_click=state.reset_filters,
                ),
                spacing="2",
                wrap="wrap",
            ),
            spacing="3",
            width="100%",
        ),
        key=state.form_key,
        on_submit=state.apply,
        width="100%",
        id="report-form",
    )


def _header_cell(column) -> rx.Component:
    label = rx.text(column.label, size="1", weight="bold")
    return rx.table.column_header_cell(
        rx.cond(
            column.help != "",
            rx.tooltip(
                rx.hstack(label, rx.icon("info", size=12), spacing="1"), content=column.help
            ),
            label,
        ),
        text_align=rx.cond(column.numeric, "right", "left"),
        display=rx.cond(column.phone, "table-cell", ["none", "none", "table-cell"]),
        white_space="nowrap",
    )


def _cell(table, line, text, index) -> rx.Component:
    column = table.columns[index]
    content = rx.cond(
        (index == 0) & (line.url != ""),
        rx.link(text, href=line.url, title=rx.cond(line.approximate, "Liste élargie", "")),
        rx.text(text, size="2"),
    )
    return rx.table.cell(
        content,
        text_align=rx.cond(column.numeric, "right", "left"),
        display=rx.cond(column.phone, "table-cell", ["none", "none", "table-cell"]),
        white_space="nowrap",
    )


def _line(table, line) -> rx.Component:
    return rx.table.row(
        rx.foreach(line.cells, lambda text, index: _cell(table, line, text, index)),
        class_name="report-line",
    )


def _total(table) -> rx.Component:
    return rx.table.row(
        rx.foreach(
            table.total,
            lambda text, index: rx.table.cell(
                rx.text(text, weight="bold", size="2"),
                text_align=rx.cond(table.columns[index].numeric, "right", "left"),
                display=rx.cond(
                    table.columns[index].phone, "table-cell", ["none", "none", "table-cell"]
                ),
                white_space="nowrap",
            ),
        ),
        class_name="report-total",
    )


def report_chart(table) -> rx.Component:
    """Bars of up to three series along the table's category column (a missing series is
    drawn empty and left out of the legend). No animation: a report is read, not watched."""
    bars = [
        rx.recharts.bar(
            data_key=key,
            name=rx.cond(table.series.length() > position, table.series[position], ""),
            fill=color,
            legend_type=rx.cond(table.series.length() > position, "square", "none"),
            is_animation_active=False,
        )
        for position, (key, color) in enumerate(zip(("s1", "s2", "s3"), CHART_COLORS, strict=True))
    ]
    return rx.cond(
        table.chart != "",
        rx.box(
            rx.recharts.responsive_container(
                rx.recharts.bar_chart(
                    rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
                    rx.recharts.x_axis(
                        data_key="category", tick={"fontSize": 11}, interval="preserveStartEnd"
                    ),
                    rx.recharts.y_axis(tick={"fontSize": 11}, width=70),
                    rx.recharts.graphing_tooltip(),
                    rx.recharts.legend(),
                    *bars,
                    data=table.points.to(list[dict[str, Any]]),
                    margin={"top": 8, "right": 4, "left": 0, "bottom": 0},
                ),
                width="100%",
                height=260,
            ),
            width="100%",
            min_width="0",
            class_name="report-chart",
        ),
    )


def report_table(table) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(table.title, size="4", as_="h2"),
            rx.cond(table.note != "", rx.text(table.note, size="1", color=rx.color("gray", 10))),
            report_chart(table),
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(rx.foreach(table.columns, _header_cell)),
                    ),
                    rx.table.body(
                        rx.foreach(table.lines, lambda line: _line(table, line)),
                        rx.cond(table.has_total, _total(table)),
                    ),
                    size="1",
                    variant="surface",
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
            ),
            rx.cond(
                table.hidden_lines > 0,
                rx.text(
                    table.hidden_lines.to_string() + " ligne(s) de plus dans l'export Excel.",
                    size="1",
                    color=rx.color("gray", 10),
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="table-" + table.key,
    )
