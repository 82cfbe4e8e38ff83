"""A dossier's participants (the optional rooming list): names, category, room type and who
shares the room, dietary needs. Listed, exported and imported with the common machinery."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import func, orm
from sqlmodel import Session, col, select

from agence.models import Participant, ParticipantCategory
from agence.services.bookings.bookings import BOOKINGS
from agence.services.bookings.vocabulary import ROOM_TYPE_LABELS
from agence.services.common.forms import FieldSpec
from agence.services.common.listing import ChoiceFilter, Column, ListSpec
from agence.services.common.permissions import Module
from agence.services.common.records import PARENT_KEY, Resource

ROOM_TYPES = ROOM_TYPE_LABELS
MAX_PARTICIPANTS = 2000


def _category_options(session: orm.Session) -> list[tuple[str, str]]:
    return [
        (str(i), label)
        for i, label in session.execute(
            select(ParticipantCategory.id, ParticipantCategory.label).order_by(
                col(ParticipantCategory.position)
            )
        )
    ]


PARTICIPANTS_LIST = ListSpec(
    name="Participants",
    query=lambda: sa.select(
        col(Participant.id).label("id"),
        col(Participant.last_name).label("last_name"),
        col(Participant.first_name).label("first_name"),
        col(ParticipantCategory.label).label("category"),
        col(Participant.room_type).label("room_type"),
        col(Participant.room).label("room"),
        col(Participant.dietary_needs).label("dietary_needs"),
        col(Participant.booking_id).label("parent_id"),
    ).outerjoin(
        ParticipantCategory,
        col(ParticipantCategory.id) == col(Participant.participant_category_id),
    ),
    columns=(
        Column("last_name", "Nom", Participant.last_name, width=22),
        Column("first_name", "Prénom", Participant.first_name, width=18),
        Column("category", "Catégorie", ParticipantCategory.label, width=12),
        Column("room_type", "Chambre", Participant.room_type, width=16, labels=ROOM_TYPES),
        Column("room", "N° / partage", Participant.room, width=14),
        Column("dietary_needs", "Régime", Participant.dietary_needs, width=24, phone=False),
    ),
    search=(Participant.last_name, Participant.first_name),
    filters=(
        ChoiceFilter("room_type", "Chambre", Participant.room_type, tuple(ROOM_TYPES.items())),
        ChoiceFilter(
            "category",
            "Catégorie",
            Participant.participant_category_id,
            options_query=_category_options,
            value_type=int,
        ),
    ),
    default_sort="last_name",
    then_by=(Participant.first_name,),
    tie_breaker=Participant.id,
)


class ParticipantResource(Resource[Participant]):
    model = Participant
    module = Module.BOOKINGS
    entity = "participant"
    new_title = "Nouveau participant"
    parent = BOOKINGS
    parent_field = "booking_id"
    fields = (
        FieldSpec("last_name", "Nom", required=True, max_length=80),
        FieldSpec("first_name", "Prénom", max_length=80),
        FieldSpec("participant_category_id", "Catégorie", "ref"),
        FieldSpec(
            "room_type", "Type de chambre", "choice", choices=(("", "—"), *ROOM_TYPES.items())
        ),
        FieldSpec("room", "Chambre (n° ou partage)", max_length=30),
        FieldSpec("dietary_needs", "Régime alimentaire", max_length=300, wide=True),
        FieldSpec("notes", "Notes", max_length=500, wide=True),
    )

    def list_spec(self) -> ListSpec:
        return PARTICIPANTS_LIST

    def describe(self, record: Participant) -> str:
        return f"{record.last_name} {record.first_name}".strip()

    def choices(
        self, session: Session, parent_id: int | None = None
    ) -> dict[str, tuple[tuple[str, str], ...]]:
        return {"participant_category_id": tuple(_category_options(session))}

    def validate(self, session, actor, record, clean, errors) -> None:
        booking_id = clean.get(PARENT_KEY)
        if record is None and booking_id is not None:
            count = session.exec(
                select(func.count())
                .select_from(Participant)
                .where(Participant.booking_id == booking_id)
            ).one()
            if count >= MAX_PARTICIPANTS:
                errors[""] = f"{MAX_PARTICIPANTS} participants au plus par dossier."

    def apply(self, session: Session, record: Participant, clean) -> None:
        super().apply(session, record, clean)
        record.last_name = record.last_name.strip().upper() if record.last_name else ""


PARTICIPANTS = ParticipantResource()
