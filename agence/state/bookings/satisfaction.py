"""Satisfaction: the dossier's tab, the client's survey page (no login) and the report with
its Avizi export."""

from __future__ import annotations

from datetime import date

import reflex as rx

from agence import routes
from agence.db import session_scope
from agence.models import Contact
from agence.services.bookings import bookings, satisfaction
from agence.services.bookings.satisfaction import BookingResults, ProductScore, SurveyService
from agence.services.common import files, formats
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import RecordNotFound
from agence.state.common.base import AppState


class BookingSatisfactionState(AppState):
    """« Satisfaction » of a dossier: the answers, a link for the client, or an answer typed
    by staff — after the end of the trip."""

    results: BookingResults = BookingResults()
    services: list[SurveyService] = []
    can_answer: bool = False
    closed_reason: str = ""
    default_email: str = ""
    link: str = ""
    errors: dict[str, str] = {}
    form_key: int = 0
    _booking_id: int | None = None

    def _reload(self, actor: Actor) -> None:
        with session_scope() as session:
            booking = bookings.get_booking(session, actor, self._booking_id or 0)
            self.results = satisfaction.booking_results(session, actor, booking.id or 0)
            self.services = satisfaction.services_of(session, booking)
            self.closed_reason = satisfaction.closed_reason(booking, formats.today())
            contact = session.get(Contact, booking.contact_id) if booking.contact_id else None
            self.default_email = contact.email if contact else ""
        self.can_answer = not self.closed_reason and actor.can(Module.BOOKINGS, Action.EDIT)

    @rx.event
    def load_satisfaction(self):
        actor = self._require(Module.BOOKINGS, Action.SEE)
        self.results, self.services, self.link, self.errors = BookingResults(), [], "", {}
        record_id = self._record_id_param()
        if record_id is None:
            return
        self._booking_id = record_id
        try:
            self._reload(actor)
        except RecordNotFound:
            self._booking_id = None

    @rx.event
    def create_link(self, form_data: dict):
        actor = self._require(Module.BOOKINGS, Action.EDIT)
        if self._booking_id is None:
            return
        try:
            with session_scope() as session:
                _survey, token = satisfaction.create_link(
                    session,
                    actor,
                    self._booking_id,
                    str(form_data.get("email", "")),
                    formats.today(),
                )
        except FormErrors as problem:
            self.errors = problem.errors
            return
        self.errors = {}
        self.link = routes.survey_url(token)
        self._reload(actor)
        return rx.toast.success("Lien créé : copiez-le pour l'envoyer au contact.")

    @rx.event
    def record(self, form_data: dict):
        actor = self._require(Module.BOOKINGS, Action.EDIT)
        if self._booking_id is None:
            return
        try:
            with session_scope() as session:
                satisfaction.record_by_staff(
                    session, actor, self._booking_id, form_data, formats.today()
                )
        except FormErrors as problem:
            self.errors = problem.errors
            return self._toast_problem(problem)
        self.errors = {}
        self.form_key += 1
        self._reload(actor)
        return rx.toast.success("Réponse enregistrée.")


class SurveyState(AppState):
    """The client's survey page: no login, the link's token is the only key."""

    available: bool = False
    message: str = ""
    reference: str = ""
    title: str = ""
    dates: str = ""
    services: list[SurveyService] = []
    errors: dict[str, str] = {}
    done: bool = False

    def _token(self) -> str:
        return self._page_param(routes.TOKEN_PARAM)[:100]

    @rx.event
    def load_survey(self):
        self.done, self.errors = False, {}
        try:
            with session_scope() as session:
                opened = satisfaction.open_survey(session, self._token())
        except satisfaction.SurveyUnavailable as unavailable:
            self.available, self.message = False, str(unavailable)
            return
        self.available, self.message = True, ""
        self.reference, self.title, self.dates = opened.reference, opened.title, opened.dates
        self.services = opened.services

    @rx.event
    def submit_survey(self, form_data: dict):
        if not self.available:
            return
        try:
            with session_scope() as session:
                satisfaction.answer(session, self._token(), form_data)
        except satisfaction.SurveyUnavailable as unavailable:
            self.available, self.message = False, str(unavailable)
            return
        except FormErrors as problem:
            self.errors = problem.errors
            return
        self.available, self.done, self.errors = False, True, {}


class SatisfactionReportState(AppState):
    """Results per product, and the answers exported for Avizi (CSV)."""

    products: list[ProductScore] = []
    since: str = ""
    until: str = ""
    error: str = ""

    @rx.event
    def load_report(self):
        actor = self._require(Module.BOOKINGS, Action.SEE)
        today = formats.today()
        self.since = self.since or date(today.year, 1, 1).isoformat()
        self.until = self.until or today.isoformat()
        with session_scope() as session:
            self.products = satisfaction.product_results(session, actor)

    @rx.event
    def set_bound(self, name: str, value: str):
        self._require(Module.BOOKINGS, Action.SEE)
        if name == "since":
            self.since = str(value)
        elif name == "until":
            self.until = str(value)

    @rx.event
    def export_avizi(self):
        actor = self._require(Module.BOOKINGS, Action.EXPORT)
        try:
            since, until = date.fromisoformat(self.since), date.fromisoformat(self.until)
        except ValueError:
            self.error = "Indiquez les deux dates."
            return
        self.error = ""
        with session_scope() as session:
            path, name = satisfaction.export_file(session, actor, since, until)
        token = files.download_token(path, actor.user_id, name)
        return rx.download(url=f"{routes.DOWNLOAD_API}/{token}", filename=name)
