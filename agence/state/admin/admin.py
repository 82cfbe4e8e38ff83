"""Administration console: users, profiles and rights, audit log."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.db import session_scope
from agence.services.admin import users
from agence.services.admin.audit_log import AUDIT_LIST
from agence.services.admin.profiles import PROFILES
from agence.services.admin.users import USERS
from agence.services.common.forms import FormErrors
from agence.services.common.listing import ListSpec
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import RecordNotFound
from agence.state.common.base import AppState
from agence.state.common.forms import FormMixin
from agence.state.common.listing import ListMixin


class UsersListState(ListMixin, AppState):
    def _resource(self):
        return USERS


class UserFormState(FormMixin, AppState):
    active: bool = True
    lock_status: str = ""
    password_errors: dict[str, str] = {}
    password_form_key: int = 0

    def _resource(self):
        return USERS

    def _list_route(self) -> str:
        return routes.ADMIN_USERS

    def _after_load(self, actor: Actor) -> None:
        self.password_errors = {}
        self.active = self.values.get("active") == "on"
        if self._record_id is not None:
            with session_scope() as session:
                self.lock_status = users.lock_status(session, self.values.get("email", ""))

    @rx.event
    def set_active(self, active: bool):
        actor = self._require(Module.ADMINISTRATION, Action.EDIT)
        if self._record_id is None:
            return
        try:
            with session_scope() as session:
                users.set_active(session, actor, self._record_id, bool(active))
        except FormErrors as problem:
            return self._toast_problem(problem, "Action impossible.")
        except RecordNotFound:
            self.not_found = True
            return
        self.active = bool(active)
        self.values = {**self.values, "active": "on" if active else ""}
        self.form_key += 1
        return rx.toast.success("Compte réactivé." if active else "Compte désactivé.")

    @rx.event
    def reset_password(self, form_data: dict):
        actor = self._require(Module.ADMINISTRATION, Action.EDIT)
        if self._record_id is None:
            return
        try:
            with session_scope() as session:
                users.reset_password(
                    session, actor, self._record_id, str(form_data.get("password", ""))
                )
        except FormErrors as problem:
            self.password_errors = problem.errors
            return
        except RecordNotFound:
            self.not_found = True
            return
        self.password_errors = {}
        self.lock_status = ""
        self.password_form_key += 1
        return rx.toast.success(
            "Mot de passe provisoire enregistré : l'utilisateur devra le changer à sa connexion."
        )


class ProfilesListState(ListMixin, AppState):
    def _resource(self):
        return PROFILES


class ProfileFormState(FormMixin, AppState):
    def _resource(self):
        return PROFILES

    def _list_route(self) -> str:
        return routes.ADMIN_PROFILES


class AuditListState(ListMixin, AppState):
    def _list_spec(self) -> ListSpec:
        return AUDIT_LIST

    def _list_module(self) -> Module:
        return Module.ADMINISTRATION
