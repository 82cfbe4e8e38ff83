"""The invoice, deposit invoice and credit note PDF, with every mention French law asks for
(CGI annexe II art. 242 nonies A, Code de commerce L441-9; french-rules 2.1, 2.2, 2.4).

What the page must say, and where it says it:
- the seller's identity: name and address in the letterhead, SIRET, RCS, legal form, capital,
  VAT number and Atout France licence in the footer, and a « Émetteur » block repeating the
  name, the SIREN (first 9 digits of the SIRET) and the VAT number beside the client;
- the client's name and billing address, and its SIREN and VAT number when it is a business;
- number, issue date, date or period of the service (a deposit: the date of the deposit),
  the dossier, the category of the operation (services only);
- each line with its quantity, unit price, VAT rate and total. Margin-scheme lines (TVA sur
  la marge, CGI 266-1-e) are priced including VAT and must never show a VAT amount: a client
  cannot deduct margin VAT (french-rules 1.6), so their rate column reads « Marge »;
- the VAT per rate of the other lines, the totals, the deposits a final invoice deducts, the
  net to pay, the due date as a date, the payment methods, the bank details, the early
  payment discount, the late-payment penalties and, for a business, the €40 indemnity.

The renderer only prints: the Factur-X module checks that the figures add up before a PDF is
issued. Equal input gives equal bytes (the file's dates are the issue date).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from babel.numbers import format_currency, format_decimal, format_percent
from fpdf.enums import OutputIntentSubType, XPos, YPos
from fpdf.output import PDFICCProfile
from fpdf.util import builtin_srgb2014_bytes

from agence.services.billing.invoice_content import (
    InvoiceDocument,
    InvoiceLineContent,
    VatBreakdown,
)
from agence.services.billing.vocabulary import InvoiceKind, LineRegime
from agence.services.documents.content import Addressee, Branding
from agence.services.documents.labels import label, with_legal_french
from agence.services.documents.locale import day, locale_of, money
from agence.services.documents.pdf import (
    FAMILY,
    MARGIN,
    ROW_TINT,
    TEXT_SIZE,
    TOTAL_TINT,
    BrandedPdf,
    clean,
)
from agence.services.documents.pdf_sections import MINUS, bank_details

TITLE_KEYS = {
    InvoiceKind.DEPOSIT: "title_deposit_invoice",
    InvoiceKind.FINAL: "title_invoice",
    InvoiceKind.CREDIT_NOTE: "title_credit_note",
}
TOTALS_WIDTH_SHARE = 0.66  # the totals box takes the right two thirds of the page
VALUE_WIDTH = 34.0
CENT = Decimal("0.01")
ZERO = Decimal(0)


# ----------------------------------------------------------------------------- small formats


def digits(value: str) -> str:
    """Only the digits of an identifier typed with spaces or dots (« 123 456 789 00012 »)."""
    return "".join(char for char in value or "" if char.isdigit())


def siren_of(siret_or_siren: str) -> str:
    """The SIREN: the first 9 digits of a SIRET (or a SIREN itself); empty when fewer than 9
    digits were typed, since a truncated identifier must not be printed as if it were one."""
    found = digits(siret_or_siren)
    return found[:9] if len(found) >= 9 else ""


def grouped_siren(siren: str) -> str:
    """« 123 456 789 »: the SIREN as the INSEE prints it."""
    return " ".join(siren[i : i + 3] for i in range(0, len(siren), 3))


def quantity_text(value: Decimal, language: str) -> str:
    """`22`, `1,5`: a quantity without the zeros the database keeps."""
    exact = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return format_decimal(exact, locale=locale_of(language))


def unit_money(value: Decimal, language: str) -> str:
    """A unit price: two decimals, or up to four when the price has them (a package divided
    by the paying persons), so that quantity × printed price is the printed total."""
    exact = value.quantize(CENT) if value == value.quantize(CENT) else value.normalize()
    return format_currency(exact, "EUR", locale=locale_of(language), decimal_quantization=False)


def rate_text(rate: Decimal, language: str) -> str:
    """`20 %`, `5,5 %` in French, `20%` in English."""
    return format_percent(
        (rate / 100).normalize(), locale=locale_of(language), decimal_quantization=False
    )


def negative_money(value: Decimal, language: str) -> str:
    """`− 1 200,00 €`: an amount taken off (the deposits already invoiced)."""
    return f"{MINUS} {money(value, language)}"


def invoice_title(doc: InvoiceDocument) -> str:
    """« Facture n° FA-VDL-2026-000123 », « Facture d'acompte n° … » or « Avoir n° … »."""
    return label(TITLE_KEYS[doc.kind], doc.language).format(number=doc.number)


