"""Guides, participants and the planning in the browser: a guide put on a slot of a dossier, the
same guide refused on the same slot of another dossier until an admin forces it, and his days
in the planning; a participant added to the rooming list and found in its Excel export; the
planning by month moved forward on a tablet."""

from __future__ import annotations

import io
import re
import uuid
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import TABLET
from tests.e2e.helpers import no_horizontal_scroll, sign_in_ok

CLIENT = "Collège Anatole-France"
TEMPLATE = "Journée châteaux de la Loire"
AMBOISE = "Visite du château royal d'Amboise"
GABARE = "Promenade en gabare sur la Loire"
GUIDE_DAY = "2027-06-16"  # a Wednesday, within the demo tariffs
GUIDE_WEEK = "du 14/06/2027 au 20/06/2027"
DOSSIER_URL = re.compile(r"/dossiers/(\d+)/?$")
REFERENCE = re.compile(r"VDL-\d{4}-\d{4}")


def _create_dossier(page: Page, starts_on: str, paying: int = 25) -> str:
    """« Nouveau dossier » for the demo school from the catalogue's day of châteaux; returns
    the new dossier's reference."""
    page.goto("/dossiers/nouveau")
    # The form is mounted anew once its choices are loaded: wait for them before typing.
    expect(
        page.locator("select[name=catalogue_dossier_id] option", has_text=TEMPLATE)
    ).to_have_count(1)
    page.locator("#booking-client-search").fill("Anatole")
    # The search is debounced: wait for the client's button rather than sleeping.
    pick = page.locator("[id^='pick-client-']", has_text=CLIENT)
    expect(pick).to_have_count(1)
    pick.click()
    expect(page.locator("#booking-client-chosen")).to_have_text(CLIENT)
    page.locator("select[name=catalogue_dossier_id]").select_option(label=TEMPLATE)
    page.locator("input[name=starts_on]").fill(starts_on)
    page.locator("input[name=paying]").fill(str(paying))
    page.locator("#booking-create").click()
    expect(page).to_have_url(DOSSIER_URL)
    expect(page.locator("#status")).to_have_text("Demande")
    title = page.get_by_role("heading", name=REFERENCE)
    expect(title).to_have_text(re.compile(rf"^VDL-\d{{4}}-\d{{4}} — {TEMPLATE}$"))
    return REFERENCE.search(title.inner_text()).group()  # type: ignore[union-attr]


def _create_guide(page: Page, name: str) -> None:
    page.goto("/guides/nouveau")
    french = page.get_by_role("checkbox", name="Français", exact=True)
    # The defaults (French ticked) come with the loaded form: wait for them before typing.
    expect(french).to_be_checked()
    expect(page.get_by_role("checkbox", name="Anglais", exact=True)).not_to_be_checked()
    page.locator("input[name=name]").fill(name)
    page.get_by_role("checkbox", name="Anglais", exact=True).click()
    page.locator("input[name=specialities]").fill("Renaissance, châteaux de la Loire")
    page.locator("#form-save").click()
    expect(page).to_have_url(re.compile(r"/guides/\d+/?$"))
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.locator("input[name=name]")).to_have_value(name)
    expect(page.get_by_role("checkbox", name="Français", exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name="Anglais", exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name="Allemand", exact=True)).not_to_be_checked()


def _amboise_slot(page: Page) -> Locator:
    """The programme's 10:00 slot (the visit of Amboise), once the programme tab is open."""
    page.locator("#tab-programme").click()
    expect(page.locator("#tab-programme")).to_have_attribute("aria-selected", "true")
    slot = (
        page.locator("#programme div")
        .filter(has_text=re.compile(r"^10:00"))
        .filter(has=page.locator("[id^='guide-open-']"))
        .last
    )
    expect(slot).to_contain_text(AMBOISE)
    expect(slot.locator("[id^='guide-open-']")).to_have_count(1)
    return slot


def _open_guide_dialog(page: Page, slot: Locator) -> Locator:
    slot.locator("[id^='guide-open-']").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text(f"Guide — {AMBOISE}")
    return dialog


def _guide_badges(slot: Locator, guide: str) -> Locator:
    return slot.locator(".rt-Badge", has_text=guide)


