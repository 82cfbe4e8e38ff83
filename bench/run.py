"""Benchmarks (`make bench`): figures go to bench/results.json, never into test assertions.

1. The users list page query + count over 10 000 users (first page, a far page, a search,
   a filter, a sort), and the Excel export of those 10 000 rows.
2. The client list page with filters on 100 000 clients (query + count), and the Excel export
   of the 100 000 clients (time and peak memory).
3. The costing engine: a 60-line costing priced over a 10-size grid (per call, no database).
4. The tariff lookup (`find_rate`) among 50 000 tariffs (5 000 products × 10), per call.
5. The dossier list with filters over 300 000 dossiers (query + count, as the page asks them):
   first page, status and dates, text and reference searches, sorted by client, a far page,
   and a sales rep limited to his clients.
6. The follow-up board's six lists on those dossiers (2 000 of them with a costing whose lines
   are at the supplier's steps), for everyone and for a rep limited to his clients.
7. The planning of one product holding 10 000 reservations over a year: a month and a week.
8. Documents: a quote, a contract and a voucher made from the demo dossier, a 3-page quote's
   PDF alone, and 200 e-mails sent by the background batch to an SMTP server on 127.0.0.1.
9. Invoicing (bench/invoicing.py): 1 000 invoices issued one by one (numbering, PDF, Factur-X,
   storing), then the unpaid-invoices list over 500 000 issued invoices inserted in bulk.
10. Statistics (bench/statistics.py), under « statistics »: every report (a year by its default
   grouping, by another, for a rep limited to his clients) and every home dashboard on
   300 000 dossiers, 1 500 000 priced services, about 400 000 issued invoices and 1 000 000
   invoice lines, in a database of its own kept between runs (AGENCE_BENCH_STATISTICS_DATABASE_URL,
   else `<bench database>_stats` beside a PostgreSQL bench database); on SQLite, at a
   twentieth of those volumes (the figures then only show that the code runs). A report not
   written yet is listed as absent. `python -m bench.statistics` runs this section alone.

SQLite by default; AGENCE_BENCH_DATABASE_URL runs the same on another database (which it
empties).
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

USERS = 10_000
REPEAT = 15
RESULTS = Path(__file__).resolve().parent / "results.json"


def _timed(function, repeat: int = REPEAT) -> dict[str, float]:
    durations = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        durations.append((time.perf_counter() - start) * 1000)
    return {
        "median_ms": round(statistics.median(durations), 2),
        "min_ms": round(min(durations), 2),
        "max_ms": round(max(durations), 2),
        "runs": repeat,
    }


CLIENTS = 100_000


def _client_benchmarks(actor) -> dict[str, object]:
    """The client list on 100 000 clients (query + count), and its Excel export (time and
    peak memory, measured in a child process so that the figure is the export's own)."""
    from agence.db import session_scope
    from agence.services.common import listing
    from agence.services.common.listing import ListQuery
    from agence.services.parties.clients import CLIENTS_LIST
    from bench.data import add_clients

    with session_scope() as session:
        add_clients(session, CLIENTS)
    cases = {
        "first_page": ListQuery(),
        "filters_status_department_revenue": ListQuery(
            filters={"status": "client", "department": "37", "revenue_min": "10000"},
            sort="revenue",
            desc=True,
        ),
        "filter_type_and_city": ListQuery(filters={"client_type": "scolaire", "city": "Tou"}),
        "accent_blind_search": ListQuery(search="ecole"),
        "not_visited_since": ListQuery(filters={"visited_until": "2025-06-30"}),
        "page_1000": ListQuery(page=1000, page_size=50),
    }
    results: dict[str, object] = {}
    for name, query in cases.items():

        def run(query=query):
            with session_scope() as session:
                return listing.fetch_page(session, CLIENTS_LIST, query, actor)

        with session_scope() as session:
            total = listing.fetch_page(session, CLIENTS_LIST, query, actor).total
        results[f"clients_list_{name}"] = {**_timed(run, repeat=7), "total": total}

    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        results["clients_excel_export_100k"] = pool.apply(
            _export_in_child,
            (os.environ["AGENCE_DATABASE_URL"], os.environ["AGENCE_DATA_DIR"], actor.user_id),
        )
    return results


def _export_in_child(database_url: str, data_dir: str, user_id: int) -> dict[str, object]:
    os.environ["AGENCE_DATABASE_URL"], os.environ["AGENCE_DATA_DIR"] = database_url, data_dir
    from agence.db import session_scope
    from agence.services.admin import auth
    from agence.services.common import exports
    from agence.services.common.listing import ListQuery
    from agence.services.common.permissions import Module
    from agence.services.parties.clients import CLIENTS_LIST

    with session_scope() as session:
        actor = auth.load_actor(session, user_id)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with session_scope() as session:
        result = exports.export_listing(
            session, actor, Module.THIRD_PARTIES, CLIENTS_LIST, ListQuery()
        )
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": round(seconds, 1),
        "rows": result.rows,
        "file_mib": round(result.path.stat().st_size / 2**20, 1),
        "peak_rss_mib": round(peak / 1024, 1),
        "rss_growth_during_export_mib": round((peak - baseline) / 1024, 1),
    }


