"""Realistic document content for the renderer tests: a two-day Loire valley trip of a school,
its quote, contract, amendment, pro forma and road book, and one supplier's request and voucher.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from agence.services.documents.content import (
    Addressee,
    Branding,
    Change,
    ClientDocument,
    DocumentKind,
    Group,
    LetterTexts,
    PaymentSchedule,
    PriceRow,
    ProgrammeDay,
    ProgrammeEntry,
    Service,
    SupplierDocument,
    SupplierService,
)

REFERENCE = "VDL-2026-0142"
DAY_ONE = date(2026, 11, 30)
DAY_TWO = date(2026, 12, 1)
ISSUED_ON = date(2026, 9, 14)

TERM_ARTICLES = (
    "Inscription et acompte",
    "Prix et révision",
    "Effectif du groupe",
    "Modification par le client",
    "Annulation par le client",
    "Annulation par l'agence",
    "Droit applicable",
)


def branding(**changes: object) -> Branding:
    return replace(
        Branding(
            name="Val de Loire Groupes",
            address_lines=("12, quai d'Orléans", "37000 Tours"),
            phone="02 47 00 00 00",
            email="groupes@valdeloire-groupes.fr",
            siret="123 456 789 00012",
            vat_number="FR12123456789",
            legal_form="SAS",
            share_capital=Decimal("50000"),
            rcs="RCS Tours 123 456 789",
            tourism_licence="IM037100012",
            legal_mentions="Garantie financière : APST, 15 avenue Carnot, 75017 Paris. "
            "Assurance RCP : Hiscox, contrat n° HA RCP0123456.",
        ),
        **changes,
    )


def client() -> Addressee:
    return Addressee(
        name="Collège Anatole-France",
        address_lines=("3, rue de l'Église", "41000 Blois"),
        contact_name="Mme Hélène Bœuf",
        contact_phone="02 54 00 00 00",
        contact_email="h.boeuf@college-anatole-france.fr",
    )


def group() -> Group:
    return Group(
        starts_on=DAY_ONE,
        ends_on=DAY_TWO,
        start_time="07:30",
        end_time="19:00",
        paying=22,
        free=2,
        staff=1,
        language="Français",
        meeting_place="Parking du collège, 3 rue de l'Église, Blois",
        coach_company="Autocars Touraine Évasion",
        driver_phone="06 12 34 56 78",
        special_needs="1 élève en fauteuil (PMR) ; 2 repas sans porc",
    )


def programme() -> tuple[ProgrammeDay, ...]:
    return (
        ProgrammeDay(
            day=DAY_ONE,
            entries=(
                ProgrammeEntry(
                    time="07:30",
                    title="Départ en autocar de Blois",
                    place="Parking du collège",
                    address="3, rue de l'Église, 41000 Blois",
                    map_url="https://maps.example.org/?q=47.586,1.335",
                    is_transfer=True,
                ),
                ProgrammeEntry(
                    time="09:30 – 11:30",
                    title="Visite guidée du Château d'Amboise",
                    place="Château d'Amboise",
                    address="Montée de l'Émir Abd el Kader, 37400 Amboise",
                    map_url="https://maps.example.org/?q=47.413,0.986",
                    notes="Présentez-vous à l'accueil groupes 15 minutes avant.",
                    guides=("Élodie Marchand",),
                ),
                ProgrammeEntry(
                    time="12:00",
                    title="Déjeuner au restaurant « L'Œnothèque »",
                    place="L'Œnothèque",
                    address="8, place Michel-Debré, 37400 Amboise",
                ),
                ProgrammeEntry(
                    time="14:30 – 16:30",
                    title="Château du Clos Lucé et parc Leonardo da Vinci",
                    place="Clos Lucé",
                    address="2, rue du Clos Lucé, 37400 Amboise",
                ),
            ),
        ),
        ProgrammeDay(
            day=DAY_TWO,
            entries=(
                ProgrammeEntry(
                    time="09:00 – 12:00",
                    title="Château de Chenonceau, visite libre et atelier",
                    place="Château de Chenonceau",
                    address="37150 Chenonceaux",
                    guides=("Élodie Marchand", "Paul Lefèvre"),
                ),
                ProgrammeEntry(
                    time="17:00",
                    title="Retour à Blois",
                    is_transfer=True,
                    notes="Arrivée prévue vers 19:00.",
                ),
            ),
        ),
    )


def services() -> tuple[Service, ...]:
    return (
        Service("Transport en autocar grand tourisme", "forfait groupe", Decimal("1150.00")),
        Service("Visite guidée du Château d'Amboise", "par personne", Decimal("330.00")),
        Service("Audioguides", "par personne", Decimal("66.00"), attached=True),
        Service("Déjeuner au restaurant « L'Œnothèque »", "par personne", Decimal("396.00")),
        Service("Château du Clos Lucé", "par personne", Decimal("242.00")),
        Service("Château de Chenonceau et atelier", "par personne", Decimal("423.00")),
    )


def long_terms() -> str:
    """Terms long enough to push the quote over three pages, as the real ones do."""
    paragraph = (
        "Les présentes conditions s'appliquent à toute réservation de groupe effectuée auprès "
        "de l'agence. Le client reconnaît en avoir pris connaissance avant la signature du "
        "devis et les accepter sans réserve ; toute dérogation fait l'objet d'un écrit. "
    )
    return "\n\n".join(
        f"Article {number} – {title}\n{paragraph * 2}"
        for number, title in enumerate(TERM_ARTICLES, start=1)
    )


def quote(language: str = "fr", **changes: object) -> ClientDocument:
    doc = ClientDocument(
        kind=DocumentKind.QUOTE,
        language=language,
        branding=branding(),
        reference=REFERENCE,
        title="Journée châteaux de la Loire",
        issued_on=ISSUED_ON,
        version=2,
        client=client(),
        group=group(),
        sales_rep=Addressee(
            name="Céline Girard",
            contact_phone="02 47 00 00 01",
            contact_email="c.girard@valdeloire-groupes.fr",
        ),
        programme=programme(),
        services=services(),
        price_per_paying=Decimal("118.50"),
        total=Decimal("2607.00"),
        price_grid=(
            PriceRow(20, Decimal("126.00"), Decimal("2520.00")),
            PriceRow(22, Decimal("118.50"), Decimal("2607.00")),
            PriceRow(30, Decimal("104.90"), Decimal("3147.00")),
        ),
        valid_until=date(2026, 10, 14),
        texts=LetterTexts(
            introduction="Madame,\nSuite à votre demande, nous avons le plaisir de vous "
            "adresser notre proposition pour votre séjour.",
            not_included="Les dépenses personnelles.\nL'assurance annulation (en option).",
            terms=long_terms(),
            closing="Nous restons à votre disposition.\nBien cordialement, Céline Girard",
        ),
        payment=PaymentSchedule(
            deposit=Decimal("782.10"),
            deposit_due=date(2026, 10, 1),
            balance=Decimal("1824.90"),
            balance_due=date(2026, 10, 31),
            terms_label="30 % à la commande, solde 30 jours avant le départ",
        ),
        cancellation_terms=(
            "À plus de 60 jours du départ : 10 %",
            "De 60 à 30 jours du départ : 30 %",
            "À moins de 30 jours du départ : 100 %",
        ),
        contacts=(
            Addressee(name="Élodie Marchand", contact_name="guide", contact_phone="06 11 22 33 44"),
            Addressee(
                name="Astreinte agence",
                contact_phone="06 99 88 77 66",
                contact_email="astreinte@valdeloire-groupes.fr",
            ),
        ),
    )
    return replace(doc, **changes)


def contract(language: str = "fr") -> ClientDocument:
    return quote(language, kind=DocumentKind.CONTRACT, price_grid=(), valid_until=None)


def amendment(language: str = "fr", with_changes: bool = True) -> ClientDocument:
    changes = (
        Change("added", "Goûter au Clos Lucé", "", "22 personnes", Decimal("120.00")),
        Change("removed", "Audioguides", "22 personnes", "", Decimal("-45.00")),
        Change("changed", "Déjeuner", "Menu 18,00 €", "Menu 19,50 €", Decimal("33.00")),
    )
    return quote(
        language,
        kind=DocumentKind.AMENDMENT,
        version=3,
        amendment_number=2,
        amendment_reason="Ajout d'un goûter et changement de menu à la demande du collège.",
        changes=changes if with_changes else (),
        previous_total=Decimal("2607.00"),
        total=Decimal("2715.00") if with_changes else Decimal("2607.00"),
        price_per_paying=Decimal("123.41") if with_changes else Decimal("118.50"),
        texts=LetterTexts(closing="Merci de nous retourner cet avenant signé."),
    )


def proforma(language: str = "fr") -> ClientDocument:
    return quote(language, kind=DocumentKind.PROFORMA, texts=LetterTexts(closing="Merci."))


def road_book(language: str = "fr") -> ClientDocument:
    return quote(
        language,
        kind=DocumentKind.ROAD_BOOK,
        texts=LetterTexts(
            introduction="Voici toutes les informations utiles pour le voyage.",
            closing="Bon voyage !",
        ),
    )


def supplier_document(
    kind: DocumentKind = DocumentKind.SUPPLIER_REQUEST, language: str = "fr"
) -> SupplierDocument:
    voucher = kind is DocumentKind.VOUCHER
    return SupplierDocument(
        kind=kind,
        language=language,
        branding=branding(),
        reference=REFERENCE,
        title="Journée châteaux de la Loire",
        issued_on=ISSUED_ON,
        supplier=Addressee(
            name="Château d'Amboise",
            address_lines=("Montée de l'Émir Abd el Kader", "37400 Amboise"),
            contact_name="Service groupes",
            contact_email="groupes@chateau-amboise.example",
        ),
        group_name="Collège Anatole-France – Journée châteaux de la Loire",
        group=group(),
        services=(
            SupplierService(
                day=DAY_ONE,
                time="09:30 – 11:30",
                label="Visite guidée du château",
                quantity="25 personnes",
                notes="1 personne en fauteuil",
                supplier_reference="AMB-55821" if voucher else "",
                option_until=date(2026, 10, 10),
            ),
            SupplierService(
                day=DAY_ONE,
                time="09:30",
                label="Audioguides",
                quantity="22 unités",
                supplier_reference="AMB-55821" if voucher else "",
                option_until=date(2026, 10, 10),
            ),
        ),
        agency_contact=Addressee(
            name="Céline Girard",
            contact_phone="02 47 00 00 01",
            contact_email="c.girard@valdeloire-groupes.fr",
        ),
        texts=LetterTexts(
            introduction="Madame, Monsieur,\nNous vous remercions de bien vouloir réserver :",
            closing="Avec nos remerciements.",
        ),
        reply_by=None if voucher else date(2026, 10, 10),
    )
