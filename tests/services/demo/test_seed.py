"""Reference data, the demo agency and the first administrator."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import select

from agence.db import session_scope
from agence.models import (
    AgencySite,
    AuditEntry,
    PaymentMethod,
    PaymentTerm,
    Profile,
    ProfileRight,
    User,
    VatRate,
)
from agence.services.admin import auth
from agence.services.admin.passwords import password_problem
from agence.services.admin.profiles import rights_of
from agence.services.common.permissions import ALL_RIGHTS, Action, Module, Right
from agence.services.demo import seed
from tests.factories import reference_data

REFERENCE_TABLES = (Profile, ProfileRight, PaymentMethod, PaymentTerm, VatRate)
ADMIN_PASSWORD = "Premier2026admin"


def count(model, *conditions) -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(model).where(*conditions)).one()


def rights_of_profile(name: str) -> set[Right]:
    with session_scope() as s:
        profile = s.exec(select(Profile).where(Profile.name == name)).one()
        return rights_of(s, profile.id)


def seed_demo() -> bool:
    with session_scope() as s:
        return seed.seed_demo(s)


def sign_in(email: str, password: str) -> auth.SignInResult:
    with session_scope() as s:
        return auth.sign_in(s, email, password)


def create_administrator(email: str, password: str = ADMIN_PASSWORD) -> User:
    with session_scope() as s:
        return seed.create_administrator(s, email, password, "Claire", "Martin")


# --- Reference data --------------------------------------------------------------------------


def test_seeding_reference_data_twice_adds_nothing_the_second_time(db):
    reference_data()
    first = [count(model) for model in REFERENCE_TABLES]

    reference_data()

    assert [count(model) for model in REFERENCE_TABLES] == first
    assert first[0] == 5


def test_seeding_never_overwrites_what_the_agency_edited(session):
    reference_data()
    transfer = session.exec(select(PaymentMethod).where(PaymentMethod.code == "VIREMENT")).one()
    transfer.label = "Virement SEPA"
    session.add(transfer)
    session.commit()

    reference_data()

    with session_scope() as s:
        assert s.exec(
            select(PaymentMethod.label).where(PaymentMethod.code == "VIREMENT")
        ).one() == ("Virement SEPA")


def test_the_five_profiles_are_seeded(db):
    reference_data()

    with session_scope() as s:
        names = set(s.exec(select(Profile.name)))
    assert names == {"Administrateur", "Direction", "Commercial", "Réservation", "Comptabilité"}


def test_the_administrator_profile_has_every_right(db):
    reference_data()

    assert rights_of_profile(seed.ADMINISTRATOR) == set(ALL_RIGHTS)


def test_the_commercial_profile_has_no_administration_nor_parameters(db):
    reference_data()

    rights = rights_of_profile("Commercial")
    assert {right.module for right in rights}.isdisjoint({Module.ADMINISTRATION, Module.PARAMETERS})
    assert Right(Module.THIRD_PARTIES, Action.CREATE) in rights
    assert Right(Module.BOOKINGS, Action.CREATE) in rights
    assert Right(Module.INVOICING, Action.CREATE) not in rights


def test_the_accounting_profile_has_every_action_on_invoicing(db):
    reference_data()

    rights = rights_of_profile("Comptabilité")
    assert {Right(Module.INVOICING, action) for action in Action} <= rights
    assert not any(right.module == Module.ADMINISTRATION for right in rights)


def test_only_the_administrator_profile_may_manage_users(db):
    reference_data()

    with session_scope() as s:
        holders = set(
            s.exec(
                select(Profile.name)
                .join(ProfileRight, ProfileRight.profile_id == Profile.id)
                .where(
                    ProfileRight.module == Module.ADMINISTRATION.value,
                    ProfileRight.action == Action.EDIT.value,
                )
            )
        )
    assert holders == {seed.ADMINISTRATOR}


@pytest.mark.parametrize("name", ["Direction", "Commercial", "Réservation", "Comptabilité"])
def test_every_seeded_profile_sees_the_modules_where_it_acts(db, name):
    reference_data()

    rights = rights_of_profile(name)
    assert {Right(right.module, Action.SEE) for right in rights} <= rights


def test_six_payment_methods_are_seeded(db):
    reference_data()

    with session_scope() as s:
        codes = set(s.exec(select(PaymentMethod.code)))
    assert codes == {"VIREMENT", "CHEQUE", "CB", "ESPECES", "ANCV", "MANDAT"}


def test_four_payment_terms_are_seeded_with_exactly_one_default(db):
    reference_data()

    assert count(PaymentTerm) == 4
    with session_scope() as s:
        [default] = s.exec(select(PaymentTerm).where(PaymentTerm.is_default)).all()
    assert default.label == "30 jours date de facture"


def test_seeding_again_never_adds_a_second_default_payment_term(session):
    reference_data()
    default = session.exec(select(PaymentTerm).where(PaymentTerm.is_default)).one()
    default.label = "Trente jours net"
    session.add(default)
    session.commit()

    reference_data()

    assert count(PaymentTerm) == 5
    with session_scope() as s:
        [still_default] = s.exec(select(PaymentTerm).where(PaymentTerm.is_default)).all()
    assert still_default.label == "Trente jours net"


def test_five_vat_rates_are_seeded(db):
    reference_data()

    with session_scope() as s:
        rates = sorted(s.exec(select(VatRate.rate)))
    assert rates == [Decimal("0"), Decimal("2.1"), Decimal("5.5"), Decimal("10"), Decimal("20")]


# --- The demo agency -------------------------------------------------------------------------


def test_the_demo_agency_has_two_sites_and_eight_users(db):
    assert seed_demo()

    assert count(AgencySite) == 2
    assert count(User) == 8
    assert count(AgencySite, AgencySite.is_default) == 1
    assert count(Profile) == 5


def test_the_demo_agency_is_added_only_once(db):
    seed_demo()

    assert not seed_demo()

    assert count(AgencySite) == 2
    assert count(User) == 8


def test_the_demo_agency_is_not_added_to_a_database_that_has_users(db):
    create_administrator("claire@example.fr")

    assert not seed_demo()

    assert count(User) == 1
    assert count(AgencySite) == 0


def test_the_demo_users_sign_in_with_the_demo_password_without_having_to_change_it(db):
    seed_demo()

    for demo in seed.DEMO_USERS:
        if not demo.active:
            continue
        result = sign_in(demo.email, seed.DEMO_PASSWORD)
        assert result.ok, demo.email
        assert not result.must_change_password
        with session_scope() as s:
            actor = auth.resolve_actor(s, auth.hand_over(s, result.ticket) or "")
        assert actor.profile_name == demo.profile
        assert actor.is_sales_rep == demo.sales_rep
        assert actor.site_name.startswith("Escapades Val de Loire")


def test_the_inactive_demo_user_cannot_sign_in(db):
    seed_demo()
    [inactive] = [demo for demo in seed.DEMO_USERS if not demo.active]

    result = sign_in(inactive.email, seed.DEMO_PASSWORD)

    assert not result.ok
    assert result.message == auth.BAD_CREDENTIALS


def test_the_demo_logins_list_the_active_users_and_the_password():
    text = seed.demo_logins_text()

    assert seed.DEMO_PASSWORD in text
    for demo in seed.DEMO_USERS:
        assert (demo.email in text) == demo.active


def test_the_demo_password_satisfies_the_password_policy():
    assert password_problem(seed.DEMO_PASSWORD) is None


# --- The first administrator -----------------------------------------------------------------


def test_an_administrator_created_on_an_empty_database_can_sign_in(db):
    user = create_administrator(" Claire.Martin@Example.fr ")

    assert user.email == "claire.martin@example.fr"
    result = sign_in("claire.martin@example.fr", ADMIN_PASSWORD)
    assert result.ok
    with session_scope() as s:
        actor = auth.resolve_actor(s, auth.hand_over(s, result.ticket) or "")
    assert actor.profile_name == seed.ADMINISTRATOR
    assert actor.rights == frozenset(ALL_RIGHTS)


def test_creating_the_administrator_seeds_the_reference_data(db):
    create_administrator("claire@example.fr")

    assert count(Profile) == 5
    assert count(PaymentMethod) == 6
    assert count(VatRate) == 5


def test_the_creation_of_the_administrator_is_audited(db):
    user = create_administrator("claire@example.fr")

    with session_scope() as s:
        [entry] = s.exec(select(AuditEntry)).all()
    assert entry.action == "creation"
    assert entry.entity_id == str(user.id)
    assert entry.user_label == "ligne de commande"
    assert "password_hash" not in entry.changes


@pytest.mark.parametrize("spelling", ["claire@example.fr", "CLAIRE@example.fr"])
def test_an_administrator_cannot_be_created_twice_with_the_same_email(db, spelling):
    create_administrator("claire@example.fr")

    with pytest.raises(ValueError, match="existe déjà"):
        create_administrator(spelling)

    assert count(User) == 1


@pytest.mark.parametrize("password", ["Court1", "sanschiffreaucun", "claire2026@example.fr"])
def test_an_administrator_with_a_weak_password_is_refused(db, password):
    with pytest.raises(ValueError, match="mot de passe"):
        create_administrator("claire2026@example.fr", password)

    assert count(User) == 0
