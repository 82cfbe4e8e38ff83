"""The planning (made for a tablet): a product's places per day and slot, or a guide's days."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.layout import app_page, page_title
from agence.services.bookings.planning import CapacityCell
from agence.services.bookings.vocabulary import (
    FILL_COLORS,
    PLANNING_MODE_LABELS,
    PLANNING_VIEW_LABELS,
    Fill,
    PlanningMode,
)
from agence.state.bookings.planning import PlanningState


def _capacity_cell(cell: CapacityCell) -> rx.Component:
    return rx.table.cell(
        rx.cond(
            cell.state == Fill.NONE,
            rx.text("—", color=rx.color("gray", 8)),
            rx.vstack(
                rx.badge(
                    cell.left + " / " + cell.capacity,
                    color_scheme=rx.match(cell.state, *FILL_COLORS.items(), "gray"),
                    size="2",
                ),
                rx.text(cell.holders, size="1", color=rx.color("gray", 11)),
                spacing="1",
            ),
        ),
    )


def _product_planning() -> rx.Component:
    state = PlanningState
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Jour"),
                    rx.foreach(state.slots, lambda slot: rx.table.column_header_cell(slot)),
                )
            ),
            rx.table.body(
                rx.foreach(
                    state.days,
                    lambda day: rx.table.row(
                        rx.table.cell(rx.text(day.weekday + " " + day.day, size="2")),
                        rx.foreach(day.cells, _capacity_cell),
                    ),
                )
            ),
            size="1",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
        id="planning-product",
    )


def _guide_planning() -> rx.Component:
    state = PlanningState
    return rx.vstack(
        rx.foreach(
            state.guide_days,
            lambda day: rx.flex(
                rx.text(day.weekday + " " + day.day, size="2", weight="medium", min_width="7rem"),
                rx.cond(
                    day.off != "",
                    rx.badge(day.off, color_scheme="gray"),
                    rx.text(
                        rx.cond(day.assignments != "", day.assignments, "Libre"),
                        size="2",
                        color=rx.cond(
                            day.assignments != "", rx.color("gray", 12), rx.color("green", 11)
                        ),
                    ),
                ),
                spacing="3",
                wrap="wrap",
                width="100%",
                padding_y="0.4rem",
                border_bottom=f"1px solid {rx.color('gray', 4)}",
            ),
        ),
        spacing="0",
        width="100%",
        id="planning-guide",
    )


@app_page(routes.PLANNING, "Planning", PlanningState.load_planning)
def planning_page() -> rx.Component:
    state = PlanningState
    select = lambda name, options, value, label: rx.el.select(  # noqa: E731
        *options,
        value=value,
        on_change=lambda v: state.set_choice(name, v),
        class_name="agence-select agence-select-large",
        aria_label=label,
        id=f"planning-{name}",
    )
    return rx.vstack(
        page_title("Planning", subtitle=state.period_label),
        rx.flex(
            select(
                "mode",
                [rx.el.option(label, value=code) for code, label in PLANNING_MODE_LABELS.items()],
                state.mode,
                "Vue",
            ),
            rx.cond(
                state.mode == PlanningMode.PRODUCT,
                select(
                    "product_id",
                    [rx.foreach(state.product_options, lambda o: rx.el.option(o[1], value=o[0]))],
                    state.product_id,
                    "Prestation",
                ),
                select(
                    "guide_id",
                    [rx.foreach(state.guide_options, lambda o: rx.el.option(o[1], value=o[0]))],
                    state.guide_id,
                    "Guide",
                ),
            ),
            select(
                "view",
                [rx.el.option(label, value=code) for code, label in PLANNING_VIEW_LABELS.items()],
                state.view,
                "Période",
            ),
            rx.hstack(
                rx.icon_button(
                    rx.icon("chevron-left"),
                    size="3",
                    variant="soft",
                    on_click=state.shift(-1),
                    aria_label="Période précédente",
                ),
                rx.input(
                    type="date",
                    value=state.start,
                    on_change=lambda v: state.set_choice("start", v),
                    size="3",
                    aria_label="Date",
                ),
                rx.icon_button(
                    rx.icon("chevron-right"),
                    size="3",
                    variant="soft",
                    on_click=state.shift(1),
                    aria_label="Période suivante",
                ),
                spacing="2",
            ),
            spacing="3",
            wrap="wrap",
            align="center",
            width="100%",
        ),
        rx.cond(
            (state.mode == PlanningMode.PRODUCT) & (state.product_options.length() == 0),
            rx.text(
                "Aucune prestation n'a de disponibilités : ajoutez-en dans l'onglet "
                "« Disponibilités » d'une prestation.",
                size="2",
            ),
        ),
        rx.cond(state.mode == PlanningMode.PRODUCT, _product_planning(), _guide_planning()),
        spacing="4",
        width="100%",
    )
