"""Dossiers through their states: creation, status buttons and their rights, programme,
the dossier's costing (versions read-only), scoping."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select

from agence import routes
from agence.db import session_scope
from agence.models import (
    AgencySite,
    Booking,
    BookingEvent,
    BookingProgrammeItem,
    Client,
    Guide,
    GuideAssignment,
    Profile,
    User,
)
from agence.services.bookings import bookings
from agence.services.common.permissions import ALL_RIGHTS, AccessDenied, Action, Module, Right
from agence.services.demo.seed import seed_demo
from agence.state.bookings.board import FollowUpBoardState
from agence.state.bookings.dossier import (
    BookingCostingState,
    BookingCreateState,
    BookingFormState,
    BookingParticipantsState,
    BookingsListState,
)
from agence.state.bookings.guides import GuideAssignmentState, GuidesListState
from agence.state.bookings.planning import PlanningState
from agence.state.bookings.programme import BookingProgrammeState
from agence.state.bookings.satisfaction import (
    BookingSatisfactionState,
    SatisfactionReportState,
    SurveyState,
)
from agence.state.bookings.supplier_side import BookingSuppliersState
from agence.state.catalogue.costing import CostingState
from agence.state.parties.clients import ClientsListState
from agence.state.parties.imports import ParticipantImportState
from tests.factories import make_user

SCHOOL = "Collège Anatole-France"


def _without(module: Module, *actions: Action) -> set[Right]:
    return {r for r in ALL_RIGHTS if not (r.module == module and r.action in actions)}


@pytest.fixture
def demo(session):
    seed_demo(session)
    session.commit()
    return session


def _admin(session) -> User:
    """An administrator of the demo agency's first site (signed in with the test password)."""
    existing = session.exec(select(User).where(User.email == "admin.test@agence.fr")).first()
    if existing is not None:
        return existing
    site_id = session.exec(select(AgencySite.id).order_by(AgencySite.id)).first()
    return make_user(session, email="admin.test@agence.fr", site_id=site_id)


def _open(browser, booking_id) -> None:
    browser.visit(
        routes.record_route(routes.BOOKINGS),
        routes.record_url(routes.BOOKINGS, booking_id),
        record_id=str(booking_id),
    )


def _create(browser, session, **values) -> Booking:
    _open(browser, routes.NEW_RECORD)
    browser.run(BookingCreateState, "load")
    browser.run(BookingCreateState, "search_client", "anatole")
    state = browser.state(BookingCreateState)
    browser.run(BookingCreateState, "pick_client", state.client_results[0].id)
    template = state.choices["catalogue_dossier_id"][0][0]
    data = {
        **state.values,
        "catalogue_dossier_id": template,
        "starts_on": "2027-06-09",
        "paying": "25",
        **values,
    }
    browser.run(BookingCreateState, "create", data)
    session.expire_all()
    return session.exec(select(Booking).order_by(Booking.id.desc())).first()  # type: ignore[union-attr]


def test_the_dossier_list_needs_the_dossiers_right(browser, demo):
    browser.sign_in(make_user(demo, _without(Module.BOOKINGS, Action.SEE)))
    with pytest.raises(AccessDenied):
        browser.run(BookingsListState, "load_list")
    for handler, args in (
        ("open_bookings", ()),
        ("save_segment", ({"segment_name": "x"},)),
        ("apply_segment", ("1",)),
        ("delete_segment", ("1",)),
    ):
        with pytest.raises(AccessDenied):
            browser.run(BookingsListState, handler, *args)


def test_a_dossier_is_created_from_the_catalogue_and_opened(browser, demo):
    browser.sign_in(_admin(demo))
    booking = _create(browser, demo)
    assert booking.reference.endswith("-2027-0001")
    assert booking.paying == 25
    items = demo.exec(
        select(BookingProgrammeItem).where(BookingProgrammeItem.booking_id == booking.id)
    ).all()
    assert items and {item.day.isoformat() for item in items} == {"2027-06-09"}


def test_a_dossier_without_client_is_refused_next_to_the_field(browser, demo):
    browser.sign_in(_admin(demo))
    _open(browser, routes.NEW_RECORD)
    browser.run(BookingCreateState, "load")
    state = browser.state(BookingCreateState)
    browser.run(BookingCreateState, "create", {**state.values, "title": "Sans client"})
    assert state.errors["client_id"]
    assert demo.exec(select(func.count()).select_from(Booking)).one() == 0


def test_creating_needs_the_create_right(browser, demo):
    browser.sign_in(make_user(demo, _without(Module.BOOKINGS, Action.CREATE)))
    _open(browser, routes.NEW_RECORD)
    with pytest.raises(AccessDenied):
        browser.run(BookingCreateState, "load")
    with pytest.raises(AccessDenied):
        browser.run(BookingCreateState, "create", {})


