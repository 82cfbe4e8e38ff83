"""The agency's outgoing mail server (one MailSettings row), its form and its password.

The password must be given back to the SMTP server, so it cannot be hashed: it is encrypted with
Fernet under a key derived from the application's secret key. A copy of the database (a backup,
a dump sent for support) then does not reveal it; the audit trail only says it changed.
"""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session, col, select

from agence.db import session_scope
from agence.models import MailSettings
from agence.models.base import utcnow
from agence.services.common import audit, stored_secrets
from agence.services.common.audit import AuditAction
from agence.services.common.forms import FieldSpec, FormErrors, parse_form
from agence.services.common.permissions import Action, Actor, Module
from agence.services.documents import mailer
from agence.services.documents.mailer import MailAccount

SECURITY_CHOICES: tuple[tuple[str, str], ...] = (
    ("starttls", "STARTTLS"),
    ("ssl", "SSL/TLS"),
    ("none", "Aucune"),
)
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}

_KEY_LABEL = b"agence/mail-settings/smtp-password/v1"
"""HKDF's info: this key serves the SMTP password only, whatever else the secret key signs."""
_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TOKEN_MAX_LENGTH = 1000
"""The length of MailSettings.password_encrypted (200 accented characters still fit)."""
_AUDIT_LABEL = "Serveur d'envoi des e-mails"
_NOT_AUDITED = frozenset({"id", "password_encrypted", "updated_by_id", "updated_at"})

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "host",
        "Serveur SMTP",
        required=True,
        max_length=200,
        placeholder="smtp.exemple.fr",
        section="Serveur d'envoi",
    ),
    FieldSpec("port", "Port", "int", required=True, min_value=1, max_value=65535),
    FieldSpec("security", "Sécurité", "choice", required=True, choices=SECURITY_CHOICES),
    FieldSpec(
        "timeout_seconds",
        "Délai d'attente (secondes)",
        "int",
        required=True,
        min_value=1,
        max_value=120,
    ),
    FieldSpec("username", "Identifiant", max_length=200, section="Authentification"),
    FieldSpec(
        "password",
        "Mot de passe",
        "password",
        max_length=200,
        help="Laissez vide pour garder le mot de passe enregistré.",
    ),
    FieldSpec("clear_password", "Supprimer le mot de passe enregistré", "bool"),
    FieldSpec(
        "sender_address",
        "Adresse de l'expéditeur",
        "email",
        required=True,
        max_length=254,
        placeholder="contact@agence.fr",
        section="Expéditeur",
    ),
    FieldSpec("sender_name", "Nom de l'expéditeur", max_length=120),
)


