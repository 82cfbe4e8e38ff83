"""Statistics at a network's size (figures only: nothing here asserts a time).

The data: a network of four agency sites and twelve sales reps, 20 000 clients (types,
categories, towns, a quarter of them prospects), 600 suppliers and 4 000 products, 300 000
dossiers departing over three years and ten months around `TODAY` (statuses as their dates
make them, their history of status changes, about 1 500 000 priced services in
`booking_sold_lines` and `Booking.total_cost`), the invoices of the dossiers confirmed once:
deposits, final invoices deducting them (deduction lines naming the deposit), some credit
notes, about 400 000 issued invoices and 1 000 000 invoice lines whose totals are their
lines' and whose margin fields derive from the dossier's costs as billing computes them,
payments allocated to them (almost all paid long past due, fewer of the recent ones), 60 000
visit reports, and 2 000 dossiers under way whose costing lines stand at the suppliers' steps
(réservation's home; no programme, so no guiding slot). Written in bulk: COPY on PostgreSQL
(minutes), multi-row INSERT elsewhere.

The timings: each report function of `agence.services.statistics` on a year (its default
grouping, another of its groupings, a rep limited to his clients) and each home dashboard
(direction, accounting, commercial, réservation) on `TODAY`, `REPEAT` runs after a warming
one. A report not written yet is listed as absent, not an error. Under `slowest_sql_ms`, the
slowest statement of each case, to find what needs an index.

Where: a database of its own, kept between runs (a marker in `app_settings` says which data it
holds; other data is dropped and generated again):
- AGENCE_BENCH_STATISTICS_DATABASE_URL when set (PostgreSQL);
- else, when the bench runs on PostgreSQL (AGENCE_BENCH_DATABASE_URL), the database of the
  same name suffixed « _stats » on that server (created when missing);
- else (SQLite, the default of `make bench`) a SQLite file in the bench's folder at a
  twentieth of the volumes: the code runs end to end, but the figures say nothing of the
  network's PostgreSQL (the results carry the scale).

Alone: `python -m bench.statistics` measures this section and writes it under « statistics »
in bench/results.json, the other sections' figures kept.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from agence.services.billing.vocabulary import (
    ChorusStatus,
    InvoiceKind,
    InvoiceStatus,
    LineRegime,
)
from agence.services.bookings.lifecycle import Status
from agence.services.parties.vocabulary import (
    ClientStatus,
    ClientType,
    Interest,
    ReportKind,
    ReportStatus,
    SupplierType,
    VatRegime,
)
from bench.data import LAST_NAMES

TODAY = date(2026, 11, 18)
"""The day the dossiers' statuses are drawn from and the dashboards are read on (a
Wednesday): fixed, so that every run measures the same data."""
YEAR = 2025
"""The year the reports are asked for (beside 2024, their default comparison)."""
REPEAT = 3
SLOW_MS = 3_000
"""A call slower than this is timed once (its warming call): the figure says enough."""
GENERATOR_VERSION = "3"
FIRST_MARKS = ("first_of_booking", "first_of_product", "first_of_supplier", "first_of_product_type")
"""`BookingSoldLine`'s marks, as `sold_lines.keep` writes them (revision 0014 marked the
services of data generated before it)."""
"""Changing the generator changes this: a database holding older data is made again."""
MARKER_KEY = "bench.statistics"
CENT = Decimal("0.01")
ZERO = Decimal(0)
SIXTH = Decimal(20) / Decimal(120)
CHUNK = 20_000


@dataclass(frozen=True)
class Volumes:
    clients: int = 20_000
    categories: int = 12
    suppliers: int = 600
    products: int = 4_000
    bookings: int = 300_000
    visit_reports: int = 60_000
    costings: int = 2_000
    """Dossiers under way whose costing lines are at a supplier's step (réservation's home)."""

    def scaled(self, divisor: int) -> Volumes:
        return Volumes(
            clients=self.clients // divisor,
            categories=self.categories,
            suppliers=max(20, self.suppliers // divisor),
            products=max(100, self.products // divisor),
            bookings=self.bookings // divisor,
            visit_reports=self.visit_reports // divisor,
            costings=max(20, self.costings // divisor),
        )


NETWORK = Volumes()
SQLITE_DIVISOR = 20

EXTRA_SITES = (("ANG", "Escapades Val de Loire — Angers", "Angers", "49000"),)
EXTRA_SITES += (("ORL", "Escapades Val de Loire — Orléans", "Orléans", "45000"),)
EXTRA_REPS = 8
"""Bench reps (« Commercial » profile, limited to their clients) beside the demo's four."""
REP_EMAIL = "l.bernard@escapades-loire.fr"
"""The demo rep whose profile limits him to his own clients: the reports' rep case."""
DIRECTION_EMAIL = "direction@escapades-loire.fr"
ACCOUNTING_EMAIL = "compta@escapades-loire.fr"
RESERVATION_EMAIL = "s.petit@escapades-loire.fr"

