"""The supplier file: required fields, 401 account codes, the cancellation schedule, the
free-place rule, the address, and the list with its filters."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import select

from agence.db import session_scope
from agence.models import Address, AuditEntry, Supplier
from agence.services.common import records
from agence.services.common.forms import REQUIRED, FormErrors
from agence.services.common.listing import ListQuery, fetch_page
from agence.services.common.permissions import (
    ALL_RIGHTS,
    AccessDenied,
    Action,
    Actor,
    Module,
    Right,
)
from agence.services.common.records import DUPLICATE
from agence.services.parties.suppliers import (
    MAX_SCHEDULE_STEPS,
    SUPPLIERS,
    SUPPLIERS_LIST,
    cancellation_percent,
    parse_schedule,
    schedule_text,
)
from tests.factories import actor_for, make_user

HOTEL = {
    "name": "Hôtel de l'Univers",
    "supplier_type": "hebergement",
    "default_vat_regime": "marge",
    "active": "on",
}
SCHEDULE = [{"days": 30, "percent": "30"}, {"days": 7, "percent": "100"}]


def save(actor: Actor, data: dict, record_id: int | None = None) -> Supplier:
    with session_scope() as session:
        return records.save(session, actor, SUPPLIERS, record_id, data)


def refused(actor: Actor, data: dict, record_id: int | None = None) -> dict[str, str]:
    with pytest.raises(FormErrors) as failure:
        save(actor, data, record_id)
    return failure.value.errors


def form(actor: Actor, record_id: int | None) -> dict[str, str]:
    with session_scope() as session:
        return records.form_for(session, actor, SUPPLIERS, record_id)


def stored(record_id: int) -> Supplier:
    with session_scope() as session:
        return session.get(Supplier, record_id)


def count(model) -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def addresses(supplier_id: int) -> list[Address]:
    with session_scope() as session:
        return list(session.exec(select(Address).where(Address.supplier_id == supplier_id)))


def schedule_error(text: str) -> str:
    with pytest.raises(ValueError) as failure:
        parse_schedule(text)
    return str(failure.value)


@pytest.fixture
def admin(session) -> Actor:
    return actor_for(make_user(session, frozenset(ALL_RIGHTS)))


# --- Required fields and rights ----------------------------------------------------------------


def test_name_type_and_vat_regime_are_required(admin):
    errors = refused(admin, {})
    assert errors == {
        "name": REQUIRED,
        "supplier_type": REQUIRED,
        "default_vat_regime": REQUIRED,
    }
    assert count(Supplier) == 0


def test_an_unknown_supplier_type_is_refused(admin):
    assert refused(admin, {**HOTEL, "supplier_type": "vaisseau"}) == {
        "supplier_type": "Choix invalide."
    }


def test_a_valid_supplier_is_saved_with_its_search_name_and_audited(admin):
    supplier = stored(save(admin, HOTEL).id)
    assert (supplier.name, supplier.search_name) == ("Hôtel de l'Univers", "hotel de l univers")
    assert supplier.active is True
    assert supplier.default_vat_regime == "marge"
    with session_scope() as session:
        [entry] = session.exec(select(AuditEntry)).all()
    assert (entry.action, entry.entity_type, entry.entity_label) == (
        "creation",
        "fournisseur",
        "Hôtel de l'Univers",
    )


def test_creating_a_supplier_needs_the_create_right_on_third_parties(session):
    actor = actor_for(make_user(session, {Right(Module.THIRD_PARTIES, Action.EDIT)}))
    with pytest.raises(AccessDenied):
        save(actor, HOTEL)
    assert count(Supplier) == 0


def test_a_new_supplier_form_is_active_under_the_margin_scheme(admin):
    values = form(admin, None)
    assert (values["active"], values["default_vat_regime"]) == ("on", "marge")


def test_a_vat_number_of_another_siren_than_the_siret_is_refused(admin):
    errors = refused(admin, {**HOTEL, "siret": "73282932000074", "vat_number": "FR40303265045"})
    assert errors == {"vat_number": "Ce numéro de TVA ne correspond pas au SIREN du SIRET."}


def test_a_vat_number_matching_the_siret_is_accepted(admin):
    supplier = save(admin, {**HOTEL, "siret": "73282932000074", "vat_number": "FR44732829320"})
    assert stored(supplier.id).vat_number == "FR44732829320"


# --- Account codes -----------------------------------------------------------------------------


def test_account_codes_are_numbered_401_when_left_empty(admin):
    first = save(admin, HOTEL)
    second = save(admin, {**HOTEL, "name": "Restaurant Le Bœuf"})
    assert [stored(s.id).account_code for s in (first, second)] == ["40100001", "40100002"]


def test_a_supplier_account_must_start_with_401(admin):
    assert refused(admin, {**HOTEL, "account_code": "41100001"}) == {
        "account_code": "Le compte doit commencer par 401."
    }


def test_a_supplier_account_must_be_unique(admin):
    save(admin, {**HOTEL, "account_code": "401777"})
    assert refused(admin, {**HOTEL, "name": "Autre", "account_code": "401777"}) == {
        "account_code": DUPLICATE
    }


def test_a_typed_account_is_skipped_by_the_numbering(admin):
    save(admin, {**HOTEL, "account_code": "40100001"})
    assert stored(save(admin, {**HOTEL, "name": "Autre"}).id).account_code == "40100002"


# --- parse_schedule ----------------------------------------------------------------------------


def test_a_schedule_is_read_as_days_before_and_percentage():
    assert parse_schedule("30:30 ; 7:100") == SCHEDULE


def test_a_schedule_is_sorted_from_the_farthest_to_the_nearest_day():
    assert parse_schedule("7:100; 30:30") == SCHEDULE


@pytest.mark.parametrize(
    "text", ["30 : 30 % ; 7 : 100 %", "J-30:30, J-7:100", "j-30:30\n7:100", " 30:30;;7:100; "]
)
def test_a_schedule_accepts_spaces_percent_signs_j_prefixes_and_other_separators(text):
    assert parse_schedule(text) == SCHEDULE


def test_a_percentage_keeps_its_decimals():
    assert parse_schedule("60:12.5 ; 30:50.50") == [
        {"days": 60, "percent": "12.5"},
        {"days": 30, "percent": "50.5"},
    ]


def test_a_percentage_may_be_typed_with_a_french_decimal_comma():
    """The parser turns "12,5" into 12.5; the comma must not be taken for a step separator
    when the steps are separated by semicolons."""
    assert parse_schedule("60:12,5 ; 30:50") == [
        {"days": 60, "percent": "12.5"},
        {"days": 30, "percent": "50"},
    ]


def test_an_empty_schedule_has_no_step():
    assert parse_schedule("") == parse_schedule(" ; ") == []


def test_equal_percentages_on_successive_steps_are_allowed():
    assert parse_schedule("30:50 ; 7:50") == [
        {"days": 30, "percent": "50"},
        {"days": 7, "percent": "50"},
    ]


@pytest.mark.parametrize("text", ["trente:30", "30", "30:", "30:beaucoup", "30:30:30", "1.5:30"])
def test_a_malformed_step_is_refused_with_an_example(text):
    message = schedule_error(text)
    assert "écrire « jours avant le départ : pourcentage », ex. 30:30 ; 7:100." in message


@pytest.mark.parametrize("text", ["30:0", "30:100.01", "30:150", "30:-10", "-1:30"])
def test_a_percentage_outside_0_to_100_or_negative_days_are_refused(text):
    assert schedule_error(text) == f"« {text} » : jours positifs et pourcentage entre 0 et 100."


@pytest.mark.parametrize("text", ["30:nan", "30:NaN %", "30:snan"])
def test_a_percentage_that_is_not_a_number_is_refused_with_a_message(text):
    """Decimal reads "nan": it must be refused like any other text, not crash the form."""
    message = schedule_error(text)
    assert message.startswith(f"« {text.strip()} »")


def test_two_steps_on_the_same_day_are_refused():
    assert schedule_error("30:30 ; 30:50") == "Deux paliers ont le même nombre de jours."


def test_a_percentage_that_decreases_towards_departure_is_refused():
    assert schedule_error("30:100 ; 7:30") == "Le pourcentage doit croître à l'approche du départ."


def test_ten_steps_are_accepted_and_eleven_refused():
    ten = " ; ".join(f"{days}:{100 - days}" for days in range(10))
    assert len(parse_schedule(ten)) == MAX_SCHEDULE_STEPS == 10
    eleven = " ; ".join(f"{days}:{100 - days}" for days in range(11))
    assert schedule_error(eleven) == "10 paliers au plus."


def test_schedule_text_writes_the_steps_back_as_typed():
    assert schedule_text(SCHEDULE) == "30:30 ; 7:100"
    assert parse_schedule(schedule_text(SCHEDULE)) == SCHEDULE
    assert schedule_text([]) == ""


# --- cancellation_percent ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_before", "percent"),
    [(365, "0"), (31, "0"), (30, "30"), (29, "30"), (8, "30"), (7, "100"), (1, "100"), (0, "100")],
)
def test_the_share_due_on_cancellation_is_that_of_the_nearest_step_reached(days_before, percent):
    assert cancellation_percent(SCHEDULE, days_before) == Decimal(percent)


def test_without_schedule_a_cancellation_costs_nothing():
    assert cancellation_percent([], 0) == Decimal(0)


def test_the_percentage_of_a_step_may_carry_decimals():
    steps = parse_schedule("45:12.5 ; 10:60")
    assert cancellation_percent(steps, 20) == Decimal("12.5")


# --- The schedule through the form -------------------------------------------------------------


def test_the_typed_schedule_is_stored_as_steps_and_shown_back_as_text(admin):
    supplier = save(admin, {**HOTEL, "cancellation_text": "7:100 ; 30:30"})
    assert stored(supplier.id).cancellation_schedule == SCHEDULE
    assert form(admin, supplier.id)["cancellation_text"] == "30:30 ; 7:100"


def test_a_wrong_schedule_is_reported_on_its_field_and_nothing_is_saved(admin):
    errors = refused(admin, {**HOTEL, "cancellation_text": "30:100 ; 7:30"})
    assert errors == {"cancellation_text": "Le pourcentage doit croître à l'approche du départ."}
    assert count(Supplier) == 0


@pytest.mark.parametrize("text", ["30:0", "30:120", "30:30 ; 30:40", "abc", "30:nan"])
def test_every_wrong_schedule_is_a_message_on_its_field(admin, text):
    assert set(refused(admin, {**HOTEL, "cancellation_text": text})) == {"cancellation_text"}


def test_emptying_the_schedule_removes_it(admin):
    supplier = save(admin, {**HOTEL, "cancellation_text": "30:30 ; 7:100"})
    save(admin, {**form(admin, supplier.id), "cancellation_text": ""}, supplier.id)
    assert stored(supplier.id).cancellation_schedule == []


def test_saving_the_form_unchanged_keeps_the_schedule_and_writes_no_audit(admin):
    supplier = save(admin, {**HOTEL, "cancellation_text": "30:30 ; 7:100"})
    save(admin, form(admin, supplier.id), supplier.id)
    assert stored(supplier.id).cancellation_schedule == SCHEDULE
    with session_scope() as session:
        actions = session.exec(select(AuditEntry.action)).all()
    assert actions == ["creation"]


# --- Free places -------------------------------------------------------------------------------


def test_the_free_place_rule_is_kept_with_both_numbers(admin):
    supplier = stored(save(admin, {**HOTEL, "free_places": "1", "free_places_per": "20"}).id)
    assert (supplier.free_places, supplier.free_places_per) == (1, 20)


@pytest.mark.parametrize("given", [{"free_places": "1"}, {"free_places_per": "20"}])
def test_the_free_place_rule_needs_both_numbers(admin, given):
    assert refused(admin, {**HOTEL, **given}) == {
        "free_places_per": "Indiquez les deux nombres (ex. 1 pour 20)."
    }


def test_no_free_place_rule_is_stored_as_zero_for_zero(admin):
    supplier = stored(save(admin, HOTEL).id)
    assert (supplier.free_places, supplier.free_places_per) == (0, 0)


def test_free_places_are_bounded(admin):
    errors = refused(admin, {**HOTEL, "free_places": "51", "free_places_per": "20"})
    assert errors["free_places"] == "La valeur doit être au plus 50."


# --- Address -----------------------------------------------------------------------------------


def test_the_address_fields_create_the_supplier_address_and_copy_the_city(admin):
    data = {
        **HOTEL,
        "billing_line1": "5 place Jean Jaurès",
        "billing_postcode": "37000",
        "billing_city": "Tours",
    }
    supplier = save(admin, data)
    [address] = addresses(supplier.id)
    assert (address.kind, address.is_default, address.client_id) == ("facturation", True, None)
    assert (address.line1, address.postcode, address.city) == (
        "5 place Jean Jaurès",
        "37000",
        "Tours",
    )
    saved = stored(supplier.id)
    assert (saved.city, saved.postcode, saved.department) == ("Tours", "37000", "37")


def test_editing_the_address_changes_the_same_address(admin):
    data = {
        **HOTEL,
        "billing_line1": "1 rue A",
        "billing_postcode": "37000",
        "billing_city": "Tours",
    }
    supplier = save(admin, data)
    values = form(admin, supplier.id)
    assert (values["billing_line1"], values["billing_city"]) == ("1 rue A", "Tours")
    save(admin, {**values, "billing_postcode": "20200", "billing_city": "Bastia"}, supplier.id)
    [address] = addresses(supplier.id)
    assert address.city == "Bastia"
    assert (stored(supplier.id).city, stored(supplier.id).department) == ("Bastia", "2B")


def test_an_address_line_needs_a_city(admin):
    assert refused(admin, {**HOTEL, "billing_line1": "1 rue A"}) == {
        "billing_city": "Indiquez la ville."
    }


def test_a_supplier_without_address_has_no_city(admin):
    supplier = save(admin, HOTEL)
    assert addresses(supplier.id) == []
    assert stored(supplier.id).city == ""


# --- The list ----------------------------------------------------------------------------------


@pytest.fixture
def suppliers(admin):
    def add(name: str, kind: str, city: str, active: bool = True) -> None:
        data = {
            **HOTEL,
            "name": name,
            "supplier_type": kind,
            "billing_line1": "1 rue de la Gare",
            "billing_postcode": "37000",
            "billing_city": city,
        }
        if not active:
            del data["active"]
        save(admin, data)

    add("Hôtel de l'Univers", "hebergement", "Tours")
    add("Auberge du Lac", "hebergement", "Toulouse", active=False)
    add("Château d'Amboise", "site", "Amboise")
    add("Cars Touraine", "transport", "Tours")
    supplier = save(admin, {**HOTEL, "name": "Effacé", "supplier_type": "site"})
    with session_scope() as session:
        records.delete(session, admin, SUPPLIERS, supplier.id)


def listed(search: str = "", **filters) -> list[str]:
    with session_scope() as session:
        page = fetch_page(session, SUPPLIERS_LIST, ListQuery(search=search, filters=filters))
    return [row["name"] for row in page.rows]


ALL = ["Auberge du Lac", "Cars Touraine", "Château d'Amboise", "Hôtel de l'Univers"]


def test_the_list_shows_the_suppliers_not_deleted_sorted_by_name_ignoring_accents(suppliers):
    assert listed() == ALL


@pytest.mark.parametrize(
    ("filters", "names"),
    [
        ({"supplier_type": "hebergement"}, ["Auberge du Lac", "Hôtel de l'Univers"]),
        ({"supplier_type": "site"}, ["Château d'Amboise"]),
        ({"supplier_type": "vaisseau"}, ALL),
        ({"city": "tou"}, ["Auberge du Lac", "Cars Touraine", "Hôtel de l'Univers"]),
        ({"city": "Tours"}, ["Cars Touraine", "Hôtel de l'Univers"]),
        ({"active": "1"}, ["Cars Touraine", "Château d'Amboise", "Hôtel de l'Univers"]),
        ({"active": "0"}, ["Auberge du Lac"]),
        ({"active": "1", "supplier_type": "hebergement"}, ["Hôtel de l'Univers"]),
    ],
)
def test_the_list_filters_by_type_city_and_state(suppliers, filters, names):
    assert listed(**filters) == names


def test_the_supplier_search_ignores_accents(suppliers):
    assert listed(search="chateau") == ["Château d'Amboise"]
    assert listed(search="HOTEL") == ["Hôtel de l'Univers"]
