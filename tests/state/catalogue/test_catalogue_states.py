"""The catalogue and the costing screen through their states: rights, live pricing, tariffs
and client preferences on added lines, all-or-nothing save, reopen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import select

from agence import routes
from agence.models import ClientDiscount, Costing, CostingLine, NegotiatedPrice, Product, Rate
from agence.services.common.permissions import ALL_RIGHTS, AccessDenied, Action, Module, Right
from agence.state.catalogue.catalogue import (
    ProductDocumentsState,
    ProductFormState,
    ProductRatesState,
    ProductsListState,
    RatesListState,
)
from agence.state.catalogue.costing import CostingState
from agence.state.parties.clients import ClientNegotiatedPricesState
from agence.state.parties.imports import RateImportState
from tests.factories import (
    make_client,
    make_product,
    make_rate,
    make_supplier,
    make_user,
    product_type_id,
    reference_data,
)

EVERYTHING = set(ALL_RIGHTS)
SPRING = date(2027, 5, 12)  # a Wednesday


def _without(module: Module, *actions: Action) -> set[Right]:
    return {r for r in ALL_RIGHTS if not (r.module == module and r.action in actions)}


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def _count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def _open(browser, list_route: str, record_id) -> None:
    browser.visit(
        routes.record_route(list_route),
        routes.record_url(list_route, record_id),
        record_id=str(record_id),
    )


@pytest.fixture
def catalogue(session):
    """A visit with a tier price, a lunch and a guide (one per 30 people)."""
    reference_data()
    castle = make_product(session, "Visite du château", free_places=1, free_places_per=20)
    make_rate(session, castle, date(2027, 1, 1), date(2027, 12, 31), "15.50", max_group=19)
    make_rate(session, castle, date(2027, 1, 1), date(2027, 12, 31), "13.00", min_group=20)
    guide = make_product(
        session, "Guide (journée)", type_code="GUIDAGE", basis="unite", unit_capacity=30
    )
    make_rate(session, guide, date(2027, 1, 1), date(2027, 12, 31), "180.00")
    return {"castle": castle, "guide": guide}


def _new_costing(browser) -> CostingState:
    _open(browser, routes.CATALOGUE_COSTINGS, routes.NEW_RECORD)
    browser.run(CostingState, "load")
    return browser.state(CostingState)


def test_the_catalogue_pages_need_the_catalogue_right(browser, session):
    reference_data()
    browser.sign_in(make_user(session, _without(Module.CATALOGUE, Action.SEE)))
    with pytest.raises(AccessDenied):
        browser.run(ProductsListState, "load_list")
    with pytest.raises(AccessDenied):
        browser.run(RatesListState, "load_list")
    with pytest.raises(AccessDenied):
        browser.run(CostingState, "search_changed", "château")


def test_a_product_takes_its_supplier_terms_when_left_blank(browser, session):
    reference_data()
    supplier = make_supplier(session, "Château de Cheverny", free_places=1, free_places_per=25)
    browser.sign_in(make_user(session))
    _open(browser, routes.CATALOGUE_PRODUCTS, routes.NEW_RECORD)
    browser.run(ProductFormState, "load")
    events = browser.run(
        ProductFormState,
        "save",
        {
            "name": "Visite de Cheverny",
            "product_type_id": str(product_type_id(session, "VISITE")),
            "supplier_id": str(supplier.id),
            "basis": "personne",
            "active": "on",
            "language:fr": "on",
        },
    )
    product = session.exec(select(Product).where(Product.name == "Visite de Cheverny")).one()
    assert (product.free_places, product.free_places_per, product.vat_regime) == (1, 25, "marge")
    assert product.languages == ["fr"]
    assert routes.record_url(routes.CATALOGUE_PRODUCTS, product.id) in str(events)


def test_an_overlapping_tariff_is_refused_in_the_product_page(browser, session, catalogue):
    castle = catalogue["castle"]
    browser.sign_in(make_user(session))
    _open(browser, routes.CATALOGUE_PRODUCTS, castle.id)
    browser.run(ProductRatesState, "load_children")
    browser.run(ProductRatesState, "open_new")
    state = browser.state(ProductRatesState)
    before = _count(session, Rate)
    browser.run(
        ProductRatesState,
        "save_child",
        {
            **state.values,
            "valid_from": "2027-06-01",
            "valid_to": "2027-06-30",
            "min_group": "10",
            "max_group": "25",
            "purchase_price": "12",
        },
    )
    assert "chevauche" in browser.state(ProductRatesState).errors[""]
    assert _count(session, Rate) == before


def test_a_tariff_row_opens_its_product_on_the_tariffs_tab(browser, session, catalogue):
    browser.sign_in(make_user(session))
    rate = session.exec(select(Rate).where(Rate.product_id == catalogue["guide"].id)).one()
    events = browser.run(RatesListState, "open_rate", str(rate.id))
    assert (
        f"{routes.record_url(routes.CATALOGUE_PRODUCTS, catalogue['guide'].id)}?onglet=tarifs"
        in str(events)
    )


def test_a_costing_is_built_from_the_catalogue_priced_live_and_saved(browser, session, catalogue):
    browser.sign_in(make_user(session))
    state = _new_costing(browser)
    browser.run(CostingState, "set_header", "name", "Sortie château")
    browser.run(CostingState, "set_header", "service_date", SPRING.isoformat())
    browser.run(CostingState, "set_header", "paying", "10")
    browser.run(CostingState, "add_product", str(catalogue["castle"].id))
    browser.run(CostingState, "add_product", str(catalogue["guide"].id))
    assert _amount(state.lines[0]["unit_cost"]) == Decimal("15.50")
    assert state.lines[1]["basis"] == "group" and state.lines[1]["capacity"] == "30"
    # 10 × 15.50 + 180 = 335 → 33.50 per paying at 0 % markup, rounded to 1 €: 34
    assert state.summary.price_per_paying.startswith("34,00")
    browser.run(CostingState, "set_header", "paying", "20")  # the tier of 20+ applies
    assert _amount(state.lines[0]["unit_cost"]) == Decimal(13)
    assert state.grid and any(row.current for row in state.grid)
    events = browser.run(CostingState, "save")
    costing = session.exec(select(Costing).where(Costing.name == "Sortie château")).one()
    assert routes.record_url(routes.CATALOGUE_COSTINGS, costing.id) in str(events)
    assert _count(session, CostingLine) == 2

    reopened = browser.state(CostingState)
    _open(browser, routes.CATALOGUE_COSTINGS, costing.id)
    browser.run(CostingState, "load")
    assert [line["label"] for line in reopened.lines] == ["Visite du château", "Guide (journée)"]
    assert reopened.header["paying"] == "20"


def test_a_line_without_tariff_for_the_date_is_flagged(browser, session, catalogue):
    browser.sign_in(make_user(session))
    state = _new_costing(browser)
    browser.run(CostingState, "set_header", "service_date", SPRING.isoformat())
    browser.run(CostingState, "add_product", str(catalogue["castle"].id))
    assert state.lines[0]["flag"] == ""
    browser.run(CostingState, "set_header", "service_date", "2028-03-01")
    assert "Aucun tarif" in state.lines[0]["flag"]


def test_the_client_preferential_rates_show_on_the_line(browser, session, catalogue):
    client = make_client(session, "Collège Rabelais")
    session.add(
        NegotiatedPrice(client_id=client.id, product_id=catalogue["castle"].id, unit_price=11)
    )
    session.add(ClientDiscount(client_id=client.id, product_type_id=None, percent=5))
    session.commit()
    browser.sign_in(make_user(session))
    state = _new_costing(browser)
    browser.run(CostingState, "set_header", "service_date", SPRING.isoformat())
    browser.run(CostingState, "add_product", str(catalogue["castle"].id))
    browser.run(CostingState, "add_product", str(catalogue["guide"].id))
    browser.run(CostingState, "set_header", "client_id", str(client.id))
    assert state.lines[0]["price_note"].startswith("Prix négocié client")
    assert _amount(state.lines[0]["unit_sale_price"]) == Decimal(11)
    assert state.lines[1]["price_note"].startswith("Remise client 5")
    browser.run(CostingState, "set_header", "client_id", "")
    assert state.lines[0]["price_note"] == "" and state.lines[0]["unit_sale_price"] == ""


def test_a_costing_with_a_bad_line_is_not_saved(browser, session, catalogue):
    browser.sign_in(make_user(session))
    state = _new_costing(browser)
    browser.run(CostingState, "set_header", "name", "À moitié")
    browser.run(CostingState, "add_blank_line")
    browser.run(CostingState, "set_line", 0, "label", "Car")
    browser.run(CostingState, "set_line", 0, "unit_cost", "abc")
    assert state.line_errors[0]
    assert not state.has_results
    browser.run(CostingState, "save")
    assert "lines" in state.header_errors
    assert _count(session, Costing) == 0


def test_a_reader_opens_a_costing_but_cannot_change_it(browser, session, catalogue):
    writer = make_user(session)
    browser.sign_in(writer)
    _new_costing(browser)
    browser.run(CostingState, "set_header", "name", "Lecture seule")
    browser.run(CostingState, "add_product", str(catalogue["castle"].id))
    browser.run(CostingState, "save")
    costing = session.exec(select(Costing)).one()

    reader = make_user(
        session, _without(Module.CATALOGUE, Action.EDIT, Action.CREATE, Action.DELETE)
    )
    browser.sign_in(reader)
    _open(browser, routes.CATALOGUE_COSTINGS, costing.id)
    browser.run(CostingState, "load")
    state = browser.state(CostingState)
    assert state.loaded and not state.can_edit
    for handler, args in (
        ("set_header", ("paying", "30")),
        ("set_line", (0, "unit_cost", "1")),
        ("add_blank_line", ()),
        ("add_product", (str(catalogue["guide"].id),)),
        ("remove_line", (0,)),
        ("move_line", (0, 1)),
        ("attach_line", (0, "")),
        ("tick_line", (0, "for_staff", True)),
        ("save", ()),
    ):
        with pytest.raises(AccessDenied):
            browser.run(CostingState, handler, *args)
    with pytest.raises(AccessDenied):
        browser.run(CostingState, "delete")


def test_a_rep_limited_to_his_clients_cannot_open_another_reps_costing(browser, session, catalogue):
    other = make_client(session, "Lycée Voltaire")
    costing = Costing(name="Pour Voltaire", client_id=other.id)
    session.add(costing)
    session.commit()
    rep = make_user(session)
    from agence.models import Profile

    profile = session.get(Profile, rep.profile_id)
    profile.own_clients_only = True
    session.add(profile)
    session.commit()
    browser.sign_in(rep)
    _open(browser, routes.CATALOGUE_COSTINGS, costing.id)
    browser.run(CostingState, "load")
    assert browser.state(CostingState).not_found is True


def test_negotiated_prices_need_the_third_parties_edit_right(browser, session, catalogue):
    client = make_client(session, "École Ronsard")
    browser.sign_in(make_user(session, _without(Module.THIRD_PARTIES, Action.EDIT)))
    _open(browser, routes.TIERS_CLIENTS, client.id)
    browser.run(ClientNegotiatedPricesState, "load_children")
    with pytest.raises(AccessDenied):
        browser.run(ClientNegotiatedPricesState, "open_new")


def test_product_documents_and_tariff_import_need_the_catalogue_rights(browser, session, catalogue):
    browser.sign_in(make_user(session, _without(Module.CATALOGUE, Action.EDIT, Action.CREATE)))
    _open(browser, routes.CATALOGUE_PRODUCTS, catalogue["castle"].id)
    browser.run(ProductDocumentsState, "load_documents")
    assert browser.state(ProductDocumentsState).can_create is False
    with pytest.raises(AccessDenied):
        browser.run(ProductDocumentsState, "remove_document", "1")
    with pytest.raises(AccessDenied):
        browser.run(RateImportState, "open_import")


def test_each_size_of_the_grid_is_priced_with_the_tariff_of_its_own_tier(
    browser, session, catalogue
):
    browser.sign_in(make_user(session))
    state = _new_costing(browser)
    browser.run(CostingState, "set_header", "service_date", SPRING.isoformat())
    browser.run(CostingState, "set_header", "paying", "20")
    browser.run(CostingState, "add_product", str(catalogue["castle"].id))
    browser.run(CostingState, "add_product", str(catalogue["guide"].id))
    browser.run(CostingState, "set_header", "grid", "10, 20")
    costs = {row.paying: row.total_cost for row in state.grid}
    # 10 × 15,50 (tier 1–19) + 180 ; 20 × 13 (tier 20+) + 180
    assert costs["10"].startswith("335,00") and costs["20"].startswith("440,00")
    browser.run(CostingState, "set_line", 0, "unit_cost", "12")  # typed: no tariff any more
    costs = {row.paying: row.total_cost for row in state.grid}
    assert costs["10"].startswith("300,00") and costs["20"].startswith("420,00")


def test_a_related_service_follows_its_line_is_saved_and_goes_with_it(browser, session, catalogue):
    browser.sign_in(make_user(session))
    state = _new_costing(browser)
    browser.run(CostingState, "set_header", "name", "Visite et déjeuner")
    browser.run(CostingState, "add_product", str(catalogue["guide"].id))
    browser.run(CostingState, "add_product", str(catalogue["castle"].id))
    browser.run(CostingState, "add_blank_line")
    browser.run(CostingState, "set_line", 2, "label", "Déjeuner")
    browser.run(CostingState, "set_line", 2, "unit_cost", "28")
    castle_key = state.lines[1]["key"]
    browser.run(CostingState, "attach_line", 2, castle_key)
    browser.run(CostingState, "move_line", 1, -1)  # the castle goes up, with its lunch
    assert [line["label"] for line in state.lines] == [
        "Visite du château",
        "Déjeuner",
        "Guide (journée)",
    ]
    browser.run(CostingState, "attach_line", 0, state.lines[2]["key"])  # has a related one
    assert state.lines[0]["attached_to"] == ""
    browser.run(CostingState, "save")
    costing = session.exec(select(Costing).where(Costing.name == "Visite et déjeuner")).one()
    _open(browser, routes.CATALOGUE_COSTINGS, costing.id)
    browser.run(CostingState, "load")
    reopened = browser.state(CostingState)
    assert reopened.lines[1]["attached_to"] == reopened.lines[0]["key"]
    browser.run(CostingState, "remove_line", 0)
    assert [line["label"] for line in reopened.lines] == ["Guide (journée)"]
