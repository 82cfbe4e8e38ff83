"""Documents and correspondence of a dossier: make a PDF, keep it, e-mail it (one message or one
per supplier in the background), and the correspondence logs of dossiers, clients, suppliers."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from agence import routes
from agence.db import session_scope
from agence.services.bookings import bookings
from agence.services.common import files
from agence.services.common.forms import FormErrors
from agence.services.common.listing import ListSpec
from agence.services.common.permissions import AccessDenied, Action, Actor, Module
from agence.services.common.records import RecordNotFound
from agence.services.documents import builder, correspondence, issuing
from agence.services.documents.content import KIND_LABELS, LANGUAGES, SUPPLIER_KINDS, DocumentKind
from agence.state.bookings.dossier import BookingDocumentsState
from agence.state.bookings.supplier_side import BookingSuppliersState
from agence.state.common.base import AppState
from agence.state.common.listing import ListMixin

CLIENT_KINDS = (
    DocumentKind.QUOTE,
    DocumentKind.CONTRACT,
    DocumentKind.AMENDMENT,
    DocumentKind.PROFORMA,
    DocumentKind.ROAD_BOOK,
)
BATCH_POLL_SECONDS = 0.3


class DossierDocumentsState(AppState):
    """The « Documents » tab's maker: which document, preview, keep, send."""

    kind: str = DocumentKind.QUOTE.value
    language: str = "fr"
    supplier_id: str = ""
    version: str = ""
    with_grid: bool = False
    suppliers: list[list[str]] = []
    versions: list[list[str]] = []
    kinds: list[list[str]] = []
    can_send: bool = False
    errors: dict[str, str] = {}
    busy: bool = False
    # The sending dialog
    send_open: bool = False
    to: str = ""
    cc: str = ""
    subject: str = ""
    body: str = ""
    file_name: str = ""
    suggestions: list[str] = []
    also_choices: list[list[str]] = []
    send_errors: dict[str, str] = {}
    sending: bool = False
    # Bulk sending to every supplier
    batch_running: bool = False
    batch_done: int = 0
    batch_total: int = 0
    batch_report: str = ""
    _booking_id: int | None = None
    _invoice_id: int | None = None
    """Set while the dialog sends an issued invoice rather than a document made now."""

    @rx.var
    def is_supplier_kind(self) -> bool:
        return self.kind in {kind.value for kind in SUPPLIER_KINDS}

    @rx.var
    def batch_percent(self) -> int:
        return int(100 * self.batch_done / self.batch_total) if self.batch_total else 0

    @rx.event
    def load_maker(self):
        actor = self._require(Module.BOOKINGS, Action.SEE)
        self._booking_id, self.errors, self.batch_report = None, {}, ""
        record_id = self._record_id_param()
        if record_id is None:
            return
        try:
            with session_scope() as session:
                booking = bookings.get_booking(session, actor, record_id)
                self.suppliers = [
                    [str(s.id), s.name] for s in builder.suppliers_of(session, booking)
                ]
                language = issuing.client_language(session, booking)
                confirmed, version = booking.confirmed_version, booking.version
        except RecordNotFound:
            return
        self._booking_id = record_id
        self.language = language
        self.kinds = [
            [kind.value, KIND_LABELS[kind]]
            for kind in (*CLIENT_KINDS, *SUPPLIER_KINDS)
            if (kind != DocumentKind.CONTRACT or confirmed)
            and (kind != DocumentKind.AMENDMENT or version > 1)
        ]
        if self.kind not in {value for value, _ in self.kinds}:
            self.kind = DocumentKind.QUOTE.value
        self.versions = [
            [str(number), f"Avenant n° {number - 1} (version {number})"]
            for number in range(version, 1, -1)
        ]
        self.version = self.versions[0][0] if self.versions else ""
        self.supplier_id = self.suppliers[0][0] if self.suppliers else ""
        self.can_send = actor.can(Module.BOOKINGS, Action.EDIT)

    @rx.event
    def set_choice(self, name: str, value: Any):
        self._require(Module.BOOKINGS, Action.SEE)
        if name == "kind" and str(value) in {kind.value for kind in DocumentKind}:
            self.kind = str(value)
        elif name == "language" and str(value) in LANGUAGES:
            self.language = str(value)
        elif name == "supplier_id" and str(value) in {sid for sid, _ in self.suppliers}:
            self.supplier_id = str(value)
        elif name == "version" and str(value) in {number for number, _ in self.versions}:
            self.version = str(value)
        elif name == "with_grid":
            self.with_grid = bool(value)
        self.errors = {}

    def _request(self) -> issuing.DocumentRequest:
        return issuing.parse_request(
            {
                "kind": self.kind,
                "language": self.language,
                "supplier_id": self.supplier_id,
                "version": self.version if self.kind == DocumentKind.AMENDMENT else "",
                "with_grid": self.with_grid,
            }
        )

    def _made(self, actor: Actor, *, keep: bool) -> issuing.MadeDocument | None:
        """The chosen document made now (and kept when asked), or None with the problem shown
        next to its field."""
        if self._booking_id is None:
            return None
        try:
            with session_scope() as session:
                made = issuing.make_document(session, actor, self._booking_id, self._request())
                if keep:
                    issuing.keep_document(session, actor, self._booking_id, made)
        except FormErrors as problem:
            self.errors = problem.errors
            return None
        except RecordNotFound:
            return None
        self.errors = {}
        return made

    @rx.event
    def preview(self):
        """The PDF as the dossier is now, through a short-lived signed link."""
        actor = self._require(Module.BOOKINGS, Action.SEE)
        made = self._made(actor, keep=False)
        if made is None:
            return
        path = files.new_export_path("pdf")
        path.write_bytes(made.data)
        token = files.download_token(path, actor.user_id, made.file_name)
        return rx.download(url=f"{routes.DOWNLOAD_API}/{token}", filename=made.file_name)

    @rx.event
    def keep(self):
        """Keeps the document as it is now (e.g. handed over signed) among the dossier's."""
        actor = self._require(Module.BOOKINGS, Action.EDIT)
        made = self._made(actor, keep=True)
        if made is None:
            return
        return [
            rx.toast.success(f"{made.title} conservé dans les documents du dossier."),
            BookingDocumentsState.load_documents,
        ]

    @rx.event
    def open_send(self):
        actor = self._require(Module.BOOKINGS, Action.EDIT)
        if self._booking_id is None:
            return
        try:
            request = self._request()
            with session_scope() as session:
                draft = issuing.email_draft(session, actor, self._booking_id, request)
        except FormErrors as problem:
            self.errors = problem.errors
            return
        except RecordNotFound:
            return
        self.errors, self.send_errors = {}, {}
        self.to, self.cc = draft["to"], ""
        self.subject, self.body = draft["subject"], draft["body"]
        self.file_name, self.suggestions = draft["file_name"], draft["suggestions"]
        self.also_choices = [
            [kind.value, KIND_LABELS[kind]]
            for kind in issuing.also_attachable(request)
            if kind.value in {value for value, _ in self.kinds}
        ]
        self._invoice_id = None
        self.send_open = True

    @rx.event
    def open_invoice_send(self, invoice_id: str):
        """The same dialog for an issued invoice: its stored Factur-X PDF, the « Facture »
        template."""
        actor = self._require(Module.BOOKINGS, Action.EDIT)
        if self._booking_id is None or not str(invoice_id).isdigit():
            return
        try:
            with session_scope() as session:
                draft = issuing.invoice_email_draft(session, actor, int(invoice_id))
        except FormErrors as problem:
            return self._toast_problem(problem, None)
        except (RecordNotFound, AccessDenied):
            return
        self.send_errors = {}
        self.to, self.cc = draft["to"], ""
        self.subject, self.body = draft["subject"], draft["body"]
        self.file_name, self.suggestions = draft["file_name"], draft["suggestions"]
        self.also_choices = []
        self._invoice_id = int(invoice_id)
        self.send_open = True

    @rx.event
    def close_send(self):
        self._require(Module.BOOKINGS, Action.SEE)
        self.send_open, self.send_errors = False, {}

    @rx.event
    def add_recipient(self, email: str, current: str = ""):
        """Adds a contact's address to « À » (keeping what was typed there)."""
        self._require(Module.BOOKINGS, Action.EDIT)
        typed = str(current)[:2000] if current is not None else self.to
        if email in self.suggestions and email not in typed:
            self.to = f"{typed}, {email}" if typed.strip() else email

    @rx.event(background=True)
    async def send(self, form_data: dict):
        """Records the message with its kept documents (one transaction), then hands it to the
        SMTP server off the event loop; the log says what the server answered."""
        async with self:
            actor = self._require(Module.BOOKINGS, Action.EDIT)
            if self._booking_id is None or self.sending:
                return
            booking_id = self._booking_id
            values = {
                name: str(form_data.get(name) or "")[:limit]
                for name, limit in (("to", 2000), ("cc", 2000), ("subject", 300), ("body", 20000))
            }
            self.to, self.cc = values["to"], values["cc"]
            self.subject, self.body = values["subject"], values["body"]
            choices = {value for value, _ in self.also_choices}
            also = tuple(DocumentKind(kind) for kind in choices if form_data.get(f"also:{kind}"))
            invoice_id = self._invoice_id
            try:
                request = self._request() if invoice_id is None else None
            except FormErrors as problem:
                self.send_errors = problem.errors
                return
            self.sending, self.send_errors = True, {}

        def queue() -> int:
            with session_scope() as session:
                if invoice_id is not None:
                    return issuing.queue_invoice_email(session, actor, invoice_id, values)
                assert request is not None
                return issuing.queue_email(session, actor, booking_id, request, values, also=also)

        try:
            message_id = await asyncio.to_thread(queue)
        except FormErrors as problem:
            async with self:
                self.sending, self.send_errors = False, problem.errors
            return
        except (RecordNotFound, AccessDenied):
            async with self:
                self.sending = False
            return
        message = await asyncio.to_thread(correspondence.deliver_recorded, message_id)
        async with self:
            self.sending = False
            self.send_open = False
        refresh = [
            BookingMessagesState.load_messages,
            BookingDocumentsState.load_documents,
            BookingSuppliersState.load_suppliers,
        ]
        if message.status == correspondence.SENT:
            return [rx.toast.success(f"Message envoyé à {message.recipients}."), *refresh]
        return [
            rx.toast.error(
                f"Échec de l'envoi : {message.server_answer}. Le message est gardé dans la "
                "correspondance, vous pouvez le renvoyer.",
                duration=10000,
            ),
            *refresh,
        ]

    @rx.event(background=True)
    async def send_to_all_suppliers(self):
        """One message per supplier (request or voucher), sent in the background with a
        progress bar; a failure does not stop the others."""
        async with self:
            actor = self._require(Module.BOOKINGS, Action.EDIT)
            if self._booking_id is None or self.batch_running:
                return
            booking_id, language = self._booking_id, self.language
            kind = (
                DocumentKind(self.kind)
                if self.kind in {k.value for k in SUPPLIER_KINDS}
                else DocumentKind.SUPPLIER_REQUEST
            )
            self.batch_running, self.batch_done, self.batch_total = True, 0, 0
            self.batch_report, self.errors = "", {}

        def queue():
            with session_scope() as session:
                return issuing.queue_supplier_batch(session, actor, booking_id, kind, language)

        try:
            queued, skipped = await asyncio.to_thread(queue)
        except FormErrors as problem:
            async with self:
                self.batch_running, self.errors = False, problem.errors
            return
        except (RecordNotFound, AccessDenied):
            async with self:
                self.batch_running = False
            return
        async with self:
            self.batch_total = len(queued)
        counter = {"done": 0}

        def progress(done: int, _total: int, _message) -> None:
            counter["done"] = done

        task = asyncio.create_task(asyncio.to_thread(correspondence.send_batch, queued, progress))
        while not task.done():
            await asyncio.sleep(BATCH_POLL_SECONDS)
            async with self:
                self.batch_done = counter["done"]
        results = task.result()
        sent = sum(1 for message in results if message.status == correspondence.SENT)
        report = f"{sent} message(s) envoyé(s) sur {len(results)}."
        if len(results) - sent:
            report += f" {len(results) - sent} en échec (voir la correspondance)."
        if skipped:
            report += " Sans adresse e-mail : " + ", ".join(skipped) + "."
        async with self:
            self.batch_running, self.batch_done = False, len(results)
            self.batch_report = report
        return [
            BookingMessagesState.load_messages,
            BookingDocumentsState.load_documents,
            BookingSuppliersState.load_suppliers,
        ]


