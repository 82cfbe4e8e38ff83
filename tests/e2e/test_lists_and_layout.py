"""The list machinery in the browser, the Excel export, and the shell at three widths."""

from __future__ import annotations

import io
import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, TABLET
from tests.e2e.helpers import no_horizontal_scroll, sign_in_ok


def test_the_excel_export_downloads_the_whole_filtered_list(page):
    sign_in_ok(page)
    page.goto("/administration/utilisateurs")
    expect(page.locator("#list-count")).not_to_have_text("0 résultat(s)")
    everyone = page.locator("#list-count").inner_text()
    page.locator("#filter-active").select_option("1")  # the demo has one inactive user
    expect(page.locator("#list-count")).not_to_have_text(everyone)
    shown = int(page.locator("#list-count").inner_text().split()[0])
    with page.expect_download() as download_info:
        page.locator("#list-export").click()
    download = download_info.value
    assert re.match(r"Utilisateurs-\d{4}-\d{2}-\d{2}\.xlsx", download.suggested_filename)
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Nom", "E-mail")
    assert len(rows) - 1 == shown
    assert sheet.freeze_panes == "A2"
    assert all(row[6] == "Oui" for row in rows[1:])


def test_headers_sort_and_the_search_filters_on_the_server(page):
    sign_in_ok(page)
    page.goto("/administration/utilisateurs")
    first_cell = page.locator("#data-table tbody tr").first.locator("td").first
    expect(first_cell).to_have_text(re.compile(r"^Bernard"))
    page.get_by_role("button", name="Trier par Nom").click()
    expect(first_cell).to_have_text(re.compile(r"^Roux|^\w"))
    expect(first_cell).not_to_have_text(re.compile(r"^Bernard"))
    page.locator("#list-search").fill("fontaine")
    expect(page.locator("#list-count")).to_have_text("1 résultat(s)")
    expect(first_cell).to_have_text(re.compile(r"^Fontaine"))


def test_on_a_phone_the_menu_is_a_drawer(open_page):
    page = open_page(PHONE)
    sign_in_ok(page)
    expect(page.get_by_role("navigation", name="Menu principal")).to_have_count(0)
    page.locator("#open-menu").click()
    drawer = page.get_by_role("dialog", name="Menu")
    expect(drawer).to_be_visible()
    drawer.get_by_role("link", name="Taux de TVA", exact=True).click()
    expect(page).to_have_url(re.compile(r"/parametres/taux-de-tva"))
    expect(page.locator("#data-table")).to_contain_text("Taux normal")
    assert no_horizontal_scroll(page)


def test_no_page_scrolls_sideways_on_a_phone_a_tablet_or_a_desktop(open_page):
    for viewport in (PHONE, TABLET, DESKTOP):
        page = open_page(viewport)
        sign_in_ok(page)
        for path in (
            "/",
            "/administration/utilisateurs",
            "/administration/profils/1",
            "/parametres/sites/1",
            "/administration/journal",
        ):
            page.goto(path)
            page.wait_for_load_state("networkidle")
            assert no_horizontal_scroll(page), f"{path} scrolls sideways at {viewport['width']}px"
