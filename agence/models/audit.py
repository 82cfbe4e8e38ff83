"""The audit trail: who did what, when, to which record, with the changed fields."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from agence.models.base import utcnow


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    user_id: int | None = Field(
        default=None, foreign_key="users.id", index=True, ondelete="SET NULL"
    )
    user_label: str = Field(default="", max_length=200)
    action: str = Field(max_length=30, index=True)
    entity_type: str = Field(default="", max_length=40, index=True)
    entity_id: str = Field(default="", max_length=40)
    entity_label: str = Field(default="", max_length=200)
    changes: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    ip_address: str = Field(default="", max_length=45)
