"""Saved filters of a listing — the client segments (reused later for mailings and
statistics) and the dossiers' saved filters: a named search + filters + sort, private to its
owner unless shared."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from agence.models import Segment
from agence.models.base import utcnow
from agence.services.bookings.bookings import BOOKINGS_LIST
from agence.services.common import audit
from agence.services.common.audit import AuditAction
from agence.services.common.forms import FormErrors
from agence.services.common.listing import MAX_SEARCH_LENGTH, ListQuery, ListSpec
from agence.services.common.permissions import Action, Actor, Module
from agence.services.parties.clients import CLIENTS_LIST
from agence.services.parties.vocabulary import SegmentList

MAX_SEGMENTS_PER_USER = 100


LISTS: dict[str, tuple[ListSpec, Module]] = {
    SegmentList.CLIENTS: (CLIENTS_LIST, Module.THIRD_PARTIES),
    SegmentList.BOOKINGS: (BOOKINGS_LIST, Module.BOOKINGS),
}
"""The listings whose filters can be saved, with the module whose « voir » right they need."""


def _spec(list_key: str) -> tuple[ListSpec, Module]:
    if list_key not in LISTS:
        raise FormErrors({"segment": "Liste inconnue."})
    return LISTS[list_key]


def _query_data(query: ListQuery, list_key: str = SegmentList.CLIENTS) -> dict[str, Any]:
    spec, _module = _spec(list_key)
    known = {flt.key for flt in spec.filters}
    return {
        "search": query.search[:MAX_SEARCH_LENGTH],
        "filters": {k: str(v) for k, v in query.filters.items() if k in known and v != ""},
        "sort": query.sort if spec.column(query.sort) else "",
        "desc": bool(query.desc),
    }


def visible_segments(
    session: Session, actor: Actor, list_key: str = SegmentList.CLIENTS
) -> list[Segment]:
    actor.require(_spec(list_key)[1], Action.SEE)
    return list(
        session.exec(
            select(Segment)
            .where(
                Segment.list_key == list_key,
                or_(col(Segment.owner_id) == actor.user_id, col(Segment.shared)),
            )
            .order_by(col(Segment.name))
        )
    )


@dataclass(frozen=True)
class SegmentRow:
    """A saved filter as the bar above the listing offers it."""

    id: str
    name: str
    shared: bool
    mine: bool
    """Only its author may delete it."""


def segment_rows(
    session: Session, actor: Actor, list_key: str = SegmentList.CLIENTS
) -> list[SegmentRow]:
    return [
        SegmentRow(str(s.id), s.name, s.shared, s.owner_id == actor.user_id)
        for s in visible_segments(session, actor, list_key)
    ]


def save_segment(
    session: Session,
    actor: Actor,
    name: str,
    query: ListQuery,
    shared: bool = False,
    list_key: str = SegmentList.CLIENTS,
) -> Segment:
    """Saves the current filter under a name (replacing the user's segment of that name)."""
    actor.require(_spec(list_key)[1], Action.SEE)
    name = " ".join(name.split())[:100]
    if not name:
        raise FormErrors({"segment_name": "Donnez un nom au segment."})
    data = _query_data(query, list_key)
    if not data["search"] and not data["filters"]:
        raise FormErrors({"segment_name": "Choisissez d'abord des filtres ou une recherche."})
    segment = session.exec(
        select(Segment).where(
            Segment.owner_id == actor.user_id,
            Segment.name == name,
            Segment.list_key == list_key,
        )
    ).first()
    created = segment is None
    if segment is None:
        mine = visible_segments(session, actor, list_key)
        if len([s for s in mine if s.owner_id == actor.user_id]) >= MAX_SEGMENTS_PER_USER:
            raise FormErrors({"segment_name": "Trop de segments : supprimez-en d'abord."})
        segment = Segment(name=name, owner_id=actor.user_id, list_key=list_key)
    segment.query = data
    segment.shared = shared
    segment.updated_at = utcnow()
    session.add(segment)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        entity_type="segment",
        entity_id=segment.id,
        entity_label=name,
        changes={"filtre": [None, data]},
    )
    return segment


def segment_query(
    session: Session, actor: Actor, segment_id: int, list_key: str = SegmentList.CLIENTS
) -> ListQuery:
    segment = session.get(Segment, segment_id)
    if (
        segment is None
        or segment.list_key != list_key
        or (segment.owner_id != actor.user_id and not segment.shared)
    ):
        raise FormErrors({"segment": "Segment introuvable."})
    actor.require(_spec(list_key)[1], Action.SEE)
    data = _query_data(
        ListQuery(
            search=str(segment.query.get("search", "")),
            filters=dict(segment.query.get("filters", {})),
            sort=str(segment.query.get("sort", "")),
            desc=bool(segment.query.get("desc", False)),
        ),
        list_key,
    )
    return ListQuery(
        search=data["search"], filters=data["filters"], sort=data["sort"], desc=data["desc"]
    )


def delete_segment(
    session: Session, actor: Actor, segment_id: int, list_key: str = SegmentList.CLIENTS
) -> None:
    actor.require(_spec(list_key)[1], Action.SEE)
    segment = session.get(Segment, segment_id)
    if segment is None or segment.owner_id != actor.user_id or segment.list_key != list_key:
        raise FormErrors({"segment": "Seul l'auteur d'un segment peut le supprimer."})
    audit.record(
        session,
        actor,
        AuditAction.DELETE,
        entity_type="segment",
        entity_id=segment_id,
        entity_label=segment.name,
    )
    session.delete(segment)
