"""Chorus Pro through its states: the access saved only with the parameters right, never shown
back; the deposit asked only with the invoicing right, and refused with a clear message when
the client is not a public buyer."""

from __future__ import annotations

import pytest
from sqlmodel import select

from agence import routes
from agence.db import session_scope
from agence.models import ChorusSettings, User
from agence.services.admin import auth
from agence.services.billing import invoicing
from agence.services.bookings.bookings import change_status
from agence.services.bookings.lifecycle import Status
from agence.services.common.permissions import ALL_RIGHTS, AccessDenied, Action, Module, Right
from agence.services.demo.seed import seed_demo
from agence.state.billing.chorus import ChorusInvoiceState, ChorusSettingsState
from tests.factories import demo_dossier, make_user


def _without(module: Module, *actions: Action) -> set[Right]:
    return {r for r in ALL_RIGHTS if not (r.module == module and r.action in actions)}


@pytest.fixture
def demo(session):
    seed_demo(session)
    session.commit()
    return session


def _issued_invoice(demo) -> int:
    admin = demo.exec(select(User).where(User.email == "admin@escapades-loire.fr")).one()
    actor = auth.load_actor(demo, admin.id)
    booking = demo_dossier(actor, "2027-05-12")
    with session_scope() as s:
        change_status(s, actor, booking.id, Status.CONFIRMED)
    with session_scope() as s:
        draft = invoicing.create_deposit(s, actor, booking.id, percent="30")
    with session_scope() as s:
        return invoicing.issue(s, actor, draft.id).id


def test_the_chorus_access_is_saved_with_its_secrets_hidden(browser, demo):
    browser.sign_in(make_user(demo))
    browser.visit(routes.PARAM_CHORUS)
    browser.run(ChorusSettingsState, "load_chorus")
    state = browser.state(ChorusSettingsState)
    assert state.loaded and state.values["token_url"].startswith("https://")
    browser.run(
        ChorusSettingsState,
        "save",
        {
            "token_url": "https://sandbox-oauth.piste.gouv.fr/api/oauth/token",
            "api_url": "https://sandbox-api.piste.gouv.fr",
            "client_id": "agence-app",
            "client_secret": "tres-secret",
            "account_login": "TECH_agence@cpro.fr",
            "account_password": "mot-de-passe",
        },
    )
    assert state.errors == {}
    assert "tres-secret" not in str(state.values) and state.values["client_secret_stored"]
    stored = demo.exec(select(ChorusSettings)).one()
    assert "tres-secret" not in stored.client_secret_encrypted


def test_the_chorus_access_needs_the_parameters_right(browser, demo):
    browser.sign_in(make_user(demo, _without(Module.PARAMETERS, Action.EDIT)))
    browser.visit(routes.PARAM_CHORUS)
    browser.run(ChorusSettingsState, "load_chorus")
    with pytest.raises(AccessDenied):
        browser.run(ChorusSettingsState, "save", {"client_id": "x"})
    browser.sign_in(make_user(demo, _without(Module.PARAMETERS, Action.SEE)))
    with pytest.raises(AccessDenied):
        browser.run(ChorusSettingsState, "load_chorus")
    assert demo.exec(select(ChorusSettings)).first() is None


def test_a_private_clients_invoice_is_not_sent_and_the_reason_is_shown(browser, demo):
    invoice_id = _issued_invoice(demo)
    browser.sign_in(make_user(demo))
    events = browser.run(ChorusInvoiceState, "send", str(invoice_id))
    assert "Chorus" in str(events)  # the refusal, in a message
    assert browser.state(ChorusInvoiceState).working == ""


def test_depositing_needs_the_invoicing_right(browser, demo):
    invoice_id = _issued_invoice(demo)
    browser.sign_in(make_user(demo, _without(Module.INVOICING, Action.EDIT)))
    with pytest.raises(AccessDenied):
        browser.run(ChorusInvoiceState, "send", str(invoice_id))
    browser.sign_in(make_user(demo, _without(Module.INVOICING, Action.SEE)))
    with pytest.raises(AccessDenied):
        browser.run(ChorusInvoiceState, "poll", str(invoice_id))
