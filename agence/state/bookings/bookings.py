"""The dossiers: list, creation, the dossier page (general form, status buttons, versions,
history), its programme and its costing."""

from __future__ import annotations

import asyncio
from datetime import date

import reflex as rx
from sqlmodel import select

from agence import routes
from agence.db import session_scope
from agence.models import Booking, BookingProgrammeItem, BookingVersion, Client, Contact
from agence.models.base import utcnow
from agence.services.bookings import board as follow_up
from agence.services.bookings import bookings, guides, planning, satisfaction, supplier_side
from agence.services.bookings import programme as booking_programme
from agence.services.bookings.bookings import BOOKINGS
from agence.services.bookings.guides import GUIDES, UNAVAILABILITIES
from agence.services.bookings.lifecycle import STATUS_COLORS, STATUS_LABELS, allowed_transitions
from agence.services.bookings.participants import PARTICIPANTS
from agence.services.bookings.programme import BOOKING_PROGRAMME
from agence.services.catalogue import costings
from agence.services.common import files, formats, identifiers
from agence.services.common.forms import FormErrors
from agence.services.common.listing import ListSpec
from agence.services.common.permissions import AccessDenied, AccessProblem, Action, Actor, Module
from agence.services.common.records import RecordNotFound
from agence.services.documents.attachments import BOOKING_DOCUMENTS_LIST
from agence.state.catalogue.costing import CostingMixin
from agence.state.common.base import AppState
from agence.state.common.children import ChildMixin
from agence.state.common.forms import FIX_ERRORS, FormMixin
from agence.state.common.listing import ListMixin
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
    client_results: list[dict[str, str]] = []
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
        picked = next((c for c in self.client_results if c["id"] == str(client_id)), None)
        if picked is None:
            return
        # The typed form is left as it is (no re-mount): a blank sales rep becomes the
        # client's own when the dossier is created.
        self.values = {**self.values, "client_id": picked["id"]}
        self.client_name, self.client_results, self.client_search = picked["name"], [], ""
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
            return rx.toast.error(problem.errors.get("", FIX_ERRORS))
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
    transitions: list[dict[str, str]] = []
    history: list[dict[str, str]] = []
    versions: list[dict[str, str]] = []
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
        self.transitions = [
            {
                "target": str(step.target),
                "label": step.label,
                "comment": "1" if step.needs_comment else "",
            }
            for step in allowed_transitions(actor, booking.status)
        ]

    @rx.event
    def ask_transition(self, target: str):
        self._require(Module.BOOKINGS, Action.SEE)
        step = next((t for t in self.transitions if t["target"] == target), None)
        if step is None:
            return
        self.dialog_target, self.dialog_label = step["target"], step["label"]
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
            return rx.toast.error(next(iter(problem.errors.values())))
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


class BookingProgrammeState(ChildMixin, AppState):
    """The programme of the dossier's current version, by day; slots edited in a dialog."""

    days: list[dict] = []
    can_change: bool = False
    _version: int = 1

    def _resource(self):
        return BOOKING_PROGRAMME

    def _conditions(self) -> tuple:
        return (
            *super()._conditions(),
            BookingProgrammeItem.version == self._version,
        )

    @rx.event
    def load_programme(self):
        actor = self._require(Module.BOOKINGS, Action.SEE)
        self.days, self.can_change = [], False
        record_id = self._record_id_param()
        if record_id is None:
            return
        try:
            with session_scope() as session:
                booking = bookings.get_booking(session, actor, record_id)
                self._version = booking.version
                editable = bookings.is_editable(booking)
        except RecordNotFound:
            return
        self.can_change = editable and actor.can(Module.BOOKINGS, Action.EDIT)
        self._days(actor, record_id)

    def _days(self, actor: Actor, booking_id: int) -> None:
        with session_scope() as session:
            self.days = booking_programme.programme_days(session, actor, booking_id)

    def _after_child_change(self) -> list:
        actor = self._require(Module.BOOKINGS, Action.SEE)
        if self._parent_id is not None:
            self._days(actor, self._parent_id)
        return []

    @rx.event
    def move(self, item_id: str, step: int):
        actor = self._require(Module.BOOKINGS, Action.EDIT)
        if self._parent_id is None or not str(item_id).isdigit():
            return
        try:
            with session_scope() as session:
                booking_programme.move_item(
                    session, actor, self._parent_id, int(item_id), int(step)
                )
        except FormErrors as problem:
            return rx.toast.error(next(iter(problem.errors.values())))
        except RecordNotFound:
            return
        self._days(actor, self._parent_id)


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


