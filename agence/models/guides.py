"""Guides (a supplier's guide or one of our staff), the days they cannot work, and their
assignments to the slots of dossiers' programmes."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from agence.models.base import Timestamped, utcnow


class Guide(Timestamped, table=True):
    __tablename__ = "guides"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, index=True)
    supplier_id: int | None = Field(
        default=None, foreign_key="suppliers.id", index=True, ondelete="SET NULL"
    )
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    """A guide of our own staff."""
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    specialities: str = Field(default="", max_length=300)
    areas: str = Field(default="", max_length=300)
    daily_rate: Decimal | None = Field(default=None, max_digits=10, decimal_places=2)
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=254)
    active: bool = Field(default=True)
    deleted_at: datetime | None = Field(default=None)


class GuideUnavailability(SQLModel, table=True):
    __tablename__ = "guide_unavailabilities"
    __table_args__ = (UniqueConstraint("guide_id", "day", name="uq_guide_unavailabilities"),)

    id: int | None = Field(default=None, primary_key=True)
    guide_id: int = Field(foreign_key="guides.id", ondelete="CASCADE")
    day: date
    reason: str = Field(default="", max_length=200)


class GuideAssignment(SQLModel, table=True):
    """A guide on a programme slot; a conflict can only be overridden by a user with
    « valider », with a reason (kept here and in the audit log)."""

    __tablename__ = "guide_assignments"
    __table_args__ = (Index("ix_guide_assignments_guide_day", "guide_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    guide_id: int = Field(foreign_key="guides.id", ondelete="CASCADE")
    booking_id: int = Field(foreign_key="bookings.id", index=True, ondelete="CASCADE")
    programme_item_id: int = Field(
        foreign_key="booking_programme_items.id", index=True, ondelete="CASCADE"
    )
    day: date
    start_time: time | None = Field(default=None)
    end_time: time | None = Field(default=None)
    forced_reason: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
