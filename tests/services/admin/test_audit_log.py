"""The audit trail as a listing: readable changes, newest first, filters and search."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from agence.db import session_scope
from agence.models import AuditEntry
from agence.services.admin.audit_log import AUDIT_LIST, describe_changes
from agence.services.common import audit
from agence.services.common.audit import AuditAction
from agence.services.common.listing import ListQuery, display_rows, fetch_page, iter_rows
from tests.factories import actor_for, make_user

CLAIRE = "Claire Martin <admin@escapades-loire.fr>"
LUCIE = "Lucie Bernard <l.bernard@escapades-loire.fr>"


# --- describe_changes ------------------------------------------------------------------------


def test_a_change_reads_field_old_arrow_new():
    assert describe_changes({"email": ["a@x.fr", "b@x.fr"]}) == "email : a@x.fr → b@x.fr"


def test_changes_stored_as_json_text_are_read_too():
    assert describe_changes('{"days": [30, 45]}') == "days : 30 → 45"


def test_a_missing_old_or_new_value_is_shown_as_a_dash():
    assert describe_changes({"logo_file": [None, "sites/logo.png"]}) == (
        "logo_file : — → sites/logo.png"
    )
    assert describe_changes({"label": ["Carte", ""]}) == "label : Carte → —"


def test_every_changed_field_is_described_once():
    text = describe_changes({"label": ["A", "B"], "position": [1, 2]})
    parts = [part.strip() for part in text.replace("\n", ";").split(";")]
    assert parts == ["label : A → B", "position : 1 → 2"]


def test_a_value_that_is_not_an_old_new_pair_is_shown_as_it_is():
    assert describe_changes({"mot_de_passe": "provisoire"}) == "mot_de_passe : provisoire"


def test_no_changes_read_as_nothing():
    assert describe_changes(None) == ""
    assert describe_changes("") == ""
    assert describe_changes({}) == ""


def test_accents_survive_the_round_trip_through_json():
    assert describe_changes('{"label": ["Ch\\u00e8que", "Esp\\u00e8ces"]}') == (
        "label : Chèque → Espèces"
    )


# --- The listing -----------------------------------------------------------------------------

START = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def add_entry(session: Session, at: datetime, action: AuditAction, user_label: str, **values):
    entry = AuditEntry(at=at, action=action.value, user_label=user_label, **values)
    session.add(entry)
    session.commit()
    return entry


@pytest.fixture
def journal(session: Session) -> list[AuditEntry]:
    """Ten entries, one a day from 1 March 2026; every third one by Lucie, the rest by Claire."""
    actions = [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE, AuditAction.LOGIN]
    return [
        add_entry(
            session,
            START + timedelta(days=n),
            actions[n % 4],
            LUCIE if n % 3 == 0 else CLAIRE,
            entity_type="mode de règlement",
            entity_label=f"Mode {n}",
            changes={"label": [f"Ancien {n}", f"Nouveau {n}"]},
        )
        for n in range(10)
    ]


def labels(rows) -> list[str]:
    return [row["entity"] for row in rows]


def test_the_journal_lists_the_newest_entries_first(session, journal):
    page = fetch_page(session, AUDIT_LIST, ListQuery())
    assert labels(page.rows) == [f"Mode {n}" for n in range(9, -1, -1)]


def test_entries_of_the_same_moment_list_the_last_written_first(session):
    same = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    for n in range(3):
        add_entry(session, same, AuditAction.UPDATE, CLAIRE, entity_label=f"Même {n}")
    assert labels(fetch_page(session, AUDIT_LIST, ListQuery()).rows) == [
        "Même 2",
        "Même 1",
        "Même 0",
    ]


def test_the_journal_filters_by_action(session, journal):
    rows = fetch_page(session, AUDIT_LIST, ListQuery(filters={"action": "suppression"})).rows
    assert labels(rows) == ["Mode 6", "Mode 2"]


def test_an_unknown_action_filter_is_ignored(session, journal):
    page = fetch_page(session, AUDIT_LIST, ListQuery(filters={"action": "piratage"}))
    assert page.total == 10


def test_the_journal_filters_from_a_day(session, journal):
    rows = fetch_page(session, AUDIT_LIST, ListQuery(filters={"since": "2026-03-08"})).rows
    assert labels(rows) == ["Mode 9", "Mode 8", "Mode 7"]


def test_the_journal_filters_until_a_day_included(session, journal):
    rows = fetch_page(session, AUDIT_LIST, ListQuery(filters={"until": "2026-03-02"})).rows
    assert labels(rows) == ["Mode 1", "Mode 0"]


def test_the_journal_filters_a_period(session, journal):
    query = ListQuery(filters={"since": "2026-03-04", "until": "2026-03-06", "action": "creation"})
    assert labels(fetch_page(session, AUDIT_LIST, query).rows) == ["Mode 4"]


def test_the_day_of_an_entry_is_its_day_in_paris(session):
    add_entry(session, datetime(2026, 3, 9, 23, 30, tzinfo=UTC), AuditAction.LOGIN, CLAIRE)
    since = fetch_page(session, AUDIT_LIST, ListQuery(filters={"since": "2026-03-10"}))
    until = fetch_page(session, AUDIT_LIST, ListQuery(filters={"until": "2026-03-09"}))
    assert (since.total, until.total) == (1, 0)


def test_the_journal_is_searched_by_user_label(session, journal):
    rows = fetch_page(session, AUDIT_LIST, ListQuery(search="bernard")).rows
    assert labels(rows) == ["Mode 9", "Mode 6", "Mode 3", "Mode 0"]
    assert {row["user"] for row in rows} == {LUCIE}


def test_the_journal_is_searched_by_e_mail_and_entity(session, journal):
    query = ListQuery(search="admin@escapades mode 1")
    assert labels(fetch_page(session, AUDIT_LIST, query).rows) == ["Mode 1"]


def test_the_journal_filters_by_user(session):
    claire = make_user(session, first_name="Claire", last_name="Martin")
    lucie = make_user(session, first_name="Lucie", last_name="Bernard")
    with session_scope() as s:
        audit.record(s, actor_for(claire), AuditAction.LOGIN)
        audit.record(s, actor_for(lucie), AuditAction.LOGIN)
        audit.record(s, actor_for(lucie), AuditAction.LOGOUT)
    page = fetch_page(session, AUDIT_LIST, ListQuery(filters={"user": str(lucie.id)}))
    assert page.total == 2
    assert {row["user"] for row in page.rows} == {f"Lucie Bernard <{lucie.email}>"}


def test_the_journal_shows_action_labels_and_readable_changes(session, journal):
    rows = display_rows(AUDIT_LIST, fetch_page(session, AUDIT_LIST, ListQuery()).rows)
    newest = rows[0]
    assert newest["action"] == "Modification"
    assert newest["changes"] == "label : Ancien 9 → Nouveau 9"
    assert newest["at"] == "10/03/2026 11:00"
    assert rows[-1]["action"] == "Création"


def test_changes_with_accents_are_shown_from_the_database(session):
    add_entry(session, START, AuditAction.UPDATE, CLAIRE, changes={"label": ["Chèque", "Espèces"]})
    [row] = display_rows(AUDIT_LIST, fetch_page(session, AUDIT_LIST, ListQuery()).rows)
    assert row["changes"] == "label : Chèque → Espèces"


def test_the_journal_can_be_sorted_oldest_first(session, journal):
    rows = list(iter_rows(session, AUDIT_LIST, ListQuery(sort="at", desc=False)))
    assert labels(rows) == [f"Mode {n}" for n in range(10)]


def test_the_user_filter_offers_the_users_by_last_name(session):
    make_user(session, first_name="Lucie", last_name="Bernard")
    make_user(session, first_name="Claire", last_name="Martin")
    user_filter = next(f for f in AUDIT_LIST.filters if f.key == "user")
    assert [label for _, label in user_filter.choices(session)] == [
        "Bernard Lucie",
        "Martin Claire",
    ]