class BookingSuppliersState(AppState):
    """« Fournisseurs »: per supplier, the services to book and the exchanges."""

    suppliers: list[dict] = []
    can_change: bool = False
    error: str = ""
    exchange_open: bool = False
    exchange_supplier: str = ""
    exchange_name: str = ""
    exchange_errors: dict[str, str] = {}
    _booking_id: int | None = None

    def _reload(self, actor: Actor) -> None:
        with session_scope() as session:
            self.suppliers = supplier_side.supplier_view(session, actor, self._booking_id or 0)

    @rx.event
    def load_suppliers(self):
        actor = self._require(Module.BOOKINGS, Action.SEE)
        self.suppliers, self._booking_id, self.error = [], None, ""
        record_id = self._record_id_param()
        if record_id is None:
            return
        try:
            with session_scope() as session:
                bookings.get_booking(session, actor, record_id)
        except RecordNotFound:
            return
        self._booking_id = record_id
        self.can_change = actor.can(Module.BOOKINGS, Action.EDIT)
        self._reload(actor)

    @rx.event
    def update_service(self, line_id: str, field: str, value: str):
        actor = self._require(Module.BOOKINGS, Action.EDIT)
        if self._booking_id is None or field not in ("status", "reference", "option_until"):
            return
        current = next(
            (
                service
                for supplier in self.suppliers
                for service in supplier["services"]
                if service["line_id"] == str(line_id)
            ),
            None,
        )
        if current is None:
            return
        wanted = {
            "status": current["status"],
            "reference": current["reference"],
            "option_until": current["option_until"],
            field: str(value)[:60],
        }
        try:
            with session_scope() as session:
                supplier_side.set_service_booking(
                    session,
                    actor,
                    self._booking_id,
                    int(line_id),
                    wanted["status"],
                    wanted["reference"],
                    wanted["option_until"],
                )
        except FormErrors as problem:
            self.error = next(iter(problem.errors.values()))
            self._reload(actor)
            return rx.toast.error(self.error)
        except RecordNotFound:
            self._reload(actor)
            return
        self.error = ""
        self._reload(actor)

    @rx.event
    def open_exchange(self, supplier_id: str):
        self._require(Module.BOOKINGS, Action.EDIT)
        found = next((s for s in self.suppliers if s["id"] == str(supplier_id)), None)
        if found is None:
            return
        self.exchange_supplier, self.exchange_name = found["id"], found["name"]
        self.exchange_errors, self.exchange_open = {}, True

    @rx.event
    def close_exchange(self, is_open: bool = False):
        self._require(Module.BOOKINGS, Action.SEE)
        self.exchange_open = bool(is_open)

    @rx.event
    def save_exchange(self, form_data: dict):
        actor = self._require(Module.BOOKINGS, Action.EDIT)
        if self._booking_id is None or not self.exchange_supplier.isdigit():
            return
        try:
            with session_scope() as session:
                supplier_side.record_exchange(
                    session,
                    actor,
                    self._booking_id,
                    int(self.exchange_supplier),
                    str(form_data.get("kind", "")),
                    str(form_data.get("direction", "")),
                    str(form_data.get("summary", "")),
                )
        except FormErrors as problem:
            self.exchange_errors = problem.errors
            return
        except RecordNotFound:
            self.exchange_open = False
            return
        self.exchange_open = False
        self._reload(actor)
        return rx.toast.success("Échange noté.")


LIVE_SECONDS = 5
LIVE_MAX_SECONDS = 8 * 3600


