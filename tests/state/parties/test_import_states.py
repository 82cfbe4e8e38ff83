"""The import page's state: an uploaded file is read off the event loop."""

from __future__ import annotations

import asyncio

from agence.services.parties import imports
from agence.state.parties.imports import ImportState
from tests.factories import make_user, reference_data


class _Upload:
    def __init__(self, name: str, data: bytes) -> None:
        self.filename, self._data = name, data

    async def read(self, size: int = -1) -> bytes:
        return self._data


def test_an_uploaded_file_is_read_off_the_event_loop(browser, session, monkeypatch):
    reference_data()
    browser.sign_in(make_user(session))
    browser.run(ImportState, "open_import")
    read_on_loop: list[bool] = []
    read_table = imports.read_table

    def spying_read_table(file_name: str, data: bytes) -> imports.Table:
        try:
            asyncio.get_running_loop()
            read_on_loop.append(True)
        except RuntimeError:  # a worker thread has no running loop
            read_on_loop.append(False)
        return read_table(file_name, data)

    monkeypatch.setattr(imports, "read_table", spying_read_table)
    browser.run(ImportState, "upload_file", [_Upload("c.csv", b"Raison sociale;Ville\nA;Tours\n")])
    assert read_on_loop == [False]
    state = browser.state(ImportState)
    assert (state.row_count, state.file_error) == (1, "")
    browser.run(ImportState, "upload_file", [_Upload("c.csv", b"Nom;Ville\nA;To\x00urs\n")])
    assert state.file_error.startswith("Ligne 2 : caractère nul refusé")
