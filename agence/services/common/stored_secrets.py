"""Secrets the application keeps in its database (the SMTP password, the Chorus Pro client
secret and technical-account password): encrypted with Fernet under a key derived (HKDF-SHA256)
from the application's secret key, one key per purpose so that one secret's key cannot read
another's. Changing AGENCE_SECRET_KEY makes them unreadable: they are typed again."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from agence.settings import get_settings


class SecretUnreadable(ValueError):
    """A token of another key, or damaged; callers say in French what to type again."""


def _fernet(purpose: bytes, secret: str | None = None) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        (secret if secret is not None else get_settings().secret_key).encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(clear: str, purpose: bytes, *, secret: str | None = None) -> str:
    return _fernet(purpose, secret).encrypt(clear.encode()).decode("ascii")


def decrypt(token: str, purpose: bytes, *, secret: str | None = None) -> str:
    try:
        return _fernet(purpose, secret).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError, ValueError) as exc:
        raise SecretUnreadable() from exc
