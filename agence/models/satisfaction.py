"""Satisfaction surveys of dossiers: one answer (by staff, or by the client through a link),
an overall score, a score per service, a comment and whether they would recommend us."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from agence.models.base import utcnow


class SatisfactionSurvey(SQLModel, table=True):
    __tablename__ = "satisfaction_surveys"

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="bookings.id", index=True, ondelete="CASCADE")
    token_digest: str | None = Field(default=None, max_length=64, unique=True)
    """SHA-256 of the link's token: the link itself is never stored."""
    contact_email: str = Field(default="", max_length=254)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = Field(default=None)
    answered_at: datetime | None = Field(default=None, index=True)
    entered_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    """Staff who typed the answer (none: the client answered through the link)."""
    overall: int | None = Field(default=None)
    would_recommend: bool | None = Field(default=None)
    comment: str = Field(default="", max_length=2000)


class SatisfactionScore(SQLModel, table=True):
    __tablename__ = "satisfaction_scores"

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="satisfaction_surveys.id", index=True, ondelete="CASCADE")
    product_id: int | None = Field(
        default=None, foreign_key="products.id", index=True, ondelete="SET NULL"
    )
    label: str = Field(max_length=200)
    score: int
