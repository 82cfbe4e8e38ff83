"""« Suivi des dossiers »: the six lists of what needs doing now."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.layout import app_page, page_title
from agence.services.bookings.board import HORIZONS, SECTIONS, BoardRow, Section
from agence.state.bookings.board import FollowUpBoardState


def _board_row(row: BoardRow) -> rx.Component:
    return rx.link(
        rx.flex(
            rx.text(row.reference, weight="bold", size="2", min_width="8.5rem"),
            rx.text(row.title, size="2", flex="1", min_width="10rem"),
            rx.text(row.client, size="2", color=rx.color("gray", 11)),
            rx.text(
                row.detail,
                size="2",
                color=rx.cond(row.urgent, rx.color("red", 11), rx.color("gray", 12)),
                weight=rx.cond(row.urgent, "bold", "regular"),
            ),
            spacing="3",
            wrap="wrap",
            align="center",
            width="100%",
            padding_y="0.45rem",
            border_bottom=f"1px solid {rx.color('gray', 4)}",
        ),
        href=routes.BOOKINGS + "/" + row.id,
        underline="none",
        color="inherit",
        width="100%",
    )


def _board_section(section: Section) -> rx.Component:
    rows = FollowUpBoardState.sections.get(section.key, [])
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(section.title, size="3"),
                rx.badge(rows.length(), variant="soft", id=f"board-count-{section.key}"),
                align="center",
            ),
            rx.cond(
                rows.length() == 0,
                rx.text(section.empty, size="2", color=rx.color("gray", 11)),
                rx.vstack(rx.foreach(rows, _board_row), spacing="0", width="100%"),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id=f"board-{section.key}",
    )


@app_page(routes.BOARD, "Suivi des dossiers", FollowUpBoardState.load_board)
def follow_up_board() -> rx.Component:
    state = FollowUpBoardState
    return rx.vstack(
        page_title(
            "Suivi des dossiers",
            rx.el.select(
                *[rx.el.option(f"Échéances à {days} jours", value=str(days)) for days in HORIZONS],
                value=state.horizon,
                on_change=state.horizon_changed,
                class_name="agence-select",
                aria_label="Horizon",
                id="board-horizon",
            ),
            subtitle="Mis à jour en continu · " + state.updated_at,
        ),
        rx.grid(
            *[_board_section(section) for section in SECTIONS],
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
        ),
        width="100%",
    )
