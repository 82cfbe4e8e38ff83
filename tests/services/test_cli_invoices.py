"""The `agence` command line and invoices: `seed --demo` issues the demo invoices once, and
`export invoices` writes a period's issued documents for the accountant."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from agence.cli import main
from agence.db import session_scope
from agence.models import Invoice, PartyDocument
from agence.services.common import formats
from agence.settings import get_settings


def count_invoices() -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(Invoice)).one()


@pytest.fixture
def demo(db, capsys) -> str:
    assert main(["seed", "--demo"]) == 0
    return capsys.readouterr().out


def period(days: int = 60) -> list[str]:
    today = formats.today()
    return ["--from", (today - timedelta(days=days)).isoformat(), "--to", today.isoformat()]


def export(out: Path, *extra: str) -> int:
    return main(["export", "invoices", *period(), "--out", str(out), *extra])


# --- seed --demo ----------------------------------------------------------------------------


def test_seed_demo_issues_the_demo_invoices_once(demo, capsys):
    assert "Factures de démonstration émises : 5." in demo
    assert count_invoices() == 5

    assert main(["seed", "--demo"]) == 0

    out = capsys.readouterr().out
    assert "Base déjà utilisée" in out and "Factures de démonstration" not in out
    assert count_invoices() == 5


def test_seed_without_demo_issues_no_invoice(db, capsys):
    assert main(["seed"]) == 0
    assert count_invoices() == 0


# --- export invoices ------------------------------------------------------------------------


def test_export_invoices_writes_the_period_and_prints_the_count_and_the_folder(
    demo, capsys, tmp_path
):
    out = tmp_path / "compta" / "novembre"

    assert export(out) == 0

    printed = capsys.readouterr().out
    assert "5 document(s)" in printed and "(4 facture(s), 1 avoir(s))" in printed
    assert str(out) in printed
    with session_scope() as s:
        kept = {
            invoice.number: s.get(PartyDocument, invoice.document_id)
            for invoice in s.exec(select(Invoice))
        }
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*(f"{number}.pdf" for number in kept), "index.xlsx"]
    )
    for number, document in kept.items():
        data = (out / f"{number}.pdf").read_bytes()
        assert data == (get_settings().files_dir / document.stored_name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == document.sha256


def test_export_invoices_runs_as_the_user_given(demo, capsys, tmp_path):
    assert export(tmp_path / "compta", "--user", "Compta@Escapades-Loire.fr") == 0
    assert (tmp_path / "compta" / "index.xlsx").exists()

    assert export(tmp_path / "rep", "--user", "l.bernard@escapades-loire.fr") == 1
    assert "Accès refusé" in capsys.readouterr().err
    assert not (tmp_path / "rep").exists()

    assert export(tmp_path / "nobody", "--user", "personne@example.fr") == 2
    assert "aucun utilisateur actif" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("2026-02-30", "2026-03-31", "date invalide pour --from"),
        ("2026-03-01", "31/03/2026", "date invalide pour --to"),
        ("2026-03-31", "2026-03-01", "Période invalide"),
        ("2001-01-01", "2001-12-31", "rien à exporter"),
    ],
)
def test_export_invoices_with_bad_dates_or_an_empty_period_exits_with_code_2(
    demo, capsys, tmp_path, since, until, message
):
    out = tmp_path / "export"

    code = main(["export", "invoices", "--from", since, "--to", until, "--out", str(out)])

    assert code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_export_invoices_refuses_a_folder_that_is_not_empty(demo, capsys, tmp_path):
    (tmp_path / "notes.txt").write_text("à garder")

    assert export(tmp_path) == 2

    assert "n'est pas vide" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_export_invoices_fails_with_code_1_naming_a_changed_invoice(demo, capsys, tmp_path):
    with session_scope() as s:
        invoice = s.exec(select(Invoice).order_by(Invoice.number)).first()
        document = s.get(PartyDocument, invoice.document_id)
    path = get_settings().files_dir / document.stored_name
    original = path.read_bytes()
    path.write_bytes(original + b"\n")
    try:
        code = export(tmp_path / "export")
    finally:
        path.write_bytes(original)

    assert code == 1
    assert invoice.number in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
