"""The agency's Chorus Pro access (one ChorusSettings row): its form, its secrets, and the
decrypted access the API client needs.

Two secrets must be given back to PISTE and Chorus Pro — the PISTE application's client secret
and the password of the Chorus Pro technical account — so they cannot be hashed. They are
encrypted with Fernet under a key derived (HKDF) from the application's secret key, as the SMTP
password is (`mail_settings`), but under a label of their own: one key per purpose, so nothing
encrypted for the mail server can be read as a Chorus secret or the other way round. The form
never shows them back; an empty field keeps the stored one; the audit trail only says it changed.

The two URLs must be https — the secrets travel in them — except http://127.0.0.1, the local
test server. Defaults are PISTE's production addresses; the sandbox ones are in the help text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from agence.models import ChorusSettings
from agence.models.base import utcnow
from agence.services.common import audit, stored_secrets
from agence.services.common.audit import AuditAction
from agence.services.common.forms import FieldSpec, FormErrors, parse_form
from agence.services.common.permissions import Action, Actor, Module

PRODUCTION_TOKEN_URL = "https://oauth.piste.gouv.fr/api/oauth/token"
PRODUCTION_API_URL = "https://api.piste.gouv.fr"
SANDBOX_TOKEN_URL = "https://sandbox-oauth.piste.gouv.fr/api/oauth/token"
SANDBOX_API_URL = "https://sandbox-api.piste.gouv.fr"

_KEY_LABEL = b"agence/chorus-settings/secrets/v1"
"""HKDF's info: this key serves the Chorus Pro secrets only."""
_TOKEN_MAX_LENGTH = 1000
"""The length of the *_encrypted columns."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DIGITS = re.compile(r"^[0-9]+$")
_LOCAL_TEST_HOST = "127.0.0.1"
_AUDIT_LABEL = "Chorus Pro"
_SECRETS = {
    "client_secret": ("client_secret_encrypted", "secret de l'application modifié"),
    "account_password": (
        "account_password_encrypted",
        "mot de passe du compte technique modifié",
    ),
}
_NOT_AUDITED = frozenset(
    {"id", "client_secret_encrypted", "account_password_encrypted", "updated_by_id", "updated_at"}
)
WHERE = "Paramètres › Chorus Pro"

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "token_url",
        "URL du jeton PISTE (OAuth)",
        required=True,
        max_length=300,
        wide=True,
        section="Application PISTE",
        help=f"Production : {PRODUCTION_TOKEN_URL} — qualification : {SANDBOX_TOKEN_URL}",
    ),
    FieldSpec(
        "api_url",
        "URL de l'API",
        required=True,
        max_length=300,
        wide=True,
        help=f"Production : {PRODUCTION_API_URL} — qualification : {SANDBOX_API_URL}",
    ),
    FieldSpec("client_id", "Client ID", required=True, max_length=200),
    FieldSpec(
        "client_secret",
        "Client secret",
        "password",
        max_length=200,
        help="Laissez vide pour garder le secret enregistré.",
    ),
    FieldSpec(
        "account_login",
        "Identifiant du compte technique",
        required=True,
        max_length=200,
        section="Compte technique Chorus Pro",
    ),
    FieldSpec(
        "account_password",
        "Mot de passe du compte technique",
        "password",
        max_length=200,
        help="Laissez vide pour garder le mot de passe enregistré. Il expire : "
        "renouvelez-le sur le portail Chorus Pro puis saisissez-le ici.",
    ),
    FieldSpec(
        "supplier_structure_id",
        "Identifiant de structure Chorus Pro de l'agence",
        max_length=30,
        help="Numéro technique (idStructureCPP) de l'agence sur Chorus Pro : il limite la "
        "recherche des factures déposées à celles de l'agence.",
    ),
)


class ChorusError(Exception):
    """Anything that stops a Chorus Pro exchange; the message is French, for the user."""


class ChorusNotConfigured(ChorusError):
    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "L'accès à Chorus Pro n'est pas paramétré : renseignez l'application PISTE et le "
            f"compte technique dans {WHERE}."
        )


class ChorusSecretUnreadable(ChorusNotConfigured):
    """A secret was encrypted under another secret key (the key changed, or the database comes
    from another installation)."""

    def __init__(self) -> None:
        super().__init__(
            "Les secrets Chorus Pro enregistrés ne peuvent pas être déchiffrés (la clé secrète de "
            f"l'application a changé) : saisissez-les de nouveau dans {WHERE}."
        )


@dataclass(frozen=True)
class ChorusAccess:
    """What the API client needs, secrets in clear: built for one exchange, never shown, never
    kept in a page's state (the secrets stay out of repr)."""

    token_url: str
    api_url: str
    client_id: str
    client_secret: str = field(repr=False)
    account_login: str
    account_password: str = field(repr=False)
    supplier_structure_id: str = ""


# --- The secrets --------------------------------------------------------------------------------


def encrypt_secret(clear: str, *, secret: str | None = None) -> str:
    return stored_secrets.encrypt(clear, _KEY_LABEL, secret=secret)


def decrypt_secret(token: str, *, secret: str | None = None) -> str:
    """Raises ChorusSecretUnreadable (French) for a token of another key or a damaged one."""
    try:
        return stored_secrets.decrypt(token, _KEY_LABEL, secret=secret)
    except stored_secrets.SecretUnreadable as exc:
        raise ChorusSecretUnreadable() from exc


