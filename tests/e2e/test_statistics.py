"""The « Statistiques » module in the browser: a report read cell by cell against the service
that computes it, a filter and a grouping that change it (and the URL), a line that drills into
the filtered list, the Excel export, and the page at phone width."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlmodel import select

from agence.models import User
from agence.services.admin import auth
from agence.services.common import formats
from agence.services.statistics import catalog, render, requests
from agence.services.statistics.report import ReportName
from tests.e2e.conftest import PHONE
from tests.e2e.helpers import ADMIN, no_horizontal_scroll, served_session, sign_in_ok


def expected_texts(database_url: str, name: ReportName, values: dict[str, str], table: str):
    """The lines' texts the service gives for this request, as the admin."""
    with served_session(database_url) as session:
        admin = session.exec(select(User).where(User.email == ADMIN)).one()
        actor = auth.load_actor(session, admin.id)
        request = requests.parse_request(name, values, formats.today())
        report = catalog.run_report(session, actor, name, request)
        found = report.table(table)
        return (
            [render.line_texts(found, line) for line in found.lines],
            render.line_texts(found, found.total) if found.total else [],
        )


def table_texts(page: Page, table: str) -> tuple[list[list[str]], list[str]]:
    rows = page.locator(f"#table-{table} tr.report-line")
    lines = [[cell.strip() for cell in row.locator("td").all_inner_texts()] for row in rows.all()]
    total = page.locator(f"#table-{table} tr.report-total td").all_inner_texts()
    return lines, [cell.strip() for cell in total]


def test_the_revenue_report_shows_what_the_service_computes(page, app_database_url):
    sign_in_ok(page)
    page.goto("/statistiques")
    expect(page.locator("#reports")).to_contain_text("Chiffre d'affaires")
    page.locator("#reports").get_by_text("Chiffre d'affaires", exact=True).click()
    expect(page).to_have_url(re.compile(r"/statistiques/revenue"))
    expect(page.locator("#table-groups")).to_be_visible()
    lines, total = expected_texts(app_database_url, ReportName.REVENUE, {}, "groups")
    expect(page.locator("#table-groups tr.report-line")).to_have_count(len(lines))
    shown, shown_total = table_texts(page, "groups")
    assert shown == lines
    assert shown_total == total
    nothing = ("", "—", formats.money(Decimal(0)))
    assert any(cell not in nothing for line in lines for cell in line[1:])


def test_a_grouping_and_a_filter_change_the_report_and_its_address(page, app_database_url):
    sign_in_ok(page)
    page.goto("/statistiques/revenue")
    expect(page.locator("#table-groups")).to_be_visible()
    page.locator("#grouping").select_option("site")
    page.locator("#report-form").get_by_role("button", name="Actualiser").click()
    expect(page).to_have_url(re.compile(r"grouping=site"))
    lines, total = expected_texts(
        app_database_url, ReportName.REVENUE, {"grouping": "site"}, "groups"
    )
    expect(page.locator("#table-groups tr.report-line")).to_have_count(len(lines))
    assert table_texts(page, "groups") == (lines, total)

    page.locator("#report-form summary").click()
    site_value = page.locator("#site option").nth(1).get_attribute("value")
    page.locator("#site").select_option(site_value)
    page.locator("#report-form").get_by_role("button", name="Actualiser").click()
    expect(page).to_have_url(re.compile(rf"site={site_value}"))
    lines, total = expected_texts(
        app_database_url, ReportName.REVENUE, {"grouping": "site", "site": site_value}, "groups"
    )
    expect(page.locator("#table-groups tr.report-line")).to_have_count(len(lines))
    assert table_texts(page, "groups") == (lines, total)

    # the address is the report: opened again, the same request comes back
    page.reload()
    expect(page.locator("#site")).to_have_value(site_value)
    expect(page.locator("#table-groups tr.report-line")).to_have_count(len(lines))


def test_a_wrong_period_is_refused_next_to_the_field(page):
    sign_in_ok(page)
    page.goto("/statistiques/revenue")
    expect(page.locator("#table-groups")).to_be_visible()
    page.locator("#from").fill("2027-05-01")
    page.locator("#to").fill("2027-01-01")
    page.locator("#report-form").get_by_role("button", name="Actualiser").click()
    expect(page.locator("#error-to")).to_have_text("La fin de la période précède son début.")


def test_a_line_drills_into_the_invoices_it_counts(page, app_database_url):
    sign_in_ok(page)
    page.goto("/statistiques/revenue?grouping=site")
    lines, _ = expected_texts(app_database_url, ReportName.REVENUE, {"grouping": "site"}, "groups")
    invoiced = next(i for i, line in enumerate(lines) if line[2] != formats.money(Decimal(0)))
    link = page.locator("#table-groups tr.report-line").nth(invoiced).locator("td a")
    expect(link).to_have_text(lines[invoiced][0])
    href = link.get_attribute("href")
    assert href.startswith("/facturation?")
    link.click()
    expect(page).to_have_url(re.compile(r"/facturation\?.*issued_since="))
    expect(page.locator("#list-count")).to_be_visible()
    expect(page.locator("#data-table tbody tr").first).to_be_visible()


def test_the_report_exports_to_excel(page, app_database_url):
    sign_in_ok(page)
    page.goto("/statistiques/revenue")
    expect(page.locator("#table-groups")).to_be_visible()
    with page.expect_download() as download_info:
        page.locator("#export-report").click()
    download = download_info.value
    assert re.match(
        r"statistiques-revenue-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.xlsx",
        download.suggested_filename,
    )
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert workbook.sheetnames[0] == "Paramètres"
    lines, _ = expected_texts(app_database_url, ReportName.REVENUE, {}, "groups")
    sheet = workbook.worksheets[1]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + len(lines) + 1  # header, lines, total
    assert [row[0] for row in rows[1:-1]] == [line[0] for line in lines]


def test_a_report_on_a_phone(open_page):
    page = open_page(PHONE)
    sign_in_ok(page)
    page.goto("/statistiques/clients")
    expect(page.locator("#table-clients")).to_be_visible()
    assert no_horizontal_scroll(page)
