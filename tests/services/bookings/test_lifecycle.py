"""The life of a dossier is one state machine: every pair of statuses is either one of the
listed steps or refused, « valider » confirms and cancels while « modifier » does the rest, a
cancellation needs its reason, and the buttons offered are the steps the user may take."""

from __future__ import annotations

import itertools

import pytest

from agence.services.bookings.lifecycle import (
    AMENDABLE,
    OPEN,
    STATUS_LABELS,
    TRANSITIONS,
    Status,
    TransitionRefused,
    allowed_transitions,
    check,
    transition,
)
from agence.services.common.permissions import AccessDenied, Action, Actor, Module, Right

ALLOWED: dict[tuple[Status, Status], Action] = {
    (Status.REQUEST, Status.QUOTE_SENT): Action.EDIT,
    (Status.REQUEST, Status.OPTION): Action.EDIT,
    (Status.REQUEST, Status.CONFIRMED): Action.VALIDATE,
    (Status.REQUEST, Status.CANCELLED): Action.VALIDATE,
    (Status.QUOTE_SENT, Status.REQUEST): Action.EDIT,
    (Status.QUOTE_SENT, Status.OPTION): Action.EDIT,
    (Status.QUOTE_SENT, Status.CONFIRMED): Action.VALIDATE,
    (Status.QUOTE_SENT, Status.CANCELLED): Action.VALIDATE,
    (Status.OPTION, Status.QUOTE_SENT): Action.EDIT,
    (Status.OPTION, Status.CONFIRMED): Action.VALIDATE,
    (Status.OPTION, Status.CANCELLED): Action.VALIDATE,
    (Status.CONFIRMED, Status.DONE): Action.EDIT,
    (Status.CONFIRMED, Status.CANCELLED): Action.VALIDATE,
    (Status.DONE, Status.INVOICED): Action.EDIT,
    (Status.INVOICED, Status.SETTLED): Action.EDIT,
}
"""The specification of the lifecycle, written out independently of TRANSITIONS."""

ALL_PAIRS = list(itertools.product(Status, repeat=2))
FORBIDDEN = [pair for pair in ALL_PAIRS if pair not in ALLOWED]
REASON = "Le client renonce au voyage."


def actor_with(*actions: Action, module: Module = Module.BOOKINGS) -> Actor:
    """A signed-in user (no database needed: the machine is pure)."""
    return Actor(
        user_id=1,
        first_name="Claire",
        last_name="Martin",
        email="claire.martin@example.fr",
        profile_id=1,
        profile_name="Test",
        site_id=None,
        site_name="",
        is_sales_rep=False,
        rights=frozenset(Right(module, action) for action in actions),
    )


EVERYTHING = actor_with(*Action)
EDITOR = actor_with(Action.SEE, Action.EDIT)
VALIDATOR = actor_with(Action.SEE, Action.VALIDATE)


def pair_id(pair: tuple[Status, Status]) -> str:
    return f"{pair[0].value}->{pair[1].value}"


# --- The table itself -----------------------------------------------------------------------------


def test_the_machine_lists_exactly_the_specified_steps_with_their_rights():
    assert {(step.source, step.target): step.action for step in TRANSITIONS} == ALLOWED


def test_no_step_is_listed_twice():
    pairs = [(step.source, step.target) for step in TRANSITIONS]
    assert len(pairs) == len(set(pairs))


def test_there_are_eight_statuses_each_with_a_french_label():
    assert len(Status) == 8
    assert set(STATUS_LABELS) == set(Status)


def test_a_settled_or_cancelled_dossier_has_no_way_out():
    assert allowed_transitions(EVERYTHING, Status.SETTLED) == []
    assert allowed_transitions(EVERYTHING, Status.CANCELLED) == []


def test_every_status_can_be_reached_from_a_request():
    reached, frontier = {Status.REQUEST}, [Status.REQUEST]
    while frontier:
        source = frontier.pop()
        for step in allowed_transitions(EVERYTHING, source):
            if step.target not in reached:
                reached.add(step.target)
                frontier.append(step.target)
    assert reached == set(Status)


def test_only_a_confirmed_dossier_is_amended_and_only_unconfirmed_ones_change_freely():
    assert set(AMENDABLE) == {Status.CONFIRMED}
    assert set(OPEN) == {Status.REQUEST, Status.QUOTE_SENT, Status.OPTION}


# --- Every pair of statuses -----------------------------------------------------------------------


@pytest.mark.parametrize("pair", list(ALLOWED), ids=pair_id)
def test_an_allowed_step_is_accepted_for_a_user_with_its_right(pair):
    source, target = pair
    actor = actor_with(Action.SEE, ALLOWED[pair])
    step = check(actor, source, target, REASON)
    assert (step.source, step.target, step.action) == (source, target, ALLOWED[pair])
    assert step.label


@pytest.mark.parametrize("pair", FORBIDDEN, ids=pair_id)
def test_a_step_not_in_the_machine_is_refused_even_to_a_user_with_every_right(pair):
    source, target = pair
    with pytest.raises(TransitionRefused) as refused:
        check(EVERYTHING, source, target, REASON)
    assert str(refused.value) == (
        f"Un dossier « {STATUS_LABELS[source]} » ne peut pas passer à « {STATUS_LABELS[target]} »."
    )


