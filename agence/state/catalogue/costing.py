"""The costing screen: the costing being typed lives here as text; every change is priced at once
by the pure engine (no database), and only a product added or a change of day, group size or
client re-reads the catalogue. « Enregistrer » writes the costing and its lines in one
transaction."""

from __future__ import annotations

import reflex as rx
from sqlmodel import select

from agence import routes
from agence.db import session_scope
from agence.models.catalogue import CatalogueDossier
from agence.services.catalogue import costings
from agence.services.catalogue.costings import (
    COSTINGS,
    LINE_FIELD_NAMES,
    CostingSummary,
    GridRow,
    LineResult,
    ProductHit,
)
from agence.services.catalogue.products import PRODUCTS_LIST
from agence.services.common import identifiers, records
from agence.services.common.forms import FormErrors
from agence.services.common.listing import ChoiceFilter
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import RecordNotFound
from agence.state.common.base import AppState
from agence.state.common.forms import FIX_ERRORS, NOT_READY, SAVED

CATALOGUE_READ_FIELDS = ("service_date", "paying", "client_id", "grid")
"""Header fields whose change re-reads the tariffs (of the day, the group size, each size of
the grid) and the client's preferential rates."""
BOOL_FIELDS = ("for_paying", "for_free", "for_staff")


class CostingMixin(rx.State, mixin=True):
    """The costing screen's behaviour; a page names its module and finds its costing."""

    header: dict[str, str] = {}
    lines: list[dict[str, str]] = []
    header_errors: dict[str, str] = {}
    line_errors: list[str] = []
    line_results: list[LineResult] = []
    summary: CostingSummary = CostingSummary()
    has_results: bool = False
    """Whether the costing as typed can be priced (else « Résultat » asks to fix the fields)."""
    grid: list[GridRow] = []
    client_options: list[list[str]] = []
    type_options: list[list[str]] = []
    supplier_options: list[list[str]] = []
    search_text: str = ""
    search_type: str = ""
    search_supplier: str = ""
    search_results: list[ProductHit] = []
    title: str = ""
    is_new: bool = True
    not_found: bool = False
    loaded: bool = False
    can_edit: bool = False
    can_delete: bool = False
    dirty: bool = False
    template_of: str = ""
    template_url: str = ""
    locked_fields: list[str] = []
    """Header fields the page shows but does not let change (a dossier's title, client…)."""
    read_only_reason: str = ""
    form_key: int = 0
    _costing_id: int | None = None
    _ready: bool = False

    def _edit_action(self) -> Action:
        return Action.CREATE if self._costing_id is None else Action.EDIT

    def _reprice(self) -> None:
        result = costings.evaluate(self.header, self.lines)
        self.header_errors = result.header_errors
        self.line_errors = result.line_errors
        self.line_results = result.line_results
        self.has_results = result.summary is not None
        self.summary = result.summary or CostingSummary()
        self.grid = result.grid

    def _load_options(self, actor: Actor) -> None:
        with session_scope() as session:
            self.client_options = [list(o) for o in costings.client_choices(session, actor)]
            filters = {f.key: f for f in PRODUCTS_LIST.filters if isinstance(f, ChoiceFilter)}
            self.type_options = [list(o) for o in filters["product_type"].choices(session)]
            self.supplier_options = [list(o) for o in filters["supplier"].choices(session)]

    def _module(self) -> Module:
        raise NotImplementedError

    def _open(self, session, actor: Actor, raw: str) -> tuple[dict[str, str], list[dict[str, str]]]:
        """Finds the page's costing (sets `_costing_id`, the links and locks), or raises
        RecordNotFound; returns it as text."""
        raise NotImplementedError

    def _wanted_action(self, raw: str) -> Action:
        return Action.CREATE if raw == routes.NEW_RECORD else Action.SEE

    def _store(self, session, actor: Actor):
        """Writes the costing (a dossier's page goes through its dossier's rules)."""
        return costings.save_costing(
            session, actor, self._costing_id, self.header, self.lines, self._module()
        )

    def _saved_route(self, costing_id: int) -> str:
        raise NotImplementedError

    @rx.event
    def load(self):
        raw = self._page_param(routes.RECORD_PARAM)
        actor = self._require(self._module(), self._wanted_action(raw))
        self._ready, self.loaded, self.not_found, self.dirty = False, False, False, False
        self.search_text, self.search_results = "", []
        self.template_of, self.template_url, self.read_only_reason = "", "", ""
        self.locked_fields = []
        if raw != routes.NEW_RECORD and not identifiers.is_record_id(raw):
            self.not_found = True
            return
        try:
            with session_scope() as session:
                header, lines = self._open(session, actor, raw)
        except RecordNotFound:
            self.not_found = True
            return
        self.header, self.lines = header, lines
        self.is_new = self._costing_id is None
        self.title = header["name"] or COSTINGS.new_title
        self.can_edit = actor.can(self._module(), self._edit_action()) and not self.read_only_reason
        self.can_delete = not self.is_new and actor.can(self._module(), Action.DELETE)
        self._load_options(actor)
        self._reprice()
        self.form_key += 1
        self.loaded, self._ready = True, True

    @rx.event
    def set_header(self, name: str, value: str):
        actor = self._require(self._module(), self._edit_action())
        if not self._ready or name not in self.header or name in self.locked_fields:
            return
        if name == "client_id" and str(value).strip():
            with session_scope() as session:
                reachable = str(value).isdigit() and costings.accessible_client(
                    session, actor, int(value)
                )
            if not reachable:
                self.header_errors = {**self.header_errors, "client_id": "Client introuvable."}
                return
        self.header = {**self.header, name: str(value)[:2000]}
        if name in CATALOGUE_READ_FIELDS and any(line.get("product_id") for line in self.lines):
            self._refresh_catalogue(actor)
        self.dirty = True
        self._reprice()

    def _refresh_catalogue(self, actor: Actor) -> None:
        with session_scope() as session:
            self.lines = costings.refresh_catalogue_lines(session, self.header, self.lines, actor)

    def _set_line(self, index: int, name: str, value: str) -> None:
        if not self._ready or name not in LINE_FIELD_NAMES or not 0 <= index < len(self.lines):
            return
        lines = list(self.lines)
        lines[index] = costings.edit_line(lines[index], name, value[:200])
        self.lines = lines
        self.dirty = True
        self._reprice()

    @rx.event
    def set_line(self, index: int, name: str, value: str):
        self._require(self._module(), self._edit_action())
        self._set_line(int(index), str(name), str(value))

    @rx.event
    def tick_line(self, index: int, name: str, ticked: bool):
        self._require(self._module(), self._edit_action())
        if name in BOOL_FIELDS:
            self._set_line(int(index), name, costings.ON if ticked else "")

    @rx.event
    def add_blank_line(self):
        self._require(self._module(), self._edit_action())
        if not self._ready or len(self.lines) >= costings.MAX_LINES:
            return
        self.lines = [*self.lines, costings.blank_line()]
        self.dirty = True
        self._reprice()

    @rx.event
    def remove_line(self, index: int):
        self._require(self._module(), self._edit_action())
        if not self._ready or not 0 <= int(index) < len(self.lines):
            return
        self.lines = costings.without(self.lines, int(index))
        self.dirty = True
        self._reprice()

    @rx.event
    def attach_line(self, index: int, parent_key: str):
        """« Rattachée à »: a related service goes with the line it belongs to."""
        self._require(self._module(), self._edit_action())
        if not self._ready or not 0 <= int(index) < len(self.lines):
            return
        self.lines = costings.attach(self.lines, int(index), str(parent_key))
        self.dirty = True
        self._reprice()

    @rx.event
    def move_line(self, index: int, step: int):
        self._require(self._module(), self._edit_action())
        if not self._ready:
            return
        self.lines = costings.moved(self.lines, int(index), int(step))
        self.dirty = True
        self._reprice()

    def _search(self) -> None:
        with session_scope() as session:
            self.search_results = costings.search_products(
                session, self.search_text, self.search_type, self.search_supplier
            )

    @rx.event
    def search_changed(self, text: str):
        self._require(self._module(), Action.SEE)
        self.search_text = str(text)[:100]
        self._search()

    @rx.event
    def search_filter_changed(self, name: str, value: str):
        self._require(self._module(), Action.SEE)
        if name == "product_type":
            self.search_type = str(value)
        elif name == "supplier":
            self.search_supplier = str(value)
        self._search()

    @rx.event
    def add_product(self, product_id: str):
        actor = self._require(self._module(), self._edit_action())
        if (
            not self._ready
            or not str(product_id).isdigit()
            or len(self.lines) >= costings.MAX_LINES
        ):
            return
        try:
            with session_scope() as session:
                line = costings.line_from_product(session, int(product_id), self.header, actor)
        except RecordNotFound:
            return rx.toast.error("Cette prestation n'existe plus.")
        self.lines = [*self.lines, line]
        self.dirty = True
        self._reprice()
        return rx.toast.success(f"Ajouté : {line['label']}")

    @rx.event
    def save(self):
        actor = self._require(self._module(), self._edit_action())
        if not self._ready or not self.can_edit:
            return rx.toast.error(NOT_READY if not self._ready else self.read_only_reason)
        created = self._costing_id is None
        try:
            with session_scope() as session:
                costing = self._store(session, actor)
                saved_id, name = costing.id, costing.name
        except FormErrors as problem:
            self.header_errors = {**self.header_errors, **problem.errors}
            message = problem.errors.get("") or problem.errors.get("lines") or FIX_ERRORS
            return rx.toast.error(message)
        except RecordNotFound:
            self.not_found = True
            return
        self.dirty = False
        toast = rx.toast.success(f"{SAVED} {name}")
        if created:
            return [toast, rx.redirect(self._saved_route(saved_id or 0))]
        self.title = name
        return toast


