"""French display formats: amounts, numbers, rates, days and moments in the agency's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from agence.services.common import formats

NNBSP = "\u202f"  # narrow no-break space: Babel's French thousands separator
NBSP = "\xa0"  # no-break space: before the euro sign


def test_money_is_shown_the_french_way_with_the_euro_sign_after():
    assert formats.money(Decimal("1234.56")) == f"1{NNBSP}234,56{NBSP}€"


def test_money_always_shows_two_decimals():
    assert formats.money(Decimal("5")) == f"5,00{NBSP}€"
    assert formats.money(Decimal("1000000.5")) == f"1{NNBSP}000{NNBSP}000,50{NBSP}€"


def test_a_negative_amount_keeps_its_sign():
    assert formats.money(Decimal("-12.30")) == f"-12,30{NBSP}€"


def test_no_amount_is_shown_as_nothing():
    assert formats.money(None) == ""


def test_a_number_has_a_thousands_separator_and_a_decimal_comma():
    assert formats.number(Decimal("1234.5")) == f"1{NNBSP}234,5"
    assert formats.number(1234) == f"1{NNBSP}234"
    assert formats.number(None) == ""


def test_a_number_may_be_shown_with_a_fixed_count_of_decimals():
    assert formats.number(Decimal("3"), places=2) == "3,00"
    assert formats.number(Decimal("1234.567"), places=0) == f"1{NNBSP}235"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("20.00"), "20 %"),
        (Decimal("5.50"), "5,5 %"),
        (Decimal("2.1"), "2,1 %"),
        (Decimal("0.00"), "0 %"),
        (Decimal("100"), "100 %"),
    ],
)
def test_a_rate_is_shown_as_a_percentage_without_useless_zeros(value, shown):
    assert formats.percent(value) == shown


def test_no_rate_is_shown_as_nothing():
    assert formats.percent(None) == ""


def test_a_day_is_shown_dd_mm_yyyy():
    assert formats.day(date(2026, 1, 5)) == "05/01/2026"
    assert formats.day(None) == ""


def test_the_day_of_a_moment_is_the_day_in_paris():
    assert formats.day(datetime(2026, 11, 29, 23, 30, tzinfo=UTC)) == "30/11/2026"


def test_a_moment_in_summer_is_shown_in_paris_summer_time():
    assert formats.moment(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == "01/07/2026 14:00"


def test_a_moment_in_winter_is_shown_in_paris_winter_time():
    assert formats.moment(datetime(2026, 1, 15, 12, 0, tzinfo=UTC)) == "15/01/2026 13:00"


def test_the_spring_clock_change_is_followed():
    assert formats.moment(datetime(2026, 3, 29, 0, 59, tzinfo=UTC)) == "29/03/2026 01:59"
    assert formats.moment(datetime(2026, 3, 29, 1, 0, tzinfo=UTC)) == "29/03/2026 03:00"


def test_a_moment_without_time_zone_is_read_as_utc():
    assert formats.moment(datetime(2026, 7, 1, 12, 0)) == "01/07/2026 14:00"


def test_a_moment_in_another_time_zone_is_converted_to_paris():
    new_york = timezone(timedelta(hours=-5))
    assert formats.moment(datetime(2026, 1, 15, 8, 0, tzinfo=new_york)) == "15/01/2026 14:00"


def test_no_moment_is_shown_as_nothing():
    assert formats.moment(None) == ""


def test_yes_no_is_oui_or_non():
    assert formats.yes_no(True) == "Oui"
    assert formats.yes_no(False) == "Non"
    assert formats.yes_no(None) == "Non"


@pytest.mark.parametrize(
    ("value", "typed"),
    [
        (Decimal("5.50"), "5,5"),
        (Decimal("20.00"), "20"),
        (Decimal("20"), "20"),
        (Decimal("100"), "100"),
        (Decimal("1234.50"), "1234,5"),
        (Decimal("0.05"), "0,05"),
        (Decimal("0.00"), "0"),
        (Decimal("-3.10"), "-3,1"),
        (None, ""),
    ],
)
def test_a_decimal_for_an_input_has_a_comma_no_separator_and_no_trailing_zero(value, typed):
    assert formats.decimal_for_input(value) == typed
