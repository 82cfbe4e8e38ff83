"""Authenticated HTTP routes: Excel downloads, site logos, health check.

The browser's session cookie is checked on every request, exactly as the events check it.
"""

from __future__ import annotations

import os

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from agence import routes
from agence.api.session import close_session, open_session
from agence.db import get_engine, session_scope
from agence.services.admin import auth
from agence.services.common import files
from agence.services.common.permissions import AccessDenied, AccessProblem, Action, Actor, Module
from agence.services.common.records import RecordNotFound
from agence.services.documents import attachments
from agence.services.settings import logos
from agence.settings import SESSION_COOKIE, get_settings

PRIVATE_HEADERS = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
DOWNLOAD_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv; charset=utf-8",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
}


def _actor(request: Request) -> Actor | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    try:
        with session_scope() as session:
            return auth.resolve_actor(session, token)
    except AccessProblem:
        return None


def _refused(actor: Actor | None) -> Response:
    if actor is None:
        return PlainTextResponse("Connexion requise.", status_code=401)
    return PlainTextResponse("Accès refusé.", status_code=403)


async def download(request: Request) -> Response:
    actor = _actor(request)
    ticket = files.read_download_token(request.path_params["token"])
    if actor is None or ticket is None or ticket.user_id != actor.user_id:
        return (
            _refused(actor)
            if actor is None
            else PlainTextResponse("Lien de téléchargement expiré ou invalide.", status_code=404)
        )
    path = get_settings().exports_dir / ticket.file_name
    if not path.is_file():
        return PlainTextResponse("Fichier introuvable.", status_code=404)
    return FileResponse(
        path,
        filename=ticket.download_name,
        media_type=DOWNLOAD_TYPES.get(path.suffix, "application/octet-stream"),
        headers=PRIVATE_HEADERS,
        # A PDF opens in the browser's viewer (the preview); the rest downloads.
        content_disposition_type="inline" if path.suffix == ".pdf" else "attachment",
    )


async def site_logo(request: Request) -> Response:
    actor = _actor(request)
    if actor is None or not actor.can(Module.PARAMETERS, Action.SEE):
        return _refused(actor)
    with session_scope() as session:
        found = logos.logo_file(session, request.path_params["site_id"])
    if found is None:
        return PlainTextResponse("Logo introuvable.", status_code=404)
    path, mime = found
    return FileResponse(path, media_type=mime, headers=PRIVATE_HEADERS)


async def document(request: Request) -> Response:
    """A client's, supplier's or product's document, for a user who may see that file."""
    actor = _actor(request)
    if actor is None:
        return _refused(actor)
    try:
        with session_scope() as session:
            path, found = attachments.readable_document(
                session, actor, request.path_params["document_id"]
            )
            file_name, mime = found.file_name, found.mime_type
    except AccessDenied:
        return _refused(actor)
    except RecordNotFound:
        return PlainTextResponse("Document introuvable.", status_code=404)
    return FileResponse(path, filename=file_name, media_type=mime, headers=PRIVATE_HEADERS)


async def health(_request: Request) -> Response:
    """Reports the database (and Redis when configured); 503 when one is down."""
    report: dict[str, str] = {}
    healthy = True
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
        report["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is the answer
        report["database"] = f"erreur : {type(exc).__name__}"
        healthy = False
    redis_url = os.environ.get("REFLEX_REDIS_URL", "")
    if redis_url:
        try:
            import redis

            redis.Redis.from_url(redis_url, socket_timeout=2).ping()
            report["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            report["redis"] = f"erreur : {type(exc).__name__}"
            healthy = False
    return JSONResponse(report, status_code=200 if healthy else 503)


def api_app() -> Starlette:
    return Starlette(
        routes=[
            Route(f"{routes.DOWNLOAD_API}/{{token}}", download),
            Route(f"{routes.SITE_LOGO_API}/{{site_id:int}}/logo", site_logo),
            Route(f"{routes.DOCUMENT_API}/{{document_id:int}}", document),
            Route(routes.HEALTH_API, health),
            Route(routes.SESSION_API, open_session, methods=["POST"]),
            Route(routes.SESSION_END_API, close_session, methods=["POST"]),
        ]
    )
