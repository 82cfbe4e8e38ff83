"""The session cookie, set and cleared over HTTP so that it can be HttpOnly.

A successful sign-in (an event over the websocket) gives the browser a one-time ticket; the
browser posts it here and receives the session token in a cookie page scripts cannot read
(HttpOnly, SameSite=Strict, Secure behind HTTPS). The websocket handshake that follows carries
the cookie, and every event reads the token from there (`AppState._session_token`).
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from agence.db import session_scope
from agence.services.admin import auth
from agence.settings import SESSION_COOKIE, get_settings

MAX_FORM_BYTES = 1024


def _allowed_origins() -> set[str]:
    """The origins the websocket accepts (AGENCE_ALLOWED_ORIGINS, as rxconfig.py reads them):
    behind a proxy that rewrites Host, the page's origin is one of these."""
    raw = os.environ.get("AGENCE_ALLOWED_ORIGINS", "")
    return {origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip()}


def _same_origin(request: Request) -> bool:
    """A form posted from another site is refused (the cookie is SameSite, the route too)."""
    origin = request.headers.get("origin", "")
    if not origin:
        return request.headers.get("sec-fetch-site", "same-origin") in {"same-origin", "none"}
    if origin.rstrip("/") in _allowed_origins():
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


async def open_session(request: Request) -> Response:
    """Exchanges the sign-in ticket for the HttpOnly session cookie."""
    if not _same_origin(request):
        return PlainTextResponse("Origine refusée.", status_code=403)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return PlainTextResponse("Requête trop grande.", status_code=413)
    ticket = body.decode("ascii", errors="ignore").strip()
    with session_scope() as session:
        token = auth.hand_over(session, ticket)
    if token is None:
        return PlainTextResponse("Connexion expirée : veuillez vous reconnecter.", status_code=401)
    settings = get_settings()
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_max_hours * 3600,
        path="/",
        httponly=True,
        samesite="strict",
        secure=settings.https,
    )
    return response


async def close_session(request: Request) -> Response:
    """Closes the cookie's session on the server and clears the cookie."""
    if not _same_origin(request):
        return PlainTextResponse("Origine refusée.", status_code=403)
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        with session_scope() as session:
            auth.sign_out(session, token, ip_address=_client_ip(request))
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=get_settings().https
    )
    return response
