"""Sales follow-up pages: « Mes relances », pipeline, visit reports, clients to visit."""

from __future__ import annotations

from datetime import UTC, datetime

import reflex as rx

from agence import routes
from agence.db import session_scope
from agence.services.common import formats, identifiers
from agence.services.common.forms import FormErrors
from agence.services.common.listing import ListSpec
from agence.services.common.permissions import Action, Module
from agence.services.common.records import RecordNotFound, get_record
from agence.services.parties import crm
from agence.services.parties.choices import Choice
from agence.services.parties.clients import CLIENTS
from agence.services.parties.vocabulary import Due, ReportStatus
from agence.state.common.base import AppState
from agence.state.common.listing import ListMixin


class _CrmList(ListMixin, mixin=True):
    def _list_module(self) -> Module:
        return Module.THIRD_PARTIES


class FollowUpsState(_CrmList, AppState):
    def _list_spec(self) -> ListSpec:
        return crm.FOLLOW_UPS_LIST

    @rx.event
    def open_follow_ups(self):
        self._require(Module.THIRD_PARTIES, Action.SEE)
        if not self.filters:
            self.filters = {"due": Due.TODAY_AND_LATE.value}


class PipelineState(_CrmList, AppState):
    def _list_spec(self) -> ListSpec:
        return crm.PIPELINE_LIST


class ToVisitState(_CrmList, AppState):
    months: int = crm.DEFAULT_VISIT_MONTHS
    months_error: str = ""
    can_set_months: bool = False

    def _list_spec(self) -> ListSpec:
        return crm.TO_VISIT_LIST

    def _conditions(self) -> tuple:
        with session_scope() as session:
            return (crm.not_visited_since(crm.visit_limit(session)),)

    @rx.event
    def open_to_visit(self):
        actor = self._require(Module.THIRD_PARTIES, Action.SEE)
        with session_scope() as session:
            self.months = crm.visit_months(session)
        self.can_set_months = actor.can(Module.PARAMETERS, Action.EDIT)
        self.months_error = ""

    @rx.event
    def set_months(self, form_data: dict):
        actor = self._require(Module.PARAMETERS, Action.EDIT)
        try:
            with session_scope() as session:
                self.months = crm.set_visit_months(session, actor, str(form_data.get("months", "")))
        except FormErrors as problem:
            self.months_error = problem.errors.get("months", "Valeur refusée.")
            return
        self.months_error = ""
        self._refresh(actor)


class ReportsListState(_CrmList, AppState):
    def _list_spec(self) -> ListSpec:
        return crm.REPORTS_LIST


