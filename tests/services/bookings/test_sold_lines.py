"""The dossier's summary for the statistics (its priced services and its cost), kept with the
price its costing quotes. The demo day trip for the school: 20 paying, 1 free (the client's
rule), the costing's suppliers cost 1 950,00 €, the school pays 2 320,00 €."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import text, update
from sqlmodel import Session, col, delete, select

from agence.db import session_scope
from agence.models import Booking, BookingSoldLine, Costing, CostingLine, Product, Supplier
from agence.models.base import utcnow
from agence.services.bookings import sold_lines
from agence.services.bookings.bookings import sync_costing_group
from agence.services.catalogue import costings
from tests.factories import demo_admin, demo_dossier, product_type_id
from tests.services.billing.test_invoicing import edit_costing, with_agency_escort
from tests.services.billing.test_settlements import revision_fill

D = Decimal

# position, label, product, units, persons, cost, sale (markup 18 %, the school's Amboise 14 €)
DAY_TRIP = [
    (1, "Autocar", "Autocar grand tourisme (journée)", 1, 21, D("950.00"), D("1121.00")),
    (2, "Entrée château", "Visite du château royal d'Amboise", 20, 21, D("260.00"), D("294.00")),
    (3, "Déjeuner", "Déjeuner menu groupe à L'Orangerie", 20, 21, D("560.00"), D("660.80")),
    (4, "Guide conférencier", "Guide conférencier (journée)", 1, 21, D("180.00"), D("212.40")),
]


def summary(booking_id: int) -> list[tuple]:
    with session_scope() as s:
        rows = s.exec(
            select(BookingSoldLine)
            .where(BookingSoldLine.booking_id == booking_id)
            .order_by(col(BookingSoldLine.position))
        ).all()
        names = {
            product.id: product.name
            for product in s.exec(
                select(Product).where(col(Product.id).in_([r.product_id for r in rows]))
            )
        }
        return [
            (r.position, r.label, names.get(r.product_id), r.units, r.persons, r.cost, r.sale)
            for r in rows
        ]


def total_cost(booking_id: int) -> Decimal | None:
    with session_scope() as s:
        return s.get_one(Booking, booking_id).total_cost


def test_a_new_dossier_keeps_its_priced_services_and_its_cost(session: Session):
    admin = demo_admin(session)
    booking = demo_dossier(admin, "2026-05-12")
    assert summary(booking.id) == DAY_TRIP
    assert total_cost(booking.id) == D("1950.00")
    assert booking.total_price == D("2320.00")  # 2 288,20 of services + 30 € fee + rounding


def test_each_line_keeps_its_product_supplier_and_product_type(session: Session):
    admin = demo_admin(session)
    booking = demo_dossier(admin, "2026-05-12")
    with session_scope() as s:
        coach = s.exec(
            select(BookingSoldLine).where(
                BookingSoldLine.booking_id == booking.id, BookingSoldLine.position == 1
            )
        ).one()
        product = s.get_one(Product, coach.product_id)
        assert coach.supplier_id == product.supplier_id
        assert s.get_one(Supplier, coach.supplier_id).name == "Autocars Touraine Évasion"
        assert coach.product_type_id == product_type_id(s, "TRANSPORT")


def test_saving_the_costing_rewrites_the_summary(session: Session):
    admin = demo_admin(session)
    booking = demo_dossier(admin, "2026-05-12")
    edit_costing(admin, booking, with_agency_escort)
    # The agency's escort: no product, its cost 200 €, sold 236 € (its own markup of 18 %).
    assert summary(booking.id) == [
        *DAY_TRIP,
        (5, "Accompagnateur de l'agence", None, 1, 21, D("200.00"), D("236.00")),
    ]
    assert total_cost(booking.id) == D("2150.00")


def test_a_costing_that_cannot_be_priced_leaves_no_services_and_no_cost(session: Session):
    admin = demo_admin(session)
    booking = demo_dossier(admin, "2026-05-12")
    with session_scope() as s:
        line = s.exec(
            select(CostingLine).where(CostingLine.costing_id == booking.costing_id)
        ).first()
        line.basis = "inconnue"
        s.add(line)
        sync_costing_group(s, s.get_one(Booking, booking.id))
    assert summary(booking.id) == []
    assert total_cost(booking.id) == D("0.00")
    with session_scope() as s:
        assert s.get_one(Booking, booking.id).total_price == 0


def test_keep_reads_saved_costing_lines_as_well_as_their_values(session: Session):
    admin = demo_admin(session)
    booking = demo_dossier(admin, "2026-05-12")
    with session_scope() as s:
        record = s.get_one(Booking, booking.id)
        rows = s.exec(
            select(CostingLine)
            .where(CostingLine.costing_id == record.costing_id)
            .order_by(col(CostingLine.position))
        ).all()
        header, values = costings.saved_strings(s, s.get_one(Costing, record.costing_id))
        sold_lines.keep(s, record, costings.quote(header, values), rows)
    assert summary(booking.id) == DAY_TRIP


def test_rebuild_missing_fills_the_dossiers_without_a_summary_once(session: Session):
    admin = demo_admin(session)
    first = demo_dossier(admin, "2026-05-12")
    second = demo_dossier(admin, "2026-06-12")
    gone = demo_dossier(admin, "2026-07-12")
    with session_scope() as s:
        for booking_id in (first.id, second.id, gone.id):
            record = s.get_one(Booking, booking_id)
            record.total_cost = None  # as revision 0009 leaves an existing dossier
            s.add(record)
        s.exec(delete(BookingSoldLine))
        s.get_one(Booking, gone.id).deleted_at = utcnow()
    with session_scope() as s:
        assert sold_lines.rebuild_missing(s, batch=1) == 2
    assert summary(first.id) == DAY_TRIP
    assert summary(second.id) == DAY_TRIP
    assert total_cost(first.id) == D("1950.00")
    assert total_cost(gone.id) is None
    with session_scope() as s:
        assert sold_lines.rebuild_missing(s) == 0
    assert summary(first.id) == DAY_TRIP  # nothing written twice


# --- The marks that count dossiers as sums (products report) ----------------------------------


def test_first_marks_mark_each_first_product_supplier_and_type_none_included():
    coach, lunch, escort = (1, 10, 100), (2, 20, 200), (None, None, 300)
    second_lunch = (2, 20, 200)
    other_restaurant_dish = (3, 20, 200)
    assert sold_lines.first_marks(
        [coach, lunch, escort, second_lunch, other_restaurant_dish, (None, None, None)]
    ) == [
        (1, 1, 1, 1),
        (0, 1, 1, 1),
        (0, 1, 1, 1),  # no product, no supplier: « hors catalogue », the agency's own
        (0, 0, 0, 0),  # the same lunch again: counted once per product, supplier, type
        (0, 1, 0, 0),  # another product of the same restaurant, same type
        (0, 0, 0, 1),  # another service of the agency's, untyped
    ]
    assert sold_lines.first_marks([]) == []


def with_second_lunch_and_escort(header: dict[str, str], lines: list[dict[str, str]]) -> None:
    """The lunch twice (a second day) and the agency's escort (no product, no supplier)."""
    lines.append(dict(lines[2]))
    with_agency_escort(header, lines)


