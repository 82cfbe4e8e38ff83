"""The access-denied page and the page of unknown URLs."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.layout import app_page, not_found_block
from agence.state.common.access import DeniedState


@app_page(routes.ACCESS_DENIED, "Accès refusé", DeniedState.open_denied)
def access_denied() -> rx.Component:
    return rx.callout(
        rx.vstack(
            rx.text("Accès refusé", weight="bold", size="4"),
            rx.text(
                "Votre profil ne donne pas accès à cette page ou à cette action. "
                "Demandez le droit nécessaire à votre administrateur."
            ),
            rx.link("Retour à l'accueil", href=routes.HOME),
            spacing="2",
        ),
        icon="shield-x",
        color_scheme="red",
        id="access-denied",
    )


def page_not_found() -> rx.Component:
    return rx.center(
        rx.box(not_found_block("Cette page n'existe pas."), max_width="30rem"),
        min_height="60vh",
        padding="1rem",
    )
