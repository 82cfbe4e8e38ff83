"""The dossier's « Fournisseurs » tab: each service's booking with its supplier, and the
exchanges noted."""

from __future__ import annotations

import reflex as rx

from agence.db import session_scope
from agence.services.bookings import bookings, supplier_side
from agence.services.bookings.supplier_side import SupplierCard
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import RecordNotFound
from agence.state.common.base import AppState


class BookingSuppliersState(AppState):
    """« Fournisseurs »: per supplier, the services to book and the exchanges."""

    suppliers: list[SupplierCard] = []
    can_change: bool = False
    error: str = ""
    exchange_open: bool = False
    exchange_supplier: str = ""
    exchange_name: str = ""
    exchange_errors: dict[str, str] = {}
    _booking_id: int | None = None

    def _reload(self, actor: Actor) -> None:
        with session_scope() as session:
            self.suppliers = supplier_side.supplier_view(session, actor, self._booking_id or 0)

    @rx.event
    def load_suppliers(self):
        actor = self._require(Module.BOOKINGS, Action.SEE)
        self.suppliers, self._booking_id, self.error = [], None, ""
        record_id = self._record_id_param()
        if record_id is None:
            return
        try:
            with session_scope() as session:
                bookings.get_booking(session, actor, record_id)
        except RecordNotFound:
            return
        self._booking_id = record_id
        self.can_change = actor.can(Module.BOOKINGS, Action.EDIT)
        self._reload(actor)

    @rx.event
    def update_service(self, line_id: str, field: str, value: str):
        actor = self._require(Module.BOOKINGS, Action.EDIT)
        if self._booking_id is None or field not in ("status", "reference", "option_until"):
            return
        current = next(
            (
                service
                for supplier in self.suppliers
                for service in supplier.services
                if service.line_id == str(line_id)
            ),
            None,
        )
        if current is None:
            return
        wanted = {
            "status": current.status,
            "reference": current.reference,
            "option_until": current.option_until,
            field: str(value)[:60],
        }
        try:
            with session_scope() as session:
                supplier_side.set_service_booking(
                    session,
                    actor,
                    self._booking_id,
                    int(line_id),
                    wanted["status"],
                    wanted["reference"],
                    wanted["option_until"],
                )
        except FormErrors as problem:
            self.error = next(iter(problem.errors.values()))
            self._reload(actor)
            return rx.toast.error(self.error)
        except RecordNotFound:
            self._reload(actor)
            return
        self.error = ""
        self._reload(actor)

    @rx.event
    def open_exchange(self, supplier_id: str):
        self._require(Module.BOOKINGS, Action.EDIT)
        found = next((s for s in self.suppliers if s.id == str(supplier_id)), None)
        if found is None:
            return
        self.exchange_supplier, self.exchange_name = found.id, found.name
        self.exchange_errors, self.exchange_open = {}, True

    @rx.event
    def close_exchange(self, is_open: bool = False):
        self._require(Module.BOOKINGS, Action.SEE)
        self.exchange_open = bool(is_open)

    @rx.event
    def save_exchange(self, form_data: dict):
        actor = self._require(Module.BOOKINGS, Action.EDIT)
        if self._booking_id is None or not self.exchange_supplier.isdigit():
            return
        try:
            with session_scope() as session:
                supplier_side.record_exchange(
                    session,
                    actor,
                    self._booking_id,
                    int(self.exchange_supplier),
                    str(form_data.get("kind", "")),
                    str(form_data.get("direction", "")),
                    str(form_data.get("summary", "")),
                )
        except FormErrors as problem:
            self.exchange_errors = problem.errors
            return
        except RecordNotFound:
            self.exchange_open = False
            return
        self.exchange_open = False
        self._reload(actor)
        return rx.toast.success("Échange noté.")
