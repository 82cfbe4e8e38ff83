"""The HTTP side of the session: the HttpOnly cookie and the guard of Reflex's upload endpoint."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from agence import routes
from agence.api.routes import api_app
from agence.api.upload_guard import guard_uploads
from agence.db import session_scope
from agence.services.admin import auth
from agence.services.common.permissions import NotSignedIn
from agence.settings import SESSION_COOKIE
from tests.factories import PASSWORD, make_user, sign_in

ORIGIN = {"origin": "http://testserver"}


def _ticket(email: str) -> str:
    with session_scope() as s:
        result = auth.sign_in(s, email, PASSWORD)
    assert result.ok
    return result.ticket


@pytest.fixture
def client(db) -> TestClient:
    return TestClient(api_app())


def test_the_ticket_becomes_an_httponly_strict_cookie(client, session):
    user = make_user(session)

    answer = client.post(routes.SESSION_API, content=_ticket(user.email), headers=ORIGIN)

    assert answer.status_code == 204
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    token = answer.cookies[SESSION_COOKIE]
    with session_scope() as s:
        assert auth.resolve_actor(s, token).user_id == user.id


def test_the_cookie_is_secure_behind_https(client, session, monkeypatch):
    from agence import settings

    user = make_user(session)
    monkeypatch.setenv("AGENCE_HTTPS", "1")
    settings.get_settings.cache_clear()
    try:
        answer = client.post(routes.SESSION_API, content=_ticket(user.email), headers=ORIGIN)
    finally:
        monkeypatch.delenv("AGENCE_HTTPS")
        settings.get_settings.cache_clear()
    assert "Secure" in answer.headers["set-cookie"]


def test_a_used_or_forged_ticket_sets_no_cookie(client, session):
    user = make_user(session)
    ticket = _ticket(user.email)
    assert client.post(routes.SESSION_API, content=ticket, headers=ORIGIN).status_code == 204

    again = client.post(routes.SESSION_API, content=ticket, headers=ORIGIN)
    forged = client.post(routes.SESSION_API, content="x" * 5000, headers=ORIGIN)

    assert again.status_code == 401 and "set-cookie" not in again.headers
    assert forged.status_code == 413 and "set-cookie" not in forged.headers


def test_a_ticket_posted_from_another_site_is_refused(client, session):
    user = make_user(session)
    answer = client.post(
        routes.SESSION_API, content=_ticket(user.email), headers={"origin": "https://evil.example"}
    )
    assert answer.status_code == 403 and "set-cookie" not in answer.headers


def test_behind_a_proxy_an_allowed_origin_is_accepted_whatever_the_host(
    client, session, monkeypatch
):
    monkeypatch.setenv("AGENCE_ALLOWED_ORIGINS", "https://agence.example.fr")
    user = make_user(session)
    answer = client.post(
        routes.SESSION_API,
        content=_ticket(user.email),
        headers={"origin": "https://agence.example.fr", "host": "127.0.0.1:3000"},
    )
    assert answer.status_code == 204


def test_signing_out_closes_the_session_and_clears_the_cookie(client, session):
    user = make_user(session)
    token = sign_in(user)
    client.cookies.set(SESSION_COOKIE, token)

    answer = client.post(routes.SESSION_END_API, headers=ORIGIN)

    assert answer.status_code == 204
    assert f'{SESSION_COOKIE}=""' in answer.headers["set-cookie"]
    assert "Max-Age=0" in answer.headers["set-cookie"]
    with session_scope() as s, pytest.raises(NotSignedIn):
        auth.resolve_actor(s, token)


# --- Uploads ----------------------------------------------------------------------------------


class _Backend:
    """Stands for Reflex's backend: records whether the upload reached it, and its size."""

    def __init__(self) -> None:
        self.received: list[int] = []

    async def upload(self, request):
        body = await request.body()
        self.received.append(len(body))
        return PlainTextResponse("ok")


@pytest.fixture
def upload(db):
    backend = _Backend()
    app = Starlette(routes=[Route("/_upload", backend.upload, methods=["POST"])])
    return TestClient(guard_uploads(app)), backend


def test_an_upload_without_a_session_is_refused_before_its_body_is_read(upload):
    client, backend = upload

    answer = client.post("/_upload", content=b"x" * 1000, headers={"Reflex-Client-Token": "t"})

    assert answer.status_code == 401
    assert backend.received == []


def test_an_upload_with_a_closed_session_is_refused(upload, session):
    client, backend = upload
    user = make_user(session)
    token = sign_in(user)
    with session_scope() as s:
        auth.sign_out(s, token)
    client.cookies.set(SESSION_COOKIE, token)

    assert client.post("/_upload", content=b"x").status_code == 401
    assert backend.received == []


def test_an_upload_over_the_limit_is_refused_from_its_declared_length(upload, session):
    client, backend = upload
    client.cookies.set(SESSION_COOKIE, sign_in(make_user(session)))

    answer = client.post(
        "/_upload", content=b"x", headers={"content-length": str(300 * 1024 * 1024)}
    )

    assert answer.status_code == 413
    assert "Mo au plus" in answer.text
    assert backend.received == []


def test_an_upload_without_a_declared_length_is_refused(upload, session):
    client, backend = upload
    client.cookies.set(SESSION_COOKIE, sign_in(make_user(session)))

    def chunks():
        yield b"x" * 10

    answer = client.post("/_upload", content=chunks())

    assert answer.status_code == 411
    assert backend.received == []


def test_a_signed_in_upload_within_the_limit_goes_through(upload, session):
    client, backend = upload
    client.cookies.set(SESSION_COOKIE, sign_in(make_user(session)))

    answer = client.post("/_upload", content=b"x" * 2048)

    assert answer.status_code == 200
    assert backend.received == [2048]


def test_other_paths_are_not_touched_by_the_upload_guard(upload):
    client, _ = upload
    assert client.get("/_upload").status_code == 405  # reaches the app, not the guard
