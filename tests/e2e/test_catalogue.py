"""The costing screen in the browser: a costing built from catalogue products on a desktop, its
result and price grid following the group size and the date, saved and reopened; the catalogue
dossier « Journée châteaux de la Loire » shows the worked example of specs/costing.md."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import PHONE
from tests.e2e.helpers import no_horizontal_scroll, sign_in_ok

AMBOISE = "Visite du château royal d'Amboise"
LUNCH = "Déjeuner menu groupe à L'Orangerie"
COACH = "Autocar grand tourisme (journée)"
GUIDE = "Guide conférencier (journée)"
WEEKDAY_2027 = "2027-05-12"  # a Wednesday: the lunch's weekday tariff
OUTSIDE_TARIFFS = "2028-03-01"  # the demo tariffs end on 2027-12-31


def _text(locator: Locator) -> str:
    """A cell's text with French spacing (narrow no-break spaces) made plain."""
    return re.sub(r"\s+", " ", locator.inner_text()).strip()


def _grid_rows(page: Page) -> list[list[str]]:
    rows = page.locator("#costing-grid tbody tr")
    return [[_text(cell) for cell in row.locator("td").all()] for row in rows.all()]


def _grid_row(page: Page, paying: int) -> Locator:
    return page.locator("#costing-grid tbody tr").filter(
        has=page.locator("td:first-child", has_text=re.compile(rf"^\s*{paying}(?!\d)"))
    )


def _expect_current_row(page: Page, paying: int) -> None:
    """The grid's row of the costing's own group size is the one in bold."""
    bold = page.locator("#costing-grid tbody tr td:first-child .rt-r-weight-bold")
    expect(bold).to_have_count(1)
    expect(bold).to_have_text(str(paying))


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


def _open_worked_example(page: Page) -> None:
    page.goto("/catalogue/dossiers")
    # The demo has one catalogue dossier: first a search that finds none, so that the count
    # shows when the (debounced) search for the dossier has been applied.
    page.locator("#list-search").fill("aucun dossier de ce nom")
    expect(page.locator("#list-count")).to_have_text("0 résultat(s)")
    page.locator("#list-search").fill("Journée châteaux")
    expect(page.locator("#list-count")).to_have_text("1 résultat(s)")
    page.get_by_role("link", name="Journée châteaux de la Loire").click()
    expect(page).to_have_url(re.compile(r"/catalogue/dossiers/\d+/?$"))
    page.locator("#tab-costing").click()
    page.locator("#open-costing").click()
    expect(page).to_have_url(re.compile(r"/catalogue/cotations/\d+/?$"))


