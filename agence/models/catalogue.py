"""The services catalogue: products (prestations), their tariffs, the client's negotiated prices,
saved costings and the pre-built catalogue dossiers."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from agence.models.base import Timestamped


class ParticipantCategory(Timestamped, table=True):
    """Who a tariff is for (adulte, enfant, étudiant, senior, gratuit): an editable list."""

    __tablename__ = "participant_categories"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    label: str = Field(max_length=80)
    position: int = Field(default=0)
    active: bool = Field(default=True)


class Product(Timestamped, table=True):
    """A service the agency sells: bought from a supplier (VAT on margin), or its own (normal
    VAT)."""

    __tablename__ = "products"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    search_name: str = Field(default="", max_length=200, index=True)
    search_text: str = Field(default="", max_length=600)
    product_type_id: int = Field(foreign_key="product_types.id", index=True)
    supplier_id: int | None = Field(
        default=None, foreign_key="suppliers.id", index=True, ondelete="SET NULL"
    )
    description_fr: str = Field(default="", max_length=4000)
    description_en: str = Field(default="", max_length=4000)
    duration_minutes: int | None = Field(default=None)
    capacity_min: int | None = Field(default=None)
    capacity_max: int | None = Field(default=None)
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    accessible: bool = Field(default=False)
    """Accessible to people with reduced mobility (PMR)."""
    accessibility_notes: str = Field(default="", max_length=500)
    meeting_point: str = Field(default="", max_length=300)
    opening_hours: str = Field(default="", max_length=500)
    tags: str = Field(default="", max_length=300)
    basis: str = Field(default="personne", max_length=10)
    """personne, groupe (a flat rate) or unite (one unit per `unit_capacity` people)."""
    unit_capacity: int | None = Field(default=None)
    vat_rate_id: int | None = Field(default=None, foreign_key="vat_rates.id", ondelete="SET NULL")
    vat_regime: str = Field(default="marge", max_length=10)
    sales_account: str = Field(default="", max_length=12)
    purchase_account: str = Field(default="", max_length=12)
    analytic_code: str = Field(default="", max_length=20)
    free_places: int = Field(default=0)
    free_places_per: int = Field(default=0)
    option_deadline_days: int | None = Field(default=None)
    cancellation_terms: str = Field(default="", max_length=4000)
    cancellation_schedule: list[dict] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    active: bool = Field(default=True, index=True)
    deleted_at: datetime | None = Field(default=None)


class Rate(Timestamped, table=True):
    """A tariff of a product: for a period, some days of the week, a group-size tier and a
    participant category; a purchase price and either a sale price or a markup."""

    __tablename__ = "rates"
    __table_args__ = (Index("ix_rates_lookup", "product_id", "valid_from", "valid_to"),)

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="products.id", ondelete="CASCADE")
    label: str = Field(default="", max_length=80)
    valid_from: date
    valid_to: date
    days: str = Field(default="tous", max_length=10)
    """tous, semaine (Monday to Friday) or weekend (Saturday and Sunday)."""
    min_group: int = Field(default=1)
    max_group: int | None = Field(default=None)
    """Tier bounds on the number of paying participants, both included; no maximum = « et plus »."""
    participant_category_id: int = Field(foreign_key="participant_categories.id", index=True)
    purchase_price: Decimal = Field(max_digits=12, decimal_places=4)
    sale_price: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    markup_percent: Decimal | None = Field(default=None, max_digits=6, decimal_places=2)


class NegotiatedPrice(Timestamped, table=True):
    """A client's negotiated sale price for one product over a period (contract, habit)."""

    __tablename__ = "negotiated_prices"

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="clients.id", index=True, ondelete="CASCADE")
    product_id: int = Field(foreign_key="products.id", index=True, ondelete="CASCADE")
    unit_price: Decimal = Field(max_digits=12, decimal_places=2)
    valid_from: date | None = Field(default=None)
    valid_to: date | None = Field(default=None)
    note: str = Field(default="", max_length=200)
    deleted_at: datetime | None = Field(default=None)


