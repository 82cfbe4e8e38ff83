"""The Reflex application: pages, API routes, and how access problems are answered."""

from __future__ import annotations

import logging

import reflex as rx
from reflex_base.event import EventSpec

from agence import pages, routes
from agence.api.routes import api_app
from agence.api.upload_guard import guard_uploads
from agence.components.layout import PAGES
from agence.pages.common.access import page_not_found
from agence.services.common.permissions import AccessDenied, NotSignedIn, PasswordChangeRequired
from agence.services.documents import correspondence

logger = logging.getLogger("agence")

assert pages  # importing the pages fills the PAGES registry


def handle_backend_exception(exception: Exception) -> list[EventSpec]:
    """Access problems raised by `_require` become redirects; anything else is logged."""
    if isinstance(exception, NotSignedIn):
        next_path = getattr(exception, "next_path", "")
        reason = "session" if exception.reason else ""
        # The HttpOnly cookie cannot be removed by the page; the server refuses it anyway.
        return [rx.redirect(routes.login_url(next_path, reason))]
    if isinstance(exception, PasswordChangeRequired):
        return [rx.redirect(routes.CHANGE_PASSWORD)]
    if isinstance(exception, AccessDenied):
        logger.warning("Accès refusé : %s", exception)
        return [rx.redirect(routes.ACCESS_DENIED)]
    logger.exception("Erreur inattendue", exc_info=exception)
    return [
        rx.toast.error(
            "Une erreur inattendue s'est produite. Réessayez ; si elle persiste, prévenez "
            "votre administrateur.",
            duration=8000,
        )
    ]


app = rx.App(
    html_lang="fr",
    stylesheets=["/agence.css"],
    api_transformer=[api_app(), guard_uploads],
    backend_exception_handler=handle_backend_exception,
)
for definition in PAGES:
    app.add_page(
        definition.render,
        route=definition.route,
        title=definition.title,
        on_load=definition.on_load,
    )
app.add_page(page_not_found, route="404", title="Page introuvable · Agence")
# Until a task runner owns the mail queue: e-mails interrupted by the last stop are resumed once.
app.register_lifespan_task(correspondence.resume_at_start_up)
