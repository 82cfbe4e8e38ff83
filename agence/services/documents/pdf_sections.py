"""Sections that several client documents print the same way: the opening (title, reference,
addressee), the group, the programme, the services, the price, the payment schedule, the
terms, the legal mentions. Each kind's module only chooses and orders them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from fpdf.enums import WrapMode, XPos, YPos

from agence.services.documents.content import (
    Addressee,
    ClientDocument,
    Group,
    LetterTexts,
    PaymentSchedule,
    ProgrammeDay,
    ProgrammeEntry,
    Service,
    SupplierDocument,
)
from agence.services.documents.labels import label, labelled, plural, with_legal_french
from agence.services.documents.locale import day, long_day, money
from agence.services.documents.pdf import BLACK, FAMILY, GREY, MARGIN, RGB, BrandedPdf, clean

TIME_WIDTH = 27.0
MINUS = "\u2212"


class EntryLine(NamedTuple):
    text: str
    style: str = ""
    color: RGB = BLACK


def signed_money(value: Decimal, language: str) -> str:
    """`+ 120,00 €` / `− 45,00 €`: an amendment shows which way the price moved."""
    if value > 0:
        return f"+ {money(value, language)}"
    if value < 0:
        return f"{MINUS} {money(-value, language)}"
    return money(value, language)


def new_pdf(doc: ClientDocument | SupplierDocument, title: str) -> BrandedPdf:
    """The letterhead with the document's metadata, on its first page."""
    pdf = BrandedPdf(doc.branding, doc.language, f"{title} – {doc.reference}", doc.issued_on)
    pdf.add_page()
    return pdf


def opening(
    pdf: BrandedPdf,
    band: str,
    subtitle: str,
    info_rows: Sequence[tuple[str, str]],
    addressee: Addressee | None = None,
    addressee_heading: str = "",
    prominent: Sequence[str] = (),
) -> None:
    """Title band, the `prominent` lines boxed, then the key facts on the left and the
    addressee on the right."""
    pdf.title_band(band, subtitle)
    if prominent:
        pdf.callout(prominent)
    if addressee is None:
        pdf.info_block(info_rows)
        pdf.ln(3)
        return
    pdf.beside(
        lambda x, w: pdf.info_block(info_rows, x, w),
        lambda x, w: pdf.addressee_block(addressee, addressee_heading, x, w),
    )


def contact_text(person: Addressee, language: str, separator: str = "\n") -> str:
    """Name, phone and e-mail of a contact (the sales rep, the agency's contact)."""
    phone = f"{label('phone', language)} {person.contact_phone}" if person.contact_phone else ""
    return separator.join(part for part in (person.name, phone, person.contact_email) if part)


def moment_text(value: date, clock: str, language: str) -> str:
    if not clock:
        return long_day(value, language)
    return label("day_at_time", language).format(day=long_day(value, language), time=clock)


def group_dates(group: Group, language: str) -> str:
    """`du lundi 30 novembre 2026 à 07:30 au mardi 1 décembre 2026 à 19:00`, or one day with
    its hours."""
    if group.starts_on == group.ends_on:
        hours = " – ".join(part for part in (group.start_time, group.end_time) if part)
        text = long_day(group.starts_on, language)
        return f"{text}, {hours}" if hours else text
    return label("date_range", language).format(
        start=moment_text(group.starts_on, group.start_time, language),
        end=moment_text(group.ends_on, group.end_time, language),
    )


def participants(group: Group, language: str) -> str:
    """`22 payants, 2 gratuits, 1 accompagnateur (25 personnes)`; zero counts left out."""
    parts = [plural("paying", group.paying, language)]
    if group.free:
        parts.append(plural("free", group.free, language))
    if group.staff:
        parts.append(plural("staff", group.staff, language))
    return f"{', '.join(parts)} ({plural('people', group.people, language)})"


