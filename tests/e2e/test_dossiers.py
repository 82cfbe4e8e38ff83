"""Dossiers in the browser: a group's dossier created from the catalogue, priced with one more
service, given a second programme day and taken from request to confirmed on a desktop; the
follow-up board of a colleague updating without a reload; the dossier page at tablet width."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import DESKTOP, TABLET
from tests.e2e.helpers import no_horizontal_scroll, sign_in_ok

CLIENT = "Collège Anatole-France"
TEMPLATE = "Journée châteaux de la Loire"
GABARE = "Promenade en gabare sur la Loire"
QUAY = "Quai Charles-Guinot, Amboise"
DAY_1, DAY_2 = "2027-05-12", "2027-05-13"  # a Wednesday and the Thursday after
DOSSIER_URL = re.compile(r"/dossiers/(\d+)/?$")


def _money(text: str) -> Decimal:
    """« 1 234,50 € » (narrow no-break spaces) as a Decimal."""
    return Decimal(re.sub(r"[^\d,]", "", text).replace(",", "."))


def _header_price(page: Page) -> Locator:
    """The price per paying in the dossier's header card."""
    return page.locator("p", has_text="Prix par payant").locator("strong")


def _create_dossier(
    page: Page,
    *,
    starts_on: str,
    ends_on: str = "",
    paying: int = 30,
    template: str | None = TEMPLATE,
    title: str = "",
) -> str:
    """« Nouveau dossier » for the demo school; returns the new dossier's URL."""
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

    if template:
        page.locator("select[name=catalogue_dossier_id]").select_option(label=template)
    if title:
        page.locator("input[name=title]").fill(title)
    page.locator("input[name=starts_on]").fill(starts_on)
    if ends_on:
        page.locator("input[name=ends_on]").fill(ends_on)
    page.locator("input[name=paying]").fill(str(paying))
    page.locator("#booking-create").click()
    expect(page).to_have_url(DOSSIER_URL)
    expect(page.locator("#status")).to_have_text("Demande")
    return page.url


def _change_status(page: Page, target: str, label: str, comment: str = "") -> None:
    page.locator(f"#transition-{target}").click()
    expect(page.locator("#transition-comment")).to_be_visible()
    if comment:
        page.locator("#transition-comment").fill(comment)
    page.locator("#transition-confirm").click()
    expect(page.locator("#status")).to_have_text(label)
    expect(page.locator("#transition-comment")).to_have_count(0)


def _add_from_catalogue(page: Page, search: str, name: str, index: int) -> None:
    page.locator("#product-search").fill(search)
    # The search is debounced: wait until the result row of this product is shown.
    row = (
        page.locator("div")
        .filter(has=page.get_by_text(name, exact=True))
        .filter(has=page.locator("[id^='add-product-']"))
        .last
    )
    expect(row).to_be_visible()
    row.locator("[id^='add-product-']").click()
    expect(page.locator(f"#line-{index}-label")).to_have_value(name)


