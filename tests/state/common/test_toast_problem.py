"""One path from a service's refusal to the error toast that says why."""

from __future__ import annotations

from agence.services.common.forms import FormErrors
from agence.services.common.records import RecordNotFound
from agence.state.admin.admin import UsersListState
from agence.state.common.base import FIX_ERRORS


def test_a_form_refusal_toasts_its_general_message_else_asks_to_correct_the_fields(browser):
    state = browser.state(UsersListState)
    both = FormErrors({"email": "Adresse invalide.", "": "Ce compte existe déjà."})
    assert "Ce compte existe déjà." in str(state._toast_problem(both))
    fields_only = FormErrors({"email": "Adresse invalide."})
    assert FIX_ERRORS in str(state._toast_problem(fields_only))
    assert "Action impossible." in str(state._toast_problem(fields_only, "Action impossible."))


def test_an_action_without_fields_toasts_the_refusals_first_message(browser):
    state = browser.state(UsersListState)
    toast = state._toast_problem(FormErrors({"invoice": "Facture déjà envoyée."}), None)
    assert '["error"]' in str(toast) and "Facture déjà envoyée." in str(toast)


def test_any_other_refusal_toasts_its_own_french_sentence(browser):
    state = browser.state(UsersListState)
    toast = state._toast_problem(RecordNotFound("Client", 7), duration=10000)
    assert "Client introuvable (7)." in str(toast) and "10000" in str(toast)
