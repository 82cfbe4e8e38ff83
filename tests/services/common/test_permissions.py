"""The rights matrix (modules × actions) and the actor that carries the granted rights."""

from __future__ import annotations

import pytest

from agence.services.common.permissions import (
    ALL_RIGHTS,
    AccessDenied,
    AccessProblem,
    Action,
    Actor,
    Module,
    NotSignedIn,
    Right,
)


def make_actor(*rights: Right) -> Actor:
    return Actor(
        user_id=1,
        first_name="Claire",
        last_name="Martin",
        email="claire@example.fr",
        profile_id=1,
        profile_name="Test",
        site_id=None,
        site_name="",
        is_sales_rep=False,
        rights=frozenset(rights),
    )


def test_the_matrix_holds_every_action_of_every_module_once():
    assert len(ALL_RIGHTS) == len(Module) * len(Action)
    assert len(set(ALL_RIGHTS)) == len(ALL_RIGHTS)


@pytest.mark.parametrize("right", ALL_RIGHTS, ids=lambda right: right.key)
def test_a_right_survives_the_round_trip_through_its_key(right):
    assert Right.from_key(right.key) == right


def test_the_key_of_a_right_is_module_colon_action_in_french():
    assert Right(Module.THIRD_PARTIES, Action.SEE).key == "tiers:voir"
    assert Right(Module.ADMINISTRATION, Action.EDIT).key == "administration:modifier"


def test_every_right_has_a_distinct_key():
    assert len({right.key for right in ALL_RIGHTS}) == len(ALL_RIGHTS)


def test_an_unknown_key_is_refused():
    with pytest.raises(ValueError):
        Right.from_key("inconnu:voir")
    with pytest.raises(ValueError):
        Right.from_key("tiers:inconnu")


def test_a_right_is_described_in_french():
    assert Right(Module.ADMINISTRATION, Action.EDIT).describe() == "Administration — Modifier"
    assert Right(Module.PAYMENTS, Action.SEE).describe() == "Règlements — Voir"


def test_an_actor_can_do_exactly_what_his_rights_grant():
    actor = make_actor(Right(Module.BOOKINGS, Action.SEE), Right(Module.BOOKINGS, Action.EDIT))

    assert actor.can(Module.BOOKINGS)
    assert actor.can(Module.BOOKINGS, Action.EDIT)
    assert not actor.can(Module.BOOKINGS, Action.DELETE)
    assert not actor.can(Module.INVOICING)


def test_an_actor_without_rights_can_do_nothing():
    actor = make_actor()

    assert not any(actor.can(right.module, right.action) for right in ALL_RIGHTS)


def test_require_passes_silently_when_the_right_is_granted():
    actor = make_actor(Right(Module.AGENDA, Action.CREATE))

    actor.require(Module.AGENDA, Action.CREATE)


def test_require_without_the_right_raises_access_denied_naming_the_right_in_french():
    actor = make_actor(Right(Module.ADMINISTRATION, Action.SEE))

    with pytest.raises(AccessDenied) as refused:
        actor.require(Module.ADMINISTRATION, Action.EDIT)

    assert str(refused.value) == "Accès refusé : droit « Administration — Modifier » requis."
    assert refused.value.right == Right(Module.ADMINISTRATION, Action.EDIT)
    assert isinstance(refused.value, AccessProblem)


def test_require_checks_the_see_right_by_default():
    actor = make_actor()

    with pytest.raises(AccessDenied, match="« Facturation — Voir »"):
        actor.require(Module.INVOICING)


def test_not_signed_in_asks_to_sign_in_when_no_reason_is_given():
    assert str(NotSignedIn()) == "Veuillez vous connecter."
    assert NotSignedIn().reason == ""
    assert str(NotSignedIn("Session expirée.")) == "Session expirée."


def test_the_display_name_is_first_name_then_last_name():
    assert make_actor().display_name == "Claire Martin"
