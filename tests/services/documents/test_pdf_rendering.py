"""The PDF renderers, read back with pypdf: what each kind prints, in French and English, the
letterhead on every page, embedded fonts, reproducible bytes."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from decimal import Decimal
from functools import cache

import pytest
from PIL import Image
from pypdf import PdfReader

from agence.services.documents.content import DocumentKind
from agence.services.documents.labels import LABELS, label, labelled, plural, with_legal_french
from agence.services.documents.locale import day, long_day, money
from agence.services.documents.pdf import parse_color
from agence.services.documents.render import render_client_document, render_supplier_document
from tests.services.documents import samples

VOUCHER = DocumentKind.VOUCHER


def long_voucher() -> bytes:
    """A voucher of 60 lines: its table runs over several pages."""
    doc = samples.supplier_document(VOUCHER)
    line = doc.services[0]
    lines = tuple(replace(line, label=f"Visite n° {n}") for n in range(1, 61))
    return render_supplier_document(replace(doc, services=lines))


SAMPLES = {
    "quote": lambda: render_client_document(samples.quote()),
    "quote_en": lambda: render_client_document(samples.quote("en")),
    "contract": lambda: render_client_document(samples.contract()),
    "amendment": lambda: render_client_document(samples.amendment()),
    "amendment_en": lambda: render_client_document(samples.amendment("en")),
    "amendment_empty": lambda: render_client_document(samples.amendment(with_changes=False)),
    "proforma": lambda: render_client_document(samples.proforma()),
    "proforma_en": lambda: render_client_document(samples.proforma("en")),
    "road_book": lambda: render_client_document(samples.road_book()),
    "request": lambda: render_supplier_document(samples.supplier_document()),
    "voucher": lambda: render_supplier_document(samples.supplier_document(VOUCHER)),
    "voucher_en": lambda: render_supplier_document(samples.supplier_document(VOUCHER, "en")),
    "long_voucher": long_voucher,
}


@cache
def pdf(name: str) -> bytes:
    """Each sample rendered once for the whole module: the tests stay fast."""
    return SAMPLES[name]()


def flat(text: str) -> str:
    """Babel's no-break spaces as spaces, line breaks and runs of spaces as one space: the
    assertions then read phrases whatever the line wrapping."""
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))


def pages(name: str) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf(name))).pages]


def text(name: str) -> str:
    return " ".join(pages(name))


def eur(value: str, language: str = "fr") -> str:
    return flat(money(Decimal(value), language))


def assert_all_in(haystack: str, *needles: str) -> None:
    missing = [needle for needle in needles if flat(needle) not in haystack]
    assert not missing, f"missing {missing}"


# ----------------------------------------------------------------------------- labels


def test_every_label_has_french_and_english() -> None:
    for key, translations in LABELS.items():
        assert translations.get("fr", "").strip(), key
        assert translations.get("en", "").strip(), key


def test_label_falls_back_to_french_and_rejects_unknown_keys() -> None:
    assert label("not_included", "de") == "Non compris"
    assert label("not_included", "en") == "Not included"
    with pytest.raises(KeyError):
        label("no_such_label", "fr")


def test_plural_labelled_and_legal_french() -> None:
    assert plural("people", 1, "fr") == "1 personne"
    assert plural("people", 25, "fr") == "25 personnes"
    assert plural("people", 0, "en") == "0 people"
    assert labelled("place", "Amboise", "fr") == "Lieu : Amboise"
    assert labelled("place", "Amboise", "en") == "Place: Amboise"
    assert with_legal_french("margin_scheme", "fr") == "Régime particulier – Agences de voyages"
    assert with_legal_french("margin_scheme", "en") == (
        "Special scheme – travel agents (Régime particulier – Agences de voyages)"
    )


def test_colour_falls_back_to_the_default_blue() -> None:
    assert parse_color("#aaBB01") == (0xAA, 0xBB, 0x01)
    assert parse_color("blue") == parse_color("#12345") == (0x1F, 0x4E, 0x79)


# ----------------------------------------------------------------------------- client kinds


def test_quote_prints_the_dossier_for_the_client() -> None:
    printed = text("quote")
    assert_all_in(
        printed,
        "Devis / programme",
        "VDL-2026-0142",
        "version 2",
        "Journée châteaux de la Loire",
        f"Date {day(samples.ISSUED_ON)}",
        "Offre valable jusqu'au 14/10/2026",
        "Collège Anatole-France",
        "3, rue de l'Église",
        "À l'attention de Mme Hélène Bœuf",
        "Céline Girard",
        "c.girard@valdeloire-groupes.fr",
        # the group
        f"du {long_day(samples.DAY_ONE)} à 07:30 au {long_day(samples.DAY_TWO)} à 19:00",
        "22 payants, 2 gratuits, 1 accompagnateur (25 personnes)",
        "Parking du collège, 3 rue de l'Église, Blois",
        "1 élève en fauteuil (PMR)",
        "Suite à votre demande",
        # the programme, day by day
        "lundi 30 novembre 2026",
        "mardi 1 décembre 2026",
        "09:30 – 11:30 Visite guidée du Château d'Amboise",
        "Lieu : Château d'Amboise, Montée de l'Émir Abd el Kader, 37400 Amboise",
        "Déjeuner au restaurant « L'Œnothèque »",
        "Transfert – Départ en autocar de Blois",
        "Guide(s) : Élodie Marchand, Paul Lefèvre",
        "Présentez-vous à l'accueil groupes",
        # services, price, payment, terms
        "Prestations incluses",
        "• Visite guidée du Château d'Amboise – Audioguides",
        "Non compris",
        "L'assurance annulation (en option).",
        f"Prix par personne payante {eur('118.50')}",
        f"Total pour le groupe (22 personnes payantes) {eur('2607.00')}",
        f"30 {eur('104.90')} {eur('3147.00')}",
        f"Acompte {eur('782.10')} à régler avant le 01/10/2026",
        f"Solde {eur('1824.90')} à régler avant le 31/10/2026",
        "À plus de 60 jours du départ : 10 %",
        "Conditions de vente",
        "Article 7 – Droit applicable",
        "Bien cordialement, Céline Girard",
        "Régime particulier – Agences de voyages",
        "Bon pour accord",
        "Date, nom, signature et cachet, précédés de la mention « Bon pour accord »",
    )
    assert eur("1150.00") not in printed  # the per-service amounts stay internal


def test_long_quote_flows_over_three_numbered_pages() -> None:
    printed = pages("quote")
    assert len(printed) == 3
    for number, page in enumerate(printed, start=1):
        assert page.endswith(f"{number}/3"), page[-80:]
    assert "Conditions de vente" in printed[1]
    assert "Bon pour accord" in printed[2]


def test_english_quote_uses_the_english_labels() -> None:
    printed = text("quote_en")
    assert_all_in(
        printed,
        "Quote / programme",
        "Offer valid until 14/10/2026",
        "For the attention of Mme Hélène Bœuf",
        long_day(samples.DAY_ONE, "en"),
        "22 paying, 2 free, 1 staff (25 people)",
        "Place: Château d'Amboise",
        "Included services",
        "Not included",
        f"Price per paying person {eur('118.50', 'en')}",
        f"Total for the group (22 paying persons) {eur('2607.00', 'en')}",
        f"Deposit {eur('782.10', 'en')} due by 01/10/2026",
        "Terms and conditions of sale",
        "Special scheme – travel agents (Régime particulier – Agences de voyages)",
        "Atout France registration IM037100012",
    )
    assert "Non compris" not in printed
    assert "Offre valable" not in printed


def test_contract_has_the_parties_payment_and_two_signatures() -> None:
    printed = text("contract")
    assert_all_in(
        printed,
        "Contrat de vente – VDL-2026-0142",
        "L'AGENCE Val de Loire Groupes 12, quai d'Orléans 37000 Tours SIRET 123 456 789 00012",
        "Immatriculation Atout France IM037100012",
        "CLIENT Collège Anatole-France",
        "lundi 30 novembre 2026",
        f"Total pour le groupe (22 personnes payantes) {eur('2607.00')}",
        f"Acompte {eur('782.10')} à régler avant le 01/10/2026",
        "Conditions de paiement 30 % à la commande",
        "Conditions d'annulation",
        "De 60 à 30 jours du départ : 30 %",
        "Conditions de vente",
        "Régime particulier – Agences de voyages",
        "Pour l'agence",
        "Pour le client, bon pour accord",
    )
    assert "Offre valable" not in printed


def test_amendment_lists_the_changes_with_signed_differences() -> None:
    printed = text("amendment")
    assert_all_in(
        printed,
        "Avenant n° 2 au contrat VDL-2026-0142",
        "Motif de l'avenant Ajout d'un goûter",
        f"ajouté Goûter au Clos Lucé 22 personnes + {eur('120.00')}",
        f"supprimé Audioguides 22 personnes − {eur('45.00')}",
        f"modifié Déjeuner Menu 18,00 € Menu 19,50 € + {eur('33.00')}",
        f"Montant total précédent {eur('2607.00')}",
        f"Nouveau montant total {eur('2715.00')}",
        f"Écart + {eur('108.00')}",
        f"Nouveau prix par personne payante {eur('123.41')}",
        "Programme mis à jour",
        "mardi 1 décembre 2026",
        "Merci de nous retourner cet avenant signé.",
        "Pour l'agence",
        "Pour le client, bon pour accord",
    )
    assert "Aucune prestation modifiée" not in printed
    assert_all_in(
        text("amendment_en"),
        "Amendment no. 2 to contract VDL-2026-0142",
        f"added Goûter au Clos Lucé 22 personnes + {eur('120.00', 'en')}",
        "removed Audioguides",
        f"New total {eur('2715.00', 'en')}",
        "For the client, approved",
    )


def test_amendment_without_changes_says_so() -> None:
    printed = text("amendment_empty")
    assert_all_in(printed, "Aucune prestation modifiée", f"Nouveau montant total {eur('2607.00')}")
    assert "Écart + " not in printed


def test_proforma_is_not_an_invoice() -> None:
    printed = text("proforma")
    assert_all_in(
        printed,
        "Facture pro forma — ne constitue pas une facture",
        "Référence du dossier VDL-2026-0142",
        "Collège Anatole-France",
        "Forfait Journée châteaux de la Loire — 22 personnes payantes × "
        f"{eur('118.50')} {eur('2607.00')}",
        "• Château de Chenonceau et atelier",
        f"Acompte {eur('782.10')} à régler avant le 01/10/2026",
        "Régime particulier – Agences de voyages",
        "TVA sur la marge non récupérable, non mentionnée (art. 266-1-e et 297 A du CGI)",
        "Merci.",
    )
    assert "Facture n°" not in printed
    assert_all_in(
        text("proforma_en"),
        "Pro forma invoice — not an invoice (Facture pro forma — ne constitue pas une facture)",
        f"Package Journée châteaux de la Loire — 22 paying persons × {eur('118.50', 'en')}",
    )


def test_road_book_gives_the_meeting_and_contacts_without_prices() -> None:
    printed = text("road_book")
    assert_all_in(
        printed,
        "Convocation / road book",
        "Rendez-vous : Parking du collège, 3 rue de l'Église, Blois",
        f"{long_day(samples.DAY_ONE)} à 07:30",
        "Autocariste Autocars Touraine Évasion",
        "Téléphone du chauffeur 06 12 34 56 78",
        "Contacts utiles",
        "Val de Loire Groupes 02 47 00 00 00 groupes@valdeloire-groupes.fr",
        "Élodie Marchand – guide 06 11 22 33 44",
        "Astreinte agence 06 99 88 77 66",
        "Rendez-vous : Château d'Amboise, Montée de l'Émir Abd el Kader",
        "Plan : https://maps.example.org/?q=47.413,0.986",
        "Voici toutes les informations utiles",
        "Bon voyage !",
    )
    for amount in ("118.50", "2607.00", "782.10"):
        assert eur(amount) not in printed


# ----------------------------------------------------------------------------- supplier kinds


def test_supplier_request_asks_for_an_answer() -> None:
    printed = text("request")
    assert_all_in(
        printed,
        "Demande de réservation",
        "Notre référence : VDL-2026-0142",
        "PRESTATAIRE Château d'Amboise Montée de l'Émir Abd el Kader 37400 Amboise",
        "Collège Anatole-France – Journée châteaux de la Loire",
        "Effectif 25 personnes",
        "Langue Français",
        "30/11/2026 09:30 – 11:30 Visite guidée du château 25 personnes 1 personne en fauteuil",
        "Option jusqu'au 10/10/2026",
        "Merci de nous répondre avant le 10/10/2026.",
        "Votre contact à l'agence Céline Girard Tél. 02 47 00 00 01",
        "Nous vous remercions de bien vouloir réserver",
        "Avec nos remerciements.",
    )
    assert "Bon à présenter" not in printed
    assert "€" not in printed.split("Val de Loire Groupes, SAS")[0]  # no price before the footer


def test_voucher_carries_the_references_and_the_invoicing_notice() -> None:
    printed = text("voucher")
    assert_all_in(
        printed,
        "Bon d'échange",
        "Notre référence : VDL-2026-0142",
        "Bon n° VDL-2026-0142 / AMB-55821",
        "Réf. prestataire",
        "Audioguides 22 unités AMB-55821",
        "Bon à présenter par le responsable du groupe. Facture à adresser à Val de Loire "
        "Groupes, rappelant notre référence VDL-2026-0142.",
    )
    assert "Merci de nous répondre" not in printed
    assert_all_in(
        text("voucher_en"),
        "Voucher",
        "Our reference: VDL-2026-0142",
        "Supplier ref.",
        "Voucher to be presented by the group leader.",
        "Group size 25 people",
    )


# ----------------------------------------------------------------------------- the letterhead


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_page_has_the_letterhead_and_the_legal_footer(name: str) -> None:
    printed = pages(name)
    for number, page in enumerate(printed, start=1):
        assert page.startswith("Val de Loire Groupes 12, quai d'Orléans 37000 Tours"), name
        assert_all_in(
            page,
            "SAS",
            "RCS Tours 123 456 789",
            "SIRET 123 456 789 00012",
            "FR12123456789",
            "IM037100012",
            "Garantie financière : APST",
            f"{number}/{len(printed)}",
        )
    assert "au capital de 50 000,00 €" in printed[0] or "share capital €50,000.00" in printed[0]


def test_table_headings_repeat_on_every_page() -> None:
    printed = pages("long_voucher")
    assert len(printed) >= 2
    for page in printed:
        assert "Date Heure Prestation Quantité Réf. prestataire Remarques" in page
    assert "Visite n° 60" in printed[-1]
    assert "Bon à présenter par le responsable du groupe." in printed[-1]


@pytest.mark.parametrize("name", ["quote", "long_voucher"])
def test_body_text_never_runs_into_the_footer(name: str) -> None:
    reader = PdfReader(io.BytesIO(pdf(name)))
    for page in reader.pages:
        lines: list[tuple[float, str]] = []

        def visit(fragment: str, cm: list, tm: list, font: object, size: float) -> None:
            if fragment.strip():
                lines.append((tm[5] * cm[3] + cm[5], fragment))  # noqa: B023

        page.extract_text(visitor_text=visit)
        footer_top = max(y for y, fragment in lines if fragment.startswith("Val de Loire Groupes,"))
        body_bottom = min(y for y, fragment in lines if y > footer_top)
        assert body_bottom - footer_top > 20  # points: a clear gap above the footer's rule


def test_fonts_are_embedded_dejavu() -> None:
    reader = PdfReader(io.BytesIO(pdf("quote")))
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        assert fonts
        for font in fonts.values():
            font = font.get_object()
            assert "DejaVu" in font["/BaseFont"]
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor.get_object()


def test_metadata_and_reproducible_bytes() -> None:
    reader = PdfReader(io.BytesIO(pdf("quote")))
    assert reader.metadata.title == "Devis / programme – VDL-2026-0142"
    assert reader.metadata.author == "Val de Loire Groupes"
    assert reader.metadata.creator == "Agence"
    assert render_client_document(samples.quote()) == pdf("quote")
    assert render_supplier_document(samples.supplier_document(VOUCHER)) == pdf("voucher")


def test_logo_is_drawn_when_present_and_skipped_when_missing(tmp_path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 60), (31, 78, 121)).save(logo)
    with_logo = samples.proforma()
    with_logo = replace(with_logo, branding=samples.branding(logo_path=logo, color="oops"))
    reader = PdfReader(io.BytesIO(render_client_document(with_logo)))
    assert "/XObject" in reader.pages[0]["/Resources"]
    broken = tmp_path / "broken.png"
    broken.write_text("not an image")
    for path in (tmp_path / "none.png", broken):
        without = replace(with_logo, branding=samples.branding(logo_path=path))
        reader = PdfReader(io.BytesIO(render_client_document(without)))
        assert "/XObject" not in reader.pages[0]["/Resources"]
        assert "Facture pro forma" in reader.pages[0].extract_text()


def test_unknown_kind_raises() -> None:
    with pytest.raises(ValueError):
        render_client_document(replace(samples.quote(), kind=DocumentKind.VOUCHER))
    with pytest.raises(ValueError):
        render_client_document(replace(samples.quote(), kind="brochure"))
    with pytest.raises(ValueError):
        render_supplier_document(replace(samples.supplier_document(), kind=DocumentKind.QUOTE))
