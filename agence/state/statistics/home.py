"""The home page, in the statistics area (it shows their figures): the figures of the user's
desks first (live), the shortcuts to his modules below them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

import reflex as rx

from agence import routes
from agence.db import session_scope
from agence.models.base import utcnow
from agence.services.common import formats
from agence.services.common.permissions import AccessDenied, AccessProblem, Actor
from agence.services.statistics import dashboard, workdesk
from agence.services.statistics.dashboard import Figure, MonthRevenue
from agence.services.statistics.report import Drill
from agence.services.statistics.workdesk import Desk
from agence.state.common.base import AppState

DESKS: dict[str, str] = {desk.value: desk.label for desk in Desk}
"""The blocks of the home page (`Desk`), by key: their titles."""
LIVE_SECONDS = 5
"""How often an open home page asks whether anything changed (one indexed lookup)."""
LIVE_MAX_SECONDS = 8 * 3600


@dataclass(frozen=True)
class Tile:
    """A figure as the home page shows it: its measure's label and definition, its value and
    comparison in French, and the link to the list behind it, already filtered."""

    key: str
    label: str
    value: str
    caption: str
    comparison: str
    help: str
    url: str
    exact: bool


@dataclass(frozen=True)
class Shortcut:
    """A module the user may open, below the figures."""

    label: str
    route: str
    section: str
    description: str


@dataclass(frozen=True)
class MonthBar:
    """A month of the direction's chart: bar heights in euros (a chart needs numbers) and the
    same amounts written in French for the tooltip and the screen readers."""

    month: str
    label: str
    current: float
    previous: float
    current_text: str
    previous_text: str


def tile_of(figure: Figure) -> Tile:
    return Tile(
        key=figure.measure.value,
        label=figure.label,
        value=figure.value,
        caption=figure.caption,
        comparison=figure.comparison,
        help=figure.definition,
        url=routes.drill_url(Drill(figure.drill, figure.drill_filters, figure.drill_exact)),
        exact=figure.drill_exact,
    )


def _tiles(figures: tuple[Figure, ...]) -> list[Tile]:
    return [tile_of(figure) for figure in figures]


def _bar(month: MonthRevenue) -> MonthBar:
    return MonthBar(
        month=month.short_label,
        label=month.label,
        current=float(month.excl_vat),
        previous=float(month.previous_excl_vat),
        current_text=formats.money(month.excl_vat),
        previous_text=formats.money(month.previous_excl_vat),
    )


class HomeState(AppState):
    shortcuts: list[Shortcut] = []
    desks: list[str] = []
    """The `Desk` values shown, in order."""
    direction: list[Tile] = []
    months: list[MonthBar] = []
    sales: list[Tile] = []
    bookings: list[Tile] = []
    accounting: list[Tile] = []
    updated_at: str = ""
    _stamp: str = ""
    _watch: int = 0
    _watching: int = 0

    @rx.var
    def months_title(self) -> str:
        if not self.months:
            return ""
        return f"CA HT par mois, {self.months[0].label} – {self.months[-1].label}, et N-1"

    def _fill(self, actor: Actor, today: date) -> None:
        """Counts every figure of the actor's desks (a desk he lacks a right for is left out)."""
        shown: list[str] = []
        self.direction, self.months, self.sales, self.bookings, self.accounting = (
            [],
            [],
            [],
            [],
            [],
        )
        with session_scope() as session:
            for desk in workdesk.desks(actor):
                try:
                    if desk is Desk.DIRECTION:
                        home = dashboard.direction_home(session, actor, today)
                        self.direction = _tiles(home.figures.tiles)
                        self.months = [_bar(month) for month in home.months]
                    elif desk is Desk.SALES:
                        self.sales = _tiles(workdesk.sales_figures(session, actor, today).tiles)
                    elif desk is Desk.BOOKINGS:
                        self.bookings = _tiles(
                            workdesk.booking_figures(session, actor, today).tiles
                        )
                    else:
                        ages = dashboard.accounting_figures(session, actor, today)
                        work = workdesk.invoicing_figures(session, actor, today)
                        self.accounting = _tiles(
                            (ages.receivables, *ages.buckets, ages.payments_week, *work.tiles)
                        )
                except AccessDenied:
                    continue
                shown.append(desk.value)
            self._stamp = self._stamp_of(workdesk.last_change(session), today)
        self.desks = shown
        self.updated_at = formats.moment(utcnow())

    @staticmethod
    def _stamp_of(change: int, today: date) -> str:
        return f"{change}:{today.isoformat()}"

    @rx.event
    def open_home(self):
        actor = self._require_signed_in()
        self.shortcuts = [
            Shortcut(entry.label, entry.route, entry.section, entry.description)
            for entry in routes.visible_entries(actor)
            if entry.route != routes.HOME
        ]
        self._fill(actor, formats.today())
        self._watch += 1
        if self.desks:
            return HomeState.watch(self._watch)

    @rx.event(background=True)
    async def watch(self, ticket: int):
        """While the home page stays open, asks every few seconds whether a dossier, an invoice,
        a payment or a client changed (or the day turned), and counts the figures again only
        then; stops when the user leaves the page or opens it again elsewhere in the tab."""
        async with self:
            self._require_signed_in()
            if ticket != self._watch or self._watching == ticket:
                return
            self._watching = ticket
        waited = 0
        while waited < LIVE_MAX_SECONDS:
            await asyncio.sleep(LIVE_SECONDS)
            waited += LIVE_SECONDS
            async with self:
                if ticket != self._watch or (self.router.url.path or "/") != routes.HOME:
                    return
                try:
                    actor = self._require_signed_in()
                except AccessProblem:
                    return
                self._refresh_if_changed(actor, formats.today())

    def _refresh_if_changed(self, actor: Actor, today: date) -> bool:
        """One round of the live page: counts again only when something changed."""
        with session_scope() as session:
            stamp = self._stamp_of(workdesk.last_change(session), today)
        if stamp == self._stamp:
            return False
        self._fill(actor, today)
        return True
