"""Clients and CRM in the browser: a prospect on a phone, a visit report on a tablet, segments,
conversion, export."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, TABLET
from tests.e2e.helpers import no_horizontal_scroll, sign_in_ok

REP = "l.bernard@escapades-loire.fr"


def test_a_prospect_with_a_contact_is_created_on_a_phone(open_page):
    page = open_page(PHONE)
    name = f"Collège Ronsard {uuid.uuid4().hex[:5]}"
    sign_in_ok(page)
    page.goto("/tiers/clients/nouveau")
    page.locator("#client-type").select_option("scolaire")
    page.locator("#name").fill(name)
    page.locator("#email").fill(f"{uuid.uuid4().hex[:6]}@ronsard.fr")
    page.locator("#billing-line1").fill("2 rue Ronsard")
    page.locator("#billing-postcode").fill("3700")
    page.locator("#billing-city").fill("Tours")
    page.locator("#form-save").click()
    expect(page.locator("#error-billing-postcode")).to_contain_text("5 chiffres")
    page.locator("#billing-postcode").fill("37000")
    page.locator("#form-save").click()
    expect(page).to_have_url(re.compile(r"/tiers/clients/\d+/?$"))
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    assert no_horizontal_scroll(page)

    page.locator("#tab-contacts").click()
    page.locator("#contacts-new").click()
    dialog = page.get_by_role("dialog")
    dialog.locator("#first-name").fill("Hélène")
    dialog.locator("#last-name").fill("Marchand")
    dialog.locator("#role").fill("Professeure d'histoire")
    dialog.locator("#email").fill("h.marchand@ronsard.fr")
    dialog.locator("#contacts-save").click()
    expect(page.locator("#contacts-table")).to_contain_text("Marchand Hélène")
    expect(page.locator("#contacts-count")).to_have_text("1 résultat(s)")


def test_a_visit_report_written_on_a_tablet_survives_a_reload(open_page):
    page = open_page(TABLET)
    subject = f"Programme printemps {uuid.uuid4().hex[:5]}"
    sign_in_ok(page, REP)
    page.goto("/tiers/comptes-rendus/nouveau")
    expect(page).to_have_url(re.compile(r"/tiers/comptes-rendus/\d+/?$"))
    page.locator("#report-client-search").fill("anatole")  # one of Lucie Bernard's clients
    page.get_by_role("button", name=re.compile("Collège Anatole-France")).click()
    expect(page.locator("#report-client")).to_have_text("Collège Anatole-France")
    page.locator("#report-subject").fill(subject)
    page.locator("#report-body").fill("Rencontre avec la principale : journée Chambord.")
    expect(page.locator("#report-saved")).to_be_visible()
    page.wait_for_timeout(1500)  # the debounce sends the last keystrokes
    assert no_horizontal_scroll(page)

    page.reload()
    expect(page.locator("#report-subject")).to_have_value(subject)
    expect(page.locator("#report-body")).to_have_value(
        "Rencontre avec la principale : journée Chambord."
    )
    expect(page.locator("#report-client")).to_have_text("Collège Anatole-France")
    page.locator("#report-next-action-kind").select_option("devis")
    page.locator("#report-validate").click()
    expect(page.locator("#error-report-next-action-on")).to_be_visible()
    page.locator("#report-next-action-on").fill("2030-03-15")
    page.locator("#report-validate").click()
    expect(page).to_have_url(re.compile(r"/tiers/comptes-rendus/?$"))
    page.locator("#list-search").fill(subject)
    expect(page.locator("#list-count")).to_have_text("1 résultat(s)")
    expect(page.locator("#data-table")).to_contain_text("Validé")


def test_a_prospect_becomes_a_client(page):
    sign_in_ok(page)
    page.goto("/tiers/clients")
    page.locator("#list-search").fill("Lycée Descartes")
    expect(page.locator("#list-count")).to_have_text("1 résultat(s)")
    page.get_by_role("link", name="Lycée Descartes").click()
    page.locator("#convert-to-client").click()
    expect(page.locator("#convert-to-client")).to_have_count(0)
    expect(page.locator("#status")).to_have_value("client")


def test_a_segment_is_saved_and_reapplied(page):
    name = f"Prospects {uuid.uuid4().hex[:4]}"
    sign_in_ok(page)
    page.goto("/tiers/clients")
    expect(page.locator("#list-count")).not_to_have_text("0 résultat(s)")
    everyone = page.locator("#list-count").inner_text()
    page.locator("#list-filters-toggle").click()
    page.locator("#filter-status").select_option("prospect")
    expect(page.locator("#list-count")).not_to_have_text(everyone)
    prospects = page.locator("#list-count").inner_text()
    page.locator("#segment-name").fill(name)
    page.locator("#segment-save").click()
    expect(page.locator("#segment-apply")).to_contain_text(name)
    page.get_by_role("button", name="Effacer les filtres").click()
    expect(page.locator("#list-count")).to_have_text(everyone)
    page.locator("#segment-apply").select_option(label=name)
    expect(page.locator("#list-count")).to_have_text(prospects)
    expect(page.locator("#filter-status")).to_have_value("prospect")


def test_the_client_list_exports_to_excel(page):
    sign_in_ok(page)
    page.goto("/tiers/clients")
    expect(page.locator("#list-count")).not_to_have_text("0 résultat(s)")
    everyone = page.locator("#list-count").inner_text()
    page.locator("#list-search").fill("CSE")
    expect(page.locator("#list-count")).not_to_have_text(everyone)
    shown = int(page.locator("#list-count").inner_text().split()[0])
    with page.expect_download() as download_info:
        page.locator("#list-export").click()
    sheet = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Nom", "Type", "Statut")
    assert len(rows) - 1 == shown
    assert all("CSE" in row[0] for row in rows[1:])
    revenue = rows[0].index("CA 12 mois")
    assert all(isinstance(row[revenue], int | float) for row in rows[1:])
