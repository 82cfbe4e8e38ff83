"""Shared fixtures: a real database (SQLite, and PostgreSQL when AGENCE_TEST_DATABASE_URL is set),
migrated once per run with Alembic, emptied after each test.

Under pytest-xdist (`make test` runs the non-browser tests on two workers, the browser tests in
a process of their own beside them) each worker has its own: its SQLite file in its own data
folder, and on PostgreSQL a database of its own beside AGENCE_TEST_DATABASE_URL's (suffixed
with the worker's name, created at start, dropped at the end).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_DATA_DIR = Path(tempfile.mkdtemp(prefix="agence-tests-"))
os.environ["AGENCE_DATA_DIR"] = str(_DATA_DIR)
os.environ["AGENCE_SECRET_KEY"] = "test-secret-key-not-for-production"
os.environ.pop("AGENCE_DATABASE_URL", None)

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

import agence.models  # noqa: E402,F401
from agence.settings import get_settings  # noqa: E402

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
"""« gw0 », « gw1 »… under pytest-xdist; empty in a plain run."""
POSTGRES_URL = os.environ.get("AGENCE_TEST_DATABASE_URL", "").strip()
SQLITE_URL = f"sqlite:///{_DATA_DIR / 'unit.db'}"


def pytest_collection_modifyitems(items):
    """Browser tests last: the fast tests fail first, and the one app server starts late."""
    items.sort(key=lambda item: "/e2e/" in str(item.fspath))


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def require_postgres(url: str) -> None:
    """A test that needs PostgreSQL fails loudly when it cannot reach it."""
    try:
        engine = create_engine(url)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001
        pytest.fail(
            f"AGENCE_TEST_DATABASE_URL is set but PostgreSQL cannot be reached ({url}): {exc}",
            pytrace=False,
        )


def derived_postgres_url(suffix: str) -> str:
    """A fresh database beside the test database (created empty, for one purpose)."""
    base = make_url(POSTGRES_URL)
    name = f"{base.database}_{suffix}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def _worker_postgres_url() -> str:
    """This worker's own database beside the configured one (left as configured when it
    cannot be made: `require_postgres` then says why)."""
    try:
        return derived_postgres_url(WORKER)
    except Exception:  # noqa: BLE001 - reported by the first test that needs PostgreSQL
        return POSTGRES_URL


if WORKER and POSTGRES_URL:
    POSTGRES_URL = _worker_postgres_url()


def pytest_unconfigure(config) -> None:
    if WORKER and POSTGRES_URL.endswith(f"_{WORKER}"):
        drop_postgres_database(POSTGRES_URL)  # its connections closed by FORCE


def point_settings_at(url: str) -> None:
    os.environ["AGENCE_DATABASE_URL"] = url
    get_settings.cache_clear()


@pytest.fixture(scope="session", params=backends())
def database_url(request) -> Iterator[str]:
    """Each test using the database runs on SQLite, and on PostgreSQL when configured."""
    from agence.cli import upgrade_database
    from agence.db import engine_for

    url = SQLITE_URL if request.param == "sqlite" else POSTGRES_URL
    if request.param == "postgresql":
        require_postgres(url)
        engine = create_engine(url)
        with engine.begin() as connection:
            SQLModel.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        engine.dispose()
    point_settings_at(url)
    upgrade_database(url)
    yield url
    engine_for(url).dispose()


def _empty_tables(url: str) -> None:
    from agence.db import engine_for

    with engine_for(url).begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def db(database_url: str) -> Iterator[str]:
    """An empty, migrated database for one test; the app's settings point at it."""
    point_settings_at(database_url)
    _empty_tables(database_url)
    yield database_url
    _empty_tables(database_url)


@pytest.fixture
def session(db: str) -> Iterator[Session]:
    """A session for the test's own set-up and checks (committed explicitly)."""
    from agence.db import get_engine

    with Session(get_engine(), expire_on_commit=False) as s:
        yield s