def test_a_guide_is_assigned_and_a_double_booking_is_refused(page):
    guide = f"Claire Dumas {uuid.uuid4().hex[:5]}"
    sign_in_ok(page)
    _create_guide(page, guide)
    first = _create_dossier(page, GUIDE_DAY)
    first_url = page.url
    second = _create_dossier(page, GUIDE_DAY)
    second_url = page.url
    assert first != second

    # Dossier 1: the guide is free, speaks French, the slot takes him.
    page.goto(first_url)
    expect(page.get_by_role("heading", name=first)).to_be_visible()
    slot = _amboise_slot(page)
    expect(_guide_badges(slot, guide)).to_have_count(0)
    dialog = _open_guide_dialog(page, slot)
    dialog.locator("#guide-choice").select_option(label=guide)
    expect(dialog.locator("#guide-choice")).not_to_have_value("")
    expect(dialog.locator(".rt-CalloutRoot")).to_have_count(0)
    expect(dialog.locator("#guide-force")).to_have_count(0)
    dialog.locator("#guide-assign").click()
    expect(dialog).to_have_count(0)
    badge = _guide_badges(slot, guide)
    expect(badge).to_have_count(1)
    expect(badge).to_have_text(guide)
    expect(badge).not_to_contain_text("forcé")

    # Dossier 2, same day and time: the conflict is shown, then refused without forcing.
    page.goto(second_url)
    expect(page.get_by_role("heading", name=second)).to_be_visible()
    slot = _amboise_slot(page)
    dialog = _open_guide_dialog(page, slot)
    dialog.locator("#guide-choice").select_option(label=guide)
    conflict = dialog.locator(".rt-CalloutRoot")
    expect(conflict).to_have_count(1)
    expect(conflict).to_contain_text("déjà affecté")
    expect(conflict).to_contain_text(first)
    expect(conflict).to_contain_text("16/06/2027")
    expect(conflict).to_have_attribute("data-accent-color", "orange")
    expect(dialog.locator("#guide-force")).to_be_visible()  # the admin may force
    dialog.locator("#guide-assign").click()
    error = dialog.locator("#guide-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("déjà affecté")
    expect(dialog).to_be_visible()
    expect(_guide_badges(slot, guide)).to_have_count(0)

    # Forcing without a reason is refused too; with one, the badge says it was forced.
    dialog.locator("#guide-force").click()
    expect(dialog.locator("#guide-force")).to_be_checked()
    dialog.locator("#guide-assign").click()
    expect(error).to_contain_text("Indiquez pourquoi")
    expect(_guide_badges(slot, guide)).to_have_count(0)
    dialog.locator("#guide-force-reason").fill("Deux classes du même collège, visite commune")
    dialog.locator("#guide-assign").click()
    expect(dialog).to_have_count(0)
    badge = _guide_badges(slot, guide)
    expect(badge).to_have_count(1)
    expect(badge).to_have_text(f"{guide} (forcé)")
    expect(badge).to_have_attribute("data-accent-color", "orange")

    # Both survive a reload.
    page.reload()
    slot = _amboise_slot(page)
    expect(_guide_badges(slot, guide)).to_have_text(f"{guide} (forcé)")

    # The planning by guide shows his day with both dossiers.
    page.goto("/planning")
    page.locator("#planning-mode").select_option("guide")
    expect(page.locator("#planning-guide_id")).to_be_visible()
    page.locator("#planning-guide_id").select_option(label=guide)
    page.locator("#planning-view").select_option("semaine")
    page.locator("input[type=date][aria-label=Date]").fill(GUIDE_DAY)
    expect(page.get_by_text(GUIDE_WEEK)).to_be_visible()
    days = page.locator("#planning-guide > div")
    expect(days).to_have_count(7)
    wednesday = days.filter(has_text="16/06/2027")
    expect(wednesday).to_have_count(1)
    expect(wednesday).to_contain_text(f"10:00 {AMBOISE} ({first})")
    expect(wednesday).to_contain_text(f"10:00 {AMBOISE} ({second})")
    expect(days.filter(has_text="17/06/2027")).to_contain_text("Libre")


def test_participants_are_added_and_exported(page):
    last_name = f"Lemaire{uuid.uuid4().hex[:5]}"
    sign_in_ok(page)
    _create_dossier(page, "2027-06-09", paying=20)
    page.locator("#tab-participants").click()
    expect(page.locator("#tab-participants")).to_have_attribute("aria-selected", "true")
    table = page.locator("#participants-table")
    expect(table).to_be_visible()
    expect(page.locator("#participants-count")).to_have_text("0 résultat(s)")

    page.locator("#participants-new").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.locator("input[name=last_name]")).to_be_visible()
    dialog.locator("input[name=last_name]").fill(last_name)
    dialog.locator("input[name=first_name]").fill("Jules")
    dialog.locator("select[name=room_type]").select_option("twin")
    dialog.locator("input[name=dietary_needs]").fill("Sans gluten")
    dialog.locator("#participants-save").click()
    expect(dialog).to_have_count(0)
    expect(page.locator("#participants-count")).to_have_text("1 résultat(s)")
    row = table.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").first).to_have_text(last_name.upper())
    expect(row).to_contain_text("Jules")
    expect(row).to_contain_text("Twin (deux lits)")
    expect(row).to_contain_text("Sans gluten")

    with page.expect_download() as download_info:
        page.locator("#participants-export").click()
    download = download_info.value
    assert re.match(r"Participants-\d{4}-\d{2}-\d{2}\.xlsx", download.suggested_filename)
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Nom", "Prénom")
    assert len(rows) == 2  # this dossier's participants only
    assert rows[1][0] == last_name.upper()  # rooming lists write last names in capitals
    assert rows[1][1] == "Jules"
    assert "Twin (deux lits)" in rows[1]


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _month_label(first: date) -> str:
    last = date.fromordinal(_next_month(first).toordinal() - 1)
    return f"du {first:%d/%m/%Y} au {last:%d/%m/%Y}"