class FollowUpBoardState(AppState):
    """« Suivi des dossiers »: reloaded every few seconds while the page is open, so a
    colleague's change shows without reloading."""

    sections: dict[str, list[dict[str, str]]] = {}
    horizon: str = "7"
    updated_at: str = ""
    _watch: int = 0
    _watching: int = 0

    def _fill(self, actor: Actor) -> None:
        with session_scope() as session:
            self.sections = follow_up.board(
                session, actor, formats.today(), horizon_days=int(self.horizon)
            )
        self.updated_at = formats.moment(utcnow())

    @rx.event
    def load_board(self):
        actor = self._require(Module.BOOKINGS, Action.SEE)
        self._fill(actor)
        self._watch += 1
        return FollowUpBoardState.watch(self._watch)

    @rx.event
    def horizon_changed(self, value: str):
        actor = self._require(Module.BOOKINGS, Action.SEE)
        if value in ("3", "7", "14", "30"):
            self.horizon = value
            self._fill(actor)

    @rx.event(background=True)
    async def watch(self, ticket: int):
        """Refreshes the board until the user leaves it (or another tab of the same state
        starts its own watch); every round checks the rights again."""
        async with self:
            self._require(Module.BOOKINGS, Action.SEE)
            if ticket != self._watch or self._watching == ticket:
                return  # a stale ticket, or this page is already watched
            self._watching = ticket
        waited = 0
        while waited < LIVE_MAX_SECONDS:
            await asyncio.sleep(LIVE_SECONDS)
            waited += LIVE_SECONDS
            async with self:
                if ticket != self._watch or self.router.url.path.rstrip("/") != routes.BOARD:
                    return
                try:
                    actor = self._require(Module.BOOKINGS, Action.SEE)
                except AccessProblem:
                    return
                self._fill(actor)


class BookingParticipantsState(ChildMixin, AppState):
    """The rooming list: participants listed, edited in a dialog, exported, imported."""

    def _resource(self):
        return PARTICIPANTS


class GuidesListState(ListMixin, AppState):
    def _resource(self):
        return GUIDES


class GuideFormState(FormMixin, AppState):
    def _resource(self):
        return GUIDES

    def _list_route(self) -> str:
        return routes.GUIDES

    def _route_after_save(self, record_id: int) -> str:
        return routes.record_url(routes.GUIDES, record_id)


class GuideUnavailabilityState(ChildMixin, AppState):
    def _resource(self):
        return UNAVAILABILITIES


class GuideAssignmentState(AppState):
    """The « Guide » dialog of a programme slot: choose, see the conflicts, assign or force."""

    open: bool = False
    item_title: str = ""
    choices: list[list[str]] = []
    guide_id: str = ""
    conflicts: list[str] = []
    error: str = ""
    can_force: bool = False
    _booking_id: int | None = None
    _item_id: int | None = None

    def _booking_from_url(self) -> int | None:
        return self._record_id_param()

    @rx.event
    def open_for(self, item_id: str, title: str):
        actor = self._require(Module.BOOKINGS, Action.EDIT)
        booking_id = self._booking_from_url()
        if booking_id is None or not str(item_id).isdigit():
            return
        with session_scope() as session:
            try:
                bookings.get_booking(session, actor, booking_id)
            except RecordNotFound:
                return
            self.choices = [list(option) for option in guides.guide_choices(session)]
        self._booking_id, self._item_id = booking_id, int(item_id)
        self.item_title = str(title)[:200]
        self.guide_id, self.conflicts, self.error = "", [], ""
        self.can_force = actor.can(Module.BOOKINGS, Action.VALIDATE)
        self.open = True

    @rx.event
    def close(self, is_open: bool = False):
        self._require(Module.BOOKINGS, Action.SEE)
        self.open = bool(is_open)

    @rx.event
    def choose(self, guide_id: str):
        actor = self._require(Module.BOOKINGS, Action.EDIT)
        self.guide_id, self.conflicts, self.error = str(guide_id), [], ""
        if not self.guide_id.isdigit() or self._booking_id is None or self._item_id is None:
            return
        try:
            with session_scope() as session:
                self.conflicts = guides.check_assignment(
                    session, actor, self._booking_id, self._item_id, int(self.guide_id)
                )
        except RecordNotFound:
            self.guide_id = ""

    @rx.event
    def assign(self, form_data: dict):
        actor = self._require(Module.BOOKINGS, Action.EDIT)
        if not self.guide_id.isdigit() or self._booking_id is None or self._item_id is None:
            self.error = "Choisissez un guide."
            return
        force = str(form_data.get("force", "")) not in ("", "off")
        try:
            with session_scope() as session:
                guides.assign(
                    session,
                    actor,
                    self._booking_id,
                    self._item_id,
                    int(self.guide_id),
                    force=force,
                    reason=str(form_data.get("reason", "")),
                )
        except FormErrors as problem:
            self.error = " ".join(problem.errors.values())
            return
        except AccessDenied:
            self.error = "Seul un utilisateur autorisé à valider peut passer outre un conflit."
            return
        except RecordNotFound:
            self.open = False
            return
        self.open = False
        return [rx.toast.success("Guide affecté."), BookingProgrammeState.load_programme]

    @rx.event
    def remove(self, assignment_id: str):
        actor = self._require(Module.BOOKINGS, Action.EDIT)
        booking_id = self._booking_from_url()
        if booking_id is None or not str(assignment_id).isdigit():
            return
        try:
            with session_scope() as session:
                guides.unassign(session, actor, booking_id, int(assignment_id))
        except RecordNotFound:
            pass
        return BookingProgrammeState.load_programme


