"""The costing screen: the group and the terms, the lines (from the catalogue or typed freely),
the result for the group and the price grid — all updated as the user types.

Each part is a component of its own module, taking the costing state it shows; this module
only lays them out, for a quick costing (catalogue) or a dossier's."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.forms import record_page
from agence.components.layout import app_page, page_title
from agence.pages.catalogue.costing.actions import actions, dossier_actions
from agence.pages.catalogue.costing.header import dossier_header_card, header_card
from agence.pages.catalogue.costing.lines import lines_card
from agence.pages.catalogue.costing.results import grid_card, results_card
from agence.pages.catalogue.costing.search import search_card
from agence.state.catalogue.costing import CostingState


def costing_screen(S, *, dossier: bool = False) -> rx.Component:
    """The screen for a costing state `S`: a quick costing (catalogue) or a dossier's, whose
    title, client and date are the dossier's."""
    bar = dossier_actions if dossier else actions
    return record_page(
        S,
        page_title(S.title),
        bar(S),
        rx.cond(
            S.read_only_reason != "",
            rx.callout(
                S.read_only_reason, icon="lock", color_scheme="gray", id="costing-read-only"
            ),
        ),
        dossier_header_card(S) if dossier else header_card(S),
        rx.cond(S.can_edit, search_card(S)),
        lines_card(S),
        results_card(S),
        grid_card(S),
        bar(S, "-bottom"),
    )


@app_page(routes.record_route(routes.CATALOGUE_COSTINGS), "Cotation", CostingState.load)
def costing_page() -> rx.Component:
    return costing_screen(CostingState)
