"""Invoices (deposit, final, credit note), their numbering counters, payments and their
allocation to invoices, and supplier invoices of a dossier."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from agence.models.base import Timestamped, utcnow


class InvoiceCounter(SQLModel, table=True):
    """The last number of one series (« FA-VDL-2026 »), read under a row lock when issuing."""

    __tablename__ = "invoice_counters"

    series: str = Field(primary_key=True, max_length=30)
    last_number: int = Field(default=0)


class Invoice(Timestamped, table=True):
    """A deposit invoice, a final invoice or a credit note of a dossier. A draft has no number;
    an issued one never changes (a credit note corrects it)."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("series", "sequence", name="uq_invoices_series"),
        CheckConstraint("(status = 'brouillon') = (number IS NULL)", name="number_when_issued"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10, index=True)  # acompte / solde / avoir
    status: str = Field(default="brouillon", max_length=10, index=True)  # brouillon / emise
    number: str | None = Field(default=None, max_length=40, unique=True)
    series: str | None = Field(default=None, max_length=30)
    sequence: int | None = Field(default=None)
    booking_id: int = Field(foreign_key="bookings.id", index=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    site_id: int = Field(foreign_key="agency_sites.id", index=True)
    corrects_id: int | None = Field(default=None, foreign_key="invoices.id", index=True)
    issued_on: date | None = Field(default=None, index=True)
    due_on: date | None = Field(default=None, index=True)
    service_from: date | None = Field(default=None)
    service_to: date | None = Field(default=None)
    deposit_percent: Decimal | None = Field(default=None, max_digits=6, decimal_places=2)
    # The client as invoiced (kept: the invoice never changes when the client file does).
    client_name: str = Field(default="", max_length=200)
    client_address: str = Field(default="", max_length=600)
    client_siren: str = Field(default="", max_length=14)
    client_vat_number: str = Field(default="", max_length=13)
    client_is_company: bool = Field(default=True)
    total_excl_vat: Decimal = Field(default=Decimal(0), max_digits=14, decimal_places=2)
    total_vat: Decimal = Field(default=Decimal(0), max_digits=14, decimal_places=2)
    total_incl_vat: Decimal = Field(default=Decimal(0), max_digits=14, decimal_places=2)
    deposits_deducted: Decimal = Field(default=Decimal(0), max_digits=14, decimal_places=2)
    amount_due: Decimal = Field(default=Decimal(0), max_digits=14, decimal_places=2, index=True)
    # VAT on the margin (travel-agency scheme): kept for the accounts, never printed.
    margin_base: Decimal = Field(default=Decimal(0), max_digits=14, decimal_places=2)
    margin_vat: Decimal = Field(default=Decimal(0), max_digits=14, decimal_places=2)
    margin_estimated: bool = Field(default=False)
    # What it adds to the revenue, kept when issued (billing.revenue_parts; None for a draft).
    revenue_excl_vat: Decimal | None = Field(default=None, max_digits=20, decimal_places=6)
    gross_margin: Decimal | None = Field(default=None, max_digits=20, decimal_places=6)
    payment_terms: str = Field(default="", max_length=300)
    buyer_reference: str = Field(default="", max_length=100)  # Chorus Pro service code
    engagement_number: str = Field(default="", max_length=50)  # public buyer's order number
    notes: str = Field(default="", max_length=2000)
    document_id: int | None = Field(
        default=None, foreign_key="party_documents.id", ondelete="SET NULL"
    )
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    issued_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    issued_at: datetime | None = Field(default=None)
    chorus_flow: str = Field(default="", max_length=60)
    chorus_status: str = Field(default="", max_length=40)
    chorus_status_at: datetime | None = Field(default=None)
    chorus_message: str = Field(default="", max_length=1000)


class InvoiceLine(SQLModel, table=True):
    __tablename__ = "invoice_lines"
    __table_args__ = (
        # The statistics sum an invoice's own lines by regime: read from the index alone.
        Index(
            "ix_invoice_lines_invoice_parts",
            "invoice_id",
            "deducted_invoice_id",
            "regime",
            "total_incl_vat",
            "total_vat",
        ),
        Index("ix_invoice_lines_deducted_invoice_id", "deducted_invoice_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoices.id", index=True, ondelete="CASCADE")
    position: int = Field(default=0)
    label: str = Field(max_length=300)
    quantity: Decimal = Field(default=Decimal(1), max_digits=12, decimal_places=2)
    unit_price: Decimal = Field(max_digits=14, decimal_places=4)  # HT (normal) or TTC (margin)
    regime: str = Field(default="margin", max_length=10)  # margin / normal
    vat_rate: Decimal = Field(default=Decimal(0), max_digits=5, decimal_places=2)
    total_excl_vat: Decimal = Field(default=Decimal(0), max_digits=14, decimal_places=2)
    total_vat: Decimal = Field(default=Decimal(0), max_digits=14, decimal_places=2)
    total_incl_vat: Decimal = Field(default=Decimal(0), max_digits=14, decimal_places=2)
    deducted_invoice_id: int | None = Field(default=None, foreign_key="invoices.id")


class Payment(Timestamped, table=True):
    """Money received from a client (or refunded to him: a negative amount)."""

    __tablename__ = "payments"

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    received_on: date = Field(index=True)
    amount: Decimal = Field(max_digits=14, decimal_places=2)
    payment_method_id: int | None = Field(
        default=None, foreign_key="payment_methods.id", ondelete="SET NULL"
    )
    bank_reference: str = Field(default="", max_length=100)
    payer: str = Field(default="", max_length=200)
    notes: str = Field(default="", max_length=1000)
    is_refund: bool = Field(default=False)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


class PaymentAllocation(SQLModel, table=True):
    """The part of a payment settled against one invoice (lettrage)."""

    __tablename__ = "payment_allocations"
    __table_args__ = (
        # What was paid on each invoice (receivables, unpaid, dossiers' detail): index only.
        Index("ix_payment_allocations_invoice_amount", "invoice_id", "amount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="payments.id", index=True, ondelete="CASCADE")
    invoice_id: int = Field(foreign_key="invoices.id", index=True)
    amount: Decimal = Field(max_digits=14, decimal_places=2)
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


class InvoiceSettlement(SQLModel, table=True):
    """What settled an issued invoice so far: the payments allocated to it and the issued credit
    notes correcting it. Kept by billing.settlements in the transaction of each issue,
    allocation and payment deletion, so that the lists and statistics read one row per invoice
    instead of summing every allocation. The invoice itself never changes."""

    __tablename__ = "invoice_settlements"
    __table_args__ = (
        # The invoices with something left to pay (unpaid list, receivables): a range read.
        Index("ix_invoice_settlements_remaining", "remaining"),
    )

    invoice_id: int = Field(foreign_key="invoices.id", primary_key=True)
    paid: Decimal = Field(default=Decimal("0.00"), max_digits=14, decimal_places=2)
    """The sum of the payments' allocations to the invoice."""
    credited: Decimal = Field(default=Decimal("0.00"), max_digits=14, decimal_places=2)
    """What issued credit notes take off it: the sum of their amounts due (positive)."""
    credited_total: Decimal = Field(default=Decimal("0.00"), max_digits=14, decimal_places=2)
    """The sum of those credit notes' totals (positive): equal to the invoice's total when
    they cancel it (a final invoice's credit note gives back the deposits it deducted too)."""
    remaining: Decimal = Field(default=Decimal("0.00"), max_digits=14, decimal_places=2)
    """Amount due − paid − credited: above zero still due, below zero the client's credit."""


class BookingInvoicing(SQLModel, table=True):
    """What a dossier's issued invoices bill and what was paid on them, summed from its
    invoices and their settlement rows by billing.settlements in the same transaction (a
    dossier without an issued invoice has no row): the order book, the outstanding and the
    dossiers' statistics read one row per dossier."""

    __tablename__ = "booking_invoicing"

    booking_id: int = Field(foreign_key="bookings.id", primary_key=True, ondelete="CASCADE")
    invoiced_for_good: Decimal = Field(default=Decimal("0.00"), max_digits=14, decimal_places=2)
    """What no later invoice will bill again: deposits net of their credit notes, the final
    invoice's amount due unless credit notes cancelled it (`outstanding.invoiced_on`)."""
    invoiced_total: Decimal = Field(default=Decimal("0.00"), max_digits=14, decimal_places=2)
    """The invoices' totals including VAT, less the deposits a final invoice deducts, credit
    notes negative: what the dossier was invoiced."""
    paid: Decimal = Field(default=Decimal("0.00"), max_digits=14, decimal_places=2)
    """What payments settled on its invoices."""


class SupplierInvoice(Timestamped, table=True):
    """A supplier's invoice for services of a dossier: the real cost behind the margin, and the
    purchases of the accounts."""

    __tablename__ = "supplier_invoices"

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="bookings.id", index=True)
    supplier_id: int = Field(foreign_key="suppliers.id", index=True)
    reference: str = Field(max_length=60)
    invoiced_on: date = Field(index=True)
    due_on: date | None = Field(default=None, index=True)
    amount_incl_vat: Decimal = Field(max_digits=14, decimal_places=2)
    vat_amount: Decimal = Field(default=Decimal(0), max_digits=14, decimal_places=2)
    notes: str = Field(default="", max_length=1000)
    document_id: int | None = Field(
        default=None, foreign_key="party_documents.id", ondelete="SET NULL"
    )
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


class ChorusSettings(Timestamped, table=True):
    """The agency's Chorus Pro access (one row): PISTE application and technical account;
    secrets stored encrypted."""

    __tablename__ = "chorus_settings"

    id: int | None = Field(default=None, primary_key=True)
    token_url: str = Field(default="", max_length=300)
    api_url: str = Field(default="", max_length=300)
    client_id: str = Field(default="", max_length=200)
    client_secret_encrypted: str = Field(default="", max_length=1000)
    account_login: str = Field(default="", max_length=200)
    account_password_encrypted: str = Field(default="", max_length=1000)
    supplier_structure_id: str = Field(default="", max_length=30)
    updated_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