def test_a_dossier_from_the_catalogue_goes_from_request_to_confirmed(page):
    sign_in_ok(page)
    dossier_url = _create_dossier(page, starts_on=DAY_1, ends_on=DAY_2, paying=30)
    dossier_id = DOSSIER_URL.search(dossier_url).group(1)  # type: ignore[union-attr]

    title = page.get_by_role("heading", name=re.compile(r"^VDL-"))
    expect(title).to_have_text(re.compile(rf"^VDL-2027-\d{{4}} — {TEMPLATE}$"))
    reference = re.match(r"VDL-2027-\d{4}", title.inner_text()).group()  # type: ignore[union-attr]
    expect(page.get_by_role("link", name=CLIENT)).to_be_visible()
    expect(page.locator("#transition-option")).to_be_visible()
    expect(page.locator("#transition-confirme")).to_be_visible()
    expect(page.locator("#transition-realise")).to_have_count(0)
    expect(page.locator("#amendment-open")).to_have_count(0)
    expect(_header_price(page)).to_have_text(re.compile(r"^\d[\d\s]*,\d{2}\s€$"))
    price_before = _money(_header_price(page).inner_text())
    assert price_before > 0

    # The costing copied from the catalogue (four lines), one more service from the catalogue.
    page.locator("#tab-costing").click()
    expect(page.locator("#tab-costing")).to_have_attribute("aria-selected", "true")
    page.locator("#open-costing").click()
    expect(page).to_have_url(re.compile(rf"/dossiers/{dossier_id}/cotation/?$"))
    expect(page.get_by_text(f"{reference} — version 1")).to_be_visible()
    expect(page.locator("[id^='line-'][id$='-label']")).to_have_count(4)
    expect(page.locator("#costing-paying")).to_have_value("30")
    expect(page.locator("#result-price_per_paying")).to_have_text(
        re.compile(r"^\d[\d\s]*,\d{2}\s€$")
    )
    result = page.locator("#result-price_per_paying")
    quoted = result.inner_text()
    assert _money(quoted) == price_before
    _add_from_catalogue(page, "gabare", GABARE, 4)
    expect(result).not_to_have_text(quoted)
    priced = result.inner_text()
    assert _money(priced) > price_before  # 14 € a head more to pay the boat
    unsaved = page.get_by_text("Modifications non enregistrées")
    expect(unsaved.first).to_be_visible()
    page.locator("#costing-save").click()
    expect(unsaved).to_have_count(0)
    expect(page).to_have_url(re.compile(rf"/dossiers/{dossier_id}/cotation/?$"))
    page.get_by_role("link", name="Retour au dossier").first.click()
    expect(page).to_have_url(DOSSIER_URL)
    expect(_header_price(page)).to_have_text(priced)

    # The programme: day 1 copied from the catalogue (5 slots), a slot added on day 2.
    page.locator("#tab-programme").click()
    days = page.locator("#programme > .rt-Card")
    expect(days).to_have_count(1)
    expect(days.first.get_by_label("Modifier l'étape")).to_have_count(5)
    expect(days.first.get_by_role("heading")).to_have_text("mercredi 12/05/2027")
    page.locator("#programme-add").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.locator("input[name=day]")).to_be_visible()
    dialog.locator("input[name=day]").fill(DAY_2)
    dialog.locator("input[name=start_text]").fill("10h")
    dialog.locator("input[name=end_text]").fill("11h")
    dialog.locator("select[name=product_id]").select_option(label=GABARE)
    dialog.locator("input[name=title]").fill("Promenade en gabare")
    dialog.locator("input[name=meeting_place]").fill(QUAY)
    dialog.locator("input[name=meeting_address]").fill("Quai Charles-Guinot, 37400 Amboise")
    page.locator("#programme-save").click()
    expect(dialog).to_have_count(0)
    expect(days).to_have_count(2)
    second_day = days.nth(1)
    expect(second_day.get_by_role("heading")).to_have_text("jeudi 13/05/2027")
    expect(second_day).to_contain_text("10:00 – 11:00")
    expect(second_day).to_contain_text("Promenade en gabare")
    expect(second_day).to_contain_text(QUAY)
    expect(second_day.get_by_role("link", name="Carte")).to_have_attribute(
        "href", re.compile(r"^https://www\.openstreetmap\.org/search\?query=Quai")
    )
    expect(days.first.get_by_label("Modifier l'étape")).to_have_count(5)

    # Request → option → confirmed, each step through its dialog.
    _change_status(page, "option", "Option", comment="Option jusqu'à fin mars")
    expect(page.locator("#transition-option")).to_have_count(0)
    expect(page.locator("#transition-devis_envoye")).to_be_visible()  # « Lever l'option »
    _change_status(page, "confirme", "Confirmé")
    expect(page.locator("#transition-confirme")).to_have_count(0)
    expect(page.locator("#transition-realise")).to_be_visible()
    expect(page.locator("#transition-annule")).to_be_visible()
    expect(page.locator("#amendment-open")).to_be_visible()

    # The history: who, from → to, the comment; the newest first.
    page.locator("#tab-history").click()
    rows = page.locator("#history tbody tr")
    expect(rows).to_have_count(3)
    cells = [[cell.inner_text().strip() for cell in row.locator("td").all()] for row in rows.all()]
    assert [row[2:4] for row in cells] == [
        ["Option", "Confirmé"],
        ["Demande", "Option"],
        ["", "Demande"],
    ]
    assert cells[1][4] == "Option jusqu'à fin mars"
    assert cells[2][4] == "Création"
    assert all(row[1] for row in cells)  # who did it

    # All of it survives a reload: the state is only a cache of the database.
    page.reload()
    expect(page.locator("#status")).to_have_text("Confirmé")
    expect(_header_price(page)).to_have_text(priced)
    page.locator("#tab-programme").click()
    expect(page.locator("#programme > .rt-Card")).to_have_count(2)


def test_the_follow_up_board_updates_without_reload(page, open_page):
    watcher = open_page(DESKTOP)
    sign_in_ok(watcher)
    watcher.goto("/suivi-des-dossiers")
    # Wait until the board has been filled once before reading a count.
    expect(watcher.get_by_text(re.compile(r"Mis à jour en continu · \S"))).to_be_visible()
    departures = watcher.locator("#board-count-departures")
    before = int(departures.inner_text())
    watcher.evaluate("window.__sameDocument = true")

    title = f"Séminaire du collège {uuid.uuid4().hex[:6]}"
    in_three_days = datetime.now(ZoneInfo("Europe/Paris")).date() + timedelta(days=3)
    sign_in_ok(page)
    _create_dossier(
        page,
        starts_on=in_three_days.isoformat(),
        ends_on=in_three_days.isoformat(),
        paying=24,
        template=None,
        title=title,
    )
    _change_status(page, "confirme", "Confirmé")

    # The colleague's board follows within two of its rounds, without a reload.
    expect(departures).to_have_text(str(before + 1), timeout=12_000)
    expect(watcher.locator("#board-departures")).to_contain_text(title)
    expect(watcher.locator("#board-departures")).to_contain_text(
        f"24 payants — {in_three_days:%d/%m/%Y}"
    )
    assert watcher.evaluate("window.__sameDocument === true")


def test_the_dossier_page_is_usable_at_tablet_width(open_page):
    tablet = open_page(TABLET)
    sign_in_ok(tablet)
    _create_dossier(tablet, starts_on=DAY_1, paying=20)
    width = TABLET["width"]
    expect(tablet.locator("#status")).to_be_visible()
    assert no_horizontal_scroll(tablet)

    tabs = {
        "#tab-costing": "#open-costing",
        "#tab-programme": "#programme-add",
        "#tab-suppliers": "#suppliers",
        "#tab-history": "#history",
    }
    for tab, content in tabs.items():
        trigger = tablet.locator(tab)
        trigger.click()
        expect(trigger).to_have_attribute("aria-selected", "true")
        expect(tablet.locator(content)).to_be_visible()
        box = trigger.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, tab
        assert no_horizontal_scroll(tablet), tab
    expect(tablet.locator("#history tbody tr")).to_have_count(1)

    tablet.get_by_role("tab", name="Programme").click()
    expect(tablet.locator("#programme > .rt-Card")).to_have_count(1)
    assert no_horizontal_scroll(tablet)

    tablet.get_by_role("tab", name="Général").click()
    expect(tablet.locator("#form-save")).to_be_visible()
    assert no_horizontal_scroll(tablet)
    for button in tablet.locator("[id^='transition-']").all():
        box = button.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
