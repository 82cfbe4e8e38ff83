"""The invoice and credit note PDF, read back with pypdf: every French legal mention, the
margin-scheme lines without VAT, the deposits a final invoice deducts, English, equal bytes.

The PDFs read are the issued ones (`facturx.invoice_pdf`: the rendered invoice with its
Factur-X XML embedded), so what is checked is what the client receives."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from decimal import Decimal
from functools import cache

import pytest
from pypdf import PdfReader

from agence.services.billing import facturx
from agence.services.billing.invoice_pdf import (
    breakdown_from_lines,
    render_invoice,
    siren_of,
)
from tests.services.billing import invoice_samples as samples

SAMPLES = {
    "margin": samples.margin_invoice,
    "mixed": samples.mixed_invoice,
    "mixed_en": lambda: samples.mixed_invoice("en"),
    "deposit": samples.deposit_invoice,
    "final": samples.final_invoice,
    "final_en": lambda: samples.final_invoice("en"),
    "credit": samples.credit_note,
    "private": samples.private_invoice,
    "normal": samples.normal_only_invoice,
}
INDEMNITY = (
    "Indemnité forfaitaire pour frais de recouvrement : 40 € "
    "(art. L441-10 et D441-5 du Code de commerce)"
)
MARGIN_MENTION = "Régime particulier – Agences de voyages"


@cache
def pdf(name: str) -> bytes:
    """Each sample issued once for the whole module: the tests stay fast."""
    return facturx.invoice_pdf(SAMPLES[name]())


def flat(text: str) -> str:
    """No-break spaces as spaces, runs of white space as one: phrases whatever the wrapping."""
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


def pages(name: str) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf(name))).pages]


def text(name: str) -> str:
    return " ".join(pages(name))


def assert_all_in(haystack: str, *needles: str) -> None:
    missing = [needle for needle in needles if flat(needle) not in haystack]
    assert not missing, f"missing {missing}"


# ----------------------------------------------------------------------------- helpers


def test_siren_is_the_first_nine_digits_of_the_siret() -> None:
    assert siren_of("123 456 789 00012") == "123456789"
    assert siren_of("123.456.789") == "123456789"
    assert siren_of("12345") == ""
    assert siren_of("") == ""


def test_breakdown_from_lines_groups_rates_and_the_margin_scheme() -> None:
    rows = breakdown_from_lines(samples.MIXED_LINES)
    assert [(row.category, row.rate, row.base, row.vat) for row in rows] == [
        ("S", Decimal(20), Decimal("250.00"), Decimal("50.00")),
        ("S", Decimal(10), Decimal("450.00"), Decimal("45.00")),
        ("E", Decimal(0), Decimal("2200.00"), Decimal(0)),
    ]


# ----------------------------------------------------------------------------- mentions


def test_margin_invoice_has_every_legal_mention() -> None:
    printed = text("margin")
    assert_all_in(
        printed,
        "Facture n° FA-VDL-2026-000123",
        "Journée châteaux de la Loire",
        # the seller: header, « Émetteur » block and footer
        "Val de Loire Groupes",
        "12, quai d'Orléans",
        "SIREN 123 456 789",
        "SIRET 123 456 789 00012",
        "TVA intracommunautaire FR12123456789",
        "SAS au capital de 50 000,00 €",
        "RCS Tours 123 456 789",
        "Immatriculation Atout France IM037100012",
        # the client, a business
        "Collège Anatole-France",
        "3, rue de l'Église",
        "41000 Blois",
        "SIREN 194 100 017",
        "TVA intracommunautaire FR45194100017",
        # dates and references
        "Date de facture 02/12/2026",
        "Période de la prestation du 30/11/2026 au 01/12/2026",
        "Référence du dossier VDL-2026-0142",
        "Code service SERV-ACHATS-41",
        "N° d'engagement EJ-2026-000457",
        "Échéance 01/01/2027",
        "Cette facture se rapporte exclusivement à des prestations de services.",
        # the line, including VAT, « Marge » instead of a rate
        "Prix unitaire TTC",
        "Forfait « Journée châteaux de la Loire » – personne payante 22 118,50 € Marge 2 607,00 €",
        "Total TTC 2 607,00 €",
        "Net à payer 2 607,00 €",
        MARGIN_MENTION,
        # payment
        "À régler au plus tard le 01/01/2027",
        "Moyens de paiement Virement, Chèque",
        "IBAN FR76 3000 6000 0112 3456 7890 189 – BIC AGRIFRPP",
        "Paiement à 30 jours date de facture",
        "Pas d'escompte pour paiement anticipé",
        "Pénalités de retard : trois fois le taux d'intérêt légal",
        INDEMNITY,
    )


def test_margin_lines_never_show_vat() -> None:
    printed = text("margin")
    for vat_word in ("Total TVA", "Montant de TVA", "Base HT", "Total HT", "%"):
        assert vat_word not in printed, vat_word


def test_mixed_invoice_shows_vat_only_for_the_normal_lines() -> None:
    printed = text("mixed")
    assert_all_in(
        printed,
        "Forfait « Journée châteaux de la Loire » 22 100,00 € Marge 2 200,00 €",
        "Guide-conférencier de l'agence (journée) 1 250,00 € 20 % 250,00 €",
        "Goûter préparé par l'agence 25 18,00 € 10 % 450,00 €",
        "Lignes « Marge » : régime particulier des agences de voyages, montants TTC",
        "Taux Base HT Montant de TVA",
        "20 % 250,00 € 50,00 €",
        "10 % 450,00 € 45,00 €",
        "Prestations sous régime de marge (TTC) 2 200,00 €",
        "Total HT des autres prestations 700,00 €",
        "Total TVA 95,00 €",
        "Total TTC 2 995,00 €",
        "Net à payer 2 995,00 €",
        MARGIN_MENTION,
    )
    # the margin scheme's 2 200,00 € appear on its line and in the totals, never as a VAT base
    assert printed.count("2 200,00 €") == 2
    assert "Marge 0,00" not in printed


def test_normal_only_invoice_prints_excluding_vat_and_no_margin_mention() -> None:
    printed = text("normal")
    assert_all_in(
        printed,
        "Prix unitaire HT",
        "Guide-conférencier (demi-journée) 2 125,00 € 20 % 250,00 €",
        "Total HT 250,00 €",
        "Total TVA 50,00 €",
        "Total TTC 300,00 €",
    )
    assert MARGIN_MENTION not in printed
    assert "Marge" not in printed


def test_deposit_invoice_gives_the_date_of_the_deposit() -> None:
    assert_all_in(
        text("deposit"),
        "Facture d'acompte n° FA-VDL-2026-000101",
        "Date de facture 20/09/2026",
        "Date de l'acompte 20/09/2026",
        "Dates du voyage du 30/11/2026 au 01/12/2026",
        "Acompte 30 % – Journée châteaux de la Loire 1 782,10 € Marge 782,10 €",
        "Net à payer 782,10 €",
        "À régler au plus tard le 01/10/2026",
        MARGIN_MENTION,
    )


def test_final_invoice_lists_and_deducts_the_deposit_invoices() -> None:
    printed = text("final")
    assert_all_in(
        printed,
        "Factures d'acompte déduites",
        "FA-VDL-2026-000101 20/09/2026 800,00 €",
        "FA-VDL-2026-000115 15/10/2026 700,00 €",
        "Acomptes déduits 1 500,00 €",
        "Total TTC 2 995,00 €",
        "Acomptes déduits − 1 500,00 €",
        "Net à payer 1 495,00 €",
        "À régler au plus tard le 01/01/2027",
    )


def test_credit_note_refers_to_its_invoice_and_asks_no_payment() -> None:
    printed = text("credit")
    assert_all_in(
        printed,
        "Avoir n° AV-VDL-2026-000007",
        "Cet avoir se rapporte à la facture n° FA-VDL-2026-000123 du 02/12/2026",
        "Date de l'avoir 10/12/2026",
        "Cet avoir se rapporte exclusivement à des prestations de services.",
        "Goûter non consommé (3 élèves absents) 3 18,00 € 10 % 54,00 €",
        "Geste commercial sur le forfait 1 40,00 € Marge 40,00 €",
        "Total TTC 99,40 €",
        "Montant net de l'avoir 99,40 €",
        MARGIN_MENTION,
    )
    for absent in ("Net à payer", "À régler au plus tard", "IBAN", INDEMNITY):
        assert flat(absent) not in printed, absent


def test_private_client_gets_no_siren_and_no_recovery_indemnity() -> None:
    printed = text("private")
    assert_all_in(printed, "M. Jean Dupont", "8, rue Nationale", "37000 Tours", "SIREN 123 456 789")
    assert printed.count("SIREN") == 1  # the agency's only
    assert "Indemnité forfaitaire" not in printed
    assert "Code service" not in printed
    assert "N° d'engagement" not in printed
    assert_all_in(printed, "Pénalités de retard : trois fois le taux d'intérêt légal")


def test_agreed_discount_and_penalty_rate_replace_the_defaults() -> None:
    doc = samples.margin_invoice(
        early_payment_discount="Escompte de 1 % pour paiement sous 8 jours",
        late_penalty_rate="taux de refinancement de la BCE majoré de 10 points",
        notes="Facture à rappeler dans tout règlement.",
    )
    printed = flat(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_invoice(doc))).pages)
    )
    assert_all_in(
        printed,
        "Escompte de 1 % pour paiement sous 8 jours",
        "Pénalités de retard : taux de refinancement de la BCE majoré de 10 points",
        "Remarques",
        "Facture à rappeler dans tout règlement.",
    )
    assert "Pas d'escompte" not in printed
    assert "trois fois le taux" not in printed


# ----------------------------------------------------------------------------- English


def test_english_invoice_uses_english_labels_and_keeps_the_french_margin_mention() -> None:
    printed = text("mixed_en")
    assert_all_in(
        printed,
        "Invoice no. FA-VDL-2026-000123",
        "SELLER",
        "Invoice date 02/12/2026",
        "Service period from 30/11/2026 to 01/12/2026",
        "This invoice relates exclusively to services.",
        "Guide-conférencier de l'agence (journée) 1 €250.00 20% €250.00",
        "Forfait « Journée châteaux de la Loire » 22 €100.00 Margin €2,200.00",
        "Total VAT €95.00",
        "Total incl. VAT €2,995.00",
        "Amount due €2,995.00",
        "To be paid no later than 01/01/2027",
        "No discount for early payment",
        "Late-payment penalties: three times the French legal interest rate",
        "Fixed compensation for recovery costs: €40",
        "Special scheme – travel agents (Régime particulier – Agences de voyages)",
    )
    for french in ("Net à payer", "Date de facture", "Pas d'escompte", "Indemnité forfaitaire"):
        assert french not in printed, french


def test_english_final_invoice_lists_the_deposits() -> None:
    assert_all_in(
        text("final_en"),
        "Deposit invoices deducted",
        "FA-VDL-2026-000101 20/09/2026 €800.00",
        "Deposits deducted − €1,500.00",
        "Amount due €1,495.00",
    )


# ----------------------------------------------------------------------------- the file


def test_long_invoice_flows_over_numbered_pages() -> None:
    line = samples.MIXED_LINES[0]
    lines = tuple(replace(line, label=f"Prestation n° {n}") for n in range(1, 61))
    total = line.total_incl_vat * 60
    doc = samples.margin_invoice(
        lines=lines,
        vat_breakdown=(),
        total_excl_vat=total,
        total_incl_vat=total,
        amount_due=total,
    )
    readable = [flat(p.extract_text()) for p in PdfReader(io.BytesIO(render_invoice(doc))).pages]
    assert len(readable) >= 3
    for number, page in enumerate(readable, start=1):
        assert page.endswith(f"{number}/{len(readable)}"), page[-60:]
        assert "SIRET 123 456 789 00012" in page  # the legal footer on every page
    assert "Net à payer 132 000,00 €" in readable[-1]


def test_equal_input_gives_equal_bytes() -> None:
    assert render_invoice(samples.final_invoice()) == render_invoice(samples.final_invoice())
    assert facturx.invoice_pdf(samples.credit_note()) == pdf("credit")


def test_rendered_invoice_carries_the_srgb_output_intent() -> None:
    """PDF/A asks for an output intent; the rendered page brings it, Factur-X keeps it."""
    for document in (render_invoice(samples.margin_invoice()), pdf("margin")):
        intents = PdfReader(io.BytesIO(document)).trailer["/Root"]["/OutputIntents"]
        intent = intents[0].get_object()
        assert intent["/S"] == "/GTS_PDFA1"
        assert intent["/OutputConditionIdentifier"] == "sRGB"
        assert intent["/DestOutputProfile"].get_object()["/N"] == 3


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_issued_pdf_embeds_its_xml(name: str) -> None:
    assert facturx.xml_of(pdf(name)) == facturx.invoice_xml(SAMPLES[name]())
