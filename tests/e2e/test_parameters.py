"""Parameters: create, edit and delete with checked identifiers; live due-date example."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.e2e.helpers import sign_in_ok


def test_a_site_with_a_bad_siret_and_iban_shows_the_french_errors_then_saves(page):
    code = "T" + uuid.uuid4().hex[:4].upper()
    sign_in_ok(page)
    page.goto("/parametres/sites/nouveau")
    page.locator("#code").fill(code)
    page.locator("#name").fill(f"Agence de test {code}")
    page.locator("#postcode").fill("41000")
    page.locator("#city").fill("Blois")
    page.locator("#siret").fill("812 345 676 00018")
    page.locator("#iban").fill("FR76 3000 4012 3400 0123 4567 863")
    page.locator("#form-save").click()
    expect(page.locator("#error-siret")).to_contain_text("SIRET invalide")
    expect(page.locator("#error-siret")).to_contain_text("Luhn")
    expect(page.locator("#error-iban")).to_contain_text("IBAN invalide")
    expect(page).to_have_url(re.compile(r"/nouveau"))

    page.locator("#siret").fill("812 345 676 00033")
    page.locator("#iban").fill("FR76 3000 4012 3400 0123 4567 862")
    page.locator("#form-save").click()
    expect(page).to_have_url(re.compile(r"/parametres/sites/?$"))
    page.locator("#list-search").fill(code)
    expect(page.locator("#list-count")).to_have_text("1 résultat(s)")

    page.get_by_role("link", name=code).click()
    expect(page.locator("#city")).to_have_value("Blois")
    page.locator("#city").fill("Amboise")
    page.locator("#postcode").fill("37400")
    page.locator("#form-save").click()
    expect(page).to_have_url(re.compile(r"/parametres/sites/?$"))
    page.locator("#list-search").fill(code)
    expect(page.locator("#data-table")).to_contain_text("Amboise")

    page.get_by_role("link", name=code).click()
    page.locator("#form-delete").click()
    page.locator("#form-delete-confirm").click()
    expect(page).to_have_url(re.compile(r"/parametres/sites/?$"))
    page.locator("#list-search").fill(code)
    expect(page.locator("#list-count")).to_have_text("0 résultat(s)")


def test_a_vat_rate_with_a_wrong_account_is_refused_next_to_the_field(page):
    sign_in_ok(page)
    page.goto("/parametres/taux-de-tva/nouveau")
    page.locator("#rate").fill("8,5")
    page.locator("#label").fill("Taux DOM")
    page.locator("#collected-account").fill("401000")
    page.locator("#form-save").click()
    expect(page.locator("#error-collected-account")).to_have_text(
        "Le compte doit commencer par 4457."
    )


def test_the_payment_term_form_shows_the_computed_due_date(page):
    sign_in_ok(page)
    page.goto("/parametres/conditions-de-reglement/nouveau")
    expect(page.locator("#term-preview")).to_contain_text("échéance le")
    page.locator("#rule").select_option("acompte_solde")
    page.locator("#deposit-percent").fill("40")
    page.locator("#balance-days-before-departure").fill("21")
    expect(page.locator("#term-preview")).to_contain_text("acompte de 40 %")


def test_an_unknown_record_or_page_says_introuvable(page):
    sign_in_ok(page)
    page.goto("/parametres/sites/987654")
    expect(page.locator("#not-found")).to_contain_text("Introuvable")
    page.goto("/administration/utilisateurs/pas-un-nombre")
    expect(page.locator("#not-found")).to_contain_text("Introuvable")
    page.goto("/cette-page-n-existe-pas")
    expect(page.locator("#not-found")).to_contain_text("Cette page n'existe pas")


def test_a_site_logo_is_uploaded_and_served_only_to_signed_in_users(page, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), "teal").save(logo)
    sign_in_ok(page)
    page.goto("/parametres/sites")
    page.get_by_role("link", name="PAR", exact=True).click()
    page.locator("#site_logo input[type=file]").set_input_files(str(logo))
    image = page.locator("#site-logo")
    expect(image).to_be_visible()
    page.wait_for_function("document.querySelector('#site-logo').naturalWidth === 120")
    source = image.get_attribute("src")
    assert page.request.get(source).status == 200
    anonymous = page.context.browser.new_context(base_url=page.url.split("/parametres")[0])
    assert anonymous.request.get(source).status == 401
    anonymous.close()
