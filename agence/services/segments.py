"""Saved client segments: a named filter of the client list, reused later (list, mailings,
statistics). A segment is private to its owner unless shared."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, select

from agence.models import Segment
from agence.models.base import utcnow
from agence.services import audit
from agence.services.audit import AuditAction
from agence.services.clients import CLIENTS_LIST
from agence.services.forms import FormErrors
from agence.services.listing import MAX_SEARCH_LENGTH, ListQuery
from agence.services.permissions import Action, Actor, Module

MAX_SEGMENTS_PER_USER = 100


def _query_data(query: ListQuery) -> dict[str, Any]:
    known = {flt.key for flt in CLIENTS_LIST.filters}
    return {
        "search": query.search[:MAX_SEARCH_LENGTH],
        "filters": {k: str(v) for k, v in query.filters.items() if k in known and v != ""},
        "sort": query.sort if CLIENTS_LIST.column(query.sort) else "",
        "desc": bool(query.desc),
    }


def visible_segments(session: Session, actor: Actor) -> list[Segment]:
    actor.require(Module.THIRD_PARTIES, Action.SEE)
    return list(
        session.exec(
            select(Segment)
            .where(or_(Segment.owner_id == actor.user_id, Segment.shared))
            .order_by(Segment.name)
        )
    )


def save_segment(
    session: Session, actor: Actor, name: str, query: ListQuery, shared: bool = False
) -> Segment:
    """Saves the current filter under a name (replacing the user's segment of that name)."""
    actor.require(Module.THIRD_PARTIES, Action.SEE)
    name = " ".join(name.split())[:100]
    if not name:
        raise FormErrors({"segment_name": "Donnez un nom au segment."})
    data = _query_data(query)
    if not data["search"] and not data["filters"]:
        raise FormErrors({"segment_name": "Choisissez d'abord des filtres ou une recherche."})
    segment = session.exec(
        select(Segment).where(Segment.owner_id == actor.user_id, Segment.name == name)
    ).first()
    created = segment is None
    if segment is None:
        count = len([s for s in visible_segments(session, actor) if s.owner_id == actor.user_id])
        if count >= MAX_SEGMENTS_PER_USER:
            raise FormErrors({"segment_name": "Trop de segments : supprimez-en d'abord."})
        segment = Segment(name=name, owner_id=actor.user_id)
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


def segment_query(session: Session, actor: Actor, segment_id: int) -> ListQuery:
    segment = session.get(Segment, segment_id)
    if segment is None or (segment.owner_id != actor.user_id and not segment.shared):
        raise FormErrors({"segment": "Segment introuvable."})
    actor.require(Module.THIRD_PARTIES, Action.SEE)
    data = _query_data(
        ListQuery(
            search=str(segment.query.get("search", "")),
            filters=dict(segment.query.get("filters", {})),
            sort=str(segment.query.get("sort", "")),
            desc=bool(segment.query.get("desc", False)),
        )
    )
    return ListQuery(
        search=data["search"], filters=data["filters"], sort=data["sort"], desc=data["desc"]
    )


def delete_segment(session: Session, actor: Actor, segment_id: int) -> None:
    actor.require(Module.THIRD_PARTIES, Action.SEE)
    segment = session.get(Segment, segment_id)
    if segment is None or segment.owner_id != actor.user_id:
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
