"""The template editor (« Courriers et e-mails ») under a template written to exhaust the
server: the preview says why in French next to the part, saving refuses it, and what goes to
the browser stays small."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from agence import routes
from agence.models import DocumentTemplate
from agence.services.documents.templates import PREVIEW_CHARS, TRUNCATED
from agence.state.documents.templates import TemplatesState
from tests.factories import make_user

GROWING_NUMBER = "{% set n = 10 %}" + "{% set n = n * n %}" * 23 + "{{ n }}"
FORMATTING = "{{ '%0030000000d' % 1 }}"
DOUBLING_TEXT = "{% set a = '0123456789' %}" + "{% set a = a ~ a %}" * 26 + "{{ a }}"


def _stored(session) -> int:
    return session.exec(select(func.count()).select_from(DocumentTemplate)).one()


def _editor(browser, session) -> TemplatesState:
    browser.sign_in(make_user(session))
    browser.visit(routes.PARAM_TEMPLATES)
    browser.run(TemplatesState, "load_templates")
    return browser.state(TemplatesState)


def test_the_editor_refuses_templates_that_would_exhaust_the_server_next_to_their_part(
    browser, session
):
    state = _editor(browser, session)
    for text, reason in (
        (GROWING_NUMBER, "Ligne 1 : nombre trop grand (15 chiffres au plus)"),
        (FORMATTING, "Ligne 1 : le formatage de texte avec % n'est pas autorisé"),
        (DOUBLING_TEXT, "Ligne 1 : texte assemblé trop long (20000 caractères au plus)"),
    ):
        browser.run(TemplatesState, "edit_part", "email_body", text)
        assert state.preview_errors["email_body"] == reason
        assert "email_body" not in state.rendered
        browser.run(TemplatesState, "save")
        assert state.errors == {"email_body": reason}
        assert _stored(session) == 0


def test_the_editor_sends_a_bounded_preview_and_says_it_was_cut(browser, session):
    state = _editor(browser, session)
    browser.run(
        TemplatesState,
        "edit_part",
        "terms",
        "{% for i in 'ab' %}{{ agence.nom * 1000 }}{% endfor %}",
    )
    assert state.preview_errors == {}
    assert len(state.rendered["terms"]) == PREVIEW_CHARS + len(TRUNCATED)
    assert state.rendered["terms"].endswith("… aperçu tronqué")
