"""`agence costing price FILE.json`: a costing checked outside the app (no database)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from agence.cli import main
from agence.services.catalogue import costing_json
from agence.services.catalogue.pricing import PricingError

WORKED_EXAMPLE = Path(__file__).parent / "data" / "costing_worked_example.json"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["costing", "price", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_worked_example_file_prints_the_three_rows_of_the_specification(tmp_path, capsys):
    path = tmp_path / "cotation.json"
    shutil.copy(WORKED_EXAMPLE, path)

    code, out, err = run(capsys, str(path))

    assert (code, err) == (0, "")
    rows = json.loads(out)
    assert [
        (
            row["paying"],
            row["free"],
            row["staff"],
            row["total_cost"],
            row["price_per_paying"],
            row["total_sale"],
            row["margin"],
            row["margin_vat"],
        )
        for row in rows
    ] == [
        (20, 1, 1, "1978.00", "118.50", "2370.00", "392.00", "65.33"),
        (30, 1, 1, "2568.00", "102.50", "3075.00", "507.00", "84.50"),
        (40, 2, 1, "2978.00", "89.00", "3560.00", "582.00", "97.00"),
    ]
    assert all(row["normal_vat"] == {} for row in rows)
    assert rows[2]["lines"] == [
        {"label": "Autocar", "cost": "950.00", "sale": "1121.00"},
        {"label": "Entrée château", "cost": "520.00", "sale": "613.60"},
        {"label": "Déjeuner", "cost": "1148.00", "sale": "1354.64"},
        {"label": "Guide conférencier", "cost": "360.00", "sale": "424.80"},
    ]


def test_a_single_size_with_normal_vat_lines_reports_the_vat_by_rate(tmp_path, capsys):
    path = tmp_path / "cotation.json"
    path.write_text(
        json.dumps(
            {
                "paying": 10,
                "markup_percent": "10",
                "lines": [
                    {"label": "Hôtel", "unit_cost": "50.00"},
                    {
                        "label": "Transfert agence",
                        "basis": "group",
                        "unit_cost": "110.00",
                        "vat_rate": "0.10",
                        "regime": "normal",
                    },
                    {
                        "label": "Visite guidée",
                        "basis": "group",
                        "unit_cost": "105.50",
                        "vat_rate": "5.5",
                        "regime": "normal",
                        "markup_percent": "0",
                    },
                ],
            }
        )
    )

    code, out, _ = run(capsys, str(path))

    assert code == 0
    (row,) = json.loads(out)
    assert (row["paying"], row["free"], row["staff"]) == (10, 0, 0)
    assert row["normal_vat"] == {"5.5": "5.50", "10": "11.00"}
    assert row["price_per_paying"] == "77.65"


def test_dash_reads_the_costing_from_standard_input(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(WORKED_EXAMPLE.read_text(encoding="utf-8")))

    code, out, _ = run(capsys, "-")

    assert code == 0
    assert [row["price_per_paying"] for row in json.loads(out)] == ["118.50", "102.50", "89.00"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"paying": 0, "lines": []}', "Le nombre de payants doit être au moins 1."),
        ("{not json", "n'est pas du JSON valide (ligne 1, colonne 2)"),
        ('{"paying": 10}', "« lines », la liste des prestations, est obligatoire"),
        ('{"lines": []}', "indiquez soit « paying »"),
        ('{"paying": 10, "grid": [10], "lines": []}', "indiquez soit « paying »"),
        ('{"paying": 10, "markup": "18", "lines": []}', "clé inconnue « markup »"),
        ('{"paying": 10, "rounding": "0", "lines": []}', "Le pas d'arrondi doit être positif"),
        ('{"paying": 10, "lines": [{"label": "Car"}]}', "« unit_cost » (le coût unitaire)"),
        ('{"paying": 10, "lines": [{"unit_cost": "1"}]}', "Ligne n° 1 : « label »"),
        (
            '{"paying": 10, "lines": [{"label": "Car", "unit_cost": "abc"}]}',
            "« abc » n'est pas un nombre",
        ),
        (
            '{"paying": 10, "lines": [{"label": "Car", "unit_cost": "-1"}]}',
            "le coût unitaire ne peut pas être négatif",
        ),
        ('{"grid": [], "lines": []}', "liste non vide de nombres de payants"),
    ],
)
def test_bad_input_exits_2_with_a_french_message_and_no_traceback(
    tmp_path, capsys, content, message
):
    path = tmp_path / "cotation.json"
    path.write_text(content, encoding="utf-8")

    code, out, err = run(capsys, str(path))

    assert code == 2
    assert out == ""
    assert err.startswith("Erreur : ")
    assert message in err
    assert "Traceback" not in err


def test_missing_file_exits_2_with_a_french_message(tmp_path, capsys):
    code, _, err = run(capsys, str(tmp_path / "absent.json"))

    assert code == 2
    assert "fichier introuvable" in err


def test_the_command_runs_without_a_database_or_reflex_and_exits_2_on_bad_input():
    command = [sys.executable, "-m", "agence.cli", "costing", "price", "-"]

    ok = subprocess.run(
        command, input=WORKED_EXAMPLE.read_text(encoding="utf-8"), capture_output=True, text=True
    )
    bad = subprocess.run(
        command, input='{"paying": -3, "lines": []}', capture_output=True, text=True
    )

    assert ok.returncode == 0, ok.stderr
    assert len(json.loads(ok.stdout)) == 3
    assert bad.returncode == 2
    assert bad.stderr.strip() == "Erreur : Le nombre de payants doit être au moins 1."


# --- The JSON form, without the command ------------------------------------------------------


def test_vat_rate_between_0_and_1_is_read_as_a_fraction_unless_marked_percent():
    def rate(value):
        costing, _ = costing_json.parse_request(
            {"paying": 1, "lines": [{"label": "x", "unit_cost": "1", "vat_rate": value}]}
        )
        return costing.lines[0].vat_rate

    assert rate("0.20") == Decimal(20)
    assert rate("0.055") == Decimal("5.5")
    assert rate("5.5") == Decimal("5.5")
    assert rate("0.9%") == Decimal("0.9")
    assert rate("0") == 0


def test_json_numbers_are_read_as_exact_decimals_and_free_follows_the_client_rule():
    costing, groups = costing_json.parse_request(
        costing_json.loads(
            '{"grid": [19, 20, 40], "free": 5, "staff": 2, "fee_per_person": 2.10,'
            ' "client_free_rule": {"free": 1, "per_paying": 20},'
            ' "lines": [{"label": "Car", "basis": "group", "unit_cost": 950.10, "capacity": "50",'
            ' "supplier": "Cars du Val", "applies_to": ["paying", "staff"]}]}'
        )
    )

    assert costing.fee_per_person == Decimal("2.10")
    assert costing.lines[0].unit_cost == Decimal("950.10")
    assert costing.lines[0].capacity == 50
    assert [(g.paying, g.free, g.staff) for g in groups] == [(19, 0, 2), (20, 1, 2), (40, 2, 2)]


def test_supplier_free_rule_needs_both_numbers():
    with pytest.raises(PricingError, match="« per_paying » manquant"):
        costing_json.parse_request(
            {
                "paying": 1,
                "lines": [{"label": "x", "unit_cost": "1", "supplier_free_rule": {"free": 1}}],
            }
        )


def test_money_is_shown_with_two_decimals_half_up_and_never_minus_zero():
    assert costing_json.money(Decimal("88.601")) == "88.60"
    assert costing_json.money(Decimal("0.005")) == "0.01"
    assert costing_json.money(Decimal("-0.001")) == "0.00"
    assert costing_json.money(Decimal(89)) == "89.00"
    assert costing_json.rate_key(Decimal("20.00")) == "20"
