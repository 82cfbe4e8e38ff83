"""The audit trail: every sign-in event and every change of a record, in the same transaction."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlmodel import Session, SQLModel

from agence.models import AuditEntry
from agence.services.common.permissions import Actor

HIDDEN_FIELDS = frozenset({"password_hash", "created_at", "updated_at"})


class AuditAction(StrEnum):
    LOGIN = "connexion"
    LOGOUT = "deconnexion"
    LOGIN_FAILED = "echec_connexion"
    ACCOUNT_LOCKED = "verrouillage"
    CREATE = "creation"
    UPDATE = "modification"
    DELETE = "suppression"
    PASSWORD_RESET = "reinit_mot_de_passe"
    PASSWORD_CHANGED = "changement_mot_de_passe"
    FILE_UPLOADED = "fichier"


ACTION_LABELS: dict[str, str] = {
    AuditAction.LOGIN: "Connexion",
    AuditAction.LOGOUT: "Déconnexion",
    AuditAction.LOGIN_FAILED: "Échec de connexion",
    AuditAction.ACCOUNT_LOCKED: "Compte verrouillé",
    AuditAction.CREATE: "Création",
    AuditAction.UPDATE: "Modification",
    AuditAction.DELETE: "Suppression",
    AuditAction.PASSWORD_RESET: "Réinitialisation du mot de passe",
    AuditAction.PASSWORD_CHANGED: "Changement du mot de passe",
    AuditAction.FILE_UPLOADED: "Dépôt de fichier",
}


def json_safe(value: Any) -> Any:
    if isinstance(value, Decimal):
        # 20, 20.0 and 20.00 are one amount: the stored scale must not look like a change.
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def snapshot(record: SQLModel) -> dict[str, Any]:
    """The auditable column values of a record."""
    return {
        name: json_safe(getattr(record, name))
        for name in type(record).model_fields
        if name not in HIDDEN_FIELDS
    }


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """`{field: [old, new]}` for every field whose value differs."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key) and key not in HIDDEN_FIELDS
    }


def record(
    session: Session,
    actor: Actor | None,
    action: AuditAction,
    *,
    entity_type: str = "",
    entity_id: Any = "",
    entity_label: str = "",
    changes: dict[str, Any] | None = None,
    ip_address: str = "",
    user_label: str = "",
) -> AuditEntry:
    entry = AuditEntry(
        user_id=actor.user_id if actor else None,
        user_label=(user_label or (f"{actor.display_name} <{actor.email}>" if actor else ""))[:200],
        action=action.value,
        entity_type=entity_type,
        entity_id=str(entity_id)[:40] if entity_id not in (None, "") else "",
        entity_label=entity_label[:200],
        changes=changes or {},
        ip_address=ip_address[:45],
    )
    session.add(entry)
    return entry