def is_margin(line: InvoiceLineContent) -> bool:
    return line.regime == LineRegime.MARGIN


def breakdown_from_lines(lines: Iterable[InvoiceLineContent]) -> tuple[VatBreakdown, ...]:
    """The VAT breakdown the lines imply: one "E" group for the margin scheme (base including
    VAT, no VAT), one "S" group per rate (base excluding VAT, the lines' VAT added up)."""
    groups: dict[tuple[str, Decimal], tuple[Decimal, Decimal]] = {}
    for line in lines:
        key = ("E", ZERO) if is_margin(line) else ("S", line.vat_rate.normalize())
        base, vat = groups.get(key, (ZERO, ZERO))
        groups[key] = (base + line.total_excl_vat, vat + line.total_vat)
    return tuple(
        VatBreakdown(category=category, rate=rate, base=base, vat=vat)
        for (category, rate), (base, vat) in sorted(groups.items(), key=_group_order)
    )


def _group_order(
    item: tuple[tuple[str, Decimal], tuple[Decimal, Decimal]],
) -> tuple[bool, Decimal]:
    """The normal rates first, highest first, then the margin scheme's group."""
    (category, rate), _ = item
    return (category != "S", -rate)


# ----------------------------------------------------------------------------- blocks


def _seller_lines(branding: Branding, language: str) -> list[str]:
    """Name, address, SIREN and VAT number of the agency: 242 nonies A asks for the SIREN,
    which the footer only shows inside the SIRET."""
    lines = [branding.name, *branding.address_lines]
    siren = siren_of(branding.siret)
    if siren:
        lines.append(f"{label('siren', language)} {grouped_siren(siren)}")
    if branding.vat_number:
        lines.append(f"{label('vat_number', language)} {branding.vat_number}")
    return lines


def _client_lines(doc: InvoiceDocument) -> list[str]:
    """The client as invoiced; a business's SIREN and VAT number (décret 2022-1299), never a
    private person's."""
    language = doc.language
    client: Addressee = doc.client
    lines = [client.name, *client.address_lines]
    if client.contact_name:
        lines.append(label("attention_of", language).format(name=client.contact_name))
    if doc.client_is_company:
        siren = siren_of(doc.client_siren)
        if siren:
            lines.append(f"{label('siren', language)} {grouped_siren(siren)}")
        if doc.client_vat_number:
            lines.append(f"{label('vat_number', language)} {doc.client_vat_number}")
    return lines


def _info_rows(doc: InvoiceDocument) -> list[tuple[str, str]]:
    """Dates and references: the date of the supply (or of the deposit) is a legal mention
    when it differs from the issue date, so it is always printed."""
    language = doc.language
    credit = doc.kind is InvoiceKind.CREDIT_NOTE
    rows = [
        (
            label("credit_note_date" if credit else "invoice_date", language),
            day(doc.issued_on, language),
        )
    ]
    period = service_period_text(doc)
    if doc.kind is InvoiceKind.DEPOSIT:
        rows.append((label("deposit_date", language), day(doc.issued_on, language)))
        rows.append((label("trip_dates", language), period))
    elif doc.service_from and doc.service_to and doc.service_from != doc.service_to:
        rows.append((label("service_period", language), period))
    else:
        rows.append((label("service_date", language), period))
    rows += [
        (label("dossier_reference", language), doc.reference),
        (label("buyer_reference", language), doc.buyer_reference),
        (label("order_reference", language), doc.order_reference),
    ]
    if doc.due_on and not credit:
        rows.append((label("due_date", language), day(doc.due_on, language)))
    return rows


