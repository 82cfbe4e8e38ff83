"""Third parties (tiers): clients and prospects, suppliers, their contacts, addresses, documents."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Column, Index
from sqlmodel import Field, SQLModel

from agence.models.base import Timestamped, utcnow

_ONE_PARTY = "(client_id IS NULL) <> (supplier_id IS NULL)"
_ONE_OWNER = (
    " + ".join(
        f"(CASE WHEN {owner} IS NULL THEN 0 ELSE 1 END)"
        for owner in ("client_id", "supplier_id", "product_id", "booking_id")
    )
    + " = 1"
)


class Client(Timestamped, table=True):
    """A client or a prospect: a company, a body, or a person."""

    __tablename__ = "clients"
    __table_args__ = (
        Index("ix_clients_rep_name", "sales_rep_id", "name"),
        Index("ix_clients_status_name", "status", "name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    is_company: bool = Field(default=True)
    name: str = Field(max_length=200, index=True)
    first_name: str = Field(default="", max_length=80)
    last_name: str = Field(default="", max_length=80)
    search_name: str = Field(default="", max_length=200, index=True)
    """The name without accents, case or punctuation: duplicates and sorting."""
    search_text: str = Field(default="", max_length=600)
    """Name, city, postcode, e-mail, SIRET, account and phone, normalized: the one column the
    list's search scans (one LIKE instead of one per column)."""
    client_type: str = Field(max_length=30, index=True)
    status: str = Field(default="prospect", max_length=20, index=True)
    siret: str = Field(default="", max_length=14, index=True)
    vat_number: str = Field(default="", max_length=13)
    chorus_buyer_siret: str = Field(default="", max_length=14)
    chorus_service_code: str = Field(default="", max_length=100)
    chorus_engagement_required: bool = Field(default=False)
    language: str = Field(default="fr", max_length=2)
    payment_term_id: int | None = Field(
        default=None, foreign_key="payment_terms.id", ondelete="SET NULL"
    )
    payment_method_id: int | None = Field(
        default=None, foreign_key="payment_methods.id", ondelete="SET NULL"
    )
    credit_limit: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    cancellation_schedule: list[dict] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    """The client's cancellation terms: [{"days": 30, "percent": "30"}, …] of the dossier's
    price due when cancelling that many days or fewer before the start."""
    account_code: str = Field(max_length=12, unique=True)
    email: str = Field(default="", max_length=254, index=True)
    phone: str = Field(default="", max_length=30)
    website: str = Field(default="", max_length=200)
    notes: str = Field(default="", max_length=4000)
    sales_rep_id: int | None = Field(
        default=None, foreign_key="users.id", index=True, ondelete="SET NULL"
    )
    city: str = Field(default="", max_length=100, index=True)
    postcode: str = Field(default="", max_length=10, index=True)
    department: str = Field(default="", max_length=3, index=True)
    last_visit_on: date | None = Field(default=None, index=True)
    revenue: Decimal = Field(default=Decimal(0), max_digits=14, decimal_places=2, index=True)
    """Revenue of the last twelve months, kept up to date by invoicing."""
    next_action_kind: str = Field(default="", max_length=20)
    next_action_on: date | None = Field(default=None, index=True)
    next_action_note: str = Field(default="", max_length=300)
    deleted_at: datetime | None = Field(default=None)
    """Soft deletion. Not indexed on purpose: nearly every row has NULL, and an index there
    leads SQLite away from the index of the sorted column."""


