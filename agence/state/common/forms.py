"""The form mechanism of every record page: load, live preview, save, delete.

A form state names its `Resource` and the route of its listing. The record's id comes from the
URL and is kept in a backend var: the browser never tells the server which record it saves.
"""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.db import session_scope
from agence.services.common import formats, records
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Actor
from agence.services.common.records import RecordNotFound, Resource
from agence.state.common.base import FIX_ERRORS  # noqa: F401  (importers keep this path)

SAVED = "Enregistré."
NOT_READY = "Ce formulaire n'est pas chargé : rechargez la page."


class FormMixin(rx.State, mixin=True):
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    choices: dict[str, list[list[str]]] = {}
    title: str = ""
    is_new: bool = True
    not_found: bool = False
    loaded: bool = False
    form_key: int = 0
    preview: str = ""
    can_edit: bool = False
    can_delete: bool = False
    record_key: str = ""
    """The open record's id, for links of the page (never trusted back from the browser)."""
    _record_id: int | None = None
    _ready: bool = False
    """True once `load` has found the record (or opened a new one) for this page."""

    def _resource(self) -> Resource:
        raise NotImplementedError

    def _list_route(self) -> str:
        raise NotImplementedError

    def _record_id_from_url(self) -> int | None | bool:
        """None for "nouveau", the id for a number, False for anything else."""
        raw = self._page_param(routes.RECORD_PARAM)
        if raw == routes.NEW_RECORD:
            return None
        return int(raw) if raw.isdigit() and len(raw) < 12 else False

    def _after_load(self, actor: Actor) -> None:
        """Extra data a page shows beside the form (override)."""

    def _on_errors(self, problem: FormErrors) -> None:
        """A page may show more of a refusal than the field messages (override)."""

    def _route_after_save(self, record_id: int) -> str:
        """Where a saved form leads: back to the listing, unless a page prefers its record."""
        return self._list_route()

    @rx.event
    def load(self):
        resource = self._resource()
        record_id = self._record_id_from_url()
        actor = self._require(resource.module, Action.CREATE if record_id is None else Action.SEE)
        self.errors = {}
        self.loaded = False
        self._ready = False
        self.not_found = False
        if record_id is False:
            self.not_found = True
            return
        try:
            with session_scope() as session:
                self.values = records.form_for(session, actor, resource, record_id)
                self.choices = {
                    name: [list(option) for option in options]
                    for name, options in resource.choices(session).items()
                }
                if record_id is not None:
                    record = records.get_record(session, resource, record_id)
                    self.title = resource.describe(record)
        except RecordNotFound:
            self.not_found = True
            return
        self._record_id = record_id
        self.record_key = str(record_id or "")
        self.is_new = record_id is None
        if self.is_new:
            self.title = resource.new_title
        self.can_edit = actor.can(resource.module, Action.CREATE if self.is_new else Action.EDIT)
        self.can_delete = (
            not self.is_new and resource.deletable and actor.can(resource.module, Action.DELETE)
        )
        self.preview = resource.preview(self.values, formats.today())
        self._after_load(actor)
        self.form_key += 1
        self.loaded = True
        self._ready = True

    @rx.event
    def field_changed(self, name: str, value: str):
        """Live preview while typing (e.g. the due date of a payment term)."""
        resource = self._resource()
        self._require(resource.module, Action.SEE)
        if name not in resource.live_fields:
            return
        self.values = {**self.values, name: str(value)}
        self.preview = resource.preview(self.values, formats.today())

    @rx.event
    def save(self, form_data: dict):
        resource = self._resource()
        actor = self._require(
            resource.module, Action.CREATE if self._record_id is None else Action.EDIT
        )
        if not self._ready:
            return rx.toast.error(NOT_READY)
        try:
            with session_scope() as session:
                record = records.save(session, actor, resource, self._record_id, form_data)
                label = resource.describe(record)
                saved_id = record.id
        except FormErrors as problem:
            self.errors = problem.errors
            self._on_errors(problem)
            return self._toast_problem(problem)
        except RecordNotFound:
            self.not_found = True
            return
        self.errors = {}
        return [rx.toast.success(f"{SAVED} {label}"), rx.redirect(self._route_after_save(saved_id))]

    @rx.event
    def delete(self):
        resource = self._resource()
        actor = self._require(resource.module, Action.DELETE)
        if not self._ready or self._record_id is None:
            return
        try:
            with session_scope() as session:
                records.delete(session, actor, resource, self._record_id)
        except FormErrors as problem:
            self.errors = problem.errors
            return self._toast_problem(problem)
        except RecordNotFound:
            self.not_found = True
            return
        return [rx.toast.success("Supprimé."), rx.redirect(self._list_route())]
