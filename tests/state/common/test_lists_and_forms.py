"""The list and form mechanisms through real states: paging, sort, search, filters, not found."""

from __future__ import annotations

from agence import routes
from agence.state.admin.admin import UserFormState, UsersListState
from agence.state.settings.parameters import PaymentTermFormState, VatRateFormState
from tests.factories import make_user, reference_data
from tests.state.common.listing import rows_of


def test_the_user_list_pages_sorts_searches_and_filters_on_the_server(browser, session):
    reference_data()
    admin = make_user(session, last_name="Aaron")
    for number in range(30):
        make_user(session, set(), last_name=f"Nom{number:02d}", active=number % 3 != 0)
    browser.sign_in(admin)
    browser.run(UsersListState, "load_list")
    state = browser.state(UsersListState)
    assert state.total == 31
    assert len(state.rows) == 25 and state.page_count == 2
    assert rows_of(state)[0]["name"].startswith("Aaron")

    browser.run(UsersListState, "go_to_page", 2)
    assert len(state.rows) == 6 and state.page == 2

    browser.run(UsersListState, "sort_by", "name")
    assert state.desc is True and rows_of(state)[0]["name"].startswith("Nom29")
    browser.run(UsersListState, "sort_by", "no_such_column")
    assert state.sort == "name"

    browser.run(UsersListState, "search_changed", "nom0")
    assert state.total == 10 and state.page == 1

    browser.run(UsersListState, "filter_changed", "active", "0")
    assert state.total == 4
    browser.run(UsersListState, "filter_changed", "unknown", "x")
    assert "unknown" not in state.filters

    browser.run(UsersListState, "clear_filters")
    assert state.total == 31 and state.search == ""

    browser.run(UsersListState, "page_size_changed", "50")
    assert len(state.rows) == 31
    browser.run(UsersListState, "page_size_changed", "5000")
    assert state.page_size == 50


def test_an_unknown_or_malformed_id_shows_introuvable(browser, session):
    reference_data()
    browser.sign_in(make_user(session))
    for raw in ("999999", "abc", "-1", "1e3"):
        browser.visit(
            routes.record_route(routes.ADMIN_USERS),
            routes.record_url(routes.ADMIN_USERS, raw),
            record_id=raw,
        )
        browser.run(UserFormState, "load")
        assert browser.state(UserFormState).not_found is True


def test_bad_input_is_reported_next_to_the_fields_and_nothing_is_saved(browser, session):
    reference_data()
    browser.sign_in(make_user(session))
    browser.visit(
        routes.record_route(routes.PARAM_VAT_RATES),
        routes.record_url(routes.PARAM_VAT_RATES, "nouveau"),
        record_id="nouveau",
    )
    browser.run(VatRateFormState, "load")
    browser.run(
        VatRateFormState, "save", {"rate": "douze", "label": "", "collected_account": "4011"}
    )
    errors = browser.state(VatRateFormState).errors
    assert set(errors) >= {"rate", "label", "collected_account"}
    assert errors["label"] == "Ce champ est obligatoire."


def test_the_payment_term_form_shows_the_due_date_while_typing(browser, session):
    reference_data()
    browser.sign_in(make_user(session))
    browser.visit(
        routes.record_route(routes.PARAM_PAYMENT_TERMS),
        routes.record_url(routes.PARAM_PAYMENT_TERMS, "nouveau"),
        record_id="nouveau",
    )
    browser.run(PaymentTermFormState, "load")
    state = browser.state(PaymentTermFormState)
    assert "échéance le" in state.preview
    browser.run(PaymentTermFormState, "field_changed", "rule", "acompte_solde")
    browser.run(PaymentTermFormState, "field_changed", "deposit_percent", "30")
    assert "acompte de 30 %" in state.preview
    browser.run(PaymentTermFormState, "field_changed", "label", "ignored")
    assert "label" not in state.values or state.values.get("label") != "ignored"


def test_a_form_that_did_not_load_saves_nothing(browser, session):
    """An unknown id must never turn a save into the creation of a new record."""
    from sqlalchemy import func
    from sqlmodel import select

    from agence.models import VatRate

    reference_data()
    browser.sign_in(make_user(session))
    browser.visit(
        routes.record_route(routes.PARAM_VAT_RATES),
        routes.record_url(routes.PARAM_VAT_RATES, "424242"),
        record_id="424242",
    )
    browser.run(VatRateFormState, "load")
    assert browser.state(VatRateFormState).not_found is True
    before = session.exec(select(func.count()).select_from(VatRate)).one()
    browser.run(
        VatRateFormState, "save", {"rate": "7", "label": "Fantôme", "collected_account": "445719"}
    )
    session.expire_all()
    assert session.exec(select(func.count()).select_from(VatRate)).one() == before
