"""Private files, cleaned upload names, and signed, short-lived download links."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest

from agence.services.common import files
from agence.settings import get_settings

# --- Download links --------------------------------------------------------------------------


def signed(payload: dict, key: str | None = None) -> str:
    """A link built by hand, signed the way the application signs its links."""
    raw = json.dumps(payload, separators=(",", ":")).encode()
    secret = (key or get_settings().secret_key).encode()
    signature = hmac.new(secret, raw, hashlib.sha256).digest()
    return (
        base64.urlsafe_b64encode(raw).decode() + "." + base64.urlsafe_b64encode(signature).decode()
    )


def ticket_payload(**values) -> dict:
    return {"f": "abc.xlsx", "u": 3, "n": "Utilisateurs.xlsx", "e": int(time.time()) + 60, **values}


def test_a_download_link_gives_back_its_ticket():
    before = int(time.time())
    token = files.download_token(Path("/exports/abc.xlsx"), 3, "Utilisateurs-2026-11-29.xlsx")
    ticket = files.read_download_token(token)
    assert ticket is not None
    assert (ticket.file_name, ticket.user_id, ticket.download_name) == (
        "abc.xlsx",
        3,
        "Utilisateurs-2026-11-29.xlsx",
    )
    assert before + files.DOWNLOAD_TTL_SECONDS <= ticket.expires
    assert ticket.expires <= int(time.time()) + files.DOWNLOAD_TTL_SECONDS


def test_a_download_link_names_only_the_file_not_its_folder():
    token = files.download_token(Path("/a/b/c.xlsx"), 1, "c.xlsx")
    assert files.read_download_token(token).file_name == "c.xlsx"


def test_a_link_built_by_hand_with_the_right_key_is_read():
    assert files.read_download_token(signed(ticket_payload())).user_id == 3


def test_a_link_with_a_tampered_signature_is_refused():
    token = files.download_token(Path("abc.xlsx"), 3, "x.xlsx")
    payload, signature = token.split(".")
    other = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert files.read_download_token(f"{payload}.{other}") is None


def test_a_link_whose_user_was_changed_is_refused():
    token = files.download_token(Path("abc.xlsx"), 3, "x.xlsx")
    payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload))
    forged = base64.urlsafe_b64encode(json.dumps({**data, "u": 1}).encode()).decode()
    assert files.read_download_token(f"{forged}.{signature}") is None


def test_a_link_signed_with_another_key_is_refused():
    assert files.read_download_token(signed(ticket_payload(), key="une-autre-clé")) is None


@pytest.mark.parametrize("token", ["", "abc", ".", "abc.def", "!!!.???", "a.b.c"])
def test_a_malformed_link_is_refused(token):
    assert files.read_download_token(token) is None


@pytest.mark.parametrize("token", ["é.abc", "eyJmIjoiYSJ9.é", "abc.dé=="])
def test_a_link_with_non_ascii_characters_is_refused(token):
    assert files.read_download_token(token) is None


def test_an_expired_link_is_refused():
    expired = signed(ticket_payload(e=int(time.time()) - 1))
    assert files.read_download_token(expired) is None


def test_a_link_expires_after_its_time_to_live(monkeypatch):
    token = files.download_token(Path("abc.xlsx"), 3, "x.xlsx")
    later = time.time() + files.DOWNLOAD_TTL_SECONDS + 1
    monkeypatch.setattr(files.time, "time", lambda: later)
    assert files.read_download_token(token) is None


@pytest.mark.parametrize("name", ["../secret_key", "sub/abc.xlsx", "..\\secret_key"])
def test_a_link_to_a_file_outside_the_exports_folder_is_refused(name):
    assert files.read_download_token(signed(ticket_payload(f=name))) is None


def test_a_new_export_path_is_a_fresh_file_name_in_the_exports_folder():
    first, second = files.new_export_path("xlsx"), files.new_export_path("xlsx")
    assert first.parent == get_settings().exports_dir == second.parent
    assert first != second and first.suffix == ".xlsx"
    assert first.parent.is_dir()


# --- Names of uploaded files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("facture\u202efdp.exe", "facturefdp.exe"),  # RIGHT-TO-LEFT OVERRIDE: shows « exe.pdf »
        ("photo\u2067gpj.exe\u2069", "photogpj.exe"),  # isolates
        ("rapport\u200b\u200e.pdf\u200f", "rapport.pdf"),  # zero-width space, LRM, RLM
        ("\ufeffdevis.pdf", "devis.pdf"),  # byte order mark
        ("liste\x00\x1b[31m.pdf\x7f", "liste[31m.pdf"),  # NUL, escape, DEL
        ("rooming\u2028list.pdf", "roominglist.pdf"),  # line separator
        ("a\u00a0\u3000 b.pdf", "a b.pdf"),  # odd spaces become one
        ("C:\\Users\\moi\\contrat.pdf", "contrat.pdf"),
        ("../../etc/contrat.pdf", "contrat.pdf"),
        ("  .cache.pdf.  ", "cache.pdf"),
        ("Fe\u0302te.pdf", "F\u00eate.pdf"),  # decomposed accents, as macOS sends them
    ],
)
def test_an_uploaded_file_name_loses_folders_and_invisible_characters(sent, kept):
    assert files.clean_file_name(sent) == kept


@pytest.mark.parametrize("sent", ["", "\u202e", " . ", "dossier/", None])
def test_a_file_name_with_nothing_left_gets_the_default_name(sent):
    assert files.clean_file_name(sent) == "document"
    assert files.clean_file_name(sent, default="facture.pdf") == "facture.pdf"


def test_a_long_file_name_is_cut_to_200_characters_keeping_its_extension():
    kept = files.clean_file_name("x" * 300 + ".pdf")
    assert len(kept) == 200 and kept.endswith("x.pdf")