# --- Reading ------------------------------------------------------------------------------------


def current(session: Session) -> ChorusSettings | None:
    """The one row (the oldest, should two first saves have raced)."""
    return session.exec(select(ChorusSettings).order_by(col(ChorusSettings.id)).limit(1)).first()


def form_values(session: Session) -> dict[str, str]:
    """What the form shows: never a secret, only whether one is stored."""
    row = current(session)
    if row is None:
        row = ChorusSettings(token_url=PRODUCTION_TOKEN_URL, api_url=PRODUCTION_API_URL)
    return {
        "token_url": row.token_url,
        "api_url": row.api_url,
        "client_id": row.client_id,
        "client_secret": "",
        "client_secret_stored": "1" if row.client_secret_encrypted else "",
        "account_login": row.account_login,
        "account_password": "",
        "account_password_stored": "1" if row.account_password_encrypted else "",
        "supplier_structure_id": row.supplier_structure_id,
    }


def configured(session: Session) -> bool:
    """Everything a deposit needs is there (whether the secrets still decrypt is not checked:
    `access` says so with its own message)."""
    row = current(session)
    return bool(
        row
        and row.token_url
        and row.api_url
        and row.client_id
        and row.client_secret_encrypted
        and row.account_login
        and row.account_password_encrypted
    )


def access(session: Session) -> ChorusAccess:
    """The access with its secrets decrypted, for the API client only (never for a page)."""
    row = current(session)
    if row is None or not configured(session):
        raise ChorusNotConfigured()
    return ChorusAccess(
        token_url=row.token_url,
        api_url=row.api_url,
        client_id=row.client_id,
        client_secret=decrypt_secret(row.client_secret_encrypted),
        account_login=row.account_login,
        account_password=decrypt_secret(row.account_password_encrypted),
        supplier_structure_id=row.supplier_structure_id,
    )


# --- Saving -------------------------------------------------------------------------------------


def url_problem(url: str) -> str | None:
    """https only (secrets and invoices travel there), except the local test server."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port that is not a number raises here
    except ValueError:
        return "Adresse invalide."
    if _CONTROL.search(url) or " " in url:
        return "Adresse invalide."
    if parts.username or parts.password:
        return "L'adresse ne doit pas contenir d'identifiant ni de mot de passe."
    if parts.query or parts.fragment:
        return "L'adresse ne doit pas contenir de paramètres (?…) ni d'ancre (#…)."
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and parts.hostname == _LOCAL_TEST_HOST:
        return None
    return "Adresse https:// attendue (exemple : https://api.piste.gouv.fr)."


def _audited(row: ChorusSettings) -> dict[str, Any]:
    return {k: v for k, v in audit.snapshot(row).items() if k not in _NOT_AUDITED}


def _check(clean: dict[str, Any], errors: dict[str, str]) -> None:
    for name in ("token_url", "api_url"):
        if name not in errors and clean.get(name):
            problem = url_problem(clean[name])
            if problem:
                errors[name] = problem
    for name in ("client_id", "account_login", "client_secret", "account_password"):
        if name not in errors and _CONTROL.search(clean.get(name) or ""):
            errors[name] = "Caractères non autorisés."
    for name in _SECRETS:
        value = clean.get(name) or ""
        if name not in errors and value and len(encrypt_secret(value)) > _TOKEN_MAX_LENGTH:
            errors[name] = "Trop long."
    if ":" in (clean.get("account_login") or "") and "account_login" not in errors:
        # The cpro-account header is base64("login:password"): a colon would cut it wrongly.
        errors["account_login"] = "L'identifiant ne peut pas contenir « : »."
    structure = clean.get("supplier_structure_id") or ""
    if structure and "supplier_structure_id" not in errors and not _DIGITS.match(structure):
        errors["supplier_structure_id"] = "Chiffres uniquement."


def save(session: Session, actor: Actor, values: dict[str, str]) -> ChorusSettings:
    """Validates and writes the settings in the caller's transaction. An empty secret keeps the
    stored one (the form never shows it); a first save needs both secrets."""
    actor.require(Module.PARAMETERS, Action.EDIT)
    clean, errors = parse_form(FIELDS, values)
    _check(clean, errors)
    row = current(session)
    created = row is None
    if row is None:
        row = ChorusSettings()
    for name, (column, _change) in _SECRETS.items():
        if not clean.get(name) and not getattr(row, column) and name not in errors:
            errors[name] = "Ce champ est obligatoire."
    if errors:
        raise FormErrors(errors)
    before = {} if created else _audited(row)
    row.token_url = clean["token_url"]
    row.api_url = clean["api_url"].rstrip("/")
    row.client_id = clean["client_id"]
    row.account_login = clean["account_login"]
    row.supplier_structure_id = clean["supplier_structure_id"]
    secret_changes: dict[str, str] = {}
    for name, (column, change) in _SECRETS.items():
        if clean[name]:
            setattr(row, column, encrypt_secret(clean[name]))
            secret_changes[name] = change
    row.updated_by_id = actor.user_id
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    changes: dict[str, Any] = audit.changes_between(before, _audited(row))
    changes.update(secret_changes)
    if changes:
        audit.record(
            session,
            actor,
            AuditAction.CREATE if created else AuditAction.UPDATE,
            entity_type="paramètre",
            entity_id=row.id,
            entity_label=_AUDIT_LABEL,
            changes=changes,
        )
    return row