def _pricing_benchmark() -> dict[str, object]:
    """One `price_grid` call on a 60-line costing over 10 group sizes: what the costing screen
    recomputes at each change."""
    from decimal import Decimal

    from agence.services.catalogue.pricing import (
        Basis,
        Consumer,
        Costing,
        FreeRule,
        Line,
        Regime,
        price_grid,
    )

    everyone = frozenset(Consumer)
    lines = []
    for n in range(60):
        if n % 4 == 0:
            line = Line(f"Autocar {n}", Decimal("950.00"), Basis.GROUP, applies_to=everyone)
        elif n % 4 == 1:
            line = Line(f"Guide {n}", Decimal("180.00"), Basis.GROUP, capacity=30)
        elif n % 4 == 2:
            line = Line(
                f"Hôtel {n}",
                Decimal("64.50"),
                quantity=Decimal(2),
                vat_rate=Decimal(10),
                supplier_free_rule=FreeRule(1, 20),
                markup_percent=Decimal(15),
            )
        else:
            line = Line(
                f"Accompagnement {n}", Decimal("12.30"), regime=Regime.NORMAL, applies_to=everyone
            )
        lines.append(line)
    costing = Costing(
        lines=tuple(lines),
        markup_percent=Decimal(18),
        fee_per_group=Decimal(30),
        rounding=Decimal("0.50"),
        client_free_rule=FreeRule(1, 20),
    )
    sizes = list(range(10, 101, 10))
    return {
        "costing_60_lines_grid_of_10_sizes": {
            **_timed(lambda: price_grid(costing, sizes, staff=2), repeat=200),
            "lines": len(lines),
            "sizes": len(sizes),
        }
    }


PRODUCTS = 5_000
RATE_LOOKUPS = 2_000


def _rate_lookup_benchmark() -> dict[str, object]:
    """`find_rate` for a random product, day and group size among 50 000 tariffs: what the
    costing screen does for each catalogue line when the date or the group size changes.
    Days run to mid-2028, past the tariffs, so that some lookups find none (a flagged line)."""
    import random
    from datetime import date, timedelta

    from sqlmodel import func, select

    from agence.db import session_scope
    from agence.models.catalogue import Rate
    from agence.services.catalogue.rates import find_rate
    from bench.data import add_products_with_rates

    with session_scope() as session:
        products = add_products_with_rates(session, PRODUCTS)
    with session_scope() as session:
        tariffs = session.exec(select(func.count()).select_from(Rate)).one()
    rng = random.Random(17)
    first, days = date(2026, 1, 1), (date(2028, 6, 30) - date(2026, 1, 1)).days
    calls = [
        (rng.choice(products), first + timedelta(days=rng.randrange(days)), rng.randint(8, 60))
        for _ in range(RATE_LOOKUPS)
    ]
    durations, found = [], 0
    with session_scope() as session:
        find_rate(session, products[0], first, 20)  # warm the connection and the statement
        for product_id, day, paying in calls:
            start = time.perf_counter()
            rate = find_rate(session, product_id, day, paying)
            durations.append((time.perf_counter() - start) * 1000)
            found += rate is not None
    durations.sort()
    return {
        "rate_lookup_among_50k_tariffs": {
            "mean_ms": round(statistics.fmean(durations), 3),
            "median_ms": round(statistics.median(durations), 3),
            "p95_ms": round(durations[int(len(durations) * 0.95) - 1], 3),
            "max_ms": round(durations[-1], 3),
            "calls": len(durations),
            "found": found,
            "tariffs": tariffs,
            "products": len(products),
        }
    }


