"""Invoices issued at the same moment (PostgreSQL). Each issue takes its number under the series
counter's row lock inside its own transaction: simultaneous issues are numbered one after the
other without duplicates, and an issue that fails after taking its number gives it back (its
transaction rolls back, the next one waiting on the lock takes that number): no gap."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from agence.db import get_engine, session_scope
from agence.models import Booking, Client, Invoice, InvoiceCounter
from agence.services.billing import invoicing
from agence.services.bookings.bookings import change_status
from agence.services.bookings.lifecycle import Status
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Actor
from tests.factories import demo_admin, demo_dossier, make_client
from tests.services.bookings import test_booking_concurrency as races

ON = date(2027, 3, 1)
SERIES = "FA-VDL-2027"
PARALLEL = 20


@pytest.fixture
def postgres(db: str) -> str:
    if make_url(db).get_backend_name() != "postgresql":
        pytest.skip(
            "PostgreSQL only: SQLite has no row locks (SELECT … FOR UPDATE is ignored) and "
            "serialises writers; set AGENCE_TEST_DATABASE_URL to run these races."
        )
    return db


@pytest.fixture
def admin(session: Session, postgres: str) -> Actor:
    actor = demo_admin(session)
    session.close()  # the threads need every pooled connection
    return actor


def deposit_drafts(admin: Actor, count: int) -> list[int]:
    """`count` confirmed dossiers of the demo school, each with a 30 % deposit draft."""
    ids = []
    for _ in range(count):
        booking = demo_dossier(admin, "2027-05-12")
        with session_scope() as s:
            change_status(s, admin, booking.id, Status.CONFIRMED)
        with session_scope() as s:
            ids.append(invoicing.create_deposit(s, admin, booking.id, percent="30").id)
    return ids


def issue_all_at_once(admin: Actor, invoice_ids: list[int]) -> dict[int, object]:
    """Every draft issued by its own user in his own transaction, all released together;
    returns each one's number, or the FormErrors that refused it."""
    barrier = threading.Barrier(len(invoice_ids), timeout=30)
    results: dict[int, object] = {}
    errors: list[BaseException] = []
    guard = threading.Lock()

    def issue_one(invoice_id: int) -> None:
        try:
            with Session(get_engine(), expire_on_commit=False) as s:
                barrier.wait()
                try:
                    result: object = invoicing.issue(s, admin, invoice_id, ON).number
                    s.commit()
                except FormErrors as refused:
                    s.rollback()
                    result = refused
            with guard:
                results[invoice_id] = result
        except BaseException as exc:  # noqa: BLE001 — reported by the test
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=issue_one, args=(i,)) for i in invoice_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "an issue never finished"
    assert errors == []
    return results


def issued_numbers() -> list[tuple[int, str]]:
    with session_scope() as s:
        return [
            (sequence, number)
            for sequence, number in s.exec(
                select(Invoice.sequence, Invoice.number)
                .where(Invoice.status == "emise")
                .order_by(Invoice.sequence)
            ).all()
        ]


def last_number() -> int:
    with session_scope() as s:
        return s.get(InvoiceCounter, SERIES).last_number


def test_twenty_invoices_issued_at_once_are_numbered_one_to_twenty_without_duplicates(admin):
    drafts = deposit_drafts(admin, PARALLEL)
    results = issue_all_at_once(admin, drafts)
    expected = [f"{SERIES}-{n:06d}" for n in range(1, PARALLEL + 1)]
    assert sorted(results.values()) == expected
    assert issued_numbers() == list(enumerate(expected, start=1))
    assert last_number() == PARALLEL


def test_an_issue_failing_among_simultaneous_ones_leaves_no_gap(admin):
    drafts = deposit_drafts(admin, PARALLEL)
    # One dossier's client has lost his name: its invoice fails the Factur-X checks after it
    # has taken its number, and its whole transaction rolls back.
    with session_scope() as s:
        nameless = make_client(s, "Client sans nom")
        nameless.name = " "
        s.add(nameless)
        failing = s.get(Invoice, drafts[PARALLEL // 2])
        s.get(Booking, failing.booking_id).client_id = nameless.id
        failing.client_id = nameless.id
    results = issue_all_at_once(admin, drafts)
    refused = results.pop(failing.id)
    assert isinstance(refused, FormErrors) and "nom du client" in refused.errors[""]
    expected = [f"{SERIES}-{n:06d}" for n in range(1, PARALLEL)]
    assert sorted(results.values()) == expected
    assert issued_numbers() == list(enumerate(expected, start=1))
    assert last_number() == PARALLEL - 1
    with session_scope() as s:
        assert s.get(Invoice, failing.id).status == "brouillon"
        assert s.get(Client, nameless.id).name == " "


def test_two_invoices_issued_at_once_the_second_waits_for_the_first_number(admin):
    for round_number in range(3):
        first_draft, second_draft = deposit_drafts(admin, 2)
        drafts = {"anne": first_draft, "bob": second_draft}

        def issue(session: Session, name: str, drafts=drafts) -> str:
            return invoicing.issue(session, admin, drafts[name], ON).number

        first, second = races.Race(issue).run().in_order
        assert (first, second) == (
            f"{SERIES}-{2 * round_number + 1:06d}",
            f"{SERIES}-{2 * round_number + 2:06d}",
        )


def test_one_draft_issued_twice_at_once_is_issued_once(admin):
    (draft,) = deposit_drafts(admin, 1)
    race = races.Race(lambda session, _: invoicing.issue(session, admin, draft, ON).number).run()
    issued, refused = race.in_order
    assert issued == f"{SERIES}-000001"
    assert isinstance(refused, FormErrors) and "déjà émise" in refused.errors[""]
    assert last_number() == 1
