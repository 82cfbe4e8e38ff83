"""Settings read from the environment, with safe defaults.

No Reflex import here: the CLI, the services, the tests and the app all read the same values.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SESSION_COOKIE = "agence_session"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str
    session_idle_minutes: int
    session_max_hours: int
    https: bool
    """Served over HTTPS (behind a proxy): the session cookie is then marked Secure."""
    upload_max_bytes: int = 101_000_000
    """Largest upload request accepted (ten 10 MB documents and the form around them)."""

    @property
    def files_dir(self) -> Path:
        """Private files (logos, documents): never served without a right check."""
        return self.data_dir / "fichiers"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"


def _read_or_create_secret(data_dir: Path) -> str:
    """The secret key signs download links; it is generated once and kept in the data folder."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    data_dir = Path(os.environ.get("AGENCE_DATA_DIR", "data")).resolve()
    database_url = os.environ.get("AGENCE_DATABASE_URL", "").strip() or (
        f"sqlite:///{data_dir / 'agence.db'}"
    )
    secret_key = os.environ.get("AGENCE_SECRET_KEY", "").strip() or _read_or_create_secret(data_dir)
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        secret_key=secret_key,
        session_idle_minutes=_int_env("AGENCE_SESSION_IDLE_MINUTES", 8 * 60),
        session_max_hours=_int_env("AGENCE_SESSION_MAX_HOURS", 7 * 24),
        https=os.environ.get("AGENCE_HTTPS", "").strip().lower() in {"1", "true", "oui", "yes"},
        upload_max_bytes=_int_env("AGENCE_UPLOAD_MAX_MB", 101) * 1_000_000,
    )
