"""The root of every page state: the session token, the signed-in user, and the right checks.

Identity never comes from an event's arguments: `_require` resolves the browser's session token
against the server-side session table at every event, so a deactivated user or a closed session
is refused at his next action. The token lives in an HttpOnly cookie (set by `/api/session`):
page scripts never see it; the server reads it from the websocket handshake's headers.
"""

from __future__ import annotations

import json
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from agence import routes
from agence.db import session_scope
from agence.services.admin import auth
from agence.services.common import identifiers
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import (
    Action,
    Actor,
    Module,
    NotSignedIn,
    PasswordChangeRequired,
)

FIX_ERRORS = "Le formulaire contient des erreurs : voir les champs signalés."


class AppState(rx.State):
    user_name: str = ""
    user_initials: str = ""
    profile_name: str = ""
    site_name: str = ""
    rights: list[str] = []

    def _session_token(self) -> str:
        """The session token of the HttpOnly cookie the websocket connection was opened with."""
        return auth.token_from_cookie_header(self.router.headers.cookie)

    def _client_ip(self) -> str:
        return self.router.session.client_ip or ""

    def _current_path(self) -> str:
        return self.router.url.path or ""

    def _record_id_param(self, name: str = routes.RECORD_PARAM) -> int | None:
        """The record id in the page's URL, or None when it cannot name a row."""
        return identifiers.record_id(self._page_param(name))

    def _page_param(self, name: str) -> str:
        """A dynamic segment ("[record_id]") or query parameter of the current page's URL."""
        value = self.rx_router_page.params.get(name, "")
        return value if isinstance(value, str) else ""

    def _actor(self, *, allow_password_change: bool = False) -> Actor:
        """The signed-in actor, checked against the database now."""
        with session_scope() as session:
            found = auth.session_actor(session, self._session_token())
        if isinstance(found, NotSignedIn):
            found.next_path = self._current_path()  # type: ignore[attr-defined]
            raise found
        actor = found
        if actor.must_change_password and not allow_password_change:
            raise PasswordChangeRequired()
        self._show_actor(actor)
        return actor

    def _require(self, module: Module, action: Action = Action.SEE) -> Actor:
        """The actor, if he holds the right; raises an AccessProblem otherwise."""
        actor = self._actor()
        actor.require(module, action)
        return actor

    def _require_signed_in(self, *, allow_password_change: bool = False) -> Actor:
        """For pages every signed-in user may use (home, own password)."""
        return self._actor(allow_password_change=allow_password_change)

    def _toast_problem(
        self, problem: Exception, fallback: str | None = FIX_ERRORS, **toast: Any
    ) -> EventSpec:
        """The one path from a service's refusal to the toast that says why.

        A form's `FormErrors` shows its general message (key ""), else `fallback`: the fields
        show their own messages next to them. An action with no fields to show them passes
        `fallback=None`, and the toast is its first message. Any other refusal (a record gone,
        a remote service's answer) is already a French sentence: the toast is its text.
        `toast` goes to `rx.toast.error` (e.g. a longer `duration`)."""
        if isinstance(problem, FormErrors):
            if fallback is None:
                message = next(iter(problem.errors.values()), "")
            else:
                message = problem.errors.get("", fallback)
        else:
            message = str(problem)
        return rx.toast.error(message, **toast)

    def _show_actor(self, actor: Actor) -> None:
        self.user_name = actor.display_name
        self.user_initials = (actor.first_name[:1] + actor.last_name[:1]).upper()
        self.profile_name = actor.profile_name
        self.site_name = actor.site_name
        self.rights = sorted(right.key for right in actor.rights)

    @rx.event
    def logout(self):
        """Closes the server-side session, then has the browser drop its cookie (an HTTP route:
        page scripts cannot touch an HttpOnly cookie) and reload the sign-in page."""
        with session_scope() as session:
            auth.sign_out(session, self._session_token(), ip_address=self._client_ip())
        self.reset()
        return rx.call_script(
            f"fetch({json.dumps(routes.SESSION_END_API)}, {{method: 'POST', "
            "credentials: 'same-origin'}).finally(() => window.location.replace("
            f"{json.dumps(routes.login_url(reason='deconnexion'))}))"
        )
