"""The supplier's documents: the booking request « Demande de réservation » and the voucher
« Bon d'échange ». The supplier must find our reference at once: it comes back on the invoice."""

from __future__ import annotations

from agence.services.documents.content import DocumentKind, SupplierDocument, SupplierService
from agence.services.documents.labels import label, labelled, plural
from agence.services.documents.locale import day
from agence.services.documents.pdf import BrandedPdf
from agence.services.documents.pdf_sections import (
    closing,
    contact_text,
    group_dates,
    new_pdf,
    opening,
)

TITLE_KEYS = {
    DocumentKind.SUPPLIER_REQUEST: "title_supplier_request",
    DocumentKind.VOUCHER: "title_voucher",
}
REQUEST_COLUMNS = ("date", "time", "service", "quantity", "notes")
VOUCHER_COLUMNS = ("date", "time", "service", "quantity", "supplier_reference", "notes")
COLUMN_WIDTHS = {  # mm of the 180 mm text width; keyed by "is a voucher"
    False: {"date": 21, "time": 25, "service": 54, "quantity": 26, "notes": 54},
    True: {
        "date": 21,
        "time": 25,
        "service": 44,
        "quantity": 24,
        "supplier_reference": 26,
        "notes": 40,
    },
}


def voucher_number(doc: SupplierDocument) -> str:
    """Our reference, followed by the supplier's booking reference(s) when known."""
    supplier_refs = dict.fromkeys(
        s.supplier_reference for s in doc.services if s.supplier_reference
    )
    return " / ".join((doc.reference, *supplier_refs))


def _notes(service: SupplierService, doc: SupplierDocument) -> str:
    """The line's notes; a request also recalls until when the option holds."""
    notes = [service.notes] if service.notes else []
    if doc.kind is DocumentKind.SUPPLIER_REQUEST and service.option_until:
        notes.append(
            label("option_until", doc.language).format(date=day(service.option_until, doc.language))
        )
    return "\n".join(notes)


def _services_table(pdf: BrandedPdf, doc: SupplierDocument) -> None:
    """One line per service; the voucher adds the supplier's reference of each line."""
    language = doc.language
    is_voucher = doc.kind is DocumentKind.VOUCHER
    keys = VOUCHER_COLUMNS if is_voucher else REQUEST_COLUMNS
    rows = []
    for service in doc.services:
        cells = {
            "date": day(service.day, language),
            "time": service.time,
            "service": service.label,
            "quantity": service.quantity,
            "supplier_reference": service.supplier_reference,
            "notes": _notes(service, doc),
        }
        rows.append([cells[key] for key in keys])
    pdf.section_title(label("services_booked" if is_voucher else "services_requested", language))
    pdf.data_table(
        [label(key, language) for key in keys],
        rows,
        col_widths=[COLUMN_WIDTHS[is_voucher][key] for key in keys],
    )


def render_supplier(doc: SupplierDocument) -> bytes:
    language = doc.language
    is_voucher = doc.kind is DocumentKind.VOUCHER
    title = label(TITLE_KEYS[doc.kind], language)
    pdf = new_pdf(doc, title)
    prominent = [labelled("our_reference", doc.reference, language)]
    if is_voucher:
        prominent.append(f"{label('voucher_number', language)} {voucher_number(doc)}")
    opening(
        pdf,
        title,
        doc.title,
        [
            (label("issued_on", language), day(doc.issued_on, language)),
            (label("group_name", language), doc.group_name),
            (label("dates", language), group_dates(doc.group, language)),
            (label("group_size", language), plural("people", doc.group.people, language)),
            (label("language", language), doc.group.language),
        ],
        doc.supplier,
        label("supplier", language),
        prominent,
    )
    pdf.paragraph(doc.texts.introduction)
    _services_table(pdf, doc)
    if doc.reply_by and not is_voucher:
        pdf.paragraph(
            label("reply_by", language).format(date=day(doc.reply_by, language)), style="B"
        )
    if is_voucher:
        pdf.paragraph(
            label("voucher_notice", language).format(
                agency=doc.branding.name, reference=doc.reference
            ),
            style="B",
        )
    pdf.ln(2)
    pdf.info_block(
        [(label("agency_contact", language), contact_text(doc.agency_contact, language))],
    )
    closing(pdf, doc.texts.closing)
    return pdf.to_bytes()
