"""Normalized names, French départements, and auxiliary account codes numbered by a counter."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from agence.models import AppSetting, Client, Supplier
from agence.services.common.text import department_of, normalize_text
from agence.services.parties import accounts

# --- normalize_text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("École", "ecole"),
        ("Comité d'Entreprise — SNCF", "comite d entreprise sncf"),
        ("Lycée Saint-Exupéry", "lycee saint exupery"),
        ("ÇA VA ÊTRE NOËL", "ca va etre noel"),
    ],
)
def test_normalize_text_drops_accents_case_and_punctuation(raw, normalized):
    assert normalize_text(raw) == normalized


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [("Œuvres sociales", "oeuvres sociales"), ("Cœur de ville", "coeur de ville")],
)
def test_normalize_text_spells_the_oe_ligature_out(raw, normalized):
    assert normalize_text(raw) == normalized


def test_normalize_text_writes_ae_for_the_ae_ligature():
    assert normalize_text("Læticia") == "laeticia"


def test_normalize_text_collapses_runs_of_punctuation_and_spaces_and_trims():
    assert normalize_text("  «  Les   Amis !!! »  (37) ") == "les amis 37"


def test_normalize_text_of_punctuation_only_is_empty():
    assert normalize_text(" — ! ") == ""


def test_normalize_text_makes_accented_and_plain_spellings_equal():
    assert normalize_text("Société Générale") == normalize_text("SOCIETE generale")


# --- department_of ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("postcode", "department"),
    [("37000", "37"), ("75001", "75"), ("01000", "01"), ("95880", "95"), ("75 008", "75")],
)
def test_the_department_of_a_mainland_postcode_is_its_first_two_digits(postcode, department):
    assert department_of(postcode) == department


@pytest.mark.parametrize(
    ("postcode", "department"),
    [("20000", "2A"), ("20167", "2A"), ("20199", "2A"), ("20200", "2B"), ("20290", "2B")],
)
def test_corsica_splits_into_2a_below_20200_and_2b_from_20200(postcode, department):
    assert department_of(postcode) == department


@pytest.mark.parametrize(
    ("postcode", "department"),
    [("97400", "974"), ("97100", "971"), ("97600", "976"), ("98800", "988")],
)
def test_overseas_postcodes_give_a_three_digit_department(postcode, department):
    assert department_of(postcode) == department


@pytest.mark.parametrize("postcode", ["", "3700", "370000", "2A000", "ABCDE"])
def test_a_postcode_that_is_not_five_french_digits_has_no_department(postcode):
    assert department_of(postcode) == ""


@pytest.mark.parametrize(("postcode", "country"), [("10115", "DE"), ("1000", "BE")])
def test_a_foreign_address_has_no_department(postcode, country):
    assert department_of(postcode, country) == ""


def test_the_country_defaults_to_france():
    assert department_of("37000", "FR") == department_of("37000") == "37"


# --- next_counter_code ------------------------------------------------------------------------


def _client(session: Session, code: str) -> None:
    session.add(Client(name=f"Client {code}", client_type="ce", account_code=code))
    session.commit()


def test_the_first_code_of_a_counter_is_number_one_on_five_digits(session):
    assert accounts.next_counter_code(session, Client, "test_counter", "411") == "41100001"


def test_each_code_moves_the_counter_on(session):
    first = accounts.next_counter_code(session, Client, "test_counter", "411")
    _client(session, first)
    second = accounts.next_counter_code(session, Client, "test_counter", "411")
    assert (first, second) == ("41100001", "41100002")
    assert session.get(AppSetting, "test_counter").value == "3"


def test_codes_already_taken_by_hand_are_skipped(session):
    _client(session, "41100001")
    _client(session, "41100002")
    assert accounts.next_counter_code(session, Client, "test_counter", "411") == "41100003"
    assert session.get(AppSetting, "test_counter").value == "4"


def test_a_code_taken_by_hand_ahead_of_the_counter_is_skipped_when_reached(session):
    session.add(AppSetting(key="test_counter", value="5"))
    _client(session, "41100005")
    assert accounts.next_counter_code(session, Client, "test_counter", "411") == "41100006"


def test_each_counter_numbers_its_own_table_with_its_own_prefix(session):
    _client(session, "41100001")
    code = accounts.next_counter_code(session, Supplier, "supplier_counter", "401")
    assert code == "40100001"
