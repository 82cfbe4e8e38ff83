"""Ids and numbers from outside (URL, filter, event argument, download link) that no row can
have read as « not found » or « no filter », never as a database error."""

from __future__ import annotations

import base64
import json

import pytest

from agence.db import session_scope
from agence.models import AgencySite, Client
from agence.services.common import files, identifiers
from agence.services.common.forms import parse_int
from agence.services.common.listing import ListQuery, fetch_page
from agence.services.parties.clients import CLIENTS_LIST
from tests.factories import make_actor

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "raw", [HUGE, "2147483648", "0", "-1", "", " ", "12a", "²", "١٢", "1e3", None, 1.5, True, -3]
)
def test_what_cannot_name_a_row_is_no_record_id(raw):
    assert identifiers.record_id(raw) is None


@pytest.mark.parametrize(
    "raw,expected", [("1", 1), (" 42 ", 42), ("2147483647", 2147483647), (7, 7)]
)
def test_a_plain_id_is_read(raw, expected):
    assert identifiers.record_id(raw) == expected


@pytest.mark.parametrize("raw", [HUGE, 10**20, "2147483648", -1, 0, "x"])
def test_a_lookup_by_an_impossible_id_finds_nothing(db, raw):
    with session_scope() as session:
        assert session.get(AgencySite, raw) is None
        assert session.get(Client, raw) is None


@pytest.mark.parametrize("key", ["sales_rep", "tag", "category"])
def test_an_oversized_id_in_a_list_filter_is_no_filter(session, key):
    actor = make_actor(session)
    with session_scope() as s:
        page = fetch_page(s, CLIENTS_LIST, ListQuery(filters={key: HUGE}), actor)
    assert page.total >= 0


@pytest.mark.parametrize("bound", ["revenue_min", "revenue_max"])
def test_an_oversized_amount_in_a_list_filter_filters_at_the_largest_amount(session, bound):
    actor = make_actor(session)
    with session_scope() as s:
        page = fetch_page(s, CLIENTS_LIST, ListQuery(filters={bound: HUGE + "0" * 30}), actor)
    assert page.total >= 0


def test_an_oversized_page_number_is_capped():
    assert identifiers.page_number(HUGE) == 1
    assert identifiers.page_number("5000000") == identifiers.MAX_PAGE
    assert identifiers.page_number("-4") == 1
    assert identifiers.page_number("abc") == 1
    assert identifiers.page_number(3) == 3


def test_an_oversized_whole_number_typed_in_a_form_is_refused_in_french():
    with pytest.raises(ValueError, match="trop grand"):
        parse_int(HUGE)
    assert parse_int("-2147483647") == -2147483647


def _signed(payload: bytes) -> str:
    encoded = base64.urlsafe_b64encode(payload).decode()
    return f"{encoded}.{files._sign(payload)}"


@pytest.mark.parametrize(
    "payload",
    [
        b"[1, 2]",
        b"{}",
        b'{"f": "a.xlsx"}',
        b'{"f": 3, "u": 1, "n": "x", "e": 9999999999}',
        b'{"f": "a.xlsx", "u": "1", "n": "x", "e": 9999999999}',
        b'{"f": "a.xlsx", "u": 99999999999999999999999, "n": "x", "e": 9999999999}',
        b'{"f": "a.xlsx", "u": 1, "n": "x", "e": "demain"}',
        b'{"f": "", "u": 1, "n": "x", "e": 9999999999}',
        b"null",
    ],
)
def test_a_signed_but_malformed_download_link_is_invalid_not_an_error(db, payload):
    assert files.read_download_token(_signed(payload)) is None


@pytest.mark.parametrize("token", ["", ".", "é.é", "a" * 5000, "!!!.???"])
def test_a_garbled_download_link_is_invalid(db, token):
    assert files.read_download_token(token) is None


def test_a_well_formed_download_link_still_reads(db, tmp_path):
    token = files.download_token(tmp_path / "liste.xlsx", 3, "Liste.xlsx")
    ticket = files.read_download_token(token)
    assert ticket is not None and ticket.user_id == 3 and ticket.file_name == "liste.xlsx"
    assert json.loads(base64.urlsafe_b64decode(token.partition(".")[0]))["u"] == 3


def test_a_lookup_by_a_text_key_is_not_mistaken_for_an_id(db):
    from agence.models import LoginThrottle

    with session_scope() as session:
        session.add(LoginThrottle(email="ip:203.0.113.9", recent_failures=[]))
    with session_scope() as session:
        assert session.get(LoginThrottle, "ip:203.0.113.9") is not None
