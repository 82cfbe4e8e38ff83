"""« Détail des ventes par client » on the revenue tests' dossiers (see test_revenue: D1 for the
school in 2026, D2 and the cancelled D4 for the CSE, D3 issued then credited for the school),
and a third client, the primary school, with D5's 10 % deposit issued 2027-04-15 (234,00 €: its
price is the CSE's, 2 340,00 €, margin 390,00 €).

Over January–April 2027: the CSE 2 502,50 € HT (A), the primary school 227,50 € (B), the
college 0 (its dossier credited: C); the year before only the college's 2 258,33 €.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import Booking, Client, Invoice, User
from agence.services.billing import invoicing
from agence.services.billing.vocabulary import InvoiceStatus
from agence.services.statistics.clients_sales import AbcClass, clients_report
from agence.services.statistics.drill_specs import DRILL_SPECS
from agence.services.statistics.report import DrillList, Report, ReportRequest
from agence.services.statistics.revenue import revenue_report, revenue_statistics
from tests.services.statistics.test_revenue import PERIOD, build_world, dossier, issue, run
from tests.worlds import shared_world

D = Decimal
CSE, COLLEGE, PRIMARY = (
    "CSE Michelin Joué-lès-Tours",
    "Collège Anatole-France",
    "École élémentaire Jules-Ferry",
)


def build_sales(session: Session) -> dict:
    """The revenue tests' world, and a 10 % deposit of the primary school (Bruno's) in April."""
    world = build_world(session)
    admin, bruno = world["admin"], world["bruno"]
    with session_scope() as s:
        primary = s.exec(select(Client).where(Client.name == PRIMARY)).one()
        primary.sales_rep_id = bruno.user_id
        s.add(primary)
    d5 = dossier(admin, PRIMARY, world["vdl"], bruno, "2027-06-20")
    issue(admin, run(invoicing.create_deposit, admin, d5.id, percent="10"), date(2027, 4, 15))
    return world


sales = shared_world(build_sales, name="sales")


def names(w: dict) -> dict[str, str]:
    with session_scope() as s:
        users = {key: s.get(User, w[key].user_id) for key in ("anne", "bruno")}
        return {key: f"{u.first_name} {u.last_name}" for key, u in users.items()}


def facts() -> dict[str, tuple]:
    """Per client: id, and each dossier's (reference, participants, start)."""
    with session_scope() as s:
        found = {}
        for name in (CSE, COLLEGE, PRIMARY):
            client = s.exec(select(Client).where(Client.name == name)).one()
            bookings = s.exec(
                select(Booking).where(Booking.client_id == client.id).order_by(Booking.starts_on)
            ).all()
            found[name] = (
                client.id,
                {
                    b.starts_on.isoformat(): (b.reference, b.paying + b.free + b.staff)
                    for b in bookings
                },
            )
        return found


def check_drills(report: Report) -> None:
    for table in report.tables:
        for line in (*table.lines, *((table.total,) if table.total else ())):
            if line.drill is None:
                continue
            if line.drill.list is DrillList.CLIENT:
                assert [key for key, _ in line.drill.filters] == ["id"]
                continue
            keys = {f.key for f in DRILL_SPECS[line.drill.list].filters}
            assert {key for key, _ in line.drill.filters} <= keys, (table.key, line.key)


