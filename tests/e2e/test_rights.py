"""An administrator makes a profile without some modules; its user neither sees nor reaches them."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.e2e.helpers import sign_in, sign_in_ok


def test_a_user_without_a_module_right_does_not_see_it_and_is_refused_on_its_url(page):
    suffix = uuid.uuid4().hex[:6]
    profile_name = f"Accueil {suffix}"
    email = f"accueil.{suffix}@escapades-loire.fr"

    sign_in_ok(page)
    page.goto("/administration/profils/nouveau")
    page.locator("#name").fill(profile_name)
    page.locator("#description").fill("Agenda et paramètres en lecture seule")
    page.locator('[id="right-agenda-voir"]').click()
    page.locator('[id="right-parametres-voir"]').click()
    page.locator("#form-save").click()
    expect(page).to_have_url(re.compile(r"/administration/profils/?$"))
    expect(page.locator("#data-table")).to_contain_text(profile_name)

    page.goto("/administration/utilisateurs/nouveau")
    page.locator("#first-name").fill("Inès")
    page.locator("#last-name").fill("Accueil")
    page.locator("#email").fill(email)
    page.locator("#profile-id").select_option(label=profile_name)
    page.locator("#password").fill("Provisoire2026")
    page.locator("#form-save").click()
    expect(page).to_have_url(re.compile(r"/administration/utilisateurs/?$"))
    page.locator("#list-search").fill(email)
    expect(page.locator("#list-count")).to_have_text("1 résultat(s)")

    page.locator("#logout-button").click()
    expect(page).to_have_url(re.compile(r"/connexion"))

    sign_in(page, email, "Provisoire2026")
    expect(page).to_have_url(re.compile(r"/mot-de-passe"))
    expect(page.locator("#password-forced")).to_be_visible()
    page.locator("#current_password").fill("Provisoire2026")
    page.locator("#new_password").fill("MonNouveau2026")
    page.locator("#confirmation").fill("MonNouveau2026")
    page.locator("#password-submit").click()
    expect(page.locator("#current-user")).to_have_text("Inès Accueil")

    navigation = page.get_by_role("navigation", name="Menu principal").first
    expect(navigation).to_contain_text("Sites de l'agence")
    expect(navigation).not_to_contain_text("Tiers")
    expect(navigation).not_to_contain_text("Utilisateurs")
    expect(navigation).not_to_contain_text("Administration")

    page.goto("/tiers/clients")
    expect(page.locator("#access-denied")).to_be_visible()
    expect(page.locator("#data-table")).to_have_count(0)

    page.goto("/administration/utilisateurs")
    expect(page.locator("#access-denied")).to_be_visible()
    expect(page.locator("#data-table")).to_have_count(0)

    page.goto("/parametres/sites/nouveau")
    expect(page.locator("#access-denied")).to_be_visible()
