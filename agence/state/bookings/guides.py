"""Guides: their list and file with their days off, and their assignment to a programme
slot from the dossier's programme."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.db import session_scope
from agence.services.bookings import bookings, guides
from agence.services.bookings.guides import GUIDES, UNAVAILABILITIES
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import AccessDenied, Action, Module
from agence.services.common.records import RecordNotFound
from agence.state.bookings.programme import BookingProgrammeState
from agence.state.common.base import AppState
from agence.state.common.children import ChildMixin
from agence.state.common.forms import FormMixin
from agence.state.common.listing import ListMixin


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
