"""The statistics bench (bench/statistics.py) runs end to end on a few hundred dossiers: its
data holds together as billing and the dossiers would have written it, a second run reuses
it, and every report present runs on it. No time is asserted: the figures belong to
bench/results.json (`make bench`)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from agence.db import engine_for
from bench import statistics as bench_statistics
from tests.conftest import (
    _DATA_DIR,
    POSTGRES_URL,
    backends,
    derived_postgres_url,
    drop_postgres_database,
    require_postgres,
)

TINY = bench_statistics.NETWORK.scaled(1000)


@pytest.fixture(scope="module", params=backends())
def bench_database(request):
    """A database of its own, filled once by the generator (COPY on PostgreSQL)."""
    if request.param == "sqlite":
        path = _DATA_DIR / "bench_statistics.db"
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        require_postgres(POSTGRES_URL)
        url = derived_postgres_url("bench_statistics")
    counts = bench_statistics.prepare(url, TINY)
    yield url, counts
    engine_for(url).dispose()
    if request.param != "sqlite":
        drop_postgres_database(url)


def _rows(url: str, sql: str) -> list:
    with engine_for(url).connect() as connection:
        return list(connection.execute(text(sql)))


def test_the_generator_fills_every_table_the_reports_read(bench_database):
    _url, counts = bench_database
    assert not counts["reused"]
    assert counts["bookings"] >= TINY.bookings
    for table in bench_statistics.COUNTED:
        assert counts[table] > 0, table
    assert set(counts["invoices_by_kind"]) == {"acompte", "solde", "avoir"}


def test_an_invoice_totals_its_own_lines_and_deducts_its_deposits_lines(bench_database):
    url, _counts = bench_database
    wrong = _rows(
        url,
        """
        SELECT i.id FROM invoices i
        JOIN (
            SELECT invoice_id,
                   SUM(CASE WHEN deducted_invoice_id IS NULL THEN total_incl_vat ELSE 0 END) AS own,
                   SUM(CASE WHEN deducted_invoice_id IS NULL THEN total_vat ELSE 0 END) AS vat,
                   SUM(CASE WHEN deducted_invoice_id IS NULL THEN 0 ELSE total_incl_vat END)
                       AS deducted
            FROM invoice_lines GROUP BY invoice_id
        ) l ON l.invoice_id = i.id
        WHERE ABS(i.total_incl_vat - l.own) > 0.001
           OR ABS(i.total_vat - l.vat) > 0.001
           OR ABS(i.deposits_deducted + l.deducted) > 0.001
           OR ABS(i.amount_due - (i.total_incl_vat - i.deposits_deducted)) > 0.001
        """,
    )
    assert wrong == []
    deductions = _rows(
        url,
        """
        SELECT d.kind, f.kind, f.booking_id = d.booking_id FROM invoice_lines l
        JOIN invoices f ON f.id = l.invoice_id JOIN invoices d ON d.id = l.deducted_invoice_id
        """,
    )
    assert deductions
    assert {tuple(row) for row in deductions} == {("acompte", "solde", True)}


def test_a_dossier_with_its_final_invoice_is_invoiced_once_for_its_price(bench_database):
    url, _counts = bench_database
    wrong = _rows(
        url,
        """
        SELECT b.id FROM bookings b
        JOIN invoices i ON i.booking_id = b.id
        WHERE EXISTS (SELECT 1 FROM invoices f WHERE f.booking_id = b.id AND f.kind = 'solde')
          AND NOT EXISTS (SELECT 1 FROM invoices c WHERE c.booking_id = b.id AND c.kind = 'avoir')
        GROUP BY b.id, b.total_price
        HAVING ABS(SUM(i.total_incl_vat - i.deposits_deducted) - b.total_price) > 0.001
        """,
    )
    assert wrong == []


def test_a_dossier_costs_and_sells_what_its_priced_services_do(bench_database):
    url, _counts = bench_database
    wrong = _rows(
        url,
        """
        SELECT b.id FROM bookings b JOIN booking_sold_lines s ON s.booking_id = b.id
        GROUP BY b.id, b.total_price, b.total_cost
        HAVING ABS(SUM(s.sale) - b.total_price) > 0.001 OR ABS(SUM(s.cost) - b.total_cost) > 0.001
        """,
    )
    assert wrong == []


def test_a_dossier_confirmed_once_has_its_confirmation_in_its_history(bench_database):
    url, _counts = bench_database
    missing = _rows(
        url,
        """
        SELECT b.id FROM bookings b
        WHERE b.status IN ('confirme', 'realise', 'facture', 'solde')
          AND NOT EXISTS (SELECT 1 FROM booking_events e
                          WHERE e.booking_id = b.id AND e.to_status = 'confirme')
        """,
    )
    assert missing == []


def test_a_second_run_reuses_the_data(bench_database):
    url, counts = bench_database
    again = bench_statistics.prepare(url, TINY)
    assert again["reused"]
    assert again["invoice_lines"] == counts["invoice_lines"]


def test_every_report_present_runs_on_the_data_and_is_timed(bench_database):
    url, _counts = bench_database
    results = bench_statistics.time_reports(url, bench_statistics._timed, repeat=1)
    timed = {key: value for key, value in results.items() if key != "absent"}
    assert "home_direction" in timed and "home_accounting" in timed
    assert {key: value["error"] for key, value in timed.items() if "error" in value} == {}
    for figures in timed.values():
        assert figures["runs"] == 1
        assert isinstance(figures["median_ms"], float)
    assert all(isinstance(name, str) for name in results["absent"])