class PlanningState(AppState):
    """The planning: a product's places day by day (per slot) or a guide's days, by week or
    month, moved back and forth; made for a tablet."""

    mode: str = "produit"
    view: str = "semaine"
    start: str = ""
    product_id: str = ""
    guide_id: str = ""
    product_options: list[list[str]] = []
    guide_options: list[list[str]] = []
    slots: list[str] = []
    days: list[dict] = []
    guide_days: list[dict[str, str]] = []
    period_label: str = ""

    def _fill(self, actor: Actor) -> None:
        try:
            anchor = date.fromisoformat(self.start)
        except ValueError:
            anchor = formats.today()
            self.start = anchor.isoformat()
        first, last = planning.period(anchor, self.view)
        self.period_label = f"du {formats.day(first)} au {formats.day(last)}"
        self.slots, self.days, self.guide_days = [], [], []
        with session_scope() as session:
            if self.mode == "produit" and self.product_id.isdigit():
                view = planning.product_planning(session, actor, int(self.product_id), first, last)
                self.slots, self.days = view["slots"], view["days"]
            elif self.mode == "guide" and self.guide_id.isdigit():
                self.guide_days = planning.guide_planning(
                    session, actor, int(self.guide_id), first, last
                )

    @rx.event
    def load_planning(self):
        actor = self._require(Module.BOOKINGS, Action.SEE)
        with session_scope() as session:
            self.product_options = [list(o) for o in planning.managed_products(session)]
            self.guide_options = [list(o) for o in guides.guide_choices(session)]
        if not self.product_id and self.product_options:
            self.product_id = self.product_options[0][0]
        if not self.guide_id and self.guide_options:
            self.guide_id = self.guide_options[0][0]
        self._fill(actor)

    @rx.event
    def set_choice(self, name: str, value: str):
        actor = self._require(Module.BOOKINGS, Action.SEE)
        value = str(value)
        if name == "mode" and value in ("produit", "guide"):
            self.mode = value
        elif name == "view" and value in ("semaine", "mois"):
            self.view = value
        elif name == "product_id" and value.isdigit():
            self.product_id = value
        elif name == "guide_id" and value.isdigit():
            self.guide_id = value
        elif name == "start":
            self.start = value
        self._fill(actor)

    @rx.event
    def shift(self, step: int):
        actor = self._require(Module.BOOKINGS, Action.SEE)
        try:
            anchor = date.fromisoformat(self.start)
        except ValueError:
            anchor = formats.today()
        self.start = planning.shift(anchor, self.view, int(step)).isoformat()
        self._fill(actor)


class BookingSatisfactionState(AppState):
    """« Satisfaction » of a dossier: the answers, a link for the client, or an answer typed
    by staff — after the end of the trip."""

    results: dict = {}
    services: list[dict[str, str]] = []
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
        self.results, self.services, self.link, self.errors = {}, [], "", {}
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
            return rx.toast.error(problem.errors.get("", FIX_ERRORS))
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
    services: list[dict[str, str]] = []
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

    products: list[dict[str, str]] = []
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


class BookingDocumentsState(DocumentsMixin, AppState):
    def _parent_field(self) -> str:
        return "booking_id"

    def _list_spec(self) -> ListSpec:
        return BOOKING_DOCUMENTS_LIST
