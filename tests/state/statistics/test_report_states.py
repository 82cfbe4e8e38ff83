"""The « Statistiques » states, their handlers called as Reflex would: the request read from
the URL, a wrong field refused next to it with nothing else changed, the tables as the service
computes them, the export only with the right « exporter », a rep limited to his clients."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from agence import routes
from agence.models import Client
from agence.services.billing import invoicing
from agence.services.common import formats
from agence.services.common.permissions import ALL_RIGHTS, AccessDenied, Action, Module, Right
from agence.services.statistics import catalog, render, requests
from agence.services.statistics.report import ReportName
from agence.state.statistics.reports import ReportState, StatisticsIndexState
from tests.factories import demo_admin, make_actor, make_profile, make_user
from tests.services.statistics.test_revenue import dossier, issue, run
from tests.worlds import shared_world

TODAY = formats.today()
NOTHING = formats.money(Decimal(0))


def build_world(session: Session) -> dict:
    admin = demo_admin(session)
    start = TODAY.replace(month=1, day=1).isoformat()
    rep = make_actor(session)
    booking = dossier(admin, "Collège Anatole-France", admin.site_id, rep, start)
    issue(admin, run(invoicing.create_final, admin, booking.id), TODAY)
    return {"admin": admin, "booking": booking}


world = shared_world(build_world)


def open_report(browser, name: str, **params: str):
    browser.visit(routes.STATISTICS_REPORT, f"/statistiques/{name}", report=name, **params)
    browser.run(ReportState, "open_report")
    return browser.state(ReportState)


def service_lines(session, actor, name: ReportName, values: dict[str, str], table: str):
    request = requests.parse_request(name, values, TODAY)
    report = catalog.run_report(session, actor, name, request)
    found = report.table(table)
    return [render.line_texts(found, line) for line in found.lines]


def test_the_index_lists_the_six_reports(browser, session, world):
    browser.sign_in(make_user(session))
    browser.visit(routes.STATISTICS)
    browser.run(StatisticsIndexState, "open_index")
    cards = browser.state(StatisticsIndexState).cards
    assert [card.title for card in cards] == [name.label for name in ReportName]
    assert cards[1].url == "/statistiques/revenue"


def test_the_report_reads_its_request_from_the_url(browser, session, world):
    browser.sign_in(make_user(session))
    state = open_report(browser, "revenue", grouping="site")
    assert state.report_title == "Chiffre d'affaires"
    assert state.values["grouping"] == "site"
    groups = next(table for table in state.tables if table.key == "groups")
    expected = service_lines(
        session, world["admin"], ReportName.REVENUE, {"grouping": "site"}, "groups"
    )
    assert [line.cells for line in groups.lines] == expected
    assert all(line.url.startswith("/facturation") for line in groups.lines)


def test_an_unknown_report_is_not_found(browser, session, world):
    browser.sign_in(make_user(session))
    state = open_report(browser, "inconnu")
    assert state.not_found and state.tables == []


def test_a_wrong_period_is_refused_next_to_the_field_and_keeps_the_tables(browser, session, world):
    browser.sign_in(make_user(session))
    state = open_report(browser, "revenue")
    before = state.tables
    browser.run(ReportState, "apply", {"from": "2027-05-01", "to": "2027-01-01"})
    assert state.errors == {"to": "La fin de la période précède son début."}
    assert state.tables == before
    browser.run(ReportState, "apply", {"from": "2027-01-01", "to": "2027-05-01", "site": "999"})
    assert state.errors == {"site": "Choix inconnu."}


def test_the_export_needs_the_right_to_export(browser, session, world):
    without_export = set(ALL_RIGHTS) - {Right(Module.STATISTICS, Action.EXPORT)}
    browser.sign_in(make_user(session, without_export))
    state = open_report(browser, "revenue")
    assert not state.can_export
    with pytest.raises(AccessDenied):
        browser.run(ReportState, "export_excel")


def test_the_reports_need_the_statistics_right(browser, session, world):
    browser.sign_in(make_user(session, {Right(Module.BOOKINGS, Action.SEE)}))
    with pytest.raises(AccessDenied):
        open_report(browser, "revenue")


def test_a_rep_limited_to_his_clients_sees_only_them(browser, session, world):
    profile = make_profile(session, set(ALL_RIGHTS))
    profile.own_clients_only = True
    session.add(profile)
    session.commit()
    user = make_user(session, profile=profile)
    browser.sign_in(user)
    state = open_report(browser, "revenue")
    groups = next(table for table in state.tables if table.key == "groups")
    assert all(cell in (NOTHING, "—") for cell in groups.total[1:6])
    # once the client is his, the invoice counts
    client = session.exec(select(Client).where(Client.id == world["booking"].client_id)).one()
    client.sales_rep_id = user.id
    session.add(client)
    session.commit()
    state = open_report(browser, "revenue")
    groups = next(table for table in state.tables if table.key == "groups")
    assert groups.total[1] not in (NOTHING, "—")
    assert [choice[0] for choice in state.choices["rep"]] == [str(user.id)]


def test_the_period_defaults_to_the_year_to_date(browser, session, world):
    browser.sign_in(make_user(session))
    state = open_report(browser, "revenue")
    assert state.values["from"] == date(TODAY.year, 1, 1).isoformat()
    assert state.values["to"] == TODAY.isoformat()
