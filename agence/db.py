"""Database engine and the unit of work used by every user action."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import NoInspectionAvailable
from sqlmodel import Session, create_engine

from agence.services.common.identifiers import record_id
from agence.settings import get_settings


class AgenceSession(Session):
    """The unit of work; a lookup by an id no row can have (0, negative, past the `integer`
    range, not a number) finds nothing instead of raising from the driver."""

    def get(self, entity, ident, *args, **kwargs):
        if _has_integer_key(entity) and record_id(ident) is None:
            return None
        return super().get(entity, ident, *args, **kwargs)


@cache
def _has_integer_key(entity: type) -> bool:
    """A table keyed by one integer column (string keys such as a numbering series pass)."""
    try:
        keys: tuple[Any, ...] = tuple(sa_inspect(entity).primary_key)
        return len(keys) == 1 and keys[0].type.python_type is int
    except (NoInspectionAvailable, NotImplementedError):
        return False


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    # SQLite's own lower() folds ASCII only: « ÉCOLE » must match « école » as on PostgreSQL
    # (case-insensitive uniqueness, ILIKE searches).
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        connect_args={"options": POSTGRES_SESSION_OPTIONS},
    )


POSTGRES_SESSION_OPTIONS = "-c jit=off"
"""PostgreSQL's JIT compiles a statement whose estimated cost is high before running it: for
the app's statements (aggregates over indexed ranges, a few hundred milliseconds at most) the
compilation costs more than it saves — measured on the statistics bench, the direction's
home took 7.2 s with it and 3.7 s without. Set per connection, so the server's own setting
stays as the administrator left it."""


def get_engine() -> Engine:
    return engine_for(get_settings().database_url)


@contextmanager
def session_scope() -> Iterator[AgenceSession]:
    """One transaction: committed when the block ends normally, rolled back otherwise."""
    with AgenceSession(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