def test_a_costing_from_the_catalogue_follows_the_group_size_and_survives_a_reload(page, open_page):
    name = f"Amboise et déjeuner {uuid.uuid4().hex[:5]}"
    sign_in_ok(page)
    page.goto("/catalogue/cotations/nouveau")
    expect(page.locator("#costing-name")).to_be_visible()

    page.locator("#costing-name").fill(name)
    page.locator("#costing-service-date").fill(WEEKDAY_2027)
    page.locator("#costing-paying").fill("20")
    page.locator("#costing-markup-percent").fill("18")
    page.locator("#costing-fee-per-group").fill("30")
    page.locator("#costing-rounding").select_option("0.50")
    expect(page.locator("#costing-service-date")).to_have_value(WEEKDAY_2027)
    expect(page.locator("#costing-markup-percent")).to_have_value("18")
    expect(page.locator("#costing-fee-per-group")).to_have_value("30")

    _add_from_catalogue(page, "Amboise", AMBOISE, 0)
    _add_from_catalogue(page, "Orangerie", LUNCH, 1)
    _add_from_catalogue(page, "Autocar", COACH, 2)
    _add_from_catalogue(page, "Guide conférencier", GUIDE, 3)
    expect(page.locator("[id^='line-'][id$='-label']")).to_have_count(4)

    # The unit costs come from the tariffs of the day and the group size.
    expect(page.locator("#line-0-unit_cost")).to_have_value(re.compile(r"^13([.,]0+)?$"))
    expect(page.locator("#line-1-unit_cost")).to_have_value(re.compile(r"^28([.,]0+)?$"))
    expect(page.locator("#line-2-unit_cost")).to_have_value(re.compile(r"^950([.,]0+)?$"))
    expect(page.locator("#line-3-unit_cost")).to_have_value(re.compile(r"^180([.,]0+)?$"))
    expect(page.locator("#line-2-basis")).to_have_value("group")
    expect(page.locator("#line-2-capacity")).to_have_value("53")
    expect(page.locator("#line-3-capacity")).to_have_value("30")
    expect(page.locator("#line-0-supplier_free")).to_have_value("1")
    expect(page.locator("#line-0-supplier_free_per")).to_have_value("20")

    # The driver rides the coach and lunches; one client free place per 20 paying.
    for index in (2, 1):
        page.locator(f"#line-{index}-for_staff").click()
        expect(page.locator(f"#line-{index}-for_staff")).to_be_checked()
    expect(page.locator("#line-0-for_staff")).not_to_be_checked()
    page.locator("#costing-staff").fill("1")
    page.locator("#costing-client-free").fill("1")
    page.locator("#costing-client-free-per").fill("20")

    # This is the worked example of the specification, built by hand.
    price = page.locator("#result-price_per_paying")
    expect(price).to_have_text("118,50 €")
    expect(page.locator("#result-total_sale")).to_have_text("2 370,00 €")
    expect(page.locator("#result-total_cost")).to_have_text("1 978,00 €")
    expect(page.locator("#result-margin_vat")).to_have_text("65,33 €")
    expect(page.locator("#line-0-result")).to_have_text(re.compile(r"Coût\s+260,00\s+€"))
    expect(_grid_row(page, 30).locator("td").nth(3)).to_have_text("102,50 €")
    expect(_grid_row(page, 30)).to_contain_text("saut")  # a second guide from 31 people
    _expect_current_row(page, 20)

    # 40 paying: the result and the grid's current row follow.
    page.locator("#costing-paying").fill("40")
    expect(price).to_have_text("89,00 €")
    expect(page.locator("#result-total_sale")).to_have_text("3 560,00 €")
    _expect_current_row(page, 40)
    expect(_grid_row(page, 40).locator("td").nth(1)).to_have_text("2")
    expect(page.locator("#line-0-unit_cost")).to_have_value(re.compile(r"^13([.,]0+)?$"))

    # A day without tariffs flags the catalogue lines; back to 2027 the flags go.
    page.locator("#costing-service-date").fill(OUTSIDE_TARIFFS)
    expect(page.locator("#line-0-flag")).to_be_visible()
    expect(page.locator("#line-0-flag")).to_contain_text("Aucun tarif valable le 01/03/2028")
    expect(page.locator("#line-3-flag")).to_be_visible()
    page.locator("#costing-service-date").fill(WEEKDAY_2027)
    expect(page.locator("[id^='line-'][id$='-flag']")).to_have_count(0)
    expect(price).to_have_text("89,00 €")

    grid = _grid_rows(page)
    sizes = [re.match(r"\d+", row[0]).group() for row in grid]  # type: ignore[union-attr]
    assert sizes == ["20", "25", "30", "35", "40", "45", "50"]
    page.locator("#costing-save").click()
    expect(page).to_have_url(re.compile(r"/catalogue/cotations/\d+/?$"))
    saved_url = page.url

    page.reload()
    expect(page.locator("#costing-name")).to_have_value(name)
    expect(page.locator("#costing-paying")).to_have_value("40")
    expect(page.locator("#costing-service-date")).to_have_value(WEEKDAY_2027)
    expect(page.locator("#costing-rounding")).to_have_value("0.50")
    expect(page.locator("[id^='line-'][id$='-label']")).to_have_count(4)
    for index, label in enumerate((AMBOISE, LUNCH, COACH, GUIDE)):
        expect(page.locator(f"#line-{index}-label")).to_have_value(label)
    expect(page.locator("#line-1-for_staff")).to_be_checked()
    expect(page.locator("#line-2-for_staff")).to_be_checked()
    expect(page.locator("#line-3-for_staff")).not_to_be_checked()
    expect(page.locator("[id^='line-'][id$='-flag']")).to_have_count(0)
    expect(price).to_have_text("89,00 €")
    _expect_current_row(page, 40)
    assert _grid_rows(page) == grid

    phone = open_page(PHONE)
    sign_in_ok(phone)
    phone.goto(saved_url)
    expect(phone.locator("#result-price_per_paying")).to_have_text("89,00 €")
    expect(phone.locator("#costing-grid tbody tr")).to_have_count(7)
    assert no_horizontal_scroll(phone)


def test_the_catalogue_dossier_shows_the_worked_example(page):
    sign_in_ok(page)
    _open_worked_example(page)
    expect(page.locator("#result-price_per_paying")).to_have_text("118,50 €")
    expect(page.locator("#result-total_cost")).to_have_text("1 978,00 €")
    expect(page.locator("#result-margin_vat")).to_have_text("65,33 €")
    expect(_grid_row(page, 20).locator("td").nth(3)).to_have_text("118,50 €")
    expect(_grid_row(page, 30).locator("td").nth(3)).to_have_text("102,50 €")
    expect(_grid_row(page, 40).locator("td").nth(3)).to_have_text("89,00 €")
    expect(_grid_row(page, 40).locator("td").nth(1)).to_have_text("2")
    _expect_current_row(page, 20)
