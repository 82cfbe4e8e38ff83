"""Satisfaction surveys: after the trip only, answered once through an expiring link or typed
by staff; results per dossier and per product; the Avizi CSV layout."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlmodel import select

from agence.db import session_scope
from agence.models import Booking, SatisfactionSurvey
from agence.models.base import utcnow
from agence.services.bookings import bookings, satisfaction
from agence.services.bookings.satisfaction import AVIZI_COLUMNS, SurveyUnavailable
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import AccessDenied, Action, Actor
from tests.factories import demo_admin, demo_dossier, make_actor

AFTER = date(2027, 6, 20)


@pytest.fixture
def admin(session) -> Actor:
    return demo_admin(session)


@pytest.fixture
def booking(admin) -> Booking:
    return demo_dossier(admin, "2027-06-09")


def _link(admin, booking, today=AFTER, email="prof@college.fr") -> str:
    with session_scope() as session:
        return satisfaction.create_link(session, admin, booking.id, email, today)[1]


GOOD = {"overall": "5", "score_1": "4", "score_3": "5", "would_recommend": "oui", "comment": "Top"}


def _answer(token, data=GOOD):
    with session_scope() as session:
        satisfaction.answer(session, token, data)


def test_a_survey_waits_for_the_end_of_the_trip(admin, booking):
    with session_scope() as session, pytest.raises(FormErrors) as refused:
        satisfaction.create_link(session, admin, booking.id, "prof@college.fr", date(2027, 6, 9))
    assert "après la fin du séjour" in refused.value.errors[""]


def test_a_link_is_answered_once_with_scores_per_service(admin, booking):
    token = _link(admin, booking)
    with session_scope() as session:
        opened = satisfaction.open_survey(session, token)
        stored = session.exec(select(SatisfactionSurvey)).one()
    assert [s.label for s in opened.services] == [
        "Autocar",
        "Entrée château",
        "Déjeuner",
        "Guide conférencier",
    ]
    assert stored.token_digest != token and len(stored.token_digest) == 64
    _answer(token)
    with pytest.raises(SurveyUnavailable) as again:
        _answer(token)
    assert "déjà reçu" in str(again.value)
    with session_scope() as session:
        results = satisfaction.booking_results(session, admin, booking.id)
    assert results.answers == "1" and results.overall == "5,0 / 5"
    assert {s.label: s.average for s in results.services} == {
        "Autocar": "4,0 / 5",
        "Déjeuner": "5,0 / 5",
    }
    assert results.recommend == "1/1"


def test_an_expired_or_unknown_link_cannot_be_answered(admin, booking):
    token = _link(admin, booking)
    with session_scope() as session:
        survey = session.exec(select(SatisfactionSurvey)).one()
        survey.expires_at = utcnow() - timedelta(minutes=1)
        session.add(survey)
    with pytest.raises(SurveyUnavailable, match="expiré"):
        _answer(token)
    with pytest.raises(SurveyUnavailable, match="n'existe pas"):
        _answer("not-a-token")


def test_an_answer_needs_an_overall_score_and_a_recommendation(admin, booking):
    token = _link(admin, booking)
    with pytest.raises(FormErrors) as refused:
        _answer(token, {"overall": "7", "score_1": "0"})
    assert set(refused.value.errors) == {"overall", "score_1", "would_recommend"}
    _answer(token)  # the link still works after a refused answer


def test_staff_type_an_answer_and_need_the_edit_right(admin, booking, session):
    with session_scope() as work:
        satisfaction.record_by_staff(work, admin, booking.id, GOOD, AFTER)
    reader = make_actor(session, {r for r in admin.rights if r.action == Action.SEE})
    with session_scope() as work, pytest.raises(AccessDenied):
        satisfaction.record_by_staff(work, reader, booking.id, GOOD, AFTER)
    with session_scope() as work:
        products = satisfaction.product_results(work, admin)
    assert {row.product for row in products} == {
        "Autocar grand tourisme (journée)",
        "Déjeuner menu groupe à L'Orangerie",
    }


def test_the_avizi_export_has_one_row_per_answer_and_service(admin, booking):
    _answer(_link(admin, booking))
    with session_scope() as session:
        satisfaction.record_by_staff(
            session, admin, booking.id, {"overall": "3", "would_recommend": "non"}, AFTER
        )
        text = satisfaction.avizi_csv(session, admin, date(2000, 1, 1), date(2100, 1, 1))
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert tuple(rows[0]) == AVIZI_COLUMNS
    assert len(rows) == 1 + 2 + 1  # two scored services, then a survey without scores
    assert rows[1][0] == booking.reference and rows[1][4] == "prof@college.fr"
    assert (rows[1][5], rows[1][6], rows[1][7], rows[1][8]) == ("Autocar", "4", "5", "oui")
    assert (rows[3][5], rows[3][7], rows[3][8], rows[3][11]) == ("", "3", "non", "agence")


def test_a_cancelled_dossier_has_no_survey(admin, booking):
    with session_scope() as session:
        bookings.change_status(session, admin, booking.id, "annule", "Annulé")
    with session_scope() as session, pytest.raises(FormErrors):
        satisfaction.create_link(session, admin, booking.id, "prof@college.fr", AFTER)