class ReportFormState(AppState):
    """A visit report written in the field: every field is kept on the server as it is typed,
    so a lost connection or a reload loses nothing."""

    draft: dict[str, str] = {}
    errors: dict[str, str] = {}
    status: str = ""
    not_found: bool = False
    loaded: bool = False
    editable: bool = False
    client_name: str = ""
    client_search: str = ""
    client_options: list[Choice] = []
    contact_options: list[Choice] = []
    saved_at: str = ""
    _report_id: int | None = None

    def _load(self, actor, report_id: int) -> None:
        with session_scope() as session:
            self.draft = crm.report_values(session, actor, report_id)
            self._load_client(session, actor)
        self._report_id = report_id
        self.status = self.draft.get("status", "")
        self.editable = self.status == ReportStatus.DRAFT
        self.loaded = True

    def _load_client(self, session, actor) -> None:
        client_id = self.draft.get("client_id", "")
        self.contact_options, self.client_name = [], ""
        if identifiers.is_record_id(client_id):
            try:
                client = get_record(session, CLIENTS, int(client_id), actor)
            except RecordNotFound:
                return
            self.client_name = client.name
            self.contact_options = crm.contact_options(session, client.id)

    @rx.event
    def open_report(self):
        """ "nouveau" opens a new draft and puts its number in the address; a number reopens."""
        actor = self._require(Module.THIRD_PARTIES, Action.SEE)
        self.loaded, self.not_found, self.errors, self.saved_at = False, False, {}, ""
        self.client_options, self.client_search = [], ""
        raw = self._page_param(routes.RECORD_PARAM)
        if raw == routes.NEW_RECORD:
            actor = self._require(Module.THIRD_PARTIES, Action.CREATE)
            client = self._page_param("client")
            try:
                with session_scope() as session:
                    report = crm.open_draft(session, actor, identifiers.record_id(client))
                    report_id = report.id or 0
            except RecordNotFound:
                self.not_found = True
                return
            self._load(actor, report_id)
            url = routes.record_url(routes.TIERS_REPORTS, report_id)
            return rx.call_script(f"window.history.replaceState(null, '', '{url}')")
        record_id = identifiers.record_id(raw)
        if record_id is None:
            self.not_found = True
            return
        try:
            self._load(actor, record_id)
        except RecordNotFound:
            self.not_found = True

    @rx.event
    def keep(self, name: str, value: str):
        """One field typed: kept at once in the draft."""
        actor = self._require(Module.THIRD_PARTIES, Action.CREATE)
        return self._keep(actor, name, value)

    def _keep(self, actor, name: str, value: str):
        if self._report_id is None or not self.editable:
            return
        name, value = str(name), str(value)[:20000]
        try:
            with session_scope() as session:
                message = crm.save_draft_field(session, actor, self._report_id, name, value)
                if name == "client_id":
                    self.draft = {**self.draft, "client_id": value, "contacts": ""}
                    self._load_client(session, actor)
        except FormErrors as problem:
            return self._toast_problem(problem, "Enregistrement impossible.")
        except RecordNotFound:
            self.errors = {**self.errors, name: "Client introuvable."}
            return
        self.draft = {**self.draft, name: value}
        self.errors = {k: v for k, v in self.errors.items() if k != name}
        if message:
            self.errors = {**self.errors, name: message}
        self.saved_at = formats.local_time(datetime.now(UTC)).strftime("%H:%M:%S")

    @rx.event
    def toggle_contact(self, contact_id: str):
        actor = self._require(Module.THIRD_PARTIES, Action.CREATE)
        chosen = [c for c in self.draft.get("contacts", "").split(",") if c]
        contact_id = str(contact_id)
        chosen = (
            [c for c in chosen if c != contact_id]
            if contact_id in chosen
            else [*chosen, contact_id]
        )
        return self._keep(actor, "contacts", ",".join(chosen))

    @rx.event
    def find_clients(self, text: str):
        actor = self._require(Module.THIRD_PARTIES, Action.SEE)
        self.client_search = str(text)[:100]
        with session_scope() as session:
            self.client_options = crm.client_options(session, actor, self.client_search)

    @rx.event
    def choose_client(self, client_id: str):
        actor = self._require(Module.THIRD_PARTIES, Action.CREATE)
        self.client_options, self.client_search = [], ""
        return self._keep(actor, "client_id", str(client_id))

    @rx.event
    def validate(self):
        actor = self._require(Module.THIRD_PARTIES, Action.CREATE)
        if self._report_id is None or not self.editable:
            return
        try:
            with session_scope() as session:
                crm.validate_report(session, actor, self._report_id)
        except FormErrors as problem:
            self.errors = problem.errors
            return self._toast_problem(problem, "Complétez les champs signalés.")
        except RecordNotFound:
            self.errors = {"client_id": "Choisissez un client."}
            return
        self.status, self.editable, self.errors = ReportStatus.VALIDATED.value, False, {}
        return [rx.toast.success("Compte rendu validé."), rx.redirect(routes.TIERS_REPORTS)]

    @rx.event
    def discard(self):
        actor = self._require(Module.THIRD_PARTIES, Action.CREATE)
        if self._report_id is None:
            return
        try:
            with session_scope() as session:
                crm.discard_draft(session, actor, self._report_id)
        except (FormErrors, RecordNotFound):
            return rx.toast.error("Seul un brouillon peut être abandonné.")
        return [rx.toast.success("Brouillon abandonné."), rx.redirect(routes.TIERS_REPORTS)]
