"""Invoices and payments: the dossier's « Factures » and « Règlements » tabs, the lists of
invoices, unpaid invoices and payments."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import reflex as rx

from agence import routes
from agence.db import session_scope
from agence.services.billing import export as invoice_export
from agence.services.billing import invoicing, payments, reading, supplier_invoices
from agence.services.bookings import bookings
from agence.services.common import files
from agence.services.common.forms import FormErrors
from agence.services.common.listing import ListSpec
from agence.services.common.permissions import AccessDenied, Action, Actor, Module
from agence.services.common.records import RecordNotFound
from agence.services.documents import attachments
from agence.state.common.base import AppState
from agence.state.common.listing import ListMixin


class DossierInvoicesState(AppState):
    """« Factures »: the dossier's invoices, drafts made, issued, corrected by a credit note;
    « Règlements »: what was paid against them and what remains."""

    invoices: list[reading.DossierInvoiceRow] = []
    balance: payments.BalanceFigures = payments.BalanceFigures()
    payment_rows: list[payments.DossierPaymentRow] = []
    open_invoices: list[list[str]] = []
    methods: list[list[str]] = []
    payment_defaults: dict[str, str] = {}
    can_create: bool = False
    can_issue: bool = False
    can_pay: bool = False
    can_deposit: bool = False
    can_allocate: bool = False
    has_credit: bool = False
    """May deposit on Chorus Pro (facturation:modifier)."""
    errors: dict[str, str] = {}
    dialog: str = ""  # "acompte", "avoir", "reglement" or ""
    credit_of: str = ""
    credit_label: str = ""
    busy: bool = False
    visible: bool = False
    """Whether the user may see invoices at all (the tabs are hidden otherwise)."""
    _booking_id: int | None = None

    def _reload(self, actor: Actor) -> None:
        with session_scope() as session:
            self.invoices = reading.invoices_of_booking(session, actor, self._booking_id or 0)
            if actor.can(Module.PAYMENTS, Action.SEE):
                balance = payments.booking_balance(session, actor, self._booking_id or 0)
                self.balance = balance.figures
                self.has_credit = balance.client_credit_amount > 0
                self.payment_rows = payments.payments_of_booking(
                    session, actor, self._booking_id or 0
                )
            else:
                self.balance, self.payment_rows = payments.BalanceFigures(), []
        self.open_invoices = [
            [row.id, f"{row.number} – reste {row.remaining}"]
            for row in self.invoices
            if row.payable
        ]

    @rx.event
    def load_invoices(self):
        """Loads with the dossier page; a user without the invoicing right simply has no tab."""
        actor = self._require_signed_in()
        self._booking_id, self.invoices, self.dialog, self.errors = None, [], "", {}
        self.visible = actor.can(Module.INVOICING, Action.SEE)
        if not self.visible:
            return
        record_id = self._record_id_param()
        if record_id is None:
            return
        try:
            with session_scope() as session:
                bookings.get_booking(session, actor, record_id)
                self.methods = [list(choice) for choice in payments.method_choices(session)]
        except RecordNotFound:
            return
        self.payment_defaults = payments.payment_defaults()
        self._booking_id = record_id
        self.can_create = actor.can(Module.INVOICING, Action.CREATE)
        self.can_issue = actor.can(Module.INVOICING, Action.VALIDATE)
        self.can_pay = actor.can(Module.PAYMENTS, Action.CREATE)
        self.can_deposit = actor.can(Module.INVOICING, Action.EDIT)
        self.can_allocate = actor.can(Module.PAYMENTS, Action.EDIT)
        self._reload(actor)

    @rx.event
    def refresh(self):
        """Re-reads the dossier's invoices (after a Chorus Pro deposit or status)."""
        actor = self._require(Module.INVOICING, Action.SEE)
        if self._booking_id is not None:
            self._reload(actor)

    def _run(self, actor: Actor, action, success: str, *, from_button: bool = False, **toast: Any):
        """One action in one transaction. Its refusal is kept in `errors`, which a dialog shows
        next to its fields; an action from a button has no fields to show them, so its first
        message becomes the toast (`toast`: options of `rx.toast.error`)."""
        if self._booking_id is None:
            return None
        try:
            with session_scope() as session:
                action(session)
        except FormErrors as problem:
            self.errors = problem.errors
            return self._toast_problem(problem, None, **toast) if from_button else None
        except RecordNotFound:
            return rx.toast.error("Facture introuvable.")
        self.errors, self.dialog = {}, ""
        self._reload(actor)
        return rx.toast.success(success)

    @rx.event
    def open_dialog(self, name: str, invoice_id: str = ""):
        module, action = {
            "reglement": (Module.PAYMENTS, Action.CREATE),
            "remboursement": (Module.PAYMENTS, Action.CREATE),
            "credit": (Module.PAYMENTS, Action.EDIT),
        }.get(name, (Module.INVOICING, Action.CREATE))
        self._require(module, action)
        if name not in ("acompte", "avoir", "reglement", "credit", "remboursement"):
            return
        self.errors, self.dialog, self.credit_of = {}, name, str(invoice_id)
        self.credit_label = next(
            (row.number for row in self.invoices if row.id == str(invoice_id)), ""
        )

    @rx.event
    def close_dialog(self, _open: Any = False):
        self._require(Module.INVOICING, Action.SEE)
        self.dialog, self.errors = "", {}

    @rx.event
    def create_deposit(self, form_data: dict):
        actor = self._require(Module.INVOICING, Action.CREATE)
        percent = str(form_data.get("percent") or "").strip()[:12]
        amount = str(form_data.get("amount") or "").strip()[:16]
        booking_id = self._booking_id or 0
        return self._run(
            actor,
            lambda session: invoicing.create_deposit(
                session, actor, booking_id, percent=percent or None, amount=amount or None
            ),
            "Facture d'acompte préparée (brouillon).",
        )

    @rx.event
    def create_final(self):
        actor = self._require(Module.INVOICING, Action.CREATE)
        booking_id = self._booking_id or 0
        return self._run(
            actor,
            lambda session: invoicing.create_final(session, actor, booking_id),
            "Facture de solde préparée (brouillon).",
            from_button=True,
        )

    @rx.event
    def create_credit_note(self, form_data: dict):
        actor = self._require(Module.INVOICING, Action.CREATE)
        if not self.credit_of.isdigit():
            return
        invoice_id = int(self.credit_of)
        amount = str(form_data.get("amount") or "").strip()[:16]
        reason = str(form_data.get("reason") or "").strip()[:300]
        return self._run(
            actor,
            lambda session: invoicing.create_credit_note(
                session, actor, invoice_id, amount=amount or None, reason=reason
            ),
            "Avoir préparé (brouillon).",
        )

    @rx.event
    def issue(self, invoice_id: str):
        """Numbers the draft and makes its Factur-X PDF; an issued invoice never changes."""
        actor = self._require(Module.INVOICING, Action.VALIDATE)
        if not str(invoice_id).isdigit():
            return
        return self._run(
            actor,
            lambda session: invoicing.issue(session, actor, int(invoice_id)),
            "Facture émise.",
            from_button=True,
            duration=10000,
        )

    @rx.event
    def delete_draft(self, invoice_id: str):
        actor = self._require(Module.INVOICING, Action.CREATE)
        if not str(invoice_id).isdigit():
            return
        return self._run(
            actor,
            lambda session: invoicing.delete_draft(session, actor, int(invoice_id)),
            "Brouillon supprimé.",
            from_button=True,
        )

    @rx.event
    def apply_credit(self, form_data: dict):
        """Settles one of the dossier's invoices out of the client's credit."""
        actor = self._require(Module.PAYMENTS, Action.EDIT)
        invoice_raw = str(form_data.get("invoice_id") or "")
        amount = str(form_data.get("amount") or "").strip()[:16]
        if not invoice_raw.isdigit():
            self.errors = {"invoice_id": "Choisissez la facture."}
            return
        return self._run(
            actor,
            lambda session: payments.apply_credit(session, actor, int(invoice_raw), amount or None),
            "Crédit du client affecté.",
        )

    @rx.event
    def refund(self, form_data: dict):
        """Gives back the client's credit (an overpayment, a credit note beyond its invoice)."""
        actor = self._require(Module.PAYMENTS, Action.CREATE)
        values = {
            name: str(form_data.get(name) or "")[:200]
            for name in ("received_on", "payment_method_id", "bank_reference", "payer")
        }
        amount = str(form_data.get("amount") or "")[:16]
        booking_id = self._booking_id or 0

        def give_back(session):
            booking = bookings.get_booking(session, actor, booking_id)
            payments.refund(session, actor, booking.client_id, amount, values)

        return self._run(actor, give_back, "Remboursement enregistré.")

    @rx.event
    def record_payment(self, form_data: dict):
        """A payment of the dossier's client, settled against the chosen invoice (the rest,
        if any, stays as the client's credit)."""
        actor = self._require(Module.PAYMENTS, Action.CREATE)
        if self._booking_id is None:
            return
        values = {
            name: str(form_data.get(name) or "")[:200]
            for name in ("received_on", "amount", "payment_method_id", "bank_reference", "payer")
        }
        invoice_raw = str(form_data.get("invoice_id") or "")
        booking_id = self._booking_id

        def record(session):
            booking = bookings.get_booking(session, actor, booking_id)
            payments.record_payment(
                session,
                actor,
                {**values, "client_id": str(booking.client_id)},
                payments.allocation_for(session, invoice_raw, values["amount"]),
            )

        return self._run(actor, record, "Règlement enregistré.")