@pytest.mark.parametrize("pair", ALL_PAIRS, ids=pair_id)
def test_the_buttons_offered_are_exactly_the_allowed_steps(pair):
    source, target = pair
    offered = {step.target for step in allowed_transitions(EVERYTHING, source)}
    assert (target in offered) == (pair in ALLOWED)


def test_staying_in_the_same_status_is_not_a_step():
    for status in Status:
        with pytest.raises(TransitionRefused):
            transition(status, status)


def test_an_unknown_status_is_refused_with_its_raw_name():
    with pytest.raises(TransitionRefused) as refused:
        check(EVERYTHING, Status.REQUEST, "archive")
    assert str(refused.value) == "Un dossier « Demande » ne peut pas passer à « archive »."


# --- Rights ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pair", [pair for pair, action in ALLOWED.items() if action == Action.VALIDATE], ids=pair_id
)
def test_confirming_and_cancelling_need_the_validate_right(pair):
    source, target = pair
    with pytest.raises(AccessDenied) as denied:
        check(EDITOR, source, target, REASON)
    assert denied.value.right == Right(Module.BOOKINGS, Action.VALIDATE)
    assert str(denied.value) == "Accès refusé : droit « Dossiers — Valider » requis."


@pytest.mark.parametrize(
    "pair", [pair for pair, action in ALLOWED.items() if action == Action.EDIT], ids=pair_id
)
def test_the_other_steps_need_the_edit_right(pair):
    source, target = pair
    with pytest.raises(AccessDenied) as denied:
        check(VALIDATOR, source, target)
    assert denied.value.right == Right(Module.BOOKINGS, Action.EDIT)
    assert check(EDITOR, source, target).target == target


@pytest.mark.parametrize("pair", list(ALLOWED), ids=pair_id)
def test_a_user_without_rights_on_the_dossiers_takes_no_step(pair):
    outsider = actor_with(*Action, module=Module.CATALOGUE)
    with pytest.raises(AccessDenied):
        check(outsider, *pair, REASON)


def test_a_forbidden_step_is_refused_as_such_before_the_rights_are_looked_at():
    with pytest.raises(TransitionRefused):
        check(actor_with(), Status.SETTLED, Status.REQUEST)


# --- Cancellation needs a reason ------------------------------------------------------------------


@pytest.mark.parametrize(
    "source", [Status.REQUEST, Status.QUOTE_SENT, Status.OPTION, Status.CONFIRMED]
)
@pytest.mark.parametrize("comment", ["", "   ", "\n\t"])
def test_a_cancellation_without_a_reason_is_refused(source, comment):
    with pytest.raises(TransitionRefused) as refused:
        check(EVERYTHING, source, Status.CANCELLED, comment)
    assert str(refused.value) == "Indiquez le motif."


def test_a_cancellation_with_a_reason_is_accepted():
    step = check(VALIDATOR, Status.CONFIRMED, Status.CANCELLED, REASON)
    assert (step.needs_comment, step.label) == (True, "Annuler le dossier")


def test_only_cancellations_need_a_reason():
    assert {step.target for step in TRANSITIONS if step.needs_comment} == {Status.CANCELLED}
    assert check(EVERYTHING, Status.OPTION, Status.CONFIRMED, "").target == Status.CONFIRMED


# --- The buttons follow the user's rights ---------------------------------------------------------


def targets(actor: Actor, source: Status) -> list[Status]:
    return [step.target for step in allowed_transitions(actor, source)]


def test_an_editor_is_offered_the_steps_he_may_take_but_not_to_confirm_or_cancel():
    assert targets(EDITOR, Status.REQUEST) == [Status.QUOTE_SENT, Status.OPTION]
    assert targets(EDITOR, Status.OPTION) == [Status.QUOTE_SENT]
    assert targets(EDITOR, Status.CONFIRMED) == [Status.DONE]


def test_a_validator_without_the_edit_right_is_offered_confirm_and_cancel_only():
    assert targets(VALIDATOR, Status.REQUEST) == [Status.CONFIRMED, Status.CANCELLED]
    assert targets(VALIDATOR, Status.CONFIRMED) == [Status.CANCELLED]
    assert targets(VALIDATOR, Status.DONE) == []


def test_a_user_with_both_rights_is_offered_every_step_from_the_status():
    assert targets(EVERYTHING, Status.QUOTE_SENT) == [
        Status.OPTION,
        Status.REQUEST,
        Status.CONFIRMED,
        Status.CANCELLED,
    ]


def test_a_reader_is_offered_nothing():
    reader = actor_with(Action.SEE)
    assert all(allowed_transitions(reader, status) == [] for status in Status)


def test_every_offered_step_passes_the_check():
    for actor in (EDITOR, VALIDATOR, EVERYTHING):
        for status in Status:
            for step in allowed_transitions(actor, status):
                assert check(actor, step.source, step.target, REASON) == step