class Costing(Timestamped, table=True):
    """A saved costing (cotation): the group, the global terms and its lines."""

    __tablename__ = "costings"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, index=True)
    client_id: int | None = Field(
        default=None, foreign_key="clients.id", index=True, ondelete="SET NULL"
    )
    service_date: date | None = Field(default=None)
    paying: int = Field(default=20)
    free: int = Field(default=0)
    staff: int = Field(default=0)
    client_free: int = Field(default=0)
    client_free_per: int = Field(default=0)
    markup_percent: Decimal = Field(default=Decimal(0), max_digits=6, decimal_places=2)
    fee_per_group: Decimal = Field(default=Decimal(0), max_digits=12, decimal_places=2)
    fee_per_person: Decimal = Field(default=Decimal(0), max_digits=12, decimal_places=2)
    rounding: Decimal = Field(default=Decimal("1.00"), max_digits=6, decimal_places=2)
    grid: str = Field(default="20,25,30,35,40,45,50", max_length=100)
    notes: str = Field(default="", max_length=2000)
    is_template: bool = Field(default=False, index=True)
    """The costing of a catalogue dossier: listed with its dossier, not among the quick costings."""
    for_booking: bool = Field(default=False, index=True)
    """The costing of a dossier's version (bookings.costing_id, booking_versions.costing_id):
    not a quick costing either."""
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    deleted_at: datetime | None = Field(default=None)


class CostingLine(SQLModel, table=True):
    __tablename__ = "costing_lines"

    id: int | None = Field(default=None, primary_key=True)
    costing_id: int = Field(foreign_key="costings.id", index=True, ondelete="CASCADE")
    position: int = Field(default=0)
    label: str = Field(max_length=200)
    product_id: int | None = Field(
        default=None, foreign_key="products.id", index=True, ondelete="SET NULL"
    )
    rate_id: int | None = Field(default=None, foreign_key="rates.id", ondelete="SET NULL")
    supplier_id: int | None = Field(default=None, foreign_key="suppliers.id", ondelete="SET NULL")
    product_type_id: int | None = Field(
        default=None, foreign_key="product_types.id", ondelete="SET NULL"
    )
    basis: str = Field(default="person", max_length=10)
    quantity: Decimal = Field(default=Decimal(1), max_digits=10, decimal_places=2)
    unit_cost: Decimal = Field(max_digits=12, decimal_places=4)
    cost_from_rate: bool = Field(default=False)
    """The unit cost follows the product's tariff (re-read when the date or group changes)."""
    vat_rate: Decimal = Field(default=Decimal(20), max_digits=5, decimal_places=2)
    regime: str = Field(default="margin", max_length=10)
    for_paying: bool = Field(default=True)
    for_free: bool = Field(default=True)
    for_staff: bool = Field(default=False)
    capacity: int | None = Field(default=None)
    supplier_free: int = Field(default=0)
    supplier_free_per: int = Field(default=0)
    markup_percent: Decimal | None = Field(default=None, max_digits=6, decimal_places=2)
    unit_sale_price: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    discount_percent: Decimal | None = Field(default=None, max_digits=5, decimal_places=2)
    price_from_client: bool = Field(default=False)
    """The sale price or discount comes from the client's preferential rates (re-read when the
    client or the date changes)."""
    price_note: str = Field(default="", max_length=200)
    attached_to: int | None = Field(default=None)
    """A related service (a lunch with its visit): the position of the line it belongs to;
    it stays right after it and goes with it."""
    supplier_status: str = Field(default="a_demander", max_length=12)
    """In a dossier: the booking with the supplier (à demander, option, confirmé, annulé)."""
    supplier_reference: str = Field(default="", max_length=60)
    supplier_option_until: date | None = Field(default=None, index=True)


class CatalogueDossier(Timestamped, table=True):
    """A pre-built product: a programme skeleton and a costing that a dossier starts from."""

    __tablename__ = "catalogue_dossiers"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    dossier_type: str = Field(default="journee", max_length=20)
    duration_days: int = Field(default=1)
    description: str = Field(default="", max_length=4000)
    costing_id: int | None = Field(default=None, foreign_key="costings.id", ondelete="SET NULL")
    active: bool = Field(default=True)
    deleted_at: datetime | None = Field(default=None)


class CatalogueProgrammeItem(Timestamped, table=True):
    """One slot of a catalogue dossier's programme: a day, a time, a product or free text."""

    __tablename__ = "catalogue_programme_items"

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="catalogue_dossiers.id", index=True, ondelete="CASCADE")
    day: int = Field(default=1)
    start_time: time | None = Field(default=None)
    end_time: time | None = Field(default=None)
    product_id: int | None = Field(default=None, foreign_key="products.id", ondelete="SET NULL")
    title: str = Field(default="", max_length=200)
    notes: str = Field(default="", max_length=1000)