CATEGORIES = (
    "Écoles primaires",
    "Collèges",
    "Lycées",
    "CSE industrie",
    "CSE services",
    "Clubs seniors",
    "Associations sportives",
    "Autocaristes partenaires",
    "Tour-opérateurs étrangers",
    "Mairies",
    "Entreprises du CAC 40",
    "Comités des fêtes",
)
TOWNS = (
    ("Tours", "37000"),
    ("Joué-lès-Tours", "37300"),
    ("Amboise", "37400"),
    ("Chinon", "37500"),
    ("Loches", "37600"),
    ("Blois", "41000"),
    ("Vendôme", "41100"),
    ("Romorantin-Lanthenay", "41200"),
    ("Orléans", "45000"),
    ("Montargis", "45200"),
    ("Angers", "49000"),
    ("Saumur", "49400"),
    ("Cholet", "49300"),
    ("Le Mans", "72000"),
    ("Bourges", "18000"),
    ("Chartres", "28000"),
    ("Poitiers", "86000"),
    ("Nantes", "44000"),
    ("Paris", "75011"),
    ("Paris", "75015"),
    ("Versailles", "78000"),
    ("Lyon", "69003"),
    ("Lille", "59000"),
    ("Rennes", "35000"),
)
CLIENT_WORDS = {
    ClientType.SCHOOL: ("École", "Collège", "Lycée"),
    ClientType.WORKS_COUNCIL: ("CSE", "Comité d'entreprise"),
    ClientType.ASSOCIATION: ("Association", "Club", "Amicale"),
    ClientType.COACH_OPERATOR: ("Cars", "Autocars"),
    ClientType.AGENCY: ("Voyages", "Tours"),
    ClientType.COMPANY: ("Société", "Groupe"),
    ClientType.PUBLIC_BODY: ("Mairie", "Communauté de communes"),
    ClientType.PERSON: ("",),
}
CLIENT_TYPE_WEIGHTS = {
    ClientType.SCHOOL: 30,
    ClientType.WORKS_COUNCIL: 18,
    ClientType.ASSOCIATION: 20,
    ClientType.COACH_OPERATOR: 6,
    ClientType.AGENCY: 6,
    ClientType.COMPANY: 10,
    ClientType.PUBLIC_BODY: 5,
    ClientType.PERSON: 5,
}
# product type code, supplier type, per person (else per unit of `capacity`), cost range (€)
PRODUCT_KINDS = (
    ("VISITE", SupplierType.SITE, None, (6, 25), "Visite guidée"),
    ("RESTAURATION", SupplierType.CATERING, None, (16, 55), "Déjeuner"),
    ("HEBERGEMENT", SupplierType.ACCOMMODATION, None, (45, 140), "Nuit en chambre double"),
    ("TRANSPORT", SupplierType.TRANSPORT, 53, (450, 1400), "Autocar grand tourisme"),
    ("GUIDAGE", SupplierType.GUIDE, 30, (120, 320), "Guide conférencier"),
    ("ACTIVITE", SupplierType.ACTIVITY, None, (8, 45), "Atelier"),
    ("SALLE", SupplierType.VENUE, 1, (300, 1500), "Salle de séminaire"),
)
PRODUCT_KIND_WEIGHTS = (30, 25, 12, 12, 8, 10, 3)
# booking type code, weight, length in days, services (min, max), markup (%), titles
BOOKING_KINDS = (
    ("VISITE", 22, (1, 1), (2, 4), (12, 25), "Visite de {place}"),
    ("JOURNEE", 30, (1, 1), (3, 6), (12, 22), "Journée à {place}"),
    ("SEJOUR", 16, (2, 6), (6, 10), (10, 18), "Séjour à {place}"),
    ("SEMINAIRE", 8, (1, 3), (4, 8), (15, 30), "Séminaire à {place}"),
    ("SCOLAIRE", 18, (1, 5), (4, 8), (8, 15), "Classe découverte {place}"),
    ("INCENTIVE", 6, (2, 4), (5, 9), (20, 35), "Incentive {place}"),
)
PLACES = ("Amboise", "Blois", "Chambord", "Chenonceau", "Cheverny", "Chinon", "Saumur", "Tours")
PLACES += ("Villandry", "Azay-le-Rideau", "Loches", "Orléans", "Angers", "Fontevraud")
FEE_LABEL = "Frais de dossier"
"""The agency's own service, under normal VAT (20 %): some dossiers carry it."""
TERMS = ((0, "À réception de facture", 35), (30, "30 jours date de facture", 50))
TERMS += ((45, "45 jours fin de mois", 15),)
_CONFIRMED_ONCE = {Status.CONFIRMED, Status.DONE, Status.INVOICED, Status.SETTLED}
# How a dossier's status depends on where it stands from `TODAY`: (status, weight)
_PAST = ((Status.SETTLED, 76), (Status.INVOICED, 8), (Status.DONE, 3), (Status.CANCELLED, 13))
_RECENT = ((Status.DONE, 22), (Status.INVOICED, 38), (Status.SETTLED, 28), (Status.CANCELLED, 12))
_UNDER_WAY = ((Status.CONFIRMED, 92), (Status.CANCELLED, 8))
_SOON = ((Status.CONFIRMED, 68), (Status.OPTION, 14), (Status.QUOTE_SENT, 5))
_SOON += ((Status.REQUEST, 3), (Status.CANCELLED, 10))
_LATER = ((Status.CONFIRMED, 40), (Status.OPTION, 24), (Status.QUOTE_SENT, 16))
_LATER += ((Status.REQUEST, 11), (Status.CANCELLED, 9))
_FAR = ((Status.CONFIRMED, 14), (Status.OPTION, 10), (Status.QUOTE_SENT, 27))
_FAR += ((Status.REQUEST, 44), (Status.CANCELLED, 5))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


# --- Writing in bulk ---------------------------------------------------------------------------


class _Writer:
    """Rows of one table, written by COPY on PostgreSQL and by multi-row INSERT elsewhere;
    every column the row does not name takes its model default (an error for a required
    column without one). The tables its rows refer to (`parents`) are written first."""

    def __init__(self, session, table_name: str, parents: tuple[_Writer, ...] = ()) -> None:
        from sqlalchemy import JSON
        from sqlmodel import SQLModel

        self.session = session
        self.parents = parents
        self.table = SQLModel.metadata.tables[table_name]
        self.postgres = session.get_bind().dialect.name == "postgresql"
        self.columns = [column.name for column in self.table.columns]
        self.json = {c.name for c in self.table.columns if isinstance(c.type, JSON)}
        self.defaults: dict[str, Any] = {}
        for column in self.table.columns:
            default = column.default
            if default is not None and getattr(default, "is_scalar", False):
                self.defaults[column.name] = default.arg
            elif default is not None and getattr(default, "is_callable", False):
                self.defaults[column.name] = default.arg(None)
            elif column.nullable or column.primary_key:
                self.defaults[column.name] = None
        self.rows: list[dict[str, Any]] = []
        self.written = 0

    def add(self, **values: Any) -> None:
        self.rows.append(values)
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        for parent in self.parents:
            parent.flush()
        if not self.rows:
            return
        given = self.rows[0].keys()
        missing = set(self.columns) - self.defaults.keys() - given
        assert not missing, f"{self.table.name}: no value for {sorted(missing)}"
        keys = [c.name for c in self.table.primary_key.columns if c.name not in given]
        assert not keys, f"{self.table.name}: give {keys} (COPY takes no sequence)"
        if not self.postgres:
            self.session.execute(self.table.insert(), [{**self.defaults, **r} for r in self.rows])
        else:
            # The vocabularies are str enums: psycopg writes their stored value as it is.
            columns, defaults, as_json = self.columns, self.defaults, self.json
            cursor = self.session.connection().connection.driver_connection.cursor()
            names = ", ".join(f'"{name}"' for name in columns)
            with cursor.copy(f'COPY "{self.table.name}" ({names}) FROM STDIN') as copy:
                for row in self.rows:
                    values = [row[name] if name in row else defaults[name] for name in columns]
                    if as_json:
                        values = [
                            json.dumps(value) if name in as_json else value
                            for name, value in zip(columns, values, strict=True)
                        ]
                    copy.write_row(values)
        self.written += len(self.rows)
        self.rows.clear()


def _bump_sequences(session, tables: Iterable[str]) -> None:
    from sqlalchemy import text

    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        )


def _next_id(session, model) -> int:
    from sqlalchemy import func
    from sqlmodel import select

    return (session.exec(select(func.max(model.id))).one() or 0) + 1


# --- The network -------------------------------------------------------------------------------


def _add_sites_and_reps(session) -> tuple[list[tuple[int, str]], list[int]]:
    """The demo's two sites and four reps, and the bench's: ((site id, code)…, rep ids)."""
    from sqlmodel import select

    from agence.models import AgencySite, Profile, User

    for code, name, city, postcode in EXTRA_SITES:
        if session.exec(select(AgencySite).where(AgencySite.code == code)).first() is None:
            session.add(AgencySite(code=code, name=name, city=city, postcode=postcode))
    session.flush()
    sites = list(session.exec(select(AgencySite.id, AgencySite.code).order_by(AgencySite.id)))
    commercial = session.exec(select(Profile.id).where(Profile.name == "Commercial")).one()
    template = session.exec(select(User).where(User.email == REP_EMAIL)).one()
    for number in range(EXTRA_REPS):
        email = f"commercial{number}@bench.example"
        if session.exec(select(User).where(User.email == email)).first() is None:
            session.add(
                User(
                    first_name=("Camille", "Hugo", "Léa", "Louis", "Manon", "Jules")[number % 6],
                    last_name=LAST_NAMES[number],
                    email=email,
                    site_id=sites[number % len(sites)][0],
                    profile_id=commercial,
                    is_sales_rep=True,
                    password_hash=template.password_hash,
                )
            )
    session.flush()
    reps = list(
        session.exec(select(User.id).where(User.is_sales_rep, User.active).order_by(User.id)).all()
    )
    return [(site_id, code) for site_id, code in sites], reps


