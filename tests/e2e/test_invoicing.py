"""Invoicing in the browser: from a confirmed dossier, a deposit invoice issued, a partial
payment recorded (its bank reference and the invoice it settled shown in the dossier's
payments), the final invoice deducting the deposit, a credit note; the stored Factur-X
PDF downloaded with its mentions; an issued invoice offers no edit or delete button."""

from __future__ import annotations

import io
import re

from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from tests.e2e.helpers import sign_in_ok
from tests.e2e.test_dossier_guides import _create_dossier
from tests.e2e.test_dossiers import _change_status

NUMBER = re.compile(r"FA-VDL-\d{4}-\d{6}")


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def _issue_last_draft(page: Page) -> None:
    draft = page.locator("#dossier-invoices").get_by_role("row").filter(has_text="Brouillon")
    expect(draft).to_have_count(1)
    draft.get_by_role("button", name="Émettre").click()
    expect(draft).to_have_count(0)  # numbered: no draft left


def _cells_by_heading(table: Locator, row: Locator) -> dict[str, str]:
    """A row's cells as text, under their column's heading (a cell the page fills from a
    field the row lacks reads empty)."""
    headings = [text.strip() for text in table.get_by_role("columnheader").all_inner_texts()]
    cells = [text.strip() for text in row.get_by_role("cell").all_inner_texts()]
    return dict(zip(headings, cells, strict=True))


def test_deposit_payment_final_invoice_and_credit_note(page: Page):
    sign_in_ok(page)
    reference = _create_dossier(page, "2027-07-07", paying=20)
    _change_status(page, "confirme", "Confirmé")
    page.get_by_role("tab", name="Factures").click()

    page.locator("#new-deposit").click()
    page.locator("input[name=percent]").fill("30")
    page.locator("#acompte-submit").click()
    _issue_last_draft(page)
    rows = page.locator("#dossier-invoices").get_by_role("row")
    deposit = rows.filter(has_text="Facture d'acompte")
    expect(deposit).to_contain_text(NUMBER)
    expect(deposit.get_by_role("button", name="Supprimer")).to_have_count(0)
    expect(deposit.get_by_role("button", name="Émettre")).to_have_count(0)

    deposit_number = deposit.get_by_role("link", name=NUMBER).inner_text().strip()

    page.get_by_role("tab", name="Règlements").click()
    page.locator("#new-payment").click()
    page.locator("#payment-amount").fill("200")
    page.locator("#payment-invoice").select_option(index=1)
    page.locator("input[name=bank_reference]").fill("VIR 2027-042")
    page.locator("#reglement-submit").click()
    expect(page.get_by_text("Règlement enregistré.").first).to_be_visible()
    payments = page.locator("#dossier-payments")
    payment = payments.get_by_role("row").filter(has_text="200,00")
    expect(payment).to_have_count(1)
    expect(payment).to_contain_text("VIR 2027-042")
    cells = _cells_by_heading(payments, payment)
    assert (cells["Référence"], cells["Affecté à"]) == ("VIR 2027-042", deposit_number), cells

    page.get_by_role("tab", name="Factures").click()
    page.locator("#new-final").click()
    _issue_last_draft(page)
    final = rows.filter(has_text=NUMBER).nth(1)  # in the order they were made
    expect(final).to_contain_text("Émise")

    final.get_by_role("button", name="Avoir…").click()
    page.locator("input[name=amount]").fill("50")
    page.locator("input[name=reason]").fill("Geste commercial")
    page.locator("#avoir-submit").click()
    _issue_last_draft(page)
    credit_note = rows.filter(has=page.get_by_role("cell", name="Avoir", exact=True))
    expect(credit_note).to_have_count(1)
    expect(credit_note).to_contain_text(NUMBER)

    link = final.get_by_role("link", name=NUMBER)
    href = link.get_attribute("href")
    number = link.inner_text().strip()
    response = page.request.get(href)
    assert response.status == 200
    text = _text(response.body())
    for mention in (
        number,
        reference,
        "Régime particulier – Agences de voyages",
        "Acomptes déduits",
        "Net à payer",
    ):
        assert mention in text, mention