class CostingState(CostingMixin, AppState):
    """A quick costing or a catalogue dossier's, under the catalogue's rights."""

    def _module(self) -> Module:
        return Module.CATALOGUE

    def _open(self, session, actor: Actor, raw: str):
        if raw == routes.NEW_RECORD:
            self._costing_id = None
            return costings.default_header(), []
        costing_id = int(raw)
        header, lines = costings.costing_values(session, actor, costing_id)
        self._costing_id = costing_id
        dossier = session.exec(
            select(CatalogueDossier).where(CatalogueDossier.costing_id == costing_id)
        ).first()
        if dossier is not None:
            self.template_of = dossier.name
            self.template_url = routes.record_url(routes.CATALOGUE_DOSSIERS, dossier.id)
        return header, lines

    def _saved_route(self, costing_id: int) -> str:
        return routes.record_url(routes.CATALOGUE_COSTINGS, costing_id)

    @rx.event
    def delete(self):
        actor = self._require(self._module(), Action.DELETE)
        if not self._ready or self._costing_id is None:
            return
        try:
            with session_scope() as session:
                records.delete(session, actor, COSTINGS, self._costing_id)
        except FormErrors as problem:
            return self._toast_problem(problem)
        except RecordNotFound:
            self.not_found = True
            return
        return [rx.toast.success("Supprimé."), rx.redirect(routes.CATALOGUE_COSTINGS)]