def _add_clients(session, rng: random.Random, volumes: Volumes, reps: list[int]) -> list[tuple]:
    """(id, status, rep) of the clients; their categories, one or two for most."""
    from sqlmodel import select

    from agence.models import Client, ClientCategory
    from agence.models.base import utcnow
    from agence.services.common.text import normalize_text

    now = utcnow()
    existing = set(session.exec(select(ClientCategory.name)).all())
    categories = _Writer(session, "client_categories")
    next_category = _next_id(session, ClientCategory)
    for name in CATEGORIES[: volumes.categories]:
        if name not in existing:
            categories.add(id=next_category, name=name, created_at=now, updated_at=now)
            next_category += 1
    categories.flush()
    category_ids = list(session.exec(select(ClientCategory.id)).all())
    clients = _Writer(session, "clients")
    links = _Writer(session, "client_category_links", (clients,))
    first = _next_id(session, Client)
    types = list(CLIENT_TYPE_WEIGHTS)
    weights = list(CLIENT_TYPE_WEIGHTS.values())
    rep_weights = [1 + (n * 7) % 5 for n in range(len(reps))]
    found = []
    for n in range(volumes.clients):
        client_id = first + n
        client_type = rng.choices(types, weights)[0]
        town, postcode = rng.choice(TOWNS)
        last = rng.choice(LAST_NAMES)
        if client_type == ClientType.PERSON:
            name = f"{last} {rng.choice(('Anne', 'Paul', 'Marie', 'Luc'))} {n}"
        else:
            name = f"{rng.choice(CLIENT_WORDS[client_type])} {last} {town} {n}"
        status = rng.choices(
            (ClientStatus.CLIENT, ClientStatus.PROSPECT, ClientStatus.INACTIVE), (66, 26, 8)
        )[0]
        rep = rng.choices(reps, rep_weights)[0] if rng.random() < 0.95 else None
        clients.add(
            id=client_id,
            name=name,
            search_name=normalize_text(name),
            search_text=normalize_text(f"{name} {town} {postcode}"),
            is_company=client_type != ClientType.PERSON,
            client_type=client_type,
            status=status,
            account_code=f"411S{n:07d}",
            email=f"client{n}@stats.bench.example",
            sales_rep_id=rep,
            city=town,
            postcode=postcode,
            department=postcode[:2],
            last_visit_on=TODAY - timedelta(days=rng.randint(1, 900))
            if rng.random() < 0.7
            else None,
            revenue=Decimal(rng.randint(0, 80_000)),
            cancellation_schedule=[],
            created_at=_client_since(n),
            updated_at=_client_since(n),
        )
        for category in rng.sample(category_ids, rng.choice((0, 1, 1, 1, 2))):
            links.add(client_id=client_id, category_id=category)
        found.append((client_id, status, rep))
    clients.flush()
    links.flush()
    return found


def _client_since(number: int) -> datetime:
    """When the bench's client `number` was entered: spread over four years before `TODAY`
    (the prospects created in a period), without a draw so that it never shifts the others."""
    return datetime.combine(TODAY - timedelta(days=number * 7919 % 1460), clock(9, 0), UTC)


def _add_suppliers_and_products(session, rng: random.Random, volumes: Volumes) -> list[tuple]:
    """(id, supplier id, product type id, capacity, unit cost) of the products."""
    from sqlmodel import select

    from agence.models import Product, ProductType, Supplier
    from agence.models.base import utcnow
    from agence.services.common.text import normalize_text

    now = utcnow()
    type_ids = dict(session.exec(select(ProductType.code, ProductType.id)).all())
    suppliers = _Writer(session, "suppliers")
    first_supplier = _next_id(session, Supplier)
    supplier_of_kind: dict[str, list[int]] = {code: [] for code, *_ in PRODUCT_KINDS}
    for n in range(volumes.suppliers):
        code, supplier_type, *_ = PRODUCT_KINDS[n % len(PRODUCT_KINDS)]
        name = f"{supplier_type.label} {rng.choice(LAST_NAMES)} {rng.choice(PLACES)} {n}"
        suppliers.add(
            id=first_supplier + n,
            name=name,
            search_name=normalize_text(name),
            supplier_type=supplier_type,
            account_code=f"401S{n:07d}",
            cancellation_schedule=[],
            created_at=now,
            updated_at=now,
        )
        supplier_of_kind[code].append(first_supplier + n)
    suppliers.flush()
    products = _Writer(session, "products")
    first_product = _next_id(session, Product)
    found = []
    for n in range(volumes.products):
        code, _type, capacity, (cheapest, dearest), word = rng.choices(
            PRODUCT_KINDS, PRODUCT_KIND_WEIGHTS
        )[0]
        supplier_id = rng.choice(supplier_of_kind[code])
        name = f"{word} {rng.choice(PLACES)} {n}"
        products.add(
            id=first_product + n,
            name=name,
            search_name=normalize_text(name),
            search_text=normalize_text(f"{name} bench"),
            product_type_id=type_ids[code],
            supplier_id=supplier_id,
            basis="unite" if capacity else "personne",
            unit_capacity=capacity,
            vat_regime=VatRegime.NORMAL if code == "SALLE" else VatRegime.MARGIN,
            languages=["fr"],
            cancellation_schedule=[],
            created_at=now,
            updated_at=now,
        )
        cost = Decimal(rng.randint(cheapest * 100, dearest * 100)) / 100
        found.append((first_product + n, supplier_id, type_ids[code], capacity, cost, code))
    products.flush()
    return found


# --- Dossiers ----------------------------------------------------------------------------------


@dataclass
class _Dossier:
    id: int
    client_id: int
    site_id: int
    site_code: str
    starts_on: date
    ends_on: date
    status: Status
    price: Decimal
    """What the client pays (including VAT): the sales of its services."""
    margin_sales: Decimal
    """Its services under the margin scheme, including VAT."""
    margin_costs: Decimal
    """What their suppliers charge, including VAT."""
    normal_sales: Decimal
    """The agency's own services under normal VAT (20 %), including it."""
    quote_sent_on: date | None


def _status_at(rng: random.Random, starts_on: date, ends_on: date) -> Status:
    if ends_on < TODAY:
        spread = _PAST if (TODAY - ends_on).days > 90 else _RECENT
    elif starts_on <= TODAY:
        spread = _UNDER_WAY
    else:
        ahead = (starts_on - TODAY).days
        spread = _SOON if ahead <= 30 else _LATER if ahead <= 180 else _FAR
    return rng.choices([s for s, _ in spread], [w for _, w in spread])[0]


