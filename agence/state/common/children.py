"""The records inside a file (a client's contacts, addresses…): a listing of the open file's
records with a dialog to add or edit one. The file comes from the page's URL and stays on the
server; the list is narrowed to it by a server-side condition."""

from __future__ import annotations

import reflex as rx

from agence.db import session_scope
from agence.services.common import records
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action
from agence.services.common.records import RecordNotFound
from agence.state.common.forms import SAVED
from agence.state.common.listing import ListMixin


class ChildMixin(ListMixin, mixin=True):
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    choices: dict[str, list[list[str]]] = {}
    dialog_open: bool = False
    dialog_title: str = ""
    form_key: int = 0
    can_edit: bool = False
    can_delete: bool = False
    editing_existing: bool = False
    _parent_id: int | None = None
    _child_id: int | None = None
    _form_ready: bool = False

    def _conditions(self) -> tuple:
        resource = self._resource()
        column = getattr(resource.model, resource.parent_field)
        return (column == (self._parent_id if self._parent_id is not None else -1),)

    @rx.event
    def load_children(self):
        """On the file's page: finds the file (within the user's reach), lists its records."""
        resource = self._resource()
        actor = self._require(resource.module, Action.SEE)
        self._parent_id = None
        self.dialog_open = False
        self.rows, self.total, self.selected = [], 0, []
        record_id = self._record_id_param()
        if record_id is None:
            return
        try:
            with session_scope() as session:
                records.get_parent(session, actor, resource, record_id)
        except RecordNotFound:
            return
        self._parent_id = record_id
        self.page, self.search, self.filters = 1, "", {}
        self.sort, self.desc = resource.list_spec().default_sort, resource.list_spec().default_desc
        self.can_create = actor.can(resource.module, resource.action_for(Action.CREATE))
        self.can_export = actor.can(resource.module, Action.EXPORT)
        self._refresh(actor)

    def _open(self, child_id: int | None) -> None:
        resource = self._resource()
        actor = self._require(resource.module, Action.SEE)
        self._form_ready = False
        if self._parent_id is None:
            return
        try:
            with session_scope() as session:
                self.values = records.form_for(session, actor, resource, child_id, self._parent_id)
                self.choices = {
                    name: [list(option) for option in options]
                    for name, options in resource.choices(session, self._parent_id).items()
                }
        except RecordNotFound:
            return self._refresh(actor)
        self._child_id = child_id
        self.editing_existing = child_id is not None
        self.dialog_title = resource.new_title if child_id is None else resource.entity.capitalize()
        action = Action.CREATE if child_id is None else Action.EDIT
        self.can_edit = actor.can(resource.module, resource.action_for(action))
        self.can_delete = child_id is not None and actor.can(
            resource.module, resource.action_for(Action.DELETE)
        )
        self.errors = {}
        self.form_key += 1
        self.dialog_open = True
        self._form_ready = True

    @rx.event
    def open_new(self):
        resource = self._resource()
        self._require(resource.module, resource.action_for(Action.CREATE))
        self._open(None)

    @rx.event
    def open_existing(self, row_id: str):
        self._require(self._resource().module, Action.SEE)
        if str(row_id).isdigit():
            self._open(int(row_id))

    @rx.event
    def close_dialog(self):
        self._require(self._resource().module, Action.SEE)
        self.dialog_open = False
        self._form_ready = False

    @rx.event
    def dialog_changed(self, is_open: bool):
        """The dialog closed by Escape or a click outside."""
        self._require(self._resource().module, Action.SEE)
        if not is_open:
            self.dialog_open = False
            self._form_ready = False

    @rx.event
    def save_child(self, form_data: dict):
        resource = self._resource()
        action = Action.CREATE if self._child_id is None else Action.EDIT
        actor = self._require(resource.module, resource.action_for(action))
        if not self._form_ready or self._parent_id is None:
            return
        try:
            with session_scope() as session:
                record = records.save(
                    session, actor, resource, self._child_id, form_data, self._parent_id
                )
                label = resource.describe(record)
        except FormErrors as problem:
            self.errors = problem.errors
            return self._toast_problem(problem)
        except RecordNotFound:
            self.dialog_open = False
            return
        self.dialog_open = False
        self._form_ready = False
        self._refresh(actor)
        return [rx.toast.success(f"{SAVED} {label}"), *self._after_child_change()]

    @rx.event
    def delete_child(self):
        resource = self._resource()
        actor = self._require(resource.module, resource.action_for(Action.DELETE))
        if not self._form_ready or self._parent_id is None or self._child_id is None:
            return
        try:
            with session_scope() as session:
                records.delete(session, actor, resource, self._child_id, self._parent_id)
        except FormErrors as problem:
            self.errors = problem.errors
            return self._toast_problem(problem)
        except RecordNotFound:
            pass
        self.dialog_open = False
        self._form_ready = False
        self._refresh(actor)
        return [rx.toast.success("Supprimé."), *self._after_child_change()]

    def _after_child_change(self) -> list:
        """Events to run after a change (e.g. reload the file's summary)."""
        return []
