"""The home pages' desks, from real dossiers made by the services on the demo agency.

Today is Wednesday 24 March 2027. Bruno's clients: the school (to call today, never visited,
its terms ask a 30 % deposit at the order); Anne's, limited to her clients: the CSE (a call
late since the 21st, visited in January). Bruno's dossiers, all the school's:
- a request, a quote sent and an option until the 27th (his pipeline);
- « confirmed »: departs on the 29th, every supplier line booked but one in option until the
  26th, a guiding slot without a guide and one with; no invoice yet (a deposit to invoice);
- « deposited »: departs 3 May, every line booked, its deposit issued for a public buyer;
- « done »: performed, not invoiced.
Anne's: the CSE's quote sent, and a dossier confirmed departing 3 April (the CSE pays on the
default terms, 30 days: no deposit).
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from sqlmodel import Session, col, select

from agence.db import session_scope
from agence.models import (
    AuditEntry,
    Booking,
    BookingProgrammeItem,
    Client,
    CostingLine,
    Guide,
    GuideAssignment,
    Invoice,
    PaymentTerm,
    Product,
    ProductType,
    User,
)
from agence.services.admin import auth
from agence.services.billing import invoicing
from agence.services.billing.vocabulary import ChorusStatus
from agence.services.bookings.bookings import change_status
from agence.services.bookings.lifecycle import Status
from agence.services.bookings.vocabulary import SupplierStatus
from agence.services.common import formats
from agence.services.common.listing import ListQuery, fetch_page
from agence.services.common.permissions import AccessDenied, Action, Actor, Module, Right
from agence.services.parties.crm import not_visited_since
from agence.services.parties.vocabulary import NextAction
from agence.services.settings.payment_terms import TermRule
from agence.services.statistics.drill_specs import DRILL_SPECS
from agence.services.statistics.measures import Measure
from agence.services.statistics.report import DrillList, Period
from agence.services.statistics.revenue import Grouping, revenue_report
from agence.services.statistics.workdesk import (
    Desk,
    booking_figures,
    desks,
    invoicing_figures,
    last_change,
    sales_figures,
)
from tests.factories import demo_admin, demo_dossier, make_actor
from tests.worlds import shared_world

D = Decimal
TODAY = date(2027, 3, 24)
SCHOOL, CSE = "Collège Anatole-France", "CSE Michelin Joué-lès-Tours"


def run(function, *args, **kwargs):
    with session_scope() as s:
        return function(s, *args, **kwargs)


def client_of(session: Session, name: str) -> Client:
    return session.exec(select(Client).where(Client.name == name)).one()


def dossier(admin: Actor, client: str, rep: Actor, starts_on: date, *steps: Status) -> int:
    with session_scope() as s:
        client_id = client_of(s, client).id
    booking = demo_dossier(admin, starts_on, client_id=client_id, sales_rep_id=rep.user_id)
    for step in steps:
        run(change_status, admin, booking.id, step)
    return booking.id


def lines_of(session: Session, booking_id: int) -> list[CostingLine]:
    booking = session.get(Booking, booking_id)
    return list(
        session.exec(
            select(CostingLine)
            .where(
                CostingLine.costing_id == booking.costing_id,
                col(CostingLine.supplier_id).is_not(None),
            )
            .order_by(col(CostingLine.id))
        )
    )


def book_every_line(session: Session, booking_id: int) -> list[CostingLine]:
    lines = lines_of(session, booking_id)
    for line in lines:
        line.supplier_status = SupplierStatus.CONFIRMED.value
        session.add(line)
    return lines


def guiding_slot(session: Session, booking_id: int, day: date) -> BookingProgrammeItem:
    booking = session.get(Booking, booking_id)
    guide_product = session.exec(
        select(Product).where(Product.name == "Guide conférencier (journée)")
    ).one()
    slot = BookingProgrammeItem(
        booking_id=booking_id,
        version=booking.version,
        day=day,
        start_time=time(9),
        end_time=time(12),
        product_id=guide_product.id,
        title="Visite guidée",
    )
    session.add(slot)
    session.flush()
    return slot


def guiding_slots(session: Session, booking_id: int) -> list[BookingProgrammeItem]:
    booking = session.get(Booking, booking_id)
    return list(
        session.exec(
            select(BookingProgrammeItem)
            .join(Product, col(Product.id) == BookingProgrammeItem.product_id)
            .join(ProductType, col(ProductType.id) == Product.product_type_id)
            .where(
                BookingProgrammeItem.booking_id == booking_id,
                BookingProgrammeItem.version == booking.version,
                ProductType.code == "GUIDAGE",
            )
        )
    )


def assign(session: Session, guide: Guide, slot: BookingProgrammeItem) -> None:
    session.add(
        GuideAssignment(
            guide_id=guide.id, booking_id=slot.booking_id, programme_item_id=slot.id, day=slot.day
        )
    )


def build_world(session: Session) -> dict:
    admin = demo_admin(session)
    anne = make_actor(session, own_clients_only=True)
    bruno = make_actor(session)
    deposit_term = session.exec(
        select(PaymentTerm).where(PaymentTerm.rule == TermRule.DEPOSIT_THEN_BALANCE)
    ).one()
    school, cse = client_of(session, SCHOOL), client_of(session, CSE)
    school.sales_rep_id, cse.sales_rep_id = bruno.user_id, anne.user_id
    school.next_action_kind, school.next_action_on = NextAction.CALL.value, TODAY
    cse.next_action_kind, cse.next_action_on = NextAction.REMIND.value, date(2027, 3, 21)
    school.last_visit_on, cse.last_visit_on = None, date(2027, 1, 15)
    school.payment_term_id, cse.payment_term_id = deposit_term.id, None
    session.add_all([school, cse])
    session.commit()

    ids = {
        "request": dossier(admin, SCHOOL, bruno, date(2027, 6, 1)),
        "quote": dossier(admin, SCHOOL, bruno, date(2027, 6, 2), Status.QUOTE_SENT),
        "option": dossier(admin, SCHOOL, bruno, date(2027, 6, 3), Status.OPTION),
        "confirmed": dossier(admin, SCHOOL, bruno, date(2027, 3, 29), Status.CONFIRMED),
        "deposited": dossier(admin, SCHOOL, bruno, date(2027, 5, 3), Status.CONFIRMED),
        "done": dossier(admin, SCHOOL, bruno, date(2027, 3, 1), Status.CONFIRMED, Status.DONE),
        "cse_quote": dossier(admin, CSE, anne, date(2027, 6, 4), Status.QUOTE_SENT),
        "cse_confirmed": dossier(admin, CSE, anne, date(2027, 4, 3), Status.CONFIRMED),
    }
    deposit = run(invoicing.create_deposit, admin, ids["deposited"], percent="30")
    with session_scope() as s:
        issued = invoicing.issue(s, admin, deposit.id, date(2027, 3, 10))
        issued.buyer_reference = "SERVICE-1"
        s.add(issued)
        ids["deposit_invoice"] = issued.id
    with session_scope() as s:
        option = s.get(Booking, ids["option"])
        option.option_until = date(2027, 3, 27)
        s.add(option)
        for key in ("deposited", "done", "cse_confirmed"):
            book_every_line(s, ids[key])
        in_option = book_every_line(s, ids["confirmed"])[0]
        in_option.supplier_status = SupplierStatus.OPTION.value
        in_option.supplier_option_until = date(2027, 3, 26)
        s.add(in_option)
        guide = Guide(name="Hélène Guide", languages=["fr"])
        s.add(guide)
        s.flush()
        for key in ("confirmed", "cse_confirmed"):  # the template's guided visit has its guide
            for slot in guiding_slots(s, ids[key]):
                assign(s, guide, slot)
        guiding_slot(s, ids["confirmed"], date(2027, 3, 29))  # this one has none
        assign(s, guide, guiding_slot(s, ids["confirmed"], date(2027, 3, 29)))
    return {"admin": admin, "anne": anne, "bruno": bruno, **ids}


world = shared_world(build_world, today=TODAY)


def price(booking_id: int) -> Decimal:
    with session_scope() as s:
        return s.get(Booking, booking_id).total_price


def drill_total(actor: Actor, figure) -> int:
    query = ListQuery(filters=dict(figure.drill_filters))
    return run(fetch_page, DRILL_SPECS[figure.drill], query, actor).total


def demo_actor(email: str) -> Actor:
    with session_scope() as s:
        user = s.exec(select(User).where(User.email == email)).one()
        return auth.load_actor(s, user.id)


# --- Which desks -------------------------------------------------------------------------------


def test_each_demo_profile_gets_its_desks_from_its_rights(session):
    demo_admin(session)
    domain = "escapades-loire.fr"
    assert desks(demo_actor(f"admin@{domain}")) == (Desk.DIRECTION,)
    assert desks(demo_actor(f"direction@{domain}")) == (Desk.DIRECTION, Desk.SALES)
    assert desks(demo_actor(f"l.bernard@{domain}")) == (Desk.SALES,)
    assert desks(demo_actor(f"s.petit@{domain}")) == (Desk.BOOKINGS,)
    assert desks(demo_actor(f"compta@{domain}")) == (Desk.ACCOUNTING,)


def test_a_limited_rep_never_gets_the_agency_wide_desk(session):
    demo_admin(session)
    limited = make_actor(session, own_clients_only=True)  # every right, his clients only
    assert Desk.DIRECTION not in desks(limited)
    assert desks(limited)[0] is Desk.SALES


# --- Sales -------------------------------------------------------------------------------------


def test_a_rep_s_follow_ups_due_today_and_late(world):
    bruno, anne = (
        run(sales_figures, world["bruno"], TODAY),
        run(sales_figures, world["anne"], TODAY),
    )
    assert (bruno.follow_ups_today.count, bruno.follow_ups_late.count) == (1, 0)
    assert (anne.follow_ups_today.count, anne.follow_ups_late.count) == (0, 1)
    assert bruno.follow_ups_today.drill_filters == (("due", "jour"),)
    assert anne.follow_ups_late.drill_filters == (("due", "retard"),)
    assert drill_total(world["bruno"], bruno.follow_ups_today) == 1
    assert drill_total(world["anne"], anne.follow_ups_late) == 1


def test_clients_to_visit_are_his_not_seen_for_the_set_months(world):
    bruno, anne = (
        run(sales_figures, world["bruno"], TODAY),
        run(sales_figures, world["anne"], TODAY),
    )
    assert bruno.clients_to_visit.count == 1  # the school, never visited
    assert anne.clients_to_visit.count == 0  # the CSE, seen in January
    assert bruno.clients_to_visit.caption == "pas vus depuis le 24/09/2026"
    # the « Clients à voir » page: his clients, not seen since the limit (its own condition)
    assert (bruno.clients_to_visit.drill, bruno.clients_to_visit.drill_filters) == (
        DrillList.TO_VISIT,
        (),
    )
    assert bruno.clients_to_visit.drill_exact
    shown = run(
        fetch_page,
        DRILL_SPECS[DrillList.TO_VISIT],
        ListQuery(),
        world["bruno"],
        (not_visited_since(date(2026, 9, 24)),),
    )
    assert shown.total == 1


def test_his_quotes_without_answer_and_pipeline_are_his_dossiers(world):
    figures = run(sales_figures, world["bruno"], TODAY)
    assert (figures.quotes_pending.count, figures.quotes_pending.amount) == (
        1,
        price(world["quote"]),
    )
    assert drill_total(world["bruno"], figures.quotes_pending) == 1
    pipeline = sum((price(world[k]) for k in ("request", "quote", "option")), D(0))
    assert (figures.pipeline.count, figures.pipeline.amount) == (3, pipeline)
    assert figures.pipeline.value == formats.money(pipeline)
    anne = run(sales_figures, world["anne"], TODAY)
    assert (anne.quotes_pending.count, anne.pipeline.count) == (1, 1)


def test_his_revenue_is_his_row_of_the_revenue_by_rep(world):
    figures = run(sales_figures, world["bruno"], TODAY)
    with session_scope() as s:
        report = revenue_report(s, world["admin"], Period(date(2027, 1, 1), TODAY), Grouping.REP)
    row = next(r for r in report.rows if r.key == str(world["bruno"].user_id))
    assert figures.revenue is not None
    assert figures.revenue.amount == row.excl_vat > 0  # the deposit issued on 10 March
    assert figures.revenue.comparison == f"N-1 : {formats.money(D(0))}"
    assert run(sales_figures, world["anne"], TODAY).revenue.amount == D("0.00")


def test_a_rep_without_statistics_has_no_revenue_tile(world, session):
    rep = make_actor(session, {Right(Module.THIRD_PARTIES, Action.SEE)})
    figures = run(sales_figures, rep, TODAY)
    assert figures.revenue is None
    assert Measure.MY_REVENUE not in {f.measure for f in figures.tiles}
    with pytest.raises(AccessDenied):
        run(sales_figures, make_actor(session, {Right(Module.BOOKINGS, Action.SEE)}), TODAY)


# --- Bookings ----------------------------------------------------------------------------------


def test_booking_staff_counts_the_follow_up_board(world):
    figures = run(booking_figures, world["admin"], TODAY)
    assert figures.client_options.count == 1  # until the 27th, within 7 days
    assert figures.client_options.drill_filters == (
        ("status", "option"),
        ("option_until", "2027-03-31"),
    )
    assert drill_total(world["admin"], figures.client_options) == 1
    assert (figures.supplier_options.count, figures.supplier_options.comparison) == (
        1,
        "dans 1 dossier(s)",
    )
    assert figures.supplier_options.drill is DrillList.BOARD
    # the CSE's and the deposited dossier's lines are booked; the confirmed one's option is not
    assert figures.services_to_book.count == 1
    assert figures.departures.count == 1  # the 29th; the CSE's 3 April is beyond 7 days
    assert drill_total(world["admin"], figures.departures) == 1
    assert figures.guidings_without_guide.count == 1  # the other slots have their guide
    assert not figures.guidings_without_guide.drill_exact


def test_services_to_book_count_lines_in_option_or_to_request(world):
    with session_scope() as s:
        for line in lines_of(s, world["cse_confirmed"]):
            line.supplier_status = SupplierStatus.TO_REQUEST.value
            s.add(line)
        unbooked = len(lines_of(s, world["cse_confirmed"]))
    figures = run(booking_figures, world["admin"], TODAY)
    assert figures.services_to_book.count == 1 + unbooked
    assert figures.services_to_book.comparison == "dans 2 dossier(s)"
    assert run(booking_figures, world["anne"], TODAY).services_to_book.count == unbooked


def test_a_limited_rep_s_booking_figures_are_his_clients(world):
    figures = run(booking_figures, world["anne"], TODAY)
    assert [f.count for f in figures.tiles] == [0, 0, 0, 0, 0]
    with session_scope() as s:
        s.exec(  # the CSE's guided visit loses its guide
            GuideAssignment.__table__.delete().where(
                GuideAssignment.booking_id == world["cse_confirmed"]
            )
        )
    assert run(booking_figures, world["anne"], TODAY).guidings_without_guide.count >= 1


# --- Accounting's work -------------------------------------------------------------------------


def test_deposits_to_invoice_follow_the_client_s_terms(world):
    figures = run(invoicing_figures, world["admin"], TODAY)
    # the confirmed school dossier: its terms ask 30 % at the order, nothing issued yet; the
    # deposited one has its deposit; the CSE pays on the default terms, without a deposit
    assert figures.deposits_to_invoice.count == 1
    assert figures.deposits_to_invoice.amount == (price(world["confirmed"]) * D("0.3")).quantize(
        D("0.01")
    )
    assert not figures.deposits_to_invoice.drill_exact


def test_performed_dossiers_to_invoice(world):
    figures = run(invoicing_figures, world["admin"], TODAY)
    assert (figures.done_to_invoice.count, figures.done_to_invoice.amount) == (
        1,
        price(world["done"]),
    )
    assert figures.done_to_invoice.drill_filters == (("status", "realise"),)
    assert drill_total(world["admin"], figures.done_to_invoice) == 1


def test_chorus_deposits_pending_or_rejected(world):
    figures = run(invoicing_figures, world["admin"], TODAY)
    assert figures.chorus.count == 1
    assert figures.chorus.comparison == "1 en attente, 0 rejetée(s) ou suspendue(s)"
    with session_scope() as s:
        invoice = s.get(Invoice, world["deposit_invoice"])
        invoice.chorus_status = ChorusStatus.REJECTED.value
        s.add(invoice)
    figures = run(invoicing_figures, world["admin"], TODAY)
    assert figures.chorus.comparison == "0 en attente, 1 rejetée(s) ou suspendue(s)"
    with session_scope() as s:
        invoice = s.get(Invoice, world["deposit_invoice"])
        invoice.chorus_status = ChorusStatus.MANDATED.value
        s.add(invoice)
    assert run(invoicing_figures, world["admin"], TODAY).chorus.count == 0
    assert run(invoicing_figures, world["anne"], TODAY).chorus.count == 0


def test_invoicing_figures_need_invoices_or_payments(world, session):
    with pytest.raises(AccessDenied):
        run(invoicing_figures, make_actor(session, {Right(Module.BOOKINGS, Action.SEE)}), TODAY)


# --- Every figure ------------------------------------------------------------------------------


def test_every_drill_uses_filters_its_list_offers(world):
    for actor in (world["admin"], world["anne"]):
        for figures in (
            run(sales_figures, actor, TODAY),
            run(booking_figures, actor, TODAY),
            run(invoicing_figures, actor, TODAY),
        ):
            for figure in figures.tiles:
                assert figure.measure.label and figure.measure.definition
                if figure.drill is DrillList.BOARD:
                    assert figure.drill_filters == ()  # a page, not a list
                    continue
                offered = {f.key for f in DRILL_SPECS[figure.drill].filters}
                assert {key for key, _ in figure.drill_filters} <= offered, figure.measure


def test_the_last_change_moves_with_every_audited_change(world):
    before = run(last_change)
    run(change_status, world["admin"], world["quote"], Status.CONFIRMED)
    after = run(last_change)
    assert after > before
    with session_scope() as s:
        assert after == max(s.exec(select(AuditEntry.id)).all())
    assert run(last_change) == after  # nothing changed since
