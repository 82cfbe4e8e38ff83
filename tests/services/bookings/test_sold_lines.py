"""The dossier's summary for the statistics (its priced services and its cost), kept with the
price its costing quotes. The demo day trip for the school: 20 paying, 1 free (the client's
rule), the costing's suppliers cost 1 950,00 €, the school pays 2 320,00 €."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session, col, delete, select

from agence.db import session_scope
from agence.models import Booking, BookingSoldLine, Costing, CostingLine, Product, Supplier
from agence.models.base import utcnow
from agence.services.bookings import sold_lines
from agence.services.bookings.bookings import sync_costing_group
from agence.services.catalogue import costings
from tests.factories import demo_admin, demo_dossier, product_type_id
from tests.services.billing.test_invoicing import edit_costing, with_agency_escort

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
