"""Steps shared by the browser tests."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from agence.services.demo.seed import DEMO_PASSWORD

ADMIN = "admin@escapades-loire.fr"


def sign_in(
    page: Page, email: str = ADMIN, password: str = DEMO_PASSWORD, path: str = "/connexion"
) -> None:
    page.goto(path)
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("#login-submit").click()


def sign_in_ok(page: Page, email: str = ADMIN, password: str = DEMO_PASSWORD) -> None:
    sign_in(page, email, password)
    expect(page).not_to_have_url(re.compile(r"/connexion"))
    expect(page.locator("#current-user")).not_to_be_empty()


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