def service_period_text(doc: InvoiceDocument) -> str:
    """`30/11/2026`, or `du 30/11/2026 au 01/12/2026`; empty when no date is known."""
    start, end = doc.service_from or doc.service_to, doc.service_to or doc.service_from
    if start is None or end is None:
        return ""
    if start == end:
        return day(start, doc.language)
    return label("date_range", doc.language).format(
        start=day(start, doc.language), end=day(end, doc.language)
    )


def _price_headings(lines: Sequence[InvoiceLineContent], language: str) -> tuple[str, str]:
    """The unit price and total headings say HT or TTC when every line is of one kind; a
    mixed invoice says neither and explains it under the table."""
    margin = {is_margin(line) for line in lines}
    if margin == {False}:
        return label("unit_price_excl_vat", language), label("total_excl_vat", language)
    if margin == {True}:
        return label("unit_price_incl_vat", language), label("total_incl_vat", language)
    return label("unit_price", language), label("line_total", language)


def _line_cells(line: InvoiceLineContent, language: str) -> list[str]:
    """A margin line shows its amounts including VAT and « Marge » instead of a rate; a
    normal line its price and total excluding VAT and its rate."""
    if is_margin(line):
        return [
            line.label,
            quantity_text(line.quantity, language),
            unit_money(line.unit_price, language),
            label("margin_cell", language),
            money(line.total_incl_vat, language),
        ]
    return [
        line.label,
        quantity_text(line.quantity, language),
        unit_money(line.unit_price, language),
        rate_text(line.vat_rate, language),
        money(line.total_excl_vat, language),
    ]


def _table(
    pdf: BrandedPdf,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    col_widths: Sequence[float],
    aligns: Sequence[str],
    bold_last_row: bool = False,
) -> None:
    """`BrandedPdf.data_table` with the row tint set first: fpdf2 fills the tinted rows with
    the current fill colour (not the table's `cell_fill_color`), which the title band left in
    the site's dark colour."""
    pdf.set_fill_color(*ROW_TINT)
    pdf.data_table(headings, rows, col_widths, aligns, bold_last_row)


def _lines_table(pdf: BrandedPdf, doc: InvoiceDocument) -> None:
    language = doc.language
    unit_heading, total_heading = _price_headings(doc.lines, language)
    _table(
        pdf,
        [
            label("designation", language),
            label("quantity", language),
            unit_heading,
            label("vat_rate", language),
            total_heading,
        ],
        [_line_cells(line, language) for line in doc.lines],
        col_widths=(7.6, 1.6, 3.0, 1.4, 2.6),
        aligns=("LEFT", "RIGHT", "RIGHT", "CENTER", "RIGHT"),
    )
    margin = {is_margin(line) for line in doc.lines}
    if margin == {True, False}:
        pdf.paragraph(label("margin_lines_note", language), size=7.5, style="I")
    elif margin == {True}:
        pdf.paragraph(label("margin_only_note", language), size=7.5, style="I")


def _vat_summary(pdf: BrandedPdf, doc: InvoiceDocument) -> None:
    """Base and VAT per rate of the normal lines only: the margin scheme's group ("E") has no
    VAT to show."""
    breakdown = doc.vat_breakdown or breakdown_from_lines(doc.lines)
    rows = [row for row in breakdown if row.category != "E"]
    if not rows:
        return
    language = doc.language
    _table(
        pdf,
        [
            label("vat_rate_heading", language),
            label("vat_base", language),
            label("vat_amount", language),
        ],
        [
            [rate_text(row.rate, language), money(row.base, language), money(row.vat, language)]
            for row in rows
        ],
        col_widths=(1, 1.4, 1.4),
        aligns=("CENTER", "RIGHT", "RIGHT"),
    )


