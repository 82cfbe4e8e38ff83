"""The area's listings on a real database: each one pages in every sort its columns offer,
counts what it shows, and offers its filters' choices — the dossiers, guides and their days
off, a dossier's participants and programme, a product's places."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from agence.models import (
    BookingProgrammeItem,
    Guide,
    GuideAssignment,
    GuideUnavailability,
    Participant,
    ParticipantCategory,
    Product,
    ProductCapacity,
    Supplier,
)
from agence.services.bookings.availability import CAPACITIES_LIST
from agence.services.bookings.bookings import BOOKINGS_LIST
from agence.services.bookings.guides import GUIDES_LIST, UNAVAILABILITY_LIST
from agence.services.bookings.participants import PARTICIPANTS_LIST
from agence.services.bookings.programme import PROGRAMME_LIST
from agence.services.common.listing import ChoiceFilter, ListQuery, ListSpec, fetch_page
from tests.factories import demo_admin, demo_dossier

LISTS = {
    "dossiers": BOOKINGS_LIST,
    "guides": GUIDES_LIST,
    "unavailabilities": UNAVAILABILITY_LIST,
    "participants": PARTICIPANTS_LIST,
    "programme": PROGRAMME_LIST,
    "capacities": CAPACITIES_LIST,
}


@pytest.fixture
def filled(session: Session):
    """The demo agency with one dossier from the catalogue, a guide of a supplier on its
    first slot, his day off, a participant and a product's places."""
    admin = demo_admin(session)
    booking = demo_dossier(admin, date(2031, 5, 12))
    supplier = session.exec(select(Supplier)).first()
    product = session.exec(select(Product)).first()
    category = session.exec(select(ParticipantCategory)).first()
    item = session.exec(
        select(BookingProgrammeItem).where(BookingProgrammeItem.booking_id == booking.id)
    ).first()
    assert supplier and product and category and item
    guide = Guide(
        name="Hélène Martin",
        supplier_id=supplier.id,
        languages=["fr", "en"],
        daily_rate=Decimal("180.00"),
    )
    session.add(guide)
    session.flush()
    session.add(GuideUnavailability(guide_id=guide.id or 0, day=date(2031, 5, 20), reason="Congé"))
    session.add(
        GuideAssignment(
            guide_id=guide.id or 0,
            booking_id=booking.id or 0,
            programme_item_id=item.id or 0,
            day=item.day,
        )
    )
    session.add(
        Participant(
            booking_id=booking.id or 0,
            last_name="Durand",
            first_name="Léa",
            participant_category_id=category.id,
            room_type="twin",
        )
    )
    session.add(
        ProductCapacity(
            product_id=product.id or 0,
            valid_from=date(2031, 5, 1),
            valid_to=date(2031, 5, 31),
            start_time=time(10, 0),
            capacity=40,
        )
    )
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
        if found.options_query is not None:
            assert choices, found.key
            value = choices[0][0]
            fetch_page(session, spec, ListQuery(filters={found.key: value}), filled)


def test_the_dossiers_list_offers_the_guides_types_and_sites(session, filled):
    offered = {
        f.key: f.choices(session) for f in BOOKINGS_LIST.filters if isinstance(f, ChoiceFilter)
    }
    assert [label for _, label in offered["guide"]] == ["Hélène Martin"]
    assert offered["booking_type"] and offered["site"]
    guide_id = offered["guide"][0][0]
    page = fetch_page(session, BOOKINGS_LIST, ListQuery(filters={"guide": guide_id}), filled)
    assert page.total == 1


def test_the_guides_list_names_the_supplier_of_a_guide(session, filled):
    row = fetch_page(session, GUIDES_LIST, ListQuery(), filled).rows[0]
    assert row["name"] == "Hélène Martin" and row["supplier"]
    assert row["daily_rate"] == Decimal("180.00")


def test_the_participants_list_shows_the_category_label(session, filled):
    row = fetch_page(session, PARTICIPANTS_LIST, ListQuery(), filled).rows[0]
    category = session.exec(select(ParticipantCategory)).first()
    assert category is not None
    assert (row["last_name"], row["category"], row["room_type"]) == (
        "Durand",
        category.label,
        "twin",
    )
