"""What an invoice or credit note says, as plain data: the billing services read the database
into these (`invoice_documents`), the invoice PDF and the Factur-X XML read only these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from agence.services.billing.vocabulary import InvoiceKind
from agence.services.documents.content import Addressee, Branding


@dataclass(frozen=True)
class InvoiceLineContent:
    """One line as invoiced. Margin-scheme lines are priced including VAT and show no VAT
    (their `vat_rate` and `total_vat` are 0); normal lines carry their rate and VAT."""

    label: str
    quantity: Decimal
    unit_price: Decimal  # excluding VAT on normal lines, including VAT on margin lines
    regime: str  # "margin" or "normal"
    vat_rate: Decimal
    total_excl_vat: Decimal
    total_vat: Decimal
    total_incl_vat: Decimal


@dataclass(frozen=True)
class VatBreakdown:
    """Totals per VAT rate; the margin scheme's lines form one group of category "E"."""

    category: str  # "S" (standard / reduced rates) or "E" (margin scheme, VATEX-EU-D)
    rate: Decimal
    base: Decimal  # excluding VAT ("S"), including VAT ("E")
    vat: Decimal


@dataclass(frozen=True)
class DeductedInvoice:
    number: str
    issued_on: date
    amount: Decimal  # including VAT


@dataclass(frozen=True)
class InvoiceDocument:
    """An issued invoice or credit note, with every mention the law asks for."""

    kind: InvoiceKind
    language: str
    branding: Branding
    number: str
    issued_on: date
    due_on: date | None
    service_from: date | None
    service_to: date | None
    reference: str  # the dossier's reference
    title: str  # the dossier's title
    client: Addressee
    client_siren: str = ""  # SIREN or SIRET of a business client
    client_vat_number: str = ""
    client_is_company: bool = True
    lines: tuple[InvoiceLineContent, ...] = ()
    vat_breakdown: tuple[VatBreakdown, ...] = ()
    total_excl_vat: Decimal = Decimal(0)
    total_vat: Decimal = Decimal(0)
    total_incl_vat: Decimal = Decimal(0)
    deducted: tuple[DeductedInvoice, ...] = ()  # final invoice: the deposit invoices
    deposits_deducted: Decimal = Decimal(0)
    amount_due: Decimal = Decimal(0)
    corrects: DeductedInvoice | None = None  # credit note: the invoice it corrects
    margin_scheme: bool = False  # some line is under the margin scheme
    payment_terms: str = ""  # in words
    payment_methods: tuple[str, ...] = ()
    late_penalty_rate: str = ""  # e.g. "taux de refinancement de la BCE majoré de 10 points"
    early_payment_discount: str = ""  # default « pas d'escompte pour paiement anticipé »
    buyer_reference: str = ""  # Chorus Pro service code (BT-10)
    order_reference: str = ""  # engagement number (BT-13)
    notes: str = ""