def _departure(rng: random.Random, first: date, days: int) -> date:
    """A day of the period, twice as likely from April to October as in winter."""
    while True:
        day = first + timedelta(days=rng.randrange(days))
        if 4 <= day.month <= 10 or rng.random() < 0.5:
            return day


def _add_bookings(
    session,
    rng: random.Random,
    volumes: Volumes,
    sites: list[tuple[int, str]],
    clients: list[tuple],
    reps: list[int],
    products: list[tuple],
) -> tuple[list[_Dossier], dict[str, int]]:
    """The dossiers, their priced services (`booking_sold_lines`, their cost and sale adding up
    to the dossier's `total_cost` and `total_price`) and their history of status changes."""
    from sqlmodel import select

    from agence.models import Booking, BookingCounter, BookingEvent, BookingSoldLine, BookingType
    from agence.services.bookings.bookings import reference_of
    from agence.services.bookings.sold_lines import first_marks
    from agence.services.common.text import normalize_text

    type_ids = dict(session.exec(select(BookingType.code, BookingType.id)).all())
    by_kind: dict[str, list[tuple]] = {}
    for product in products:
        by_kind.setdefault(product[5], []).append(product)
    customers = [c for c in clients if c[1] != ClientStatus.PROSPECT]
    site_weights = [max(1, 10 - 2 * n) for n in range(len(sites))]
    kind_weights = [kind[1] for kind in BOOKING_KINDS]
    first_day = date(TODAY.year - 3, 1, 1)
    span = (date(TODAY.year + 1, 10, 31) - first_day).days
    counters: dict[tuple[int, int], int] = {}
    bookings = _Writer(session, "bookings")
    lines = _Writer(session, "booking_sold_lines", (bookings,))
    events = _Writer(session, "booking_events", (bookings,))
    booking_id = _next_id(session, Booking)
    line_id = _next_id(session, BookingSoldLine)
    event_id = _next_id(session, BookingEvent)
    dossiers: list[_Dossier] = []
    for _ in range(volumes.bookings):
        site_id, site_code = rng.choices(sites, site_weights)[0]
        code, _w, (shortest, longest), (fewest, most), (low, high), title = rng.choices(
            BOOKING_KINDS, kind_weights
        )[0]
        client_id, _status, client_rep = rng.choice(customers)
        starts_on = _departure(rng, first_day, span)
        ends_on = starts_on + timedelta(days=rng.randint(shortest, longest) - 1)
        nights = (ends_on - starts_on).days
        status = _status_at(rng, starts_on, ends_on)
        paying = rng.randint(10, 55)
        free = paying // 20
        persons = paying + free
        year = starts_on.year
        number = counters[site_id, year] = counters.get((site_id, year), 0) + 1
        reference = reference_of(site_code, year, number)
        place = rng.choice(PLACES)
        name = title.format(place=place)
        markup = Decimal(rng.randint(low, high)) / 100
        margin_sales = margin_costs = normal_sales = normal_costs = ZERO
        position = 0
        services: list[dict[str, Any]] = []
        for _n in range(rng.randint(fewest, most)):
            kind = rng.choices(PRODUCT_KINDS, PRODUCT_KIND_WEIGHTS)[0][0]
            if kind == "HEBERGEMENT" and nights == 0:
                kind = "RESTAURATION"
            if kind == "SALLE" and code not in ("SEMINAIRE", "INCENTIVE"):
                kind = "ACTIVITE"
            product_id, supplier_id, type_id, capacity, unit_cost, _code = rng.choice(by_kind[kind])
            if capacity is None:
                units = persons * (nights if kind == "HEBERGEMENT" else 1)
            else:
                units = max(1, -(-persons // capacity)) * max(1, nights + (kind != "SALLE"))
            charged = units - (paying // 20 if capacity is None else 0)
            cost = _cents(unit_cost * max(charged, 1))
            sale = _cents(cost * (1 + markup))
            position += 1
            services.append(
                dict(
                    id=line_id,
                    booking_id=booking_id,
                    position=position,
                    label=f"{kind.capitalize()} {place}",
                    product_id=product_id,
                    supplier_id=supplier_id,
                    product_type_id=type_id,
                    units=units,
                    persons=persons,
                    cost=cost,
                    sale=sale,
                )
            )
            line_id += 1
            if kind == "SALLE":
                normal_sales += sale
                normal_costs += cost
            else:
                margin_sales += sale
                margin_costs += cost
        if rng.random() < 0.15:
            fee = Decimal(rng.choice((30, 50, 80)))
            normal_sales += fee
            position += 1
            services.append(
                dict(
                    id=line_id,
                    booking_id=booking_id,
                    position=position,
                    label=FEE_LABEL,
                    units=1,
                    persons=persons,
                    cost=ZERO,
                    sale=fee,
                )
            )
            line_id += 1
        price = margin_sales + normal_sales
        created_on = min(TODAY, starts_on - timedelta(days=rng.randint(15, 300)))
        quote_sent_on = None
        if status == Status.QUOTE_SENT:
            quote_sent_on = max(created_on, TODAY - timedelta(days=rng.randint(0, 45)))
        elif status != Status.REQUEST and rng.random() < 0.9:
            quote_sent_on = min(TODAY, created_on + timedelta(days=rng.randint(1, 20)))
        option_until = None
        if status == Status.OPTION:
            option_until = min(
                starts_on - timedelta(days=1), TODAY + timedelta(rng.randint(-5, 40))
            )
        created_at = datetime.combine(created_on, clock(9, rng.randint(0, 59)), UTC)
        rep = client_rep if rng.random() < 0.9 else rng.choice(reps)
        staff = rng.randint(0, 2)
        cancellation_fee = Decimal(rng.randint(0, 30) * 10) if status == Status.CANCELLED else None
        # Its history first (a dossier cancelled after its confirmation was confirmed once:
        # its confirmed version says so, as `bookings.change_status` sets it).
        steps = [(created_at, "", Status.REQUEST)]
        if quote_sent_on is not None:
            steps.append(_step(quote_sent_on, steps[-1][2], Status.QUOTE_SENT))
        if status == Status.OPTION:
            steps.append(_step(min(TODAY, quote_sent_on or created_on), steps[-1][2], status))
        confirmed_on = None
        if status in _CONFIRMED_ONCE or (status == Status.CANCELLED and rng.random() < 0.5):
            confirmed_on = min(
                TODAY, starts_on - timedelta(days=5), (quote_sent_on or created_on) + timedelta(10)
            )
            steps.append(_step(max(confirmed_on, created_on), steps[-1][2], Status.CONFIRMED))
        if status in (Status.DONE, Status.INVOICED, Status.SETTLED):
            steps.append(_step(min(TODAY, ends_on + timedelta(days=1)), Status.CONFIRMED, status))
        if status == Status.CANCELLED:
            on = min(TODAY, starts_on - timedelta(days=rng.randint(1, 30)))
            steps.append(_step(max(on, created_on), steps[-1][2], status))
        bookings.add(
            id=booking_id,
            reference=reference,
            site_id=site_id,
            year=year,
            number=number,
            title=name,
            search_text=normalize_text(f"{reference} {name}"),
            booking_type_id=type_ids[code],
            status=status,
            client_id=client_id,
            sales_rep_id=rep,
            starts_on=starts_on,
            ends_on=ends_on,
            paying=paying,
            free=free,
            staff=staff,
            option_until=option_until,
            quote_sent_on=quote_sent_on,
            confirmed_version=1 if confirmed_on is not None else 0,
            price_per_paying=_cents(price / paying),
            total_price=price,
            total_cost=margin_costs + normal_costs,
            cancellation_fee=cancellation_fee,
            created_at=created_at,
            updated_at=created_at,
        )
        keys = [
            (s.get("product_id"), s.get("supplier_id"), s.get("product_type_id")) for s in services
        ]
        for service, marks in zip(services, first_marks(keys), strict=True):
            lines.add(**service, **dict(zip(FIRST_MARKS, marks, strict=True)))
        for at, before, after in steps:
            events.add(
                id=event_id,
                booking_id=booking_id,
                at=at,
                user_id=rep,
                from_status=before,
                to_status=after,
            )
            event_id += 1
        dossiers.append(
            _Dossier(
                booking_id,
                client_id,
                site_id,
                site_code,
                starts_on,
                ends_on,
                status,
                price,
                margin_sales,
                margin_costs,
                normal_sales,
                quote_sent_on,
            )
        )
        booking_id += 1
    for writer in (bookings, lines, events):
        writer.flush()
    for (site_id, year), number in counters.items():
        counter = session.get(BookingCounter, (site_id, year)) or BookingCounter(
            site_id=site_id, year=year
        )
        counter.last_number = max(counter.last_number, number)
        session.add(counter)
    session.flush()
    return dossiers, {
        "bookings": bookings.written,
        "booking_sold_lines": lines.written,
        "booking_events": events.written,
    }


def _step(on: date, before: str, after: Status) -> tuple[datetime, str, Status]:
    return datetime.combine(on, clock(10, 0), UTC), before, after


# --- Invoices ----------------------------------------------------------------------------------


@dataclass
class _Planned:
    issued_on: date
    kind: InvoiceKind
    dossier: _Dossier
    total: Decimal
    """Including VAT (negative on a credit note)."""
    margin_part: Decimal
    """Of which under the margin scheme."""
    margin_base: Decimal
    margin_vat: Decimal
    deposits: tuple[_Planned, ...] = ()
    corrects: _Planned | None = None
    id: int = 0


def _margin_of(dossier: _Dossier) -> tuple[Decimal, Decimal]:
    """The dossier's margin base (its margin-scheme sales less their suppliers' costs, both
    including VAT) and the VAT on it: 20/120 of a positive margin."""
    base = dossier.margin_sales - dossier.margin_costs
    return base, _cents(max(base, ZERO) * SIXTH)


def _deposit(dossier: _Dossier, on: date, percent: Decimal) -> _Planned:
    total = _cents(dossier.price * percent / 100)
    margin_part = _cents(total * dossier.margin_sales / dossier.price)
    base, _vat = _margin_of(dossier)
    share_base = _cents(base * margin_part / dossier.margin_sales) if dossier.margin_sales else ZERO
    return _Planned(
        on,
        InvoiceKind.DEPOSIT,
        dossier,
        total,
        margin_part,
        share_base,
        _cents(max(share_base, ZERO) * SIXTH),
    )


def _plan_invoices(rng: random.Random, dossiers: list[_Dossier]) -> list[_Planned]:
    """Per dossier confirmed once: a 30 % deposit three months before the trip (most), a
    second one of 20 % six weeks before (some), the final invoice a month before it or just
    after it deducting them, and now and then a credit note of a tenth of it; never after
    `TODAY`."""
    planned: list[_Planned] = []
    for dossier in dossiers:
        if dossier.status not in _CONFIRMED_ONCE or dossier.price <= 0:
            continue
        deposits = []
        for days_before, chance, percent in ((90, 0.85, 30), (45, 0.3, 20)):
            on = dossier.starts_on - timedelta(days=days_before + rng.randint(0, 20))
            if rng.random() < chance and on <= TODAY:
                deposits.append(_deposit(dossier, on, Decimal(percent)))
        planned.extend(deposits)
        on = (
            dossier.ends_on + timedelta(days=rng.randint(1, 10))
            if rng.random() < 0.4
            else dossier.starts_on - timedelta(days=rng.randint(20, 35))
        )
        if on > TODAY:
            continue
        base, vat = _margin_of(dossier)
        final = _Planned(
            on,
            InvoiceKind.FINAL,
            dossier,
            dossier.price,
            dossier.margin_sales,
            base - sum((d.margin_base for d in deposits), ZERO),
            vat - sum((d.margin_vat for d in deposits), ZERO),
            tuple(deposits),
        )
        planned.append(final)
        credit_on = on + timedelta(days=rng.randint(5, 60))
        if rng.random() < 0.06 and credit_on <= TODAY:
            amount = _cents(dossier.price / 10)
            planned.append(
                _Planned(
                    credit_on,
                    InvoiceKind.CREDIT_NOTE,
                    dossier,
                    -amount,
                    -_cents(amount * dossier.margin_sales / dossier.price),
                    -_cents(final.margin_base * amount / final.total),
                    -_cents(final.margin_vat * amount / final.total),
                    corrects=final,
                )
            )
    planned.sort(key=lambda invoice: (invoice.issued_on, invoice.kind != InvoiceKind.DEPOSIT))
    return planned


def _lines_of(invoice: _Planned) -> list[tuple[str, str, Decimal, Decimal, Decimal, int | None]]:
    """(label, regime, VAT rate, including VAT, VAT, deducted invoice id) of its lines: the
    margin-scheme part split as the invoice words it (a deposit: one line), the normal part
    with its VAT, then a final invoice's deposits deducted."""
    dossier, total, margin = invoice.dossier, invoice.total, invoice.margin_part
    found = []
    if invoice.kind == InvoiceKind.DEPOSIT:
        found.append(("Acompte — forfait", LineRegime.MARGIN, ZERO, margin, ZERO, None))
    elif invoice.kind == InvoiceKind.CREDIT_NOTE:
        found.append(("Avoir — forfait", LineRegime.MARGIN, ZERO, margin, ZERO, None))
    else:
        third = _cents(margin / 3)
        found.append(("Transport et transferts", LineRegime.MARGIN, ZERO, third, ZERO, None))
        found.append(("Prestations sur place", LineRegime.MARGIN, ZERO, third, ZERO, None))
        found.append(("Forfait séjour", LineRegime.MARGIN, ZERO, margin - 2 * third, ZERO, None))
    normal = total - margin
    if normal:
        vat = _cents(normal * SIXTH)
        found.append((FEE_LABEL, LineRegime.NORMAL, Decimal(20), normal, vat, None))
    for deposit in invoice.deposits:
        label = f"Facture d'acompte du {deposit.issued_on:%d/%m/%Y}"
        found.append((label, LineRegime.DEDUCTION, ZERO, -deposit.total, ZERO, deposit.id))
    del dossier
    return found


def _add_invoices(
    session, rng: random.Random, dossiers: list[_Dossier], client_names: dict[int, str]
) -> dict[str, int]:
    from sqlmodel import select

    from agence.models import Invoice, InvoiceCounter, InvoiceLine, Payment, PaymentMethod
    from agence.models.base import utcnow

    planned = _plan_invoices(rng, dossiers)
    methods = session.exec(select(PaymentMethod.id)).all() or [None]
    counters = {c.series: c.last_number for c in session.exec(select(InvoiceCounter)).all()}
    invoice_id = _next_id(session, Invoice)
    for invoice in planned:
        invoice.id = invoice_id
        invoice_id += 1
    credited: dict[int, Decimal] = {}
    for invoice in planned:
        if invoice.corrects is not None:
            credited[invoice.corrects.id] = credited.get(invoice.corrects.id, ZERO) - invoice.total
    invoices = _Writer(session, "invoices")
    lines = _Writer(session, "invoice_lines", (invoices,))
    payments = _Writer(session, "payments")
    allocations = _Writer(session, "payment_allocations", (invoices, payments))
    line_id = _next_id(session, InvoiceLine)
    payment_id = _next_id(session, Payment)
    now = utcnow()
    counts = {"deposits": 0, "finals": 0, "credit_notes": 0, "partly_paid": 0, "unpaid": 0}
    for invoice in planned:
        dossier = invoice.dossier
        series = f"FA-{dossier.site_code}-{invoice.issued_on.year}"
        sequence = counters[series] = counters.get(series, 0) + 1
        kind = invoice.kind
        due_on, terms = None, ""
        if kind != InvoiceKind.CREDIT_NOTE:
            days, terms, _w = rng.choices(TERMS, [w for *_, w in TERMS])[0]
            due_on = invoice.issued_on + timedelta(days=days)
        own = _lines_of(invoice)
        vat = sum((line[4] for line in own), ZERO)
        deducted = sum((d.total for d in invoice.deposits), ZERO)
        invoices.add(
            id=invoice.id,
            kind=kind,
            status=InvoiceStatus.ISSUED,
            number=f"{series}-{sequence:06d}",
            series=series,
            sequence=sequence,
            booking_id=dossier.id,
            client_id=dossier.client_id,
            site_id=dossier.site_id,
            corrects_id=invoice.corrects.id if invoice.corrects is not None else None,
            issued_on=invoice.issued_on,
            due_on=due_on,
            service_from=dossier.starts_on,
            service_to=dossier.ends_on,
            deposit_percent=_cents(invoice.total * 100 / dossier.price)
            if kind == InvoiceKind.DEPOSIT
            else None,
            client_name=client_names[dossier.client_id][:200],
            total_excl_vat=invoice.total - vat,
            total_vat=vat,
            total_incl_vat=invoice.total,
            deposits_deducted=deducted,
            amount_due=invoice.total - deducted,
            margin_base=invoice.margin_base,
            margin_vat=invoice.margin_vat,
            margin_estimated=kind == InvoiceKind.DEPOSIT,
            payment_terms=terms,
            issued_at=datetime.combine(invoice.issued_on, clock(11, 0), UTC),
            chorus_status=ChorusStatus.NOT_SENT,
            created_at=now,
            updated_at=now,
        )
        for position, (label, regime, rate, incl, line_vat, deducted_id) in enumerate(own, 1):
            lines.add(
                id=line_id,
                invoice_id=invoice.id,
                position=position,
                label=label,
                quantity=Decimal(1),
                unit_price=incl,
                regime=regime,
                vat_rate=rate,
                total_excl_vat=incl - line_vat,
                total_vat=line_vat,
                total_incl_vat=incl,
                deducted_invoice_id=deducted_id,
            )
            line_id += 1
        counts[{"acompte": "deposits", "solde": "finals"}.get(kind, "credit_notes")] += 1
        if due_on is None:
            continue
        left = invoice.total - deducted - credited.get(invoice.id, ZERO)
        paid = _cents(left * _paid_share(rng, due_on))
        if paid <= 0:
            counts["unpaid"] += 1
            continue
        counts["partly_paid"] += paid < left
        received = max(invoice.issued_on, min(TODAY, due_on + timedelta(days=rng.randint(-20, 15))))
        payments.add(
            id=payment_id,
            client_id=dossier.client_id,
            received_on=received,
            amount=paid,
            payment_method_id=rng.choice(methods),
            bank_reference=f"VIR{payment_id:09d}",
            payer=client_names[dossier.client_id][:200],
            created_at=now,
            updated_at=now,
        )
        allocations.add(
            id=payment_id, payment_id=payment_id, invoice_id=invoice.id, amount=paid, created_at=now
        )
        payment_id += 1
    for writer in (invoices, lines, payments, allocations):
        writer.flush()
    for series, last in counters.items():
        counter = session.get(InvoiceCounter, series) or InvoiceCounter(series=series)
        counter.last_number = last
        session.add(counter)
    session.flush()
    return {
        "invoices": invoices.written,
        **counts,
        "invoice_lines": lines.written,
        "payments": payments.written,
        "invoiced_dossiers": len({invoice.dossier.id for invoice in planned}),
    }


def _paid_share(rng: random.Random, due_on: date) -> Decimal:
    """Almost everything long past due is paid, a part of what is late by less than two
    months, a third of what is not due yet."""
    late = (TODAY - due_on).days
    chances = (0.97, 0.015) if late > 60 else (0.70, 0.10) if late > 0 else (0.33, 0.07)
    draw = rng.random()
    if draw < chances[0]:
        return Decimal(1)
    if draw < chances[0] + chances[1]:
        return Decimal(rng.choice((25, 30, 40, 50, 60))) / 100
    return ZERO


# --- Visit reports -----------------------------------------------------------------------------


def _add_visit_reports(
    session, rng: random.Random, volumes: Volumes, clients: list[tuple], reps: list[int]
) -> int:
    """Visits, calls and meetings of the reps over three years, prospects more often."""
    from agence.models import VisitReport

    prospects = [c for c in clients if c[1] == ClientStatus.PROSPECT]
    reports = _Writer(session, "visit_reports")
    report_id = _next_id(session, VisitReport)
    kinds = list(ReportKind)
    for n in range(volumes.visit_reports):
        client_id, _status, rep = rng.choice(prospects if rng.random() < 0.5 else clients)
        visit_on = TODAY - timedelta(days=rng.randint(0, 3 * 365))
        at = datetime.combine(visit_on, clock(16, 0), UTC)
        reports.add(
            id=report_id + n,
            client_id=client_id,
            sales_rep_id=rep if rep is not None and rng.random() < 0.9 else rng.choice(reps),
            kind=rng.choices(kinds, (50, 25, 10, 10, 5))[0],
            visit_on=visit_on,
            subject="Présentation de la brochure",
            body="Intéressé par une sortie au printemps.",
            interest=rng.choice(list(Interest)),
            status=ReportStatus.VALIDATED if rng.random() < 0.95 else ReportStatus.DRAFT,
            created_at=at,
            updated_at=at,
        )
    reports.flush()
    return reports.written


# --- The whole data set ------------------------------------------------------------------------


def generate(session, volumes: Volumes, seed: int = 41) -> dict[str, int]:
    """Fills a database holding the demo agency with the network's data; returns the counts."""
    rng = random.Random(seed)
    sites, reps = _add_sites_and_reps(session)
    clients = _add_clients(session, rng, volumes, reps)
    products = _add_suppliers_and_products(session, rng, volumes)
    dossiers, counts = _add_bookings(session, rng, volumes, sites, clients, reps, products)
    from sqlmodel import select

    from agence.models import Client
    from bench.data import add_booking_costings

    names = dict(session.exec(select(Client.id, Client.name)).all())
    counts |= _add_invoices(session, rng, dossiers, names)
    counts["visit_reports"] = _add_visit_reports(session, rng, volumes, clients, reps)
    _bump_sequences(session, ("bookings",))
    counts["costing_lines"] = add_booking_costings(session, volumes.costings, TODAY)
    counts |= {"clients": len(clients), "products": len(products), "sites": len(sites)}
    counts["reps"] = len(reps)
    _bump_sequences(
        session,
        (
            "client_categories",
            "clients",
            "suppliers",
            "products",
            "bookings",
            "booking_sold_lines",
            "booking_events",
            "invoices",
            "invoice_lines",
            "payments",
            "payment_allocations",
            "visit_reports",
        ),
    )
    return counts


def _summarize(engine) -> None:
    """The issued invoices' revenue and margin, and what settled them, kept by billing when it
    issues one or allocates a payment: bulk-loaded invoices get them as `agence db upgrade`
    gives them to invoices issued before 0011 and 0012."""
    from sqlmodel import Session

    from agence.services.billing import revenue_parts, settlements

    with Session(engine) as session:
        revenue_parts.fill_missing(session)
        settlements.fill_missing(session)
        session.commit()


def _analyze(engine) -> None:
    """The planner's statistics of every table (and, on PostgreSQL, their visibility maps)."""
    from sqlmodel import text

    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def _marker(volumes: Volumes) -> str:
    """What the data is, in a few characters: the generator's version, the day, the volumes."""
    import hashlib

    what = json.dumps([GENERATOR_VERSION, TODAY.isoformat(), vars(volumes)], sort_keys=True)
    return hashlib.sha1(what.encode()).hexdigest()[:16]


COUNTED = (
    "clients",
    "client_category_links",
    "products",
    "bookings",
    "booking_sold_lines",
    "booking_events",
    "invoices",
    "invoice_lines",
    "payments",
    "payment_allocations",
    "visit_reports",
)


def counts(session) -> dict[str, Any]:
    """The rows the reports read, and the invoices by kind."""
    from sqlmodel import text

    found: dict[str, Any] = {
        table: session.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
        for table in COUNTED
    }
    grouped = session.execute(text("SELECT kind, COUNT(*) FROM invoices GROUP BY kind"))
    found["invoices_by_kind"] = {kind: number for kind, number in grouped}
    return found


def prepare(url: str, volumes: Volumes) -> dict[str, Any]:
    """The database at `url` migrated and holding the network's data: reused when its marker
    says it holds this data, else emptied and generated (then analyzed)."""
    from sqlmodel import Session, SQLModel, text

    from agence.cli import upgrade_database
    from agence.db import engine_for
    from agence.models import AppSetting
    from agence.services.demo import seed

    engine = engine_for(url)
    marker = _marker(volumes)
    held: dict[str, Any] = {}
    try:
        with Session(engine) as session:
            found = session.get(AppSetting, MARKER_KEY)
            held = json.loads(found.value) if found is not None else {}
    except Exception:  # noqa: BLE001 - an empty or foreign database: made again below
        held = {}
    if held.get("marker") == marker:
        upgrade_database(url)  # an index added since the data was made
        _summarize(engine)  # and what a revision since then keeps (as `agence db upgrade` does)
        with Session(engine) as session:
            return {**counts(session), "generated_in_s": held["generated_in_s"], "reused": True}
    with engine.begin() as connection:
        SQLModel.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade_database(url)
    start = time.perf_counter()
    with Session(engine) as session:
        seed.seed_demo(session)
        session.commit()
        generate(session, volumes)
        session.commit()
    # Statistics first: without them the summaries' correlated subqueries are planned over
    # tables believed empty (a bitmap of every invoice per invoice: hours, not seconds).
    _analyze(engine)
    _summarize(engine)
    _analyze(engine)
    generated_in = round(time.perf_counter() - start, 1)
    with Session(engine) as session:
        value = {"marker": marker, "generated_in_s": generated_in}
        session.add(AppSetting(key=MARKER_KEY, value=json.dumps(value)))
        session.commit()
        return {**counts(session), "generated_in_s": generated_in, "reused": False}


# --- Timing ------------------------------------------------------------------------------------


@contextmanager
def _slowest_statement(engine) -> Iterator[dict[str, Any]]:
    """Records the slowest SQL statement run inside the block (its time and its start)."""
    from sqlalchemy import event

    found: dict[str, Any] = {"ms": 0.0, "sql": ""}

    def before(_conn, _cursor, _statement, _parameters, context, _many) -> None:
        context._bench_start = time.perf_counter()

    def after(_conn, _cursor, statement, _parameters, context, _many) -> None:
        spent = (time.perf_counter() - context._bench_start) * 1000
        if spent > found["ms"]:
            found.update(ms=round(spent, 1), sql=" ".join(statement.split())[:300])

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


REPORTS = (
    ("revenue", "agence.services.statistics.revenue", "revenue_statistics"),
    ("bookings", "agence.services.statistics.bookings_detail", "bookings_report"),
    ("products", "agence.services.statistics.products_sold", "products_report"),
    ("clients", "agence.services.statistics.clients_sales", "clients_report"),
    ("prospecting", "agence.services.statistics.prospecting", "prospecting_report"),
    ("dashboard", "agence.services.statistics.dashboard_report", "dashboard_report"),
)
"""(`ReportName` value, module, function) of the reports `(session, actor, request) ->
Report`: each timed on the year by its default grouping, by each other one, and for the rep."""
HOMES = (
    ("direction", "agence.services.statistics.dashboard", "direction_home", DIRECTION_EMAIL),
    ("accounting", "agence.services.statistics.dashboard", "accounting_figures", ACCOUNTING_EMAIL),
)
"""(key, module, function, who) of the home dashboards `(session, actor, today)`; the
desks' figures are found in `workdesk` (every public function of it taking (session, actor,
today)), read by réservation (« booking »), accounting (« invoicing ») or else by the rep."""
WORKDESK = "agence.services.statistics.workdesk"


def _function(module_name: str, name: str) -> Callable | None:
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, name, None)


def _groupings(key: str) -> list[str]:
    """The report's groupings (or control lists) after its default, as the report form offers
    them (`requests.GROUPINGS`), when that table exists."""
    try:
        from agence.services.statistics.report import ReportName
        from agence.services.statistics.requests import GROUPINGS
    except ImportError:
        return []
    choices = GROUPINGS.get(ReportName(key), ())
    return [value for value, _label in choices[1:] if value]


def _size(result: Any) -> int | None:
    tables = getattr(result, "tables", None)
    if tables is not None:
        return sum(len(table.lines) for table in tables)
    rows = getattr(result, "rows", None)
    return len(rows) if rows is not None else None


def _workdesk_homes() -> list[tuple[str, Callable]]:
    try:
        module = importlib.import_module(WORKDESK)
    except ImportError:
        return []
    found = []
    for name, value in sorted(vars(module).items()):
        if (
            inspect.isfunction(value)
            and value.__module__ == WORKDESK
            and not name.startswith("_")
            and list(inspect.signature(value).parameters)[:3] == ["session", "actor", "today"]
        ):
            found.append((name, value))
    return found


def time_reports(url: str, timed: Callable[..., dict[str, float]], repeat: int = REPEAT):
    """Each report and home dashboard timed on the database at `url`."""
    from sqlmodel import Session, select

    from agence.db import engine_for
    from agence.models import User
    from agence.services.admin import auth
    from agence.services.demo.seed import DEMO_USERS
    from agence.services.statistics import catalog
    from agence.services.statistics.report import Period, ReportName, ReportRequest

    engine = engine_for(url)

    def actor_of(email: str):
        with Session(engine) as session:
            user_id = session.exec(select(User.id).where(User.email == email)).one()
            return auth.load_actor(session, user_id)

    admin = actor_of(DEMO_USERS[0].email)
    rep = actor_of(REP_EMAIL)
    assert rep.own_clients_only, "the rep's profile limits him to his clients"
    year = Period(date(YEAR, 1, 1), date(YEAR, 12, 31))
    results: dict[str, Any] = {}
    absent: list[str] = []

    def measure(key: str, call: Callable[[Any], Any], extra: dict[str, Any]) -> None:
        def run() -> Any:
            with Session(engine) as session:
                return call(session)

        try:
            with _slowest_statement(engine) as slowest:
                start = time.perf_counter()
                size = _size(run())  # warms the cache and the statements
                warming = (time.perf_counter() - start) * 1000
        except Exception as exc:  # noqa: BLE001 - a report being written may still fail
            results[key] = {"error": f"{type(exc).__name__}: {exc}"[:300], **extra}
            return
        if warming > SLOW_MS:
            figures = {"median_ms": round(warming, 1), "runs": 1, "timed_once": True}
        else:
            with _slowest_statement(engine) as slowest:
                figures = timed(run, repeat=repeat)
        results[key] = {**figures, **extra, "lines": size, "slowest_sql_ms": slowest["ms"]}
        if figures["median_ms"] > 300:
            results[key]["slowest_sql"] = slowest["sql"]

    for key, module_name, name in REPORTS:
        function = _function(module_name, name)
        if function is None:
            absent.append(f"{module_name}.{name}")
            continue
        request = ReportRequest(period=year)
        cases: list[tuple[str, Any, ReportRequest]] = [("year", admin, request)]
        for grouping in _groupings(key):
            cases.append((f"year_by_{grouping}", admin, replace(request, grouping=grouping)))
        cases.append(("year_rep_own_clients", rep, request))
        for case, actor, asked in cases:
            measure(  # as the report's page asks for it (its first lines of a long table)
                f"{key}_{case}",
                lambda session, k=key, a=actor, r=asked: catalog.run_report(
                    session, a, ReportName(k), r, catalog.PAGE_LINES
                ),
                {"grouping": asked.grouping or "default"},
            )
    legacy = _function("agence.services.statistics.revenue", "revenue_report")
    if legacy is not None and "period" in inspect.signature(legacy).parameters:
        measure(
            "revenue_report_year_by_month",
            lambda session: legacy(session, admin, year),
            {"grouping": "mois"},
        )
    homes: list[tuple[str, Callable | None, Any]] = [
        (key, _function(module_name, name), actor_of(email))
        for key, module_name, name, email in HOMES
    ]
    workdesk = _workdesk_homes()
    if not workdesk:
        absent.append(f"{WORKDESK} (commercial and réservation homes)")
    for name, function in workdesk:
        who = (
            RESERVATION_EMAIL
            if "booking" in name or "reserv" in name
            else ACCOUNTING_EMAIL
            if "invoic" in name or "account" in name
            else REP_EMAIL
        )
        homes.append((f"workdesk_{name}", function, actor_of(who)))
    for key, function, actor in homes:
        if function is None:
            absent.append(key)
            continue
        measure(
            f"home_{key}",
            lambda session, f=function, a=actor: f(session, a, TODAY),
            {"as": actor.profile_name},
        )
    results["absent"] = absent
    return results


# --- Where it runs -----------------------------------------------------------------------------


def database(bench_url: str | None, work: Path) -> tuple[str, Volumes, str]:
    """(url, volumes, why) of the section's database (see the module's docstring)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    own = os.environ.get("AGENCE_BENCH_STATISTICS_DATABASE_URL", "").strip()
    if own:
        return own, NETWORK, "AGENCE_BENCH_STATISTICS_DATABASE_URL"
    if bench_url and make_url(bench_url).get_backend_name() == "postgresql":
        base = make_url(bench_url)
        name = f"{base.database}_stats"
        admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if exists is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = base.set(database=name).render_as_string(hide_password=False)
        return url, NETWORK, "the bench's PostgreSQL server, database suffixed _stats"
    volumes = NETWORK.scaled(SQLITE_DIVISOR)
    return f"sqlite:///{work / 'statistics.db'}", volumes, f"SQLite at 1/{SQLITE_DIVISOR}"


def statistics_benchmarks(timed: Callable[..., dict[str, float]]) -> dict[str, Any]:
    """The section: its data (generated or reused) and the reports' timings."""
    work = Path(os.environ.get("AGENCE_DATA_DIR") or tempfile.mkdtemp(prefix="agence-stats-"))
    url, volumes, where = database(os.environ.get("AGENCE_BENCH_DATABASE_URL"), work)
    data = prepare(url, volumes)
    load_before = os.getloadavg()[0]
    results = time_reports(url, timed)
    from sqlalchemy.engine import make_url

    return {
        "data": {
            **data,
            "database": make_url(url).get_backend_name(),
            "where": where,
            "scale": "network" if volumes == NETWORK else f"1/{SQLITE_DIVISOR}",
            "today": TODAY.isoformat(),
            "reports_year": YEAR,
            "cpus": os.cpu_count(),
            "load_average_before_after": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        },
        **results,
    }


def _timed(function: Callable, repeat: int = REPEAT) -> dict[str, float]:
    durations = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        durations.append((time.perf_counter() - start) * 1000)
    return {
        "median_ms": round(statistics.median(durations), 1),
        "min_ms": round(min(durations), 1),
        "max_ms": round(max(durations), 1),
        "runs": repeat,
    }


def main() -> int:
    """This section alone, its figures written under « statistics » in bench/results.json."""
    os.environ.setdefault("AGENCE_DATA_DIR", tempfile.mkdtemp(prefix="agence-stats-"))
    figures = statistics_benchmarks(_timed)
    path = Path(__file__).resolve().parent / "results.json"
    report = json.loads(path.read_text()) if path.exists() else {"results": {}}
    report.setdefault("results", {})["statistics"] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **figures,
    }
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
