"""A listing opened from a link (a home figure's drill-down, `routes.list_url`) reads its filters
and its search from the URL's query parameters."""

from __future__ import annotations

from agence import routes
from agence.services.bookings.bookings import change_status
from agence.services.bookings.lifecycle import Status
from agence.state.bookings.dossier import BookingsListState
from tests.factories import demo_admin, demo_dossier, make_user
from tests.state.common.listing import rows_of


def _dossiers(session):
    admin = demo_admin(session)
    confirmed = demo_dossier(admin, "2027-05-12")
    change_status(session, admin, confirmed.id, Status.CONFIRMED)
    session.commit()
    demo_dossier(admin, "2027-05-13")  # a request
    demo_dossier(admin, "2027-05-14")
    return make_user(session), confirmed


def _open(browser, **params: str):
    url = routes.list_url(routes.BOOKINGS, params)
    browser.visit(routes.BOOKINGS, url.split("?")[0], **params)
    browser.run(BookingsListState, "load_list")
    return browser.state(BookingsListState)


def test_a_list_opened_with_a_status_shows_only_those_rows(browser, session):
    user, confirmed = _dossiers(session)
    browser.sign_in(user)
    state = _open(browser, status="confirme")
    assert state.filters == {"status": "confirme"}
    assert state.total == 1
    assert [row["reference"] for row in rows_of(state)] == [confirmed.reference]
    assert {row["status"] for row in rows_of(state)} == {"Confirmé"}


def test_the_url_replaces_the_filters_the_tab_last_chose(browser, session):
    user, _ = _dossiers(session)
    browser.sign_in(user)
    state = _open(browser, status="confirme")
    state = _open(browser, status="demande", starts_since="2027-05-14")
    assert state.filters == {"status": "demande", "starts_since": "2027-05-14"}
    assert state.total == 1
    # without query parameters the tab keeps what it had
    state = _open(browser)
    assert state.total == 1


def test_unknown_parameters_and_unreadable_values_filter_nothing(browser, session):
    user, _ = _dossiers(session)
    browser.sign_in(user)
    state = _open(browser, nonsense="1", status="pas_un_statut")
    assert "nonsense" not in state.filters
    assert state.total == 3  # the status filter ignores a value it does not offer
    state = _open(browser, starts_since="demain")
    assert state.total == 3


def test_q_fills_the_search(browser, session):
    user, confirmed = _dossiers(session)
    browser.sign_in(user)
    state = _open(browser, q=confirmed.reference)
    assert state.search == confirmed.reference
    assert state.total == 1
