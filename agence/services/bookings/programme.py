"""A dossier's programme, day by day: slots of the current version with their times, service or
free text, meeting place (address, coordinates, a map link), transfers and notes; moved up or
down within their day. Earlier versions stay as they were (amendments copy the programme)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote_plus

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from agence.models import Booking, BookingProgrammeItem, GuideAssignment, Product
from agence.services.bookings.bookings import BOOKINGS, closed_reason, get_booking, is_editable
from agence.services.bookings.guides import GuideOnSlot, assignments_by_item
from agence.services.catalogue.products import product_choices
from agence.services.common import formats
from agence.services.common.forms import FieldSpec, FormErrors, read_times
from agence.services.common.listing import Column, ListSpec
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import PARENT_KEY, RecordNotFound, Resource, record_change


def map_url(item: BookingProgrammeItem) -> str:
    """A link that opens the meeting place on a map (coordinates first, else the address)."""
    if item.latitude is not None and item.longitude is not None:
        lat, lon = item.latitude, item.longitude
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    if item.meeting_address:
        return f"https://www.openstreetmap.org/search?query={quote_plus(item.meeting_address)}"
    return ""


def _current_version(session: Session, booking_id: int | None) -> int:
    booking = session.get(Booking, booking_id) if booking_id else None
    return booking.version if booking else 1


PROGRAMME_LIST = ListSpec(
    name="Programme",
    query=lambda: sa.select(
        col(BookingProgrammeItem.id).label("id"),
        col(BookingProgrammeItem.day).label("day"),
        col(BookingProgrammeItem.start_time).label("start_time"),
        col(BookingProgrammeItem.end_time).label("end_time"),
        col(BookingProgrammeItem.title).label("title"),
        col(BookingProgrammeItem.meeting_place).label("meeting_place"),
        col(BookingProgrammeItem.booking_id).label("parent_id"),
    ),
    columns=(
        Column("day", "Jour", BookingProgrammeItem.day, kind="date", width=12),
        Column("start_time", "De", BookingProgrammeItem.start_time, width=8, render=formats.clock),
        Column("end_time", "À", BookingProgrammeItem.end_time, width=8, render=formats.clock),
        Column("title", "Étape", BookingProgrammeItem.title, width=36),
        Column("meeting_place", "Rendez-vous", BookingProgrammeItem.meeting_place, width=24),
    ),
    default_sort="day",
    then_by=(BookingProgrammeItem.position,),
    tie_breaker=BookingProgrammeItem.id,
)


class ProgrammeResource(Resource[BookingProgrammeItem]):
    model = BookingProgrammeItem
    module = Module.BOOKINGS
    entity = "étape du programme"
    new_title = "Nouvelle étape"
    parent = BOOKINGS
    parent_field = "booking_id"
    fields = (
        FieldSpec("day", "Jour", "date", required=True),
        FieldSpec("start_text", "De", max_length=5, placeholder="9:30"),
        FieldSpec("end_text", "À", max_length=5, placeholder="12:00"),
        FieldSpec("product_id", "Prestation du catalogue", "ref", wide=True),
        FieldSpec(
            "title",
            "Intitulé",
            max_length=200,
            wide=True,
            help="Vide : le nom de la prestation. Ou un texte libre (temps libre, trajet…).",
        ),
        FieldSpec("is_transfer", "Transfert (trajet en car, à pied…)", "bool"),
        FieldSpec("meeting_place", "Lieu de rendez-vous", max_length=200, wide=True),
        FieldSpec("meeting_address", "Adresse", max_length=300, wide=True),
        FieldSpec(
            "latitude",
            "Latitude",
            "decimal",
            min_value=Decimal(-90),
            max_value=Decimal(90),
            placeholder="47.4133",
        ),
        FieldSpec(
            "longitude",
            "Longitude",
            "decimal",
            min_value=Decimal(-180),
            max_value=Decimal(180),
            placeholder="0.9856",
        ),
        FieldSpec("notes", "Notes", "textarea", max_length=1000, wide=True),
    )

    def list_spec(self) -> ListSpec:
        return PROGRAMME_LIST

    def describe(self, record: BookingProgrammeItem) -> str:
        return f"{formats.day(record.day)} — {record.title}"

    def choices(
        self, session: Session, parent_id: int | None = None
    ) -> dict[str, tuple[tuple[str, str], ...]]:
        return {"product_id": product_choices(session)}

    def defaults(self, session: Session) -> dict[str, str]:
        return {}

    def form_values(self, session: Session, record: BookingProgrammeItem) -> dict[str, str]:
        values = super().form_values(session, record)
        values["start_text"] = formats.clock(record.start_time)
        values["end_text"] = formats.clock(record.end_time)
        return values

    def validate(self, session, actor, record, clean, errors) -> None:
        booking_id = record.booking_id if record is not None else clean.get(PARENT_KEY)
        booking = session.get(Booking, booking_id) if booking_id else None
        if booking is not None and not is_editable(booking):
            errors[""] = closed_reason(booking)
            return
        if record is not None and booking is not None and record.version != booking.version:
            errors[""] = "Cette étape appartient à une version précédente du programme."
            return
        read_times(clean, errors)
        day = clean.get("day")
        if booking is not None and day and not booking.starts_on <= day <= booking.ends_on:
            errors.setdefault(
                "day",
                f"Le dossier va du {formats.day(booking.starts_on)} au "
                f"{formats.day(booking.ends_on)}.",
            )
        if not clean.get("title") and clean.get("product_id") is None:
            errors.setdefault("title", "Choisissez une prestation ou écrivez un intitulé.")
        if (clean.get("latitude") is None) != (clean.get("longitude") is None):
            errors.setdefault("longitude", "Indiquez la latitude et la longitude, ou aucune.")

    def apply(self, session: Session, record: BookingProgrammeItem, clean: dict[str, Any]) -> None:
        new = record.id is None
        super().apply(session, record, clean)
        record.start_time, record.end_time = clean.get("start_time"), clean.get("end_time")
        if not record.title and record.product_id:
            product = session.get(Product, record.product_id)
            record.title = product.name if product else ""
        if new:
            record.version = _current_version(session, record.booking_id)
            last = session.exec(
                select(func.max(BookingProgrammeItem.position)).where(
                    BookingProgrammeItem.booking_id == record.booking_id,
                    BookingProgrammeItem.version == record.version,
                )
            ).one()
            record.position = (last or 0) + 1

    def after_save(self, session, actor, record, clean, created) -> dict[str, Any]:
        """A guide on this slot follows its day and times (his planning and conflicts)."""
        for assignment in session.exec(
            select(GuideAssignment).where(GuideAssignment.programme_item_id == record.id)
        ):
            assignment.day = record.day
            assignment.start_time, assignment.end_time = record.start_time, record.end_time
            session.add(assignment)
        return {}

    def delete_problem(self, session: Session, record: BookingProgrammeItem) -> str | None:
        booking = session.get(Booking, record.booking_id)
        if booking is not None and not is_editable(booking):
            return closed_reason(booking)
        if booking is not None and record.version != booking.version:
            return "Cette étape appartient à une version précédente du programme."
        return None


BOOKING_PROGRAMME = ProgrammeResource()


def current_items(session: Session, booking: Booking) -> list[BookingProgrammeItem]:
    """The current version's slots, in the order of the programme."""
    return list(
        session.exec(
            select(BookingProgrammeItem)
            .where(
                BookingProgrammeItem.booking_id == booking.id,
                BookingProgrammeItem.version == booking.version,
            )
            .order_by(
                col(BookingProgrammeItem.day),
                col(BookingProgrammeItem.position),
                col(BookingProgrammeItem.id),
            )
        ).all()
    )


