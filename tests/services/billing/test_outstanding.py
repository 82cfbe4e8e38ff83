"""A client's outstanding balance (en-cours): registered sources added up per client, against
the credit limit; shown in the client list (flagged when over the limit) and on the client page."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from sqlmodel import Session

from agence.db import session_scope
from agence.models import Client
from agence.services.billing import outstanding
from agence.services.billing.outstanding import (
    Outstanding,
    outstanding_for,
    register_source,
    source_labels,
    unregister_source,
)
from agence.services.common.listing import ListQuery, display_rows, fetch_page, iter_rows
from agence.services.common.text import normalize_text
from agence.services.parties import clients
from agence.services.parties.clients import CLIENTS_LIST
from tests.factories import actor_for, make_user

UNPAID = "test_unpaid_invoices"
UNBILLED = "test_unbilled_bookings"
_codes = itertools.count(41150001)


def add_client(session: Session, name: str, credit_limit: str | None = None) -> int:
    client = Client(
        name=name,
        search_name=normalize_text(name),
        client_type="ce",
        account_code=str(next(_codes)),
        credit_limit=None if credit_limit is None else Decimal(credit_limit),
    )
    session.add(client)
    session.commit()
    return client.id or 0


@dataclass
class Sources:
    """The amounts the two test sources answer, and the client ids each was asked about."""

    amounts: dict[str, dict[int, Decimal]] = field(
        default_factory=lambda: {UNPAID: {}, UNBILLED: {}}
    )
    asked: dict[str, list[list[int]]] = field(default_factory=lambda: {UNPAID: [], UNBILLED: []})

    def __getitem__(self, key: str) -> dict[int, Decimal]:
        return self.amounts[key]

    def source(self, key: str):
        def amounts_of(session: Session, client_ids: list[int]) -> dict[int, Decimal]:
            self.asked[key].append(list(client_ids))
            return {i: amount for i, amount in self.amounts[key].items() if i in client_ids}

        return amounts_of


@pytest.fixture
def amounts() -> Iterator[Sources]:
    """Two sources of the outstanding, registered for the test only; the application's own
    (the dossiers', once imported) are set aside meanwhile, so the sums are the test's."""
    sources = Sources()
    application_sources = list(outstanding.SOURCES)
    outstanding.SOURCES.clear()
    register_source(UNPAID, "Factures non réglées", sources.source(UNPAID))
    register_source(UNBILLED, "Dossiers confirmés non facturés", sources.source(UNBILLED))
    try:
        yield sources
    finally:
        outstanding.SOURCES[:] = application_sources


def balances(*client_ids: int) -> dict[int, Outstanding]:
    with session_scope() as session:
        return outstanding_for(session, client_ids)


# --- The sum -----------------------------------------------------------------------------------


def test_the_outstanding_adds_up_every_source_per_client(session, amounts):
    alpha = add_client(session, "Alpha")
    beta = add_client(session, "Beta")
    amounts[UNPAID].update({alpha: Decimal("1200.50"), beta: Decimal("10")})
    amounts[UNBILLED].update({alpha: Decimal("300.25")})
    result = balances(alpha, beta)
    assert result[alpha].total == Decimal("1500.75")
    assert result[alpha].parts == {UNPAID: Decimal("1200.50"), UNBILLED: Decimal("300.25")}
    assert result[beta].total == Decimal("10")
    assert result[beta].parts == {UNPAID: Decimal("10"), UNBILLED: Decimal("0.00")}


def test_a_client_without_amounts_owes_nothing(session, amounts):
    alpha = add_client(session, "Alpha")
    assert balances(alpha)[alpha].total == Decimal("0")


def test_without_any_source_the_outstanding_is_zero(session):
    alpha = add_client(session, "Alpha")
    assert balances(alpha)[alpha].total == Decimal("0")


def test_sources_are_asked_once_for_all_clients_sorted_without_repeats(session, amounts):
    alpha = add_client(session, "Alpha")
    beta = add_client(session, "Beta")
    balances(beta, alpha, beta)
    assert amounts.asked[UNPAID] == [sorted([alpha, beta])]
    assert amounts.asked[UNBILLED] == [sorted([alpha, beta])]


def test_no_client_asks_nothing(amounts, db):
    assert balances() == {}
    assert amounts.asked[UNPAID] == []


def test_registering_a_source_twice_replaces_it(session, amounts):
    alpha = add_client(session, "Alpha")
    amounts[UNPAID][alpha] = Decimal("100")
    register_source(UNBILLED, "Remplacée", lambda s, ids: {alpha: Decimal("1")})
    assert source_labels()[UNBILLED] == "Remplacée"
    assert balances(alpha)[alpha].total == Decimal("101")


def test_an_unregistered_source_no_longer_counts(session, amounts):
    alpha = add_client(session, "Alpha")
    amounts[UNPAID][alpha] = Decimal("100")
    amounts[UNBILLED][alpha] = Decimal("50")
    unregister_source(UNBILLED)
    assert balances(alpha)[alpha].total == Decimal("100")
    assert UNBILLED not in source_labels()


def test_the_sources_are_named(amounts):
    labels = source_labels()
    assert labels[UNPAID] == "Factures non réglées"
    assert labels[UNBILLED] == "Dossiers confirmés non facturés"


# --- Against the credit limit ------------------------------------------------------------------


def test_without_a_credit_limit_the_outstanding_is_never_exceeded():
    balance = Outstanding(parts={"a": Decimal("1000000")}, credit_limit=None)
    assert balance.exceeded is False
    assert balance.available is None


def test_an_outstanding_equal_to_the_limit_is_not_exceeded():
    balance = Outstanding(
        parts={"a": Decimal("600"), "b": Decimal("400")}, credit_limit=Decimal(1000)
    )
    assert (balance.total, balance.exceeded, balance.available) == (Decimal(1000), False, 0)


def test_an_outstanding_above_the_limit_is_exceeded():
    balance = Outstanding(parts={"a": Decimal("1000.01")}, credit_limit=Decimal("1000"))
    assert balance.exceeded is True
    assert balance.available == Decimal("-0.01")


def test_the_available_credit_is_the_limit_less_the_outstanding():
    balance = Outstanding(parts={"a": Decimal("250.50")}, credit_limit=Decimal("1000"))
    assert balance.available == Decimal("749.50")


def test_a_zero_limit_is_exceeded_by_any_amount():
    assert Outstanding(parts={"a": Decimal("0.01")}, credit_limit=Decimal(0)).exceeded
    assert not Outstanding(parts={}, credit_limit=Decimal(0)).exceeded


def test_the_credit_limit_comes_from_the_client(session, amounts):
    limited = add_client(session, "Limité", credit_limit="500")
    free = add_client(session, "Libre")
    amounts[UNPAID].update({limited: Decimal("600"), free: Decimal("600")})
    result = balances(limited, free)
    assert (result[limited].credit_limit, result[limited].exceeded) == (Decimal("500"), True)
    assert (result[free].credit_limit, result[free].exceeded) == (None, False)


# --- In the client list and on the client page -------------------------------------------------


@pytest.fixture
def listed_clients(session, amounts):
    over = add_client(session, "Au-dessus", credit_limit="1000")
    under = add_client(session, "En dessous", credit_limit="1000")
    free = add_client(session, "Sans plafond")
    nothing = add_client(session, "Rien dû", credit_limit="10")
    amounts[UNPAID].update({over: Decimal("900"), under: Decimal("900"), free: Decimal("5000")})
    amounts[UNBILLED].update({over: Decimal("100.01")})
    actor = actor_for(make_user(session))
    return actor, {"over": over, "under": under, "free": free, "nothing": nothing}


def test_the_client_list_adds_the_outstanding_and_the_over_limit_flag(listed_clients):
    actor, ids = listed_clients
    with session_scope() as session:
        rows = fetch_page(session, CLIENTS_LIST, ListQuery(), actor).rows
    by_id = {row["id"]: row for row in rows}
    assert (by_id[ids["over"]]["outstanding"], by_id[ids["over"]]["over_limit"]) == (
        Decimal("1000.01"),
        True,
    )
    assert by_id[ids["under"]]["over_limit"] is False
    assert (by_id[ids["free"]]["outstanding"], by_id[ids["free"]]["over_limit"]) == (
        Decimal("5000"),
        False,
    )
    assert by_id[ids["nothing"]]["outstanding"] == Decimal("0")


def test_the_displayed_rows_flag_the_clients_over_their_limit(listed_clients):
    actor, ids = listed_clients
    with session_scope() as session:
        rows = display_rows(
            CLIENTS_LIST, fetch_page(session, CLIENTS_LIST, ListQuery(), actor).rows
        )
    by_id = {row["id"]: row for row in rows}
    assert by_id[str(ids["over"])]["over_limit"] == "1"
    assert by_id[str(ids["under"])]["over_limit"] == ""
    assert by_id[str(ids["free"])]["over_limit"] == ""
    assert by_id[str(ids["over"])]["outstanding"] == "1\u202f000,01\u00a0€"
    assert by_id[str(ids["nothing"])]["outstanding"] == "0,00\u00a0€"


def test_the_excel_export_rows_carry_the_outstanding_too(listed_clients):
    actor, ids = listed_clients
    with session_scope() as session:
        rows = list(iter_rows(session, CLIENTS_LIST, ListQuery(), actor, batch=2))
    assert {row["id"]: row["over_limit"] for row in rows} == {
        ids["over"]: True,
        ids["under"]: False,
        ids["free"]: False,
        ids["nothing"]: False,
    }


def test_the_client_page_shows_the_outstanding_and_the_limit_in_french(listed_clients):
    _, ids = listed_clients
    with session_scope() as session:
        over = clients.outstanding_text(session, ids["over"])
        free = clients.outstanding_text(session, ids["free"])
    assert over == ("1\u202f000,01\u00a0€", "1\u202f000,00\u00a0€", True)
    assert free == ("5\u202f000,00\u00a0€", "", False)


def test_the_client_page_of_an_unknown_client_shows_zero(db):
    with session_scope() as session:
        assert clients.outstanding_text(session, 999999) == ("0,00\u00a0€", "", False)


def test_the_test_sources_are_removed_after_use():
    assert UNPAID not in {source.key for source in outstanding.SOURCES}
