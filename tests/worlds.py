"""Shared worlds: a set of dossiers, invoices and payments built once per backend and given
back, row for row, to every test that asks for it.

Building a world through the services (demo agency, dossiers, issued invoices with their PDFs,
payments) takes seconds; many tests only read it. `shared_world(build)` makes a fixture that
runs `build` the first time a backend needs it, keeps a copy of every table's rows, and for
each later test puts those rows back into the emptied database (the `db` fixture empties it
before and after each test). A test may write on top of the world: the next one gets the
original rows again. Stored files (invoice PDFs) stay on disk between tests, as the rows that
point at them do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Select, Table, select, text
from sqlmodel import Session, SQLModel

from agence.db import engine_for, get_engine
from agence.services.common import formats


@dataclass(frozen=True)
class Snapshot:
    """Every table's rows, in the order the tables can be filled (parents first)."""

    tables: tuple[tuple[Table, tuple[dict[str, Any], ...]], ...]


def in_key_order(table: Table) -> Select:
    return select(table).order_by(*table.primary_key.columns)


def take_snapshot(url: str) -> Snapshot:
    with engine_for(url).connect() as connection:
        return Snapshot(
            tuple(
                (
                    table,
                    tuple(dict(row) for row in connection.execute(in_key_order(table)).mappings()),
                )
                for table in SQLModel.metadata.sorted_tables
            )
        )


def restore_snapshot(url: str, snapshot: Snapshot) -> None:
    """Puts the rows back into an emptied database, in one transaction. Ids are restored as
    they were: PostgreSQL's sequences only move forward, SQLite takes the largest id + 1, so
    rows a test adds never collide with the world's. The rows were consistent when taken, so
    their foreign keys are not checked again row by row (a row may point at a later row of its
    own table): deferred to the commit on SQLite, not fired on PostgreSQL (the replica role,
    for this transaction only; the test server's user is a superuser)."""
    with engine_for(url).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            connection.execute(text("PRAGMA defer_foreign_keys = ON"))
        for table, rows in snapshot.tables:
            if rows:
                connection.execute(table.insert(), list(rows))


def shared_world(
    build: Callable[[Session], dict[str, Any]], *, today: date | None = None, name: str = "world"
) -> Any:
    """A fixture named `name` giving `build`'s world; `today` fixes the agency's day while the
    world is built and during each test."""
    built: dict[str, tuple[dict[str, Any], Snapshot]] = {}

    @pytest.fixture(name=name)
    def world_fixture(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
        if today is not None:
            monkeypatch.setattr(formats, "today", lambda: today)
        if db in built:
            world, snapshot = built[db]
            restore_snapshot(db, snapshot)
        else:
            with Session(get_engine(), expire_on_commit=False) as session:
                world = build(session)
            built[db] = (world, take_snapshot(db))
        yield dict(world)

    return world_fixture
