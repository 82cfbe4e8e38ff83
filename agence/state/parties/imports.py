"""The import page: upload, column mapping, check, import with progress."""

from __future__ import annotations

import asyncio
import json
import secrets

import reflex as rx

from agence import routes
from agence.db import session_scope
from agence.services.bookings import bookings
from agence.services.common import files
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Module
from agence.services.common.records import RecordNotFound
from agence.services.parties import imports
from agence.services.parties.choices import Choice
from agence.services.parties.imports import ErrorRow
from agence.settings import get_settings
from agence.state.common.base import AppState

PREVIEW_ROWS = 10


def _stash_path(token: str):
    return get_settings().data_dir / "imports" / f"{token}.json"


def _read_and_stash(file_name: str, data: bytes, token: str) -> imports.Table:
    table = imports.read_table(file_name, data)
    path = _stash_path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"headers": table.headers, "rows": table.rows}))
    return table


class ImportMixin(rx.State, mixin=True):
    """One import page per module: its targets are the importable lists of that module."""

    target: str = ""
    file_name: str = ""
    headers: list[str] = []
    preview: list[list[str]] = []
    row_count: int = 0
    mapping: dict[str, str] = {}
    field_options: list[Choice] = []
    file_error: str = ""
    mapping_error: str = ""
    report_lines: list[ErrorRow] = []
    report_summary: str = ""
    report_ok: bool = False
    checked: bool = False
    running: bool = False
    progress: int = 0
    result: str = ""
    _token: str = ""

    def _module(self) -> Module:
        raise NotImplementedError

    def _import_parent(self) -> int | None:
        """The file every imported line goes under, for a page that imports into one."""
        return None

    def _targets(self) -> dict[str, imports.Target]:
        return imports.targets_of(self._module())

    def _options(self) -> None:
        target = imports.TARGETS[self.target]
        self.field_options = imports.field_options(target)

    def _table(self) -> imports.Table | None:
        if not self._token:
            return None
        path = _stash_path(self._token)
        if not path.is_file():
            return None
        data = json.loads(path.read_text())
        return imports.Table(headers=data["headers"], rows=data["rows"])

    def _forget_report(self) -> None:
        self.report_lines, self.report_summary, self.report_ok = [], "", False
        self.checked, self.result, self.mapping_error = False, "", ""

    @rx.event
    def open_import(self):
        self._require(self._module(), Action.CREATE)
        if self.target not in self._targets():
            self.target = str(next(iter(self._targets())))
        self._options()
        self._forget_report()
        self.running, self.progress = False, 0

    @rx.event
    def choose_target(self, target: str):
        self._require(self._module(), Action.CREATE)
        if target not in self._targets():
            return
        self.target = target
        self._options()
        table = self._table()
        if table is not None:
            self.mapping = imports.guess_mapping(imports.TARGETS[target], table.headers)
        self._forget_report()

    @rx.event
    async def upload_file(self, uploads: list[rx.UploadFile]):
        self._require(self._module(), Action.CREATE)
        if not uploads or self.target not in self._targets():
            return
        upload = uploads[0]
        data = await upload.read(imports.MAX_BYTES + 1)
        name = files.clean_file_name(upload.filename or "", default="")
        token = secrets.token_urlsafe(16)
        try:
            # Reading a big workbook takes seconds: off the event loop, which serves everyone.
            table = await asyncio.to_thread(_read_and_stash, name, data, token)
        except FormErrors as problem:
            self.file_error = problem.errors.get("file", "Fichier refusé.")
            return
        self._token = token
        self.file_name = name
        self.file_error = ""
        self.headers = table.headers
        self.preview = table.rows[:PREVIEW_ROWS]
        self.row_count = len(table.rows)
        self.mapping = imports.guess_mapping(imports.TARGETS[self.target], table.headers)
        self._options()
        self._forget_report()

    @rx.event
    def map_column(self, index: str, field: str):
        self._require(self._module(), Action.CREATE)
        if self.target not in self._targets():
            return
        valid = {option.value for option in imports.field_options(imports.TARGETS[self.target])}
        if str(index) in self.mapping and field in valid:
            self.mapping = {**self.mapping, str(index): field}
            self._forget_report()

    def _show(self, report: imports.ImportReport) -> None:
        self.report_lines = report.shown_errors()
        self.report_ok = not report.errors
        self.report_summary = report.summary

    @rx.event(background=True)
    async def check_file(self):
        async with self:
            actor = self._require(self._module(), Action.CREATE)
        await self._run(actor, import_it=False, only_valid=False)

    @rx.event(background=True)
    async def import_file(self, only_valid: bool):
        async with self:
            actor = self._require(self._module(), Action.CREATE)
        await self._run(actor, import_it=True, only_valid=bool(only_valid))

    async def _run(self, actor, *, import_it: bool, only_valid: bool) -> None:
        async with self:
            if self.running:
                return
            table = self._table()
            if table is None:
                self.file_error = "Déposez d'abord un fichier."
                return
            self.running, self.progress, self.result, self.mapping_error = True, 0, "", ""
            target, mapping = self.target, dict(self.mapping)
            parent_id = self._import_parent()
        progress = imports.Progress()

        def work():
            with session_scope() as session:
                if import_it:
                    return imports.run_import(
                        session,
                        actor,
                        target,
                        table,
                        mapping,
                        only_valid=only_valid,
                        progress=progress,
                        parent_id=parent_id,
                    )
                return imports.check(
                    session, actor, target, table, mapping, progress=progress, parent_id=parent_id
                )

        task = asyncio.create_task(asyncio.to_thread(work))
        while not task.done():
            await asyncio.sleep(0.5)
            async with self:
                self.progress = int(100 * progress.done / max(1, progress.total))
        async with self:
            self.running = False
            self.progress = 100
            try:
                report = task.result()
            except FormErrors as problem:
                self.mapping_error = next(iter(problem.errors.values()))
                return
            except RecordNotFound:
                self.mapping_error = "Dossier introuvable."
                return
            self._show(report)
            self.checked = True
            if import_it:
                self.result = (
                    f"{report.imported} ligne(s) importée(s)."
                    if report.imported
                    else "Rien n'a été importé : des lignes sont à corriger."
                )


class ImportState(ImportMixin, AppState):
    """Clients or suppliers."""

    def _module(self) -> Module:
        return Module.THIRD_PARTIES


class RateImportState(ImportMixin, AppState):
    """The catalogue's tariffs."""

    def _module(self) -> Module:
        return Module.CATALOGUE


class ParticipantImportState(ImportMixin, AppState):
    """A dossier's participants, under the dossier named by the page's URL."""

    booking_url: str = ""

    def _module(self) -> Module:
        return Module.BOOKINGS

    def _import_parent(self) -> int | None:
        raw = self._page_param(routes.RECORD_PARAM)
        return int(raw) if raw.isdigit() and len(raw) < 12 else None

    @rx.event
    def open_participant_import(self):
        actor = self._require(Module.BOOKINGS, Action.CREATE)
        self.booking_url = ""
        booking_id = self._import_parent()
        if booking_id is None:
            return
        try:
            with session_scope() as session:
                bookings.get_booking(session, actor, booking_id)
        except RecordNotFound:
            return
        self.booking_url = routes.record_url(routes.BOOKINGS, booking_id)
        return ParticipantImportState.open_import
