"""Private files (site logos, documents' bytes), the names uploaded files are kept under, and
signed, short-lived download links for generated files.

Private files live under the data folder, never in Reflex's public upload folder; the HTTP
routes of agence/api serve them only after checking the session and the right.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from agence.services.common import identifiers
from agence.settings import get_settings

DOWNLOAD_TTL_SECONDS = 300
FILE_NAME_LENGTH = 200
# Control, format (bidirectional overrides and isolates, zero-width marks), private-use,
# surrogate, unassigned, line and paragraph separator characters: invisible in a name.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


# --- Uploaded files ------------------------------------------------------------------------------


def clean_file_name(name: str, default: str = "document") -> str:
    """The name an uploaded file is kept and shown under, whatever the browser sent: its last
    path part, without invisible characters (a right-to-left override, U+202E, put before
    « fdp.exe » shows « exe.pdf »: the program would pass for a PDF), spaces collapsed, no
    leading or trailing dot, cut to 200 characters keeping its extension; `default` when
    nothing is left."""
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(c for c in text if unicodedata.category(c) not in _HIDDEN_CATEGORIES)
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = " ".join(text.split()).strip(". ")
    if len(text) > FILE_NAME_LENGTH:
        stem, suffix = os.path.splitext(text)
        if len(suffix) > 20:
            stem, suffix = text, ""
        text = stem[: FILE_NAME_LENGTH - len(suffix)].rstrip(". ") + suffix
    return text or default


def keep_private_bytes(data: bytes, extension: str) -> tuple[str, str]:
    """Writes a document's bytes once in the private folder, named by their SHA-256 (so stored
    bytes are never overwritten by others), through a temporary file so that a half-written
    file never takes the name. Returns (stored name relative to the files folder, digest)."""
    digest = hashlib.sha256(data).hexdigest()
    stored = f"documents/{digest}{extension}"
    path = get_settings().files_dir / stored
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        temporary = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
    return stored, digest


# --- Signed download links -------------------------------------------------------------------


@dataclass(frozen=True)
class DownloadTicket:
    file_name: str
    """Relative to the exports folder."""
    user_id: int
    download_name: str
    expires: float


def _sign(payload: bytes) -> str:
    key = get_settings().secret_key.encode()
    return base64.urlsafe_b64encode(hmac.new(key, payload, hashlib.sha256).digest()).decode()


def new_export_path(extension: str = "xlsx") -> Path:
    folder = get_settings().exports_dir
    folder.mkdir(parents=True, exist_ok=True)
    _purge_old_exports(folder)
    return folder / f"{secrets.token_urlsafe(16)}.{extension}"


def _purge_old_exports(folder: Path, max_age_seconds: int = 3600) -> None:
    limit = time.time() - max_age_seconds
    for path in folder.glob("*"):
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            continue


def download_token(path: Path, user_id: int, download_name: str) -> str:
    payload = json.dumps(
        {
            "f": path.name,
            "u": user_id,
            "n": download_name,
            "e": int(time.time()) + DOWNLOAD_TTL_SECONDS,
        },
        separators=(",", ":"),
    ).encode()
    return base64.urlsafe_b64encode(payload).decode() + "." + _sign(payload)


MAX_TOKEN_LENGTH = 2000


def read_download_token(token: str) -> DownloadTicket | None:
    """The ticket of a valid, unexpired link, else None."""
    encoded, _, signature = token.partition(".")
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        payload = base64.urlsafe_b64decode(encoded.encode())
        if not hmac.compare_digest(_sign(payload).encode(), signature.encode()):
            return None
        data = json.loads(payload)
    except (ValueError, TypeError, UnicodeError):
        return None
    # Signed by us, yet read as untrusted: a wrong shape is an invalid link, never an error.
    if not isinstance(data, dict):
        return None
    file_name, user_id, download_name, expires = (data.get(k) for k in ("f", "u", "n", "e"))
    if (
        not isinstance(file_name, str)
        or not isinstance(download_name, str)
        or not isinstance(expires, int | float)
        or isinstance(expires, bool)
        or not isinstance(user_id, int)
        or identifiers.record_id(user_id) is None
    ):
        return None
    if expires < time.time() or "/" in file_name or "\\" in file_name or not file_name:
        return None
    return DownloadTicket(
        file_name=file_name, user_id=user_id, download_name=download_name, expires=expires
    )
