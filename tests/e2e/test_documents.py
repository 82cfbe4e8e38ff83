"""Documents and correspondence in the browser: the mail server set and tested, the quote's
e-mail template edited with a placeholder and previewed on a real dossier, the quote sent to a
real SMTP server on 127.0.0.1, found in the dossier's correspondence, its stored PDF downloaded
(and refused without a session); the document tab on a phone."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser

from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE
from tests.e2e.helpers import no_horizontal_scroll, sign_in_ok
from tests.e2e.test_dossier_guides import _create_dossier
from tests.smtp_server import running_smtp

CLIENT = "Collège Anatole-France"
SUBJECT = "Proposition {{ dossier.reference }} pour {{ client.nom }}"


def _set_mail_server(page: Page, port: int) -> None:
    page.goto("/parametres/messagerie")
    host = page.locator("#mail-host")
    expect(host).to_be_editable()
    host.fill("127.0.0.1")
    page.locator("#mail-port").fill(str(port))
    page.locator("#mail-security").select_option("none")
    page.locator("#mail-sender-address").fill("resa@escapades-loire.fr")
    page.locator("#mail-sender-name").fill("Escapades Val de Loire")
    page.locator("#mail-save").click()
    expect(page.get_by_text("Messagerie enregistrée.")).to_be_visible()
    page.locator("#mail-test-to").fill("essai@escapades-loire.fr")
    page.locator("#mail-test").click()
    expect(page.locator("#mail-test-result")).to_contain_text("Accepté par le serveur")


def _edit_quote_subject(page: Page, reference: str) -> None:
    page.goto("/parametres/courriers-et-e-mails")
    subject = page.locator("#template-email_subject")
    expect(subject).to_be_editable()
    subject.fill("Proposition {{ dossier.refrence }}")
    expect(page.get_by_text(re.compile("variable inconnue"))).to_be_visible()
    subject.fill(SUBJECT)
    expect(page.locator("#preview-email_subject")).to_contain_text("Proposition ")
    page.locator("#preview-reference").fill(reference)
    page.locator("#preview-on").click()
    expect(page.locator("#preview-email_subject")).to_have_text(
        f"Proposition {reference} pour {CLIENT}"
    )
    page.locator("#template-save").click()
    expect(page.get_by_text("Modèle enregistré.")).to_be_visible()


def _reset_quote_template(page: Page) -> None:
    page.goto("/parametres/courriers-et-e-mails")
    page.locator("#template-reset").click()
    page.locator("#template-reset-confirm").click()
    expect(page.get_by_text("Textes d'origine rétablis.")).to_be_visible()


def test_a_quote_is_emailed_logged_and_its_stored_pdf_downloaded(page: Page, chromium, app_server):
    sign_in_ok(page)
    with running_smtp() as server:
        _set_mail_server(page, server.port)
        reference = _create_dossier(page, "2027-06-23")
        dossier_url = page.url
        try:
            _edit_quote_subject(page, reference)
            page.goto(dossier_url)
            page.get_by_role("tab", name="Documents").click()
            expect(page.locator("#document-kind")).to_have_value("devis")
            page.locator("#document-send").click()
            subject = page.locator("#send-subject")
            expect(subject).to_have_value(f"Proposition {reference} pour {CLIENT}")
            page.locator("#send-submit").click()
            expect(page.get_by_text(re.compile("Message envoyé à"))).to_be_visible()
        finally:
            _reset_quote_template(page)
        sent = [r for r in server.received if r.rcpt_tos != ("essai@escapades-loire.fr",)]
    assert len(sent) == 1
    email = BytesParser(policy=policy.default).parsebytes(sent[0].data)
    assert email["Subject"] == f"Proposition {reference} pour {CLIENT}"
    (attachment,) = list(email.iter_attachments())
    received_pdf = attachment.get_content()
    assert received_pdf.startswith(b"%PDF")

    page.goto(dossier_url)
    page.get_by_role("tab", name="Correspondance").click()
    row = page.locator("#booking-messages-table").get_by_role("row").filter(has_text=reference)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Envoyé")
    row.get_by_role("button").first.click()
    link = page.get_by_role("link", name=re.compile(r"devis-programme-.*\.pdf"))
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    stored = page.request.get(href)
    assert stored.status == 200 and stored.headers["content-type"] == "application/pdf"
    assert stored.body() == received_pdf

    stranger = chromium.new_context(base_url=app_server)
    try:
        refused = stranger.request.get(href)
        assert refused.status == 401
    finally:
        stranger.close()


def test_the_documents_tab_fits_a_phone(page: Page, open_page):
    sign_in_ok(page)
    _create_dossier(page, "2027-06-30")
    phone = open_page(PHONE)
    sign_in_ok(phone)
    phone.goto(page.url)
    phone.get_by_role("tab", name="Documents").click()
    expect(phone.locator("#document-preview")).to_be_visible()
    assert no_horizontal_scroll(phone)
