"""`agence stats REPORT`, shown on `revenue`: the invoiced revenue as JSON or xlsx, computed as
the user named by --as, on real invoices issued by billing (the demo day trip, all under the
margin scheme):
- 2026-03-10, Bruno: D1's final invoice, 2 320,00 € (the comparison year);
- 2027-02-15 / 2027-03-20, Anne (limited to her clients): D2's 30 % deposit, then its final
  invoice deducting it, 2 340,00 € in all.
The figures are those worked out by hand in tests/services/statistics/test_revenue.py.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from agence.cli import main
from agence.models import Client
from agence.services.billing import invoicing
from agence.services.common.permissions import ALL_RIGHTS, Action, Module, Right
from agence.services.statistics.measures import Measure
from tests.factories import demo_admin, make_actor, make_user
from tests.services.statistics.test_revenue import dossier, issue, run
from tests.worlds import shared_world

PERIOD = ["--from", "2027-01-01", "--to", "2027-04-30"]
ZERO = {"ca_ht": "0.00", "ca_ttc": "0.00", "marge_brute": "0.00", "taux_marge": None}
ZERO = {**ZERO, "tva_marge": "0.00"}
D1_FINAL = {
    "ca_ht": "2258.33",
    "ca_ttc": "2320.00",
    "marge_brute": "308.33",
    "taux_marge": "13.7",
    "tva_marge": "61.67",
}
D2_DEPOSIT = {
    "ca_ht": "682.50",
    "ca_ttc": "702.00",
    "marge_brute": "97.50",
    "taux_marge": "14.3",
    "tva_marge": "19.50",
}
D2_FINAL = {
    "ca_ht": "1592.50",
    "ca_ttc": "1638.00",
    "marge_brute": "227.50",
    "taux_marge": "14.3",
    "tva_marge": "45.50",
}
D2 = {  # deposit + final: the dossier once
    "ca_ht": "2275.00",
    "ca_ttc": "2340.00",
    "marge_brute": "325.00",
    "taux_marge": "14.3",
    "tva_marge": "65.00",
}


def build_world(session: Session) -> dict:
    admin = demo_admin(session)
    anne = make_actor(session, own_clients_only=True)
    bruno = make_actor(session)
    school, cse = "Collège Anatole-France", "CSE Michelin Joué-lès-Tours"
    for name, rep in ((cse, anne), (school, bruno)):
        client = session.exec(select(Client).where(Client.name == name)).one()
        client.sales_rep_id = rep.user_id
        session.add(client)
    session.commit()
    vdl = admin.site_id

    d1 = dossier(admin, school, vdl, bruno, "2026-05-12")
    issue(admin, run(invoicing.create_final, admin, d1.id), date(2026, 3, 10))
    d2 = dossier(admin, cse, vdl, anne, "2027-05-12")
    issue(admin, run(invoicing.create_deposit, admin, d2.id, percent="30"), date(2027, 2, 15))
    issue(admin, run(invoicing.create_final, admin, d2.id), date(2027, 3, 20))
    clerk = make_user(session, rights=frozenset(), email="stagiaire@example.fr")
    viewer = make_user(
        session,
        rights=frozenset(ALL_RIGHTS) - {Right(Module.STATISTICS, Action.EXPORT)},
        email="lecteur@example.fr",
    )
    return {
        "admin": admin,
        "anne": anne,
        "bruno": bruno,
        "clerk": clerk.email,
        "viewer": viewer.email,
    }


world = shared_world(build_world)


def stats(capsys, *argv: str, report: str = "revenue") -> tuple[int, str, str]:
    code = main(["stats", report, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys, user, *argv: str, report: str = "revenue") -> dict:
    code, out, err = stats(
        capsys, *PERIOD, "--format", "json", "--as", user.email, *argv, report=report
    )
    assert (code, err) == (0, "")
    return json.loads(out)


MEASURE_COLUMNS = {
    "ca_ht": "excl_vat",
    "ca_ttc": "incl_vat",
    "marge_brute": "margin",
    "taux_marge": "margin_rate",
    "tva_marge": "margin_vat",
}


def figures_of(line: dict, previous: bool = False) -> dict:
    """A JSON line's figures of the period (or N-1) under the measures' keys."""
    if previous:
        return {
            key: line[f"previous_{column}"]
            for key, column in MEASURE_COLUMNS.items()
            if f"previous_{column}" in line
        }
    return {key: line[column] for key, column in MEASURE_COLUMNS.items()}


def groups(report: dict) -> dict:
    return next(table for table in report["tables"] if table["key"] == "groups")


# --- JSON ------------------------------------------------------------------------------------


def test_json_by_month_gives_the_lines_the_total_the_periods_and_the_columns(world, capsys):
    report = as_json(capsys, world["admin"])

    assert report["report"] == "revenue"
    assert report["title"] == "Chiffre d'affaires"
    assert report["grouping"] == "mois"
    assert report["basis"] == "facture"
    assert report["period"] == {"from": "2027-01-01", "to": "2027-04-30"}
    assert report["comparison"] == {"from": "2026-01-01", "to": "2026-04-30"}
    table = groups(report)
    columns = {column["key"]: column for column in table["columns"]}
    assert (columns["excl_vat"]["label"], columns["excl_vat"]["kind"]) == ("CA HT", "money")
    assert columns["excl_vat"]["definition"] == Measure.INVOICED_EXCL_VAT.definition
    assert columns["margin_rate"]["kind"] == "percent"
    assert [line["label"] for line in table["lines"]] == [
        "janvier 2027",
        "février 2027",
        "mars 2027",
        "avril 2027",
    ]
    assert [figures_of(line) for line in table["lines"]] == [ZERO, D2_DEPOSIT, D2_FINAL, ZERO]
    assert figures_of(table["lines"][2], previous=True) == {
        key: value for key, value in D1_FINAL.items() if key in ("ca_ht", "ca_ttc", "marge_brute")
    }
    assert figures_of(table["total"]) == D2
    assert table["total"]["previous_excl_vat"] == D1_FINAL["ca_ht"]


def test_json_amounts_are_strings_with_two_decimals_in_every_report(world, capsys):
    amount = re.compile(r"^-?\d+\.\d{2}$")
    for name in ("dashboard", "revenue", "bookings", "products", "clients", "prospecting"):
        report = as_json(capsys, world["admin"], report=name)
        assert report["report"] == name
        assert report["tables"], name
        for table in report["tables"]:
            money = [c["key"] for c in table["columns"] if c["kind"] == "money"]
            for line in [*table["lines"], *([table["total"]] if table["total"] else [])]:
                for key in money:
                    assert line[key] is None or amount.match(line[key]), (name, key, line[key])


def test_json_by_rep_with_a_chosen_comparison_written_to_a_file(world, capsys, tmp_path):
    anne, bruno = world["anne"], world["bruno"]
    report = as_json(capsys, world["admin"], "--by", "rep", "--compare", "2026-03-01:2026-03-31")

    assert report["comparison"] == {"from": "2026-03-01", "to": "2026-03-31"}
    assert report["grouping"] == "commercial"
    lines = {line["label"]: line for line in groups(report)["lines"]}
    assert set(lines) == {anne.display_name, bruno.display_name}
    assert figures_of(lines[anne.display_name]) == D2
    assert lines[anne.display_name]["previous_excl_vat"] == "0.00"
    assert figures_of(lines[bruno.display_name]) == ZERO
    assert lines[bruno.display_name]["previous_excl_vat"] == D1_FINAL["ca_ht"]

    out = tmp_path / "ca.json"
    code, printed, err = stats(
        capsys, *PERIOD, "--by", "site", "--format", "json", "--out", str(out),
        "--as", world["admin"].email,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert str(out) in printed
    report = json.loads(out.read_text(encoding="utf-8"))
    (site,) = groups(report)["lines"]
    assert figures_of(site) == D2


def test_rep_limited_to_his_clients_sees_only_his_figures(world, capsys):
    anne = world["anne"]

    by_rep = as_json(capsys, anne, "--by", "rep")
    monthly = as_json(capsys, anne)

    assert [line["label"] for line in groups(by_rep)["lines"]] == [anne.display_name]
    assert figures_of(groups(by_rep)["total"]) == D2
    assert groups(monthly)["total"]["previous_excl_vat"] == "0.00"
    assert figures_of(groups(as_json(capsys, world["bruno"]))["total"]) == D2  # not limited


def test_filters_and_the_date_basis_reach_the_report(world, capsys):
    school_type = as_json(capsys, world["admin"], "--client-type", "scolaire")
    assert figures_of(groups(school_type)["total"]) == ZERO  # D2 is a works council's
    assert school_type["filters"] == {"client_type": "scolaire"}
    by_departure = as_json(capsys, world["admin"], "--basis", "depart")
    assert by_departure["basis"] == "depart"
    assert figures_of(groups(by_departure)["total"]) == ZERO  # D2 leaves in May


# --- xlsx ------------------------------------------------------------------------------------


def test_xlsx_has_the_request_a_french_header_numbers_and_the_total_last(world, capsys, tmp_path):
    out = tmp_path / "ca.xlsx"

    code, printed, err = stats(
        capsys, *PERIOD, "--format", "xlsx", "--out", str(out), "--as", world["admin"].email
    )

    assert (code, err) == (0, "")
    assert str(out) in printed
    workbook = load_workbook(out)
    assert workbook.sheetnames[0] == "Paramètres"
    about = [[cell.value for cell in row] for row in workbook["Paramètres"].iter_rows()]
    assert about[0] == ["Rapport", "Chiffre d'affaires"]
    assert about[1][1].startswith("du 01/01/2027 au 30/04/2027")
    sheet = workbook.worksheets[1]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:6] == [
        "Mois",
        "CA HT",
        "CA TTC",
        "Marge brute",
        "Taux de marge",
        "TVA sur marge",
    ]
    assert [row[0] for row in rows[1:]] == [
        "janvier 2027",
        "février 2027",
        "mars 2027",
        "avril 2027",
        "Total",
    ]
    assert rows[3][1:6] == [1592.5, 1638, 227.5, 14.3, 45.5]
    assert rows[-1][1:6] == [2275, 2340, 325, 14.3, 65]
    assert rows[1][4] is None  # no revenue, no rate
    for row in list(sheet.iter_rows())[1:]:
        for cell in row[1:6]:
            if cell.value is not None:
                assert isinstance(cell.value, int | float)


def test_xlsx_needs_an_output_file_and_the_right_to_export(world, capsys, tmp_path):
    code, out, err = stats(capsys, *PERIOD, "--format", "xlsx", "--as", world["admin"].email)
    assert (code, out) == (2, "")
    assert "--out FICHIER.xlsx est requis" in err
    target = tmp_path / "ca.xlsx"
    code, out, err = stats(
        capsys, *PERIOD, "--format", "xlsx", "--out", str(target), "--as", world["viewer"]
    )
    assert (code, out) == (2, "")
    assert "Statistiques — Exporter" in err
    assert not target.exists()


# --- Refusals --------------------------------------------------------------------------------


def test_user_without_the_statistics_right_or_unknown_is_refused_with_code_2(
    world, capsys, tmp_path
):
    out = tmp_path / "ca.xlsx"
    code, printed, err = stats(
        capsys, *PERIOD, "--format", "xlsx", "--out", str(out), "--as", world["clerk"]
    )
    assert (code, printed) == (2, "")
    assert "Accès refusé : droit « Statistiques — Voir » requis." in err
    assert not out.exists()

    code, printed, err = stats(capsys, *PERIOD, "--format", "json", "--as", "personne@example.fr")
    assert (code, printed) == (2, "")
    assert "aucun utilisateur actif personne@example.fr" in err


@pytest.mark.parametrize(
    ("since", "until", "extra", "message"),
    [
        ("2027-02-30", "2027-04-30", [], "--from : Date invalide"),
        ("2027-01-01", "30/04/2027", [], "--to : Date invalide"),
        ("2027-04-30", "2027-01-01", [], "--to : La fin de la période précède son début."),
        ("2027-01-01", "2027-04-30", ["--compare", "2026"], "comparaison invalide"),
        ("2027-01-01", "2027-04-30", ["--compare", "2026-13-01:2026-12-31"], "--compare"),
        ("2027-01-01", "2027-04-30", ["--compare", "2026-12-31:2026-01-01"], "précède son début"),
        ("2027-01-01", "2027-04-30", ["--site", "999"], "--site : Choix inconnu."),
        ("2027-01-01", "2027-04-30", ["--client-type", "martien"], "Type de client inconnu"),
        ("2027-01-01", "2027-04-30", ["--by", "supplier"], "--by : Regroupement inconnu."),
    ],
)
def test_bad_options_exit_with_code_2_and_a_french_message(
    world, capsys, since, until, extra, message
):
    code, out, err = stats(
        capsys, "--from", since, "--to", until, *extra, "--format", "json",
        "--as", world["admin"].email,
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith("Erreur : ") and message in err


@pytest.mark.parametrize(
    "argv",
    [
        ["stats", "margins", *PERIOD, "--format", "json", "--as", "a@example.fr"],
        ["stats", "revenue", *PERIOD, "--format", "json"],  # --as is required
        ["stats", "revenue", *PERIOD, "--by", "year", "--format", "json", "--as", "a@b.fr"],
        ["stats", "revenue", *PERIOD, "--format", "csv", "--as", "a@example.fr"],
    ],
)
def test_only_the_six_reports_and_their_options_exist(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert "usage: agence stats" in capsys.readouterr().err