class MessagesMixin(ListMixin, mixin=True):
    """A correspondence log (of a dossier, a client or a supplier), with a message's detail
    and the retry of a failed one."""

    detail: dict[str, Any] = {}
    detail_open: bool = False
    can_retry: bool = False
    retrying: bool = False
    _owner_id: int | None = None

    def _owner_field(self) -> str:
        raise NotImplementedError

    def _owner_module(self) -> Module:
        return Module.BOOKINGS if self._owner_field() == "booking_id" else Module.THIRD_PARTIES

    def _list_module(self) -> Module:
        return self._owner_module()

    def _list_spec(self) -> ListSpec:
        return correspondence.MESSAGE_LISTS[self._owner_field()]

    def _conditions(self) -> tuple:
        return correspondence.owner_filter(self._owner_field(), self._owner_id or -1)

    def _check_owner(self, session, actor: Actor, owner_id: int) -> None:
        raise NotImplementedError

    @rx.event
    def load_messages(self):
        actor = self._require(self._owner_module(), Action.SEE)
        self._owner_id, self.rows, self.total, self.detail_open = None, [], 0, False
        record_id = self._record_id_param()
        if record_id is None:
            return
        try:
            with session_scope() as session:
                self._check_owner(session, actor, record_id)
        except RecordNotFound:
            return
        self._owner_id = record_id
        self.can_retry = actor.can(self._owner_module(), Action.EDIT)
        spec = self._list_spec()
        self.sort, self.desc, self.page = spec.default_sort, spec.default_desc, 1
        self._refresh(actor)

    @rx.event
    def open_message(self, message_id: str):
        actor = self._require(self._owner_module(), Action.SEE)
        if self._owner_id is None or not str(message_id).isdigit():
            return
        try:
            with session_scope() as session:
                detail = correspondence.message_detail(session, actor, int(message_id))
        except (RecordNotFound, AccessDenied):
            return
        if str(detail.get(self._owner_field(), "")) != str(self._owner_id):
            return
        self.detail, self.detail_open = detail, True

    @rx.event
    def close_message(self):
        self._require(self._owner_module(), Action.SEE)
        self.detail_open = False

    @rx.event(background=True)
    async def retry_message(self):
        """Sends a failed or interrupted message again, as it was (same text, same attachments,
        same Message-ID)."""
        async with self:
            actor = self._require(self._owner_module(), Action.EDIT)
            message_id = int(self.detail.get("id") or 0)
            if not message_id or self.retrying:
                return
            self.retrying = True

        def reset():
            with session_scope() as session:
                correspondence.retry(session, actor, message_id)

        try:
            await asyncio.to_thread(reset)
        except FormErrors as problem:
            async with self:
                self.retrying = False
            return self._toast_problem(problem, None)
        except (RecordNotFound, AccessDenied):
            async with self:
                self.retrying = False
            return
        message = await asyncio.to_thread(correspondence.deliver_recorded, message_id)

        def reload():
            with session_scope() as session:
                return correspondence.message_detail(session, actor, message_id)

        detail = await asyncio.to_thread(reload)
        async with self:
            self.retrying, self.detail = False, detail
            self._refresh(actor)
        if message.status == correspondence.SENT:
            return rx.toast.success("Message envoyé.")
        return rx.toast.error(f"Nouvel échec : {message.server_answer}", duration=10000)


class BookingMessagesState(MessagesMixin, AppState):
    def _owner_field(self) -> str:
        return "booking_id"

    def _check_owner(self, session, actor: Actor, owner_id: int) -> None:
        bookings.get_booking(session, actor, owner_id)


class ClientMessagesState(MessagesMixin, AppState):
    def _owner_field(self) -> str:
        return "client_id"

    def _check_owner(self, session, actor: Actor, owner_id: int) -> None:
        from agence.services.common.records import get_record
        from agence.services.parties.clients import CLIENTS

        get_record(session, CLIENTS, owner_id, actor)


class SupplierMessagesState(MessagesMixin, AppState):
    def _owner_field(self) -> str:
        return "supplier_id"

    def _check_owner(self, session, actor: Actor, owner_id: int) -> None:
        from agence.services.common.records import get_record
        from agence.services.parties.suppliers import SUPPLIERS

        get_record(session, SUPPLIERS, owner_id, actor)
