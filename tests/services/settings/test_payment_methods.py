"""Payment methods: a short upper-case code, a label, an order of display."""

from __future__ import annotations

import pytest

from agence.db import session_scope
from agence.models import PaymentMethod
from agence.services.common import records
from agence.services.common.forms import REQUIRED, FormErrors
from agence.services.common.listing import ListQuery, fetch_page
from agence.services.common.permissions import Action, Actor, Module, Right
from agence.services.common.records import DUPLICATE
from agence.services.settings.payment_methods import PAYMENT_METHODS
from tests.factories import actor_for, make_user, reference_data

CARD = {"code": "CB", "label": "Carte bancaire", "position": "30", "active": "on"}


def save(actor: Actor, data: dict, record_id: int | None = None) -> PaymentMethod:
    with session_scope() as session:
        return records.save(session, actor, PAYMENT_METHODS, record_id, data)


def refused(actor: Actor, data: dict) -> dict[str, str]:
    with pytest.raises(FormErrors) as failure:
        save(actor, data)
    return failure.value.errors


def stored(record_id: int) -> PaymentMethod:
    with session_scope() as session:
        return session.get(PaymentMethod, record_id)


@pytest.fixture
def admin(session) -> Actor:
    return actor_for(make_user(session, {Right(Module.PARAMETERS, a) for a in Action}))


@pytest.mark.parametrize("name", ["code", "label"])
def test_the_code_and_the_label_are_required(admin, name):
    assert refused(admin, {**CARD, name: "  "}) == {name: REQUIRED}


def test_the_code_is_upper_cased(admin):
    assert stored(save(admin, {**CARD, "code": " ancv2 "}).id).code == "ANCV2"


@pytest.mark.parametrize("code", ["CARTE BLEUE", "CB-2", "CHÈQUE"])
def test_the_code_has_only_letters_and_digits(admin, code):
    assert refused(admin, {**CARD, "code": code}) == {
        "code": "Lettres majuscules et chiffres uniquement, sans espace."
    }


def test_the_code_is_at_most_20_characters(admin):
    assert refused(admin, {**CARD, "code": "C" * 21}) == {"code": "20 caractères au plus."}


def test_the_code_is_unique_whatever_the_case_typed(admin):
    save(admin, CARD)
    assert refused(admin, {**CARD, "code": "cb", "label": "Autre carte"}) == {"code": DUPLICATE}


def test_the_label_is_unique_whatever_its_case(admin):
    save(admin, CARD)
    assert refused(admin, {**CARD, "code": "CB2", "label": "carte BANCAIRE"}) == {
        "label": DUPLICATE
    }


def test_the_position_is_0_when_left_empty(admin):
    assert stored(save(admin, {**CARD, "position": ""}).id).position == 0


@pytest.mark.parametrize(
    ("position", "message"),
    [
        ("-1", "La valeur doit être au moins 0."),
        ("1000", "La valeur doit être au plus 999."),
        ("premier", "Nombre entier attendu."),
    ],
)
def test_the_position_is_a_whole_number_from_0_to_999(admin, position, message):
    assert refused(admin, {**CARD, "position": position}) == {"position": message}


def test_the_listing_follows_the_position_order(session, admin):
    reference_data()
    save(admin, {**CARD, "code": "PREMIER", "label": "En premier", "position": "1"})
    page = fetch_page(session, PAYMENT_METHODS.list_spec(), ListQuery())
    assert [row["code"] for row in page.rows] == [
        "PREMIER",
        "VIREMENT",
        "CHEQUE",
        "CB",
        "ESPECES",
        "ANCV",
        "MANDAT",
    ]


def test_the_seeded_methods_cannot_be_created_twice(admin):
    reference_data()
    assert refused(admin, {"code": "virement", "label": "Virement SEPA"}) == {"code": DUPLICATE}
