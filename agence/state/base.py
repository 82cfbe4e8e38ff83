"""The root of every page state: the session token, the signed-in user, and the right checks.

Identity never comes from an event's arguments: `_require` resolves the browser's session token
against the server-side session table at every event, so a deactivated user or a closed session
is refused at his next action.
"""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.db import session_scope
from agence.services import auth
from agence.services.permissions import (
    Action,
    Actor,
    Module,
    NotSignedIn,
    PasswordChangeRequired,
)
from agence.settings import SESSION_COOKIE, get_settings


class AppState(rx.State):
    session_token: str = rx.Cookie(
        "",
        name=SESSION_COOKIE,
        same_site="strict",
        max_age=get_settings().session_max_hours * 3600,
        secure=get_settings().https or None,
    )
    user_name: str = ""
    user_initials: str = ""
    profile_name: str = ""
    site_name: str = ""
    rights: list[str] = []

    def _client_ip(self) -> str:
        return self.router.session.client_ip or ""

    def _current_path(self) -> str:
        return self.router.url.path or ""

    def _page_param(self, name: str) -> str:
        """A dynamic segment ("[record_id]") or query parameter of the current page's URL."""
        value = self.rx_router_page.params.get(name, "")
        return value if isinstance(value, str) else ""

    def _actor(self, *, allow_password_change: bool = False) -> Actor:
        """The signed-in actor, checked against the database now."""
        with session_scope() as session:
            found = auth.session_actor(session, self.session_token)
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

    def _show_actor(self, actor: Actor) -> None:
        self.user_name = actor.display_name
        self.user_initials = (actor.first_name[:1] + actor.last_name[:1]).upper()
        self.profile_name = actor.profile_name
        self.site_name = actor.site_name
        self.rights = sorted(right.key for right in actor.rights)

    @rx.event
    def logout(self):
        """Closes the server-side session, then forgets the token in the browser."""
        with session_scope() as session:
            auth.sign_out(session, self.session_token, ip_address=self._client_ip())
        self.session_token = ""
        self.reset()
        return [rx.remove_cookie(SESSION_COOKIE), rx.redirect(routes.LOGIN)]
