"""What every connection of the app is set up with, on each backend."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import make_url

from agence.db import get_engine


def test_each_connection_has_the_apps_settings(db):
    with get_engine().connect() as connection:
        if make_url(db).get_backend_name() == "postgresql":
            # JIT compilation costs more than it saves on the app's statements.
            assert connection.execute(text("SHOW jit")).scalar() == "off"
        else:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("SELECT lower('ÉCOLE')")).scalar() == "école"
