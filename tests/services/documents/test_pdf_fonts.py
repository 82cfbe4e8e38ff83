"""The DejaVu faces are parsed once per process (`pdf.add_dejavu`), not once per document: the
bytes must be exactly those fpdf2's own `add_font` gives, document after document (each keeps
its own subset of glyphs: the second document does not embed the first one's)."""

from __future__ import annotations

import io

import pytest
from fpdf import FPDF
from pypdf import PdfReader

from agence.services.documents import pdf
from agence.services.documents.render import render_client_document, render_supplier_document
from tests.services.documents import samples


def fpdf_add_font(document: FPDF, style: str) -> None:
    document.add_font(pdf.FAMILY, style, pdf.FONT_DIR / pdf.FONT_FILES[style])


RENDERINGS = {
    "quote": lambda: render_client_document(samples.quote()),
    "voucher_en": lambda: render_supplier_document(samples.supplier_document(language="en")),
}


@pytest.mark.parametrize("name", sorted(RENDERINGS))
def test_the_bytes_are_those_of_fpdf2s_own_font_loading(name, monkeypatch):
    render = RENDERINGS[name]
    first, again = render(), render()
    monkeypatch.setattr(pdf, "add_dejavu", fpdf_add_font)
    assert first == again == render()


def test_each_document_embeds_only_the_glyphs_it_prints():
    def embedded_font_sizes(data: bytes) -> list[int]:
        sizes = []
        for page in PdfReader(io.BytesIO(data)).pages:
            for font in page["/Resources"]["/Font"].values():
                descriptor = font.get_object()["/DescendantFonts"][0].get_object()
                stream = descriptor["/FontDescriptor"].get_object()["/FontFile2"]
                sizes.append(len(stream.get_object().get_data()))
        return sizes

    small = pdf.BrandedPdf(samples.branding(), "fr", "Court", samples.quote().issued_on)
    small.add_page()
    small.cell(text="Été")
    big = pdf.BrandedPdf(samples.branding(), "fr", "Long", samples.quote().issued_on)
    big.add_page()
    big.multi_cell(0, text="Œuvre « grâce » à 12 345,67 € — ÀÉÈÊËÎÏÔÙÛÜŸÇ àéèêëîïôùûüÿç " * 3)
    tiny_after_big = pdf.BrandedPdf(samples.branding(), "fr", "Court", samples.quote().issued_on)
    tiny_after_big.add_page()
    tiny_after_big.cell(text="Été")
    assert max(embedded_font_sizes(bytes(small.output()))) < max(
        embedded_font_sizes(bytes(big.output()))
    )
    assert bytes(tiny_after_big.output()) == bytes(small.output())