def marks(booking_id: int) -> list[tuple[int, int, int, int]]:
    with session_scope() as s:
        return [
            (r.first_of_booking, r.first_of_product, r.first_of_supplier, r.first_of_product_type)
            for r in s.exec(
                select(BookingSoldLine)
                .where(BookingSoldLine.booking_id == booking_id)
                .order_by(col(BookingSoldLine.position))
            )
        ]


def test_each_service_is_marked_when_the_costing_is_kept(session: Session):
    admin = demo_admin(session)
    booking = edit_costing(admin, demo_dossier(admin, "2026-05-12"), with_second_lunch_and_escort)
    assert [row[2] for row in summary(booking.id)] == [
        "Autocar grand tourisme (journée)",
        "Visite du château royal d'Amboise",
        "Déjeuner menu groupe à L'Orangerie",
        "Guide conférencier (journée)",
        "Déjeuner menu groupe à L'Orangerie",
        None,
    ]
    # Coach, castle, restaurant, guide: each its own supplier and type; the second lunch is
    # none of these for the first time; the escort is the first service without a product,
    # without a supplier and without a type.
    assert marks(booking.id) == [
        (1, 1, 1, 1),
        (0, 1, 1, 1),
        (0, 1, 1, 1),
        (0, 1, 1, 1),
        (0, 0, 0, 0),
        (0, 1, 1, 1),
    ]


def test_revision_0014_marks_the_services_kept_before_it_as_keep_does(session: Session):
    admin = demo_admin(session)
    first = edit_costing(admin, demo_dossier(admin, "2026-05-12"), with_second_lunch_and_escort)
    second = demo_dossier(admin, "2026-06-12")
    kept = {booking.id: marks(booking.id) for booking in (first, second)}
    with session_scope() as s:
        s.exec(
            update(BookingSoldLine).values(
                first_of_booking=0, first_of_product=0, first_of_supplier=0, first_of_product_type=0
            )
        )
    with session_scope() as s:
        s.exec(text(revision_fill("0014")))
    assert {booking_id: marks(booking_id) for booking_id in kept} == kept
