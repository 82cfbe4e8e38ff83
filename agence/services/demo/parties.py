"""The demo agency's clients, prospects and suppliers (realistic Loire-valley group business)."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from agence.models import (
    Address,
    Client,
    ClientCategory,
    ClientCategoryLink,
    Contact,
    Supplier,
    User,
    VisitReport,
)
from agence.services.common import formats
from agence.services.common.text import department_of, normalize_text
from agence.services.parties.clients import next_account_code, refresh_location, set_tags
from agence.services.parties.suppliers import next_account_code as next_supplier_code
from agence.services.parties.suppliers import refresh_supplier_location
from agence.services.parties.vocabulary import (
    AddressKind,
    ClientStatus,
    ClientType,
    Interest,
    NextAction,
    ReportKind,
    ReportStatus,
    SupplierType,
    VatRegime,
)

# (name, type, status, city, postcode, street, category, tags, revenue, credit limit)
CLIENTS = (
    (
        "École élémentaire Jules-Ferry",
        ClientType.SCHOOL,
        ClientStatus.CLIENT,
        "Tours",
        "37000",
        "4 rue de la Victoire",
        "Écoles primaires",
        "printemps, sorties de fin d'année",
        8_450,
        None,
    ),
    (
        "Collège Anatole-France",
        ClientType.SCHOOL,
        ClientStatus.CLIENT,
        "Blois",
        "41000",
        "12 avenue du Maréchal",
        "Collèges et lycées",
        "séjours pédagogiques",
        14_200,
        None,
    ),
    (
        "Lycée Descartes",
        ClientType.SCHOOL,
        ClientStatus.PROSPECT,
        "Tours",
        "37000",
        "10 rue des Minimes",
        "Collèges et lycées",
        "",
        0,
        None,
    ),
    (
        "CSE Michelin Joué-lès-Tours",
        ClientType.WORKS_COUNCIL,
        ClientStatus.CLIENT,
        "Joué-lès-Tours",
        "37300",
        "Avenue du Général de Gaulle",
        "CE de grandes entreprises",
        "fidèle, week-ends",
        36_900,
        Decimal("20000"),
    ),
    (
        "CSE SNCF Centre-Val de Loire",
        ClientType.WORKS_COUNCIL,
        ClientStatus.CLIENT,
        "Orléans",
        "45000",
        "1 place Albert-Ier",
        "CE de grandes entreprises",
        "fidèle",
        52_300,
        Decimal("30000"),
    ),
    (
        "Amicale des retraités de Saumur",
        ClientType.ASSOCIATION,
        ClientStatus.CLIENT,
        "Saumur",
        "49400",
        "8 quai Mayaud",
        "Clubs et associations",
        "seniors, journées",
        6_780,
        Decimal("3000"),
    ),
    (
        "Club Rotary Amboise",
        ClientType.ASSOCIATION,
        ClientStatus.PROSPECT,
        "Amboise",
        "37400",
        "3 rue Nationale",
        "Clubs et associations",
        "",
        0,
        None,
    ),
    (
        "Voyages Gauthier Autocars",
        ClientType.COACH_OPERATOR,
        ClientStatus.CLIENT,
        "Vendôme",
        "41100",
        "ZA du Bois de l'Oulette",
        "Autocaristes",
        "partenaire",
        28_400,
        Decimal("15000"),
    ),
    (
        "Cars Rouillé",
        ClientType.COACH_OPERATOR,
        ClientStatus.PROSPECT,
        "Chinon",
        "37500",
        "Route de Tours",
        "Autocaristes",
        "",
        0,
        None,
    ),
    (
        "Loire Tours International",
        ClientType.AGENCY,
        ClientStatus.CLIENT,
        "Paris",
        "75009",
        "22 rue Laffitte",
        "Agences et tour-opérateurs",
        "anglophones, groupes étrangers",
        74_150,
        Decimal("40000"),
    ),
    (
        "Europa Reisen GmbH",
        ClientType.AGENCY,
        ClientStatus.CLIENT,
        "Paris",
        "75008",
        "5 rue de Berri",
        "Agences et tour-opérateurs",
        "germanophones",
        41_800,
        Decimal("25000"),
    ),
    (
        "Groupe Hospitalier Bretonneau",
        ClientType.COMPANY,
        ClientStatus.PROSPECT,
        "Tours",
        "37000",
        "2 boulevard Tonnellé",
        "Entreprises",
        "séminaires",
        0,
        None,
    ),
    (
        "Laboratoires Servier Gidy",
        ClientType.COMPANY,
        ClientStatus.CLIENT,
        "Gidy",
        "45520",
        "905 route de Saran",
        "Entreprises",
        "séminaires, incentive",
        22_600,
        Decimal("15000"),
    ),
    (
        "Mairie de Chinon",
        ClientType.PUBLIC_BODY,
        ClientStatus.CLIENT,
        "Chinon",
        "37500",
        "Place du Général-de-Gaulle",
        "Collectivités",
        "Chorus Pro",
        9_300,
        None,
    ),
    (
        "Conseil départemental d'Indre-et-Loire",
        ClientType.PUBLIC_BODY,
        ClientStatus.PROSPECT,
        "Tours",
        "37000",
        "Place de la Préfecture",
        "Collectivités",
        "Chorus Pro",
        0,
        None,
    ),
    (
        "Office de tourisme de Loches",
        ClientType.PUBLIC_BODY,
        ClientStatus.CLIENT,
        "Loches",
        "37600",
        "Place de la Marne",
        "Collectivités",
        "",
        4_850,
        None,
    ),
    (
        "Association Les Amis du Patrimoine",
        ClientType.ASSOCIATION,
        ClientStatus.INACTIVE,
        "Langeais",
        "37130",
        "Rue Anne-de-Bretagne",
        "Clubs et associations",
        "",
        0,
        None,
    ),
    (
        "Comité des fêtes de Montlouis",
        ClientType.ASSOCIATION,
        ClientStatus.CLIENT,
        "Montlouis-sur-Loire",
        "37270",
        "Place François-Mitterrand",
        "Clubs et associations",
        "vendanges",
        3_120,
        None,
    ),
)
PEOPLE = (
    ("DUPONT", "Marie", "Tours", "37000", "15 rue Colbert"),
    ("LEROY", "Jean-Pierre", "Blois", "41000", "3 rue Denis-Papin"),
)
CONTACTS = (
    ("Mme", "Isabelle", "Moreau", "Directrice"),
    ("M.", "Olivier", "Girard", "Secrétaire"),
    ("Mme", "Nathalie", "Roussel", "Présidente"),
    ("M.", "Stéphane", "Lambert", "Responsable voyages"),
    ("Mme", "Claire", "Fabre", "Trésorière"),
    ("M.", "Hervé", "Chevalier", "Gérant"),
)
SUPPLIERS = (
    (
        "Château royal d'Amboise",
        SupplierType.SITE,
        "Amboise",
        "37400",
        "Montée de l'Émir Abd el Kader",
        1,
        20,
    ),
    (
        "Château de Chenonceau",
        SupplierType.SITE,
        "Chenonceaux",
        "37150",
        "Château de Chenonceau",
        1,
        20,
    ),
    ("Domaine de Chambord", SupplierType.SITE, "Chambord", "41250", "Château de Chambord", 1, 25),
    (
        "Restaurant L'Orangerie",
        SupplierType.CATERING,
        "Chenonceaux",
        "37150",
        "Allée du Château",
        1,
        20,
    ),
    (
        "Auberge du Bon Laboureur",
        SupplierType.CATERING,
        "Chenonceaux",
        "37150",
        "6 rue du Dr Bretonneau",
        0,
        0,
    ),
    (
        "Hôtel Le Grand Monarque",
        SupplierType.ACCOMMODATION,
        "Azay-le-Rideau",
        "37190",
        "3 place de la République",
        1,
        20,
    ),
    (
        "Hôtel Mercure Tours Centre",
        SupplierType.ACCOMMODATION,
        "Tours",
        "37000",
        "29 rue Édouard-Vaillant",
        1,
        25,
    ),
    (
        "Autocars Touraine Évasion",
        SupplierType.TRANSPORT,
        "Tours",
        "37000",
        "Rue de la Milletière",
        0,
        0,
    ),
    (
        "Guides Conférenciers du Val de Loire",
        SupplierType.GUIDE,
        "Tours",
        "37000",
        "Rue Nationale",
        0,
        0,
    ),
    (
        "Cave Monmousseau",
        SupplierType.ACTIVITY,
        "Montrichard",
        "41400",
        "71 route de Vierzon",
        1,
        20,
    ),
    (
        "Salle des Halles de Tours",
        SupplierType.VENUE,
        "Tours",
        "37000",
        "Place Gaston-Paillhou",
        0,
        0,
    ),
    (
        "Bateaux de Loire La Gabare",
        SupplierType.ACTIVITY,
        "Amboise",
        "37400",
        "Quai Charles-Guinot",
        1,
        20,
    ),
)
_BOOKED_AHEAD = (SupplierType.ACCOMMODATION, SupplierType.CATERING)
"""Suppliers with a longer option deadline and a cancellation schedule."""
CATEGORIES = (
    "Écoles primaires",
    "Collèges et lycées",
    "CE de grandes entreprises",
    "Clubs et associations",
    "Autocaristes",
    "Agences et tour-opérateurs",
    "Entreprises",
    "Collectivités",
)


def _address(owner: dict, street: str, postcode: str, city: str) -> Address:
    return Address(
        kind=AddressKind.BILLING,
        is_default=True,
        line1=street,
        postcode=postcode,
        city=city,
        country="FR",
        **owner,
    )


def seed_parties(session: Session) -> None:
    """Adds the demo clients and suppliers once (nothing when clients already exist)."""
    if session.exec(select(Client.id)).first() is not None:
        return
    rng = random.Random(2026)
    reps = session.exec(
        select(User).where(User.is_sales_rep, User.active).order_by(col(User.id))
    ).all()
    categories: dict[str, int] = {}
    for name in CATEGORIES:
        row = session.exec(select(ClientCategory).where(ClientCategory.name == name)).first()
        if row is None:
            row = ClientCategory(name=name)
            session.add(row)
            session.flush()
        categories[name] = row.id or 0
    today = formats.today()
    clients: list[Client] = []
    for name, kind, status, city, postcode, street, category, tags, revenue, limit in CLIENTS:
        rep = reps[len(clients) % len(reps)] if reps else None
        client = Client(
            name=name,
            search_name=normalize_text(name),
            client_type=kind,
            status=status,
            city=city,
            postcode=postcode,
            department=department_of(postcode),
            account_code=next_account_code(session),
            sales_rep_id=rep.id if rep else None,
            email=f"contact@{normalize_text(name).replace(' ', '-')[:30]}.fr",
            phone=f"02 47 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            revenue=Decimal(revenue),
            credit_limit=limit,
            last_visit_on=today - timedelta(days=rng.randint(10, 400))
            if status != ClientStatus.PROSPECT
            else None,
            chorus_engagement_required=kind == ClientType.PUBLIC_BODY,
        )
        if status != ClientStatus.INACTIVE and rng.random() < 0.6:
            client.next_action_kind = rng.choice(
                [NextAction.CALL, NextAction.VISIT, NextAction.QUOTE, NextAction.EMAIL]
            )
            client.next_action_on = today + timedelta(days=rng.randint(-5, 20))
            client.next_action_note = "Proposer le programme printemps"
        session.add(client)
        session.flush()
        session.add(_address({"client_id": client.id}, street, postcode, city))
        session.flush()
        refresh_location(session, client)
        session.add(ClientCategoryLink(client_id=client.id or 0, category_id=categories[category]))
        if tags:
            set_tags(session, client.id or 0, [t.strip() for t in tags.split(",")])
        for index in range(rng.randint(1, 2)):
            civility, first, last, role = CONTACTS[(len(clients) + index) % len(CONTACTS)]
            session.add(
                Contact(
                    client_id=client.id,
                    civility=civility,
                    first_name=first,
                    last_name=last,
                    role=role,
                    email=f"{first.lower()}.{last.lower()}@example.fr".replace(" ", ""),
                    phone=client.phone,
                    is_main=index == 0,
                )
            )
        clients.append(client)
    for last, first, city, postcode, street in PEOPLE:
        rep = reps[0] if reps else None
        client = Client(
            name=f"{last} {first}",
            first_name=first,
            last_name=last,
            is_company=False,
            search_name=normalize_text(f"{last} {first}"),
            client_type=ClientType.PERSON,
            status=ClientStatus.CLIENT,
            city=city,
            postcode=postcode,
            department=department_of(postcode),
            account_code=next_account_code(session),
            sales_rep_id=rep.id if rep else None,
            email=f"{first.lower()}.{last.lower()}@example.fr".replace(" ", ""),
        )
        session.add(client)
        session.flush()
        session.add(_address({"client_id": client.id}, street, postcode, city))
        session.flush()
        refresh_location(session, client)
    for client in clients[:8]:
        if client.last_visit_on is None or client.sales_rep_id is None:
            continue
        session.add(
            VisitReport(
                client_id=client.id,
                sales_rep_id=client.sales_rep_id,
                kind=ReportKind.VISIT,
                visit_on=client.last_visit_on,
                subject="Présentation de la brochure groupes",
                body="Rencontre avec le responsable des voyages. Intéressé par une journée "
                "châteaux + déjeuner en mai pour 45 personnes.",
                interest=rng.choice([Interest.MEDIUM, Interest.HIGH]),
                status=ReportStatus.VALIDATED,
            )
        )
    for name, supplier_type, city, postcode, street, free, per in SUPPLIERS:
        supplier = Supplier(
            name=name,
            search_name=normalize_text(name),
            supplier_type=supplier_type,
            city=city,
            postcode=postcode,
            department=department_of(postcode),
            account_code=next_supplier_code(session),
            default_vat_regime=VatRegime.MARGIN,
            free_places=free,
            free_places_per=per,
            option_deadline_days=30 if supplier_type in _BOOKED_AHEAD else 15,
            cancellation_schedule=[{"days": 30, "percent": "30"}, {"days": 7, "percent": "100"}]
            if supplier_type in _BOOKED_AHEAD
            else [],
            email=f"groupes@{normalize_text(name).replace(' ', '-')[:30]}.fr",
            phone=f"02 47 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        )
        session.add(supplier)
        session.flush()
        session.add(_address({"supplier_id": supplier.id}, street, postcode, city))
        session.flush()
        refresh_supplier_location(session, supplier)
        civility, first, last, role = CONTACTS[rng.randint(0, len(CONTACTS) - 1)]
        session.add(
            Contact(
                supplier_id=supplier.id,
                civility=civility,
                first_name=first,
                last_name=last,
                role="Service groupes",
                is_main=True,
                email=supplier.email,
                phone=supplier.phone,
            )
        )
    session.flush()
