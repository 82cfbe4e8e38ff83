"""Data generator for benchmarks: realistic French users in bulk."""

from __future__ import annotations

import random

from sqlalchemy import insert
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
