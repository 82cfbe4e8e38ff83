"""A site's logo, printed on its documents: checked (PNG or JPEG, 1 MB, 4 000 pixels), kept in
the private files folder, served only through the authenticated route."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from sqlmodel import Session

from agence.models import AgencySite
from agence.services.common.audit import AuditAction
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import get_record, record_change
from agence.services.settings.sites import SITES
from agence.settings import get_settings

LOGO_MAX_BYTES = 1_000_000
LOGO_FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg")}
LOGO_MAX_PIXELS = 4000


def _check_logo(data: bytes) -> tuple[str, str]:
    if not data:
        raise FormErrors({"logo": "Fichier vide."})
    if len(data) > LOGO_MAX_BYTES:
        raise FormErrors({"logo": "Logo trop lourd : 1 Mo au plus."})
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            kind = image.format or ""
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise FormErrors({"logo": "Ce fichier n'est pas une image PNG ou JPEG lisible."}) from exc
    if kind not in LOGO_FORMATS:
        raise FormErrors({"logo": "Format refusé : PNG ou JPEG uniquement."})
    if max(width, height) > LOGO_MAX_PIXELS:
        raise FormErrors({"logo": f"Image trop grande : {LOGO_MAX_PIXELS} pixels de côté au plus."})
    return LOGO_FORMATS[kind]


def store_logo(session: Session, actor: Actor, site_id: int, data: bytes) -> str:
    """Checks and stores a site's logo; returns the stored file name."""
    actor.require(Module.PARAMETERS, Action.EDIT)
    site = get_record(session, SITES, site_id)
    extension, _mime = _check_logo(data)
    digest = hashlib.sha256(data).hexdigest()[:16]
    name = f"sites/logo-{site_id}-{digest}.{extension}"
    path = get_settings().files_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    previous, site.logo_file = site.logo_file, name
    record_change(
        session, actor, SITES, site, {"logo_file": [previous, name]}, AuditAction.FILE_UPLOADED
    )
    return name


def remove_logo(session: Session, actor: Actor, site_id: int) -> None:
    actor.require(Module.PARAMETERS, Action.EDIT)
    site = get_record(session, SITES, site_id)
    if not site.logo_file:
        return
    previous, site.logo_file = site.logo_file, ""
    record_change(session, actor, SITES, site, {"logo_file": [previous, ""]})


def logo_file(session: Session, site_id: int) -> tuple[Path, str] | None:
    """The logo's path and MIME type, if the site has one on disk."""
    site = session.get(AgencySite, site_id)
    if site is None or not site.logo_file:
        return None
    path = get_settings().files_dir / site.logo_file
    if not path.is_file():
        return None
    mime = "image/png" if path.suffix == ".png" else "image/jpeg"
    return path, mime
