"""Realistic invoices of the Loire valley trip (samples.py's dossier): a margin-scheme invoice,
a mixed one (package under the margin scheme + the agency's own guide at 20 % and a meal at
10 %), a deposit invoice, the final invoice deducting two deposits, a credit note, a private
client's invoice, a private company's and a foreign school's. The collège of the first ones is
a public client (Chorus Pro service code and engagement number). Figures add up to the cent,
as the invoicing service computes them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from agence.services.billing.invoice_content import (
    DeductedInvoice,
    InvoiceDocument,
    InvoiceLineContent,
    VatBreakdown,
)
from agence.services.billing.vocabulary import InvoiceKind
from agence.services.documents.content import Addressee
from tests.services.documents import samples

NUMBER = "FA-VDL-2026-000123"
ISSUED_ON = date(2026, 12, 2)
DUE_ON = date(2027, 1, 1)
IBAN = "FR7630006000011234567890189"
BIC = "AGRIFRPP"
D = Decimal


def margin_line(label: str, quantity: str, unit_price: str, total: str) -> InvoiceLineContent:
    return InvoiceLineContent(
        label=label,
        quantity=D(quantity),
        unit_price=D(unit_price),
        regime="margin",
        vat_rate=D(0),
        total_excl_vat=D(total),
        total_vat=D(0),
        total_incl_vat=D(total),
    )


def normal_line(
    label: str, quantity: str, unit_price: str, rate: str, excl: str, vat: str
) -> InvoiceLineContent:
    return InvoiceLineContent(
        label=label,
        quantity=D(quantity),
        unit_price=D(unit_price),
        regime="normal",
        vat_rate=D(rate),
        total_excl_vat=D(excl),
        total_vat=D(vat),
        total_incl_vat=D(excl) + D(vat),
    )


def client() -> Addressee:
    return Addressee(
        name="Collège Anatole-France",
        address_lines=("3, rue de l'Église", "41000 Blois"),
        contact_name="Mme Hélène Bœuf",
        contact_email="h.boeuf@college-anatole-france.fr",
    )


def _invoice(language: str = "fr", **changes: object) -> InvoiceDocument:
    doc = InvoiceDocument(
        kind=InvoiceKind.FINAL,
        language=language,
        branding=samples.branding(iban=IBAN, bic=BIC),
        number=NUMBER,
        issued_on=ISSUED_ON,
        due_on=DUE_ON,
        service_from=samples.DAY_ONE,
        service_to=samples.DAY_TWO,
        reference=samples.REFERENCE,
        title="Journée châteaux de la Loire",
        client=client(),
        client_siren="194 100 017 00012",
        client_vat_number="FR45194100017",
        client_is_company=True,
        payment_terms="Paiement à 30 jours date de facture",
        payment_methods=("Virement", "Chèque"),
        buyer_reference="SERV-ACHATS-41",
        order_reference="EJ-2026-000457",
    )
    return replace(doc, **changes)


def margin_invoice(language: str = "fr", **changes: object) -> InvoiceDocument:
    """The whole package under the margin scheme: 22 paying persons × 118,50 €."""
    line = margin_line(
        "Forfait « Journée châteaux de la Loire » – personne payante", "22", "118.50", "2607.00"
    )
    doc = _invoice(
        language,
        lines=(line,),
        vat_breakdown=(VatBreakdown("E", D(0), D("2607.00"), D(0)),),
        total_excl_vat=D("2607.00"),
        total_vat=D(0),
        total_incl_vat=D("2607.00"),
        amount_due=D("2607.00"),
        margin_scheme=True,
    )
    return replace(doc, **changes)


MIXED_LINES = (
    margin_line("Forfait « Journée châteaux de la Loire »", "22", "100.00", "2200.00"),
    normal_line("Guide-conférencier de l'agence (journée)", "1", "250.00", "20", "250.00", "50.00"),
    normal_line("Goûter préparé par l'agence", "25", "18.00", "10", "450.00", "45.00"),
)
MIXED_BREAKDOWN = (
    VatBreakdown("S", D("20"), D("250.00"), D("50.00")),
    VatBreakdown("S", D("10"), D("450.00"), D("45.00")),
    VatBreakdown("E", D(0), D("2200.00"), D(0)),
)


def mixed_invoice(language: str = "fr", **changes: object) -> InvoiceDocument:
    """Margin-scheme package (2 200,00 € TTC) + guide at 20 % (250 HT) + meal at 10 % (450 HT):
    total HT/base 2 900,00, VAT 95,00, TTC 2 995,00."""
    doc = _invoice(
        language,
        lines=MIXED_LINES,
        vat_breakdown=MIXED_BREAKDOWN,
        total_excl_vat=D("2900.00"),
        total_vat=D("95.00"),
        total_incl_vat=D("2995.00"),
        amount_due=D("2995.00"),
        margin_scheme=True,
    )
    return replace(doc, **changes)


def deposit_invoice(language: str = "fr") -> InvoiceDocument:
    """30 % deposit on the margin-scheme package, due a fortnight after issue."""
    return margin_invoice(
        language,
        kind=InvoiceKind.DEPOSIT,
        number="FA-VDL-2026-000101",
        issued_on=date(2026, 9, 20),
        due_on=date(2026, 10, 1),
        lines=(
            margin_line("Acompte 30 % – Journée châteaux de la Loire", "1", "782.10", "782.10"),
        ),
        vat_breakdown=(VatBreakdown("E", D(0), D("782.10"), D(0)),),
        total_excl_vat=D("782.10"),
        total_incl_vat=D("782.10"),
        amount_due=D("782.10"),
    )


DEPOSITS = (
    DeductedInvoice("FA-VDL-2026-000101", date(2026, 9, 20), D("800.00")),
    DeductedInvoice("FA-VDL-2026-000115", date(2026, 10, 15), D("700.00")),
)


def final_invoice(language: str = "fr") -> InvoiceDocument:
    """The mixed invoice deducting two deposits: 2 995,00 − 1 500,00 = 1 495,00 to pay."""
    return mixed_invoice(
        language,
        deducted=DEPOSITS,
        deposits_deducted=D("1500.00"),
        amount_due=D("1495.00"),
    )


def credit_note(language: str = "fr") -> InvoiceDocument:
    """Three absent pupils: their meal (10 %) and a goodwill gesture on the package (margin)."""
    return _invoice(
        language,
        kind=InvoiceKind.CREDIT_NOTE,
        number="AV-VDL-2026-000007",
        issued_on=date(2026, 12, 10),
        due_on=None,
        lines=(
            normal_line(
                "Goûter non consommé (3 élèves absents)", "3", "18.00", "10", "54.00", "5.40"
            ),
            margin_line("Geste commercial sur le forfait", "1", "40.00", "40.00"),
        ),
        vat_breakdown=(
            VatBreakdown("S", D("10"), D("54.00"), D("5.40")),
            VatBreakdown("E", D(0), D("40.00"), D(0)),
        ),
        total_excl_vat=D("94.00"),
        total_vat=D("5.40"),
        total_incl_vat=D("99.40"),
        amount_due=D("99.40"),
        corrects=DeductedInvoice(NUMBER, ISSUED_ON, D("2995.00")),
        margin_scheme=True,
        payment_terms="",
    )


def private_invoice(language: str = "fr", email: str = "jean.dupont@example.fr") -> InvoiceDocument:
    """A private person's trip: no SIREN, no VAT number, no €40 indemnity; his e-mail."""
    return margin_invoice(
        language,
        client=Addressee(
            name="M. Jean Dupont",
            address_lines=("8, rue Nationale", "37000 Tours"),
            contact_email=email,
        ),
        client_siren="",
        client_vat_number="",
        client_is_company=False,
        buyer_reference="",
        order_reference="",
    )