@dataclass(frozen=True)
class ProgrammeSlot:
    """A slot of the programme as the page shows it: times, place and map link as text."""

    id: str
    time: str
    title: str
    place: str
    address: str
    map: str
    transfer: bool
    notes: str
    guides: list[GuideOnSlot] = field(default_factory=list)


@dataclass(frozen=True)
class ProgrammeDay:
    """One day of the programme and its slots, in order."""

    day: str
    weekday: str
    slots: list[ProgrammeSlot] = field(default_factory=list)


def programme_days(session: Session, actor: Actor, booking_id: int) -> list[ProgrammeDay]:
    """The programme for the page: one entry per day with its slots, map links included."""
    booking = get_booking(session, actor, booking_id)
    guides = assignments_by_item(session, booking)
    days: dict[str, ProgrammeDay] = {}
    for item in current_items(session, booking):
        key = item.day.isoformat()
        entry = days.setdefault(
            key, ProgrammeDay(day=formats.day(item.day), weekday=_weekday(item.day))
        )
        entry.slots.append(
            ProgrammeSlot(
                id=str(item.id),
                time=" – ".join(
                    text
                    for text in (formats.clock(item.start_time), formats.clock(item.end_time))
                    if text
                ),
                title=item.title,
                place=item.meeting_place,
                address=item.meeting_address,
                map=map_url(item),
                transfer=item.is_transfer,
                notes=item.notes,
                guides=guides.get(item.id or 0, []),
            )
        )
    return list(days.values())


WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _weekday(day) -> str:
    return WEEKDAYS[day.weekday()]


def move_item(session: Session, actor: Actor, booking_id: int, item_id: int, step: int) -> None:
    """Swaps a slot with the previous (step < 0) or next one of the same day."""
    booking = get_booking(session, actor, booking_id)
    actor.require(Module.BOOKINGS, Action.EDIT)
    if not is_editable(booking):
        raise FormErrors({"": closed_reason(booking)})
    items = current_items(session, booking)
    index = next((i for i, item in enumerate(items) if item.id == item_id), None)
    if index is None:
        raise RecordNotFound("étape", item_id)
    target = index + (1 if step > 0 else -1)
    if not 0 <= target < len(items) or items[target].day != items[index].day:
        return
    day_items = [item for item in items if item.day == items[index].day]
    for position, item in enumerate(day_items, start=1):
        item.position = position
    items[index].position, items[target].position = items[target].position, items[index].position
    for item in day_items:
        session.add(item)
    record_change(
        session,
        actor,
        BOOKINGS,
        booking,
        {"programme": [None, f"« {items[index].title} » déplacée"]},
    )
