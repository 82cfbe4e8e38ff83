"""Documents of a client's or supplier's file: upload, list, remove (download goes through the
authenticated route of agence/api)."""

from __future__ import annotations

import reflex as rx

from agence.db import session_scope
from agence.models import PartyDocument
from agence.services.common import files, identifiers, records
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Module
from agence.services.common.records import RecordNotFound
from agence.services.documents import attachments
from agence.state.common.listing import ListMixin


class DocumentsMixin(ListMixin, mixin=True):
    document_error: str = ""
    _parent_id: int | None = None

    def _parent_field(self) -> str:
        raise NotImplementedError

    def _list_module(self) -> Module:
        return attachments.module_of(self._parent_field())

    def _conditions(self) -> tuple:
        column = getattr(PartyDocument, self._parent_field())
        return (column == (self._parent_id if self._parent_id is not None else -1),)

    @rx.event
    def load_documents(self):
        actor = self._require(self._list_module(), Action.SEE)
        self._parent_id = None
        self.rows, self.total, self.document_error = [], 0, ""
        record_id = self._record_id_param()
        if record_id is None:
            return
        try:
            with session_scope() as session:
                records.get_record(
                    session, attachments.PARENTS[self._parent_field()], record_id, actor
                )
        except RecordNotFound:
            return
        self._parent_id = record_id
        self.can_create = actor.can(self._list_module(), Action.EDIT)
        self.can_export = actor.can(self._list_module(), Action.EXPORT)
        spec = self._list_spec()
        self.sort, self.desc, self.page = spec.default_sort, spec.default_desc, 1
        self._refresh(actor)

    @rx.event
    async def upload_document(self, uploads: list[rx.UploadFile]):
        actor = self._require(self._list_module(), Action.EDIT)
        if self._parent_id is None or not uploads:
            return
        stored = 0
        for upload in uploads[:10]:
            data = await upload.read(attachments.MAX_BYTES + 1)
            name = files.clean_file_name(upload.filename or "")
            try:
                with session_scope() as session:
                    attachments.store_document(
                        session, actor, self._parent_field(), self._parent_id, name, data
                    )
            except FormErrors as problem:
                self.document_error = f"{name} : {problem.errors.get('document', '')}"
                break
            except RecordNotFound:
                return
            stored += 1
        else:
            self.document_error = ""
        self._refresh(actor)
        if stored:
            return rx.toast.success(f"{stored} document(s) déposé(s).")

    @rx.event
    def remove_document(self, document_id: str):
        actor = self._require(self._list_module(), Action.EDIT)
        wanted = identifiers.record_id(str(document_id))
        if self._parent_id is None or wanted is None:
            return
        try:
            with session_scope() as session:
                attachments.remove_document(
                    session, actor, self._parent_field(), self._parent_id, wanted
                )
        except FormErrors as problem:
            self._refresh(actor)
            return rx.toast.error(" ".join(problem.errors.values()))
        except RecordNotFound:
            self._refresh(actor)
            return rx.toast.error("Ce document n'existe plus.")
        self._refresh(actor)
        return rx.toast.success("Document retiré.")
