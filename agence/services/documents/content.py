"""What a document says, as plain data: the builders read the database into these, the PDF
renderers and the letter templates read only these. Nothing here touches a session.

Amounts are Decimal (already rounded where the costing rounds); dates are `date`; texts are the
final texts in the document's language (the letter texts already rendered from their template).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path


class DocumentKind(StrEnum):
    QUOTE = "devis"
    CONTRACT = "contrat"
    AMENDMENT = "avenant"
    PROFORMA = "proforma"
    SUPPLIER_REQUEST = "demande_reservation"
    VOUCHER = "bon_echange"
    ROAD_BOOK = "road_book"
    INVOICE = "facture"  # the e-mail that carries an issued invoice or credit note


KIND_LABELS: dict[DocumentKind, str] = {
    DocumentKind.QUOTE: "Devis / programme",
    DocumentKind.CONTRACT: "Contrat",
    DocumentKind.AMENDMENT: "Avenant",
    DocumentKind.PROFORMA: "Facture pro forma",
    DocumentKind.SUPPLIER_REQUEST: "Demande de réservation",
    DocumentKind.VOUCHER: "Bon d'échange",
    DocumentKind.ROAD_BOOK: "Convocation / road book",
    DocumentKind.INVOICE: "Facture ou avoir (e-mail)",
}
SUPPLIER_KINDS = (DocumentKind.SUPPLIER_REQUEST, DocumentKind.VOUCHER)
LANGUAGES: dict[str, str] = {"fr": "Français", "en": "English"}

# Billing's stored words that documents read: an issued invoice's PDF is kept as it is, and its
# e-mail is a document kind. They mirror `InvoiceStatus.ISSUED` and `InvoiceKind` of
# agence/services/billing/vocabulary.py, which documents may not import (billing uses documents,
# never the reverse); tests/services/documents/test_billing_words.py keeps them equal.
INVOICE_ISSUED = "emise"
INVOICE_DEPOSIT = "acompte"
INVOICE_FINAL = "solde"
INVOICE_CREDIT_NOTE = "avoir"


@dataclass(frozen=True)
class Branding:
    """The agency site that issues the document: header, colours and the footer's mentions."""

    name: str
    address_lines: tuple[str, ...]
    phone: str = ""
    email: str = ""
    siret: str = ""
    vat_number: str = ""
    legal_form: str = ""
    share_capital: Decimal | None = None
    rcs: str = ""
    tourism_licence: str = ""
    legal_mentions: str = ""
    logo_path: Path | None = None
    color: str = "#1F4E79"
    iban: str = ""
    bic: str = ""


@dataclass(frozen=True)
class Addressee:
    """Who the document is for: a client or a supplier, its address and the contact person."""

    name: str
    address_lines: tuple[str, ...] = ()
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


@dataclass(frozen=True)
class ProgrammeEntry:
    time: str  # "09:30 – 11:00", "09:30" or ""
    title: str
    place: str = ""  # meeting place's name
    address: str = ""
    map_url: str = ""
    notes: str = ""
    is_transfer: bool = False
    guides: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProgrammeDay:
    day: date
    entries: tuple[ProgrammeEntry, ...]


@dataclass(frozen=True)
class Service:
    """A service of the dossier as the client sees it. `amount` is its share of the price for
    the whole group (including VAT); the quote does not print it, the amendment compares it."""

    label: str
    detail: str = ""  # "par personne", "forfait groupe", "2 × par unité"
    amount: Decimal | None = None
    attached: bool = False  # a related service printed under the one above


@dataclass(frozen=True)
class Group:
    starts_on: date
    ends_on: date
    start_time: str = ""
    end_time: str = ""
    paying: int = 0
    free: int = 0
    staff: int = 0
    language: str = ""  # the group's language, already in words
    meeting_place: str = ""
    coach_company: str = ""
    driver_phone: str = ""
    special_needs: str = ""  # PMR, dietary

    @property
    def people(self) -> int:
        return self.paying + self.free + self.staff


@dataclass(frozen=True)
class PriceRow:
    """A line of the optional price grid: the price per paying person for a group size."""

    paying: int
    price_per_paying: Decimal
    total: Decimal


@dataclass(frozen=True)
class LetterTexts:
    """The editable texts of the document (rendered from its template); empty parts are left
    out of the PDF."""

    introduction: str = ""
    not_included: str = ""
    terms: str = ""
    closing: str = ""


@dataclass(frozen=True)
class Change:
    """One difference of an amendment against the previous version."""

    kind: str  # "added", "removed", "changed"
    label: str
    before: str = ""
    after: str = ""
    amount_difference: Decimal = Decimal(0)


@dataclass(frozen=True)
class PaymentSchedule:
    deposit: Decimal | None = None
    deposit_due: date | None = None
    balance: Decimal | None = None
    balance_due: date | None = None
    terms_label: str = ""  # the client's payment terms in words


@dataclass(frozen=True)
class ClientDocument:
    """Quote/programme, contract, amendment, pro-forma and road book of one dossier version."""

    kind: DocumentKind
    language: str
    branding: Branding
    reference: str  # dossier reference, e.g. VDL-2026-0142
    title: str
    issued_on: date
    version: int
    client: Addressee
    group: Group
    sales_rep: Addressee
    programme: tuple[ProgrammeDay, ...] = ()
    services: tuple[Service, ...] = ()
    price_per_paying: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    price_grid: tuple[PriceRow, ...] = ()
    valid_until: date | None = None  # the offer's validity (quote)
    texts: LetterTexts = field(default_factory=LetterTexts)
    margin_scheme: bool = True  # prints « Régime particulier – Agences de voyages »
    payment: PaymentSchedule = field(default_factory=PaymentSchedule)
    cancellation_terms: tuple[str, ...] = ()  # "À plus de 60 jours du départ : 10 %"
    amendment_number: int = 0  # avenant n° (version − 1)
    amendment_reason: str = ""
    changes: tuple[Change, ...] = ()
    previous_total: Decimal | None = None
    contacts: tuple[Addressee, ...] = ()  # road book: agency on call, guides…


@dataclass(frozen=True)
class SupplierService:
    day: date | None
    time: str
    label: str
    quantity: str  # "22 personnes", "1 forfait", "2 unités"
    notes: str = ""
    status: str = ""  # the booking status with the supplier, in words
    supplier_reference: str = ""
    option_until: date | None = None


@dataclass(frozen=True)
class SupplierDocument:
    """Booking request or voucher: one supplier's services in one dossier."""

    kind: DocumentKind
    language: str
    branding: Branding
    reference: str  # the agency's reference (the dossier's)
    title: str
    issued_on: date
    supplier: Addressee
    group_name: str  # what the supplier calls the group: client name and dossier title
    group: Group
    services: tuple[SupplierService, ...]
    agency_contact: Addressee
    texts: LetterTexts = field(default_factory=LetterTexts)
    reply_by: date | None = None  # the earliest option deadline (request)
