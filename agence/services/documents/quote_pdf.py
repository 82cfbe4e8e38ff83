"""The quote « Devis / programme »: what the client reads before saying yes."""

from __future__ import annotations

from agence.services.documents.content import ClientDocument
from agence.services.documents.labels import label
from agence.services.documents.locale import day
from agence.services.documents.pdf_sections import (
    cancellation_section,
    client_approval,
    closing_and_terms,
    contact_text,
    group_section,
    legal_mentions,
    new_pdf,
    opening,
    payment_section,
    price_section,
    programme_section,
    services_section,
    text_section,
)


def render_quote(doc: ClientDocument) -> bytes:
    language = doc.language
    title = label("title_quote", language)
    pdf = new_pdf(doc, title)
    opening(
        pdf,
        f"{title} – {doc.reference} – {label('version', language).lower()} {doc.version}",
        doc.title,
        [
            (label("reference", language), doc.reference),
            (label("version", language), str(doc.version)),
            (label("issued_on", language), day(doc.issued_on, language)),
            (label("valid_until", language), day(doc.valid_until, language)),
        ],
        doc.client,
        label("client", language),
    )
    pdf.info_block([(label("sales_rep", language), contact_text(doc.sales_rep, language, " – "))])
    pdf.ln(2)
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
    client_approval(pdf)
    return pdf.to_bytes()
