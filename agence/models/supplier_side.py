"""The supplier side of a dossier: each exchange with a supplier about its services."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from agence.models.base import utcnow


class SupplierExchange(SQLModel, table=True):
    """A request, an answer, a call…: what was said to or by a supplier for a dossier."""

    __tablename__ = "supplier_exchanges"

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="bookings.id", index=True, ondelete="CASCADE")
    supplier_id: int = Field(foreign_key="suppliers.id", index=True, ondelete="CASCADE")
    at: datetime = Field(default_factory=utcnow)
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    user_label: str = Field(default="", max_length=200)
    kind: str = Field(default="email", max_length=12)
    direction: str = Field(default="envoye", max_length=8)
    summary: str = Field(max_length=2000)
