"""Steps shared by the browser tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Page, expect

from agence.db import AgenceSession, session_scope
from agence.services.demo.seed import DEMO_PASSWORD
from tests.conftest import point_settings_at

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


@contextmanager
def served_session(database_url: str) -> Iterator[AgenceSession]:
    """One transaction on the served app's database (the `app_database_url` fixture): what a
    colleague does elsewhere, through the services, while the page is open."""
    point_settings_at(database_url)
    with session_scope() as session:
        yield session
