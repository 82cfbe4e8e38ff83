"""The demo agency's catalogue: products of the demo suppliers with their tariffs, a negotiated
price, and the catalogue dossier « Journée châteaux de la Loire » whose costing is the worked
example of specs/costing.md (20 payants → 118,50 € per paying person)."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from sqlmodel import Session, col, select

from agence.models import (
    CatalogueDossier,
    CatalogueProgrammeItem,
    Client,
    Costing,
    CostingLine,
    NegotiatedPrice,
    ParticipantCategory,
    Product,
    ProductType,
    Rate,
    Supplier,
    VatRate,
)
from agence.services.common.text import normalize_text

FIRST_DAY = date(2026, 1, 1)
LAST_DAY = date(2027, 12, 31)

# name, type code, supplier, basis, unit capacity, regime, VAT rate, duration (min), tags,
# [(category, min, max, days, purchase, sale, markup)]
PRODUCTS = (
    (
        "Visite du château royal d'Amboise",
        "VISITE",
        "Château royal d'Amboise",
        "personne",
        None,
        "marge",
        "20",
        90,
        "château, Renaissance, Léonard de Vinci",
        [
            ("ADULTE", 1, 19, "tous", "15.50", None, None),
            ("ADULTE", 20, None, "tous", "13.00", None, None),
            ("ENFANT", 1, None, "tous", "9.00", None, None),
        ],
    ),
    (
        "Visite libre du château de Chenonceau",
        "VISITE",
        "Château de Chenonceau",
        "personne",
        None,
        "marge",
        "20",
        120,
        "château, jardins",
        [
            ("ADULTE", 1, 19, "tous", "17.00", None, None),
            ("ADULTE", 20, None, "tous", "13.00", None, None),
            ("ETUDIANT", 1, None, "tous", "11.00", None, None),
        ],
    ),
    (
        "Entrée du domaine de Chambord",
        "VISITE",
        "Domaine de Chambord",
        "personne",
        None,
        "marge",
        "20",
        150,
        "château, François Ier",
        [("ADULTE", 1, None, "tous", "14.50", None, None)],
    ),
    (
        "Déjeuner menu groupe à L'Orangerie",
        "RESTAURATION",
        "Restaurant L'Orangerie",
        "personne",
        None,
        "marge",
        "10",
        90,
        "déjeuner, cuisine de saison",
        [
            ("ADULTE", 1, None, "semaine", "28.00", None, None),
            ("ADULTE", 1, None, "weekend", "32.00", None, None),
        ],
    ),
    (
        "Nuit en chambre double, petit déjeuner",
        "HEBERGEMENT",
        "Hôtel Le Grand Monarque",
        "personne",
        None,
        "marge",
        "10",
        None,
        "hôtel, centre-ville",
        [("ADULTE", 1, None, "tous", "65.00", None, "15")],
    ),
    (
        "Autocar grand tourisme (journée)",
        "TRANSPORT",
        "Autocars Touraine Évasion",
        "unite",
        53,
        "marge",
        "10",
        None,
        "autocar, 53 places",
        [("ADULTE", 1, None, "tous", "950.00", None, None)],
    ),
    (
        "Guide conférencier (journée)",
        "GUIDAGE",
        "Guides Conférenciers du Val de Loire",
        "unite",
        30,
        "marge",
        "20",
        480,
        "guide, français, anglais",
        [("ADULTE", 1, None, "tous", "180.00", None, None)],
    ),
    (
        "Dégustation de vins en cave",
        "ACTIVITE",
        "Cave Monmousseau",
        "personne",
        None,
        "marge",
        "20",
        60,
        "vin, dégustation",
        [("ADULTE", 1, None, "tous", "12.00", "16.00", None)],
    ),
    (
        "Promenade en gabare sur la Loire",
        "ACTIVITE",
        "Bateaux de Loire La Gabare",
        "personne",
        None,
        "marge",
        "10",
        60,
        "bateau, Loire",
        [("ADULTE", 1, None, "tous", "14.00", None, None)],
    ),
    (
        "Accompagnement par un animateur de l'agence",
        "DIVERS",
        None,
        "groupe",
        None,
        "normal",
        "20",
        480,
        "agence, accompagnateur",
        [("ADULTE", 1, None, "tous", "150.00", None, "20")],
    ),
)

WORKED_EXAMPLE = (
    # label, product, basis, unit cost, paying, free, staff, capacity, supplier rule
    ("Autocar", "Autocar grand tourisme (journée)", "group", "950.00", True, True, True, None, 0),
    (
        "Entrée château",
        "Visite du château royal d'Amboise",
        "person",
        "13.00",
        True,
        True,
        False,
        None,
        20,
    ),
    (
        "Déjeuner",
        "Déjeuner menu groupe à L'Orangerie",
        "person",
        "28.00",
        True,
        True,
        True,
        None,
        20,
    ),
    (
        "Guide conférencier",
        "Guide conférencier (journée)",
        "group",
        "180.00",
        True,
        True,
        False,
        30,
        0,
    ),
)
PROGRAMME = (
    (1, time(8, 30), None, None, "Départ de Tours en autocar"),
    (1, time(10, 0), time(12, 0), "Visite du château royal d'Amboise", ""),
    (1, time(12, 30), time(14, 0), "Déjeuner menu groupe à L'Orangerie", ""),
    (1, time(15, 0), time(16, 30), "Guide conférencier (journée)", "Visite guidée de la ville"),
    (1, time(18, 0), None, None, "Retour à Tours"),
)


def seed_catalogue(session: Session) -> None:
    types = {code: i or 0 for code, i in session.exec(select(ProductType.code, ProductType.id))}
    categories = {
        code: i or 0
        for code, i in session.exec(select(ParticipantCategory.code, ParticipantCategory.id))
    }
    vat = {rate: i for rate, i in session.exec(select(col(VatRate.rate), VatRate.id))}
    suppliers = {name: i for name, i in session.exec(select(Supplier.name, Supplier.id))}
    products: dict[str, Product] = {}
    for name, type_code, supplier, basis, capacity, regime, rate, minutes, tags, rates in PRODUCTS:
        product = Product(
            name=name,
            search_name=normalize_text(name),
            search_text=normalize_text(f"{name} {supplier or ''} {tags}"),
            product_type_id=types[type_code],
            supplier_id=suppliers.get(supplier) if supplier else None,
            basis=basis,
            unit_capacity=capacity,
            vat_regime=regime,
            vat_rate_id=vat.get(Decimal(rate)),
            duration_minutes=minutes,
            tags=tags,
            languages=["fr", "en"],
            accessible=type_code != "ACTIVITE",
            free_places=1 if type_code in ("VISITE", "RESTAURATION") else 0,
            free_places_per=20 if type_code in ("VISITE", "RESTAURATION") else 0,
            option_deadline_days=30 if type_code in ("HEBERGEMENT", "RESTAURATION") else 15,
            cancellation_schedule=[{"days": 30, "percent": "30"}, {"days": 7, "percent": "100"}],
            sales_account="706000" if regime == "normal" else "706100",
            purchase_account="604000",
        )
        session.add(product)
        session.flush()
        products[name] = product
        for category, low, high, days, purchase, sale, markup in rates:
            session.add(
                Rate(
                    product_id=product.id or 0,
                    label="Tarif groupes" if low >= 20 else "Tarif",
                    valid_from=FIRST_DAY,
                    valid_to=LAST_DAY,
                    days=days,
                    min_group=low,
                    max_group=high,
                    participant_category_id=categories[category],
                    purchase_price=Decimal(purchase),
                    sale_price=Decimal(sale) if sale else None,
                    markup_percent=Decimal(markup) if markup else None,
                )
            )
    school = session.exec(select(Client).where(Client.name == "Collège Anatole-France")).first()
    if school is not None:
        session.add(
            NegotiatedPrice(
                client_id=school.id or 0,
                product_id=products["Visite du château royal d'Amboise"].id or 0,
                unit_price=Decimal("14.00"),
                valid_from=FIRST_DAY,
                valid_to=LAST_DAY,
                note="Contrat scolaire 2026-2027",
            )
        )
    _seed_worked_example(session, products)
    session.flush()


def _seed_worked_example(session: Session, products: dict[str, Product]) -> None:
    costing = Costing(
        name="Journée châteaux de la Loire",
        is_template=True,
        paying=20,
        free=1,
        staff=1,
        client_free=1,
        client_free_per=20,
        markup_percent=Decimal(18),
        fee_per_group=Decimal(30),
        rounding=Decimal("0.50"),
        grid="20, 25, 30, 35, 40, 45, 50",
    )
    session.add(costing)
    session.flush()
    for position, (label, product, basis, cost, paying, free, staff, capacity, per) in enumerate(
        WORKED_EXAMPLE, start=1
    ):
        item = products[product]
        session.add(
            CostingLine(
                costing_id=costing.id or 0,
                position=position,
                label=label,
                product_id=item.id,
                supplier_id=item.supplier_id,
                product_type_id=item.product_type_id,
                basis=basis,
                unit_cost=Decimal(cost),
                vat_rate=Decimal(20),
                regime="margin",
                for_paying=paying,
                for_free=free,
                for_staff=staff,
                capacity=capacity,
                supplier_free=1 if per else 0,
                supplier_free_per=per,
            )
        )
    dossier = CatalogueDossier(
        name="Journée châteaux de la Loire",
        dossier_type="journee",
        duration_days=1,
        description="Amboise, déjeuner en bord de Loire, visite guidée : la journée type des "
        "groupes scolaires et associatifs, de 20 à 50 payants.",
        costing_id=costing.id,
    )
    session.add(dossier)
    session.flush()
    for day, start, end, product_name, title in PROGRAMME:
        session.add(
            CatalogueProgrammeItem(
                dossier_id=dossier.id or 0,
                day=day,
                start_time=start,
                end_time=end,
                product_id=products[product_name].id if product_name else None,
                title=title or product_name or "",
            )
        )
