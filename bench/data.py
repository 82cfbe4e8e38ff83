"""Data generator for benchmarks: realistic French users, clients and catalogue tariffs in bulk."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from sqlalchemy import func, insert
from sqlmodel import Session, select

from agence.models import AgencySite, Profile, User
from agence.models.base import utcnow
from agence.services import passwords

FIRST_NAMES = (
    "Camille",
    "Lucas",
    "Léa",
    "Hugo",
    "Chloé",
    "Louis",
    "Manon",
    "Jules",
    "Inès",
    "Gabriel",
    "Sarah",
    "Arthur",
    "Jade",
    "Raphaël",
    "Emma",
    "Nathan",
    "Zoé",
    "Théo",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
)


def add_users(session: Session, count: int, seed: int = 7) -> None:
    """Adds `count` users spread over the existing sites and profiles."""
    rng = random.Random(seed)
    sites = session.exec(select(AgencySite.id)).all() or [None]
    profiles = session.exec(select(Profile.id)).all()
    password_hash = passwords.hash_password("Benchmark2026")
    now = utcnow()
    rows = []
    for number in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        rows.append(
            {
                "first_name": first,
                "last_name": last,
                "email": f"{first.lower()}.{last.lower()}.{number}@bench.example",
                "phone": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)}",
                "site_id": rng.choice(sites),
                "profile_id": rng.choice(profiles),
                "is_sales_rep": rng.random() < 0.3,
                "active": rng.random() < 0.9,
                "password_hash": password_hash,
                "must_change_password": False,
                "last_login_at": now if rng.random() < 0.5 else None,
                "created_at": now,
                "updated_at": now,
            }
        )
        if len(rows) == 2000:
            session.execute(insert(User), rows)
            rows = []
    if rows:
        session.execute(insert(User), rows)
    session.flush()


CLIENT_TYPES = (
    "scolaire",
    "ce",
    "association",
    "autocariste",
    "agence",
    "entreprise",
    "collectivite",
    "particulier",
)
CITIES = (
    ("Tours", "37000"),
    ("Blois", "41000"),
    ("Orléans", "45000"),
    ("Angers", "49000"),
    ("Saumur", "49400"),
    ("Amboise", "37400"),
    ("Chinon", "37500"),
    ("Paris", "75011"),
    ("Lyon", "69003"),
    ("Nantes", "44000"),
    ("Bourges", "18000"),
    ("Vendôme", "41100"),
)
WORDS = (
    "École",
    "Collège",
    "Lycée",
    "CSE",
    "Association",
    "Club",
    "Amicale",
    "Cars",
    "Voyages",
    "Mairie",
    "Comité",
    "Société",
)


def add_clients(session: Session, count: int, seed: int = 11) -> None:
    """Adds `count` clients with realistic spreads of type, status, rep, place and revenue."""
    from datetime import date, timedelta
    from decimal import Decimal

    from agence.models import Client
    from agence.services.text import normalize_text

    rng = random.Random(seed)
    reps = session.exec(select(User.id).where(User.is_sales_rep)).all() or [None]
    now = utcnow()
    today = date.today()
    rows = []
    for number in range(count):
        city, postcode = rng.choice(CITIES)
        name = f"{rng.choice(WORDS)} {rng.choice(LAST_NAMES)} {city} {number}"
        rows.append(
            {
                "name": name,
                "search_name": normalize_text(name),
                "search_text": normalize_text(f"{name} {city} {postcode} contact{number} bench"),
                "is_company": True,
                "first_name": "",
                "last_name": "",
                "client_type": rng.choice(CLIENT_TYPES),
                "status": rng.choices(("client", "prospect", "inactif"), (6, 3, 1))[0],
                "siret": "",
                "vat_number": "",
                "chorus_buyer_siret": "",
                "chorus_service_code": "",
                "chorus_engagement_required": False,
                "language": "fr",
                "account_code": f"411{number + 100000:07d}",
                "email": f"contact{number}@bench.example",
                "phone": "",
                "website": "",
                "notes": "",
                "sales_rep_id": rng.choice(reps),
                "city": city,
                "postcode": postcode,
                "department": postcode[:2],
                "last_visit_on": today - timedelta(days=rng.randint(1, 900))
                if rng.random() < 0.7
                else None,
                "revenue": Decimal(rng.randint(0, 80_000)),
                "credit_limit": None,
                "next_action_kind": "",
                "next_action_on": None,
                "next_action_note": "",
                "created_at": now,
                "updated_at": now,
            }
        )
        if len(rows) == 5000:
            session.execute(insert(Client), rows)
            rows = []
    if rows:
        session.execute(insert(Client), rows)
    session.flush()


# type code, basis, unit capacity, words of the name, purchase price range (€ incl. VAT)
PRODUCT_KINDS = (
    ("VISITE", "personne", None, ("Visite guidée", "Entrée", "Visite libre"), (6, 25)),
    ("RESTAURATION", "personne", None, ("Déjeuner", "Dîner", "Menu groupe"), (16, 55)),
    ("HEBERGEMENT", "personne", None, ("Nuit en chambre double", "Demi-pension"), (45, 140)),
    ("TRANSPORT", "unite", 53, ("Autocar grand tourisme", "Transfert en autocar"), (450, 1400)),
    ("GUIDAGE", "unite", 30, ("Guide conférencier", "Guide-accompagnateur"), (120, 320)),
    ("ACTIVITE", "personne", None, ("Dégustation", "Atelier", "Croisière"), (8, 45)),
)
PLACES = (
    "Amboise",
    "Blois",
    "Chambord",
    "Chenonceau",
    "Cheverny",
    "Chinon",
    "Saumur",
    "Tours",
    "Villandry",
    "Azay-le-Rideau",
    "Loches",
    "Orléans",
)


def _tariffs_of_a_year(year: int, base: Decimal) -> list[tuple]:
    """Five tariffs a year, as suppliers publish them: low season by group-size tier (1–19,
    20 and more, cheaper), high season by tier on weekdays and one weekend price, dearer.
    (label, from, to, days, min, max, purchase price); they never overlap."""
    low, high = base, (base * Decimal("1.15")).quantize(Decimal("0.01"))
    group = Decimal("0.88")
    return [
        ("Basse saison", date(year, 1, 1), date(year, 3, 31), "tous", 1, 19, low),
        (
            "Basse saison groupes",
            date(year, 1, 1),
            date(year, 3, 31),
            "tous",
            20,
            None,
            low * group,
        ),
        ("Haute saison semaine", date(year, 4, 1), date(year, 12, 31), "semaine", 1, 19, high),
        (
            "Haute saison groupes",
            date(year, 4, 1),
            date(year, 12, 31),
            "semaine",
            20,
            None,
            high * group,
        ),
        (
            "Haute saison week-end",
            date(year, 4, 1),
            date(year, 12, 31),
            "weekend",
            1,
            None,
            (high * Decimal("1.10")).quantize(Decimal("0.01")),
        ),
    ]


def add_products_with_rates(
    session: Session, count: int, years: tuple[int, ...] = (2026, 2027), seed: int = 13
) -> list[int]:
    """Adds `count` products of the demo suppliers, each with five adult tariffs a year
    (`_tariffs_of_a_year`), and returns their ids."""
    from agence.models import ParticipantCategory, Product, ProductType, Rate, Supplier
    from agence.services.text import normalize_text

    rng = random.Random(seed)
    types = dict(session.exec(select(ProductType.code, ProductType.id)).all())
    suppliers = session.exec(select(Supplier.id)).all() or [None]
    adult = session.exec(
        select(ParticipantCategory.id).where(ParticipantCategory.code == "ADULTE")
    ).one()
    before = session.exec(select(func.max(Product.id))).one() or 0
    now = utcnow()
    products = []
    prices = []
    for number in range(count):
        code, basis, capacity, words, (cheapest, dearest) = rng.choice(PRODUCT_KINDS)
        name = f"{rng.choice(words)} {rng.choice(PLACES)} {number}"
        products.append(
            {
                "name": name,
                "search_name": normalize_text(name),
                "search_text": normalize_text(f"{name} bench"),
                "product_type_id": types.get(code) or next(iter(types.values())),
                "supplier_id": rng.choice(suppliers),
                "description_fr": "",
                "description_en": "",
                "languages": ["fr"],
                "accessible": rng.random() < 0.6,
                "accessibility_notes": "",
                "meeting_point": "",
                "opening_hours": "",
                "tags": "bench",
                "basis": basis,
                "unit_capacity": capacity,
                "vat_regime": "marge",
                "sales_account": "706100",
                "purchase_account": "604000",
                "analytic_code": "",
                "free_places": 1 if basis == "personne" else 0,
                "free_places_per": 20 if basis == "personne" else 0,
                "cancellation_terms": "",
                "cancellation_schedule": [],
                "active": True,
                "created_at": now,
                "updated_at": now,
            }
        )
        prices.append(Decimal(rng.randint(cheapest * 100, dearest * 100)) / 100)
    for start in range(0, len(products), 2000):
        session.execute(insert(Product), products[start : start + 2000])
    ids = list(
        session.exec(select(Product.id).where(Product.id > before).order_by(Product.id)).all()
    )
    rows = []
    for product_id, base in zip(ids, prices, strict=True):
        for year in years:
            for label, valid_from, valid_to, days, low, high, price in _tariffs_of_a_year(
                year, base
            ):
                rows.append(
                    {
                        "product_id": product_id,
                        "label": label,
                        "valid_from": valid_from,
                        "valid_to": valid_to,
                        "days": days,
                        "min_group": low,
                        "max_group": high,
                        "participant_category_id": adult,
                        "purchase_price": price.quantize(Decimal("0.01")),
                        "sale_price": None,
                        "markup_percent": None,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        if len(rows) >= 5000:
            session.execute(insert(Rate), rows)
            rows = []
    if rows:
        session.execute(insert(Rate), rows)
    session.flush()
    return ids
