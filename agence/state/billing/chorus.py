"""Chorus Pro: its access in the parameters, and the deposit and status of a public client's
invoice from the dossier's « Factures » tab (network calls off the event loop)."""

from __future__ import annotations

import asyncio

import reflex as rx

from agence.db import session_scope
from agence.services.billing import chorus, chorus_settings
from agence.services.common import identifiers
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import AccessDenied, Action, Module
from agence.services.common.records import RecordNotFound
from agence.state.billing.invoicing import DossierInvoicesState
from agence.state.common.base import AppState


class ChorusSettingsState(AppState):
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    can_edit: bool = False
    loaded: bool = False

    @rx.event
    def load_chorus(self):
        actor = self._require(Module.PARAMETERS, Action.SEE)
        self.can_edit = actor.can(Module.PARAMETERS, Action.EDIT)
        with session_scope() as session:
            self.values = chorus_settings.form_values(session)
        self.errors, self.loaded = {}, True

    @rx.event
    def save(self, form_data: dict):
        actor = self._require(Module.PARAMETERS, Action.EDIT)
        values = {str(k): str(v)[:400] for k, v in form_data.items()}
        try:
            with session_scope() as session:
                chorus_settings.save(session, actor, values)
        except FormErrors as problem:
            self.errors = problem.errors
            return
        self.load_chorus()
        return rx.toast.success("Accès Chorus Pro enregistré.")


class ChorusInvoiceState(AppState):
    """The deposit of an issued invoice on Chorus Pro, and its status."""

    working: str = ""  # the invoice being sent or polled

    async def _call(self, function, invoice_id: str, action: Action, done: str):
        async with self:
            actor = self._require(Module.INVOICING, action)
            if self.working or not identifiers.is_record_id(str(invoice_id)):
                return None
            self.working = str(invoice_id)
        try:
            invoice = await asyncio.to_thread(function, int(invoice_id), actor)
            message = rx.toast.success(f"{done} : {chorus.where_it_stands(invoice)}")
        except (FormErrors, chorus.ChorusError) as problem:
            message = self._toast_problem(problem, None, duration=10000)
        except (RecordNotFound, AccessDenied):
            message = None
        async with self:
            self.working = ""
        return [message, DossierInvoicesState.refresh] if message else None

    @rx.event(background=True)
    async def send(self, invoice_id: str):
        """Deposits the stored Factur-X PDF once; a second click is refused by the service."""
        async with self:
            self._require(Module.INVOICING, Action.EDIT)
        return await self._call(chorus.send_invoice, invoice_id, Action.EDIT, "Chorus Pro")

    @rx.event(background=True)
    async def poll(self, invoice_id: str):
        async with self:
            self._require(Module.INVOICING, Action.SEE)
        return await self._call(chorus.poll_status, invoice_id, Action.SEE, "Statut Chorus Pro")
