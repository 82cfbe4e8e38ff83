"""Tariffs of the catalogue: the one lookup that finds the rate of a day and a group size, tested
at every boundary (period, tier, days of the week, category), and the refusal of overlapping
rates, which guarantees the lookup never has to choose."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import ParticipantCategory, Rate
from agence.models.catalogue import Product
from agence.services.catalogue.rates import RATES, default_category_id, find_rate, overlapping_rate
from agence.services.common import records
from agence.services.common.forms import REQUIRED, FormErrors
from agence.services.common.permissions import AccessDenied, Action, Actor, Module, Right
from agence.services.common.records import RecordNotFound
from agence.services.settings.catalogue_types import PARTICIPANT_CATEGORIES
from tests.factories import category_id, make_actor, make_product, make_rate, reference_data

SPRING = date(2026, 4, 1)
AUTUMN = date(2026, 9, 30)
FRIDAY = date(2026, 6, 5)
SATURDAY = date(2026, 6, 6)
SUNDAY = date(2026, 6, 7)
MONDAY = date(2026, 6, 8)
ONE_DAY = timedelta(days=1)


@pytest.fixture
def admin(session: Session) -> Actor:
    reference_data()
    return make_actor(session)


@pytest.fixture
def product(session: Session, admin: Actor) -> Product:
    return make_product(session, "Visite du château d'Amboise")


def lookup(product: Product, on: date, paying: int, category: str | None = None) -> Rate | None:
    with session_scope() as s:
        category_key = category_id(s, category) if category else None
        return find_rate(s, product.id or 0, on, paying, category_key)


def price_on(product: Product, on: date, paying: int, category: str | None = None) -> str | None:
    rate = lookup(product, on, paying, category)
    return None if rate is None else str(rate.purchase_price.normalize())


def rate_form(**values) -> dict[str, str]:
    """A season rate for 20 to 49 paying adults, every day, as the form submits it."""
    with session_scope() as s:
        adult = category_id(s, "ADULTE")
    form = {
        "label": "Groupes",
        "participant_category_id": str(adult),
        "valid_from": SPRING.isoformat(),
        "valid_to": AUTUMN.isoformat(),
        "days": "tous",
        "min_group": "20",
        "max_group": "49",
        "purchase_price": "13,00",
        "sale_price": "",
        "markup_percent": "",
    }
    form.update(values)
    return form


def save_rate(actor: Actor, product: Product, record_id: int | None = None, **values) -> Rate:
    with session_scope() as s:
        return records.save(s, actor, RATES, record_id, rate_form(**values), product.id)


def refused(actor: Actor, product: Product, record_id: int | None = None, **values):
    with pytest.raises(FormErrors) as failure:
        save_rate(actor, product, record_id, **values)
    return failure.value.errors


def rate_count() -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(Rate)).one()


# --- Lookup: the validity period ----------------------------------------------------------------


@pytest.fixture
def season(session: Session, product: Product) -> Rate:
    return make_rate(session, product, SPRING, AUTUMN, "13.00")


def test_rate_of_the_first_day_of_the_period_applies(product, season):
    assert lookup(product, SPRING, 20).id == season.id


def test_rate_of_the_last_day_of_the_period_applies(product, season):
    assert lookup(product, AUTUMN, 20).id == season.id


def test_no_rate_applies_the_day_before_the_period(product, season):
    assert lookup(product, SPRING - ONE_DAY, 20) is None


def test_no_rate_applies_the_day_after_the_period(product, season):
    assert lookup(product, AUTUMN + ONE_DAY, 20) is None


def test_a_one_day_rate_applies_on_that_day_only(session, product):
    make_rate(session, product, FRIDAY, FRIDAY, "9.00")
    assert price_on(product, FRIDAY, 10) == "9"
    assert lookup(product, FRIDAY - ONE_DAY, 10) is None
    assert lookup(product, FRIDAY + ONE_DAY, 10) is None


def test_consecutive_seasons_hand_over_at_midnight(session, product):
    make_rate(session, product, SPRING, date(2026, 6, 30), "13.00", label="Basse saison")
    make_rate(session, product, date(2026, 7, 1), AUTUMN, "16.00", label="Haute saison")
    assert price_on(product, date(2026, 6, 30), 25) == "13"
    assert price_on(product, date(2026, 7, 1), 25) == "16"


def test_the_rate_of_another_product_never_applies(session, product, season):
    other = make_product(session, "Visite de Chenonceau")
    assert lookup(other, FRIDAY, 20) is None


# --- Lookup: group-size tiers ---------------------------------------------------------------------


@pytest.fixture
def tiers(session: Session, product: Product) -> None:
    make_rate(session, product, SPRING, AUTUMN, "15.50", min_group=1, max_group=19)
    make_rate(session, product, SPRING, AUTUMN, "13.00", min_group=20, max_group=49)
    make_rate(session, product, SPRING, AUTUMN, "11.00", min_group=50)


def test_the_tier_minimum_belongs_to_the_tier(product, tiers):
    assert price_on(product, FRIDAY, 1) == "15.5"
    assert price_on(product, FRIDAY, 20) == "13"
    assert price_on(product, FRIDAY, 50) == "11"


def test_the_tier_maximum_belongs_to_the_tier(product, tiers):
    assert price_on(product, FRIDAY, 19) == "15.5"
    assert price_on(product, FRIDAY, 49) == "13"


def test_one_more_than_the_tier_maximum_takes_the_next_tier(product, tiers):
    assert price_on(product, FRIDAY, 19 + 1) == "13"
    assert price_on(product, FRIDAY, 49 + 1) == "11"


def test_an_open_tier_et_plus_applies_to_any_larger_group(product, tiers):
    assert price_on(product, FRIDAY, 10000) == "11"


def test_no_rate_applies_above_a_closed_last_tier(session, product):
    make_rate(session, product, SPRING, AUTUMN, "13.00", min_group=20, max_group=29)
    assert price_on(product, FRIDAY, 29) == "13"
    assert lookup(product, FRIDAY, 30) is None


def test_no_rate_applies_below_the_first_tier(session, product):
    make_rate(session, product, SPRING, AUTUMN, "13.00", min_group=20)
    assert lookup(product, FRIDAY, 19) is None


# --- Lookup: days of the week ---------------------------------------------------------------------


@pytest.fixture
def week_and_weekend(session: Session, product: Product) -> None:
    make_rate(session, product, SPRING, AUTUMN, "28.00", days="semaine")
    make_rate(session, product, SPRING, AUTUMN, "32.00", days="weekend")


def test_a_weekday_rate_applies_from_monday_to_friday(product, week_and_weekend):
    assert price_on(product, MONDAY, 20) == "28"
    assert price_on(product, FRIDAY, 20) == "28"


def test_a_weekend_rate_applies_on_saturday_and_sunday(product, week_and_weekend):
    assert price_on(product, SATURDAY, 20) == "32"
    assert price_on(product, SUNDAY, 20) == "32"


def test_a_weekday_rate_alone_leaves_the_weekend_without_a_rate(session, product):
    make_rate(session, product, SPRING, AUTUMN, "28.00", days="semaine")
    assert lookup(product, SATURDAY, 20) is None
    assert lookup(product, SUNDAY, 20) is None
    assert price_on(product, MONDAY, 20) == "28"


def test_a_weekend_rate_alone_leaves_the_weekdays_without_a_rate(session, product):
    make_rate(session, product, SPRING, AUTUMN, "32.00", days="weekend")
    assert lookup(product, FRIDAY, 20) is None
    assert price_on(product, SUNDAY, 20) == "32"


def test_an_every_day_rate_applies_on_weekdays_and_weekends(product, season):
    assert lookup(product, MONDAY, 20).id == season.id
    assert lookup(product, SUNDAY, 20).id == season.id


def test_a_weekend_rate_at_the_end_of_its_period(session, product):
    make_rate(session, product, date(2026, 5, 1), SATURDAY, "32.00", days="weekend")
    assert price_on(product, SATURDAY, 20) == "32"
    assert lookup(product, SUNDAY, 20) is None


# --- Lookup: participant categories ---------------------------------------------------------------


def test_the_lookup_prices_adults_when_no_category_is_given(session, product):
    make_rate(session, product, SPRING, AUTUMN, "9.00", category="ENFANT")
    make_rate(session, product, SPRING, AUTUMN, "13.00", category="ADULTE")
    assert price_on(product, FRIDAY, 20) == "13"


def test_a_category_is_priced_at_its_own_rate(session, product):
    make_rate(session, product, SPRING, AUTUMN, "9.00", category="ENFANT")
    make_rate(session, product, SPRING, AUTUMN, "13.00", category="ADULTE")
    assert price_on(product, FRIDAY, 20, "ENFANT") == "9"


def test_a_rate_for_children_only_gives_no_adult_rate(session, product):
    make_rate(session, product, SPRING, AUTUMN, "9.00", category="ENFANT")
    assert lookup(product, FRIDAY, 20) is None
    assert lookup(product, FRIDAY, 20, "SENIOR") is None


def test_without_an_adult_category_the_first_active_category_is_the_default(session):
    reference_data()
    adult = session.exec(
        select(ParticipantCategory).where(ParticipantCategory.code == "ADULTE")
    ).one()
    adult.code = "MAJEUR"
    adult.position = 99
    session.add(adult)
    child = session.exec(
        select(ParticipantCategory).where(ParticipantCategory.code == "ENFANT")
    ).one()
    child.position = 1
    session.add(child)
    session.commit()
    with session_scope() as s:
        assert default_category_id(s) == child.id


# --- Saving a rate: checks ------------------------------------------------------------------------


def test_a_rate_is_saved_under_its_product(admin, product):
    rate = save_rate(admin, product)
    with session_scope() as s:
        stored = s.get(Rate, rate.id)
    assert stored.product_id == product.id
    assert (stored.valid_from, stored.valid_to) == (SPRING, AUTUMN)
    assert (stored.min_group, stored.max_group, stored.days) == (20, 49, "tous")
    assert str(stored.purchase_price.normalize()) == "13"


def test_a_blank_maximum_is_an_open_tier(admin, product):
    rate = save_rate(admin, product, max_group="")
    assert rate.max_group is None
    assert price_on(product, FRIDAY, 500) == "13"


def test_a_rate_ending_before_it_starts_is_refused(admin, product):
    errors = refused(admin, product, valid_from="2026-09-30", valid_to="2026-04-01")
    assert errors == {"valid_to": "La fin précède le début."}


def test_a_tier_maximum_below_its_minimum_is_refused(admin, product):
    errors = refused(admin, product, min_group="30", max_group="29")
    assert errors == {"max_group": "Le maximum est inférieur au minimum."}


def test_a_one_size_tier_is_accepted(admin, product):
    save_rate(admin, product, min_group="30", max_group="30")
    assert price_on(product, FRIDAY, 30) == "13"
    assert lookup(product, FRIDAY, 31) is None


def test_a_rate_has_a_sale_price_or_a_markup_not_both(admin, product):
    errors = refused(admin, product, sale_price="16", markup_percent="20")
    assert errors == {"markup_percent": "Un prix de vente ou une majoration, pas les deux."}


def test_a_rate_needs_a_purchase_price(admin, product):
    assert refused(admin, product, purchase_price="") == {"purchase_price": REQUIRED}


def test_a_rate_is_changed_with_the_right_to_edit_the_catalogue(session, product):
    reference_data()
    creator = make_actor(
        session, {Right(Module.CATALOGUE, Action.SEE), Right(Module.CATALOGUE, Action.CREATE)}
    )
    with pytest.raises(AccessDenied):
        save_rate(creator, product)
    assert rate_count() == 0


def test_a_rate_is_not_reached_through_another_product(session, admin, product):
    rate = save_rate(admin, product)
    other = make_product(session, "Visite de Blois")
    with pytest.raises(RecordNotFound):
        save_rate(admin, other, rate.id, purchase_price="1")


# --- Overlap refusal ------------------------------------------------------------------------------


@pytest.fixture
def groups_rate(admin: Actor, product: Product) -> Rate:
    """Season, every day, 20–49 paying adults."""
    return save_rate(admin, product, label="Groupes")


def assert_overlap_refused(admin, product, **values) -> None:
    errors = refused(admin, product, label="Nouveau", **values)
    assert list(errors) == [""], errors
    assert errors[""].startswith("Ce tarif chevauche « Groupes » (du 01/04/2026 au 30/09/2026")
    assert "pour la même catégorie" in errors[""]
    assert rate_count() == 1


def test_the_same_rate_twice_is_refused_with_a_clear_message(admin, product, groups_rate):
    errors = refused(admin, product, label="Nouveau")
    assert errors == {
        "": "Ce tarif chevauche « Groupes » (du 01/04/2026 au 30/09/2026, tous les jours, "
        "20–49 payants) pour la même catégorie : modifiez la période, les jours ou la tranche."
    }


def test_a_period_starting_on_the_last_day_of_another_overlaps(admin, product, groups_rate):
    assert_overlap_refused(admin, product, valid_from="2026-09-30", valid_to="2026-12-31")


def test_a_period_ending_on_the_first_day_of_another_overlaps(admin, product, groups_rate):
    assert_overlap_refused(admin, product, valid_from="2026-01-01", valid_to="2026-04-01")


def test_a_period_inside_another_overlaps(admin, product, groups_rate):
    assert_overlap_refused(admin, product, valid_from="2026-06-01", valid_to="2026-06-30")


def test_a_period_around_another_overlaps(admin, product, groups_rate):
    assert_overlap_refused(admin, product, valid_from="2026-01-01", valid_to="2026-12-31")


def test_a_tier_starting_at_the_maximum_of_another_overlaps(admin, product, groups_rate):
    assert_overlap_refused(admin, product, min_group="49", max_group="60")


def test_a_tier_ending_at_the_minimum_of_another_overlaps(admin, product, groups_rate):
    assert_overlap_refused(admin, product, min_group="10", max_group="20")


def test_an_open_tier_overlaps_a_tier_above_its_minimum(admin, product, groups_rate):
    assert_overlap_refused(admin, product, min_group="30", max_group="")


def test_a_tier_overlaps_an_existing_open_tier(admin, product):
    save_rate(admin, product, label="Groupes", min_group="50", max_group="")
    errors = refused(admin, product, min_group="60", max_group="80")
    assert "50 et plus payants" in errors[""]


def test_weekdays_overlap_an_every_day_rate(admin, product, groups_rate):
    assert_overlap_refused(admin, product, days="semaine")


def test_weekends_overlap_an_every_day_rate(admin, product, groups_rate):
    assert_overlap_refused(admin, product, days="weekend")


def test_an_every_day_rate_overlaps_a_weekend_rate(admin, product):
    save_rate(admin, product, label="Groupes", days="weekend")
    errors = refused(admin, product, days="tous")
    assert "le week-end (samedi, dimanche)" in errors[""]


def test_a_period_starting_the_day_after_another_is_accepted(admin, product, groups_rate):
    save_rate(admin, product, valid_from="2026-10-01", valid_to="2026-12-31", purchase_price="11")
    assert price_on(product, AUTUMN, 20) == "13"
    assert price_on(product, AUTUMN + ONE_DAY, 20) == "11"


def test_a_period_ending_the_day_before_another_is_accepted(admin, product, groups_rate):
    save_rate(admin, product, valid_from="2026-01-01", valid_to="2026-03-31", purchase_price="11")
    assert price_on(product, SPRING - ONE_DAY, 20) == "11"
    assert price_on(product, SPRING, 20) == "13"


def test_the_next_tier_from_maximum_plus_one_is_accepted(admin, product, groups_rate):
    save_rate(admin, product, min_group="50", max_group="", purchase_price="11")
    assert price_on(product, FRIDAY, 49) == "13"
    assert price_on(product, FRIDAY, 50) == "11"


def test_the_tier_below_up_to_minimum_minus_one_is_accepted(admin, product, groups_rate):
    save_rate(admin, product, min_group="1", max_group="19", purchase_price="15.5")
    assert price_on(product, FRIDAY, 19) == "15.5"


def test_weekday_and_weekend_rates_of_the_same_season_are_accepted(admin, product):
    save_rate(admin, product, days="semaine", purchase_price="28")
    save_rate(admin, product, days="weekend", purchase_price="32")
    assert price_on(product, FRIDAY, 20) == "28"
    assert price_on(product, SATURDAY, 20) == "32"


def test_the_same_rate_for_another_category_is_accepted(session, admin, product, groups_rate):
    save_rate(
        admin,
        product,
        participant_category_id=str(category_id(session, "ENFANT")),
        purchase_price="9",
    )
    assert price_on(product, FRIDAY, 20, "ENFANT") == "9"
    assert price_on(product, FRIDAY, 20) == "13"


def test_the_same_rate_for_another_product_is_accepted(session, admin, groups_rate):
    other = make_product(session, "Visite de Cheverny")
    save_rate(admin, other, purchase_price="12")
    assert price_on(other, FRIDAY, 20) == "12"


def test_editing_a_rate_does_not_clash_with_itself(admin, product, groups_rate):
    save_rate(admin, product, groups_rate.id, label="Groupes", purchase_price="14")
    assert price_on(product, FRIDAY, 20) == "14"
    assert rate_count() == 1


def test_editing_a_rate_into_another_one_is_refused(admin, product, groups_rate):
    later = save_rate(admin, product, valid_from="2026-10-01", valid_to="2026-12-31")
    errors = refused(admin, product, later.id, valid_from="2026-09-01", valid_to="2026-12-31")
    assert errors[""].startswith("Ce tarif chevauche « Groupes »")
    with session_scope() as s:
        assert s.get(Rate, later.id).valid_from == date(2026, 10, 1)


def test_overlapping_rate_finds_the_clash_and_ignores_the_rate_being_edited(
    session, product, groups_rate
):
    adult = category_id(session, "ADULTE")
    with session_scope() as s:
        clash = overlapping_rate(s, product.id or 0, adult, AUTUMN, AUTUMN, "weekend", 49, None)
        itself = overlapping_rate(
            s, product.id or 0, adult, SPRING, AUTUMN, "tous", 20, 49, excluded_id=groups_rate.id
        )
    assert clash.id == groups_rate.id
    assert itself is None


# --- Participant categories: an editable list -----------------------------------------------------


def test_a_participant_category_is_added_to_the_coded_list(admin):
    with session_scope() as s:
        category = records.save(
            s,
            admin,
            PARTICIPANT_CATEGORIES,
            None,
            {
                "code": "pmr",
                "label": "Personne à mobilité réduite",
                "position": "60",
                "active": "on",
            },
        )
    assert (category.code, category.position, category.active) == ("PMR", 60, True)


def test_a_participant_category_code_is_unique(admin):
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        records.save(s, admin, PARTICIPANT_CATEGORIES, None, {"code": "ADULTE", "label": "Adultes"})
    assert "code" in failure.value.errors


def test_a_participant_category_used_by_a_rate_cannot_be_deleted(session, admin, product):
    make_rate(session, product, SPRING, AUTUMN, "9.00", category="ENFANT")
    child = category_id(session, "ENFANT")
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        records.delete(s, admin, PARTICIPANT_CATEGORIES, child)
    assert failure.value.errors == {"": "Cette catégorie sert à 1 tarif(s) : désactivez-la plutôt."}
    with session_scope() as s:
        assert s.get(ParticipantCategory, child) is not None


def test_an_unused_participant_category_can_be_deleted(session, admin):
    senior = category_id(session, "SENIOR")
    with session_scope() as s:
        records.delete(s, admin, PARTICIPANT_CATEGORIES, senior)
    with session_scope() as s:
        assert s.get(ParticipantCategory, senior) is None


def test_only_active_categories_are_offered_on_a_rate(session, admin):
    child = session.exec(
        select(ParticipantCategory).where(ParticipantCategory.code == "ENFANT")
    ).one()
    child.active = False
    session.add(child)
    session.commit()
    with session_scope() as s:
        offered = dict(RATES.choices(s)["participant_category_id"])
    assert str(child.id) not in offered
    assert "Adulte" in offered.values()