def test_only_allowed_steps_are_offered_and_others_are_refused(browser, demo):
    browser.sign_in(_admin(demo))
    booking = _create(browser, demo)
    clerk = make_user(demo, _without(Module.BOOKINGS, Action.VALIDATE))
    browser.sign_in(clerk)
    _open(browser, booking.id)
    browser.run(BookingFormState, "load")
    state = browser.state(BookingFormState)
    offered = {step.target for step in state.transitions}
    assert offered == {"devis_envoye", "option"}  # confirming and cancelling need « valider »
    browser.run(BookingFormState, "ask_transition", "confirme")
    assert state.dialog_open is False  # not offered, nothing opens
    # a forged call: the dialog's target set by hand, the server still refuses
    state.dialog_target = "confirme"
    browser.run(BookingFormState, "change_status", {"comment": ""})
    assert "ne permet pas" in state.dialog_error
    demo.expire_all()
    assert demo.get(Booking, booking.id).status == "demande"


def test_option_then_confirmation_write_the_history(browser, demo):
    browser.sign_in(_admin(demo))
    booking = _create(browser, demo)
    _open(browser, booking.id)
    browser.run(BookingFormState, "load")
    for target in ("option", "confirme"):
        browser.run(BookingFormState, "ask_transition", target)
        browser.run(BookingFormState, "change_status", {"comment": "ok"})
    demo.expire_all()
    assert demo.get(Booking, booking.id).status == "confirme"
    steps = demo.exec(
        select(BookingEvent.to_status).where(BookingEvent.booking_id == booking.id)
    ).all()
    assert sorted(steps) == ["confirme", "demande", "option"]


def test_the_programme_refuses_a_day_outside_the_dossier_and_moves_slots(browser, demo):
    browser.sign_in(_admin(demo))
    booking = _create(browser, demo, ends_on="2027-06-10")
    _open(browser, booking.id)
    browser.run(BookingProgrammeState, "load_programme")
    browser.run(BookingProgrammeState, "load_children")
    browser.run(BookingProgrammeState, "open_new")
    browser.run(BookingProgrammeState, "save_child", {"day": "2027-06-12", "title": "Temps libre"})
    state = browser.state(BookingProgrammeState)
    assert "Le dossier va du" in state.errors["day"]
    browser.run(
        BookingProgrammeState,
        "save_child",
        {"day": "2027-06-10", "title": "Temps libre", "start_text": "14h"},
    )
    assert [day.day for day in state.days] == ["09/06/2027", "10/06/2027"]
    first, second = state.days[0].slots[:2]
    browser.run(BookingProgrammeState, "move", second.id, -1)
    assert state.days[0].slots[0].id == second.id
    assert state.days[0].slots[1].id == first.id


def test_the_dossier_costing_keeps_the_price_on_the_dossier(browser, demo):
    browser.sign_in(_admin(demo))
    booking = _create(browser, demo)
    browser.visit(
        routes.BOOKING_COSTING, routes.booking_costing_url(booking.id), record_id=str(booking.id)
    )
    browser.run(BookingCostingState, "load")
    state = browser.state(BookingCostingState)
    assert state.loaded and state.can_edit and "name" in state.locked_fields
    browser.run(BookingCostingState, "set_header", "name", "Renommé ici")
    assert state.header["name"] != "Renommé ici"  # the dossier's title, not the costing's
    browser.run(BookingCostingState, "set_header", "paying", "40")
    browser.run(BookingCostingState, "save")
    demo.expire_all()
    saved = demo.get(Booking, booking.id)
    assert saved.paying == 40 and saved.total_price > 0


def test_an_earlier_version_of_the_costing_is_read_only(browser, demo):
    browser.sign_in(_admin(demo))
    booking = _create(browser, demo)
    admin = _admin(demo)
    with session_scope() as work:
        from agence.services.admin.auth import load_actor

        actor = load_actor(work, admin.id)
        bookings.change_status(work, actor, booking.id, "confirme")
        bookings.start_amendment(work, actor, booking.id, "Une nuit de plus")
    browser.visit(
        routes.BOOKING_COSTING,
        routes.booking_costing_url(booking.id, 1),
        record_id=str(booking.id),
        version="1",
    )
    browser.run(BookingCostingState, "load")
    state = browser.state(BookingCostingState)
    assert state.loaded and not state.can_edit and "Version 1" in state.read_only_reason
    before = demo.get(Booking, booking.id).total_price
    browser.run(BookingCostingState, "set_header", "paying", "45")
    browser.run(BookingCostingState, "save")
    demo.expire_all()
    assert demo.get(Booking, booking.id).total_price == before


