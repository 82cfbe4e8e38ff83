"""Sales follow-up: segmentation, saved segments, visit reports, client terms."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from agence.models.base import Timestamped


class ClientCategory(Timestamped, table=True):
    __tablename__ = "client_categories"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)


class ClientCategoryLink(SQLModel, table=True):
    __tablename__ = "client_category_links"

    client_id: int = Field(foreign_key="clients.id", primary_key=True, ondelete="CASCADE")
    category_id: int = Field(
        foreign_key="client_categories.id", primary_key=True, index=True, ondelete="CASCADE"
    )


class Tag(SQLModel, table=True):
    __tablename__ = "tags"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=50, unique=True)


class ClientTag(SQLModel, table=True):
    __tablename__ = "client_tags"

    client_id: int = Field(foreign_key="clients.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="tags.id", primary_key=True, index=True, ondelete="CASCADE")


class Segment(Timestamped, table=True):
    """A saved filter of a listing (clients: a segment, reused later for mailings and
    statistics; dossiers: a saved filter)."""

    __tablename__ = "segments"

    id: int | None = Field(default=None, primary_key=True)
    list_key: str = Field(default="clients", max_length=20, index=True)
    name: str = Field(max_length=100)
    owner_id: int | None = Field(
        default=None, foreign_key="users.id", index=True, ondelete="CASCADE"
    )
    shared: bool = Field(default=False)
    query: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class VisitReport(Timestamped, table=True):
    """A visit (or call, meeting) report, written in the field; saved as a draft while typed."""

    __tablename__ = "visit_reports"

    id: int | None = Field(default=None, primary_key=True)
    client_id: int | None = Field(
        default=None, foreign_key="clients.id", index=True, ondelete="CASCADE"
    )
    sales_rep_id: int | None = Field(
        default=None, foreign_key="users.id", index=True, ondelete="SET NULL"
    )
    kind: str = Field(default="visite", max_length=20)
    visit_on: date | None = Field(default=None, index=True)
    subject: str = Field(default="", max_length=200)
    body: str = Field(default="", max_length=20000)
    interest: str = Field(default="", max_length=10)
    next_action_kind: str = Field(default="", max_length=20)
    next_action_on: date | None = Field(default=None)
    status: str = Field(default="brouillon", max_length=12, index=True)
    deleted_at: datetime | None = Field(default=None)


class VisitReportContact(SQLModel, table=True):
    __tablename__ = "visit_report_contacts"

    report_id: int = Field(foreign_key="visit_reports.id", primary_key=True, ondelete="CASCADE")
    contact_id: int = Field(
        foreign_key="contacts.id", primary_key=True, index=True, ondelete="CASCADE"
    )


class ProductType(Timestamped, table=True):
    """Types of services (visite, restauration, hébergement…): an editable list."""

    __tablename__ = "product_types"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    label: str = Field(max_length=80)
    position: int = Field(default=0)
    active: bool = Field(default=True)


class ClientDiscount(Timestamped, table=True):
    """A client's preferential rate: a % off everything, or off one type of service."""

    __tablename__ = "client_discounts"

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="clients.id", index=True, ondelete="CASCADE")
    product_type_id: int | None = Field(
        default=None, foreign_key="product_types.id", ondelete="CASCADE"
    )
    percent: Decimal = Field(max_digits=5, decimal_places=2)
    valid_from: date | None = Field(default=None)
    valid_to: date | None = Field(default=None)
    deleted_at: datetime | None = Field(default=None)


class ClientContract(Timestamped, table=True):
    """A framework agreement: negotiated conditions and how the client is invoiced."""

    __tablename__ = "client_contracts"

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="clients.id", index=True, ondelete="CASCADE")
    reference: str = Field(max_length=60)
    starts_on: date
    ends_on: date | None = Field(default=None)
    conditions: str = Field(default="", max_length=4000)
    invoicing_mode: str = Field(default="par_dossier", max_length=20)
    document_id: int | None = Field(
        default=None, foreign_key="party_documents.id", ondelete="SET NULL"
    )
    deleted_at: datetime | None = Field(default=None)


class AppSetting(SQLModel, table=True):
    """A parameter of the whole application (e.g. months without a visit before « à voir »)."""

    __tablename__ = "app_settings"

    key: str = Field(primary_key=True, max_length=60)
    value: str = Field(default="", max_length=500)
