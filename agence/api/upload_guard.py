"""Reflex's upload endpoint, guarded before a single byte of the body is read.

Reflex writes an upload to disk before the event handler (and its right check) runs. This ASGI
middleware answers first: 401 without a valid session cookie, 411 without a Content-Length,
413 beyond the limit (`AGENCE_UPLOAD_MAX_MB`), and it stops reading a body that grows past
what it declared. A proxy in front should carry the same limit (README: `client_max_body_size`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse

from agence.db import session_scope
from agence.services.admin import auth
from agence.services.common.permissions import NotSignedIn
from agence.settings import get_settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UPLOAD_PATH_SUFFIX = "/_upload"


def _signed_in(cookie_header: str) -> bool:
    token = auth.token_from_cookie_header(cookie_header)
    if not token:
        return False
    with session_scope() as session:
        return not isinstance(auth.session_actor(session, token), NotSignedIn)


def guard_uploads(app: ASGIApp) -> ASGIApp:
    """Wraps the backend: every POST to the upload endpoint is checked before it is read."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("method") not in {"POST", "PUT", "PATCH"}
            or not scope["path"].rstrip("/").endswith(UPLOAD_PATH_SUFFIX)
        ):
            await app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = get_settings().upload_max_bytes
        if not await run_in_threadpool(_signed_in, headers.get("cookie", "")):
            await PlainTextResponse("Connexion requise.", status_code=401)(scope, receive, send)
            return
        declared = headers.get("content-length", "")
        if not declared.isdigit():
            await PlainTextResponse("Longueur requise.", status_code=411)(scope, receive, send)
            return
        if len(declared) > 15 or int(declared) > limit:
            message = f"Envoi trop volumineux : {limit // 1_000_000} Mo au plus."
            await PlainTextResponse(message, status_code=413)(scope, receive, send)
            return
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > int(declared):
                    return {"type": "http.disconnect"}
            return message

        await app(scope, bounded_receive, send)

    return guarded
