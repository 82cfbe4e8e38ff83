"""The dossiers: their list, « Nouveau dossier », the dossier page's header and general form
(status buttons, amendments, versions, history), its participants and documents tabs, and the
costing of one of its versions."""

from __future__ import annotations

import reflex as rx
from sqlmodel import select

from agence import routes
from agence.db import session_scope
from agence.models import Booking, BookingVersion, Client
from agence.services.bookings import bookings
from agence.services.bookings.bookings import BOOKINGS
from agence.services.bookings.lifecycle import STATUS_COLORS, STATUS_LABELS
from agence.services.bookings.participants import PARTICIPANTS
from agence.services.catalogue import costings
from agence.services.common import formats, identifiers
from agence.services.common.forms import FormErrors
from agence.services.common.listing import ListSpec
from agence.services.common.permissions import AccessDenied, Action, Actor, Module
from agence.services.common.records import RecordNotFound
from agence.services.documents.attachments import BOOKING_DOCUMENTS_LIST
from agence.state.catalogue.costing import CostingMixin
from agence.state.common.base import AppState
from agence.state.common.children import ChildMixin
from agence.state.common.forms import FormMixin
from agence.state.documents.documents import DocumentsMixin
from agence.state.parties.segments import SegmentsMixin

VERSION_PARAM = "version"


class BookingsListState(SegmentsMixin, AppState):
    def _resource(self):
        return BOOKINGS

    def _segment_list(self) -> str:
        return "dossiers"

    @rx.event
    def open_bookings(self):
        actor = self._require(Module.BOOKINGS, Action.SEE)
        self._load_segments(actor)
        self.segment_errors = {}


class BookingCreateState(AppState):
    """« Nouveau dossier »: a client searched by name, a catalogue dossier or not, the dates
    and the group; the dossier is created in one transaction and opened."""

    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    choices: dict[str, list[list[str]]] = {}
    client_search: str = ""
    client_results: list[bookings.ClientHit] = []
    client_name: str = ""
    form_key: int = 0
    active: bool = False

    @rx.event
    def load(self):
        raw = self._page_param(routes.RECORD_PARAM)
        self.active = raw == routes.NEW_RECORD
        if not self.active:
            return
        actor = self._require(Module.BOOKINGS, Action.CREATE)
        with session_scope() as session:
            self.values = bookings.creation_defaults(session, actor)
            self.choices = {
                name: [list(option) for option in options]
                for name, options in bookings.creation_choices(session).items()
            }
        self.errors, self.client_search, self.client_results, self.client_name = {}, "", [], ""
        self.form_key += 1

    @rx.event
    def search_client(self, text: str):
        actor = self._require(Module.BOOKINGS, Action.CREATE)
        self.client_search = str(text)[:100]
        if len(self.client_search.strip()) < 2:
            self.client_results = []
            return
        with session_scope() as session:
            self.client_results = bookings.search_clients(session, actor, self.client_search)

    @rx.event
    def pick_client(self, client_id: str):
        self._require(Module.BOOKINGS, Action.CREATE)
        picked = next((c for c in self.client_results if c.id == str(client_id)), None)
        if picked is None:
            return
        # The typed form is left as it is (no re-mount): a blank sales rep becomes the
        # client's own when the dossier is created.
        self.values = {**self.values, "client_id": picked.id}
        self.client_name, self.client_results, self.client_search = picked.name, [], ""
        self.errors = {k: v for k, v in self.errors.items() if k != "client_id"}

    @rx.event
    def create(self, form_data: dict):
        actor = self._require(Module.BOOKINGS, Action.CREATE)
        if not self.active:
            return
        data = {**form_data, "client_id": self.values.get("client_id", "")}
        self.values = {**self.values, **{k: str(v) for k, v in form_data.items()}}
        try:
            with session_scope() as session:
                booking = bookings.create_booking(session, actor, data)
                booking_id, reference = booking.id, booking.reference
        except FormErrors as problem:
            self.errors = problem.errors
            return self._toast_problem(problem)
        self.errors = {}
        return [
            rx.toast.success(f"Dossier {reference} créé."),
            rx.redirect(routes.record_url(routes.BOOKINGS, booking_id or 0)),
        ]