def test_every_cell_of_the_clients_table(sales):
    with session_scope() as s:
        report = clients_report(s, sales["admin"], ReportRequest(PERIOD))
    who, known = names(sales), facts()
    table = report.table("clients")
    cse_id, cse = known[CSE]
    college_id, college = known[COLLEGE]
    primary_id, primary = known[PRIMARY]
    assert [line.key for line in table.lines] == [str(cse_id), str(primary_id), str(college_id)]
    d2, d4 = cse["2027-05-12"], cse["2027-06-10"]
    d3, d5 = college["2027-05-20"], primary["2027-06-20"]
    assert [c.key for c in table.columns] == [
        "name", "client_type", "rep", "bookings", "participants", "excl_vat", "incl_vat",
        "margin", "previous_excl_vat", "change", "last_booking", "last_starts_on", "abc",
        "cumulative_share",
    ]  # fmt: skip
    assert table.lines[0].cells == (
        CSE, "Comité d'entreprise / CSE", who["anne"],
        2, d2[1] + d4[1],  # D4 (deposit, credit) and D2 (deposit, final)
        D("2502.50"), D("2574.00"), D("357.50"), D("0.00"), None,
        d2[0], date(2027, 5, 12),  # D4 (June) is cancelled: not his last dossier
        "A", D("91.7"),
    )  # fmt: skip
    assert table.lines[1].cells == (
        PRIMARY, "Scolaire", who["bruno"],
        1, d5[1],
        D("227.50"), D("234.00"), D("32.50"), D("0.00"), None,
        d5[0], date(2027, 6, 20),
        "B", D("100.0"),
    )  # fmt: skip
    assert table.lines[2].cells == (
        COLLEGE, "Scolaire", who["bruno"],
        1, d3[1],  # D3, issued and credited in the period
        D("0.00"), D("0.00"), D("0.00"), D("2258.33"), D("-100.0"),
        d3[0], date(2027, 5, 20),
        "C", D("100.0"),
    )  # fmt: skip
    assert table.total.cells == (
        "Total", "", "", 4, d2[1] + d4[1] + d5[1] + d3[1],
        D("2730.00"), D("2808.00"), D("390.00"), D("2258.33"), D("20.9"),
        "", None, "", D("100.0"),
    )  # fmt: skip
    assert table.lines[0].drill is not None
    assert table.lines[0].drill.list is DrillList.CLIENT
    assert table.lines[0].drill.filters == (("id", str(cse_id)),)
    check_drills(report)


def test_a_page_shows_the_first_clients_of_the_whole_report_and_totals_them_all(sales):
    with session_scope() as s:
        whole = clients_report(s, sales["admin"], ReportRequest(PERIOD))
        page = clients_report(s, sales["admin"], ReportRequest(PERIOD), limit=2)
    table = page.table("clients")
    assert [line.cells for line in table.lines] == [
        line.cells for line in whole.table("clients").lines[:2]
    ]
    assert table.total == whole.table("clients").total
    assert "Les 2 premiers sont montrés" in table.note
    for key in ("top", "abc"):
        assert page.table(key) == whole.table(key)


def test_abc_classes_and_top_clients(sales):
    with session_scope() as s:
        report = clients_report(s, sales["admin"], ReportRequest(PERIOD))
    abc = report.table("abc")
    assert [line.key for line in abc.lines] == ["A", "B", "C"]
    assert abc.lines[0].cells == (AbcClass.A.label, 1, D("2502.50"), D("91.7"))
    assert abc.lines[1].cells == (AbcClass.B.label, 1, D("227.50"), D("8.3"))
    assert abc.lines[2].cells == (AbcClass.C.label, 1, D("0.00"), D("0.0"))
    assert abc.total.cells == ("Total", 3, D("2730.00"), D("100.0"))
    top = report.table("top")
    assert [line.cells for line in top.lines] == [
        (CSE, D("2502.50"), D("0.00")),
        (PRIMARY, D("227.50"), D("0.00")),
    ]
    assert top.chart is not None and top.chart.category == "name"


def test_clients_report_reconciles_with_the_revenue_report_and_the_invoices(sales):
    admin = sales["admin"]
    request = ReportRequest(PERIOD)
    with session_scope() as s:
        clients = clients_report(s, admin, request).table("clients")
        revenue = revenue_statistics(s, admin, request).table("groups")
        legacy = revenue_report(s, admin, PERIOD).total
        issued = s.exec(
            select(Invoice).where(
                Invoice.status == InvoiceStatus.ISSUED,
                Invoice.issued_on >= PERIOD.start,
                Invoice.issued_on <= PERIOD.end,
            )
        ).all()
    for key in ("excl_vat", "incl_vat", "margin", "previous_excl_vat"):
        assert clients.value(clients.total, key) == revenue.value(revenue.total, key)
        assert clients.value(clients.total, key) == sum(
            (clients.value(line, key) for line in clients.lines), D(0)
        )
    assert clients.value(clients.total, "excl_vat") == legacy.excl_vat
    assert clients.value(clients.total, "incl_vat") == sum(
        (i.total_incl_vat - i.deposits_deducted for i in issued), D(0)
    )


def test_rep_limited_to_his_clients_sees_only_his_clients(sales):
    with session_scope() as s:
        report = clients_report(s, sales["anne"], ReportRequest(PERIOD))
    table = report.table("clients")
    assert [line.cells[0] for line in table.lines] == [CSE]
    assert table.value(table.total, "excl_vat") == D("2502.50")
    assert report.table("abc").total.cells == ("Total", 1, D("2502.50"), D("100.0"))
