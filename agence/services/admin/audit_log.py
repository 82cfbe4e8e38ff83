"""The audit trail as a listing (filterable, exportable)."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy import String, cast
from sqlmodel import Session, col, select

from agence.models import AuditEntry, User
from agence.services.common.audit import ACTION_LABELS
from agence.services.common.listing import ChoiceFilter, Column, DateFilter, ListSpec


def describe_changes(raw: Any) -> str:
    """`{"email": ["a", "b"]}` → `email : a → b`; fields separated by « ; »."""
    if raw in (None, ""):
        return ""
    changes = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(changes, dict):
        return str(changes)
    parts = []
    for name, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            old, new = ("—" if v in (None, "") else v for v in value)
            parts.append(f"{name} : {old} → {new}")
        else:
            parts.append(f"{name} : {value}")
    return " ; ".join(parts)


def _users(session: Session) -> list[tuple[str, str]]:
    return [
        (str(uid), f"{last} {first}")
        for uid, last, first in session.exec(
            select(User.id, User.last_name, User.first_name).order_by(User.last_name)
        )
    ]


def _entity_types(session: Session) -> list[tuple[str, str]]:
    types = session.exec(
        select(AuditEntry.entity_type).where(AuditEntry.entity_type != "").distinct()
    ).all()
    return [(t, t) for t in sorted(types)]


def _audit_query():
    return sa.select(
        col(AuditEntry.id).label("id"),
        col(AuditEntry.at).label("at"),
        col(AuditEntry.user_label).label("user"),
        col(AuditEntry.action).label("action"),
        col(AuditEntry.entity_type).label("entity_type"),
        col(AuditEntry.entity_label).label("entity"),
        cast(AuditEntry.changes, String).label("changes"),
        col(AuditEntry.ip_address).label("ip_address"),
    )


AUDIT_LIST = ListSpec(
    name="Journal d'audit",
    query=_audit_query,
    columns=(
        Column("at", "Date", AuditEntry.at, kind="datetime", width=18),
        Column("user", "Utilisateur", AuditEntry.user_label, width=32),
        Column("action", "Action", AuditEntry.action, width=22, labels=ACTION_LABELS),
        Column("entity_type", "Type", AuditEntry.entity_type, width=20, phone=False),
        Column("entity", "Élément", AuditEntry.entity_label, width=32, phone=False),
        Column(
            "changes",
            "Champs modifiés",
            None,
            sortable=False,
            width=60,
            phone=False,
            render=describe_changes,
        ),
        Column("ip_address", "Adresse IP", AuditEntry.ip_address, width=16, phone=False),
    ),
    search=(AuditEntry.user_label, AuditEntry.entity_label, AuditEntry.entity_type),
    filters=(
        # options_query is typed with SQLAlchemy's Session in listing.py; it is given
        # SQLModel's (a subclass), which these queries use.
        ChoiceFilter(
            "user",
            "Utilisateur",
            AuditEntry.user_id,
            options_query=_users,  # type: ignore[arg-type]
            value_type=int,
        ),
        ChoiceFilter("action", "Action", AuditEntry.action, tuple(ACTION_LABELS.items())),
        ChoiceFilter(
            "entity_type",
            "Type",
            AuditEntry.entity_type,
            options_query=_entity_types,  # type: ignore[arg-type]
        ),
        DateFilter("since", "Du", AuditEntry.at, "since"),
        DateFilter("until", "Au", AuditEntry.at, "until"),
    ),
    default_sort="at",
    default_desc=True,
    tie_breaker=AuditEntry.id,
)
