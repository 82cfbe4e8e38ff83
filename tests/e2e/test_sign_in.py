"""Sign-in, lock-out, sign-out, and pages that require a signed-in user."""

from __future__ import annotations

import re
import socket

from playwright.sync_api import expect

from tests.e2e.helpers import ADMIN, sign_in, sign_in_ok


def test_every_page_sends_an_anonymous_visitor_to_the_sign_in_page(page):
    page.goto("/parametres/sites")
    expect(page).to_have_url(re.compile(r"/connexion"))
    expect(page.locator("#login-submit")).to_be_visible()


def test_wrong_credentials_give_one_generic_message_then_the_right_ones_sign_in(page):
    sign_in(page, ADMIN, "mauvais-mot-de-passe")
    expect(page.locator("#login-error")).to_have_text("Adresse e-mail ou mot de passe incorrect.")
    sign_in(page, "inconnu@escapades-loire.fr", "mauvais-mot-de-passe")
    expect(page.locator("#login-error")).to_have_text("Adresse e-mail ou mot de passe incorrect.")
    sign_in_ok(page)
    expect(page.locator("#current-user")).to_have_text("Claire Martin")
    expect(page.locator("#current-site")).to_have_text("Escapades Val de Loire — Tours")
    expect(page.locator("#shortcuts")).to_contain_text("Utilisateurs")


def test_five_failures_lock_the_account_for_fifteen_minutes(page):
    account = "j.roux@escapades-loire.fr"
    for _ in range(4):
        sign_in(page, account, "pas-le-bon")
        expect(page.locator("#login-error")).to_contain_text("incorrect")
    sign_in(page, account, "pas-le-bon")
    expect(page.locator("#login-error")).to_contain_text("verrouillé pendant 15 minutes")
    sign_in(page, account, "Agence2026!")
    expect(page.locator("#login-error")).to_contain_text("verrouillé")
    expect(page).to_have_url(re.compile(r"/connexion"))


def test_signing_out_closes_the_session(page):
    sign_in_ok(page)
    page.locator("#account-menu").click()
    page.locator("#logout").click()
    expect(page).to_have_url(re.compile(r"/connexion"))
    page.goto("/administration/utilisateurs")
    expect(page).to_have_url(re.compile(r"/connexion"))


def test_after_sign_in_the_requested_page_opens(page):
    page.goto("/parametres/taux-de-tva")
    expect(page).to_have_url(re.compile(r"/connexion"))
    page.locator("#email").fill(ADMIN)
    page.locator("#password").fill("Agence2026!")
    page.locator("#login-submit").click()
    expect(page).to_have_url(re.compile(r"/parametres/taux-de-tva"))
    expect(page.locator("#data-table")).to_contain_text("Taux normal")


def test_the_session_cookie_is_out_of_reach_of_page_scripts(page):
    sign_in_ok(page)
    assert "agence_session" not in page.evaluate("document.cookie")
    [cookie] = [c for c in page.context.cookies() if c["name"] == "agence_session"]
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    page.reload()
    expect(page.locator("#current-user")).to_have_text("Claire Martin")


def _raw_post(base_url: str, path: str, headers: dict[str, str], body: bytes) -> str:
    """The status line of a request written by hand (a declared length no client would send)."""
    host, port = base_url.removeprefix("http://").split(":")
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    request = f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{head}\r\n".encode() + body
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        return connection.recv(4096).decode(errors="replace").split("\r\n")[0]


def test_the_served_upload_endpoint_refuses_before_reading(page, app_server):
    """Against the real server: no session, no upload; a signed-in one declaring 300 MiB, 413
    at once (nothing of the body is awaited)."""
    anonymous = _raw_post(app_server, "/_upload", {"Content-Length": "4"}, b"xxxx")
    assert " 401 " in anonymous
    sign_in_ok(page)
    [cookie] = [c for c in page.context.cookies() if c["name"] == "agence_session"]
    oversized = _raw_post(
        app_server,
        "/_upload",
        {"Cookie": f"agence_session={cookie['value']}", "Content-Length": str(300 * 2**20)},
        b"x",
    )
    assert " 413 " in oversized
