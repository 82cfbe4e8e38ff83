"""Form fields: every submitted text becomes a clean value or a French message on its field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from agence.services.common.forms import REQUIRED, FieldSpec, parse_form, value_for_input


def parse_one(spec: FieldSpec, raw: Any = None, **choices) -> tuple[Any, str | None]:
    """The clean value and the message of a single field (None when the field is valid)."""
    data = {} if raw is None else {spec.name: raw}
    clean, errors = parse_form((spec,), data, choices or None)
    return clean.get(spec.name), errors.get(spec.name)


def field(kind: str = "text", **options) -> FieldSpec:
    return FieldSpec("x", "Champ", kind, **options)  # type: ignore[arg-type]


# --- Required, length, text ------------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_a_required_field_left_empty_says_it_is_mandatory(raw):
    _, message = parse_one(field(required=True), raw)
    assert message == REQUIRED == "Ce champ est obligatoire."


@pytest.mark.parametrize(
    ("kind", "empty"),
    [("text", ""), ("int", None), ("decimal", None), ("percent", None), ("ref", None)],
)
def test_an_optional_empty_field_gives_its_empty_value_without_error(kind, empty):
    assert parse_one(field(kind), "") == (empty, None)


def test_a_text_longer_than_max_length_is_refused():
    assert parse_one(field(max_length=5), "abcdef") == (None, "5 caractères au plus.")


def test_max_length_counts_the_text_once_stripped():
    assert parse_one(field(max_length=5), "  abcde  ") == ("abcde", None)


def test_a_text_is_stripped():
    assert parse_one(field(), "  Tours \n") == ("Tours", None)


def test_a_password_and_a_textarea_keep_their_spaces():
    assert parse_one(field("password"), " secret ") == (" secret ", None)
    assert parse_one(field("textarea"), "ligne 1\nligne 2\n") == ("ligne 1\nligne 2\n", None)


def test_every_field_is_checked_and_errors_are_keyed_by_field_name():
    specs = (
        FieldSpec("name", "Nom", required=True),
        FieldSpec("email", "E-mail", "email"),
        FieldSpec("age", "Âge", "int"),
        FieldSpec("city", "Ville"),
    )
    clean, errors = parse_form(specs, {"email": "pas-un-mail", "age": "douze", "city": "Blois"})
    assert errors == {
        "name": REQUIRED,
        "email": "Adresse e-mail invalide.",
        "age": "Nombre entier attendu.",
    }
    assert clean["city"] == "Blois"


# --- E-mail, phone ---------------------------------------------------------------------------


def test_an_email_is_lower_cased():
    assert parse_one(field("email"), " Claire.Martin@Escapades-Loire.FR ") == (
        "claire.martin@escapades-loire.fr",
        None,
    )


@pytest.mark.parametrize("raw", ["claire", "claire@", "claire@loire", "cla ire@loire.fr"])
def test_a_malformed_email_is_refused(raw):
    assert parse_one(field("email"), raw) == (None, "Adresse e-mail invalide.")


@pytest.mark.parametrize("raw", ["02 47 00 10 00", "+33 2 47 00 10 00", "02.47.00.10.00"])
def test_a_phone_number_is_kept_as_typed(raw):
    assert parse_one(field("phone"), raw) == (raw, None)


@pytest.mark.parametrize("raw", ["appelez-moi", "12", "02 47 00 10 00 poste 12"])
def test_a_phone_number_with_letters_or_too_short_is_refused(raw):
    assert parse_one(field("phone"), raw) == (None, "Numéro de téléphone invalide.")


# --- Integers --------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "value"), [("12", 12), ("1 000", 1000), ("-3", -3)])
def test_an_integer_is_parsed(raw, value):
    assert parse_one(field("int"), raw) == (value, None)


@pytest.mark.parametrize("raw", ["12,5", "douze", "1e3"])
def test_an_integer_field_refuses_anything_but_digits(raw):
    assert parse_one(field("int"), raw) == (None, "Nombre entier attendu.")


def test_an_integer_outside_its_bounds_is_refused():
    spec = field("int", min_value=0, max_value=365)
    assert parse_one(spec, "-1") == (None, "La valeur doit être au moins 0.")
    assert parse_one(spec, "366") == (None, "La valeur doit être au plus 365.")
    assert parse_one(spec, "0") == (0, None)
    assert parse_one(spec, "365") == (365, None)


# --- Decimals and percentages ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("12,50", Decimal("12.50")),
        ("12.5", Decimal("12.5")),
        ("1 234,50", Decimal("1234.50")),
        ("1\u202f234,50", Decimal("1234.50")),
        ("1\xa0234,50", Decimal("1234.50")),
        ("-3,25", Decimal("-3.25")),
        ("12 €", Decimal("12")),
    ],
)
def test_a_decimal_accepts_a_comma_or_a_dot_and_thousands_spaces(raw, value):
    assert parse_one(field("decimal"), raw) == (value, None)


@pytest.mark.parametrize("raw", ["douze", "12,5,0", "NaN", "Infinity", ","])
def test_a_decimal_that_is_not_a_number_is_refused(raw):
    assert parse_one(field("decimal"), raw) == (None, "Nombre invalide (exemple : 12,50).")


@pytest.mark.parametrize("kind", ["decimal", "percent"])
def test_more_than_two_decimals_are_refused(kind):
    assert parse_one(field(kind), "5,555") == (None, "Deux décimales au plus.")


def test_a_decimal_outside_its_bounds_is_refused():
    spec = field("decimal", min_value=Decimal("0"), max_value=Decimal("1000"))
    assert parse_one(spec, "-0,01") == (None, "La valeur doit être au moins 0.")
    assert parse_one(spec, "1 000,01") == (None, "La valeur doit être au plus 1\u202f000.")
    assert parse_one(spec, "1 000") == (Decimal("1000"), None)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("12 %", Decimal("12")), ("5,5%", Decimal("5.5")), ("20", Decimal("20"))],
)
def test_a_percentage_may_carry_the_percent_sign(raw, value):
    assert parse_one(field("percent"), raw) == (value, None)


def test_a_negative_percentage_is_refused():
    assert parse_one(field("percent"), "-5") == (None, "Un pourcentage ne peut pas être négatif.")


def test_a_percentage_with_an_explicit_lower_bound_may_be_negative():
    assert parse_one(field("percent", min_value=Decimal(-50)), "-5") == (Decimal("-5"), None)


def test_a_percentage_above_its_maximum_is_refused():
    spec = field("percent", max_value=Decimal(100))
    assert parse_one(spec, "100,01") == (None, "La valeur doit être au plus 100.")


# --- Booleans --------------------------------------------------------------------------------


def test_an_unticked_checkbox_is_absent_and_means_false():
    assert parse_one(field("bool")) == (False, None)


@pytest.mark.parametrize("raw", ["on", "true", "1", True])
def test_a_ticked_checkbox_means_true(raw):
    assert parse_one(field("bool"), raw) == (True, None)


@pytest.mark.parametrize("raw", ["", "off", "0", False])
def test_a_checkbox_with_an_empty_or_negative_value_means_false(raw):
    assert parse_one(field("bool"), raw) == (False, None)


def test_a_required_checkbox_left_unticked_is_not_an_error():
    assert parse_one(field("bool", required=True)) == (False, None)


# --- Choices and references ------------------------------------------------------------------

RULES = (("jours", "N jours"), ("reception", "À réception"))


def test_a_choice_among_the_options_is_kept():
    assert parse_one(field("choice", choices=RULES), "jours") == ("jours", None)


@pytest.mark.parametrize("raw", ["mensuel", "JOURS", "N jours"])
def test_a_choice_outside_the_options_is_refused(raw):
    assert parse_one(field("choice", choices=RULES), raw) == (None, "Choix invalide.")


def test_a_reference_returns_the_id_as_an_integer():
    spec = field("ref", choices=(("7", "Tours"), ("12", "Paris")))
    assert parse_one(spec, "12") == (12, None)


@pytest.mark.parametrize("raw", ["13", "abc", "-1"])
def test_a_reference_to_an_unknown_id_is_refused(raw):
    spec = field("ref", choices=(("7", "Tours"), ("12", "Paris")))
    assert parse_one(spec, raw) == (None, "Choix invalide.")


def test_choices_from_the_database_are_passed_as_the_choices_argument():
    spec = field("ref")
    assert parse_one(spec, "7", x=(("7", "Tours"),)) == (7, None)
    assert parse_one(spec, "8", x=(("7", "Tours"),)) == (None, "Choix invalide.")
    assert parse_one(field("choice"), "b", x=(("a", "A"), ("b", "B"))) == ("b", None)


def test_a_reference_without_any_option_refuses_every_value():
    assert parse_one(field("ref"), "1") == (None, "Choix invalide.")


# --- SIRET, VAT, IBAN, BIC -------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["73282932000074", "732 829 320 00074"])
def test_a_valid_siret_is_kept_compact(raw):
    assert parse_one(field("siret"), raw) == ("73282932000074", None)


def test_a_siret_with_a_bad_luhn_key_is_refused():
    _, message = parse_one(field("siret"), "73282932000075")
    assert message is not None and message.startswith("SIRET invalide") and "Luhn" in message


@pytest.mark.parametrize("raw", ["7328293200007", "732829320000740"])
def test_a_siret_of_the_wrong_length_is_refused(raw):
    assert parse_one(field("siret"), raw) == (None, "SIRET invalide : 14 chiffres attendus.")


def test_a_siret_with_letters_is_refused():
    _, message = parse_one(field("siret"), "7328293200007A")
    assert message is not None and message.startswith("SIRET invalide")


@pytest.mark.parametrize("raw", ["FR40303265045", "fr 40 303 265 045", "40303265045"])
def test_a_valid_vat_number_is_returned_with_its_fr_prefix(raw):
    assert parse_one(field("vat"), raw) == ("FR40303265045", None)


def test_a_vat_number_whose_key_does_not_match_the_siren_is_refused():
    assert parse_one(field("vat"), "FR41303265045") == (
        None,
        "Numéro de TVA invalide : la clé FR ne correspond pas au SIREN.",
    )


def test_a_vat_number_of_the_wrong_length_is_refused():
    _, message = parse_one(field("vat"), "FR4030326504")
    assert message is not None and message.startswith("Numéro de TVA invalide")


@pytest.mark.parametrize(
    "raw", ["FR7630006000011234567890189", "fr76 3000 6000 0112 3456 7890 189"]
)
def test_a_valid_iban_is_kept_compact_and_upper_case(raw):
    assert parse_one(field("iban"), raw) == ("FR7630006000011234567890189", None)


@pytest.mark.parametrize("raw", ["FR7630006000011234567890188", "FR7730006000011234567890189"])
def test_an_iban_with_a_bad_checksum_is_refused(raw):
    assert parse_one(field("iban"), raw) == (
        None,
        "IBAN invalide : la clé de contrôle ne correspond pas.",
    )


@pytest.mark.parametrize(
    ("raw", "value"), [("bnpafrpp", "BNPAFRPP"), ("BNPAFRPPXXX", "BNPAFRPPXXX")]
)
def test_a_valid_bic_is_upper_cased(raw, value):
    assert parse_one(field("bic"), raw) == (value, None)


def test_a_bic_of_the_wrong_length_is_refused():
    assert parse_one(field("bic"), "BNPA") == (None, "BIC invalide : 8 ou 11 caractères attendus.")


# --- Accounts and codes ----------------------------------------------------------------------


def test_an_account_with_the_expected_prefix_is_kept():
    assert parse_one(field("account", account_prefix="4457"), "445712") == ("445712", None)


def test_an_account_with_another_prefix_is_refused():
    spec = field("account", account_prefix="4457")
    assert parse_one(spec, "445662") == (None, "Le compte doit commencer par 4457.")


@pytest.mark.parametrize("raw", ["44", "4457A2", "4457 12", "4457123456789"])
def test_an_account_must_be_3_to_12_digits(raw):
    spec = field("account", account_prefix="4457")
    assert parse_one(spec, raw) == (None, "Numéro de compte invalide : 3 à 12 chiffres.")


def test_a_code_is_upper_cased():
    assert parse_one(field("code"), " vdl2 ") == ("VDL2", None)


@pytest.mark.parametrize("raw", ["V DL", "V-DL", "VDL!", "ÉTÉ"])
def test_a_code_accepts_only_letters_and_digits_without_spaces(raw):
    assert parse_one(field("code"), raw) == (
        None,
        "Lettres majuscules et chiffres uniquement, sans espace.",
    )


# --- Values shown in the inputs --------------------------------------------------------------


def test_a_decimal_is_shown_with_a_comma_and_without_trailing_zeros():
    assert value_for_input(field("decimal"), Decimal("5.50")) == "5,5"
    assert value_for_input(field("percent"), Decimal("20.00")) == "20"
    assert value_for_input(field("decimal"), Decimal("1234.50")) == "1234,5"


def test_empty_values_and_checkboxes_are_shown_as_the_form_submits_them():
    assert value_for_input(field("int"), None) == ""
    assert value_for_input(field("bool"), True) == "on"
    assert value_for_input(field("bool"), False) == ""
    assert value_for_input(field("int"), 30) == "30"


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("decimal", Decimal("5.50")),
        ("decimal", Decimal("1234.56")),
        ("percent", Decimal("20.00")),
        ("int", 45),
        ("bool", True),
        ("bool", False),
        ("text", "Tours"),
        ("code", "VDL"),
        ("siret", "73282932000074"),
        ("vat", "FR40303265045"),
        ("iban", "FR7630006000011234567890189"),
    ],
)
def test_a_stored_value_shown_in_its_input_parses_back_to_the_same_value(kind, value):
    spec = field(kind)
    assert parse_one(spec, value_for_input(spec, value)) == (value, None)
