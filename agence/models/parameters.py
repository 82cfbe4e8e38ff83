"""Agency parameters: sites (branches), payment methods, payment terms, VAT rates."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Field

from agence.models.base import Timestamped


class AgencySite(Timestamped, table=True):
    __tablename__ = "agency_sites"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=6, unique=True)
    name: str = Field(max_length=120, index=True)
    address_line1: str = Field(default="", max_length=200)
    address_line2: str = Field(default="", max_length=200)
    postcode: str = Field(default="", max_length=10)
    city: str = Field(default="", max_length=100)
    country: str = Field(default="FR", max_length=2)
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=254)
    siret: str = Field(default="", max_length=14)
    vat_number: str = Field(default="", max_length=13)
    iban: str = Field(default="", max_length=34)
    bic: str = Field(default="", max_length=11)
    legal_form: str = Field(default="", max_length=60)
    share_capital: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    rcs: str = Field(default="", max_length=120)
    tourism_licence: str = Field(default="", max_length=60)
    legal_mentions: str = Field(default="", max_length=2000)
    logo_file: str = Field(default="", max_length=200)
    brand_color: str = Field(default="#1F4E79", max_length=7)
    is_default: bool = Field(default=False)
    active: bool = Field(default=True)


class PaymentMethod(Timestamped, table=True):
    __tablename__ = "payment_methods"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    label: str = Field(max_length=80)
    position: int = Field(default=0)
    active: bool = Field(default=True)


class PaymentTerm(Timestamped, table=True):
    __tablename__ = "payment_terms"

    id: int | None = Field(default=None, primary_key=True)
    label: str = Field(max_length=120, unique=True)
    rule: str = Field(max_length=30)
    days: int = Field(default=0)
    deposit_percent: Decimal | None = Field(default=None, max_digits=5, decimal_places=2)
    balance_days_before_departure: int = Field(default=0)
    is_default: bool = Field(default=False)
    active: bool = Field(default=True)


class VatRate(Timestamped, table=True):
    __tablename__ = "vat_rates"

    id: int | None = Field(default=None, primary_key=True)
    rate: Decimal = Field(max_digits=5, decimal_places=2, unique=True)
    label: str = Field(max_length=80)
    collected_account: str = Field(default="", max_length=12)
    deductible_account: str = Field(default="", max_length=12)
    active: bool = Field(default=True)