class Supplier(Timestamped, table=True):
    """Who sells us a service: hotel, restaurant, site, coach company, guide, venue…"""

    __tablename__ = "suppliers"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    search_name: str = Field(default="", max_length=200, index=True)
    search_text: str = Field(default="", max_length=600)
    supplier_type: str = Field(max_length=30, index=True)
    siret: str = Field(default="", max_length=14, index=True)
    vat_number: str = Field(default="", max_length=13)
    email: str = Field(default="", max_length=254, index=True)
    phone: str = Field(default="", max_length=30)
    website: str = Field(default="", max_length=200)
    payment_term_id: int | None = Field(
        default=None, foreign_key="payment_terms.id", ondelete="SET NULL"
    )
    default_vat_regime: str = Field(default="marge", max_length=10)
    default_vat_rate_id: int | None = Field(
        default=None, foreign_key="vat_rates.id", ondelete="SET NULL"
    )
    account_code: str = Field(max_length=12, unique=True)
    free_places: int = Field(default=0)
    free_places_per: int = Field(default=0)
    """The supplier's free-place rule: `free_places` free per `free_places_per` paying."""
    option_deadline_days: int | None = Field(default=None)
    cancellation_terms: str = Field(default="", max_length=4000)
    cancellation_schedule: list[dict] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    """[{"days": 30, "percent": "30"}, …]: the share of the price due when cancelling
    `days` days or fewer before the service."""
    notes: str = Field(default="", max_length=4000)
    city: str = Field(default="", max_length=100, index=True)
    postcode: str = Field(default="", max_length=10)
    department: str = Field(default="", max_length=3, index=True)
    active: bool = Field(default=True)
    deleted_at: datetime | None = Field(default=None)


class Contact(Timestamped, table=True):
    __tablename__ = "contacts"
    __table_args__ = (CheckConstraint(_ONE_PARTY, name="one_party"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int | None = Field(
        default=None, foreign_key="clients.id", index=True, ondelete="CASCADE"
    )
    supplier_id: int | None = Field(
        default=None, foreign_key="suppliers.id", index=True, ondelete="CASCADE"
    )
    civility: str = Field(default="", max_length=10)
    first_name: str = Field(default="", max_length=80)
    last_name: str = Field(max_length=80)
    role: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254, index=True)
    phone: str = Field(default="", max_length=30)
    mobile: str = Field(default="", max_length=30)
    is_main: bool = Field(default=False)
    email_opt_out: bool = Field(default=False)
    notes: str = Field(default="", max_length=1000)
    deleted_at: datetime | None = Field(default=None)


class Address(Timestamped, table=True):
    __tablename__ = "addresses"
    __table_args__ = (CheckConstraint(_ONE_PARTY, name="one_party"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int | None = Field(
        default=None, foreign_key="clients.id", index=True, ondelete="CASCADE"
    )
    supplier_id: int | None = Field(
        default=None, foreign_key="suppliers.id", index=True, ondelete="CASCADE"
    )
    kind: str = Field(default="facturation", max_length=20)
    label: str = Field(default="", max_length=100)
    line1: str = Field(max_length=200)
    line2: str = Field(default="", max_length=200)
    postcode: str = Field(default="", max_length=10)
    city: str = Field(max_length=100)
    country: str = Field(default="FR", max_length=2)
    is_default: bool = Field(default=False)
    deleted_at: datetime | None = Field(default=None)


class PartyDocument(SQLModel, table=True):
    """A private file of a client, a supplier, a product or a dossier (signed contract, price
    list, rooming list from the client…)."""

    __tablename__ = "party_documents"
    __table_args__ = (CheckConstraint(_ONE_OWNER, name="one_owner"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int | None = Field(
        default=None, foreign_key="clients.id", index=True, ondelete="CASCADE"
    )
    supplier_id: int | None = Field(
        default=None, foreign_key="suppliers.id", index=True, ondelete="CASCADE"
    )
    product_id: int | None = Field(
        default=None, foreign_key="products.id", index=True, ondelete="CASCADE"
    )
    booking_id: int | None = Field(
        default=None, foreign_key="bookings.id", index=True, ondelete="CASCADE"
    )
    title: str = Field(max_length=200)
    file_name: str = Field(max_length=200)
    stored_name: str = Field(max_length=200)
    mime_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    # A document the agency generated and kept (sent or signed): its kind, language and the
    # dossier version it was made from; "" for a file a user uploaded.
    kind: str = Field(default="", max_length=30)
    language: str = Field(default="", max_length=2)
    version: int | None = Field(default=None)
    uploaded_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    uploaded_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = Field(default=None)
