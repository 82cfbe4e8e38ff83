"""The sales contract « Contrat de vente » of the confirmed version, and its amendments."""

from __future__ import annotations

from agence.services.documents.content import Change, ClientDocument
from agence.services.documents.labels import label
from agence.services.documents.locale import day, money
from agence.services.documents.pdf import BrandedPdf
from agence.services.documents.pdf_sections import (
    both_signatures,
    cancellation_section,
    closing,
    closing_and_terms,
    group_section,
    legal_mentions,
    new_pdf,
    opening,
    payment_section,
    price_section,
    programme_section,
    services_section,
    signed_money,
    text_section,
)

CHANGE_KINDS = {"added": "change_added", "removed": "change_removed", "changed": "change_changed"}


def _parties(pdf: BrandedPdf, doc: ClientDocument) -> None:
    """The agency (with the identifiers the law asks for) beside the client."""
    language = doc.language
    branding = doc.branding
    agency_lines = [branding.name, *branding.address_lines]
    if branding.siret:
        agency_lines.append(f"{label('siret', language)} {branding.siret}")
    if branding.tourism_licence:
        agency_lines.append(f"{label('tourism_licence', language)} {branding.tourism_licence}")
    pdf.section_title(label("parties", language))
    pdf.beside(
        lambda x, w: pdf.lines_block(label("agency", language), agency_lines, x, w),
        lambda x, w: pdf.addressee_block(doc.client, label("client", language), x, w),
    )


def render_contract(doc: ClientDocument) -> bytes:
    language = doc.language
    title = label("title_contract", language)
    pdf = new_pdf(doc, title)
    opening(
        pdf,
        f"{title} – {doc.reference}",
        doc.title,
        [
            (label("reference", language), doc.reference),
            (label("version", language), str(doc.version)),
            (label("issued_on", language), day(doc.issued_on, language)),
        ],
    )
    _parties(pdf, doc)
    pdf.paragraph(doc.texts.introduction)
    group_section(pdf, doc.group)
    programme_section(pdf, doc.programme)
    services_section(pdf, doc.services)
    text_section(pdf, "not_included", doc.texts.not_included)
    price_section(pdf, doc)
    payment_section(pdf, doc.payment)
    cancellation_section(pdf, doc.cancellation_terms)
    closing_and_terms(pdf, doc.texts)
    legal_mentions(pdf, doc)
    both_signatures(pdf)
    return pdf.to_bytes()


def change_kind(change: Change, language: str) -> str:
    """`ajouté` / `supprimé` / `modifié`; an unexpected kind is printed as it comes."""
    key = CHANGE_KINDS.get(change.kind)
    return label(key, language) if key else change.kind


def _changes(pdf: BrandedPdf, doc: ClientDocument) -> None:
    language = doc.language
    pdf.section_title(label("changes", language))
    if not doc.changes:
        pdf.paragraph(label("no_changes", language), style="I")
        return
    pdf.data_table(
        [
            label("change_kind", language),
            label("service", language),
            label("before", language),
            label("after", language),
            label("difference", language),
        ],
        [
            [
                change_kind(change, language),
                change.label,
                change.before,
                change.after,
                signed_money(change.amount_difference, language),
            ]
            for change in doc.changes
        ],
        col_widths=(13, 33, 21, 21, 16),
        aligns=("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT"),
    )


def _new_price(pdf: BrandedPdf, doc: ClientDocument) -> None:
    """Previous and new totals, the signed difference and the new price per paying person."""
    language = doc.language
    previous = doc.previous_total
    pdf.section_title(label("price", language))
    pdf.info_block(
        [
            (label("previous_total", language), money(previous, language)),
            (label("new_total", language), money(doc.total, language)),
            (
                label("difference", language),
                signed_money(doc.total - previous, language) if previous is not None else "",
            ),
            (label("new_price_per_paying", language), money(doc.price_per_paying, language)),
        ],
    )


def render_amendment(doc: ClientDocument) -> bytes:
    language = doc.language
    title = label("title_amendment", language).format(
        number=doc.amendment_number, reference=doc.reference
    )
    pdf = new_pdf(doc, title)
    opening(
        pdf,
        title,
        doc.title,
        [
            (label("reference", language), doc.reference),
            (label("version", language), str(doc.version)),
            (label("issued_on", language), day(doc.issued_on, language)),
        ],
        doc.client,
        label("client", language),
    )
    pdf.paragraph(doc.texts.introduction)
    text_section(pdf, "amendment_reason", doc.amendment_reason)
    _changes(pdf, doc)
    _new_price(pdf, doc)
    programme_section(pdf, doc.programme, heading_key="current_programme")
    closing(pdf, doc.texts.closing)
    legal_mentions(pdf, doc)
    both_signatures(pdf)
    return pdf.to_bytes()
