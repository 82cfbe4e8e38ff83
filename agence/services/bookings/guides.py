"""Guides: their file (languages, specialities, areas, daily rate), the days they cannot work,
and their assignment to programme slots.

Assigning checks three things — the group's language, the guide's free days, and another
assignment of the same guide at the same time — and refuses on any conflict, unless a user
with « valider » on the dossiers forces it with a reason (kept and audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import String, cast
from sqlmodel import Session, col, select

from agence.models import (
    Booking,
    BookingProgrammeItem,
    Guide,
    GuideAssignment,
    GuideUnavailability,
    Supplier,
)
from agence.services.bookings.bookings import closed_reason, get_booking, is_editable
from agence.services.bookings.lifecycle import Status, audit_booking
from agence.services.bookings.vocabulary import ConflictKind
from agence.services.common import formats
from agence.services.common.forms import FieldSpec, FormErrors
from agence.services.common.listing import ChoiceFilter, Column, ListSpec, active_filter
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import PARENT_KEY, RecordNotFound, Resource
from agence.services.parties.clients import LANGUAGES
from agence.services.parties.suppliers import supplier_choices

LANGUAGE_FIELD = "language:"

GUIDES_LIST = ListSpec(
    name="Guides",
    query=lambda: (
        sa.select(
            col(Guide.id).label("id"),
            col(Guide.name).label("name"),
            col(Supplier.name).label("supplier"),
            col(Guide.specialities).label("specialities"),
            col(Guide.areas).label("areas"),
            col(Guide.daily_rate).label("daily_rate"),
            col(Guide.active).label("active"),
        )
        .outerjoin(Supplier, col(Supplier.id) == col(Guide.supplier_id))
        .where(col(Guide.deleted_at).is_(None))
    ),
    columns=(
        Column("name", "Guide", Guide.name, width=28),
        Column("supplier", "Fournisseur", Supplier.name, width=28, render=lambda v: v or "Agence"),
        Column("specialities", "Spécialités", Guide.specialities, width=30, phone=False),
        Column("areas", "Secteurs", Guide.areas, width=24, phone=False),
        Column("daily_rate", "Tarif / jour", Guide.daily_rate, kind="money", width=12, phone=False),
        Column("active", "Actif", Guide.active, kind="bool", width=8, phone=False),
    ),
    search=(Guide.name, Guide.specialities, Guide.areas),
    filters=(
        ChoiceFilter(
            "language",
            "Langue",
            Guide.languages,
            tuple(LANGUAGES.items()),
            match=lambda code: cast(Guide.languages, String).contains(f'"{code}"'),
        ),
        active_filter(Guide.active),
    ),
    default_sort="name",
    tie_breaker=Guide.id,
)


class GuideResource(Resource[Guide]):
    model = Guide
    module = Module.BOOKINGS
    entity = "guide"
    new_title = "Nouveau guide"
    fields = (
        FieldSpec("name", "Nom", required=True, max_length=120, wide=True),
        FieldSpec(
            "supplier_id",
            "Fournisseur",
            "ref",
            help="Vide : un guide de l'agence.",
        ),
        FieldSpec("active", "Actif", "bool"),
        FieldSpec("phone", "Téléphone", "phone", max_length=30),
        FieldSpec("email", "E-mail", "email", max_length=254),
        FieldSpec("specialities", "Spécialités", max_length=300, wide=True),
        FieldSpec("areas", "Secteurs", max_length=300, wide=True),
        FieldSpec("daily_rate", "Tarif journée TTC (€)", "decimal", min_value=Decimal(0)),
    )

    def list_spec(self) -> ListSpec:
        return GUIDES_LIST

    def describe(self, record: Guide) -> str:
        return record.name

    def choices(self, session: Session, parent_id: int | None = None):
        return {"supplier_id": supplier_choices(session), "languages": tuple(LANGUAGES.items())}

    def defaults(self, session: Session) -> dict[str, str]:
        return {"active": "on", f"{LANGUAGE_FIELD}fr": "on"}

    def form_values(self, session: Session, record: Guide) -> dict[str, str]:
        values = super().form_values(session, record)
        for code in record.languages:
            values[LANGUAGE_FIELD + code] = "on"
        return values

    def parse_extra(self, session, data, clean, errors) -> None:
        clean["languages"] = [
            code
            for code in LANGUAGES
            if str(data.get(LANGUAGE_FIELD + code, "")) not in ("", "off")
        ]
        if not clean["languages"]:
            errors.setdefault("name", "Cochez au moins une langue de guidage.")

    def apply(self, session: Session, record: Guide, clean: dict[str, Any]) -> None:
        super().apply(session, record, clean)
        record.languages = clean.get("languages") or []


GUIDES = GuideResource()


UNAVAILABILITY_LIST = ListSpec(
    name="Indisponibilités",
    query=lambda: select(
        col(GuideUnavailability.id).label("id"),
        col(GuideUnavailability.day).label("day"),
        col(GuideUnavailability.reason).label("reason"),
        col(GuideUnavailability.guide_id).label("parent_id"),
    ),
    columns=(
        Column("day", "Jour", GuideUnavailability.day, kind="date", width=12),
        Column("reason", "Motif", GuideUnavailability.reason, width=30),
    ),
    default_sort="day",
    tie_breaker=GuideUnavailability.id,
)


class UnavailabilityResource(Resource[GuideUnavailability]):
    model = GuideUnavailability
    module = Module.BOOKINGS
    entity = "indisponibilité"
    new_title = "Jour d'indisponibilité"
    parent = GUIDES
    parent_field = "guide_id"
    unique = ()
    fields = (
        FieldSpec("day", "Jour", "date", required=True),
        FieldSpec("reason", "Motif", max_length=200),
    )

    def list_spec(self) -> ListSpec:
        return UNAVAILABILITY_LIST

    def describe(self, record: GuideUnavailability) -> str:
        return formats.day(record.day)

    def validate(self, session, actor, record, clean, errors) -> None:
        guide_id = record.guide_id if record is not None else clean.get(PARENT_KEY)
        day = clean.get("day")
        if day is None:
            return
        clash = session.exec(
            select(GuideUnavailability.id).where(
                GuideUnavailability.guide_id == guide_id,
                GuideUnavailability.day == day,
                GuideUnavailability.id != (record.id if record is not None else -1),
            )
        ).first()
        if clash is not None:
            errors["day"] = "Ce jour est déjà noté."


UNAVAILABILITIES = UnavailabilityResource()


# --- Assignments --------------------------------------------------------------------------------


def _overlap(a_start: time | None, a_end: time | None, b_start: time | None, b_end: time | None):
    """Two slots of one day overlap; a slot without times takes the whole day."""
    if a_start is None or b_start is None:
        return True
    a_stop, b_stop = a_end or a_start, b_end or b_start
    return a_start < b_stop and b_start < a_stop or a_start == b_start


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    message: str


def conflicts(
    session: Session, guide: Guide, booking: Booking, item: BookingProgrammeItem
) -> list[Conflict]:
    """Why this guide should not take this slot: language, day off, another assignment."""
    found: list[Conflict] = []
    if booking.language not in guide.languages:
        language = LANGUAGES.get(booking.language, booking.language).lower()
        found.append(Conflict(ConflictKind.LANGUAGE, f"{guide.name} ne guide pas en {language}."))
    off = session.exec(
        select(GuideUnavailability.reason).where(
            GuideUnavailability.guide_id == guide.id, GuideUnavailability.day == item.day
        )
    ).first()
    if off is not None:
        found.append(
            Conflict(
                ConflictKind.DAY_OFF,
                f"{guide.name} est indisponible le {formats.day(item.day)}"
                + (f" ({off})." if off else "."),
            )
        )
    for other, reference, title in session.exec(
        select(GuideAssignment, Booking.reference, BookingProgrammeItem.title)
        .join(Booking, col(Booking.id) == col(GuideAssignment.booking_id))
        .join(
            BookingProgrammeItem,
            col(BookingProgrammeItem.id) == col(GuideAssignment.programme_item_id),
        )
        .where(
            GuideAssignment.guide_id == guide.id,
            GuideAssignment.day == item.day,
            GuideAssignment.programme_item_id != item.id,
            Booking.status != Status.CANCELLED,
        )
    ):
        if _overlap(item.start_time, item.end_time, other.start_time, other.end_time):
            found.append(
                Conflict(
                    ConflictKind.DOUBLE_BOOKED,
                    f"{guide.name} est déjà affecté le {formats.day(item.day)} à « {title} » "
                    f"({reference}).",
                )
            )
    return found


def _item(session: Session, booking: Booking, item_id: int) -> BookingProgrammeItem:
    item = session.get(BookingProgrammeItem, item_id)
    if item is None or item.booking_id != booking.id or item.version != booking.version:
        raise RecordNotFound("étape", item_id)
    return item


def check_assignment(
    session: Session, actor: Actor, booking_id: int, item_id: int, guide_id: int
) -> list[str]:
    """The conflicts the page shows before the user assigns (or forces)."""
    booking = get_booking(session, actor, booking_id)
    item = _item(session, booking, item_id)
    guide = session.get(Guide, guide_id)
    if guide is None or guide.deleted_at is not None:
        raise RecordNotFound("guide", guide_id)
    return [conflict.message for conflict in conflicts(session, guide, booking, item)]


def assign(
    session: Session,
    actor: Actor,
    booking_id: int,
    item_id: int,
    guide_id: int,
    *,
    force: bool = False,
    reason: str = "",
) -> GuideAssignment:
    """Puts the guide on the slot; any conflict refuses, unless forced by a user with
    « valider » who gives a reason."""
    booking = get_booking(session, actor, booking_id)
    actor.require(Module.BOOKINGS, Action.EDIT)
    if not is_editable(booking):
        raise FormErrors({"": closed_reason(booking)})
    item = _item(session, booking, item_id)
    guide = session.get(Guide, guide_id)
    if guide is None or guide.deleted_at is not None or not guide.active:
        raise FormErrors({"guide_id": "Guide introuvable ou inactif."})
    already = session.exec(
        select(GuideAssignment.id).where(
            GuideAssignment.guide_id == guide.id, GuideAssignment.programme_item_id == item.id
        )
    ).first()
    if already is not None:
        raise FormErrors({"guide_id": f"{guide.name} est déjà sur cette étape."})
    found = conflicts(session, guide, booking, item)
    if found and not force:
        raise FormErrors({"guide_id": " ".join(conflict.message for conflict in found)})
    if found:
        actor.require(Module.BOOKINGS, Action.VALIDATE)
        if not reason.strip():
            raise FormErrors({"reason": "Indiquez pourquoi vous passez outre."})
    assignment = GuideAssignment(
        guide_id=guide.id or 0,
        booking_id=booking.id or 0,
        programme_item_id=item.id or 0,
        day=item.day,
        start_time=item.start_time,
        end_time=item.end_time,
        forced_reason=reason.strip()[:300] if found else "",
        created_by_id=actor.user_id,
    )
    session.add(assignment)
    session.flush()
    changes: dict[str, Any] = {"guide": [None, f"{guide.name} — {item.title}"]}
    if found:
        changes["conflit forcé"] = [
            None,
            "; ".join(c.message for c in found) + f" Motif : {reason.strip()}",
        ]
    audit_booking(session, actor, booking, changes)
    return assignment


def unassign(session: Session, actor: Actor, booking_id: int, assignment_id: int) -> None:
    booking = get_booking(session, actor, booking_id)
    actor.require(Module.BOOKINGS, Action.EDIT)
    assignment = session.get(GuideAssignment, assignment_id)
    if assignment is None or assignment.booking_id != booking.id:
        raise RecordNotFound("affectation", assignment_id)
    guide = session.get(Guide, assignment.guide_id)
    session.delete(assignment)
    audit_booking(session, actor, booking, {"guide": [guide.name if guide else "?", None]})


@dataclass(frozen=True)
class GuideOnSlot:
    """A guide assigned to a programme slot; `forced` when a conflict was overridden."""

    id: str
    """The assignment's id (what « remove » takes)."""
    name: str
    forced: bool


def assignments_by_item(session: Session, booking: Booking) -> dict[int, list[GuideOnSlot]]:
    """The dossier's guides by programme slot, by name."""
    found: dict[int, list[GuideOnSlot]] = {}
    for assignment, name in session.exec(
        select(GuideAssignment, Guide.name)
        .join(Guide, col(Guide.id) == col(GuideAssignment.guide_id))
        .where(GuideAssignment.booking_id == booking.id)
        .order_by(col(Guide.name))
    ):
        found.setdefault(assignment.programme_item_id, []).append(
            GuideOnSlot(id=str(assignment.id), name=name, forced=bool(assignment.forced_reason))
        )
    return found


def guide_choices(session: Session) -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(i), name)
        for i, name in session.exec(
            select(Guide.id, Guide.name)
            .where(col(Guide.deleted_at).is_(None), Guide.active)
            .order_by(col(Guide.name))
        )
    )
