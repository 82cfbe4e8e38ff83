"""Sign-in, sign-out, the shell's user data, and how access problems become redirects."""

from __future__ import annotations

import re

from agence import routes
from agence.db import session_scope
from agence.services.admin import auth
from agence.services.common.permissions import (
    AccessDenied,
    Action,
    Module,
    NotSignedIn,
    PasswordChangeRequired,
    Right,
)
from agence.state.admin.auth import LoginState, PasswordState
from agence.state.common.base import AppState
from agence.state.statistics.home import HomeState
from tests.factories import PASSWORD, make_user, reference_data


def _redirects_to(events, path: str) -> bool:
    events = events if isinstance(events, list) else [events]
    return any("_redirect" in str(event) and path in str(event) for event in events)


def _handover(events) -> tuple[str, str]:
    """The one-time ticket the page posts to /api/session, and the page it then loads."""
    script = str(events)
    assert routes.SESSION_API in script, script
    ticket = re.search(r"body: \\?\"([A-Za-z0-9_-]+)\\?\"", script)
    target = re.search(r"answer\.ok \? \\?\"([^\"\\]+)\\?\"", script)
    assert ticket and target, script
    return ticket.group(1), target.group(1)


def test_signing_in_hands_a_one_time_ticket_for_the_httponly_cookie(browser, session):
    user = make_user(session, email="claire@example.fr")
    browser.visit(routes.LOGIN, suivant="/parametres/sites")
    events = browser.run(
        LoginState, "sign_in", {"email": "Claire@Example.fr", "password": PASSWORD}
    )
    ticket, target = _handover(events)
    assert target == "/parametres/sites"
    with session_scope() as s:
        token = auth.hand_over(s, ticket)
    assert token and token != ticket
    with session_scope() as s:
        assert auth.resolve_actor(s, token).user_id == user.id
    # The state keeps no token: the next connection reads the cookie from its handshake.
    assert "token" not in str(browser.state(AppState).dict()).lower()


def test_a_foreign_next_address_is_never_followed(browser, session):
    user = make_user(session)
    browser.visit(routes.LOGIN, suivant="//evil.example/")
    events = browser.run(LoginState, "sign_in", {"email": user.email, "password": PASSWORD})
    assert "evil" not in str(events)
    assert _handover(events)[1] == routes.HOME


def test_wrong_credentials_show_one_generic_message(browser, session):
    user = make_user(session)
    browser.run(LoginState, "sign_in", {"email": user.email, "password": "faux"})
    assert browser.state(LoginState).error == auth.BAD_CREDENTIALS
    browser.run(LoginState, "sign_in", {"email": "personne@example.fr", "password": "faux"})
    assert browser.state(LoginState).error == auth.BAD_CREDENTIALS


def test_the_fifth_failure_locks_the_account_and_says_so(browser, session):
    user = make_user(session)
    for _ in range(4):
        browser.run(LoginState, "sign_in", {"email": user.email, "password": "faux"})
    browser.run(LoginState, "sign_in", {"email": user.email, "password": "faux"})
    assert "verrouillé pendant 15 minutes" in browser.state(LoginState).error
    events = browser.run(LoginState, "sign_in", {"email": user.email, "password": PASSWORD})
    assert "verrouillé" in browser.state(LoginState).error
    assert routes.SESSION_API not in str(events)


def test_a_temporary_password_leads_to_the_password_page(browser, session):
    user = make_user(session, must_change_password=True)
    events = browser.run(LoginState, "sign_in", {"email": user.email, "password": PASSWORD})
    ticket, target = _handover(events)
    assert target == routes.CHANGE_PASSWORD
    with session_scope() as s:
        browser.set_cookie(auth.hand_over(s, ticket) or "")
    browser.run(PasswordState, "open_password")
    assert browser.state(PasswordState).forced is True
    browser.run(
        PasswordState,
        "change_password",
        {"current_password": PASSWORD, "new_password": "court", "confirmation": "court"},
    )
    assert "10 caractères" in browser.state(PasswordState).errors["new_password"]
    events = browser.run(
        PasswordState,
        "change_password",
        {
            "current_password": PASSWORD,
            "new_password": "Nouveau2026x",
            "confirmation": "Nouveau2026x",
        },
    )
    assert _redirects_to(events, routes.HOME)
    browser.run(HomeState, "open_home")  # no longer refused


def test_logging_out_closes_the_session_on_the_server(browser, session):
    user = make_user(session)
    token = browser.sign_in(user)
    events = browser.run(AppState, "logout")
    assert routes.SESSION_END_API in str(events) and routes.LOGIN in str(events)
    with session_scope() as s:
        try:
            auth.resolve_actor(s, token)
            raise AssertionError("the session should be closed")
        except NotSignedIn:
            pass


def test_the_shell_shows_the_user_and_only_the_modules_he_may_see(browser, session):
    reference_data()
    user = make_user(
        session, {Right(Module.PARAMETERS, Action.SEE)}, first_name="Lucie", last_name="Bernard"
    )
    browser.sign_in(user)
    browser.run(HomeState, "open_home")
    app = browser.state(AppState)
    assert app.user_name == "Lucie Bernard"
    assert app.user_initials == "LB"
    assert "parametres:voir" in app.rights and "administration:voir" not in app.rights
    labels = {item.label for item in browser.state(HomeState).shortcuts}
    assert "Sites de l'agence" in labels and "Utilisateurs" not in labels


def test_access_problems_become_redirects():
    from agence.agence import handle_backend_exception

    not_signed_in = NotSignedIn(auth.SESSION_ENDED)
    not_signed_in.next_path = "/parametres/sites"
    events = handle_backend_exception(not_signed_in)
    assert _redirects_to(events, routes.LOGIN) and "suivant" in str(events)
    assert _redirects_to(handle_backend_exception(PasswordChangeRequired()), routes.CHANGE_PASSWORD)
    denied = AccessDenied(Right(Module.THIRD_PARTIES, Action.SEE))
    assert _redirects_to(handle_backend_exception(denied), routes.ACCESS_DENIED)
    assert "toast" in str(handle_backend_exception(RuntimeError("boom"))).lower()
