"""The home page: the figures of the user's desks, then his shortcuts."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.figures import figure_grid, link_card, two_series_bar_chart
from agence.components.layout import app_page, page_title
from agence.state.common.base import AppState
from agence.state.statistics.home import DESKS, HomeState


def _shortcut(item) -> rx.Component:
    return link_card(
        rx.text(item.section, size="1", color=rx.color("gray", 10)),
        rx.text(item.label, size="2", weight="bold"),
        rx.text(item.description, size="1", color=rx.color("gray", 11)),
        href=item.route,
        size="1",
    )


def _desk(desk: str, tiles, *extra: rx.Component) -> rx.Component:
    return rx.cond(
        HomeState.desks.contains(desk),
        rx.vstack(
            rx.heading(DESKS[desk], size="4", as_="h2"),
            figure_grid(tiles, f"desk-{desk}"),
            *extra,
            spacing="3",
            width="100%",
        ),
    )


def _months_chart() -> rx.Component:
    return rx.cond(
        HomeState.months.length() > 0,
        rx.card(
            rx.vstack(
                rx.text(HomeState.months_title, size="2", weight="medium"),
                two_series_bar_chart(
                    HomeState.months,
                    "month",
                    ("current", "CA HT"),
                    ("previous", "CA HT N-1"),
                    "direction-months",
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
    )


@app_page(routes.HOME, "Accueil", HomeState.open_home)
def home() -> rx.Component:
    return rx.vstack(
        page_title("Bonjour " + AppState.user_name, subtitle="Votre espace de travail"),
        rx.hstack(
            rx.badge(AppState.profile_name, size="2"),
            rx.cond(
                AppState.site_name != "",
                rx.badge(AppState.site_name, size="2", color_scheme="gray"),
            ),
            rx.cond(
                HomeState.updated_at != "",
                rx.text(
                    "Chiffres mis à jour en continu · " + HomeState.updated_at,
                    size="1",
                    color=rx.color("gray", 10),
                    id="figures-updated",
                ),
            ),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        _desk("direction", HomeState.direction, _months_chart()),
        _desk("commercial", HomeState.sales),
        _desk("reservation", HomeState.bookings),
        _desk("comptabilite", HomeState.accounting),
        rx.heading("Raccourcis", size="3", as_="h2", color=rx.color("gray", 11)),
        rx.grid(
            rx.foreach(HomeState.shortcuts, _shortcut),
            columns=rx.breakpoints(initial="2", sm="3", lg="4"),
            spacing="2",
            width="100%",
            id="shortcuts",
        ),
        spacing="5",
        width="100%",
    )
