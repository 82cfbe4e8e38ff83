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