class BookingFormState(FormMixin, AppState):
    """The dossier page: its general form, and what the header shows and offers."""

    reference: str = ""
    status: str = ""
    status_label: str = ""
    status_color: str = "gray"
    client_name: str = ""
    client_url: str = ""
    transitions: list[bookings.StepOffer] = []
    history: list[bookings.HistoryRow] = []
    versions: list[bookings.VersionRow] = []
    price_per_paying: str = ""
    total_price: str = ""
    cancellation_fee: str = ""
    editable: bool = False
    can_amend: bool = False
    amendment_open: bool = False
    can_validate_amendment: bool = False
    dialog_target: str = ""
    dialog_label: str = ""
    dialog_open: bool = False
    dialog_error: str = ""
    amend_open: bool = False
    amend_error: str = ""

    def _resource(self):
        return BOOKINGS

    def _list_route(self) -> str:
        return routes.BOOKINGS

    def _route_after_save(self, record_id: int) -> str:
        return routes.record_url(routes.BOOKINGS, record_id)

    def _after_load(self, actor: Actor) -> None:
        if self._record_id is None:
            return
        with session_scope() as session:
            booking = bookings.get_booking(session, actor, self._record_id)
            client = session.get(Client, booking.client_id)
            self.choices = {
                **self.choices,
                "contact_id": [
                    list(option) for option in bookings.contact_choices(session, booking.client_id)
                ],
            }
            self.history = bookings.history(session, booking.id or 0)
            self.versions = bookings.versions(session, booking.id or 0)
            self._show(actor, booking, client)

    def _show(self, actor: Actor, booking: Booking, client: Client | None) -> None:
        self.reference = booking.reference
        self.status = booking.status
        self.status_label = STATUS_LABELS.get(booking.status, booking.status)
        self.status_color = STATUS_COLORS.get(booking.status, "gray")
        self.client_name = client.name if client else ""
        self.client_url = routes.record_url(routes.TIERS_CLIENTS, booking.client_id)
        self.price_per_paying = formats.money(booking.price_per_paying)
        self.total_price = formats.money(booking.total_price)
        self.cancellation_fee = (
            formats.money(booking.cancellation_fee) if booking.cancellation_fee is not None else ""
        )
        self.editable = bookings.is_editable(booking)
        self.amendment_open = bookings.amendment_open(booking)
        self.can_amend = (
            booking.status in bookings.AMENDABLE
            and not self.amendment_open
            and actor.can(Module.BOOKINGS, Action.EDIT)
        )
        self.can_validate_amendment = self.amendment_open and actor.can(
            Module.BOOKINGS, Action.VALIDATE
        )
        self.transitions = bookings.offered_steps(actor, booking)

    @rx.event
    def ask_transition(self, target: str):
        self._require(Module.BOOKINGS, Action.SEE)
        step = next((t for t in self.transitions if t.target == target), None)
        if step is None:
            return
        self.dialog_target, self.dialog_label = step.target, step.label
        self.dialog_error, self.dialog_open = "", True

    @rx.event
    def close_transition(self, is_open: bool = False):
        self._require(Module.BOOKINGS, Action.SEE)
        self.dialog_open = bool(is_open)

    @rx.event
    def change_status(self, form_data: dict):
        actor = self._require(Module.BOOKINGS, Action.SEE)
        if not self._ready or self._record_id is None or not self.dialog_target:
            return
        comment = str(form_data.get("comment", ""))[:1000]
        try:
            with session_scope() as session:
                booking = bookings.change_status(
                    session, actor, self._record_id, self.dialog_target, comment
                )
                label = STATUS_LABELS[booking.status]
        except FormErrors as problem:
            self.dialog_error = next(iter(problem.errors.values()))
            return
        except AccessDenied:
            self.dialog_error = "Votre profil ne permet pas ce changement de statut."
            return
        except RecordNotFound:
            self.not_found = True
            return
        self.dialog_open = False
        return [rx.toast.success(f"Dossier passé à « {label} »."), BookingFormState.load]

    @rx.event
    def validate_amendment(self):
        actor = self._require(Module.BOOKINGS, Action.VALIDATE)
        if not self._ready or self._record_id is None:
            return
        try:
            with session_scope() as session:
                version = bookings.validate_amendment(session, actor, self._record_id).version
        except FormErrors as problem:
            return self._toast_problem(problem, None)
        except RecordNotFound:
            self.not_found = True
            return
        return [rx.toast.success(f"Avenant validé : version {version}."), BookingFormState.load]

    @rx.event
    def open_amendment(self, is_open: bool = True):
        self._require(Module.BOOKINGS, Action.EDIT)
        self.amend_open, self.amend_error = bool(is_open), ""

    @rx.event
    def start_amendment(self, form_data: dict):
        actor = self._require(Module.BOOKINGS, Action.EDIT)
        if not self._ready or self._record_id is None:
            return
        try:
            with session_scope() as session:
                booking = bookings.start_amendment(
                    session, actor, self._record_id, str(form_data.get("reason", ""))
                )
                version = booking.version
        except FormErrors as problem:
            self.amend_error = next(iter(problem.errors.values()))
            return
        except RecordNotFound:
            self.not_found = True
            return
        self.amend_open = False
        return [rx.toast.success(f"Version {version} ouverte."), BookingFormState.load]


