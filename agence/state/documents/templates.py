"""« Courriers et e-mails » (the editable texts, previewed live on a real dossier) and
« Messagerie » (the SMTP account, with a test message)."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from agence import routes
from agence.db import session_scope
from agence.models import User
from agence.services.common import files
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import AccessDenied, Action, Module
from agence.services.common.records import RecordNotFound
from agence.services.documents import issuing, templates
from agence.services.documents.content import KIND_LABELS, LANGUAGES, DocumentKind
from agence.services.settings import mail_settings
from agence.state.common.base import AppState

MAX_PART = 20000


class TemplatesState(AppState):
    kind: str = DocumentKind.QUOTE.value
    language: str = "fr"
    parts: dict[str, str] = {}
    shown_parts: list[list[str]] = []
    customised: bool = False
    can_edit: bool = False
    errors: dict[str, str] = {}
    rendered: dict[str, str] = {}
    preview_errors: dict[str, str] = {}
    reference: str = ""
    reference_error: str = ""
    preview_source: str = ""
    placeholders: list[list[str]] = []
    _context: dict[str, Any] = {}

    @rx.var
    def kinds(self) -> list[list[str]]:
        return [[kind.value, label] for kind, label in KIND_LABELS.items()]

    @rx.var
    def languages(self) -> list[list[str]]:
        return [[code, label] for code, label in LANGUAGES.items()]

    def _load_texts(self) -> None:
        kind = DocumentKind(self.kind)
        with session_scope() as session:
            self.parts = dict(templates.effective_texts(session, kind, self.language))
            self.customised = templates.is_customised(session, kind, self.language)
        self.shown_parts = [
            [part, templates.PART_LABELS[part]] for part in templates.PARTS_BY_KIND[kind]
        ]
        self.errors = {}
        self._preview()

    def _preview(self) -> None:
        context = self._context or templates.sample_context(self.language)
        self.rendered, self.preview_errors = templates.preview(
            dict(self.parts), context, self.language
        )

    @rx.event
    def load_templates(self):
        actor = self._require(Module.PARAMETERS, Action.SEE)
        self.can_edit = actor.can(Module.PARAMETERS, Action.EDIT)
        self.placeholders = [list(entry) for entry in templates.PLACEHOLDERS]
        self._context, self.preview_source, self.reference_error = {}, "", ""
        self._load_texts()

    @rx.event
    def choose(self, name: str, value: str):
        self._require(Module.PARAMETERS, Action.SEE)
        if name == "kind" and value in {kind.value for kind in DocumentKind}:
            self.kind = value
        elif name == "language" and value in LANGUAGES:
            self.language = value
        else:
            return
        self._context, self.preview_source = {}, ""
        self._load_texts()

    @rx.event
    def edit_part(self, part: str, value: str):
        self._require(Module.PARAMETERS, Action.EDIT)
        if part not in templates.PARTS:
            return
        self.parts = {**self.parts, part: str(value)[:MAX_PART]}
        self.errors = {k: v for k, v in self.errors.items() if k != part}
        self._preview()

    @rx.event
    def preview_on(self, form_data: dict):
        """Previews the texts on a real dossier (its reference) instead of the sample."""
        actor = self._require(Module.PARAMETERS, Action.SEE)
        reference = str(form_data.get("reference") or "").strip()[:30]
        self.reference, self.reference_error = reference, ""
        if not reference:
            self._context, self.preview_source = {}, ""
            self._preview()
            return
        try:
            with session_scope() as session:
                booking = issuing.find_booking(session, actor, reference)
                self._context = issuing.document_context(
                    session,
                    actor,
                    booking.id or 0,
                    issuing.DocumentRequest(DocumentKind(self.kind), self.language),
                )
        except FormErrors as problem:
            self.reference_error = next(iter(problem.errors.values()))
            return
        except (RecordNotFound, AccessDenied):
            self.reference_error = "Aucun dossier à cette référence."
            return
        self.preview_source = booking.reference
        self._preview()

    @rx.event
    def preview_pdf(self):
        """The document of the chosen dossier printed with the texts as typed (unsaved)."""
        actor = self._require(Module.PARAMETERS, Action.SEE)
        if not self.preview_source:
            self.reference_error = "Indiquez d'abord la référence d'un dossier."
            return
        try:
            with session_scope() as session:
                booking = issuing.find_booking(session, actor, self.preview_source)
                made = issuing.make_document(
                    session,
                    actor,
                    booking.id or 0,
                    issuing.DocumentRequest(DocumentKind(self.kind), self.language),
                    texts=dict(self.parts),
                )
        except FormErrors as problem:
            self.reference_error = next(iter(problem.errors.values()))
            return
        except (RecordNotFound, AccessDenied):
            self.reference_error = "Aucun dossier à cette référence."
            return
        path = files.new_export_path("pdf")
        path.write_bytes(made.data)
        token = files.download_token(path, actor.user_id, made.file_name)
        return rx.download(url=f"{routes.DOWNLOAD_API}/{token}", filename=made.file_name)

    @rx.event
    def save(self):
        actor = self._require(Module.PARAMETERS, Action.EDIT)
        try:
            with session_scope() as session:
                templates.save_template(
                    session, actor, DocumentKind(self.kind), self.language, dict(self.parts)
                )
        except FormErrors as problem:
            self.errors = problem.errors
            return rx.toast.error("Modèle refusé : voir les erreurs sous les textes.")
        self.errors, self.customised = {}, True
        return rx.toast.success("Modèle enregistré.")

    @rx.event
    def reset_texts(self):
        actor = self._require(Module.PARAMETERS, Action.EDIT)
        with session_scope() as session:
            templates.reset_template(session, actor, DocumentKind(self.kind), self.language)
        self._load_texts()
        return rx.toast.success("Textes d'origine rétablis.")


class MailSettingsState(AppState):
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    can_edit: bool = False
    has_password: bool = False
    test_to: str = ""
    test_result: str = ""
    test_ok: bool = False
    testing: bool = False

    @rx.event
    def load_mail(self):
        actor = self._require(Module.PARAMETERS, Action.SEE)
        self.can_edit = actor.can(Module.PARAMETERS, Action.EDIT)
        with session_scope() as session:
            self.values = mail_settings.form_values(session)
            user = session.get(User, actor.user_id)
            self.test_to = user.email if user else ""
        self.has_password = self.values.get("password_stored") == "1"
        self.errors, self.test_result = {}, ""

    @rx.event
    def save(self, form_data: dict):
        actor = self._require(Module.PARAMETERS, Action.EDIT)
        values = {str(k): str(v)[:500] for k, v in form_data.items()}
        try:
            with session_scope() as session:
                mail_settings.save(session, actor, values)
        except FormErrors as problem:
            self.errors = problem.errors
            self.values = {**self.values, **{k: v for k, v in values.items() if k != "password"}}
            return
        self.load_mail()
        return rx.toast.success("Messagerie enregistrée.")

    @rx.event(background=True)
    async def send_test(self, form_data: dict):
        """Sends a short message through the saved account and shows the server's answer."""
        async with self:
            actor = self._require(Module.PARAMETERS, Action.EDIT)
            if self.testing:
                return
            self.testing, self.test_result = True, ""
            to = str(form_data.get("test_to") or "")[:254]
            self.test_to = to

        delivery = await asyncio.to_thread(mail_settings.send_test_message, actor, to)
        async with self:
            self.testing, self.test_ok = False, delivery.accepted
            prefix = "Accepté par le serveur : " if delivery.accepted else "Échec : "
            self.test_result = prefix + delivery.answer