class _InvoicingList(ListMixin, mixin=True):
    """A list whose row opens the dossier of the invoice or payment."""

    def _list_module(self) -> Module:
        return Module.INVOICING

    @rx.event
    def open_row(self, row_id: str):
        actor = self._require(self._list_module(), Action.SEE)
        if not str(row_id).isdigit():
            return
        try:
            with session_scope() as session:
                booking_id = self._booking_of(session, actor, int(row_id))
        except (RecordNotFound, AccessDenied):
            return
        if booking_id is None:
            return
        return rx.redirect(routes.record_url(routes.BOOKINGS, booking_id))

    def _booking_of(self, session, actor: Actor, row_id: int) -> int | None:
        return reading.booking_of_invoice(session, actor, row_id)


class InvoicesListState(_InvoicingList, AppState):
    export_error: str = ""
    exporting_period: bool = False

    def _list_spec(self) -> ListSpec:
        return reading.INVOICES_LIST

    @rx.event(background=True)
    async def export_period(self, form_data: dict):
        """The accountant's export: the period's issued invoices and credit notes as their
        stored Factur-X PDFs plus an Excel index, in one zip (written off the event loop)."""
        async with self:
            actor = self._require(Module.INVOICING, Action.EXPORT)
            if self.exporting_period:
                return
            try:
                since = date.fromisoformat(str(form_data.get("since") or ""))
                until = date.fromisoformat(str(form_data.get("until") or ""))
            except ValueError:
                self.export_error = "Indiquez les deux dates de la période."
                return
            self.exporting_period, self.export_error = True, ""

        def work():
            with session_scope() as session:
                return invoice_export.export_zip(session, actor, since, until)

        try:
            path = await asyncio.to_thread(work)
        except FormErrors as problem:
            async with self:
                self.exporting_period = False
                self.export_error = next(iter(problem.errors.values()))
            return
        async with self:
            self.exporting_period = False
        name = invoice_export.download_name(since, until)
        token = files.download_token(path, actor.user_id, name)
        return rx.download(url=f"{routes.DOWNLOAD_API}/{token}", filename=name)


