"""Dossiers (group bookings): the booking, its versions (costing and programme), its history
of status changes, its programme and the counters that number it per site and year."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from agence.models.base import Timestamped, utcnow


class BookingType(Timestamped, table=True):
    """Visite, journée, séjour, séminaire, scolaire, incentive: an editable list."""

    __tablename__ = "booking_types"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    label: str = Field(max_length=80)
    position: int = Field(default=0)
    active: bool = Field(default=True)


class BookingCounter(SQLModel, table=True):
    """The last number given to a dossier of a site in a year, taken under a row lock."""

    __tablename__ = "booking_counters"

    site_id: int = Field(foreign_key="agency_sites.id", primary_key=True)
    year: int = Field(primary_key=True)
    last_number: int = Field(default=0)


class Booking(Timestamped, table=True):
    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint("site_id", "year", "number", name="uq_bookings_site_year_number"),
        Index("ix_bookings_status_starts_on", "status", "starts_on"),
        Index("ix_bookings_status_option_until", "status", "option_until"),
        Index("ix_bookings_status_quote_sent_on", "status", "quote_sent_on"),
        # The statistics' periods: quotes sent in a period whatever their status now, dossiers
        # opened in a period (« date de réservation »).
        Index("ix_bookings_quote_sent_on", "quote_sent_on"),
        Index("ix_bookings_created_at", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=30, unique=True)
    site_id: int = Field(foreign_key="agency_sites.id", index=True)
    year: int
    number: int
    title: str = Field(max_length=200)
    search_text: str = Field(default="", max_length=600)
    booking_type_id: int = Field(foreign_key="booking_types.id", index=True)
    status: str = Field(default="demande", max_length=20, index=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contacts.id", ondelete="SET NULL")
    sales_rep_id: int | None = Field(
        default=None, foreign_key="users.id", index=True, ondelete="SET NULL"
    )
    catalogue_dossier_id: int | None = Field(
        default=None, foreign_key="catalogue_dossiers.id", ondelete="SET NULL"
    )
    starts_on: date = Field(index=True)
    ends_on: date = Field(index=True)
    start_time: time | None = Field(default=None)
    end_time: time | None = Field(default=None)
    paying: int = Field(default=20)
    free: int = Field(default=0)
    staff: int = Field(default=0)
    language: str = Field(default="fr", max_length=2)
    nationality: str = Field(default="", max_length=60)
    meeting_place: str = Field(default="", max_length=300)
    coach_company: str = Field(default="", max_length=200)
    driver_phone: str = Field(default="", max_length=30)
    reduced_mobility: bool = Field(default=False)
    dietary_needs: str = Field(default="", max_length=1000)
    internal_notes: str = Field(default="", max_length=4000)
    option_until: date | None = Field(default=None, index=True)
    """Until when the client's option holds (status « option »)."""
    quote_sent_on: date | None = Field(default=None)
    version: int = Field(default=1)
    """The current version; amendments after confirmation add one."""
    confirmed_version: int = Field(default=0)
    """The last version the client confirmed (0: none yet). A later version is an amendment
    being prepared: it can change until it is validated in turn."""
    costing_id: int | None = Field(
        default=None, foreign_key="costings.id", index=True, ondelete="SET NULL"
    )
    """The costing of the current version (joined by the follow-up board: indexed)."""
    price_per_paying: Decimal = Field(default=Decimal(0), max_digits=12, decimal_places=2)
    total_price: Decimal = Field(default=Decimal(0), max_digits=14, decimal_places=2, index=True)
    """What the client is quoted (current version), kept when the costing is saved."""
    total_cost: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    """What the suppliers' services of the current version cost (including VAT), kept with
    `total_price` when the costing is saved; None until the dossier was first summarized."""
    cancellation_fee: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    deleted_at: datetime | None = Field(default=None)


class BookingVersion(SQLModel, table=True):
    """A version of a dossier's costing and programme; the earlier ones stay readable."""

    __tablename__ = "booking_versions"
    __table_args__ = (UniqueConstraint("booking_id", "number", name="uq_booking_versions"),)

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="bookings.id", index=True, ondelete="CASCADE")
    number: int
    costing_id: int | None = Field(default=None, foreign_key="costings.id", ondelete="SET NULL")
    reason: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


