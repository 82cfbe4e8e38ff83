"""Benchmarks (`make bench`): figures go to bench/results.json, never into test assertions.

1. The users list page query + count over 10 000 users (first page, a far page, a search,
   a filter, a sort), and the Excel export of those 10 000 rows.
2. The client list page with filters on 100 000 clients (query + count), and the Excel export
   of the 100 000 clients (time and peak memory).
3. The costing engine: a 60-line costing priced over a 10-size grid (per call, no database).
4. The tariff lookup (`find_rate`) among 50 000 tariffs (5 000 products × 10), per call.

SQLite by default; AGENCE_BENCH_DATABASE_URL runs the same on another database (which it
empties).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
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
    from agence.services import listing
    from agence.services.clients import CLIENTS_LIST
    from agence.services.listing import ListQuery
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
    from agence.services import auth, exports
    from agence.services.clients import CLIENTS_LIST
    from agence.services.listing import ListQuery
    from agence.services.permissions import Module

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

    from agence.services.pricing import Basis, Consumer, Costing, FreeRule, Line, Regime, price_grid

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
    from agence.services.rates import find_rate
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


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="agence-bench-"))
    os.environ["AGENCE_DATA_DIR"] = str(work)
    database_url = os.environ.get("AGENCE_BENCH_DATABASE_URL", f"sqlite:///{work / 'bench.db'}")
    os.environ["AGENCE_DATABASE_URL"] = database_url

    from sqlmodel import SQLModel, text

    from agence.cli import upgrade_database
    from agence.db import engine_for, session_scope
    from agence.services import auth, exports, listing, seed
    from agence.services.listing import ListQuery
    from agence.services.permissions import Module
    from agence.services.users import USERS as USER_RESOURCE
    from bench.data import add_users

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
