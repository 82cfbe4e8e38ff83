"""Save, back, delete: above the costing and again below it (`suffix` keeps each id once on the
page)."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.forms import confirm_button


def _save_button(S, suffix: str) -> rx.Component:
    return rx.cond(
        S.can_edit,
        rx.button(
            rx.icon("save", size=16),
            "Enregistrer",
            on_click=S.save,
            id="costing-save" + suffix,
        ),
    )


def _unsaved(S) -> rx.Component:
    return rx.cond(S.dirty, rx.badge("Modifications non enregistrées", color_scheme="orange"))


def actions(S, suffix: str = "") -> rx.Component:
    """A quick costing's: back to the costings, to the catalogue dossier it models, delete."""
    return rx.flex(
        _save_button(S, suffix),
        rx.link(
            rx.button("Retour aux cotations", variant="soft", color_scheme="gray"),
            href=routes.CATALOGUE_COSTINGS,
        ),
        rx.cond(
            S.template_of != "",
            rx.link(
                rx.button("Dossier catalogue : " + S.template_of, variant="soft"),
                href=S.template_url,
            ),
        ),
        _unsaved(S),
        rx.spacer(),
        rx.cond(
            S.can_delete,
            confirm_button(
                "Supprimer",
                "Supprimer cette cotation ?",
                S.delete,
                button_id="costing-delete" + suffix,
            ),
        ),
        spacing="3",
        wrap="wrap",
        align="center",
        width="100%",
    )


def dossier_actions(S, suffix: str = "") -> rx.Component:
    """A dossier's costing: back to the dossier (it is never deleted from here)."""
    return rx.flex(
        _save_button(S, suffix),
        rx.link(
            rx.button("Retour au dossier", variant="soft", color_scheme="gray"),
            href=S.booking_url,
        ),
        _unsaved(S),
        spacing="3",
        wrap="wrap",
        align="center",
        width="100%",
    )
