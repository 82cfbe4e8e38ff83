"""Document content → PDF bytes, one layout per kind. Pure functions: no database, no Reflex;
everything printed comes from the content and `labels.py`, in the document's language."""

from __future__ import annotations

from collections.abc import Callable

from agence.services.documents.content import ClientDocument, DocumentKind, SupplierDocument
from agence.services.documents.contract_pdf import render_amendment, render_contract
from agence.services.documents.proforma_pdf import render_proforma
from agence.services.documents.quote_pdf import render_quote
from agence.services.documents.road_book_pdf import render_road_book
from agence.services.documents.supplier_pdf import render_supplier

CLIENT_RENDERERS: dict[DocumentKind, Callable[[ClientDocument], bytes]] = {
    DocumentKind.QUOTE: render_quote,
    DocumentKind.CONTRACT: render_contract,
    DocumentKind.AMENDMENT: render_amendment,
    DocumentKind.PROFORMA: render_proforma,
    DocumentKind.ROAD_BOOK: render_road_book,
}
SUPPLIER_RENDERERS: dict[DocumentKind, Callable[[SupplierDocument], bytes]] = {
    DocumentKind.SUPPLIER_REQUEST: render_supplier,
    DocumentKind.VOUCHER: render_supplier,
}


def render_client_document(doc: ClientDocument) -> bytes:
    """The PDF of a client document; ValueError for a kind that is not a client document (a
    wrong dispatch must fail, not print the wrong layout)."""
    renderer = CLIENT_RENDERERS.get(doc.kind)
    if renderer is None:
        raise ValueError(f"Not a client document kind: {doc.kind!r}")
    return renderer(doc)


def render_supplier_document(doc: SupplierDocument) -> bytes:
    """The PDF of a booking request or a voucher; ValueError for any other kind."""
    renderer = SUPPLIER_RENDERERS.get(doc.kind)
    if renderer is None:
        raise ValueError(f"Not a supplier document kind: {doc.kind!r}")
    return renderer(doc)
