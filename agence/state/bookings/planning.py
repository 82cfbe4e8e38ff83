"""The planning page: a product's places or a guide's days, by week or month."""

from __future__ import annotations

from datetime import date

import reflex as rx

from agence.db import session_scope
from agence.services.bookings import guides, planning
from agence.services.bookings.planning import GuideDay, PlanningDay
from agence.services.bookings.vocabulary import PlanningMode, PlanningView
from agence.services.common import formats
from agence.services.common.permissions import Action, Actor, Module
from agence.state.common.base import AppState


class PlanningState(AppState):
    """The planning: a product's places day by day (per slot) or a guide's days, by week or
    month, moved back and forth; made for a tablet."""

    mode: str = PlanningMode.PRODUCT
    view: str = PlanningView.WEEK
    start: str = ""
    product_id: str = ""
    guide_id: str = ""
    product_options: list[list[str]] = []
    guide_options: list[list[str]] = []
    slots: list[str] = []
    days: list[PlanningDay] = []
    guide_days: list[GuideDay] = []
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
            if self.mode == PlanningMode.PRODUCT and self.product_id.isdigit():
                view = planning.product_planning(session, actor, int(self.product_id), first, last)
                self.slots, self.days = view.slots, view.days
            elif self.mode == PlanningMode.GUIDE and self.guide_id.isdigit():
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
        if name == "mode" and value in tuple(PlanningMode):
            self.mode = value
        elif name == "view" and value in tuple(PlanningView):
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