class BookingEvent(SQLModel, table=True):
    """One step of a dossier's life: who, when, from which status to which, and why."""

    __tablename__ = "booking_events"
    __table_args__ = (
        # The confirmations of a period (prospecting, the dashboard report).
        Index("ix_booking_events_to_status_at", "to_status", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="bookings.id", index=True, ondelete="CASCADE")
    at: datetime = Field(default_factory=utcnow)
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    user_label: str = Field(default="", max_length=200)
    from_status: str = Field(default="", max_length=20)
    to_status: str = Field(max_length=20)
    comment: str = Field(default="", max_length=1000)


class BookingProgrammeItem(Timestamped, table=True):
    """One slot of a dossier's programme (in one version): a day, times, a service or free
    text, a meeting place with its coordinates, a transfer or not."""

    __tablename__ = "booking_programme_items"
    __table_args__ = (Index("ix_booking_programme_items_version", "booking_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="bookings.id", ondelete="CASCADE")
    version: int = Field(default=1)
    day: date
    position: int = Field(default=0)
    start_time: time | None = Field(default=None)
    end_time: time | None = Field(default=None)
    product_id: int | None = Field(default=None, foreign_key="products.id", ondelete="SET NULL")
    title: str = Field(default="", max_length=200)
    meeting_place: str = Field(default="", max_length=200)
    meeting_address: str = Field(default="", max_length=300)
    latitude: Decimal | None = Field(default=None, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(default=None, max_digits=9, decimal_places=6)
    is_transfer: bool = Field(default=False)
    notes: str = Field(default="", max_length=1000)


class Participant(Timestamped, table=True):
    """One person of the group (the optional rooming list)."""

    __tablename__ = "participants"

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="bookings.id", index=True, ondelete="CASCADE")
    last_name: str = Field(max_length=80)
    first_name: str = Field(default="", max_length=80)
    participant_category_id: int | None = Field(
        default=None, foreign_key="participant_categories.id", ondelete="SET NULL"
    )
    room_type: str = Field(default="", max_length=12)
    room: str = Field(default="", max_length=30)
    """Who shares a room: the same room label (« 12 », « Dupont/Martin »)."""
    dietary_needs: str = Field(default="", max_length=300)
    notes: str = Field(default="", max_length=500)


class BookingSoldLine(SQLModel, table=True):
    """One priced service of a dossier's current version, as its costing quotes it for the
    dossier's group: the summary the statistics read (products sold, purchases per supplier,
    cost and margin per dossier) without pricing every costing again. Rewritten in the same
    transaction as the costing it summarizes (`bookings.sold_lines.keep`).

    The `first_of_*` marks make « how many dossiers » a sum, like the amounts: the products
    report adds up the lines of a year once, per product, supplier and type at a time, instead
    of counting distinct dossiers per grouping (`sold_lines.first_marks`)."""

    __tablename__ = "booking_sold_lines"
    __table_args__ = (
        Index("ix_booking_sold_lines_product", "product_id", "booking_id"),
        Index("ix_booking_sold_lines_supplier", "supplier_id", "booking_id"),
        Index("ix_booking_sold_lines_product_type", "product_type_id", "booking_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="bookings.id", index=True, ondelete="CASCADE")
    position: int = Field(default=0)
    label: str = Field(default="", max_length=200)
    product_id: int | None = Field(default=None, foreign_key="products.id", ondelete="SET NULL")
    supplier_id: int | None = Field(default=None, foreign_key="suppliers.id", ondelete="SET NULL")
    product_type_id: int | None = Field(
        default=None, foreign_key="product_types.id", ondelete="SET NULL"
    )
    units: int = Field(default=0)
    """How many units the supplier is paid for (people, rooms, coaches…)."""
    persons: int = Field(default=0)
    """How many participants the service is for."""
    cost: Decimal = Field(default=Decimal(0), max_digits=14, decimal_places=2)
    """Its cost including VAT, supplier free places deducted."""
    sale: Decimal = Field(default=Decimal(0), max_digits=14, decimal_places=2)
    """Its sale price including VAT, before the dossier's fees and the price's rounding."""
    first_of_booking: int = Field(default=0)
    """1 on the dossier's first line, else 0: summed over lines, it counts dossiers."""
    first_of_product: int = Field(default=0)
    """1 on the dossier's first line of this product (none: « hors catalogue »), else 0."""
    first_of_supplier: int = Field(default=0)
    """1 on the dossier's first line of this supplier (none: the agency's own), else 0."""
    first_of_product_type: int = Field(default=0)
    """1 on the dossier's first line of this product type (none: untyped), else 0."""