def _deducted_table(pdf: BrandedPdf, doc: InvoiceDocument) -> None:
    """The final invoice lists every deposit invoice it deducts (french-rules 2.2)."""
    if not doc.deducted:
        return
    language = doc.language
    pdf.section_title(label("deducted_invoices", language))
    _table(
        pdf,
        [label("deposit_invoice", language), label("date", language), label("amount", language)],
        [
            *(
                [deposit.number, day(deposit.issued_on, language), money(deposit.amount, language)]
                for deposit in doc.deducted
            ),
            [label("deposits_deducted", language), "", money(doc.deposits_deducted, language)],
        ],
        col_widths=(2, 1, 1),
        aligns=("LEFT", "CENTER", "RIGHT"),
        bold_last_row=True,
    )


def totals_rows(doc: InvoiceDocument) -> list[tuple[str, str, bool]]:
    """(label, amount, emphasised) from the margin lines' TTC total to the net to pay. The
    total VAT is printed only when normal lines carry VAT: a « TVA 0,00 € » beside margin
    lines would read as their VAT."""
    language = doc.language
    margin_total = sum((line.total_incl_vat for line in doc.lines if is_margin(line)), Decimal(0))
    normal_lines = [line for line in doc.lines if not is_margin(line)]
    normal_total = sum((line.total_excl_vat for line in normal_lines), Decimal(0))
    rows: list[tuple[str, str, bool]] = []
    if normal_lines and len(normal_lines) < len(doc.lines):
        rows.append((label("total_margin_lines", language), money(margin_total, language), False))
        rows.append((label("total_excl_vat_other", language), money(normal_total, language), False))
    elif normal_lines:
        rows.append((label("total_excl_vat", language), money(normal_total, language), False))
    if normal_lines:
        rows.append((label("total_vat", language), money(doc.total_vat, language), False))
    rows.append((label("total_incl_vat", language), money(doc.total_incl_vat, language), True))
    if doc.deposits_deducted:
        rows.append(
            (
                label("deposits_deducted", language),
                negative_money(doc.deposits_deducted, language),
                False,
            )
        )
    net_key = "credit_net" if doc.kind is InvoiceKind.CREDIT_NOTE else "net_to_pay"
    rows.append((label(net_key, language), money(doc.amount_due, language), True))
    return rows


