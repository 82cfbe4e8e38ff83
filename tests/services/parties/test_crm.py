"""Sales follow-up: next actions, « Mes relances » and the pipeline, clients to visit, bulk
reassignment, and visit reports kept as server-side drafts until validated."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import AuditEntry, Client, Contact, VisitReport
from agence.models.base import utcnow
from agence.services.common import formats
from agence.services.common.forms import FormErrors
from agence.services.common.listing import ListQuery, fetch_page
from agence.services.common.permissions import (
    ALL_RIGHTS,
    AccessDenied,
    Action,
    Actor,
    Module,
    Right,
)
from agence.services.common.records import RecordNotFound
from agence.services.common.text import normalize_text
from agence.services.parties import crm
from agence.services.parties.choices import Choice
from agence.services.parties.crm import (
    FOLLOW_UPS_LIST,
    PIPELINE_LIST,
    REPORTS_LIST,
    TO_VISIT_LIST,
    months_ago,
)
from tests.factories import actor_for, make_profile, make_user

_codes = itertools.count(1)
TODAY = formats.today()


# --- Helpers -----------------------------------------------------------------------------------


def tiers(*actions: Action) -> set[Right]:
    return {Right(Module.THIRD_PARTIES, action) for action in actions}


def make_actor(
    session: Session,
    rights: set[Right] | frozenset[Right] = frozenset(ALL_RIGHTS),
    *,
    own_clients_only: bool = False,
    sales_rep: bool = True,
    active: bool = True,
) -> Actor:
    profile = make_profile(session, rights)
    if own_clients_only:
        profile.own_clients_only = True
        session.add(profile)
        session.commit()
    user = make_user(session, profile=profile, active=active)
    user.is_sales_rep = sales_rep
    session.add(user)
    session.commit()
    return actor_for(user)


def add_client(session: Session, name: str, rep: Actor | None = None, **values) -> int:
    client = Client(
        name=name,
        search_name=normalize_text(name),
        client_type="ce",
        account_code=f"411{next(_codes):05d}",
        sales_rep_id=rep.user_id if rep else None,
        **values,
    )
    session.add(client)
    session.commit()
    return client.id or 0


def add_contact(session: Session, client_id: int, last_name: str) -> int:
    contact = Contact(client_id=client_id, last_name=last_name)
    session.add(contact)
    session.commit()
    return contact.id or 0


def client(client_id: int) -> Client:
    with session_scope() as session:
        return session.get(Client, client_id)


def report(report_id: int) -> VisitReport:
    with session_scope() as session:
        return session.get(VisitReport, report_id)


def audit_entries(entity_type: str | None = None) -> list[AuditEntry]:
    with session_scope() as session:
        statement = select(AuditEntry).order_by(AuditEntry.id)
        if entity_type is not None:
            statement = statement.where(AuditEntry.entity_type == entity_type)
        return list(session.exec(statement))


def rows(spec, actor: Actor, conditions: tuple = (), **filters) -> list[dict]:
    with session_scope() as session:
        page = fetch_page(
            session, spec, ListQuery(filters=filters, page_size=50), actor, conditions=conditions
        )
    return page.rows


def names(spec, actor: Actor, **filters) -> list[str]:
    return [row["name"] for row in rows(spec, actor, **filters)]


def plan(actor: Actor, client_id: int, data: dict) -> None:
    with session_scope() as session:
        crm.set_next_action(session, actor, client_id, data)


def open_draft(actor: Actor, client_id: int | None = None) -> int:
    with session_scope() as session:
        return crm.open_draft(session, actor, client_id).id or 0


def keep(actor: Actor, report_id: int, name: str, value: str) -> str:
    with session_scope() as session:
        return crm.save_draft_field(session, actor, report_id, name, value)


def validate(actor: Actor, report_id: int) -> None:
    with session_scope() as session:
        crm.validate_report(session, actor, report_id)


def values(actor: Actor, report_id: int) -> dict[str, str]:
    with session_scope() as session:
        return crm.report_values(session, actor, report_id)


def draft(actor: Actor, client_id: int, **fields: str) -> int:
    """A draft for the client, with a subject and the given fields typed in."""
    report_id = open_draft(actor, client_id)
    for name, value in {"subject": "Sortie de fin d'année", **fields}.items():
        assert keep(actor, report_id, name, value) == ""
    return report_id


@pytest.fixture
def me(session) -> Actor:
    return make_actor(session)


@pytest.fixture
def colleague(session) -> Actor:
    return make_actor(session)


# --- Next action -------------------------------------------------------------------------------


NEXT_CALL = {
    "next_action_kind": "appel",
    "next_action_on": "2026-05-04",
    "next_action_note": "Rappeler pour le devis",
}


def test_planning_a_next_action_keeps_it_on_the_client_and_audits_it(me, session):
    client_id = add_client(session, "Comité SNCF", me)
    plan(me, client_id, NEXT_CALL)
    saved = client(client_id)
    assert (saved.next_action_kind, saved.next_action_on, saved.next_action_note) == (
        "appel",
        date(2026, 5, 4),
        "Rappeler pour le devis",
    )
    [entry] = audit_entries("client")
    assert entry.changes == {
        "prochaine action": ["", "Appeler le 04/05/2026 (Rappeler pour le devis)"]
    }


def test_clearing_the_next_action_empties_its_date_and_note(me, session):
    client_id = add_client(session, "Comité SNCF", me)
    plan(me, client_id, NEXT_CALL)
    plan(
        me,
        client_id,
        {"next_action_kind": "", "next_action_on": "2026-06-01", "next_action_note": "x"},
    )
    saved = client(client_id)
    assert (saved.next_action_kind, saved.next_action_on, saved.next_action_note) == ("", None, "")
    assert audit_entries("client")[-1].changes == {
        "prochaine action": ["Appeler le 04/05/2026 (Rappeler pour le devis)", ""]
    }


def test_a_next_action_needs_a_date(me, session):
    client_id = add_client(session, "Comité SNCF", me)
    with pytest.raises(FormErrors) as failure:
        plan(me, client_id, {"next_action_kind": "visite"})
    assert failure.value.errors == {"next_action_on": "Indiquez la date de la prochaine action."}
    assert client(client_id).next_action_kind == ""
    assert audit_entries() == []


def test_an_unknown_next_action_is_refused(me, session):
    client_id = add_client(session, "Comité SNCF", me)
    with pytest.raises(FormErrors) as failure:
        plan(me, client_id, {**NEXT_CALL, "next_action_kind": "diner"})
    assert failure.value.errors == {"next_action_kind": "Choix invalide."}


def test_planning_the_same_action_again_writes_no_audit_entry(me, session):
    client_id = add_client(session, "Comité SNCF", me)
    plan(me, client_id, NEXT_CALL)
    plan(me, client_id, NEXT_CALL)
    assert len(audit_entries("client")) == 1


def test_planning_a_next_action_needs_the_edit_right(session):
    reader = make_actor(session, tiers(Action.SEE, Action.CREATE))
    client_id = add_client(session, "Comité SNCF", reader)
    with pytest.raises(AccessDenied):
        plan(reader, client_id, NEXT_CALL)
    assert client(client_id).next_action_kind == ""


def test_a_rep_limited_to_his_clients_cannot_plan_for_another_client(session, colleague):
    limited = make_actor(session, own_clients_only=True)
    client_id = add_client(session, "Comité SNCF", colleague)
    with pytest.raises(RecordNotFound):
        plan(limited, client_id, NEXT_CALL)
    assert client(client_id).next_action_kind == ""


# --- Mes relances and the pipeline -------------------------------------------------------------


END_OF_WEEK = TODAY + timedelta(days=6 - TODAY.weekday())
DUE_DATES = {
    "En retard": TODAY - timedelta(days=3),
    "Aujourd'hui": TODAY,
    "Demain": TODAY + timedelta(days=1),
    "Dimanche": END_OF_WEEK,
    "Lundi suivant": END_OF_WEEK + timedelta(days=1),
}


@pytest.fixture
def follow_ups(session, me, colleague) -> None:
    for name, day in DUE_DATES.items():
        add_client(session, name, me, next_action_kind="appel", next_action_on=day)
    add_client(session, "Sans action", me)
    add_client(
        session, "Client du collègue", colleague, next_action_kind="appel", next_action_on=TODAY
    )
    add_client(
        session,
        "Supprimé",
        me,
        next_action_kind="appel",
        next_action_on=TODAY,
        deleted_at=utcnow(),
    )


def expected(predicate) -> list[str]:
    """The names of my clients whose next action date satisfies the predicate, by date."""
    chosen = [(day, name) for name, day in DUE_DATES.items() if predicate(day)]
    return [name for _, name in sorted(chosen, key=lambda pair: pair[0])]


def test_my_follow_ups_are_my_clients_with_a_next_action_by_date(follow_ups, me):
    assert names(FOLLOW_UPS_LIST, me) == expected(lambda day: True)


@pytest.mark.parametrize(
    ("due", "predicate"),
    [
        ("retard", lambda day: day < TODAY),
        ("jour", lambda day: day == TODAY),
        ("echues", lambda day: day <= TODAY),
        ("semaine", lambda day: day <= END_OF_WEEK),
    ],
)
def test_my_follow_ups_filter_by_due_date_relative_to_today(follow_ups, me, due, predicate):
    assert names(FOLLOW_UPS_LIST, me, due=due) == expected(predicate)


def test_an_unknown_due_filter_is_ignored(follow_ups, me):
    assert names(FOLLOW_UPS_LIST, me, due="demain") == expected(lambda day: True)


def test_count_due_counts_my_actions_due_today_or_late(follow_ups, me):
    with session_scope() as session:
        assert crm.count_due(session, me) == len(expected(lambda day: day <= TODAY))


def test_the_pipeline_shows_every_visible_client_with_a_next_action(follow_ups, me):
    assert sorted(names(PIPELINE_LIST, me)) == sorted([*DUE_DATES, "Client du collègue"])


def test_the_pipeline_of_a_limited_rep_shows_only_his_clients(follow_ups, session, colleague):
    limited = make_actor(session, own_clients_only=True)
    add_client(session, "Le mien", limited, next_action_kind="visite", next_action_on=TODAY)
    assert names(PIPELINE_LIST, limited) == ["Le mien"]


# --- Clients to visit --------------------------------------------------------------------------


def test_clients_are_to_visit_after_six_months_by_default(db):
    with session_scope() as session:
        assert crm.visit_months(session) == 6
        assert crm.visit_limit(session) == months_ago(TODAY, 6)


def to_visit(actor: Actor) -> list[str]:
    with session_scope() as session:
        limit = crm.visit_limit(session)
    return [
        row["name"]
        for row in rows(TO_VISIT_LIST, actor, conditions=(crm.not_visited_since(limit),))
    ]


def test_my_clients_to_visit_are_never_or_long_ago_visited_by_revenue(session, me, colleague):
    limit = months_ago(TODAY, 6)
    add_client(session, "Jamais vu", me, revenue=Decimal("100"))
    add_client(
        session,
        "Vu il y a longtemps",
        me,
        revenue=Decimal("5000"),
        last_visit_on=limit - timedelta(days=1),
    )
    add_client(session, "Petit jamais vu", me)
    add_client(session, "Vu à la limite", me, revenue=Decimal("9000"), last_visit_on=limit)
    add_client(session, "Vu récemment", me, revenue=Decimal("9000"), last_visit_on=TODAY)
    add_client(session, "Inactif", me, status="inactif", revenue=Decimal("9000"))
    add_client(session, "Chez le collègue", colleague, revenue=Decimal("9000"))
    add_client(session, "Supprimé", me, revenue=Decimal("9000"), deleted_at=utcnow())
    assert to_visit(me) == ["Vu il y a longtemps", "Jamais vu", "Petit jamais vu"]


def test_the_months_without_visit_can_be_changed(session, me):
    add_client(session, "Vu il y a trois mois", me, last_visit_on=months_ago(TODAY, 3))
    assert to_visit(me) == []
    with session_scope() as s:
        assert crm.set_visit_months(s, me, " 2 ") == 2
    with session_scope() as s:
        assert crm.visit_months(s) == 2
    assert to_visit(me) == ["Vu il y a trois mois"]
    [entry] = audit_entries("paramètre")
    assert entry.changes["valeur"][1] == "2"


@pytest.mark.parametrize("months", ["0", "61", "douze", "", "-3"])
def test_the_months_without_visit_are_between_1_and_60(me, months):
    with pytest.raises(FormErrors) as failure, session_scope() as session:
        crm.set_visit_months(session, me, months)
    assert set(failure.value.errors) == {"months"}
    with session_scope() as session:
        assert crm.visit_months(session) == 6


def test_changing_the_months_without_visit_needs_the_parameters_edit_right(session):
    actor = make_actor(session, tiers(*Action) | {Right(Module.PARAMETERS, Action.SEE)})
    with pytest.raises(AccessDenied), session_scope() as s:
        crm.set_visit_months(s, actor, "3")


@pytest.mark.parametrize(
    ("today", "months", "then"),
    [
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2028, 8, 29), 6, date(2028, 2, 29)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
        (date(2026, 1, 31), 13, date(2024, 12, 31)),
        (date(2026, 5, 10), 0, date(2026, 5, 10)),
        (date(2026, 7, 31), 60, date(2021, 7, 31)),
    ],
)
def test_months_ago_is_the_same_day_or_the_last_day_of_a_shorter_month(today, months, then):
    assert months_ago(today, months) == then


# --- Bulk reassignment -------------------------------------------------------------------------


def reassign(actor: Actor, client_ids: list[int], rep_id: int) -> int:
    with session_scope() as session:
        return crm.assign_sales_rep(session, actor, client_ids, rep_id)


def test_reassigning_gives_the_clients_to_the_rep_and_counts_the_changes(session, me, colleague):
    mine = add_client(session, "Le mien", me)
    free = add_client(session, "Sans commercial")
    already = add_client(session, "Déjà à lui", colleague)
    assert reassign(me, [mine, free, already, 999999, mine], colleague.user_id) == 2
    assert {client(i).sales_rep_id for i in (mine, free, already)} == {colleague.user_id}
    entries = audit_entries("client")
    assert sorted(
        (entry.entity_id, tuple(entry.changes["sales_rep_id"])) for entry in entries
    ) == sorted(
        [(str(mine), (me.user_id, colleague.user_id)), (str(free), (None, colleague.user_id))]
    )


def test_reassigning_skips_deleted_clients(session, me, colleague):
    gone = add_client(session, "Supprimé", me, deleted_at=utcnow())
    assert reassign(me, [gone], colleague.user_id) == 0
    assert client(gone).sales_rep_id == me.user_id


def test_reassigning_to_an_inactive_user_or_a_non_rep_is_refused(session, me):
    mine = add_client(session, "Le mien", me)
    inactive = make_actor(session, active=False)
    clerk = make_actor(session, sales_rep=False)
    for target in (inactive.user_id, clerk.user_id, 999999):
        with pytest.raises(FormErrors) as failure:
            reassign(me, [mine], target)
        assert failure.value.errors == {"sales_rep_id": "Choisissez un commercial actif."}
    assert client(mine).sales_rep_id == me.user_id
    assert audit_entries("client") == []


def test_a_rep_limited_to_his_clients_cannot_reassign(session, colleague):
    limited = make_actor(session, own_clients_only=True)
    his = add_client(session, "Le sien", limited)
    with pytest.raises(FormErrors) as failure:
        reassign(limited, [his], colleague.user_id)
    assert failure.value.errors == {"": "Votre profil ne permet pas de réaffecter des clients."}
    assert client(his).sales_rep_id == limited.user_id


def test_reassigning_needs_the_edit_right(session, colleague):
    reader = make_actor(session, tiers(Action.SEE, Action.CREATE, Action.DELETE))
    some = add_client(session, "Client", reader)
    with pytest.raises(AccessDenied):
        reassign(reader, [some], colleague.user_id)
    assert client(some).sales_rep_id == reader.user_id


# --- Visit reports: drafts ---------------------------------------------------------------------


def test_a_new_draft_is_mine_dated_today_for_the_given_client(session, me):
    client_id = add_client(session, "Comité SNCF", me)
    saved = report(open_draft(me, client_id))
    assert (saved.client_id, saved.sales_rep_id, saved.visit_on, saved.status, saved.kind) == (
        client_id,
        me.user_id,
        TODAY,
        "brouillon",
        "visite",
    )


def test_a_draft_may_start_without_a_client(me):
    assert report(open_draft(me)).client_id is None


def test_opening_a_draft_needs_the_create_right(session):
    actor = make_actor(session, tiers(Action.SEE, Action.EDIT))
    with pytest.raises(AccessDenied):
        open_draft(actor)


def test_opening_a_draft_for_a_client_out_of_reach_is_not_found(session, colleague):
    limited = make_actor(session, own_clients_only=True)
    other = add_client(session, "Pas à moi", colleague)
    with pytest.raises(RecordNotFound):
        open_draft(limited, other)
    with session_scope() as s:
        assert s.exec(select(VisitReport)).all() == []


def test_each_typed_field_is_kept_in_the_draft(session, me):
    client_id = add_client(session, "Comité SNCF", me)
    report_id = open_draft(me, client_id)
    typed = {
        "visit_on": "12/03/2026",
        "kind": "reunion",
        "subject": "Voyage des retraités",
        "body": "Intéressés par l'Alsace.\n  Budget 400 €.",
        "interest": "fort",
        "next_action_kind": "devis",
        "next_action_on": "2026-03-20",
    }
    for name, value in typed.items():
        assert keep(me, report_id, name, value) == ""
    saved = report(report_id)
    assert (saved.visit_on, saved.kind, saved.subject, saved.interest) == (
        date(2026, 3, 12),
        "reunion",
        "Voyage des retraités",
        "fort",
    )
    assert saved.body == "Intéressés par l'Alsace.\n  Budget 400 €."
    assert (saved.next_action_kind, saved.next_action_on) == ("devis", date(2026, 3, 20))
    assert values(me, report_id)["visit_on"] == "2026-03-12"


def test_an_unreadable_date_is_not_kept_and_says_why(session, me):
    report_id = open_draft(me)
    assert keep(me, report_id, "visit_on", "30/02/2026") == "Date invalide (exemple : 29/11/2026)."
    assert keep(me, report_id, "visit_on", "12/0") == "Date invalide (exemple : 29/11/2026)."
    assert report(report_id).visit_on == TODAY


def test_an_emptied_field_says_nothing_until_validation(session, me):
    report_id = open_draft(me)
    assert keep(me, report_id, "visit_on", "") == ""
    assert report(report_id).visit_on is None
    assert keep(me, report_id, "subject", "") == ""
    assert report(report_id).subject == ""


def test_a_wrong_choice_is_not_kept(me):
    report_id = open_draft(me)
    assert keep(me, report_id, "kind", "diner") == "Choix invalide."
    assert report(report_id).kind == "visite"


def test_an_unknown_field_is_ignored(me, colleague):
    report_id = open_draft(me)
    assert keep(me, report_id, "status", "valide") == ""
    assert keep(me, report_id, "sales_rep_id", str(colleague.user_id)) == ""
    assert keep(me, report_id, "deleted_at", "2026-01-01") == ""
    saved = report(report_id)
    assert (saved.status, saved.sales_rep_id, saved.deleted_at) == ("brouillon", me.user_id, None)


def test_the_client_of_a_draft_must_be_a_visible_client(session, colleague):
    limited = make_actor(session, own_clients_only=True)
    his = add_client(session, "Le sien", limited)
    other = add_client(session, "Pas à lui", colleague)
    report_id = open_draft(limited)
    assert keep(limited, report_id, "client_id", str(his)) == ""
    with pytest.raises(RecordNotFound):
        keep(limited, report_id, "client_id", str(other))
    assert report(report_id).client_id == his
    assert keep(limited, report_id, "client_id", "abc") == "Nombre entier attendu."


def test_the_contacts_of_a_draft_are_those_of_its_client_only(session, me):
    client_id = add_client(session, "Comité SNCF", me)
    other = add_client(session, "Autre", me)
    anne = add_contact(session, client_id, "Durand")
    paul = add_contact(session, client_id, "Martin")
    stranger = add_contact(session, other, "Ailleurs")
    report_id = open_draft(me, client_id)
    assert keep(me, report_id, "contacts", f"{anne}, {paul},{stranger},x,,") == ""
    assert sorted(values(me, report_id)["contacts"].split(",")) == sorted([str(anne), str(paul)])
    keep(me, report_id, "contacts", str(paul))
    assert values(me, report_id)["contacts"] == str(paul)


def test_a_report_offers_the_clients_the_rep_may_see_by_name_with_their_city(session, colleague):
    limited = make_actor(session, own_clients_only=True)
    balzac = add_client(session, "Lycée Balzac", limited, city="Tours")
    descartes = add_client(session, "Lycée Descartes", limited)
    add_client(session, "Lycée Ronsard", colleague, city="Blois")
    with session_scope() as s:
        assert crm.client_options(s, limited, "lycee") == [
            Choice(str(balzac), "Lycée Balzac — Tours"),
            Choice(str(descartes), "Lycée Descartes"),
        ]
        assert crm.client_options(s, limited, "balz") == [
            Choice(str(balzac), "Lycée Balzac — Tours")
        ]


def test_a_report_offers_the_contacts_of_its_client_the_main_one_first(session, me):
    client_id = add_client(session, "Comité SNCF", me)
    add_contact(session, client_id, "Aubert")
    main = Contact(client_id=client_id, last_name="Zola", first_name="Émile", is_main=True)
    session.add(main)
    session.commit()
    with session_scope() as s:
        assert [c.label for c in crm.contact_options(s, client_id)] == ["Émile Zola", "Aubert"]
        assert crm.contact_options(s, client_id)[0].value == str(main.id)


def test_changing_the_client_of_a_draft_forgets_its_contacts(session, me):
    client_id = add_client(session, "Comité SNCF", me)
    other = add_client(session, "Autre", me)
    anne = add_contact(session, client_id, "Durand")
    report_id = open_draft(me, client_id)
    keep(me, report_id, "contacts", str(anne))
    keep(me, report_id, "client_id", str(other))
    assert values(me, report_id)["contacts"] == ""


def test_a_validated_report_can_no_longer_be_changed(session, me):
    client_id = add_client(session, "Comité SNCF", me)
    report_id = draft(me, client_id)
    validate(me, report_id)
    with pytest.raises(FormErrors) as failure:
        keep(me, report_id, "subject", "Réécrit")
    assert failure.value.errors == {"": "Ce compte rendu n'est plus modifiable."}
    assert report(report_id).subject == "Sortie de fin d'année"


def test_another_rep_cannot_change_my_draft(session, me, colleague):
    client_id = add_client(session, "Comité SNCF", me)
    report_id = draft(me, client_id)
    with pytest.raises(RecordNotFound):  # another rep's draft does not even exist for him
        keep(colleague, report_id, "subject", "Réécrit")
    limited = make_actor(session, own_clients_only=True)
    with pytest.raises(RecordNotFound):
        keep(limited, report_id, "subject", "Réécrit")
    assert report(report_id).subject == "Sortie de fin d'année"


def test_another_reps_draft_cannot_be_read(session, me, colleague):
    """Drafts are their author's: the reports list hides them from others, and so must the
    report page (which reads `report_values`)."""
    client_id = add_client(session, "Comité SNCF", me)
    report_id = draft(me, client_id, body="Notes personnelles")
    with pytest.raises(RecordNotFound):
        values(colleague, report_id)


def test_a_validated_report_is_readable_by_whoever_sees_its_client(session, me, colleague):
    client_id = add_client(session, "Comité SNCF", me)
    report_id = draft(me, client_id)
    validate(me, report_id)
    assert values(colleague, report_id)["subject"] == "Sortie de fin d'année"
    limited = make_actor(session, own_clients_only=True)
    with pytest.raises(RecordNotFound):
        values(limited, report_id)


def test_saving_a_draft_field_needs_the_create_right(session, me):
    report_id = open_draft(me)
    reader = make_actor(session, tiers(Action.SEE, Action.EDIT))
    with pytest.raises(AccessDenied):
        keep(reader, report_id, "subject", "x")


# --- Visit reports: validation -----------------------------------------------------------------


def validation_errors(actor: Actor, report_id: int) -> dict[str, str]:
    with pytest.raises(FormErrors) as failure:
        validate(actor, report_id)
    return failure.value.errors


def test_a_report_needs_a_client_a_subject_and_a_date(me):
    report_id = open_draft(me)
    keep(me, report_id, "visit_on", "")
    errors = validation_errors(me, report_id)
    assert set(errors) == {"client_id", "subject", "visit_on"}
    assert report(report_id).status == "brouillon"


def test_a_next_action_in_a_report_needs_its_date(session, me):
    client_id = add_client(session, "Comité SNCF", me)
    report_id = draft(me, client_id, next_action_kind="appel")
    assert validation_errors(me, report_id) == {
        "next_action_on": "Indiquez la date de la prochaine action."
    }


def test_a_report_cannot_be_dated_after_tomorrow(session, me):
    client_id = add_client(session, "Comité SNCF", me)
    report_id = draft(me, client_id, visit_on=(TODAY + timedelta(days=2)).isoformat())
    assert validation_errors(me, report_id) == {"visit_on": "La date est dans le futur."}
    keep(me, report_id, "visit_on", (TODAY + timedelta(days=1)).isoformat())
    validate(me, report_id)


def test_validating_a_visit_report_updates_the_client_and_is_audited(session, me):
    client_id = add_client(session, "Comité SNCF", me, last_visit_on=date(2025, 1, 10))
    report_id = draft(
        me,
        client_id,
        visit_on="2026-02-03",
        next_action_kind="devis",
        next_action_on="2026-02-10",
    )
    validate(me, report_id)
    assert report(report_id).status == "valide"
    saved = client(client_id)
    assert saved.last_visit_on == date(2026, 2, 3)
    assert (saved.next_action_kind, saved.next_action_on, saved.next_action_note) == (
        "devis",
        date(2026, 2, 10),
        "Sortie de fin d'année",
    )
    [change] = audit_entries("client")
    assert change.changes == {
        "last_visit_on": ["2025-01-10", "2026-02-03"],
        "prochaine action": ["", "Envoyer un devis le 10/02/2026 (Sortie de fin d'année)"],
    }
    [created] = audit_entries("compte rendu")
    assert (created.action, created.entity_id, created.entity_label) == (
        "creation",
        str(report_id),
        "Comité SNCF — Sortie de fin d'année",
    )


@pytest.mark.parametrize(
    ("kind", "counts"),
    [("visite", True), ("reunion", True), ("salon", True), ("appel", False), ("email", False)],
)
def test_only_a_meeting_in_person_counts_as_a_visit(session, me, kind, counts):
    client_id = add_client(session, "Comité SNCF", me)
    validate(me, draft(me, client_id, kind=kind, visit_on="2026-02-03"))
    assert client(client_id).last_visit_on == (date(2026, 2, 3) if counts else None)


def test_an_older_report_does_not_move_the_last_visit_back(session, me):
    client_id = add_client(session, "Comité SNCF", me, last_visit_on=date(2026, 2, 3))
    validate(me, draft(me, client_id, visit_on="2026-01-15"))
    assert client(client_id).last_visit_on == date(2026, 2, 3)
    assert audit_entries("client") == []


def test_a_report_without_next_action_keeps_the_planned_one(session, me):
    client_id = add_client(
        session, "Comité SNCF", me, next_action_kind="appel", next_action_on=date(2026, 9, 1)
    )
    validate(me, draft(me, client_id))
    assert (client(client_id).next_action_kind, client(client_id).next_action_on) == (
        "appel",
        date(2026, 9, 1),
    )


def test_a_report_is_validated_once(session, me):
    client_id = add_client(session, "Comité SNCF", me)
    report_id = draft(me, client_id)
    validate(me, report_id)
    assert validation_errors(me, report_id) == {"": "Ce compte rendu est déjà validé."}
    assert len(audit_entries("compte rendu")) == 1


def test_another_rep_cannot_validate_my_draft(session, me, colleague):
    client_id = add_client(session, "Comité SNCF", me)
    report_id = draft(me, client_id)
    with pytest.raises(RecordNotFound):
        validate(colleague, report_id)
    assert report(report_id).status == "brouillon"


# --- Visit reports: discarding and listing -----------------------------------------------------


def discard(actor: Actor, report_id: int) -> None:
    with session_scope() as session:
        crm.discard_draft(session, actor, report_id)


def test_discarding_a_draft_removes_it(session, me):
    report_id = draft(me, add_client(session, "Comité SNCF", me))
    discard(me, report_id)
    assert report(report_id).deleted_at is not None
    with pytest.raises(RecordNotFound):
        keep(me, report_id, "subject", "x")
    with pytest.raises(RecordNotFound):
        values(me, report_id)


def test_a_validated_report_cannot_be_discarded(session, me):
    report_id = draft(me, add_client(session, "Comité SNCF", me))
    validate(me, report_id)
    with pytest.raises(FormErrors) as failure:
        discard(me, report_id)
    assert failure.value.errors == {"": "Seul un brouillon peut être abandonné."}
    assert report(report_id).deleted_at is None


def test_another_rep_cannot_discard_my_draft(session, me, colleague):
    report_id = draft(me, add_client(session, "Comité SNCF", me))
    with pytest.raises(RecordNotFound):
        discard(colleague, report_id)
    assert report(report_id).deleted_at is None


def subjects(actor: Actor) -> list[str]:
    return sorted(row["subject"] for row in rows(REPORTS_LIST, actor))


def test_the_reports_list_shows_my_drafts_and_the_validated_reports_i_may_see(
    session, me, colleague
):
    limited = make_actor(session, own_clients_only=True)
    mine = add_client(session, "Le mien", me)
    theirs = add_client(session, "Le leur", colleague)
    his = add_client(session, "Le sien", limited)
    draft(me, mine, subject="Mon brouillon")
    validate(me, draft(me, mine, subject="Mon compte rendu"))
    draft(colleague, theirs, subject="Brouillon du collègue")
    validate(colleague, draft(colleague, theirs, subject="Compte rendu du collègue"))
    draft(limited, his, subject="Brouillon limité")
    validate(limited, draft(limited, his, subject="Compte rendu limité"))
    discard(me, draft(me, mine, subject="Abandonné"))
    assert subjects(me) == sorted(
        ["Mon brouillon", "Mon compte rendu", "Compte rendu du collègue", "Compte rendu limité"]
    )
    assert subjects(limited) == sorted(["Brouillon limité", "Compte rendu limité"])


def test_a_draft_without_client_is_listed_for_its_author_only(me, colleague):
    open_draft(me)
    assert len(rows(REPORTS_LIST, me)) == 1
    assert rows(REPORTS_LIST, colleague) == []
