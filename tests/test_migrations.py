"""Alembic alone makes the schema: it builds it, takes it down, and matches the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from agence.cli import alembic_config
from agence.db import engine_for
from alembic import command
from tests.conftest import (
    _DATA_DIR,
    POSTGRES_URL,
    backends,
    derived_postgres_url,
    drop_postgres_database,
    require_postgres,
)


@pytest.fixture(params=backends())
def empty_database(request):
    if request.param == "sqlite":
        path = _DATA_DIR / "migrations.db"
        path.unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        return
    require_postgres(POSTGRES_URL)
    url = derived_postgres_url("migrations")
    yield url
    engine_for(url).dispose()
    drop_postgres_database(url)


def _differences(url: str) -> list:
    with engine_for(url).connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "target_metadata": SQLModel.metadata}
        )
        return compare_metadata(context, SQLModel.metadata)


def test_migrations_go_up_down_and_up_again_and_match_the_models(empty_database):
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    assert _differences(empty_database) == []

    command.downgrade(config, "base")
    tables = set(inspect(engine_for(empty_database)).get_table_names())
    assert tables <= {"alembic_version"}

    command.upgrade(config, "head")
    assert _differences(empty_database) == []
    engine_for(empty_database).dispose()