def _add_capacity(page: Page, start_text: str, valid_from: date, valid_to: date) -> None:
    """A slot's places on the boat trip, from its product page's « Disponibilités » tab."""
    page.locator("#capacities-new").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.locator("input[name=valid_from]")).to_be_visible()
    dialog.locator("input[name=label]").fill("Départs de la gabare")
    dialog.locator("input[name=valid_from]").fill(valid_from.isoformat())
    dialog.locator("input[name=valid_to]").fill(valid_to.isoformat())
    dialog.locator("input[name=start_text]").fill(start_text)
    dialog.locator("input[name=capacity]").fill("500")
    dialog.locator("#capacities-save").click()
    expect(dialog).to_have_count(0)


def test_the_planning_is_usable_on_a_tablet(open_page):
    tablet = open_page(TABLET)
    width = TABLET["width"]
    sign_in_ok(tablet)
    this_month = datetime.now(ZoneInfo("Europe/Paris")).date().replace(day=1)
    next_month = _next_month(this_month)
    days_in = {month: (_next_month(month) - month).days for month in (this_month, next_month)}

    # Two slots of a boat trip with places this month and the next (large enough for any
    # dossier the other tests may confirm), so that the month has a table to show.
    tablet.goto("/catalogue/prestations")
    tablet.locator("#list-search").fill("gabare")
    expect(tablet.locator("#list-count")).to_have_text("1 résultat(s)")
    tablet.get_by_role("link", name=GABARE).click()
    expect(tablet).to_have_url(re.compile(r"/catalogue/prestations/\d+/?$"))
    tablet.locator("#tab-capacities").click()
    expect(tablet.locator("#capacities-count")).to_have_text("0 résultat(s)")
    last_day = _next_month(next_month).toordinal() - 1
    _add_capacity(tablet, "10:00", this_month, date.fromordinal(last_day))
    _add_capacity(tablet, "14:30", this_month, date.fromordinal(last_day))
    expect(tablet.locator("#capacities-count")).to_have_text("2 résultat(s)")

    tablet.goto("/planning")
    expect(tablet.locator("#planning-view")).to_have_value("semaine")
    period = re.compile(r"^du \d{2}/\d{2}/\d{4} au \d{2}/\d{2}/\d{4}$")
    expect(tablet.get_by_text(period)).to_be_visible()
    tablet.locator("#planning-product_id").select_option(label=GABARE)
    table = tablet.locator("#planning-product")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(7)
    assert no_horizontal_scroll(tablet)

    tablet.locator("#planning-view").select_option("mois")
    expect(tablet.get_by_text(_month_label(this_month), exact=True)).to_be_visible()
    expect(rows).to_have_count(days_in[this_month])
    expect(table.locator("thead th")).to_have_text(["Jour", "10:00", "14:30"])
    expect(rows.first.locator("td").nth(1)).to_contain_text("500 / 500")
    assert no_horizontal_scroll(tablet)

    forward = tablet.get_by_role("button", name="Période suivante")
    box = forward.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width
    assert box["width"] >= 32 and box["height"] >= 32  # a finger's target
    forward.click()
    expect(tablet.get_by_text(_month_label(next_month), exact=True)).to_be_visible()
    expect(tablet.locator("input[type=date][aria-label=Date]")).to_have_value(
        next_month.isoformat()
    )
    expect(rows).to_have_count(days_in[next_month])
    expect(rows.last.locator("td").nth(2)).to_contain_text("500 / 500")
    assert no_horizontal_scroll(tablet)

    # The controls and the table's box fit the width (the table may scroll inside its box).
    for control in (
        "#planning-mode",
        "#planning-product_id",
        "#planning-view",
        "#planning-product",
    ):
        box = tablet.locator(control).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, control

    tablet.get_by_role("button", name="Période précédente").click()
    expect(tablet.get_by_text(_month_label(this_month), exact=True)).to_be_visible()
    expect(rows).to_have_count(days_in[this_month])
    assert no_horizontal_scroll(tablet)