def _totals(pdf: BrandedPdf, rows: Sequence[tuple[str, str, bool]]) -> None:
    """The totals right-aligned in the right part of the page, the emphasised rows tinted."""
    width = pdf.epw * TOTALS_WIDTH_SHARE
    x = pdf.w - MARGIN - width
    pdf.ln(1)
    pdf.keep_space(6.5 * len(rows) + 4)
    pdf.set_fill_color(*TOTAL_TINT)
    saved_margin = pdf.c_margin
    pdf.c_margin = 1.5
    for text, value, strong in rows:
        pdf.set_x(x)
        pdf.set_font(FAMILY, "B" if strong else "", 10 if strong else TEXT_SIZE)
        pdf.cell(width - VALUE_WIDTH, 6.5, clean(text), fill=strong)
        pdf.cell(
            VALUE_WIDTH, 6.5, value, align="R", fill=strong, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    pdf.c_margin = saved_margin
    pdf.set_font(FAMILY, size=TEXT_SIZE)
    pdf.ln(3)


def payment_lines(doc: InvoiceDocument) -> list[str]:
    """The L441-9 mentions, in print order: due date as a date, the agreed terms, the early
    payment discount (or that there is none), the late-payment penalties and, for a business
    client, the €40 recovery indemnity. A credit note asks for no payment: no due date (its
    PDF prints no payment section at all; its XML keeps these notes)."""
    language = doc.language
    lines = []
    if doc.due_on and doc.kind is not InvoiceKind.CREDIT_NOTE:
        lines.append(label("pay_by", language).format(date=day(doc.due_on, language)))
    if doc.payment_terms:
        lines.append(doc.payment_terms)
    lines.append(doc.early_payment_discount or label("no_early_discount", language))
    rate = doc.late_penalty_rate or label("default_late_rate", language)
    lines.append(label("late_penalties", language).format(rate=rate))
    if doc.client_is_company:
        lines.append(label("recovery_indemnity", language))
    return lines


def _payment_section(pdf: BrandedPdf, doc: InvoiceDocument) -> None:
    language = doc.language
    pdf.section_title(label("payment_terms", language))
    lines = payment_lines(doc)
    if doc.due_on and doc.kind is not InvoiceKind.CREDIT_NOTE:
        pdf.paragraph(lines.pop(0), style="B")
    rows = [(label("payment_methods", language), ", ".join(doc.payment_methods))]
    if doc.branding.iban and doc.kind is not InvoiceKind.CREDIT_NOTE:
        rows.append((label("bank_transfer", language), bank_details(doc.branding)))
    if any(value for _, value in rows):
        pdf.info_block(rows)
        pdf.ln(1)
    for line in lines:
        pdf.paragraph(line, size=8.5)


def _add_srgb_output_intent(pdf: BrandedPdf) -> None:
    """The sRGB output intent PDF/A asks for (ISO 19005-3 §6.2.3), with the ICC profile fpdf2
    ships: the colours of the page are then device-independent."""
    pdf.add_output_intent(
        OutputIntentSubType.PDFA,
        output_condition_identifier="sRGB",
        output_condition="IEC 61966-2-1:1999",
        registry_name="http://www.color.org",
        dest_output_profile=PDFICCProfile(
            contents=builtin_srgb2014_bytes(), n=3, alternate="DeviceRGB"
        ),
        info="sRGB2014 (v2)",
    )


# ----------------------------------------------------------------------------- the document


def render_invoice(doc: InvoiceDocument) -> bytes:
    """The PDF of an issued invoice, deposit invoice or credit note, in its language."""
    language = doc.language
    title = invoice_title(doc)
    pdf = BrandedPdf(doc.branding, language, f"{title} – {doc.reference}", doc.issued_on)
    _add_srgb_output_intent(pdf)
    pdf.add_page()
    pdf.title_band(title, doc.title)
    if doc.kind is InvoiceKind.CREDIT_NOTE and doc.corrects is not None:
        pdf.callout(
            [
                label("credit_note_refers", language).format(
                    number=doc.corrects.number, date=day(doc.corrects.issued_on, language)
                )
            ],
            size=10,
        )
    pdf.beside(
        lambda x, w: pdf.lines_block(
            label("seller", language), _seller_lines(doc.branding, language), x, w
        ),
        lambda x, w: pdf.lines_block(label("client", language), _client_lines(doc), x, w),
    )
    pdf.info_block(_info_rows(doc))
    category = (
        "category_services_credit" if doc.kind is InvoiceKind.CREDIT_NOTE else "category_services"
    )
    pdf.ln(1)
    pdf.paragraph(label(category, language), size=8.5, style="I")
    pdf.ln(1)
    _lines_table(pdf, doc)
    _vat_summary(pdf, doc)
    _deducted_table(pdf, doc)
    _totals(pdf, totals_rows(doc))
    if doc.margin_scheme:
        pdf.paragraph(with_legal_french("margin_scheme", language), style="B")
    if doc.kind is not InvoiceKind.CREDIT_NOTE:  # a credit note asks for no payment
        _payment_section(pdf, doc)
    if doc.notes.strip():
        pdf.section_title(label("notes", language))
        pdf.paragraph(doc.notes)
    return pdf.to_bytes()