def company_invoice(language: str = "fr") -> InvoiceDocument:
    """A private company's works council (no Chorus Pro service code nor engagement number):
    the mixed invoice."""
    return mixed_invoice(
        language,
        client=Addressee(
            name="CSE Michelin Joué-lès-Tours",
            address_lines=("Rue de la Liodière", "37300 Joué-lès-Tours"),
            contact_name="M. Paul Girard",
            contact_email="cse@michelin-joue.example.fr",
        ),
        client_siren="855 200 507 01234",
        client_vat_number="FR85855200507",
        buyer_reference="",
        order_reference="",
    )


def foreign_invoice(language: str = "fr") -> InvoiceDocument:
    """A Belgian school: a company without a SIREN, its VAT number and its e-mail."""
    return margin_invoice(
        language,
        client=Addressee(
            name="Athénée royal de Namur",
            address_lines=("Rue du Collège 20", "5000 Namur", "Belgique"),
            contact_email="direction@arnamur.example.be",
        ),
        client_siren="",
        client_vat_number="BE0123456749",
        buyer_reference="",
        order_reference="",
    )


def normal_only_invoice(language: str = "fr", **changes: object) -> InvoiceDocument:
    """Only the agency's own services (no margin scheme): a guide at 20 %."""
    line = normal_line("Guide-conférencier (demi-journée)", "2", "125.00", "20", "250.00", "50.00")
    doc = _invoice(
        language,
        lines=(line,),
        vat_breakdown=(VatBreakdown("S", D("20"), D("250.00"), D("50.00")),),
        total_excl_vat=D("250.00"),
        total_vat=D("50.00"),
        total_incl_vat=D("300.00"),
        amount_due=D("300.00"),
        margin_scheme=False,
    )
    return replace(doc, **changes)
