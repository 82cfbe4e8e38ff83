"""« Le groupe et les conditions »: who travels and on what terms. A quick costing also names
itself, its client and its date; a dossier's costing takes those from the dossier."""

from __future__ import annotations

import reflex as rx

from agence.pages.catalogue.costing.fields import (
    date_input,
    error,
    grid_of,
    header_input,
    header_select,
)
from agence.services.catalogue.costings import ROUNDINGS


def _terms(S) -> list[rx.Component]:
    """The group and the terms, the same on both screens."""
    return [
        header_input(S, "paying", "Payants *", mode="numeric"),
        header_input(S, "free", "Gratuits", mode="numeric"),
        header_input(S, "staff", "Accompagnateurs / chauffeur", mode="numeric"),
        header_input(S, "client_free", "Gratuités client : k", mode="numeric"),
        header_input(S, "client_free_per", "… pour N payants", mode="numeric"),
        header_input(S, "markup_percent", "Majoration globale (%)"),
        header_input(S, "fee_per_group", "Frais par groupe (€)"),
        header_input(S, "fee_per_person", "Frais par personne (€)"),
        header_select(S, "rounding", "Arrondi du prix par payant", ROUNDINGS),
        header_input(S, "grid", "Grille : payants", mode="text"),
    ]


def header_card(S) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Le groupe et les conditions", size="3"),
            grid_of(
                rx.box(header_input(S, "name", "Intitulé *", mode="text"), grid_column="1 / -1"),
                header_select(S, "client_id", "Client", S.client_options, empty="— sans client —"),
                date_input(S, "service_date", "Date de la prestation"),
                *_terms(S),
            ),
            error(S.header_errors.get("", "")),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def dossier_header_card(S) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Le groupe et les conditions", size="3"),
                rx.text(S.version_label, size="2", color=rx.color("gray", 11)),
                align="baseline",
                wrap="wrap",
            ),
            grid_of(*_terms(S)),
            error(S.header_errors.get("", "")),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )
