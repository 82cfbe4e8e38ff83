"""Guides: their file, the days off, and their assignment to programme slots — language, day
off and double booking are conflicts, refused unless forced with « valider » and a reason."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from sqlmodel import select

from agence.db import session_scope
from agence.models import (
    AuditEntry,
    Booking,
    BookingProgrammeItem,
    Guide,
    GuideAssignment,
    GuideUnavailability,
)
from agence.services.bookings import bookings, guides
from agence.services.bookings.guides import GUIDES
from agence.services.common import records
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import AccessDenied, Action, Actor, Module
from tests.factories import demo_admin, demo_dossier, make_actor


@pytest.fixture
def admin(session) -> Actor:
    return demo_admin(session)


def _guide(admin, name="Anne Guide", languages=("fr", "en")) -> Guide:
    with session_scope() as session:
        data = {"name": name, "active": "on", "daily_rate": "180"}
        data.update({f"language:{code}": "on" for code in languages})
        return records.save(session, admin, GUIDES, None, data)


def _dossier(admin, starts_on="2027-06-09", language=None) -> Booking:
    booking = demo_dossier(admin, starts_on)
    if language:
        with session_scope() as session:
            booking = session.get(Booking, booking.id)
            booking.language = language
            session.add(booking)
    return booking


def _slot(booking: Booking, start: time) -> BookingProgrammeItem:
    with session_scope() as session:
        return session.exec(
            select(BookingProgrammeItem).where(
                BookingProgrammeItem.booking_id == booking.id,
                BookingProgrammeItem.start_time == start,
            )
        ).one()


def _assign(actor, booking, slot, guide, **options):
    with session_scope() as session:
        return guides.assign(session, actor, booking.id, slot.id, guide.id, **options)


def _refusal(actor, booking, slot, guide, **options) -> dict[str, str]:
    with pytest.raises(FormErrors) as refused:
        _assign(actor, booking, slot, guide, **options)
    return refused.value.errors


def test_a_guide_needs_a_language_and_keeps_his_languages(admin):
    with session_scope() as session, pytest.raises(FormErrors) as refused:
        records.save(session, admin, GUIDES, None, {"name": "Sans langue", "active": "on"})
    assert "langue" in refused.value.errors["name"]
    guide = _guide(admin, languages=("fr", "de"))
    assert guide.languages == ["fr", "de"] and guide.daily_rate == Decimal("180")


def test_a_free_guide_speaking_the_language_is_assigned(admin):
    guide, booking = _guide(admin), _dossier(admin)
    assignment = _assign(admin, booking, _slot(booking, time(10, 0)), guide)
    assert assignment.day.isoformat() == "2027-06-09"
    assert assignment.forced_reason == ""


def test_a_guide_who_does_not_speak_the_groups_language_is_refused(admin):
    guide, booking = _guide(admin, languages=("fr",)), _dossier(admin, language="de")
    errors = _refusal(admin, booking, _slot(booking, time(10, 0)), guide)
    assert "ne guide pas en allemand" in errors["guide_id"]


def test_a_guide_on_a_day_off_is_refused(admin):
    guide, booking = _guide(admin), _dossier(admin)
    with session_scope() as session:
        session.add(GuideUnavailability(guide_id=guide.id, day=booking.starts_on, reason="Congés"))
    errors = _refusal(admin, booking, _slot(booking, time(10, 0)), guide)
    assert "indisponible le 09/06/2027 (Congés)" in errors["guide_id"]


def test_a_guide_already_busy_at_that_time_is_refused_but_free_later_is_not(admin):
    guide = _guide(admin)
    first, second = _dossier(admin), _dossier(admin)
    _assign(admin, first, _slot(first, time(10, 0)), guide)
    errors = _refusal(admin, second, _slot(second, time(10, 0)), guide)
    assert "déjà affecté le 09/06/2027" in errors["guide_id"]
    assert first.reference in errors["guide_id"]
    # 15:00–16:30 does not meet 10:00–12:00
    _assign(admin, second, _slot(second, time(15, 0)), guide)


def test_a_cancelled_dossier_does_not_keep_its_guide_busy(admin):
    guide = _guide(admin)
    first, second = _dossier(admin), _dossier(admin)
    _assign(admin, first, _slot(first, time(10, 0)), guide)
    with session_scope() as session:
        bookings.change_status(session, admin, first.id, "annule", "Annulé par l'école")
    _assign(admin, second, _slot(second, time(10, 0)), guide)


def test_a_conflict_is_forced_only_with_the_validate_right_and_a_reason(admin, session):
    guide = _guide(admin)
    first, second = _dossier(admin), _dossier(admin)
    _assign(admin, first, _slot(first, time(10, 0)), guide)
    clerk = make_actor(session, {r for r in admin.rights if r.action != Action.VALIDATE})
    with pytest.raises(AccessDenied):
        _assign(clerk, second, _slot(second, time(10, 0)), guide, force=True, reason="Urgent")
    errors = _refusal(admin, second, _slot(second, time(10, 0)), guide, force=True)
    assert "reason" in errors
    forced = _assign(
        admin, second, _slot(second, time(10, 0)), guide, force=True, reason="Deux groupes joints"
    )
    assert forced.forced_reason == "Deux groupes joints"
    with session_scope() as work:
        entry = work.exec(
            select(AuditEntry)
            .where(AuditEntry.entity_id == second.id, AuditEntry.entity_type == "dossier")
            .order_by(AuditEntry.id.desc())  # type: ignore[union-attr]
        ).first()
    assert "Deux groupes joints" in str(entry.changes)


def test_the_same_guide_twice_on_a_slot_is_refused_and_a_guide_can_be_removed(admin):
    guide, booking = _guide(admin), _dossier(admin)
    slot = _slot(booking, time(10, 0))
    assignment = _assign(admin, booking, slot, guide)
    assert "déjà sur cette étape" in _refusal(admin, booking, slot, guide)["guide_id"]
    with session_scope() as session:
        guides.unassign(session, admin, booking.id, assignment.id)
        assert session.exec(select(GuideAssignment)).all() == []


def test_assigning_needs_the_edit_right(admin, session):
    guide, booking = _guide(admin), _dossier(admin)
    reader = make_actor(
        session, {r for r in admin.rights if r.module != Module.BOOKINGS or r.action == Action.SEE}
    )
    with pytest.raises(AccessDenied):
        _assign(reader, booking, _slot(booking, time(10, 0)), guide)


def test_a_guide_follows_his_slot_when_it_moves_and_into_an_amendment(admin):
    from agence.services.bookings.programme import BOOKING_PROGRAMME

    guide, booking = _guide(admin), _dossier(admin)
    slot = _slot(booking, time(10, 0))
    _assign(admin, booking, slot, guide)
    with session_scope() as session:
        values = records.form_for(session, admin, BOOKING_PROGRAMME, slot.id, booking.id)
        records.save(
            session,
            admin,
            BOOKING_PROGRAMME,
            slot.id,
            {**values, "start_text": "11:00"},
            booking.id,
        )
        assert session.exec(select(GuideAssignment)).one().start_time == time(11, 0)
        bookings.change_status(session, admin, booking.id, "confirme")
        bookings.start_amendment(session, admin, booking.id, "Visite décalée")
    with session_scope() as session:
        assignment = session.exec(select(GuideAssignment)).one()
        item = session.get(BookingProgrammeItem, assignment.programme_item_id)
        assert item.version == 2 and item.start_time == time(11, 0)
