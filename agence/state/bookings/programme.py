"""The dossier's « Programme » tab: the current version's slots, day by day."""

from __future__ import annotations

import reflex as rx

from agence.db import session_scope
from agence.models import BookingProgrammeItem
from agence.services.bookings import bookings
from agence.services.bookings import programme as booking_programme
from agence.services.bookings.programme import BOOKING_PROGRAMME, ProgrammeDay
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import RecordNotFound
from agence.state.common.base import AppState
from agence.state.common.children import ChildMixin


class BookingProgrammeState(ChildMixin, AppState):
    """The programme of the dossier's current version, by day; slots edited in a dialog."""

    days: list[ProgrammeDay] = []
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
            return self._toast_problem(problem, None)
        except RecordNotFound:
            return
        self._days(actor, self._parent_id)
