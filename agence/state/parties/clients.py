"""The client file: list (segments, bulk reassignment), record page and its tabs."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.db import session_scope
from agence.models import AuditEntry, VisitReport
from agence.services.admin.audit_log import AUDIT_LIST
from agence.services.catalogue.client_prices import NEGOTIATED_PRICES
from agence.services.common.forms import FormErrors, value_for_input
from agence.services.common.listing import ListSpec
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import RecordNotFound, get_record
from agence.services.documents.attachments import CLIENT_DOCUMENTS_LIST
from agence.services.parties import clients, crm
from agence.services.parties.choices import Choice, choices
from agence.services.parties.clients import CLIENTS, Duplicate, DuplicateWarning
from agence.services.parties.party_records import (
    CLIENT_ADDRESSES,
    CLIENT_CONTACTS,
    CLIENT_CONTRACTS,
    CLIENT_DISCOUNTS,
)
from agence.services.parties.vocabulary import ClientStatus, SegmentList
from agence.state.common.base import AppState
from agence.state.common.children import ChildMixin
from agence.state.common.forms import FormMixin
from agence.state.common.listing import ListMixin
from agence.state.documents.documents import DocumentsMixin
from agence.state.parties.segments import SegmentsMixin


class ClientsListState(SegmentsMixin, AppState):
    rep_options: list[Choice] = []
    can_assign: bool = False
    assign_error: str = ""

    def _resource(self):
        return CLIENTS

    def _segment_list(self) -> str:
        return SegmentList.CLIENTS.value

    def _load_extras(self, actor: Actor) -> None:
        self._load_segments(actor)
        with session_scope() as session:
            self.rep_options = choices(clients.sales_rep_options(session))
        self.can_assign = actor.can(Module.THIRD_PARTIES, Action.EDIT) and not (
            actor.own_clients_only
        )

    @rx.event
    def open_clients(self):
        actor = self._require(Module.THIRD_PARTIES, Action.SEE)
        self._load_extras(actor)
        self.segment_errors, self.assign_error = {}, ""

    @rx.event
    def assign_selected(self, form_data: dict):
        """« Affecter à… » the ticked clients."""
        actor = self._require(Module.THIRD_PARTIES, Action.EDIT)
        rep = str(form_data.get("sales_rep_id", ""))
        if not rep.isdigit():
            self.assign_error = "Choisissez un commercial."
            return
        ids = [int(i) for i in self.selected if i.isdigit()]
        if not ids:
            self.assign_error = "Cochez d'abord des clients."
            return
        try:
            with session_scope() as session:
                changed = crm.assign_sales_rep(session, actor, ids, int(rep))
        except FormErrors as problem:
            self.assign_error = next(iter(problem.errors.values()))
            return
        self.assign_error = ""
        self.selected = []
        self._refresh(actor)
        return rx.toast.success(f"{changed} client(s) réaffecté(s).")


class ClientFormState(FormMixin, AppState):
    duplicates: list[Duplicate] = []
    outstanding: str = ""
    credit_limit: str = ""
    over_limit: bool = False
    next_action: dict[str, str] = {}
    next_action_errors: dict[str, str] = {}
    next_action_key: int = 0
    can_see_reports: bool = False

    def _resource(self):
        return CLIENTS

    def _list_route(self) -> str:
        return routes.TIERS_CLIENTS

    def _route_after_save(self, record_id: int) -> str:
        return routes.record_url(routes.TIERS_CLIENTS, record_id)

    def _on_errors(self, problem: FormErrors) -> None:
        self.duplicates = problem.duplicates if isinstance(problem, DuplicateWarning) else []

    def _after_load(self, actor: Actor) -> None:
        self.duplicates, self.next_action_errors = [], {}
        self.outstanding, self.credit_limit, self.over_limit = "", "", False
        self.next_action = {}
        if self._record_id is None:
            return
        with session_scope() as session:
            self.outstanding, self.credit_limit, self.over_limit = clients.outstanding_text(
                session, self._record_id
            )
            client = session.get(clients.Client, self._record_id)
            self.next_action = {
                spec.name: value_for_input(spec, getattr(client, spec.name))
                for spec in crm.NEXT_ACTION_FIELDS
            }
        self.next_action_key += 1

    @rx.event
    def save_next_action(self, form_data: dict):
        actor = self._require(Module.THIRD_PARTIES, Action.EDIT)
        if not self._ready or self._record_id is None:
            return
        try:
            with session_scope() as session:
                crm.set_next_action(session, actor, self._record_id, form_data)
        except FormErrors as problem:
            self.next_action_errors = problem.errors
            return
        except RecordNotFound:
            self.not_found = True
            return
        self.next_action_errors = {}
        self.next_action = {k: str(form_data.get(k, "")) for k in self.next_action}
        return rx.toast.success("Prochaine action enregistrée.")

    @rx.event
    def convert_to_client(self):
        """A prospect becomes a client (the status changes, everything else stays)."""
        actor = self._require(Module.THIRD_PARTIES, Action.EDIT)
        if not self._ready or self._record_id is None:
            return
        try:
            with session_scope() as session:
                clients.set_status(session, actor, self._record_id, ClientStatus.CLIENT)
        except RecordNotFound:
            self.not_found = True
            return
        self.values = {**self.values, "status": ClientStatus.CLIENT.value}
        self.form_key += 1
        return rx.toast.success("Le prospect est devenu client.")


class _ClientChildren(ChildMixin, mixin=True):
    def _after_child_change(self) -> list:
        return [ClientFormState.load]


class ClientContactsState(_ClientChildren, AppState):
    def _resource(self):
        return CLIENT_CONTACTS


class ClientAddressesState(_ClientChildren, AppState):
    def _resource(self):
        return CLIENT_ADDRESSES


class ClientDiscountsState(ChildMixin, AppState):
    def _resource(self):
        return CLIENT_DISCOUNTS


class ClientNegotiatedPricesState(ChildMixin, AppState):
    def _resource(self):
        return NEGOTIATED_PRICES


class ClientContractsState(ChildMixin, AppState):
    def _resource(self):
        return CLIENT_CONTRACTS


class ClientDocumentsState(DocumentsMixin, AppState):
    def _parent_field(self) -> str:
        return "client_id"

    def _list_spec(self) -> ListSpec:
        return CLIENT_DOCUMENTS_LIST


class _ClientSubList(ListMixin, mixin=True):
    """A read-only listing narrowed to the open client (his reports, his history)."""

    _client_id: int | None = None

    def _list_module(self) -> Module:
        return Module.THIRD_PARTIES

    @rx.event
    def load_for_client(self):
        actor = self._require(Module.THIRD_PARTIES, Action.SEE)
        self._client_id = None
        self.rows, self.total = [], 0
        record_id = self._record_id_param()
        if record_id is None:
            return
        try:
            with session_scope() as session:
                get_record(session, CLIENTS, record_id, actor)
        except RecordNotFound:
            return
        self._client_id = record_id
        spec = self._list_spec()
        self.sort, self.desc, self.page, self.search, self.filters = (
            spec.default_sort,
            spec.default_desc,
            1,
            "",
            {},
        )
        self.can_export = actor.can(Module.THIRD_PARTIES, Action.EXPORT)
        self._refresh(actor)


class ClientReportsState(_ClientSubList, AppState):
    def _list_spec(self) -> ListSpec:
        return crm.REPORTS_LIST

    def _conditions(self) -> tuple:
        return (VisitReport.client_id == (self._client_id or -1),)


class ClientHistoryState(_ClientSubList, AppState):
    def _list_spec(self) -> ListSpec:
        return AUDIT_LIST

    def _conditions(self) -> tuple:
        return (
            AuditEntry.entity_type == CLIENTS.entity,
            AuditEntry.entity_id == str(self._client_id or -1),
        )