class BookingCostingState(CostingMixin, AppState):
    """The costing of a dossier's version, under the dossiers' rights: its title, client and
    date are the dossier's; an earlier version, or a dossier past confirmation, is read only."""

    booking_url: str = ""
    version_label: str = ""
    _booking_id: int | None = None

    def _module(self) -> Module:
        return Module.BOOKINGS

    def _wanted_action(self, raw: str) -> Action:
        return Action.SEE

    def _open(self, session, actor: Actor, raw: str):
        booking_id = identifiers.record_id(raw)
        if booking_id is None:
            raise RecordNotFound("dossier", raw)
        booking = bookings.get_booking(session, actor, booking_id)
        wanted = self._page_param(VERSION_PARAM)
        costing_id, number = booking.costing_id, booking.version
        if wanted.isdigit() and int(wanted) != booking.version:
            version = session.exec(
                select(BookingVersion).where(
                    BookingVersion.booking_id == booking.id,
                    BookingVersion.number == int(wanted),
                )
            ).first()
            if version is None:
                raise RecordNotFound("version", wanted)
            costing_id, number = version.costing_id, version.number
            self.read_only_reason = f"Version {number} : une version précédente, en lecture seule."
        elif not bookings.is_editable(booking):
            self.read_only_reason = bookings.closed_reason(booking)
        if costing_id is None:
            raise RecordNotFound("cotation", costing_id)
        header, lines = costings.costing_values(session, actor, costing_id, Module.BOOKINGS)
        self._costing_id = costing_id
        self._booking_id = booking.id
        self.booking_url = routes.record_url(routes.BOOKINGS, booking.id or 0)
        self.version_label = f"{booking.reference} — version {number}"
        self.locked_fields = ["name", "client_id", "service_date"]
        return header, lines

    def _store(self, session, actor: Actor):
        return bookings.save_costing_of(
            session, actor, self._booking_id or 0, self._costing_id or 0, self.header, self.lines
        )

    def _saved_route(self, costing_id: int) -> str:
        return self.booking_url


class BookingParticipantsState(ChildMixin, AppState):
    """The rooming list: participants listed, edited in a dialog, exported, imported."""

    def _resource(self):
        return PARTICIPANTS


class BookingDocumentsState(DocumentsMixin, AppState):
    def _parent_field(self) -> str:
        return "booking_id"

    def _list_spec(self) -> ListSpec:
        return BOOKING_DOCUMENTS_LIST
