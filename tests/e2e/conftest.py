"""End-to-end fixtures: ONE production server (`reflex run --env prod`) per test run, against a
freshly migrated and seeded database, driven by Debian's headless Chromium through Playwright.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import (
    POSTGRES_URL,
    derived_postgres_url,
    drop_postgres_database,
    require_postgres,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("AGENCE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT = 600
DESKTOP = {"width": 1440, "height": 900}
TABLET = {"width": 820, "height": 1180}
PHONE = {"width": 390, "height": 844}


# CI machines are small and shared: assertions wait up to 15 s for the page to catch up.
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}", pytrace=False)


def _wait_until_served(base_url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the app server stopped:\n{log.read_text()[-4000:]}", pytrace=False)
        try:
            health = httpx.get(f"{base_url}/api/sante", timeout=2)
            page = httpx.get(f"{base_url}/connexion/", timeout=2, follow_redirects=True)
            if health.status_code == 200 and page.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    pytest.fail(f"the app server did not start in time:\n{log.read_text()[-4000:]}", pytrace=False)


SERVED: dict[str, str] = {}
"""The served app's database URL and data folder (`app_database_url`)."""


@pytest.fixture(scope="session")
def app_database_url(app_server: str) -> str:
    """The database the served app reads: a test may change it as a colleague would (through
    the services, with `tests.e2e.helpers.served_session`) and watch the page follow."""
    return SERVED["database_url"]


@pytest.fixture(scope="session")
def app_server() -> Iterator[str]:
    bun = PROJECT_ROOT / ".tools" / "bin" / "bun"
    if not bun.exists():
        pytest.fail("bun is missing: run the tests through `make test`.", pytrace=False)
    data_dir = Path(tempfile.mkdtemp(prefix="agence-e2e-"))
    if POSTGRES_URL:
        require_postgres(POSTGRES_URL)
        database_url = derived_postgres_url("e2e")
    else:
        database_url = f"sqlite:///{data_dir / 'e2e.db'}"
    SERVED.update(database_url=database_url, data_dir=str(data_dir))
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "AGENCE_DATABASE_URL": database_url,
        "AGENCE_DATA_DIR": str(data_dir),
        "AGENCE_SECRET_KEY": "e2e-secret",
        "AGENCE_ALLOWED_ORIGINS": f"{base_url},http://localhost:{port}",
        "PATH": f"{PROJECT_ROOT / '.tools' / 'bin'}:{PROJECT_ROOT / '.venv' / 'bin'}:"
        + os.environ.get("PATH", ""),
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "REFLEX_USE_GRANIAN": "true",
        "REFLEX_TELEMETRY_ENABLED": "false",
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    env.pop("REFLEX_REDIS_URL", None)
    agence = str(PROJECT_ROOT / ".venv" / "bin" / "agence")
    _run([agence, "db", "upgrade"], env)
    _run([agence, "seed", "--demo"], env)
    log = data_dir / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                str(PROJECT_ROOT / ".venv" / "bin" / "reflex"),
                "run",
                "--env",
                "prod",
                "--single-port",
                "--frontend-port",
                str(port),
                "--backend-port",
                str(port),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_served(base_url, process, log)
        yield base_url
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        if POSTGRES_URL:
            drop_postgres_database(database_url)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: run the tests through `make test`.", pytrace=False
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def _new_page(chromium, app_server: str, viewport: dict):
    context = chromium.new_context(
        base_url=app_server,
        viewport=viewport,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        accept_downloads=True,
    )
    context.set_default_timeout(20_000)
    return context, context.new_page()


@pytest.fixture
def page(chromium, app_server):
    context, page = _new_page(chromium, app_server, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def open_page(chromium, app_server):
    """Opens pages at other sizes (tablet, phone); all closed after the test."""
    contexts = []

    def opener(viewport: dict):
        context, page = _new_page(chromium, app_server, viewport)
        contexts.append(context)
        return page

    yield opener
    for context in contexts:
        context.close()
