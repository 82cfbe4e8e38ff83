"""`agence stats revenue`: the invoiced revenue as JSON or xlsx, computed as the user named by
--as, on real invoices issued by billing (the demo day trip, all under the margin scheme):
- 2026-03-10, Bruno: D1's final invoice, 2 320,00 € (the comparison year);
- 2027-02-15 / 2027-03-20, Anne (limited to her clients): D2's 30 % deposit, then its final
  invoice deducting it, 2 340,00 € in all.
The figures are those worked out by hand in tests/services/statistics/test_revenue.py.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from agence.cli import main
from agence.models import Client
from agence.services.billing import invoicing
from agence.services.statistics.measures import Measure
from tests.factories import demo_admin, make_actor, make_user
from tests.services.statistics.test_revenue import dossier, issue, run

PERIOD = ["--from", "2027-01-01", "--to", "2027-04-30"]
ZERO = {"ca_ht": "0.00", "ca_ttc": "0.00", "marge_brute": "0.00", "taux_marge": None}
ZERO = {**ZERO, "tva_marge": "0.00"}
D1_FINAL = {
    "ca_ht": "2258.33",
    "ca_ttc": "2320.00",
    "marge_brute": "308.33",
    "taux_marge": "13.65",
    "tva_marge": "61.67",
}
D2_DEPOSIT = {
    "ca_ht": "682.50",
    "ca_ttc": "702.00",
    "marge_brute": "97.50",
    "taux_marge": "14.29",
    "tva_marge": "19.50",
}
D2_FINAL = {
    "ca_ht": "1592.50",
    "ca_ttc": "1638.00",
    "marge_brute": "227.50",
    "taux_marge": "14.29",
    "tva_marge": "45.50",
}
D2 = {  # deposit + final: the dossier once
    "ca_ht": "2275.00",
    "ca_ttc": "2340.00",
    "marge_brute": "325.00",
    "taux_marge": "14.29",
    "tva_marge": "65.00",
}


@pytest.fixture
def world(session: Session) -> dict:
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
    return {"admin": admin, "anne": anne, "bruno": bruno, "clerk": clerk.email}


def stats(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["stats", "revenue", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys, user, *argv: str) -> dict:
    code, out, err = stats(capsys, *PERIOD, "--format", "json", "--as", user.email, *argv)
    assert (code, err) == (0, "")
    return json.loads(out)


# --- JSON ------------------------------------------------------------------------------------


def test_json_by_month_gives_the_rows_the_total_the_periods_and_the_measures(world, capsys):
    report = as_json(capsys, world["admin"])

    assert report["report"] == "revenue"
    assert report["grouping"] == {"key": "mois", "label": "Mois"}
    assert report["period"] == {"from": "2027-01-01", "to": "2027-04-30"}
    assert report["comparison"] == {"from": "2026-01-01", "to": "2026-04-30"}
    assert [(m["key"], m["label"], m["unit"]) for m in report["measures"]] == [
        ("ca_ht", "CA facturé HT", "EUR"),
        ("ca_ttc", "CA facturé TTC", "EUR"),
        ("marge_brute", "Marge brute", "EUR"),
        ("taux_marge", "Taux de marge", "%"),
        ("tva_marge", "TVA sur marge", "EUR"),
    ]
    assert report["measures"][0]["definition"] == Measure.INVOICED_EXCL_VAT.definition
    assert [(r["key"], r["label"]) for r in report["rows"]] == [
        ("2027-01", "janvier 2027"),
        ("2027-02", "février 2027"),
        ("2027-03", "mars 2027"),
        ("2027-04", "avril 2027"),
    ]
    assert [(r["period"], r["comparison"]) for r in report["rows"]] == [
        (ZERO, ZERO),
        (D2_DEPOSIT, ZERO),
        (D2_FINAL, D1_FINAL),
        (ZERO, ZERO),
    ]
    assert report["total"] == {
        "key": "total",
        "label": "Total",
        "period": D2,
        "comparison": D1_FINAL,
    }


def test_json_by_rep_with_a_chosen_comparison_or_none_written_to_a_file(world, capsys, tmp_path):
    anne, bruno = world["anne"], world["bruno"]
    report = as_json(capsys, world["admin"], "--by", "rep", "--compare", "2026-03-01:2026-03-31")

    assert report["comparison"] == {"from": "2026-03-01", "to": "2026-03-31"}
    assert report["grouping"]["label"] == "Commercial"
    rows = {r["key"]: r for r in report["rows"]}
    assert set(rows) == {str(anne.user_id), str(bruno.user_id)}
    assert rows[str(anne.user_id)]["label"] == anne.display_name
    assert (rows[str(anne.user_id)]["period"], rows[str(anne.user_id)]["comparison"]) == (D2, ZERO)
    assert (rows[str(bruno.user_id)]["period"], rows[str(bruno.user_id)]["comparison"]) == (
        ZERO,
        D1_FINAL,
    )

    out = tmp_path / "ca.json"
    code, printed, err = stats(
        capsys, *PERIOD, "--by", "site", "--compare", "none", "--format", "json",
        "--out", str(out), "--as", world["admin"].email,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert str(out) in printed
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["comparison"] is None
    (site,) = report["rows"]
    assert site["period"] == D2 and "comparison" not in site
    assert report["total"] == {"key": "total", "label": "Total", "period": D2}


def test_rep_limited_to_his_clients_sees_only_his_figures(world, capsys):
    anne = world["anne"]

    by_rep = as_json(capsys, anne, "--by", "rep")
    monthly = as_json(capsys, anne)

    assert [r["key"] for r in by_rep["rows"]] == [str(anne.user_id)]
    assert by_rep["total"]["period"] == D2
    assert monthly["total"] == {"key": "total", "label": "Total", "period": D2, "comparison": ZERO}
    assert as_json(capsys, world["bruno"])["total"]["period"] == D2  # not limited: all of it


# --- xlsx ------------------------------------------------------------------------------------


def test_xlsx_has_a_french_header_numbers_with_two_decimals_and_the_total_last(
    world, capsys, tmp_path
):
    out = tmp_path / "ca.xlsx"

    code, printed, err = stats(
        capsys, *PERIOD, "--format", "xlsx", "--out", str(out), "--as", world["admin"].email
    )

    assert (code, err) == (0, "")
    assert str(out) in printed
    workbook = load_workbook(out)
    assert len(workbook.worksheets) == 1
    rows = list(workbook.active.iter_rows())
    assert [cell.value for cell in rows[0]] == [
        "Mois",
        "CA facturé HT",
        "CA facturé TTC",
        "Marge brute",
        "Taux de marge (%)",
        "TVA sur marge",
        "CA facturé HT (du 01/01/2026 au 30/04/2026)",
        "CA facturé TTC (du 01/01/2026 au 30/04/2026)",
        "Marge brute (du 01/01/2026 au 30/04/2026)",
        "Taux de marge (%) (du 01/01/2026 au 30/04/2026)",
        "TVA sur marge (du 01/01/2026 au 30/04/2026)",
    ]
    values = [[cell.value for cell in row] for row in rows[1:]]
    assert [row[0] for row in values] == [
        "janvier 2027",
        "février 2027",
        "mars 2027",
        "avril 2027",
        "Total",
    ]
    assert values[2] == [
        "mars 2027",
        1592.5,
        1638,
        227.5,
        14.29,
        45.5,
        2258.33,
        2320,
        308.33,
        13.65,
        61.67,
    ]
    assert values[0][4] is None  # no revenue, no rate
    assert values[-1] == ["Total", 2275, 2340, 325, 14.29, 65, 2258.33, 2320, 308.33, 13.65, 61.67]
    for row in rows[1:]:
        for cell in row[1:]:
            if cell.value is not None:  # an empty rate stays blank
                assert isinstance(cell.value, int | float)
                assert "0.00" in cell.number_format


def test_xlsx_needs_an_output_file(world, capsys):
    code, out, err = stats(capsys, *PERIOD, "--format", "xlsx", "--as", world["admin"].email)
    assert (code, out) == (2, "")
    assert "--out FICHIER.xlsx est requis" in err


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
        ("2027-02-30", "2027-04-30", [], "date invalide pour --from"),
        ("2027-01-01", "30/04/2027", [], "date invalide pour --to"),
        ("2027-04-30", "2027-01-01", [], "période invalide : la date --from est après"),
        ("2027-01-01", "2027-04-30", ["--compare", "2026"], "comparaison invalide"),
        ("2027-01-01", "2027-04-30", ["--compare", "2026-13-01:2026-12-31"], "--compare"),
        (
            "2027-01-01",
            "2027-04-30",
            ["--compare", "2026-12-31:2026-01-01"],
            "période de comparaison invalide",
        ),
    ],
)
def test_bad_dates_exit_with_code_2_and_a_french_message(
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
        ["stats", "dashboard", *PERIOD, "--format", "json", "--as", "a@example.fr"],
        ["stats", "revenue", *PERIOD, "--format", "json"],  # --as is required
        ["stats", "revenue", *PERIOD, "--by", "year", "--format", "json", "--as", "a@b.fr"],
        ["stats", "revenue", *PERIOD, "--format", "csv", "--as", "a@example.fr"],
    ],
)
def test_only_the_revenue_report_and_its_options_exist(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert "usage: agence stats" in capsys.readouterr().err
