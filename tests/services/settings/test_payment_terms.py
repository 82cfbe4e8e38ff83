"""Payment terms: the due dates of each rule, the legal limits, one default term, the preview."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import select

from agence.db import session_scope
from agence.models import AuditEntry, PaymentTerm
from agence.services.common import records
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Actor, Module, Right
from agence.services.settings.payment_terms import (
    PAYMENT_TERMS,
    Instalment,
    TermRule,
    due_dates,
    end_of_month,
    term_due_dates,
)
from tests.factories import actor_for, make_user

HUNDRED = Decimal(100)


# --- Due dates -------------------------------------------------------------------------------


def test_on_receipt_the_whole_amount_is_due_on_the_invoice_date():
    assert due_dates(TermRule.ON_RECEIPT, date(2026, 11, 29)) == [
        Instalment("Totalité", HUNDRED, date(2026, 11, 29))
    ]


def test_net_days_are_counted_from_the_invoice_date():
    [instalment] = due_dates(TermRule.NET_DAYS, date(2026, 11, 29), days=30)
    assert instalment == Instalment("Totalité", HUNDRED, date(2026, 12, 29))


def test_net_days_cross_the_year_end():
    [instalment] = due_dates(TermRule.NET_DAYS, date(2026, 12, 15), days=60)
    assert instalment.due == date(2027, 2, 13)


@pytest.mark.parametrize(
    ("invoice", "days", "due"),
    [
        (date(2026, 1, 10), 45, date(2026, 2, 28)),  # 10/01 + 45 = 24/02, end of February
        (date(2028, 1, 15), 45, date(2028, 2, 29)),  # leap year: 15/01 + 45 = 29/02
        (date(2026, 1, 31), 30, date(2026, 3, 31)),  # 31/01 + 30 = 02/03, end of March
        (date(2026, 11, 20), 45, date(2027, 1, 31)),  # 20/11 + 45 = 04/01, next year
    ],
)
def test_days_end_of_month_adds_the_days_then_goes_to_the_end_of_that_month(invoice, days, due):
    [instalment] = due_dates(TermRule.DAYS_END_OF_MONTH, invoice, days=days)
    assert instalment == Instalment("Totalité", HUNDRED, due)


@pytest.mark.parametrize(
    ("invoice", "days", "due"),
    [
        (date(2026, 1, 10), 10, date(2026, 2, 10)),  # end of January + 10
        (date(2026, 1, 31), 45, date(2026, 3, 17)),  # 31/01 + 45
        (date(2028, 2, 3), 15, date(2028, 3, 15)),  # 29/02 (leap year) + 15
    ],
)
def test_end_of_month_plus_days_goes_to_the_end_of_the_invoice_month_then_adds_the_days(
    invoice, days, due
):
    [instalment] = due_dates(TermRule.END_OF_MONTH_PLUS_DAYS, invoice, days=days)
    assert instalment.due == due


def test_a_deposit_is_due_at_once_and_the_balance_n_days_before_departure():
    deposit, balance = due_dates(
        TermRule.DEPOSIT_THEN_BALANCE,
        date(2026, 1, 10),
        deposit_percent=Decimal("30"),
        balance_days_before_departure=30,
        departure=date(2026, 6, 1),
    )
    assert deposit == Instalment("Acompte à la commande", Decimal("30"), date(2026, 1, 10))
    assert balance == Instalment("Solde", Decimal("70"), date(2026, 5, 2))


def test_the_balance_is_never_due_before_the_invoice_date():
    _, balance = due_dates(
        TermRule.DEPOSIT_THEN_BALANCE,
        date(2026, 1, 10),
        deposit_percent=Decimal("30"),
        balance_days_before_departure=30,
        departure=date(2026, 1, 20),
    )
    assert balance.due == date(2026, 1, 10)


def test_deposit_and_balance_make_the_whole_amount():
    instalments = due_dates(
        TermRule.DEPOSIT_THEN_BALANCE,
        date(2026, 1, 10),
        deposit_percent=Decimal("33.33"),
        balance_days_before_departure=15,
        departure=date(2026, 3, 1),
    )
    assert sum(i.percent for i in instalments) == HUNDRED


def test_an_unknown_rule_is_an_error():
    with pytest.raises(ValueError, match="Règle de paiement inconnue"):
        due_dates("tous_les_jeudis", date(2026, 1, 10))


def test_end_of_month_knows_leap_years():
    assert end_of_month(date(2028, 2, 3)) == date(2028, 2, 29)
    assert end_of_month(date(2100, 2, 3)) == date(2100, 2, 28)
    assert end_of_month(date(2026, 12, 31)) == date(2026, 12, 31)


def test_the_due_dates_of_a_stored_term_follow_its_rule():
    term = PaymentTerm(label="45 jours fin de mois", rule=TermRule.DAYS_END_OF_MONTH, days=45)
    assert term_due_dates(term, date(2026, 1, 10))[0].due == date(2026, 2, 28)


# --- Saving a term ---------------------------------------------------------------------------


def save(actor: Actor, data: dict, record_id: int | None = None) -> PaymentTerm:
    with session_scope() as session:
        return records.save(session, actor, PAYMENT_TERMS, record_id, data)


def refused(actor: Actor, data: dict) -> dict[str, str]:
    with pytest.raises(FormErrors) as failure:
        save(actor, data)
    return failure.value.errors


def stored(record_id: int) -> PaymentTerm:
    with session_scope() as session:
        return session.get(PaymentTerm, record_id)


def count() -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(PaymentTerm)).one()


@pytest.fixture
def admin(session) -> Actor:
    return actor_for(make_user(session, {Right(Module.PARAMETERS, a) for a in Action}))


def term(rule: str, **values: str) -> dict[str, str]:
    return {"label": f"Condition {rule}", "rule": rule, "active": "on", **values}


NET_30 = term("jours", days="30")
DEPOSIT = term("acompte_solde", deposit_percent="30", balance_days_before_departure="30")


@pytest.mark.parametrize("rule", ["jours", "jours_fin_de_mois", "fin_de_mois_plus_jours"])
@pytest.mark.parametrize("days", [None, "", "0"])
def test_a_rule_counted_in_days_needs_its_number_of_days(admin, rule, days):
    data = term(rule) if days is None else term(rule, days=days)
    assert refused(admin, data) == {"days": "Indiquez le nombre de jours."}


def test_net_days_are_limited_to_60_days_by_law(admin):
    errors = refused(admin, term("jours", days="61"))
    assert errors == {"days": "Au plus 60 jours à compter de la facture (C. com. L441-10)."}
    assert "L441-10" in errors["days"]
    save(admin, term("jours", days="60"))


@pytest.mark.parametrize("rule", ["jours_fin_de_mois", "fin_de_mois_plus_jours"])
def test_end_of_month_rules_are_limited_to_45_days_by_law(admin, rule):
    assert refused(admin, term(rule, days="46")) == {
        "days": "Au plus 45 jours fin de mois (C. com. L441-10)."
    }
    save(admin, term(rule, days="45"))


@pytest.mark.parametrize("percent", [None, "0", "100", "-5", "150", "trente"])
def test_a_deposit_must_be_strictly_between_0_and_100_percent(admin, percent):
    data = {**DEPOSIT, "deposit_percent": percent} if percent else term("acompte_solde")
    errors = refused(admin, data)
    assert set(errors) == {"deposit_percent"}
    if percent in (None, "0", "100"):
        assert errors["deposit_percent"] == "Indiquez un acompte entre 0 et 100 % (exclus)."


def test_a_deposit_of_99_99_percent_is_accepted(admin):
    saved = save(admin, {**DEPOSIT, "deposit_percent": "99,99"})
    assert stored(saved.id).deposit_percent == Decimal("99.99")


def test_an_unknown_rule_is_refused(admin):
    assert refused(admin, term("tous_les_jeudis")) == {"rule": "Choix invalide."}


def test_a_failed_save_writes_nothing(admin):
    refused(admin, term("jours", days="90"))
    with session_scope() as session:
        assert session.exec(select(func.count()).select_from(AuditEntry)).one() == 0
    assert count() == 0


def test_days_are_reset_for_a_rule_that_does_not_count_days(admin):
    saved = stored(save(admin, {**DEPOSIT, "days": "10"}).id)
    assert (saved.days, saved.deposit_percent, saved.balance_days_before_departure) == (
        0,
        Decimal("30"),
        30,
    )


def test_deposit_fields_are_reset_for_a_rule_without_deposit(admin):
    data = {**NET_30, "deposit_percent": "30", "balance_days_before_departure": "20"}
    saved = stored(save(admin, data).id)
    assert (saved.days, saved.deposit_percent, saved.balance_days_before_departure) == (
        30,
        None,
        0,
    )


def test_switching_to_on_receipt_resets_days_and_deposit(admin):
    deposit = save(admin, {**DEPOSIT, "label": "Acompte"})
    net = save(admin, {**NET_30, "label": "Net"})
    for record_id, data in ((deposit.id, DEPOSIT), (net.id, NET_30)):
        save(admin, {**data, "label": f"Réception {record_id}", "rule": "reception"}, record_id)
        saved = stored(record_id)
        assert saved.rule == "reception"
        assert (saved.days, saved.deposit_percent, saved.balance_days_before_departure) == (
            0,
            None,
            0,
        )


def test_only_one_term_is_the_default_term(admin):
    first = save(admin, {**NET_30, "is_default": "on"})
    second = save(admin, {**DEPOSIT, "is_default": "on"})
    assert not stored(first.id).is_default
    assert stored(second.id).is_default
    with session_scope() as session:
        assert (
            session.exec(
                select(func.count()).select_from(PaymentTerm).where(PaymentTerm.is_default)
            ).one()
            == 1
        )


def test_the_default_term_must_be_active(admin):
    errors = refused(admin, {**NET_30, "is_default": "on", "active": ""})
    assert errors == {"active": "La condition par défaut doit être active."}


def test_the_label_of_a_term_is_unique(admin):
    save(admin, NET_30)
    assert refused(admin, {**DEPOSIT, "label": NET_30["label"].upper()}) == {
        "label": "Cette valeur est déjà utilisée."
    }


def test_a_new_term_form_proposes_30_days(admin):
    with session_scope() as session:
        assert records.form_for(session, admin, PAYMENT_TERMS, None) == {
            "rule": "jours",
            "days": "30",
            "active": "on",
        }


# --- The preview -----------------------------------------------------------------------------

TODAY = date(2026, 11, 29)


def test_the_preview_shows_the_due_date_of_an_invoice_dated_today():
    preview = PAYMENT_TERMS.preview({"rule": "jours", "days": "30"}, TODAY)
    assert preview == "Facture du 29/11/2026 : échéance le 29/12/2026."


def test_the_preview_of_days_end_of_month():
    preview = PAYMENT_TERMS.preview({"rule": "jours_fin_de_mois", "days": "45"}, date(2026, 1, 10))
    assert preview == "Facture du 10/01/2026 : échéance le 28/02/2026."


def test_the_preview_of_a_deposit_shows_both_instalments():
    values = {
        "rule": "acompte_solde",
        "deposit_percent": "30",
        "balance_days_before_departure": "30",
    }
    assert PAYMENT_TERMS.preview(values, TODAY) == (
        "Commande du 29/11/2026, départ le 28/01/2027 : acompte de 30 % dû le 29/11/2026, "
        "solde (70 %) dû le 29/12/2026."
    )


@pytest.mark.parametrize(
    "values",
    [
        {"rule": "jours", "days": "trente"},
        {"rule": "jours", "days": "-3"},
        {"rule": "acompte_solde", "deposit_percent": "beaucoup"},
        {"rule": "mensuel", "days": "30"},
        {"days": "30"},
    ],
)
def test_the_preview_is_empty_while_a_live_field_is_invalid(values):
    assert PAYMENT_TERMS.preview(values, TODAY) == ""


def test_the_preview_ignores_errors_on_fields_that_do_not_change_it():
    preview = PAYMENT_TERMS.preview({"label": "", "rule": "jours", "days": "30"}, TODAY)
    assert preview == "Facture du 29/11/2026 : échéance le 29/12/2026."
