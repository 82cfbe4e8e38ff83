"""Shared column helpers for the tables."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Field, SQLModel

# Named constraints keep Alembic migrations (and SQLite batch mode) deterministic.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Aware UTC: SQLModel's UTCDateTime columns store and return UTC on every database."""
    return datetime.now(UTC)


class Timestamped(SQLModel):
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)
