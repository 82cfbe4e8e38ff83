"""The home page of each demo profile in the browser, on a desktop and a 390 px phone: its desk's
figures first, a figure opening its list already filtered, and the direction's figures following
a colleague's action without a reload."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, TABLET
from tests.e2e.helpers import no_horizontal_scroll, sign_in_ok
from tests.e2e.test_dossiers import _change_status, _create_dossier

DOMAIN = "escapades-loire.fr"
PROFILES = (
    (f"direction@{DOMAIN}", "direction", ("CA facturé HT", "Carnet de commandes", "Impayés")),
    (f"l.bernard@{DOMAIN}", "commercial", ("Relances du jour", "Clients à voir", "Mon pipeline")),
    (f"s.petit@{DOMAIN}", "reservation", ("Options clients qui expirent", "Guidages sans guide")),
    (f"compta@{DOMAIN}", "comptabilite", ("Non échu", "Retard de 1 à 30 jours", "Chorus")),
)
DESKS = ("direction", "commercial", "reservation", "comptabilite")


def _home(page: Page, email: str) -> None:
    sign_in_ok(page, email)
    page.goto("/")
    expect(page.locator("#figures-updated")).to_be_visible()


@pytest.mark.parametrize(("email", "desk", "labels"), PROFILES, ids=[p[1] for p in PROFILES])
def test_each_profile_s_home_shows_its_desk_s_figures_then_the_shortcuts(
    open_page, email, desk, labels
):
    for viewport in (DESKTOP, PHONE):
        page = open_page(viewport)
        _home(page, email)
        block = page.locator(f"#desk-{desk}")
        expect(block).to_be_visible()
        for label in labels:
            expect(block).to_contain_text(label)
        for other in DESKS:
            if other != desk and not (desk == "direction" and other == "commercial"):
                expect(page.locator(f"#desk-{other}")).to_have_count(0)
        tiles = block.locator(".figure-tile")
        assert tiles.count() >= 3
        first, second = tiles.nth(0).bounding_box(), tiles.nth(1).bounding_box()
        assert first and second
        if viewport is PHONE:  # stacked, one under the other, within the screen
            assert second["y"] >= first["y"] + first["height"] - 1
            assert first["width"] <= PHONE["width"]
            assert no_horizontal_scroll(page)
        else:
            assert abs(second["y"] - first["y"]) < 2  # side by side
        shortcuts = page.locator("#shortcuts")
        expect(shortcuts).to_be_visible()
        assert shortcuts.bounding_box()["y"] > first["y"]  # the shortcuts come after


def test_the_direction_s_chart_is_legible_on_a_phone_and_a_tablet(open_page):
    for viewport in (PHONE, TABLET):
        page = open_page(viewport)
        _home(page, f"direction@{DOMAIN}")
        chart = page.locator("#direction-months")
        expect(chart.locator(".recharts-bar").first).to_be_attached()
        box = chart.bounding_box()
        assert box and box["width"] <= viewport["width"] and box["height"] >= 200
        assert no_horizontal_scroll(page)


def test_figures_follow_a_colleague_s_action_and_open_their_filtered_list(page, open_page):
    watcher = open_page(DESKTOP)
    _home(watcher, f"direction@{DOMAIN}")
    quotes = watcher.locator("#tile-devis_attente .figure-value")
    expect(quotes).to_have_text(re.compile(r"^\d+ devis$"))
    before = int(quotes.inner_text().split()[0])
    watcher.evaluate("window.__sameDocument = true")

    # A colleague of the booking desk sends a quote, in his own browser
    title = f"Sortie de fin d'année {uuid.uuid4().hex[:6]}"
    in_two_months = datetime.now(ZoneInfo("Europe/Paris")).date() + timedelta(days=60)
    sign_in_ok(page, f"s.petit@{DOMAIN}")
    _create_dossier(page, starts_on=in_two_months.isoformat(), template=None, title=title)
    _change_status(page, "devis_envoye", "Devis envoyé")

    # The direction's tile moves within a few of its rounds, without a reload
    expect(quotes).to_have_text(f"{before + 1} devis", timeout=20_000)
    assert watcher.evaluate("window.__sameDocument === true")

    # The tile opens the dossiers' list filtered on the quotes sent, the new one among them
    watcher.locator("#tile-devis_attente").click()
    expect(watcher).to_have_url(re.compile(r"/dossiers/?\?status=devis_envoye$"))
    expect(watcher.locator("#list-count")).to_have_text(f"{before + 1} résultat(s)")
    expect(watcher.locator("#data-table")).to_contain_text(title)
    statuses = watcher.locator("#data-table tbody tr").all_inner_texts()
    assert statuses and all("Devis envoyé" in row for row in statuses)
