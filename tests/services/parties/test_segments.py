"""Saved client segments: a named filter of the client list, private to its owner unless shared."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from agence.db import session_scope
from agence.models import AuditEntry, Segment
from agence.services.common.forms import FormErrors
from agence.services.common.listing import MAX_SEARCH_LENGTH, ListQuery
from agence.services.common.permissions import (
    ALL_RIGHTS,
    AccessDenied,
    Action,
    Actor,
    Module,
    Right,
)
from agence.services.parties import segments
from agence.services.parties.segments import MAX_SEGMENTS_PER_USER
from tests.factories import actor_for, make_user

SCHOOLS = ListQuery(filters={"client_type": "scolaire", "department": "37"})


def save(actor: Actor, name: str, query: ListQuery = SCHOOLS, shared: bool = False) -> Segment:
    with session_scope() as session:
        return segments.save_segment(session, actor, name, query, shared)


def refused(actor: Actor, name: str, query: ListQuery = SCHOOLS) -> dict[str, str]:
    with pytest.raises(FormErrors) as failure:
        save(actor, name, query)
    return failure.value.errors


def visible(actor: Actor) -> list[str]:
    with session_scope() as session:
        return [segment.name for segment in segments.visible_segments(session, actor)]


def query_of(actor: Actor, segment_id: int) -> ListQuery:
    with session_scope() as session:
        return segments.segment_query(session, actor, segment_id)


def delete(actor: Actor, segment_id: int) -> None:
    with session_scope() as session:
        segments.delete_segment(session, actor, segment_id)


def count() -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(Segment)).one()


def audit_entries() -> list[AuditEntry]:
    with session_scope() as session:
        return list(
            session.exec(
                select(AuditEntry)
                .where(AuditEntry.entity_type == "segment")
                .order_by(AuditEntry.id)
            )
        )


@pytest.fixture
def me(session) -> Actor:
    return actor_for(make_user(session, frozenset(ALL_RIGHTS)))


@pytest.fixture
def colleague(session) -> Actor:
    return actor_for(make_user(session, frozenset(ALL_RIGHTS)))


# --- Saving ------------------------------------------------------------------------------------


def test_a_segment_keeps_the_search_filters_and_sort_of_the_list(me):
    query = ListQuery(
        search="  lycée ", sort="revenue", desc=True, filters={"client_type": "scolaire"}
    )
    segment = save(me, "Lycées", query)
    with session_scope() as session:
        stored = session.get(Segment, segment.id)
    assert (stored.name, stored.owner_id, stored.shared) == ("Lycées", me.user_id, False)
    assert stored.query == {
        "search": "  lycée ",
        "filters": {"client_type": "scolaire"},
        "sort": "revenue",
        "desc": True,
    }


def test_a_segment_name_is_required_and_its_spaces_collapsed(me):
    assert refused(me, "   ") == {"segment_name": "Donnez un nom au segment."}
    assert save(me, "  Écoles   de   Tours ").name == "Écoles de Tours"
    assert len(save(me, "x" * 150).name) == 100


def test_a_segment_needs_a_search_or_a_filter(me):
    message = {"segment_name": "Choisissez d'abord des filtres ou une recherche."}
    assert refused(me, "Tout", ListQuery()) == message
    assert refused(me, "Tri seul", ListQuery(sort="name", desc=True)) == message
    assert refused(me, "Filtres vides", ListQuery(filters={"status": ""})) == message
    assert count() == 0


def test_a_search_alone_is_enough(me):
    assert save(me, "Comités", ListQuery(search="comité")).query["search"] == "comité"


def test_unknown_filters_and_sorts_are_dropped(me):
    query = ListQuery(
        search="",
        sort="password_hash",
        filters={"client_type": "ce", "owner_id": "3", "deleted_at": "x", "tag": 4},
    )
    segment = save(me, "CE", query)
    assert segment.query["filters"] == {"client_type": "ce", "tag": "4"}
    assert segment.query["sort"] == ""


def test_only_unknown_filters_are_no_filter_at_all(me):
    assert refused(me, "Rien", ListQuery(filters={"owner_id": "3"})) == {
        "segment_name": "Choisissez d'abord des filtres ou une recherche."
    }


def test_a_long_search_is_cut(me):
    segment = save(me, "Long", ListQuery(search="a" * 500))
    assert len(segment.query["search"]) == MAX_SEARCH_LENGTH


def test_saving_under_the_same_name_replaces_my_segment(me):
    first = save(me, "Écoles", SCHOOLS)
    second = save(me, "Écoles", ListQuery(search="lycée"), shared=True)
    assert second.id == first.id
    assert count() == 1
    with session_scope() as session:
        stored = session.get(Segment, first.id)
    assert (stored.query["search"], stored.query["filters"], stored.shared) == ("lycée", {}, True)
    assert [entry.action for entry in audit_entries()] == ["creation", "modification"]


def test_the_same_name_as_a_colleague_makes_my_own_segment(me, colleague):
    theirs = save(colleague, "Écoles", shared=True)
    mine = save(me, "Écoles")
    assert mine.id != theirs.id
    assert count() == 2


def test_a_user_keeps_at_most_100_segments(me, colleague, session):
    session.add_all(
        [
            Segment(name=f"Segment {n}", owner_id=me.user_id, query={"search": "x"})
            for n in range(MAX_SEGMENTS_PER_USER)
        ]
    )
    session.commit()
    assert refused(me, "Un de trop") == {"segment_name": "Trop de segments : supprimez-en d'abord."}
    assert save(me, "Segment 7", ListQuery(search="y")).query["search"] == "y"
    assert save(colleague, "Le sien").id is not None


def test_saving_a_segment_is_audited(me):
    segment = save(me, "Écoles")
    [entry] = audit_entries()
    assert (entry.action, entry.entity_id, entry.entity_label, entry.user_id) == (
        "creation",
        str(segment.id),
        "Écoles",
        me.user_id,
    )
    assert entry.changes["filtre"][1]["filters"] == {"client_type": "scolaire", "department": "37"}


def test_saving_a_segment_needs_to_see_the_clients(session):
    outsider = actor_for(make_user(session, {Right(Module.CATALOGUE, Action.SEE)}))
    with pytest.raises(AccessDenied):
        save(outsider, "Écoles")
    assert count() == 0


# --- Visibility --------------------------------------------------------------------------------


def test_i_see_my_segments_and_the_shared_ones_of_others_by_name(me, colleague):
    save(me, "Mon privé")
    save(me, "Mon partagé", shared=True)
    save(colleague, "Autre partagé", shared=True)
    save(colleague, "Autre privé")
    assert visible(me) == ["Autre partagé", "Mon partagé", "Mon privé"]
    assert visible(colleague) == ["Autre partagé", "Autre privé", "Mon partagé"]


def test_the_query_of_a_segment_is_given_back_as_a_list_query(me, colleague):
    query = ListQuery(search="lycée", sort="city", desc=True, filters={"status": "client"})
    segment = save(me, "Lycées clients", query, shared=True)
    for actor in (me, colleague):
        again = query_of(actor, segment.id)
        assert (again.search, again.sort, again.desc, again.filters) == (
            "lycée",
            "city",
            True,
            {"status": "client"},
        )
        assert again.page == 1


def test_the_query_of_a_segment_is_cleaned_again_when_read(me, session):
    segment = Segment(
        name="Ancien",
        owner_id=me.user_id,
        query={"search": "b" * 300, "filters": {"status": "client", "ancien": "1"}, "sort": "x"},
    )
    session.add(segment)
    session.commit()
    again = query_of(me, segment.id)
    assert (len(again.search), again.filters, again.sort) == (
        MAX_SEARCH_LENGTH,
        {"status": "client"},
        "",
    )


def test_the_private_segment_of_another_user_cannot_be_used(me, colleague):
    private = save(colleague, "Privé")
    with pytest.raises(FormErrors) as failure:
        query_of(me, private.id)
    assert failure.value.errors == {"segment": "Segment introuvable."}
    with pytest.raises(FormErrors):
        query_of(me, 999999)


# --- Deletion ----------------------------------------------------------------------------------


def test_the_owner_deletes_a_segment_with_an_audit_entry(me):
    segment = save(me, "Écoles")
    delete(me, segment.id)
    assert count() == 0
    entry = audit_entries()[-1]
    assert (entry.action, entry.entity_id, entry.entity_label) == (
        "suppression",
        str(segment.id),
        "Écoles",
    )


def test_only_the_owner_deletes_a_segment_even_a_shared_one(me, colleague):
    shared = save(colleague, "Partagé", shared=True)
    with pytest.raises(FormErrors) as failure:
        delete(me, shared.id)
    assert failure.value.errors == {"segment": "Seul l'auteur d'un segment peut le supprimer."}
    with pytest.raises(FormErrors):
        delete(me, 999999)
    assert count() == 1
    assert [entry.action for entry in audit_entries()] == ["creation"]


def test_a_segment_row_says_whether_it_is_shared_and_whether_it_is_mine(me, colleague):
    mine = save(me, "Mes écoles du 37")
    theirs = save(colleague, "Partagé par un autre", shared=True)
    with session_scope() as s:
        assert segments.segment_rows(s, me) == [
            segments.SegmentRow(str(mine.id), "Mes écoles du 37", shared=False, mine=True),
            segments.SegmentRow(str(theirs.id), "Partagé par un autre", shared=True, mine=False),
        ]
