"""Sign-in, sign-out and the user's own password."""

from __future__ import annotations

import json

import reflex as rx

from agence import routes
from agence.db import session_scope
from agence.services.admin import auth
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import NotSignedIn
from agence.state.common.base import AppState


def _safe_next(path: str) -> str:
    """Only a path of this site (never another origin) is followed after sign-in."""
    if path.startswith("/") and not path.startswith("//") and not path.startswith(routes.LOGIN):
        return path
    return routes.HOME


def handover_script(ticket: str, target: str) -> str:
    """The browser posts its one-time ticket for the HttpOnly cookie, then loads the target page
    afresh: the new websocket connection carries the cookie."""
    return (
        f"fetch({json.dumps(routes.SESSION_API)}, {{method: 'POST', credentials: 'same-origin', "
        f"headers: {{'Content-Type': 'text/plain'}}, body: {json.dumps(ticket)}}})"
        f".then((answer) => window.location.replace(answer.ok ? {json.dumps(target)} : "
        f"{json.dumps(routes.login_url(reason='session'))}))"
    )


class LoginState(AppState):
    error: str = ""
    notice: str = ""
    signing_in: bool = False

    @rx.event
    def open_login(self):
        """Public page: a visitor already signed in goes straight on."""
        self.error = ""
        reason = self._page_param("motif")
        self.notice = {
            "session": auth.SESSION_ENDED,
            "deconnexion": "Vous êtes déconnecté.",
        }.get(reason, "")
        token = self._session_token()
        if not token:
            return
        try:
            with session_scope() as session:
                auth.resolve_actor(session, token)
        except NotSignedIn:
            return
        return rx.redirect(_safe_next(self._page_param("suivant")))

    @rx.event
    def sign_in(self, form_data: dict):
        """Public: checks the credentials (with lock-out), then opens a server-side session."""
        email = str(form_data.get("email", ""))
        password = str(form_data.get("password", ""))
        with session_scope() as session:
            result = auth.sign_in(
                session,
                email,
                password,
                ip_address=self._client_ip(),
                user_agent=self.router.headers.user_agent or "",
            )
        if not result.ok:
            self.error = result.message
            return
        self.error = ""
        self.notice = ""
        target = (
            routes.CHANGE_PASSWORD
            if result.must_change_password
            else _safe_next(self._page_param("suivant"))
        )
        return rx.call_script(handover_script(result.ticket, target))


class PasswordState(AppState):
    errors: dict[str, str] = {}
    forced: bool = False
    form_key: int = 0

    @rx.event
    def open_password(self):
        actor = self._require_signed_in(allow_password_change=True)
        self.forced = actor.must_change_password
        self.errors = {}
        self.form_key += 1

    @rx.event
    def change_password(self, form_data: dict):
        actor = self._require_signed_in(allow_password_change=True)
        try:
            with session_scope() as session:
                auth.change_own_password(
                    session,
                    actor,
                    str(form_data.get("current_password", "")),
                    str(form_data.get("new_password", "")),
                    str(form_data.get("confirmation", "")),
                )
        except FormErrors as problem:
            self.errors = problem.errors
            return
        self.errors = {}
        self.forced = False
        return [rx.toast.success("Mot de passe changé."), rx.redirect(routes.HOME)]