class MailNotConfigured(Exception):
    """No usable outgoing server: the message says where to set it."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "Aucun serveur d'envoi des e-mails n'est paramétré : renseignez-le dans "
            "Paramètres › Messagerie."
        )


class MailPasswordUnreadable(MailNotConfigured):
    """The stored password was encrypted under another secret key (the key was changed or the
    database comes from another installation)."""

    def __init__(self) -> None:
        super().__init__(
            "Le mot de passe du serveur d'envoi ne peut pas être déchiffré (la clé secrète de "
            "l'application a changé) : saisissez-le de nouveau dans Paramètres › Messagerie."
        )


# --- The password -------------------------------------------------------------------------------


def encrypt_password(clear: str, *, secret: str | None = None) -> str:
    return stored_secrets.encrypt(clear, _KEY_LABEL, secret=secret)


def decrypt_password(token: str, *, secret: str | None = None) -> str:
    """Raises MailPasswordUnreadable (French) for a token of another key or a damaged one."""
    try:
        return stored_secrets.decrypt(token, _KEY_LABEL, secret=secret)
    except stored_secrets.SecretUnreadable as exc:
        raise MailPasswordUnreadable() from exc


# --- Reading ------------------------------------------------------------------------------------


def current(session: Session) -> MailSettings | None:
    """The one row (the oldest, should two first saves have raced)."""
    return session.exec(select(MailSettings).order_by(col(MailSettings.id)).limit(1)).first()


def form_values(session: Session) -> dict[str, str]:
    """What the form shows: never the password, only whether one is stored."""
    row = current(session) or MailSettings()
    return {
        "host": row.host,
        "port": str(row.port),
        "security": row.security,
        "timeout_seconds": str(row.timeout_seconds),
        "username": row.username,
        "password": "",
        "clear_password": "",
        "password_stored": "1" if row.password_encrypted else "",
        "sender_address": row.sender_address,
        "sender_name": row.sender_name,
    }


def account(session: Session) -> MailAccount:
    """The server with its password decrypted, for the mailer only (never for a page)."""
    row = current(session)
    if row is None or not row.host or not row.sender_address:
        raise MailNotConfigured()
    password = decrypt_password(row.password_encrypted) if row.password_encrypted else ""
    return MailAccount(
        host=row.host,
        port=row.port,
        security=row.security,
        username=row.username,
        password=password,
        sender_address=row.sender_address,
        sender_name=row.sender_name,
        timeout_seconds=row.timeout_seconds,
    )


# --- Saving -------------------------------------------------------------------------------------


def _audited(row: MailSettings) -> dict[str, Any]:
    return {k: v for k, v in audit.snapshot(row).items() if k not in _NOT_AUDITED}


def _check(clean: dict[str, Any], errors: dict[str, str]) -> None:
    host = clean.get("host") or ""
    if host and "host" not in errors and not _HOST.match(host):
        errors["host"] = "Nom de serveur invalide (exemple : smtp.exemple.fr)."
    for name in ("username", "sender_name"):
        if name not in errors and _CONTROL.search(clean.get(name) or ""):
            errors[name] = "Caractères non autorisés."
    password = clean.get("password") or ""
    if "password" not in errors and password:
        if _CONTROL.search(password):
            errors["password"] = "Caractères non autorisés."
        elif len(encrypt_password(password)) > _TOKEN_MAX_LENGTH:
            errors["password"] = "Mot de passe trop long."


def save(session: Session, actor: Actor, values: dict[str, str]) -> MailSettings:
    """Validates and writes the settings in the caller's transaction. An empty password keeps
    the stored one (the form never shows it); « Supprimer le mot de passe » removes it."""
    actor.require(Module.PARAMETERS, Action.EDIT)
    clean, errors = parse_form(FIELDS, values)
    _check(clean, errors)
    if errors:
        raise FormErrors(errors)
    row = current(session)
    created = row is None
    if row is None:
        row = MailSettings()
    before = {} if created else _audited(row)
    row.host = clean["host"]
    row.port = clean["port"]
    row.security = clean["security"]
    row.timeout_seconds = clean["timeout_seconds"]
    row.username = clean["username"]
    row.sender_address = clean["sender_address"]
    row.sender_name = clean["sender_name"]
    password_change = ""
    if clean["password"]:
        row.password_encrypted = encrypt_password(clean["password"])
        password_change = "mot de passe modifié"
    elif clean["clear_password"] and row.password_encrypted:
        row.password_encrypted = ""
        password_change = "mot de passe supprimé"
    row.updated_by_id = actor.user_id
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    changes: dict[str, Any] = audit.changes_between(before, _audited(row))
    if password_change:
        changes["password"] = password_change
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


def send_test_message(actor: Actor, to: str) -> mailer.Delivery:
    """A short message through the saved account, to check it from the parameters page; the
    answer is the server's (or why nothing was sent). Needs parametres:modifier. Runs outside
    any transaction (the network call)."""
    actor.require(Module.PARAMETERS, Action.EDIT)
    try:
        recipients = mailer.parse_addresses(to, required=True)
    except ValueError as exc:
        return mailer.Delivery(False, str(exc))
    with session_scope() as session:
        try:
            found = account(session)
        except MailNotConfigured as exc:
            return mailer.Delivery(False, str(exc))
    message = mailer.compose(
        found,
        to=recipients,
        cc=[],
        subject="Agence – message d'essai",
        body=f"Message d'essai envoyé par {actor.display_name} depuis Agence.",
        attachments=[],
    )
    return mailer.deliver(found, message)