def group_section(pdf: BrandedPdf, group: Group, with_meeting_place: bool = True) -> None:
    language = pdf.language
    pdf.section_title(label("group", language))
    pdf.info_block(
        [
            (label("dates", language), group_dates(group, language)),
            (label("participants", language), participants(group, language)),
            (label("language", language), group.language),
            (label("meeting_place", language), group.meeting_place if with_meeting_place else ""),
            (label("special_needs", language), group.special_needs),
        ]
    )


def _entry_lines(entry: ProgrammeEntry, language: str, place_key: str) -> list[EntryLine]:
    """The lines of one programme entry under its time: a transfer's title in italics, the
    notes in grey italics."""
    if entry.is_transfer:
        lines = [EntryLine(f"{label('transfer', language)} – {entry.title}", "I")]
    else:
        lines = [EntryLine(entry.title, "B")]
    where = ", ".join(part for part in (entry.place, entry.address) if part)
    if where:
        lines.append(EntryLine(labelled(place_key, where, language)))
    if entry.guides:
        lines.append(EntryLine(labelled("guides", ", ".join(entry.guides), language)))
    if entry.notes:
        lines.append(EntryLine(entry.notes, "I", GREY))
    return lines


def _programme_entry(
    pdf: BrandedPdf, entry: ProgrammeEntry, place_key: str, with_maps: bool
) -> None:
    lines = _entry_lines(entry, pdf.language, place_key)
    pdf.keep_space(4.8 * min(len(lines), 3) + 2)
    top = pdf.get_y()
    pdf.set_xy(MARGIN, top)
    pdf.set_font(FAMILY, "B", 8.5)
    pdf.cell(TIME_WIDTH, 4.8, entry.time)
    pdf.set_xy(MARGIN + TIME_WIDTH, top)
    width = pdf.epw - TIME_WIDTH
    for line in lines:
        pdf.set_font(FAMILY, line.style, 9)
        pdf.set_text_color(*line.color)
        pdf.multi_cell(width, 4.6, clean(line.text), align="L", new_x=XPos.LEFT)
    if with_maps and entry.map_url:  # printed in full: the road book is often read on paper
        pdf.set_font(FAMILY, size=7)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(
            width,
            3.6,
            labelled("map", entry.map_url, pdf.language),
            align="L",
            link=entry.map_url,
            new_x=XPos.LEFT,
            wrapmode=WrapMode.CHAR,
        )
    pdf.set_text_color(*BLACK)
    pdf.set_font(FAMILY, size=9)
    pdf.set_x(MARGIN)
    pdf.ln(1.5)