def _spread(function, repeat: int) -> dict[str, float]:
    """Mean, median, 95th percentile (nearest rank) and worst of `repeat` calls, after one
    untimed call that warms the connection and the database's cache."""
    function()
    durations = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        durations.append((time.perf_counter() - start) * 1000)
    durations.sort()
    return {
        "mean_ms": round(statistics.fmean(durations), 2),
        "median_ms": round(statistics.median(durations), 2),
        "p95_ms": round(durations[math.ceil(len(durations) * 0.95) - 1], 2),
        "max_ms": round(durations[-1], 2),
        "runs": repeat,
    }


BOOKINGS = 300_000
BOOKING_COSTINGS = 2_000
PLANNED_RESERVATIONS = 10_000
PLANNED_YEAR = 2027
BOOKINGS_TODAY = date(2026, 10, 12)
"""The day the dossiers' statuses are drawn from and the board is read on (a Monday): fixed,
so that every run measures the same data."""
REP_EMAIL = "l.bernard@escapades-loire.fr"
"""A demo sales rep whose « Commercial » profile limits him to his own clients."""


def _booking_benchmarks(admin) -> dict[str, object]:
    """The dossier list (query + count, what one page view costs), the follow-up board and the
    planning of a product, on 300 000 dossiers of the 100 000 clients over 2024–2028."""
    from sqlmodel import col, func, select, text

    from agence.db import session_scope
    from agence.models import Booking, Client, StockReservation, User
    from agence.services.admin import auth
    from agence.services.bookings import board as follow_up
    from agence.services.bookings import planning
    from agence.services.bookings.bookings import BOOKINGS_LIST
    from agence.services.common import listing
    from agence.services.common.listing import ListQuery
    from bench.data import add_booking_costings, add_bookings, add_clients, add_planned_product

    with session_scope() as session:
        if session.exec(select(func.count()).select_from(Client)).one() < CLIENTS:
            add_clients(session, CLIENTS)
    start = time.perf_counter()
    with session_scope() as session:
        add_bookings(session, BOOKINGS, BOOKINGS_TODAY)
    with session_scope() as session:
        lines = add_booking_costings(session, BOOKING_COSTINGS, BOOKINGS_TODAY)
    with session_scope() as session:
        product_id = add_planned_product(session, PLANNED_RESERVATIONS, PLANNED_YEAR)
    generated_in = time.perf_counter() - start
    with session_scope() as session:
        if session.get_bind().dialect.name == "postgresql":
            # What autovacuum does within a minute of such a load: without statistics the
            # planner takes 300 000 rows for a few hundred (the board took 4 s, not 0.2).
            # SQLite is measured as the application runs it, and nothing runs ANALYZE there.
            session.execute(text("ANALYZE"))
    with session_scope() as session:
        rep = auth.load_actor(
            session, session.exec(select(User.id).where(User.email == REP_EMAIL)).one()
        )
        statuses = dict(
            session.exec(
                select(Booking.status, func.count())
                .group_by(Booking.status)
                .order_by(Booking.status)
            ).all()
        )
        rep_clients = session.exec(
            select(func.count()).select_from(Client).where(Client.sales_rep_id == rep.user_id)
        ).one()
    assert rep.own_clients_only, "the rep's profile limits him to his clients"
    results: dict[str, object] = {
        "bookings_data": {
            "bookings": sum(statuses.values()),
            "by_status": statuses,
            "with_costing": BOOKING_COSTINGS,
            "costing_lines": lines,
            "stock_reservations": PLANNED_RESERVATIONS,
            "rep_clients": rep_clients,
            "generated_in_s": round(generated_in, 1),
            "today": BOOKINGS_TODAY.isoformat(),
        }
    }

    cases = {
        "first_page": (admin, ListQuery()),
        "status_option_and_start_dates": (
            admin,
            ListQuery(
                filters={
                    "status": "option",
                    "starts_since": "2026-11-01",
                    "starts_until": "2027-03-31",
                }
            ),
        ),
        "search_text": (admin, ListQuery(search="chenonceau")),
        "search_reference": (admin, ListQuery(search="VDL-2027-0042")),
        "sort_by_client": (admin, ListQuery(sort="client")),
        "page_2000": (admin, ListQuery(page=2000, page_size=50)),
        "rep_own_clients_first_page": (rep, ListQuery()),
        "rep_own_clients_status_filter": (rep, ListQuery(filters={"status": "confirme"})),
    }
    for name, (actor, query) in cases.items():

        def run(actor=actor, query=query):
            with session_scope() as session:
                return listing.fetch_page(session, BOOKINGS_LIST, query, actor)

        def count_only(actor=actor, query=query):
            with session_scope() as session:
                return listing.count(session, listing.filtered_query(BOOKINGS_LIST, query, actor))

        total = run().total
        results[f"bookings_list_{name}"] = {
            **_spread(run, repeat=15),
            "of_which_count_mean_ms": _spread(count_only, repeat=5)["mean_ms"],
            "total": total,
        }

    for name, actor in (("all", admin), ("rep_own_clients", rep)):

        def board(actor=actor):
            with session_scope() as session:
                return follow_up.board(session, actor, BOOKINGS_TODAY)

        rows = {key: len(section) for key, section in board().items()}
        results[f"follow_up_board_{name}"] = {**_spread(board, repeat=15), "rows": rows}

    month = planning.period(date(PLANNED_YEAR, 6, 10), "mois")
    week = planning.period(date(PLANNED_YEAR, 6, 10), "semaine")
    for name, (first, last) in (("month", month), ("week", week)):

        def plan(first=first, last=last):
            with session_scope() as session:
                return planning.product_planning(session, admin, product_id, first, last)

        with session_scope() as session:
            held = session.exec(
                select(func.count())
                .select_from(StockReservation)
                .where(
                    StockReservation.product_id == product_id,
                    col(StockReservation.day).between(first, last),
                )
            ).one()
        results[f"planning_product_{name}"] = {
            **_spread(plan, repeat=15),
            "days": (last - first).days + 1,
            "reservations_in_period": held,
            "reservations_of_product": PLANNED_RESERVATIONS,
        }
    return results


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="agence-bench-"))
    os.environ["AGENCE_DATA_DIR"] = str(work)
    database_url = os.environ.get("AGENCE_BENCH_DATABASE_URL", f"sqlite:///{work / 'bench.db'}")
    os.environ["AGENCE_DATABASE_URL"] = database_url

    from sqlmodel import SQLModel, text

    from agence.cli import upgrade_database
    from agence.db import engine_for, session_scope
    from agence.services.admin import auth
    from agence.services.admin.users import USERS as USER_RESOURCE
    from agence.services.common import exports, listing
    from agence.services.common.listing import ListQuery
    from agence.services.common.permissions import Module
    from agence.services.demo import seed
    from bench.data import add_users
    from bench.documents import documents_benchmarks
    from bench.invoicing import invoicing_benchmarks
    from bench.statistics import statistics_benchmarks

    if not database_url.startswith("sqlite"):
        with engine_for(database_url).begin() as connection:
            SQLModel.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade_database(database_url)
    with session_scope() as session:
        seed.seed_demo(session)
        add_users(session, USERS)
    with session_scope() as session:
        admin = next(
            u
            for u in session.exec(
                text("SELECT id FROM users WHERE email = :e"),
                params={"e": seed.DEMO_USERS[0].email},
            )
        )
        actor = auth.load_actor(session, admin[0])

    spec = USER_RESOURCE.list_spec()
    cases = {
        "first_page": ListQuery(),
        "page_200": ListQuery(page=200, page_size=50),
        "search_two_words": ListQuery(search="martin camille"),
        "filter_active_sales_reps": ListQuery(filters={"active": "1", "sales_rep": "1"}),
        "sort_by_last_login_desc": ListQuery(sort="last_login_at", desc=True),
    }
    results: dict[str, object] = {}
    for name, query in cases.items():

        def run(query=query):
            with session_scope() as session:
                return listing.fetch_page(session, spec, query, actor)

        with session_scope() as session:
            total = listing.fetch_page(session, spec, query, actor).total
        results[f"users_list_{name}"] = {**_timed(run), "total": total}

    def export():
        with session_scope() as session:
            return exports.export_listing(session, actor, Module.ADMINISTRATION, spec, ListQuery())

    with session_scope() as session:
        sample = exports.export_listing(session, actor, Module.ADMINISTRATION, spec, ListQuery())
    results["excel_export_all_users"] = {
        **_timed(export, repeat=3),
        "rows": sample.rows,
        "file_kib": round(sample.path.stat().st_size / 1024, 1),
    }
    results.update(_client_benchmarks(actor))
    results.update(_pricing_benchmark())
    results.update(_rate_lookup_benchmark())
    results.update(documents_benchmarks(actor, _timed))
    results.update(_booking_benchmarks(actor))
    results.update(invoicing_benchmarks(actor))
    results["statistics"] = statistics_benchmarks(_timed)

    report = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": database_url.split(":", 1)[0],
        "users": USERS + len(seed.DEMO_USERS),
        "python": sys.version.split()[0],
        "machine": f"{platform.machine()} · {os.cpu_count()} CPU",
        "results": results,
    }
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
