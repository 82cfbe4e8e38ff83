"""VAT rates: a rate, a label and the accounts where the VAT is booked."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from agence.db import session_scope
from agence.models import VatRate
from agence.services.common import records
from agence.services.common.forms import REQUIRED, FormErrors
from agence.services.common.listing import ListQuery, display_rows, fetch_page
from agence.services.common.permissions import Action, Actor, Module, Right
from agence.services.common.records import DUPLICATE
from agence.services.settings.vat_rates import VAT_RATES
from tests.factories import actor_for, make_user, reference_data

NORMAL = {
    "rate": "20",
    "label": "Taux normal",
    "collected_account": "445712",
    "deductible_account": "445662",
    "active": "on",
}


def save(actor: Actor, data: dict, record_id: int | None = None) -> VatRate:
    with session_scope() as session:
        return records.save(session, actor, VAT_RATES, record_id, data)


def refused(actor: Actor, data: dict) -> dict[str, str]:
    with pytest.raises(FormErrors) as failure:
        save(actor, data)
    return failure.value.errors


def stored(record_id: int) -> VatRate:
    with session_scope() as session:
        return session.get(VatRate, record_id)


@pytest.fixture
def admin(session) -> Actor:
    return actor_for(make_user(session, {Right(Module.PARAMETERS, a) for a in Action}))


def test_a_vat_rate_is_saved_with_its_accounts(admin):
    saved = stored(save(admin, NORMAL).id)
    assert (saved.rate, saved.label) == (Decimal("20"), "Taux normal")
    assert (saved.collected_account, saved.deductible_account) == ("445712", "445662")


def test_a_rate_with_two_decimals_is_kept_exactly(admin):
    assert stored(save(admin, {**NORMAL, "rate": "5,5"}).id).rate == Decimal("5.50")
    assert stored(save(admin, {**NORMAL, "rate": "2.10"}).id).rate == Decimal("2.1")


@pytest.mark.parametrize("name", ["rate", "label"])
def test_the_rate_and_the_label_are_required(admin, name):
    assert refused(admin, {**NORMAL, name: ""}) == {name: REQUIRED}


def test_the_collected_vat_account_starts_with_4457(admin):
    errors = refused(admin, {**NORMAL, "collected_account": "445662"})
    assert errors == {"collected_account": "Le compte doit commencer par 4457."}


def test_the_deductible_vat_account_starts_with_4456(admin):
    errors = refused(admin, {**NORMAL, "deductible_account": "445712"})
    assert errors == {"deductible_account": "Le compte doit commencer par 4456."}


def test_an_account_is_made_of_digits(admin):
    errors = refused(admin, {**NORMAL, "collected_account": "4457-12"})
    assert errors == {"collected_account": "Numéro de compte invalide : 3 à 12 chiffres."}


def test_a_non_zero_rate_needs_its_collected_vat_account(admin):
    errors = refused(admin, {**NORMAL, "collected_account": ""})
    assert errors == {
        "collected_account": "Un taux non nul a besoin de son compte de TVA collectée."
    }


def test_a_zero_rate_needs_no_account(admin):
    data = {"rate": "0", "label": "Exonéré", "active": "on"}
    saved = stored(save(admin, data).id)
    assert (saved.rate, saved.collected_account, saved.deductible_account) == (0, "", "")


def test_a_rate_is_unique(admin):
    save(admin, NORMAL)
    assert refused(admin, {**NORMAL, "rate": "20,00", "label": "Doublon"}) == {"rate": DUPLICATE}


@pytest.mark.parametrize(
    ("rate", "message"),
    [
        ("100,01", "La valeur doit être au plus 100."),
        ("250", "La valeur doit être au plus 100."),
        ("-5", "La valeur doit être au moins 0."),
        ("5,555", "Deux décimales au plus."),
        ("vingt", "Nombre invalide (exemple : 12,50)."),
    ],
)
def test_a_rate_outside_0_to_100_percent_or_too_precise_is_refused(admin, rate, message):
    assert refused(admin, {**NORMAL, "rate": rate}) == {"rate": message}


def test_a_rate_of_100_percent_is_accepted(admin):
    assert stored(save(admin, {**NORMAL, "rate": "100", "label": "Tout"}).id).rate == 100


def test_a_rate_is_described_by_its_percentage_and_label(admin):
    rate = save(admin, {**NORMAL, "rate": "5,50", "label": "Taux réduit"})
    assert VAT_RATES.describe(stored(rate.id)) == "5,5 % — Taux réduit"


def test_the_listing_shows_the_highest_rate_first_as_percentages(session):
    reference_data()
    rows = display_rows(
        VAT_RATES.list_spec(), fetch_page(session, VAT_RATES.list_spec(), ListQuery()).rows
    )
    assert [row["rate"] for row in rows] == ["20 %", "10 %", "5,5 %", "2,1 %", "0 %"]


def test_the_listing_filters_on_active_rates(session, admin):
    reference_data()
    with session_scope() as s:
        exempt = s.exec(select(VatRate).where(VatRate.rate == 0)).one()
    save(admin, {"rate": "0", "label": "Exonéré", "active": ""}, exempt.id)
    page = fetch_page(session, VAT_RATES.list_spec(), ListQuery(filters={"active": "0"}))
    assert [row["label"] for row in page.rows] == ["Exonéré"]