def programme_section(
    pdf: BrandedPdf,
    programme: Sequence[ProgrammeDay],
    heading_key: str = "programme",
    place_key: str = "place",
    with_maps: bool = False,
) -> None:
    """The programme day by day: a long date heading, then each entry under its time."""
    if not programme:
        return
    pdf.section_title(label(heading_key, pdf.language))
    for programme_day in programme:
        pdf.keep_space(20)
        pdf.set_x(MARGIN)
        pdf.set_font(FAMILY, "B", 10)
        pdf.set_fill_color(238, 238, 238)
        pdf.cell(
            pdf.epw,
            6,
            long_day(programme_day.day, pdf.language),
            fill=True,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.ln(1.5)
        for entry in programme_day.entries:
            _programme_entry(pdf, entry, place_key, with_maps)
        pdf.ln(1)


def services_section(pdf: BrandedPdf, services: Sequence[Service]) -> None:
    """What the price includes, attached services indented under their parent; no amounts."""
    if not services:
        return
    pdf.section_title(label("services_included", pdf.language))
    for service in services:
        pdf.bullet(service.label, level=1 if service.attached else 0)


def text_section(pdf: BrandedPdf, heading_key: str, text: str, size: float = 9) -> None:
    """A heading and its free text; nothing at all when the text is empty."""
    if not text or not text.strip():
        return
    pdf.section_title(label(heading_key, pdf.language))
    pdf.paragraph(text, size=size)


def price_section(pdf: BrandedPdf, doc: ClientDocument) -> None:
    """Price per paying person, the group's total, and the price grid when there is one."""
    language = doc.language
    pdf.section_title(label("price", language))
    count = plural("paying_persons", doc.group.paying, language)
    pdf.info_block(
        [
            (label("price_per_paying", language), money(doc.price_per_paying, language)),
            (
                label("total_for_group", language).format(count=count),
                money(doc.total, language),
            ),
        ],
    )
    if doc.price_grid:
        pdf.ln(2)
        pdf.paragraph(label("price_grid", language), style="B")
        pdf.data_table(
            [
                label("grid_paying", language),
                label("price_per_paying", language),
                label("total", language),
            ],
            [
                [str(row.paying), money(row.price_per_paying, language), money(row.total, language)]
                for row in doc.price_grid
            ],
            col_widths=(1, 1, 1),
            aligns=("CENTER", "RIGHT", "RIGHT"),
        )


def payment_section(pdf: BrandedPdf, payment: PaymentSchedule) -> None:
    """Deposit and balance with their due dates, and the client's payment terms."""
    language = pdf.language

    def due(amount: Decimal | None, when: date | None) -> str:
        if amount is None:
            return ""
        if when is None:
            return money(amount, language)
        return label("amount_due_by", language).format(
            amount=money(amount, language), date=day(when, language)
        )

    rows = [
        (label("deposit", language), due(payment.deposit, payment.deposit_due)),
        (label("balance", language), due(payment.balance, payment.balance_due)),
        (label("payment_terms", language), payment.terms_label),
    ]
    if not any(value for _, value in rows):
        return
    if pdf.branding.iban:
        rows.append((label("bank_transfer", language), bank_details(pdf.branding)))
    pdf.section_title(label("payment_schedule", language))
    pdf.info_block(rows)


def bank_details(branding) -> str:
    """« IBAN FR76 3000 … – BIC BNPAFRPP » for a transfer, grouped by four as banks print it."""
    iban = " ".join(branding.iban[i : i + 4] for i in range(0, len(branding.iban), 4))
    return f"IBAN {iban}" + (f" – BIC {branding.bic}" if branding.bic else "")


def cancellation_section(pdf: BrandedPdf, lines: Sequence[str]) -> None:
    if not lines:
        return
    pdf.section_title(label("cancellation_terms", pdf.language))
    for line in lines:
        pdf.bullet(line)


def closing_and_terms(pdf: BrandedPdf, texts: LetterTexts) -> None:
    """The terms of sale (long: they flow over pages), then the closing words."""
    text_section(pdf, "terms_of_sale", texts.terms, size=7.5)
    closing(pdf, texts.closing)


def closing(pdf: BrandedPdf, text: str) -> None:
    """The closing words of the letter, set apart from what precedes them."""
    if text.strip():
        pdf.ln(2)
        pdf.paragraph(text)


def legal_mentions(pdf: BrandedPdf, doc: ClientDocument, with_vat: bool = False) -> None:
    """« Régime particulier – Agences de voyages » (and the VAT wording of the pro forma)."""
    if not doc.margin_scheme:
        return
    pdf.ln(2)
    pdf.paragraph(with_legal_french("margin_scheme", doc.language), style="B")
    if with_vat:
        pdf.paragraph(with_legal_french("vat_margin", doc.language), size=8, style="I")


def client_approval(pdf: BrandedPdf) -> None:
    """The client's « Bon pour accord » box alone (the quote)."""
    language = pdf.language
    pdf.signature_blocks([(label("approval", language), label("approval_instructions", language))])


def both_signatures(pdf: BrandedPdf) -> None:
    """The agency's and the client's boxes (contract, amendment)."""
    language = pdf.language
    pdf.signature_blocks(
        [
            (label("for_agency", language), label("agency_signature", language)),
            (label("for_client", language), label("approval_instructions", language)),
        ]
    )
