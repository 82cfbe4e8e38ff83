"""Stock of the catalogue: how many places a product offers per day or per time slot over a
period, and what the dossiers' options and confirmations take from it."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from agence.models.base import Timestamped, utcnow


class ProductCapacity(Timestamped, table=True):
    """« 50 places at 10:00 every day from April to October », « 40 rooms a night »."""

    __tablename__ = "product_capacities"

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="products.id", index=True, ondelete="CASCADE")
    label: str = Field(default="", max_length=80)
    valid_from: date
    valid_to: date
    start_time: time | None = Field(default=None)
    """A time slot (a guided tour at 10:00); none: the capacity of the whole day."""
    capacity: int


class StockReservation(SQLModel, table=True):
    """What one dossier takes from one slot of one day (an option or a confirmation)."""

    __tablename__ = "stock_reservations"
    __table_args__ = (
        UniqueConstraint("booking_id", "capacity_id", "day", name="uq_stock_reservations"),
        Index("ix_stock_reservations_capacity_day", "capacity_id", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    capacity_id: int = Field(foreign_key="product_capacities.id", ondelete="CASCADE")
    product_id: int = Field(foreign_key="products.id", index=True, ondelete="CASCADE")
    day: date
    booking_id: int = Field(foreign_key="bookings.id", index=True, ondelete="CASCADE")
    quantity: int
    status: str = Field(default="option", max_length=12)
    updated_at: datetime = Field(default_factory=utcnow)
