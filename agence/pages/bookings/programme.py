"""The dossier's « Programme » tab: its days and slots, each with its guides."""

from __future__ import annotations

import reflex as rx

from agence.components.children import child_dialog
from agence.pages.bookings.guides import guide_dialog
from agence.services.bookings.programme import BOOKING_PROGRAMME, ProgrammeSlot
from agence.state.bookings.guides import GuideAssignmentState
from agence.state.bookings.programme import BookingProgrammeState


def _programme_item(item: ProgrammeSlot) -> rx.Component:
    state = BookingProgrammeState
    return rx.flex(
        rx.text(item.time, size="2", weight="medium", min_width="7rem"),
        rx.vstack(
            rx.hstack(
                rx.text(item.title, size="2", weight="medium"),
                rx.cond(item.transfer, rx.badge("Transfert", variant="soft")),
                spacing="2",
                align="center",
            ),
            rx.cond(
                item.place != "",
                rx.hstack(
                    rx.icon("map-pin", size=14),
                    rx.text(item.place, size="1"),
                    rx.cond(
                        item.map != "",
                        rx.link("Carte", href=item.map, is_external=True, size="1"),
                    ),
                    spacing="1",
                    align="center",
                ),
            ),
            rx.cond(item.notes != "", rx.text(item.notes, size="1", color=rx.color("gray", 11))),
            rx.hstack(
                rx.foreach(
                    item.guides,
                    lambda guide: rx.badge(
                        rx.icon("flag", size=12),
                        guide.name,
                        rx.cond(guide.forced, " (forcé)", ""),
                        rx.cond(
                            state.can_change,
                            rx.icon(
                                "x",
                                size=12,
                                cursor="pointer",
                                on_click=GuideAssignmentState.remove(guide.id),
                            ),
                        ),
                        color_scheme=rx.cond(guide.forced, "orange", "blue"),
                        variant="soft",
                    ),
                ),
                spacing="1",
                wrap="wrap",
            ),
            spacing="1",
            flex="1",
            min_width="12rem",
        ),
        rx.hstack(
            rx.icon_button(
                rx.icon("pencil", size=14),
                size="1",
                variant="ghost",
                on_click=state.open_existing(item.id),
                aria_label="Modifier l'étape",
            ),
            rx.cond(
                state.can_change,
                rx.button(
                    rx.icon("flag", size=12),
                    "Guide",
                    size="1",
                    variant="soft",
                    on_click=GuideAssignmentState.open_for(item.id, item.title),
                    id="guide-open-" + item.id,
                ),
            ),
            rx.cond(
                state.can_change,
                rx.hstack(
                    rx.icon_button(
                        rx.icon("arrow-up", size=14),
                        size="1",
                        variant="ghost",
                        on_click=state.move(item.id, -1),
                        aria_label="Monter",
                    ),
                    rx.icon_button(
                        rx.icon("arrow-down", size=14),
                        size="1",
                        variant="ghost",
                        on_click=state.move(item.id, 1),
                        aria_label="Descendre",
                    ),
                    spacing="1",
                ),
            ),
            spacing="1",
        ),
        spacing="3",
        align="start",
        wrap="wrap",
        width="100%",
        padding_y="0.5rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def programme_tab() -> rx.Component:
    state = BookingProgrammeState
    return rx.vstack(
        rx.hstack(
            rx.cond(
                state.can_change,
                rx.button(
                    rx.icon("plus", size=16),
                    "Ajouter une étape",
                    on_click=state.open_new,
                    id="programme-add",
                ),
            ),
            width="100%",
        ),
        rx.cond(
            state.days.length() == 0,
            rx.text("Aucune étape pour l'instant.", size="2", color=rx.color("gray", 11)),
        ),
        rx.foreach(
            state.days,
            lambda day: rx.card(
                rx.vstack(
                    rx.heading(day.weekday + " " + day.day, size="3"),
                    rx.foreach(day.slots, _programme_item),
                    spacing="1",
                    width="100%",
                ),
                width="100%",
            ),
        ),
        child_dialog(state, BOOKING_PROGRAMME.fields, "étape", "programme"),
        guide_dialog(),
        spacing="3",
        width="100%",
        id="programme",
    )
