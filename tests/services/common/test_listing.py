"""The one list mechanism: paging, count, sort, search and filters in SQL, display formats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from agence.models import AgencySite, User
from agence.services.admin.users import USERS, USERS_LIST
from agence.services.common import formats
from agence.services.common.listing import (
    ChoiceFilter,
    Column,
    DateFilter,
    ListQuery,
    ListSpec,
    display_rows,
    fetch_page,
    iter_rows,
)
from tests.factories import make_profile, make_site

FIRST_NAMES = ("Louise", "Paul", "Marc")
FIRST_LOGIN = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Crowd:
    """Sixty users: the test data of every listing test, and the facts to check against."""

    users: list[User]
    tours: AgencySite
    paris: AgencySite

    def ids(self, predicate=lambda user: True) -> list[int]:
        return [user.id or 0 for user in self.users if predicate(user)]


def add_crowd(session: Session, count: int = 60) -> Crowd:
    """User n: last name "Nomnn", e-mail "agentnn@…", first name Louise/Paul/Marc by n % 3,
    site Tours when n is odd, sales rep when n % 3 == 0, inactive when n % 5 == 0,
    last signed in on 1 January + n days for n <= 40, never after."""
    profile = make_profile(session, set(), name="Agents")
    tours = make_site(session, "TRS", name="Tours")
    paris = make_site(session, "PAR", name="Paris")
    users = [
        User(
            first_name=FIRST_NAMES[n % 3],
            last_name=f"Nom{n:02d}",
            email=f"agent{n:02d}@example.fr",
            phone=f"06 00 00 00 {n:02d}",
            profile_id=profile.id or 0,
            site_id=(tours if n % 2 else paris).id,
            is_sales_rep=n % 3 == 0,
            active=n % 5 != 0,
            last_login_at=FIRST_LOGIN + timedelta(days=n) if n <= 40 else None,
            password_hash="not-used",
        )
        for n in range(1, count + 1)
    ]
    session.add_all(users)
    session.commit()
    return Crowd(users=users, tours=tours, paris=paris)


def number_of(user_or_row) -> int:
    """n of "Nomnn" (a user, or a listing row whose name starts with the last name)."""
    name = user_or_row["name"] if isinstance(user_or_row, dict) else user_or_row.last_name
    return int(name[3:5])


def numbers(rows) -> list[int]:
    return [number_of(row) for row in rows]


def all_rows(session: Session, spec: ListSpec, query: ListQuery) -> list[dict]:
    """Every page of a listing, concatenated."""
    first = fetch_page(session, spec, query)
    rows = list(first.rows)
    for page in range(2, first.page_count + 1):
        query.page = page
        rows += fetch_page(session, spec, query).rows
    return rows


@pytest.fixture
def crowd(session) -> Crowd:
    return add_crowd(session)


# --- Paging ----------------------------------------------------------------------------------


def test_the_listing_is_the_spec_of_the_users_resource():
    assert USERS.list_spec() is USERS_LIST


def test_a_page_holds_25_rows_by_default_and_knows_the_page_count(session, crowd):
    page = fetch_page(session, USERS_LIST, ListQuery())
    assert (page.total, page.page, page.page_count, page.page_size) == (60, 1, 3, 25)
    assert numbers(page.rows) == list(range(1, 26))


def test_the_last_page_holds_the_remaining_rows(session, crowd):
    page = fetch_page(session, USERS_LIST, ListQuery(page=3))
    assert page.page == 3
    assert numbers(page.rows) == list(range(51, 61))


def test_a_page_beyond_the_end_is_clamped_to_the_last_page(session, crowd):
    page = fetch_page(session, USERS_LIST, ListQuery(page=99))
    assert page.page == 3
    assert numbers(page.rows) == list(range(51, 61))


def test_a_page_before_the_first_is_the_first(session, crowd):
    page = fetch_page(session, USERS_LIST, ListQuery(page=-4))
    assert page.page == 1 and numbers(page.rows) == list(range(1, 26))


def test_a_page_of_50_rows_may_be_asked(session, crowd):
    page = fetch_page(session, USERS_LIST, ListQuery(page=2, page_size=50))
    assert (page.page, page.page_count, page.page_size) == (2, 2, 50)
    assert numbers(page.rows) == list(range(51, 61))


@pytest.mark.parametrize("size", [10, 30, 1000, 0, -25])
def test_an_unknown_page_size_falls_back_to_25(session, crowd, size):
    page = fetch_page(session, USERS_LIST, ListQuery(page_size=size))
    assert page.page_size == 25 and len(page.rows) == 25 and page.page_count == 3


def test_an_empty_result_has_one_empty_page(session, crowd):
    page = fetch_page(session, USERS_LIST, ListQuery(search="personne", page=3))
    assert (page.rows, page.total, page.page, page.page_count) == ([], 0, 1, 1)


def test_a_row_carries_the_id_and_every_column(session, crowd):
    row = fetch_page(session, USERS_LIST, ListQuery()).rows[0]
    first = crowd.users[0]
    assert row["id"] == first.id
    assert row["name"] == "Nom01 Paul"
    assert row["email"] == "agent01@example.fr"
    assert row["site"] == "Tours" and row["profile"] == "Agents"
    assert {c.key for c in USERS_LIST.columns} <= set(row)


# --- Count, search, filters ------------------------------------------------------------------


def test_the_total_counts_only_the_rows_matching_search_and_filters(session, crowd):
    pauls = ListQuery(search="paul")
    assert fetch_page(session, USERS_LIST, pauls).total == len(
        crowd.ids(lambda u: u.first_name == "Paul")
    )
    active_pauls = ListQuery(search="paul", filters={"active": "1"})
    page = fetch_page(session, USERS_LIST, active_pauls)
    expected = crowd.ids(lambda u: u.first_name == "Paul" and u.active)
    assert page.total == len(expected) == 16
    assert page.page_count == 1
    assert sorted(row["id"] for row in page.rows) == sorted(expected)


def test_search_ignores_case_and_matches_part_of_a_value(session, crowd):
    rows = all_rows(session, USERS_LIST, ListQuery(search="NOM0"))
    assert numbers(rows) == list(range(1, 10))


def test_every_word_searched_must_match_some_searchable_column(session, crowd):
    rows = fetch_page(session, USERS_LIST, ListQuery(search="paul nom1")).rows
    assert numbers(rows) == [10, 13, 16, 19]


def test_words_may_match_different_columns(session, crowd):
    by_email = fetch_page(session, USERS_LIST, ListQuery(search="agent2  Paul")).rows
    assert numbers(by_email) == [22, 25, 28]
    by_phone = fetch_page(session, USERS_LIST, ListQuery(search="00 42")).rows
    assert numbers(by_phone) == [42]


def test_a_blank_search_lists_everything(session, crowd):
    assert fetch_page(session, USERS_LIST, ListQuery(search="   ")).total == 60


@pytest.mark.parametrize(("term", "last_name"), [("%", "Cent%Pour"), ("_", "Tiret_Bas")])
def test_percent_and_underscore_are_searched_literally(session, crowd, term, last_name):
    profile_id = crowd.users[0].profile_id
    for name in ("Cent%Pour", "Tiret_Bas"):
        session.add(
            User(
                first_name="Spécial",
                last_name=name,
                email=f"{name.lower().replace('%', '').replace('_', '')}@example.fr",
                profile_id=profile_id,
                password_hash="not-used",
            )
        )
    session.commit()
    rows = fetch_page(session, USERS_LIST, ListQuery(search=term)).rows
    assert [row["name"] for row in rows] == [f"{last_name} Spécial"]


def test_a_backslash_in_the_search_matches_nothing_here_and_breaks_nothing(session, crowd):
    assert fetch_page(session, USERS_LIST, ListQuery(search="\\")).total == 0


def test_a_choice_filter_on_an_id_compares_integers(session, crowd):
    page = fetch_page(session, USERS_LIST, ListQuery(filters={"site": str(crowd.tours.id)}))
    assert page.total == 30
    assert all(number % 2 for number in numbers(page.rows))


def test_a_choice_filter_on_an_id_ignores_a_value_that_is_not_a_number(session, crowd):
    assert fetch_page(session, USERS_LIST, ListQuery(filters={"site": "Tours"})).total == 60


def test_a_yes_no_filter_takes_1_for_yes_and_0_for_no(session, crowd):
    reps = all_rows(session, USERS_LIST, ListQuery(filters={"sales_rep": "1"}))
    others = all_rows(session, USERS_LIST, ListQuery(filters={"sales_rep": "0"}))
    assert numbers(reps) == [n for n in range(1, 61) if n % 3 == 0]
    assert numbers(others) == [n for n in range(1, 61) if n % 3 != 0]


@pytest.mark.parametrize("value", ["2", "oui", "true", ""])
def test_a_yes_no_filter_ignores_any_other_value(session, crowd, value):
    assert fetch_page(session, USERS_LIST, ListQuery(filters={"sales_rep": value})).total == 60


def test_filters_combine(session, crowd):
    query = ListQuery(filters={"sales_rep": "1", "active": "0", "site": str(crowd.tours.id)})
    rows = fetch_page(session, USERS_LIST, query).rows
    assert numbers(rows) == [15, 45]


def test_an_unknown_filter_key_is_ignored(session, crowd):
    assert fetch_page(session, USERS_LIST, ListQuery(filters={"password": "x"})).total == 60


def _first_names_query():
    return select(
        User.id.label("id"),  # type: ignore[union-attr]
        User.last_name.label("name"),
        User.first_name.label("first_name"),
        User.last_login_at.label("last_login_at"),
    )


LOGINS = ListSpec(
    name="Connexions",
    query=_first_names_query,
    columns=(
        Column("name", "Nom", User.last_name),
        Column("first_name", "Prénom", User.first_name),
        Column("last_login_at", "Connexion", User.last_login_at, kind="datetime"),
    ),
    search=(User.last_name,),
    filters=(
        ChoiceFilter("first", "Prénom", User.first_name, (("Paul", "Paul"), ("Marc", "Marc"))),
        DateFilter("since", "Du", User.last_login_at, "since"),
        DateFilter("until", "Au", User.last_login_at, "until"),
    ),
    default_sort="name",
    tie_breaker=User.id,
)


def test_a_choice_filter_keeps_the_rows_of_a_listed_option(session, crowd):
    rows = all_rows(session, LOGINS, ListQuery(filters={"first": "Marc"}))
    assert numbers(rows) == [n for n in range(1, 61) if n % 3 == 2]


def test_a_choice_filter_ignores_a_value_outside_its_static_options(session, crowd):
    assert fetch_page(session, LOGINS, ListQuery(filters={"first": "Louise"})).total == 60


def test_a_since_filter_keeps_the_rows_on_or_after_the_day(session, crowd):
    rows = all_rows(session, LOGINS, ListQuery(filters={"since": "2026-01-31"}))
    assert numbers(rows) == list(range(30, 41))


def test_an_until_filter_keeps_the_rows_on_or_before_the_day(session, crowd):
    rows = all_rows(session, LOGINS, ListQuery(filters={"until": "2026-01-06"}))
    assert numbers(rows) == [1, 2, 3, 4, 5]


def test_since_and_until_together_keep_a_period(session, crowd):
    query = ListQuery(filters={"since": "2026-01-11", "until": "2026-01-13"})
    assert numbers(all_rows(session, LOGINS, query)) == [10, 11, 12]


def test_the_users_listing_filters_on_the_last_sign_in(session, crowd):
    query = ListQuery(filters={"login_since": "2026-02-09"})
    assert numbers(all_rows(session, USERS_LIST, query)) == [39, 40]


def test_date_filters_count_days_in_paris_time(session, crowd):
    """23:30 UTC on 9 March is 00:30 on 10 March in Paris."""
    user = crowd.users[0]
    user.last_login_at = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
    session.add(user)
    session.commit()
    since = numbers(all_rows(session, LOGINS, ListQuery(filters={"since": "2026-03-10"})))
    until = numbers(all_rows(session, LOGINS, ListQuery(filters={"until": "2026-03-09"})))
    assert 1 in since
    assert 1 not in until


@pytest.mark.parametrize("value", ["hier", "2026-13-01", "09/03/2026"])
def test_a_date_filter_ignores_a_value_that_is_not_an_iso_day(session, crowd, value):
    assert fetch_page(session, LOGINS, ListQuery(filters={"since": value})).total == 60


# --- Sort ------------------------------------------------------------------------------------


def test_without_a_chosen_sort_the_default_column_sorts(session, crowd):
    assert numbers(all_rows(session, USERS_LIST, ListQuery())) == list(range(1, 61))


def test_a_column_sorts_ascending_or_descending(session, crowd):
    ascending = all_rows(session, USERS_LIST, ListQuery(sort="email"))
    descending = all_rows(session, USERS_LIST, ListQuery(sort="email", desc=True))
    emails = sorted(user.email for user in crowd.users)
    assert [row["email"] for row in ascending] == emails
    assert [row["email"] for row in descending] == emails[::-1]


def test_rows_with_equal_sort_values_keep_a_stable_order_across_pages(session, crowd):
    ascending = all_rows(session, USERS_LIST, ListQuery(sort="active"))
    descending = all_rows(session, USERS_LIST, ListQuery(sort="active", desc=True))
    by_active_then_id = sorted(crowd.users, key=lambda u: (u.active, u.id))
    assert [row["id"] for row in ascending] == [u.id for u in by_active_then_id]
    assert [row["id"] for row in descending] == [u.id for u in reversed(by_active_then_id)]


def test_an_unknown_sort_key_falls_back_to_the_default_sort(session, crowd):
    page = fetch_page(session, USERS_LIST, ListQuery(sort="password_hash", desc=True))
    assert numbers(page.rows) == list(range(1, 26))


def test_a_default_descending_sort_applies_when_no_sort_is_chosen(session, crowd):
    spec = ListSpec(
        name="Derniers",
        query=_first_names_query,
        columns=LOGINS.columns,
        default_sort="name",
        default_desc=True,
        tie_breaker=User.id,
    )
    assert numbers(fetch_page(session, spec, ListQuery()).rows) == list(range(60, 35, -1))


# --- The whole result, for the export --------------------------------------------------------


def test_iter_rows_gives_the_whole_filtered_sorted_result_not_a_page(session, crowd):
    query = ListQuery(search="paul", sort="email", desc=True, page=2, page_size=25)
    rows = list(iter_rows(session, USERS_LIST, query))
    assert numbers(rows) == [n for n in range(60, 0, -1) if n % 3 == 1]


def test_iter_rows_gives_every_row_beyond_one_batch(session, crowd):
    rows = list(iter_rows(session, USERS_LIST, ListQuery(), batch=7))
    assert numbers(rows) == list(range(1, 61))


# --- Display ---------------------------------------------------------------------------------


DISPLAY = ListSpec(
    name="Affichage",
    query=_first_names_query,
    columns=(
        Column("ok", "Actif", None, kind="bool"),
        Column("amount", "Montant", None, kind="money"),
        Column("rate", "Taux", None, kind="percent"),
        Column("count", "Nombre", None, kind="int"),
        Column("day", "Jour", None, kind="date"),
        Column("at", "Moment", None, kind="datetime"),
        Column("rule", "Règle", None, labels={"jours": "N jours date de facture"}),
        Column("code", "Code", None, render=str.lower),
    ),
)


def test_display_rows_formats_every_kind_in_french():
    row = {
        "id": 7,
        "ok": True,
        "amount": Decimal("1234.56"),
        "rate": Decimal("5.50"),
        "count": 1500,
        "day": date(2026, 11, 29),
        "at": datetime(2026, 7, 1, 12, 0, tzinfo=UTC),
        "rule": "jours",
        "code": "VDL",
    }
    shown = display_rows(DISPLAY, [row])[0]
    assert shown == {
        "id": "7",
        "ok": "Oui",
        "amount": formats.money(Decimal("1234.56")),
        "rate": "5,5 %",
        "count": formats.number(1500),
        "day": "29/11/2026",
        "at": "01/07/2026 14:00",
        "rule": "N jours date de facture",
        "code": "vdl",
    }
    assert shown["amount"].replace("\u202f", " ").replace("\xa0", " ") == "1 234,56 €"


def test_display_rows_shows_false_as_non_and_missing_values_as_nothing():
    shown = display_rows(DISPLAY, [{"id": 8, "ok": False, "rule": "inconnue"}])[0]
    assert shown["ok"] == "Non"
    assert shown["amount"] == shown["day"] == shown["at"] == ""
    assert shown["rule"] == "inconnue"


def test_display_rows_of_a_real_page(session, crowd):
    rows = display_rows(USERS_LIST, fetch_page(session, USERS_LIST, ListQuery()).rows)
    by_number = {int(row["name"][3:5]): row for row in rows}
    assert by_number[3]["is_sales_rep"] == "Oui" and by_number[1]["is_sales_rep"] == "Non"
    assert by_number[5]["active"] == "Non" and by_number[1]["active"] == "Oui"
    assert by_number[1]["last_login_at"] == "02/01/2026 10:00"
    assert all(isinstance(value, str) for row in rows for value in row.values())
