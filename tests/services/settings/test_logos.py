"""A site's logo: checked, kept privately, audited, served only when it is there."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func
from sqlmodel import select

from agence.db import session_scope
from agence.models import AgencySite, AuditEntry
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import AccessDenied, Action, Actor, Module, Right
from agence.services.common.records import RecordNotFound
from agence.services.settings import logos
from agence.settings import get_settings
from tests.factories import actor_for, make_site, make_user


def image_bytes(kind: str, size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 78, 121)).save(buffer, format=kind)
    return buffer.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")


def store(actor: Actor, site_id: int, data: bytes) -> str:
    with session_scope() as session:
        return logos.store_logo(session, actor, site_id, data)


def remove(actor: Actor, site_id: int) -> None:
    with session_scope() as session:
        logos.remove_logo(session, actor, site_id)


def found(site_id: int):
    with session_scope() as session:
        return logos.logo_file(session, site_id)


def site(site_id: int) -> AgencySite:
    with session_scope() as session:
        return session.get(AgencySite, site_id)


def audit_entries() -> list[AuditEntry]:
    with session_scope() as session:
        return list(session.exec(select(AuditEntry).order_by(AuditEntry.id)))


def files_on_disk() -> set[Path]:
    return {path for path in get_settings().files_dir.rglob("*") if path.is_file()}


@pytest.fixture
def editor(session) -> Actor:
    return actor_for(make_user(session, {Right(Module.PARAMETERS, Action.EDIT)}))


@pytest.fixture
def tours(session) -> AgencySite:
    return make_site(session, "VDL", name="Tours")


# --- Logos -----------------------------------------------------------------------------------


def test_a_png_logo_is_stored_in_the_private_files_folder(editor, tours):
    name = store(editor, tours.id, PNG)
    path = get_settings().files_dir / name
    assert name.startswith(f"sites/logo-{tours.id}-") and name.endswith(".png")
    assert path.read_bytes() == PNG
    assert path.is_relative_to(get_settings().files_dir)
    assert path.is_relative_to(get_settings().data_dir)
    assert not {"assets", "uploaded_files", "public", ".web"} & set(path.parts)


def test_storing_a_logo_updates_the_site_and_is_audited(editor, tours):
    name = store(editor, tours.id, PNG)
    assert site(tours.id).logo_file == name
    [entry] = audit_entries()
    assert entry.action == "fichier"
    assert (entry.entity_type, entry.entity_id, entry.entity_label) == (
        "site d'agence",
        str(tours.id),
        "VDL — Tours",
    )
    assert entry.changes == {"logo_file": ["", name]}
    assert entry.user_id == editor.user_id


def test_a_jpeg_logo_is_stored_with_its_extension_and_mime_type(editor, tours):
    name = store(editor, tours.id, JPEG)
    assert name.endswith(".jpg")
    path, mime = found(tours.id)
    assert path == get_settings().files_dir / name
    assert mime == "image/jpeg"
    assert path.read_bytes() == JPEG


def test_the_logo_of_a_site_gives_its_path_and_mime_type(editor, tours):
    name = store(editor, tours.id, PNG)
    assert found(tours.id) == (get_settings().files_dir / name, "image/png")


def test_a_new_logo_replaces_the_previous_one(editor, tours):
    first = store(editor, tours.id, PNG)
    second = store(editor, tours.id, JPEG)
    assert site(tours.id).logo_file == second
    assert audit_entries()[-1].changes == {"logo_file": [first, second]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Fichier vide."),
        (PNG + b"\0" * 1_000_000, "Logo trop lourd : 1 Mo au plus."),
        (image_bytes("GIF"), "Format refusé : PNG ou JPEG uniquement."),
        (image_bytes("BMP"), "Format refusé : PNG ou JPEG uniquement."),
        (os.urandom(2048), "Ce fichier n'est pas une image PNG ou JPEG lisible."),
        (b"%PDF-1.7\n" + b"x" * 100, "Ce fichier n'est pas une image PNG ou JPEG lisible."),
        (image_bytes("PNG", (4001, 1)), "Image trop grande : 4000 pixels de côté au plus."),
    ],
    ids=["empty", "over-1-MB", "gif", "bmp", "random-bytes", "pdf", "too-wide"],
)
def test_a_bad_logo_is_refused_and_nothing_is_written(editor, tours, data, message):
    before = files_on_disk()
    with pytest.raises(FormErrors) as refused:
        store(editor, tours.id, data)
    assert refused.value.errors == {"logo": message}
    assert site(tours.id).logo_file == ""
    assert audit_entries() == []
    assert files_on_disk() == before


def test_a_logo_of_exactly_1_mb_is_accepted(editor, tours):
    data = PNG + b"\0" * (logos.LOGO_MAX_BYTES - len(PNG))
    assert store(editor, tours.id, data).endswith(".png")


def test_storing_a_logo_needs_the_right_to_edit_parameters(session, tours):
    all_but_edit = {Right(Module.PARAMETERS, a) for a in Action if a != Action.EDIT}
    viewer = actor_for(make_user(session, all_but_edit))
    with pytest.raises(AccessDenied):
        store(viewer, tours.id, PNG)
    with pytest.raises(AccessDenied):
        remove(viewer, tours.id)
    assert site(tours.id).logo_file == "" and audit_entries() == []


def test_a_logo_for_an_unknown_site_is_refused(editor):
    with pytest.raises(RecordNotFound):
        store(editor, 999_999, PNG)


def test_a_site_without_logo_has_no_logo_file(tours):
    assert found(tours.id) is None
    assert found(999_999) is None


def test_a_logo_missing_on_disk_is_not_served(editor, tours):
    name = store(editor, tours.id, PNG)
    (get_settings().files_dir / name).unlink()
    assert found(tours.id) is None


def test_removing_the_logo_clears_it_and_is_audited(editor, tours):
    name = store(editor, tours.id, PNG)
    remove(editor, tours.id)
    assert site(tours.id).logo_file == ""
    assert found(tours.id) is None
    entry = audit_entries()[-1]
    assert entry.action == "modification"
    assert entry.changes == {"logo_file": [name, ""]}


def test_removing_a_logo_that_is_not_there_changes_nothing(editor, tours):
    remove(editor, tours.id)
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(AuditEntry)).one() == 0
