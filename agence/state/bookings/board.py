"""« Suivi des dossiers », kept live while the page is open."""

from __future__ import annotations

import asyncio

import reflex as rx

from agence import routes
from agence.db import session_scope
from agence.models.base import utcnow
from agence.services.bookings import board as follow_up
from agence.services.bookings.board import BoardRow
from agence.services.common import formats
from agence.services.common.permissions import AccessProblem, Action, Actor, Module
from agence.state.common.base import AppState

LIVE_SECONDS = 5
LIVE_MAX_SECONDS = 8 * 3600


class FollowUpBoardState(AppState):
    """« Suivi des dossiers »: reloaded every few seconds while the page is open, so a
    colleague's change shows without reloading."""

    sections: dict[str, list[BoardRow]] = {}
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
        if value in {str(days) for days in follow_up.HORIZONS}:
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
