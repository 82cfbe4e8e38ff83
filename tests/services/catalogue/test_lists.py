"""The area's listings on a real database: each one pages in every sort its columns offer,
shows the fields its columns name, and offers its filters' choices — products, tariffs, a
client's negotiated prices, catalogue dossiers and their programme, quick costings."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from agence.models.catalogue import CatalogueDossier, Costing, Product
from agence.services.catalogue.catalogue_dossiers import CATALOGUE_DOSSIERS_LIST, PROGRAMME_LIST
from agence.services.catalogue.client_prices import NEGOTIATED_PRICES_LIST
from agence.services.catalogue.costings import COSTINGS_LIST, copy_costing
from agence.services.catalogue.products import PRODUCTS_LIST
from agence.services.catalogue.rates import RATES_LIST
from agence.services.common.listing import ChoiceFilter, ListQuery, ListSpec, fetch_page
from tests.factories import demo_admin

LISTS = {
    "products": PRODUCTS_LIST,
    "rates": RATES_LIST,
    "negotiated prices": NEGOTIATED_PRICES_LIST,
    "catalogue dossiers": CATALOGUE_DOSSIERS_LIST,
    "programme": PROGRAMME_LIST,
    "costings": COSTINGS_LIST,
}


@pytest.fixture
def filled(session: Session):
    """The demo agency (its catalogue, a negotiated price, the worked example as a catalogue
    dossier with its programme) and a quick costing copied from that example."""
    admin = demo_admin(session)
    dossier = session.exec(select(CatalogueDossier)).first()
    assert dossier is not None and dossier.costing_id is not None
    template = session.get(Costing, dossier.costing_id)
    assert template is not None
    copy_costing(session, template, name="Devis rapide", is_template=False)
    session.commit()
    return admin


@pytest.mark.parametrize("name", LISTS)
def test_each_list_pages_its_rows_in_every_sort_it_offers(session, filled, name):
    spec: ListSpec = LISTS[name]
    for column in spec.columns:
        if not column.sortable:
            continue
        for desc in (False, True):
            page = fetch_page(session, spec, ListQuery(sort=column.key, desc=desc), filled)
            assert page.total >= 1 and page.rows, (column.key, desc)
            assert {"id", *(c.key for c in spec.columns)} <= set(page.rows[0])


@pytest.mark.parametrize("name", LISTS)
def test_each_filter_offers_choices_that_filter(session, filled, name):
    spec: ListSpec = LISTS[name]
    for found in spec.filters:
        if not isinstance(found, ChoiceFilter):
            continue
        choices = found.choices(session)
        assert all(isinstance(value, str) and label for value, label in choices), found.key
        assert choices, found.key
        page = fetch_page(session, spec, ListQuery(filters={found.key: choices[0][0]}), filled)
        assert page.total >= 0


def test_the_products_list_offers_the_types_and_suppliers(session, filled):
    offered = {
        f.key: dict(f.choices(session))
        for f in PRODUCTS_LIST.filters
        if isinstance(f, ChoiceFilter)
    }
    assert offered["vat_regime"] == {
        "marge": "TVA sur la marge (prestation achetée)",
        "normal": "TVA normale",
    }
    product = session.exec(select(Product).where(col(Product.supplier_id).is_not(None))).first()
    assert product is not None and offered["product_type"]
    supplier_id = str(product.supplier_id)
    page = fetch_page(session, PRODUCTS_LIST, ListQuery(filters={"supplier": supplier_id}), filled)
    assert page.total >= 1
    assert {row["supplier"] for row in page.rows} == {offered["supplier"][supplier_id]}
