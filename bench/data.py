"""Data generator for benchmarks: realistic French users, clients and catalogue tariffs in bulk."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam, func, insert
from sqlmodel import Session, col, select

from agence.models import AgencySite, Profile, User
from agence.models.base import utcnow
from agence.services.admin import passwords
from agence.services.bookings.lifecycle import Status
from agence.services.bookings.vocabulary import SupplierStatus
from agence.services.parties.vocabulary import ClientStatus, ClientType, VatRegime

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
    ClientType.SCHOOL,
    ClientType.WORKS_COUNCIL,
    ClientType.ASSOCIATION,
    ClientType.COACH_OPERATOR,
    ClientType.AGENCY,
    ClientType.COMPANY,
    ClientType.PUBLIC_BODY,
    ClientType.PERSON,
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
    from agence.services.common.text import normalize_text

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
                "status": rng.choices(
                    (ClientStatus.CLIENT, ClientStatus.PROSPECT, ClientStatus.INACTIVE), (6, 3, 1)
                )[0],
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
    from agence.services.common.text import normalize_text

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
                "vat_regime": VatRegime.MARGIN,
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


# --- Dossiers ---------------------------------------------------------------------------------


def _table(model):
    """The model's table, for a Core executemany of a whole batch: the ORM's bulk insert
    splits a batch by which columns are None (dates of options, quotes, fees), into tens of
    thousands of statements for 300 000 dossiers."""
    return model.__table__


# booking type code, share, length in days (min, max), price per paying person (€), titles
BOOKING_KINDS = (
    ("VISITE", 22, (1, 1), (18, 60), ("Visite guidée de {place}", "Découverte de {place}")),
    ("JOURNEE", 30, (1, 1), (45, 120), ("Journée à {place}", "Châteaux de {place} et {other}")),
    ("SEJOUR", 16, (2, 6), (180, 750), ("Séjour Val de Loire", "Week-end à {place}")),
    ("SEMINAIRE", 8, (1, 3), (150, 600), ("Séminaire à {place}", "Convention {place}")),
    ("SCOLAIRE", 18, (1, 5), (35, 320), ("Classe découverte {place}", "Sortie scolaire {place}")),
    ("INCENTIVE", 6, (2, 4), (350, 1200), ("Incentive {place}", "Soirée de gala à {other}")),
)
LANGUAGES = (("fr", "Française", 85), ("en", "Britannique", 7), ("de", "Allemande", 4))
LANGUAGES += (("es", "Espagnole", 2), ("it", "Italienne", 2))
# How a dossier's status depends on where it stands from `today`: (status, weight)
_PAST = ((Status.SETTLED, 76), (Status.INVOICED, 8), (Status.DONE, 3), (Status.CANCELLED, 13))
_RECENT = ((Status.DONE, 22), (Status.INVOICED, 38), (Status.SETTLED, 28), (Status.CANCELLED, 12))
_UNDER_WAY = ((Status.CONFIRMED, 92), (Status.CANCELLED, 8))
_SOON = (
    (Status.CONFIRMED, 68),
    (Status.OPTION, 14),
    (Status.QUOTE_SENT, 5),
    (Status.REQUEST, 3),
    (Status.CANCELLED, 10),
)
_LATER = (
    (Status.CONFIRMED, 40),
    (Status.OPTION, 24),
    (Status.QUOTE_SENT, 16),
    (Status.REQUEST, 11),
    (Status.CANCELLED, 9),
)
_FAR = (
    (Status.CONFIRMED, 14),
    (Status.OPTION, 10),
    (Status.QUOTE_SENT, 27),
    (Status.REQUEST, 44),
    (Status.CANCELLED, 5),
)
_CONFIRMED_ONCE = {Status.CONFIRMED, Status.DONE, Status.INVOICED, Status.SETTLED}


def _status_at(rng: random.Random, starts_on: date, ends_on: date, today: date) -> Status:
    if ends_on < today:
        spread = _PAST if (today - ends_on).days > 90 else _RECENT
    elif starts_on <= today:
        spread = _UNDER_WAY
    else:
        ahead = (starts_on - today).days
        spread = _SOON if ahead <= 30 else _LATER if ahead <= 180 else _FAR
    return rng.choices([s for s, _ in spread], [w for _, w in spread])[0]


def _season_day(rng: random.Random, first: date, last: date) -> date:
    """A day of the period, twice as likely from April to October as in winter."""
    from datetime import timedelta

    days = (last - first).days
    while True:
        day = first + timedelta(days=rng.randrange(days + 1))
        if 4 <= day.month <= 10 or rng.random() < 0.5:
            return day


def add_bookings(
    session: Session,
    count: int,
    today: date,
    years: tuple[int, int] = (2024, 2028),
    seed: int = 19,
) -> None:
    """Adds `count` dossiers over the existing sites and clients (the client's sales rep, most
    often), spread over `years` with a summer peak; their status follows their dates as seen
    from `today` (settled in the past, options and quotes ahead, confirmed soon). References
    `SITE-YEAR-NNNN` are numbered per site and year, and the counters left where a new
    dossier would continue them."""
    from datetime import UTC, datetime, timedelta
    from datetime import time as clock

    from agence.models import AgencySite, Booking, BookingCounter, BookingType, Client
    from agence.services.bookings.bookings import reference_of
    from agence.services.common.text import normalize_text

    rng = random.Random(seed)
    sites = session.exec(select(AgencySite.id, AgencySite.code).order_by(AgencySite.id)).all()
    site_weights = [max(1, 10 - 3 * n) for n in range(len(sites))]
    types = dict(session.exec(select(BookingType.code, BookingType.id)).all())
    kinds = [kind for kind in BOOKING_KINDS if kind[0] in types]
    kind_weights = [kind[1] for kind in kinds]
    clients = session.exec(select(Client.id, Client.name, Client.sales_rep_id)).all()
    reps = session.exec(select(User.id).where(User.is_sales_rep)).all() or [None]
    existing = {(c.site_id, c.year): c for c in session.exec(select(BookingCounter)).all()}
    counters = {key: counter.last_number for key, counter in existing.items()}
    first, last = date(years[0], 1, 1), date(years[1], 12, 31)
    rows = []
    for _ in range(count):
        site_id, site_code = rng.choices(sites, site_weights)[0]
        code, _share, (shortest, longest), (cheapest, dearest), titles = rng.choices(
            kinds, kind_weights
        )[0]
        client_id, client_name, client_rep = rng.choice(clients)
        starts_on = _season_day(rng, first, last)
        ends_on = starts_on + timedelta(days=rng.randint(shortest, longest) - 1)
        year = starts_on.year
        number = counters[site_id, year] = counters.get((site_id, year), 0) + 1
        reference = reference_of(site_code, year, number)
        place, other = rng.sample(PLACES, 2)
        title = rng.choice(titles).format(place=place, other=other)
        status = _status_at(rng, starts_on, ends_on, today)
        paying = rng.randint(10, 55)
        per_paying = Decimal(rng.randint(cheapest, dearest))
        language, nationality, _w = rng.choices(LANGUAGES, [w for *_, w in LANGUAGES])[0]
        created_on = min(today, starts_on - timedelta(days=rng.randint(15, 300)))
        quote_sent_on = None
        if status == Status.QUOTE_SENT:
            quote_sent_on = today - timedelta(days=rng.randint(0, 45))
        elif status != Status.REQUEST and rng.random() < 0.9:
            quote_sent_on = min(today, created_on + timedelta(days=rng.randint(1, 20)))
        option_until = None
        if status == Status.OPTION:
            option_until = min(
                starts_on - timedelta(days=1), today + timedelta(rng.randint(-5, 40))
            )
        created_at = datetime.combine(created_on, clock(9, rng.randint(0, 59)), UTC)
        rows.append(
            {
                "reference": reference,
                "site_id": site_id,
                "year": year,
                "number": number,
                "title": title,
                "search_text": normalize_text(f"{reference} {title} {client_name}")[:600],
                "booking_type_id": types[code],
                "status": status,
                "client_id": client_id,
                "contact_id": None,
                "sales_rep_id": client_rep if rng.random() < 0.9 else rng.choice(reps),
                "catalogue_dossier_id": None,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "start_time": clock(rng.choice((8, 9, 10, 14)), rng.choice((0, 30))),
                "end_time": clock(rng.choice((17, 18, 19)), 0),
                "paying": paying,
                "free": paying // 20,
                "staff": rng.randint(0, 3),
                "language": language,
                "nationality": nationality,
                "meeting_place": f"Parking des cars, {place}",
                "coach_company": rng.choice(
                    ("", "Cars Touraine", "Autocars Berry", "Voyages Loire")
                ),
                "driver_phone": "",
                "reduced_mobility": rng.random() < 0.05,
                "dietary_needs": "2 végétariens" if rng.random() < 0.2 else "",
                "internal_notes": "",
                "option_until": option_until,
                "quote_sent_on": quote_sent_on,
                "version": 1,
                "confirmed_version": 1 if status in _CONFIRMED_ONCE else 0,
                "costing_id": None,
                "price_per_paying": per_paying,
                "total_price": per_paying * paying,
                "cancellation_fee": Decimal(rng.randint(0, 30) * 10)
                if status == Status.CANCELLED
                else None,
                "deleted_at": None,
                "created_at": created_at,
                "updated_at": created_at,
            }
        )
        if len(rows) == 5000:
            session.execute(insert(_table(Booking)), rows)
            rows = []
    if rows:
        session.execute(insert(_table(Booking)), rows)
    for (site_id, year), number in counters.items():
        counter = existing.get((site_id, year)) or BookingCounter(site_id=site_id, year=year)
        counter.last_number = number
        session.add(counter)
    session.flush()


SUPPLIER_STATUSES = (
    (SupplierStatus.TO_REQUEST, 30),
    (SupplierStatus.OPTION, 35),
    (SupplierStatus.CONFIRMED, 30),
    (SupplierStatus.CANCELLED, 5),
)


def add_booking_costings(
    session: Session, count: int, today: date, lines: tuple[int, int] = (3, 6), seed: int = 23
) -> int:
    """Gives `count` dossiers under way (quote sent, option, confirmed, starting within a
    year of `today`) a costing of a few catalogue lines (products with a supplier), each at
    a step of its booking with the supplier (to ask, optioned until a deadline around
    `today`, confirmed, cancelled): what the board's « unbooked » and supplier-option lists
    look through. Returns the number of lines."""
    from datetime import timedelta

    from agence.models import Booking, Costing, CostingLine, Product

    rng = random.Random(seed)
    bookings = session.exec(
        select(Booking.id, Booking.title, Booking.client_id, Booking.starts_on, Booking.paying)
        .where(
            col(Booking.status).in_((Status.QUOTE_SENT, Status.OPTION, Status.CONFIRMED)),
            Booking.starts_on >= today,
            Booking.starts_on <= today + timedelta(days=365),
        )
        .order_by(Booking.id)
    ).all()
    chosen = rng.sample(bookings, min(count, len(bookings)))
    products = session.exec(
        select(Product.id, Product.name, Product.supplier_id, Product.product_type_id)
        .where(Product.supplier_id.is_not(None))  # type: ignore[union-attr]
        .order_by(Product.id)
        .limit(200)
    ).all()
    before = session.exec(select(func.max(Costing.id))).one() or 0
    now = utcnow()
    session.execute(
        insert(_table(Costing)),
        [
            {
                "name": title,
                "client_id": client_id,
                "service_date": starts_on,
                "paying": paying,
                "free": 0,
                "staff": 0,
                "client_free": 0,
                "client_free_per": 0,
                "markup_percent": Decimal(18),
                "fee_per_group": Decimal(0),
                "fee_per_person": Decimal(0),
                "rounding": Decimal("1.00"),
                "grid": "20,25,30,35,40,45,50",
                "notes": "",
                "is_template": False,
                "for_booking": True,
                "created_by_id": None,
                "deleted_at": None,
                "created_at": now,
                "updated_at": now,
            }
            for _id, title, client_id, starts_on, paying in chosen
        ],
    )
    costing_ids = session.exec(
        select(Costing.id).where(Costing.id > before).order_by(Costing.id)
    ).all()
    rows, links = [], []
    for costing_id, (booking_id, _title, _client, starts_on, _paying) in zip(
        costing_ids, chosen, strict=True
    ):
        links.append({"booking": booking_id, "costing": costing_id})
        for position, (product_id, name, supplier_id, type_id) in enumerate(
            rng.sample(products, min(len(products), rng.randint(*lines))), start=1
        ):
            step = rng.choices(
                [s for s, _ in SUPPLIER_STATUSES], [w for _, w in SUPPLIER_STATUSES]
            )[0]
            until = None
            if step == SupplierStatus.OPTION:
                until = min(starts_on, today + timedelta(days=rng.randint(-5, 45)))
            rows.append(
                {
                    "costing_id": costing_id,
                    "position": position,
                    "label": name,
                    "product_id": product_id,
                    "rate_id": None,
                    "supplier_id": supplier_id,
                    "product_type_id": type_id,
                    "basis": "person",
                    "quantity": Decimal(1),
                    "unit_cost": Decimal(rng.randint(800, 9000)) / 100,
                    "cost_from_rate": False,
                    "vat_rate": Decimal(20),
                    "regime": "margin",
                    "for_paying": True,
                    "for_free": True,
                    "for_staff": False,
                    "capacity": None,
                    "supplier_free": 0,
                    "supplier_free_per": 0,
                    "markup_percent": None,
                    "unit_sale_price": None,
                    "discount_percent": None,
                    "price_from_client": False,
                    "price_note": "",
                    "supplier_status": step,
                    "supplier_reference": f"R{rng.randint(10000, 99999)}"
                    if step != SupplierStatus.TO_REQUEST
                    else "",
                    "supplier_option_until": until,
                }
            )
    for start in range(0, len(rows), 5000):
        session.execute(insert(_table(CostingLine)), rows[start : start + 5000])
    table = Booking.__table__  # type: ignore[attr-defined]
    session.execute(
        table.update()
        .where(table.c.id == bindparam("booking"))
        .values(costing_id=bindparam("costing")),
        links,
    )
    session.flush()
    return len(rows)


def add_planned_product(
    session: Session, reservations: int, year: int, capacity: int = 1500, seed: int = 29
) -> int:
    """A demo-catalogue product with a whole-day capacity over `year` and `reservations`
    places taken by dossiers of that year holding an option or a confirmation (one day each,
    a day of their stay), options and confirmations as the dossier's status. Returns the
    product's id."""
    from datetime import timedelta

    from agence.models import Booking, Product, ProductCapacity, StockReservation

    rng = random.Random(seed)
    product_id = session.exec(
        select(Product.id).where(Product.supplier_id.is_not(None)).order_by(Product.id)  # type: ignore[union-attr]
    ).first()
    assert product_id is not None, "the demo catalogue has products"
    slot = ProductCapacity(
        product_id=product_id,
        label="Bench : journée",
        valid_from=date(year, 1, 1),
        valid_to=date(year, 12, 31),
        capacity=capacity,
    )
    session.add(slot)
    session.flush()
    holders = list(
        session.exec(
            select(Booking.id, Booking.starts_on, Booking.ends_on, Booking.status, Booking.paying)
            .where(
                col(Booking.status).in_((Status.OPTION, Status.CONFIRMED)),
                Booking.starts_on >= date(year, 1, 1),
                Booking.ends_on <= date(year, 12, 31),
            )
            .order_by(Booking.id)
        ).all()
    )
    assert len(holders) >= reservations, f"{len(holders)} dossiers of {year} to hold places"
    rng.shuffle(holders)
    now = utcnow()
    used: dict[date, int] = {}
    rows = []
    for booking_id, starts_on, ends_on, status, paying in holders:
        day = starts_on + timedelta(days=rng.randint(0, (ends_on - starts_on).days))
        quantity = paying + rng.randint(0, 3)
        if used.get(day, 0) + quantity > capacity:
            continue  # over-booking is refused: this dossier found the day full
        used[day] = used.get(day, 0) + quantity
        rows.append(
            {
                "capacity_id": slot.id,
                "product_id": product_id,
                "day": day,
                "booking_id": booking_id,
                "quantity": quantity,
                "status": SupplierStatus.CONFIRMED
                if status == Status.CONFIRMED
                else SupplierStatus.OPTION,
                "updated_at": now,
            }
        )
        if len(rows) == reservations:
            break
    assert len(rows) == reservations, f"only {len(rows)} places could be taken in {year}"
    for start in range(0, len(rows), 5000):
        session.execute(insert(_table(StockReservation)), rows[start : start + 5000])
    session.flush()
    return product_id
