"""Products of the catalogue (prestations): a blank VAT regime or rate, free-place rule, option
deadline or cancellation schedule takes the supplier's default when saved; the form's checks;
a product used in a costing is not deleted; types of services in use are not deleted either."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import AuditEntry, ClientDiscount, CostingLine, ProductType
from agence.models.catalogue import Costing, Product
from agence.services.catalogue.products import (
    PRODUCTS,
    PRODUCTS_LIST,
    product_choices,
    product_usage,
)
from agence.services.common import records
from agence.services.common.forms import REQUIRED, FormErrors
from agence.services.common.listing import ListQuery, fetch_page
from agence.services.common.permissions import AccessDenied, Action, Actor, Module, Right
from agence.services.common.text import normalize_text
from agence.services.settings.catalogue_types import PRODUCT_TYPES
from tests.factories import (
    make_actor,
    make_client,
    make_product,
    make_rate,
    make_supplier,
    product_type_id,
    reference_data,
    vat_rate_id,
)

SCHEDULE = [{"days": 30, "percent": "30"}, {"days": 7, "percent": "100"}]


@pytest.fixture
def admin(session: Session) -> Actor:
    reference_data()
    return make_actor(session)


@pytest.fixture
def restaurant(session: Session, admin: Actor):
    """A supplier with terms of its own: normal VAT at 10 %, 1 free per 25, 21 days' option,
    a cancellation schedule."""
    return make_supplier(
        session,
        "Restaurant L'Orangerie",
        supplier_type="restaurant",
        default_vat_regime="normal",
        default_vat_rate_id=vat_rate_id(session, "10"),
        free_places=1,
        free_places_per=25,
        option_deadline_days=21,
        cancellation_schedule=SCHEDULE,
        cancellation_terms="Annulation par écrit.",
    )


def product_form(session: Session, **values) -> dict[str, str]:
    form = {
        "name": "Déjeuner menu groupe",
        "product_type_id": str(product_type_id(session, "RESTAURATION")),
        "supplier_id": "",
        "active": "on",
        "basis": "personne",
        "vat_regime": "",
        "vat_rate_id": "",
        "free_places": "",
        "free_places_per": "",
        "option_deadline_days": "",
        "cancellation_text": "",
    }
    form.update(values)
    return form


def save_product(actor: Actor, data: dict[str, str], record_id: int | None = None) -> Product:
    with session_scope() as s:
        return records.save(s, actor, PRODUCTS, record_id, data)


def refused(actor: Actor, data: dict[str, str], record_id: int | None = None) -> dict[str, str]:
    with pytest.raises(FormErrors) as failure:
        save_product(actor, data, record_id)
    return failure.value.errors


def stored(product_id: int) -> Product:
    with session_scope() as s:
        return s.get(Product, product_id)


# --- Supplier defaults --------------------------------------------------------------------------


def test_a_blank_vat_regime_and_rate_take_the_suppliers_defaults(session, admin, restaurant):
    product = save_product(admin, product_form(session, supplier_id=str(restaurant.id)))
    assert product.vat_regime == "normal"
    assert product.vat_rate_id == vat_rate_id(session, "10")


def test_a_product_of_the_agency_has_normal_vat_at_the_standard_rate(session, admin):
    product = save_product(admin, product_form(session))
    assert (product.supplier_id, product.vat_regime) == (None, "normal")
    assert product.vat_rate_id == vat_rate_id(session, "20")


def test_a_supplier_without_a_vat_rate_gives_the_standard_rate(session, admin):
    hotel = make_supplier(session, "Hôtel du Parc", default_vat_regime="marge")
    product = save_product(admin, product_form(session, supplier_id=str(hotel.id)))
    assert product.vat_regime == "marge"
    assert product.vat_rate_id == vat_rate_id(session, "20")


def test_a_vat_regime_and_rate_typed_on_the_product_win_over_the_suppliers(
    session, admin, restaurant
):
    product = save_product(
        admin,
        product_form(
            session,
            supplier_id=str(restaurant.id),
            vat_regime="marge",
            vat_rate_id=str(vat_rate_id(session, "5.5")),
        ),
    )
    assert product.vat_regime == "marge"
    assert product.vat_rate_id == vat_rate_id(session, "5.5")


def test_blank_free_places_take_the_suppliers_rule(session, admin, restaurant):
    product = save_product(admin, product_form(session, supplier_id=str(restaurant.id)))
    assert (product.free_places, product.free_places_per) == (1, 25)


def test_free_places_typed_on_the_product_win_over_the_suppliers(session, admin, restaurant):
    product = save_product(
        admin,
        product_form(
            session, supplier_id=str(restaurant.id), free_places="2", free_places_per="40"
        ),
    )
    assert (product.free_places, product.free_places_per) == (2, 40)


def test_zero_free_places_typed_on_the_product_cancel_the_suppliers_rule(
    session, admin, restaurant
):
    product = save_product(
        admin,
        product_form(session, supplier_id=str(restaurant.id), free_places="0", free_places_per="0"),
    )
    assert (product.free_places, product.free_places_per) == (0, 0)


def test_a_free_place_rule_needs_both_numbers(session, admin):
    for free, per in (("1", ""), ("", "20"), ("1", "0"), ("0", "20")):
        errors = refused(admin, product_form(session, free_places=free, free_places_per=per))
        assert errors == {"free_places_per": "Indiquez les deux nombres (ex. 1 pour 20)."}, (
            free,
            per,
        )


def test_a_blank_option_deadline_takes_the_suppliers(session, admin, restaurant):
    product = save_product(admin, product_form(session, supplier_id=str(restaurant.id)))
    assert product.option_deadline_days == 21


def test_an_option_deadline_typed_on_the_product_wins(session, admin, restaurant):
    product = save_product(
        admin, product_form(session, supplier_id=str(restaurant.id), option_deadline_days="7")
    )
    assert product.option_deadline_days == 7


def test_a_product_of_the_agency_has_no_option_deadline_by_default(session, admin):
    assert save_product(admin, product_form(session)).option_deadline_days is None


def test_a_blank_cancellation_schedule_takes_the_suppliers_with_its_terms(
    session, admin, restaurant
):
    product = save_product(admin, product_form(session, supplier_id=str(restaurant.id)))
    assert product.cancellation_schedule == SCHEDULE
    assert product.cancellation_terms == "Annulation par écrit."


def test_a_cancellation_schedule_typed_on_the_product_is_parsed_and_sorted(
    session, admin, restaurant
):
    product = save_product(
        admin,
        product_form(
            session,
            supplier_id=str(restaurant.id),
            cancellation_text="7:100 ; 45:10 ; 30:30",
            cancellation_terms="Conditions du château.",
        ),
    )
    assert product.cancellation_schedule == [
        {"days": 45, "percent": "10"},
        {"days": 30, "percent": "30"},
        {"days": 7, "percent": "100"},
    ]
    assert product.cancellation_terms == "Conditions du château."


def test_a_badly_written_cancellation_schedule_is_refused(session, admin):
    errors = refused(admin, product_form(session, cancellation_text="trente jours"))
    assert errors == {
        "cancellation_text": "« trente jours » : écrire « jours avant le départ : pourcentage », "
        "ex. 30:30 ; 7:100."
    }


def test_the_form_shows_the_schedule_and_the_languages_as_typed(session, admin, restaurant):
    product = save_product(
        admin,
        product_form(
            session,
            supplier_id=str(restaurant.id),
            **{"language:fr": "on", "language:en": "on"},
        ),
    )
    assert product.languages == ["fr", "en"]
    with session_scope() as s:
        values = records.form_for(s, admin, PRODUCTS, product.id)
    assert values["cancellation_text"] == "30:30 ; 7:100"
    assert values["language:fr"] == values["language:en"] == "on"
    assert values["free_places"] == "1" and values["free_places_per"] == "25"
    assert values["vat_regime"] == "normal"


def test_saving_a_product_unchanged_keeps_what_it_took_from_the_supplier(
    session, admin, restaurant
):
    product = save_product(admin, product_form(session, supplier_id=str(restaurant.id)))
    with session_scope() as s:
        values = records.form_for(s, admin, PRODUCTS, product.id)
    again = save_product(admin, values, product.id)
    assert (again.vat_regime, again.vat_rate_id) == (product.vat_regime, product.vat_rate_id)
    assert (again.free_places, again.free_places_per) == (1, 25)
    assert again.cancellation_schedule == SCHEDULE


# --- Checks and derived values --------------------------------------------------------------------


def test_a_product_needs_a_name_a_type_and_a_basis(session, admin):
    errors = refused(admin, product_form(session, name="", product_type_id="", basis=""))
    assert errors == {"name": REQUIRED, "product_type_id": REQUIRED, "basis": REQUIRED}


def test_a_maximum_capacity_below_the_minimum_is_refused(session, admin):
    errors = refused(admin, product_form(session, capacity_min="30", capacity_max="20"))
    assert errors == {"capacity_max": "La capacité maximum est inférieure au minimum."}


def test_a_product_sold_per_unit_needs_a_capacity_per_unit(session, admin):
    errors = refused(admin, product_form(session, basis="unite"))
    assert errors == {"unit_capacity": "Indiquez combien de personnes une unité accueille."}
    product = save_product(admin, product_form(session, basis="unite", unit_capacity="53"))
    assert product.unit_capacity == 53


def test_a_capacity_per_unit_is_dropped_for_another_basis(session, admin):
    product = save_product(admin, product_form(session, basis="groupe", unit_capacity="30"))
    assert product.unit_capacity is None


def test_the_search_text_holds_the_name_the_supplier_and_the_tags(session, admin, restaurant):
    product = save_product(
        admin,
        product_form(
            session,
            name="Déjeuner à l'Orangerie",
            supplier_id=str(restaurant.id),
            tags="Cuisine de saison",
        ),
    )
    assert product.search_name == normalize_text("Déjeuner à l'Orangerie")
    assert normalize_text("Restaurant L'Orangerie") in product.search_text
    assert normalize_text("cuisine de saison") in product.search_text


def test_creating_a_product_is_audited(session, admin):
    product = save_product(admin, product_form(session))
    with session_scope() as s:
        entry = s.exec(select(AuditEntry).where(AuditEntry.entity_type == "prestation")).one()
    assert (entry.action, entry.entity_id, entry.entity_label) == (
        "creation",
        str(product.id),
        "Déjeuner menu groupe",
    )


def test_creating_a_product_needs_the_catalogue_create_right(session):
    reference_data()
    reader = make_actor(session, {Right(Module.CATALOGUE, Action.SEE)})
    with pytest.raises(AccessDenied):
        save_product(reader, product_form(session))


# --- Listing, choices, deletion -------------------------------------------------------------------


def test_the_list_shows_the_type_and_the_supplier_and_finds_by_supplier_name(
    session, admin, restaurant
):
    save_product(admin, product_form(session, supplier_id=str(restaurant.id)))
    save_product(admin, product_form(session, name="Accompagnateur de l'agence"))
    with session_scope() as s:
        page = fetch_page(s, PRODUCTS_LIST, ListQuery(search="orangerie"), admin)
    assert [(row["name"], row["product_type"], row["supplier"]) for row in page.rows] == [
        ("Déjeuner menu groupe", "Restauration", "Restaurant L'Orangerie")
    ]


def test_only_active_products_are_offered(session, admin):
    make_product(session, "Visite active")
    make_product(session, "Visite inactive", active=False)
    with session_scope() as s:
        assert [name for _, name in product_choices(s)] == ["Visite active"]


def test_deleting_an_unused_product_keeps_it_with_a_deletion_date(session, admin):
    product = make_product(session, "Visite à supprimer")
    with session_scope() as s:
        records.delete(s, admin, PRODUCTS, product.id)
    assert stored(product.id).deleted_at is not None
    with session_scope() as s:
        assert product_choices(s) == ()


def test_a_product_used_in_a_costing_cannot_be_deleted(session, admin):
    product = make_product(session, "Visite cotée")
    costing = Costing(name="Cotation")
    session.add(costing)
    session.flush()
    session.add(
        CostingLine(
            costing_id=costing.id, label="Visite", product_id=product.id, unit_cost=Decimal(13)
        )
    )
    session.commit()
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        records.delete(s, admin, PRODUCTS, product.id)
    assert failure.value.errors == {
        "": "Cette prestation figure dans 1 ligne(s) de cotation : désactivez-la plutôt."
    }
    assert stored(product.id).deleted_at is None


def test_the_usage_counts_the_rates_and_the_negotiated_prices(session, admin):
    product = make_product(session, "Visite tarifée")
    make_rate(session, product, date(2026, 1, 1), date(2026, 12, 31))
    with session_scope() as s:
        assert product_usage(s, product.id) == {"rates": 1, "negotiated": 0}


# --- Types of services: an editable list ----------------------------------------------------------


def test_a_type_of_service_used_by_a_product_cannot_be_deleted(session, admin):
    make_product(session, "Visite", type_code="VISITE")
    visit = product_type_id(session, "VISITE")
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        records.delete(s, admin, PRODUCT_TYPES, visit)
    assert failure.value.errors == {"": "Ce type sert à 1 prestation(s) : désactivez-le plutôt."}
    with session_scope() as s:
        assert s.get(ProductType, visit) is not None


def test_a_type_of_service_used_by_a_client_discount_cannot_be_deleted(session, admin):
    room = product_type_id(session, "SALLE")
    client = make_client(session, "Comité d'entreprise")
    session.add(ClientDiscount(client_id=client.id, product_type_id=room, percent=Decimal(5)))
    session.commit()
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        records.delete(s, admin, PRODUCT_TYPES, room)
    assert failure.value.errors == {"": "Ce type sert à 1 remise(s) client : désactivez-le plutôt."}


def test_an_unused_type_of_service_can_be_deleted(session, admin):
    room = product_type_id(session, "SALLE")
    with session_scope() as s:
        records.delete(s, admin, PRODUCT_TYPES, room)
    with session_scope() as s:
        assert s.get(ProductType, room) is None
