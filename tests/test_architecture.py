"""The architecture as checks that fail: the import contracts of pyproject.toml
([tool.importlinter]) and the type checker over the service areas."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# Every service area and the unit of work type-check clean; states and pages are not checked
# yet (Reflex's own annotations give false errors there: `.length()`, `EventNamespace`).
TYPED_PACKAGES = ["agence/services", "agence/db.py"]


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_imports_keep_the_layers_and_the_directions_between_areas() -> None:
    result = _run(str(BIN / "lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_services_type_check() -> None:
    result = _run(
        str(BIN / "mypy"), "--follow-imports=silent", "--no-error-summary", *TYPED_PACKAGES
    )
    assert result.returncode == 0, result.stdout + result.stderr