def test_a_dossier_costing_is_not_reachable_through_the_catalogue(browser, demo):
    browser.sign_in(_admin(demo))
    booking = _create(browser, demo)
    browser.visit(
        routes.record_route(routes.CATALOGUE_COSTINGS),
        routes.record_url(routes.CATALOGUE_COSTINGS, booking.costing_id),
        record_id=str(booking.costing_id),
    )
    browser.run(CostingState, "load")
    assert browser.state(CostingState).not_found is True


def test_a_rep_limited_to_his_clients_does_not_open_other_dossiers(browser, demo):
    browser.sign_in(_admin(demo))
    booking = _create(browser, demo)
    school = demo.exec(select(Client).where(Client.name == SCHOOL)).one()
    rep = make_user(demo)
    profile = demo.get(Profile, rep.profile_id)
    profile.own_clients_only = True
    demo.add(profile)
    demo.commit()
    assert school.sales_rep_id != rep.id
    browser.sign_in(rep)
    _open(browser, booking.id)
    browser.run(BookingFormState, "load")
    assert browser.state(BookingFormState).not_found is True
    browser.run(BookingsListState, "load_list")
    assert browser.state(BookingsListState).total == 0


def test_the_supplier_tab_books_a_service_and_needs_the_edit_right(browser, demo):
    browser.sign_in(_admin(demo))
    booking = _create(browser, demo)
    _open(browser, booking.id)
    browser.run(BookingSuppliersState, "load_suppliers")
    state = browser.state(BookingSuppliersState)
    service = state.suppliers[0].services[0]
    browser.run(BookingSuppliersState, "update_service", service.line_id, "status", "confirme")
    assert state.suppliers[0].services[0].status == "confirme"
    browser.run(BookingSuppliersState, "update_service", service.line_id, "status", "option")
    assert "ne peut pas passer" in state.error
    browser.sign_in(make_user(demo, _without(Module.BOOKINGS, Action.EDIT)))
    with pytest.raises(AccessDenied):
        browser.run(BookingSuppliersState, "update_service", service.line_id, "reference", "X")
    with pytest.raises(AccessDenied):
        browser.run(BookingSuppliersState, "save_exchange", {"summary": "x"})


def test_the_follow_up_board_needs_the_dossiers_right(browser, demo):
    browser.sign_in(make_user(demo, _without(Module.BOOKINGS, Action.SEE)))
    with pytest.raises(AccessDenied):
        browser.run(FollowUpBoardState, "load_board")
    browser.sign_in(_admin(demo))
    browser.run(FollowUpBoardState, "horizon_changed", "14")
    state = browser.state(FollowUpBoardState)
    assert state.horizon == "14" and set(state.sections) >= {"departures", "unbooked"}


def test_participants_are_listed_in_the_dossier_and_imported_under_it(browser, demo):
    browser.sign_in(_admin(demo))
    booking = _create(browser, demo)
    _open(browser, booking.id)
    browser.run(BookingParticipantsState, "load_children")
    browser.run(BookingParticipantsState, "open_new")
    browser.run(BookingParticipantsState, "save_child", {"last_name": "Durand", "room": "3"})
    assert browser.state(BookingParticipantsState).total == 1
    browser.visit(
        routes.BOOKING_PARTICIPANTS_IMPORT,
        f"/dossiers/{booking.id}/import-participants",
        record_id=str(booking.id),
    )
    browser.run(ParticipantImportState, "open_participant_import")
    state = browser.state(ParticipantImportState)
    assert state.booking_url == routes.record_url(routes.BOOKINGS, booking.id)
    browser.run(ParticipantImportState, "open_import")
    assert state.target == "participants"


def test_importing_participants_needs_the_create_right(browser, demo):
    browser.sign_in(make_user(demo, _without(Module.BOOKINGS, Action.CREATE)))
    browser.visit(
        routes.BOOKING_PARTICIPANTS_IMPORT, "/dossiers/1/import-participants", record_id="1"
    )
    with pytest.raises(AccessDenied):
        browser.run(ParticipantImportState, "open_participant_import")


def test_a_guide_is_assigned_from_the_programme_and_a_double_booking_is_refused(browser, demo):
    admin = _admin(demo)
    browser.sign_in(admin)
    guide = Guide(name="Anne Guide", languages=["fr"])
    demo.add(guide)
    demo.commit()
    first, second = _create(browser, demo), _create(browser, demo)
    for booking, expect_conflict in ((first, False), (second, True)):
        _open(browser, booking.id)
        browser.run(BookingProgrammeState, "load_programme")
        slot = browser.state(BookingProgrammeState).days[0].slots[1]
        browser.run(GuideAssignmentState, "open_for", slot.id, slot.title)
        browser.run(GuideAssignmentState, "choose", str(guide.id))
        state = browser.state(GuideAssignmentState)
        assert bool(state.conflicts) is expect_conflict
        browser.run(GuideAssignmentState, "assign", {})
        assert (state.error != "") is expect_conflict
    assert len(demo.exec(select(GuideAssignment)).all()) == 1


