"""The pro-forma invoice: what the client's accountant needs to pay the deposit, explicitly not
an invoice (no invoice number: the dossier reference instead)."""

from __future__ import annotations

from agence.services.documents.content import ClientDocument
from agence.services.documents.labels import label, plural, with_legal_french
from agence.services.documents.locale import day, money
from agence.services.documents.pdf_sections import (
    closing,
    legal_mentions,
    new_pdf,
    opening,
    payment_section,
    services_section,
)


def render_proforma(doc: ClientDocument) -> bytes:
    language = doc.language
    title = with_legal_french("title_proforma", language)
    pdf = new_pdf(doc, title)
    opening(
        pdf,
        title,
        doc.title,
        [
            (label("dossier_reference", language), doc.reference),
            (label("issued_on", language), day(doc.issued_on, language)),
        ],
        doc.client,
        label("client", language),
    )
    pdf.paragraph(doc.texts.introduction)
    package = label("package_line", language).format(
        title=doc.title,
        count=plural("paying_persons", doc.group.paying, language),
        price=money(doc.price_per_paying, language),
    )
    pdf.data_table(
        [label("designation", language), label("amount", language)],
        [
            [package, money(doc.total, language)],
            [label("total", language), money(doc.total, language)],
        ],
        col_widths=(4, 1),
        aligns=("LEFT", "RIGHT"),
        bold_last_row=True,
    )
    services_section(pdf, doc.services)
    payment_section(pdf, doc.payment)
    legal_mentions(pdf, doc, with_vat=True)
    closing(pdf, doc.texts.closing)
    return pdf.to_bytes()