class UnpaidListState(_InvoicingList, AppState):
    def _list_spec(self) -> ListSpec:
        return payments.UNPAID_LIST


class PaymentsListState(_InvoicingList, AppState):
    def _list_spec(self) -> ListSpec:
        return payments.PAYMENTS_LIST

    def _list_module(self) -> Module:
        return Module.PAYMENTS

    def _booking_of(self, session, actor: Actor, row_id: int) -> int | None:
        return payments.booking_of_payment(session, actor, row_id)


class SupplierInvoicesState(AppState):
    """The dossier's supplier invoices: what each supplier billed against what the costing
    expected (the real margin), with their PDF."""

    rows: list[supplier_invoices.SupplierInvoiceRow] = []
    comparison: list[supplier_invoices.SupplierCostRow] = []
    suppliers: list[list[str]] = []
    errors: dict[str, str] = {}
    dialog_open: bool = False
    pdf_name: str = ""
    can_edit: bool = False
    _booking_id: int | None = None
    _pdf: bytes = b""

    def _reload(self, actor: Actor) -> None:
        booking_id = self._booking_id or 0
        with session_scope() as session:
            self.rows = supplier_invoices.supplier_invoices_of_booking(session, actor, booking_id)
            self.comparison = supplier_invoices.expected_vs_invoiced(session, actor, booking_id)
            self.suppliers = [
                list(choice)
                for choice in supplier_invoices.supplier_choices(session, actor, booking_id)
            ]

    @rx.event
    def load_supplier_invoices(self):
        actor = self._require(Module.BOOKINGS, Action.SEE)
        self._booking_id, self.rows, self.comparison, self.dialog_open = None, [], [], False
        record_id = self._record_id_param()
        if record_id is None:
            return
        try:
            with session_scope() as session:
                bookings.get_booking(session, actor, record_id)
        except RecordNotFound:
            return
        self._booking_id = record_id
        self.can_edit = actor.can(Module.BOOKINGS, Action.EDIT)
        self._reload(actor)

    @rx.event
    def open_form(self):
        self._require(Module.BOOKINGS, Action.EDIT)
        self.errors, self.pdf_name, self._pdf, self.dialog_open = {}, "", b"", True

    @rx.event
    def close_form(self, _open: Any = False):
        self._require(Module.BOOKINGS, Action.SEE)
        self.dialog_open, self._pdf, self.pdf_name = False, b"", ""

    @rx.event
    async def hold_pdf(self, uploads: list[rx.UploadFile]):
        """Keeps the dropped PDF until the form is saved (one transaction writes both)."""
        self._require(Module.BOOKINGS, Action.EDIT)
        if not uploads:
            return
        upload = uploads[0]
        data = await upload.read(attachments.MAX_BYTES + 1)
        if len(data) > attachments.MAX_BYTES:
            self.errors = {"document": "Fichier trop lourd : 10 Mo au plus."}
            return
        self._pdf, self.pdf_name = data, files.clean_file_name(upload.filename or "", "facture.pdf")
        self.errors = {k: v for k, v in self.errors.items() if k != "document"}

    @rx.event
    def save(self, form_data: dict):
        actor = self._require(Module.BOOKINGS, Action.EDIT)
        if self._booking_id is None:
            return
        values = {str(k): str(v)[:1000] for k, v in form_data.items()}
        try:
            with session_scope() as session:
                supplier_invoices.record_supplier_invoice(
                    session, actor, self._booking_id, values, self.pdf_name, self._pdf
                )
        except FormErrors as problem:
            self.errors = problem.errors
            return
        self.dialog_open, self._pdf, self.pdf_name, self.errors = False, b"", "", {}
        self._reload(actor)
        return rx.toast.success("Facture fournisseur enregistrée.")

    @rx.event
    def remove(self, supplier_invoice_id: str):
        actor = self._require(Module.BOOKINGS, Action.EDIT)
        if self._booking_id is None or not str(supplier_invoice_id).isdigit():
            return
        try:
            with session_scope() as session:
                supplier_invoices.delete_supplier_invoice(
                    session, actor, self._booking_id, int(supplier_invoice_id)
                )
        except (FormErrors, RecordNotFound):
            return
        self._reload(actor)