def test_guides_need_the_dossiers_right(browser, demo):
    browser.sign_in(make_user(demo, _without(Module.BOOKINGS, Action.SEE)))
    with pytest.raises(AccessDenied):
        browser.run(GuidesListState, "load_list")
    browser.sign_in(make_user(demo, _without(Module.BOOKINGS, Action.EDIT)))
    _open(browser, 1)
    with pytest.raises(AccessDenied):
        browser.run(GuideAssignmentState, "open_for", "1", "x")


def test_the_planning_shows_a_product_by_week_and_moves_by_month(browser, demo):
    from agence.models import Product, ProductCapacity

    castle = demo.exec(select(Product).where(Product.name.startswith("Visite du château"))).one()
    demo.add(
        ProductCapacity(
            product_id=castle.id,
            valid_from=date(2027, 1, 1),
            valid_to=date(2027, 12, 31),
            capacity=50,
        )
    )
    demo.commit()
    browser.sign_in(_admin(demo))
    browser.run(PlanningState, "load_planning")
    state = browser.state(PlanningState)
    browser.run(PlanningState, "set_choice", "product_id", str(castle.id))
    browser.run(PlanningState, "set_choice", "start", "2027-06-09")
    assert len(state.days) == 7 and state.slots == ["Journée"]
    assert state.days[2].cells[0].left == "50"
    browser.run(PlanningState, "set_choice", "view", "mois")
    browser.run(PlanningState, "shift", 1)
    assert state.start == "2027-07-01" and len(state.days) == 31


def test_the_planning_needs_the_dossiers_right(browser, demo):
    browser.sign_in(make_user(demo, _without(Module.BOOKINGS, Action.SEE)))
    with pytest.raises(AccessDenied):
        browser.run(PlanningState, "load_planning")


def test_the_client_answers_the_survey_once_without_signing_in(browser, demo):
    admin = _admin(demo)
    browser.sign_in(admin)
    booking = _create(browser, demo, starts_on="2026-06-09")  # a trip already over
    _open(browser, booking.id)
    browser.run(BookingSatisfactionState, "load_satisfaction")
    staff = browser.state(BookingSatisfactionState)
    assert staff.can_answer
    browser.run(BookingSatisfactionState, "create_link", {"email": "prof@college.fr"})
    token = staff.link.rsplit("/", 1)[1]

    client_tab = type(browser)()  # another browser, nobody signed in
    client_tab.visit(routes.SURVEY, staff.link, token=token)
    client_tab.run(SurveyState, "load_survey")
    survey = client_tab.state(SurveyState)
    assert survey.available and survey.reference == booking.reference
    client_tab.run(SurveyState, "submit_survey", {"overall": "5", "would_recommend": "oui"})
    assert survey.done
    client_tab.run(SurveyState, "load_survey")
    assert not survey.available and "déjà reçu" in survey.message


def test_the_survey_report_export_needs_the_export_right(browser, demo):
    browser.sign_in(make_user(demo, _without(Module.BOOKINGS, Action.EXPORT)))
    browser.run(SatisfactionReportState, "load_report")
    with pytest.raises(AccessDenied):
        browser.run(SatisfactionReportState, "export_avizi")


def test_a_dossier_filter_is_saved_and_reapplied_apart_from_client_segments(browser, demo):
    browser.sign_in(_admin(demo))
    _create(browser, demo)
    browser.run(BookingsListState, "open_bookings")
    browser.run(BookingsListState, "load_list")
    browser.run(BookingsListState, "filter_changed", "status", "confirme")
    browser.run(BookingsListState, "save_segment", {"segment_name": "Confirmés"})
    state = browser.state(BookingsListState)
    assert [s.name for s in state.segments] == ["Confirmés"]
    browser.run(BookingsListState, "filter_changed", "status", "")
    assert state.total == 1
    browser.run(BookingsListState, "apply_segment", state.segments[0].id)
    assert state.filters == {"status": "confirme"} and state.total == 0
    browser.run(ClientsListState, "open_clients")
    assert browser.state(ClientsListState).segments == []
    browser.run(ClientsListState, "apply_segment", state.segments[0].id)  # not a client one
    assert browser.state(ClientsListState).filters == {}


def test_validating_an_amendment_needs_the_validate_right(browser, demo):
    browser.sign_in(_admin(demo))
    booking = _create(browser, demo)
    browser.sign_in(make_user(demo, _without(Module.BOOKINGS, Action.VALIDATE)))
    _open(browser, booking.id)
    with pytest.raises(AccessDenied):
        browser.run(BookingFormState, "validate_amendment")
