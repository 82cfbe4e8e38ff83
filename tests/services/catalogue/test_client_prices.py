"""A client's preferential rates: negotiated prices kept in the client's file (one per product
and period), and the preference a costing applies — a negotiated price beats a discount on the
product's type, which beats a discount on everything; each only within its validity period."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import ClientDiscount
from agence.models.base import utcnow
from agence.models.catalogue import NegotiatedPrice, Product
from agence.services.catalogue.client_prices import (
    NEGOTIATED_PRICES,
    NONE,
    Preference,
    preference_for,
)
from agence.services.common import formats, records
from agence.services.common.forms import REQUIRED, FormErrors
from agence.services.common.permissions import AccessDenied, Action, Actor, Module, Right
from agence.services.common.records import RecordNotFound
from tests.factories import (
    make_actor,
    make_client,
    make_product,
    product_type_id,
    reference_data,
)

SPRING = date(2026, 4, 1)
AUTUMN = date(2026, 9, 30)
SUMMER_DAY = date(2026, 7, 14)


@pytest.fixture
def admin(session: Session) -> Actor:
    reference_data()
    return make_actor(session)


@pytest.fixture
def client_id(session: Session, admin: Actor) -> int:
    return make_client(session, "Collège Anatole-France").id or 0


@pytest.fixture
def visit(session: Session, admin: Actor) -> Product:
    return make_product(session, "Visite du château d'Amboise", type_code="VISITE")


@pytest.fixture
def lunch(session: Session, admin: Actor) -> Product:
    return make_product(session, "Déjeuner menu groupe", type_code="RESTAURATION")


def price_form(product: Product, **values) -> dict[str, str]:
    form = {
        "product_id": str(product.id),
        "unit_price": "14,00",
        "valid_from": SPRING.isoformat(),
        "valid_to": AUTUMN.isoformat(),
        "note": "Contrat scolaire",
    }
    form.update(values)
    return form


def save_price(
    actor: Actor, client: int, product: Product, record_id: int | None = None, **values
) -> NegotiatedPrice:
    with session_scope() as s:
        return records.save(
            s, actor, NEGOTIATED_PRICES, record_id, price_form(product, **values), client
        )


def refused(actor: Actor, client: int, product: Product, record_id: int | None = None, **values):
    with pytest.raises(FormErrors) as failure:
        save_price(actor, client, product, record_id, **values)
    return failure.value.errors


def add_price(
    session: Session,
    client: int,
    product: Product,
    price: str,
    valid_from: date | None = SPRING,
    valid_to: date | None = AUTUMN,
    deleted: bool = False,
) -> NegotiatedPrice:
    record = NegotiatedPrice(
        client_id=client,
        product_id=product.id,
        unit_price=Decimal(price),
        valid_from=valid_from,
        valid_to=valid_to,
        deleted_at=utcnow() if deleted else None,
    )
    session.add(record)
    session.commit()
    return record


def add_discount(
    session: Session,
    client: int,
    percent: str,
    type_code: str | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    deleted: bool = False,
) -> ClientDiscount:
    discount = ClientDiscount(
        client_id=client,
        product_type_id=product_type_id(session, type_code) if type_code else None,
        percent=Decimal(percent),
        valid_from=valid_from,
        valid_to=valid_to,
        deleted_at=utcnow() if deleted else None,
    )
    session.add(discount)
    session.commit()
    return discount


def preference(client: int | None, product: Product, on: date = SUMMER_DAY) -> Preference:
    with session_scope() as s:
        return preference_for(s, client, product, on)


def price_count() -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(NegotiatedPrice)).one()


# --- Negotiated prices in the client's file -------------------------------------------------------


def test_a_negotiated_price_is_saved_in_the_clients_file(admin, client_id, visit):
    saved = save_price(admin, client_id, visit)
    with session_scope() as s:
        stored = s.get(NegotiatedPrice, saved.id)
    assert (stored.client_id, stored.product_id) == (client_id, visit.id)
    assert stored.unit_price == Decimal("14.00")
    assert (stored.valid_from, stored.valid_to, stored.note) == (SPRING, AUTUMN, "Contrat scolaire")


def test_a_negotiated_price_needs_a_product_and_a_price(admin, client_id, visit):
    errors = refused(admin, client_id, visit, product_id="", unit_price="")
    assert errors == {"product_id": REQUIRED, "unit_price": REQUIRED}


def test_a_negotiated_price_ending_before_it_starts_is_refused(admin, client_id, visit):
    errors = refused(admin, client_id, visit, valid_from="2026-09-30", valid_to="2026-04-01")
    assert errors == {"valid_to": "La fin précède le début."}


OVERLAP = "Un autre prix négocié de cette prestation couvre déjà une partie de la période."


def test_a_second_price_for_the_same_product_and_period_is_refused(admin, client_id, visit):
    save_price(admin, client_id, visit)
    assert refused(admin, client_id, visit, unit_price="12") == {"valid_from": OVERLAP}
    assert price_count() == 1


def test_a_price_starting_on_the_last_day_of_another_is_refused(admin, client_id, visit):
    save_price(admin, client_id, visit)
    errors = refused(admin, client_id, visit, valid_from="2026-09-30", valid_to="2026-12-31")
    assert errors == {"valid_from": OVERLAP}


def test_a_price_starting_the_day_after_another_is_accepted(admin, client_id, visit):
    save_price(admin, client_id, visit)
    save_price(admin, client_id, visit, valid_from="2026-10-01", valid_to="2026-12-31")
    assert price_count() == 2


def test_a_price_without_dates_overlaps_every_other_price_of_the_product(admin, client_id, visit):
    save_price(admin, client_id, visit, valid_from="2027-01-01", valid_to="")
    errors = refused(admin, client_id, visit, valid_from="", valid_to="")
    assert errors == {"valid_from": OVERLAP}
    errors = refused(admin, client_id, visit, valid_from="2030-01-01", valid_to="2030-12-31")
    assert errors == {"valid_from": OVERLAP}


def test_prices_of_other_products_or_other_clients_do_not_clash(
    session, admin, client_id, visit, lunch
):
    save_price(admin, client_id, visit)
    save_price(admin, client_id, lunch, unit_price="30")
    other_client = make_client(session, "Lycée Descartes").id
    save_price(admin, other_client, visit, unit_price="13")
    assert price_count() == 3


def test_a_deleted_price_does_not_clash(session, admin, client_id, visit):
    add_price(session, client_id, visit, "15", deleted=True)
    save_price(admin, client_id, visit)
    assert price_count() == 2


def test_editing_a_negotiated_price_does_not_clash_with_itself(admin, client_id, visit):
    saved = save_price(admin, client_id, visit)
    save_price(admin, client_id, visit, saved.id, unit_price="13,50")
    with session_scope() as s:
        assert s.get(NegotiatedPrice, saved.id).unit_price == Decimal("13.50")


def test_a_negotiated_price_is_changed_with_the_right_to_edit_clients(session, client_id, visit):
    catalogue_only = make_actor(
        session,
        {Right(Module.CATALOGUE, action) for action in Action}
        | {Right(Module.THIRD_PARTIES, Action.SEE)},
    )
    with pytest.raises(AccessDenied):
        save_price(catalogue_only, client_id, visit)


def test_a_rep_limited_to_his_clients_cannot_reach_the_prices_of_another(
    session, admin, client_id, visit
):
    rep = make_actor(session, own_clients_only=True)
    with pytest.raises(RecordNotFound):
        save_price(rep, client_id, visit)


# --- Which preference a costing applies -----------------------------------------------------------


def test_without_a_client_there_is_no_preference(session, client_id, visit):
    add_price(session, client_id, visit, "14")
    assert preference(None, visit) is NONE


def test_a_client_without_preferential_rates_has_none(client_id, visit):
    assert preference(client_id, visit) == NONE


def test_a_negotiated_price_applies_with_a_note(session, client_id, visit):
    add_price(session, client_id, visit, "14")
    assert preference(client_id, visit) == Preference(
        unit_sale_price=Decimal("14.00"),
        note=f"Prix négocié client : {formats.money(Decimal(14))}",
    )


def test_a_negotiated_price_beats_a_discount_on_the_products_type(session, client_id, visit):
    add_price(session, client_id, visit, "14")
    add_discount(session, client_id, "10", "VISITE")
    add_discount(session, client_id, "5")
    found = preference(client_id, visit)
    assert (found.unit_sale_price, found.discount_percent) == (Decimal("14.00"), None)


def test_a_discount_on_the_products_type_beats_a_discount_on_everything(session, client_id, visit):
    add_discount(session, client_id, "5")
    add_discount(session, client_id, "10", "VISITE")
    assert preference(client_id, visit) == Preference(
        discount_percent=Decimal("10.00"), note="Remise client 10 % (visite)"
    )


def test_a_discount_on_everything_applies_when_none_is_on_the_type(
    session, client_id, visit, lunch
):
    add_discount(session, client_id, "5")
    add_discount(session, client_id, "10", "RESTAURATION")
    assert preference(client_id, visit) == Preference(
        discount_percent=Decimal("5.00"), note="Remise client 5 % (toutes prestations)"
    )
    assert preference(client_id, lunch).discount_percent == Decimal("10.00")


def test_a_negotiated_price_of_another_product_does_not_apply(session, client_id, visit, lunch):
    add_price(session, client_id, lunch, "30")
    assert preference(client_id, visit) == NONE


def test_the_preferences_of_another_client_do_not_apply(session, client_id, visit):
    other = make_client(session, "Lycée Descartes").id
    add_price(session, other, visit, "12")
    add_discount(session, other, "10")
    assert preference(client_id, visit) == NONE


def test_a_negotiated_price_applies_on_the_first_and_last_days_of_its_period(
    session, client_id, visit
):
    add_price(session, client_id, visit, "14")
    assert preference(client_id, visit, SPRING).unit_sale_price == Decimal(14)
    assert preference(client_id, visit, AUTUMN).unit_sale_price == Decimal(14)


def test_outside_its_period_a_negotiated_price_gives_way_to_the_discount(session, client_id, visit):
    add_price(session, client_id, visit, "14")
    add_discount(session, client_id, "10", "VISITE")
    for day in (date(2026, 3, 31), date(2026, 10, 1)):
        found = preference(client_id, visit, day)
        assert (found.unit_sale_price, found.discount_percent) == (None, Decimal(10)), day


def test_a_negotiated_price_open_at_both_ends_always_applies(session, client_id, visit):
    add_price(session, client_id, visit, "14", valid_from=None, valid_to=None)
    assert preference(client_id, visit, date(2000, 1, 1)).unit_sale_price == Decimal(14)
    assert preference(client_id, visit, date(2099, 12, 31)).unit_sale_price == Decimal(14)


def test_a_discount_applies_only_within_its_period(session, client_id, visit):
    add_discount(session, client_id, "10", valid_from=SPRING, valid_to=AUTUMN)
    assert preference(client_id, visit, SPRING).discount_percent == Decimal(10)
    assert preference(client_id, visit, AUTUMN).discount_percent == Decimal(10)
    assert preference(client_id, visit, date(2026, 3, 31)) == NONE
    assert preference(client_id, visit, date(2026, 10, 1)) == NONE


def test_deleted_preferential_rates_do_not_apply(session, client_id, visit):
    add_price(session, client_id, visit, "14", deleted=True)
    add_discount(session, client_id, "10", deleted=True)
    assert preference(client_id, visit) == NONE


def test_the_largest_of_two_discounts_on_the_type_applies(session, client_id, visit):
    add_discount(session, client_id, "8", "VISITE")
    add_discount(session, client_id, "12", "VISITE")
    assert preference(client_id, visit).discount_percent == Decimal(12)
