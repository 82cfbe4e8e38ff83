"""Dossiers under concurrency (PostgreSQL). Two users creating a dossier of the same site and
year at the same moment get two consecutive numbers: the second waits on the counter's row lock
(or on the first one's new counter row) until the first transaction ends. Likewise two status
changes or two amendments of one dossier at once are taken one after the other, the second
starting from what the first left.

Each race starts both transactions, meets at a barrier, then both act at once; the one served
first keeps its transaction open until PostgreSQL shows the other one waiting on a lock, so the
test proves the wait instead of hoping the timing produces it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session, func, select

from agence.db import get_engine, session_scope
from agence.models import AgencySite, Booking, BookingCounter, BookingEvent, BookingVersion
from agence.services.bookings.bookings import change_status, next_number, start_amendment
from agence.services.bookings.lifecycle import Status
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Actor
from tests.factories import make_actor, make_booking, make_client, make_site, reference_data

ROUNDS = 5
WAIT_LIMIT = 15.0
"""Seconds: far beyond any honest wait, short enough that a broken lock fails the test."""


@pytest.fixture
def postgres(db: str) -> str:
    if make_url(db).get_backend_name() != "postgresql":
        pytest.skip(
            "PostgreSQL only: SQLite has no row locks (SELECT … FOR UPDATE is ignored) and "
            "serialises writers; set AGENCE_TEST_DATABASE_URL to run these races."
        )
    return db


@pytest.fixture
def site(session: Session, postgres: str) -> AgencySite:
    return make_site(session, "VDL", name="Tours")


def is_waiting_on_a_lock(pid: int) -> bool:
    with get_engine().connect() as connection:
        kind = connection.execute(
            text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
        ).scalar()
    return kind == "Lock"


def wait_until(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + WAIT_LIMIT
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@dataclass
class Race:
    """Two users, Anne and Bob, doing `work` at the same moment, each in his own session and
    transaction: who was served first, what each got (a value or the FormErrors that refused
    him), whether the other one waited on a lock meanwhile."""

    work: Callable[[Session, str], Any]
    barrier: threading.Barrier = field(default_factory=lambda: threading.Barrier(2, timeout=10))
    guard: threading.Lock = field(default_factory=threading.Lock)
    pids: dict[str, int] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    served: list[str] = field(default_factory=list)
    other_waited: bool = False
    errors: list[BaseException] = field(default_factory=list)

    def take_part(self, name: str) -> None:
        try:
            with Session(get_engine(), expire_on_commit=False) as session:
                # The transaction begins here, before the barrier: both are inside theirs.
                self.pids[name] = session.exec(select(func.pg_backend_pid())).one()
                self.barrier.wait()
                try:
                    result = self.work(session, name)
                except FormErrors as refused:
                    result = refused
                with self.guard:
                    self.results[name] = result
                    self.served.append(name)
                    first = len(self.served) == 1
                if first:
                    other = next(pid for who, pid in self.pids.items() if who != name)
                    self.other_waited = wait_until(lambda: is_waiting_on_a_lock(other))
                if isinstance(result, FormErrors):
                    session.rollback()
                else:
                    session.commit()
        except BaseException as exc:  # noqa: BLE001 — reported by the test
            self.errors.append(exc)
            self.barrier.abort()

    def run(self) -> Race:
        threads = [
            threading.Thread(target=self.take_part, args=(name,)) for name in ("anne", "bob")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=WAIT_LIMIT * 2)
        assert not any(thread.is_alive() for thread in threads), "a user never finished"
        assert self.errors == []
        assert self.other_waited, "the second user never waited on a lock"
        return self

    @property
    def in_order(self) -> tuple[Any, Any]:
        first, second = self.served
        return self.results[first], self.results[second]


# --- Numbering ------------------------------------------------------------------------------------


def last_number(site_id: int, year: int) -> int:
    with session_scope() as s:
        return s.get(BookingCounter, (site_id, year)).last_number


def numbering(site: AgencySite, year: int) -> Race:
    return Race(lambda session, _: next_number(session, site.id, year)).run()


def test_two_dossiers_numbered_at_once_get_consecutive_numbers_the_second_waiting(site):
    with session_scope() as s:
        s.add(BookingCounter(site_id=site.id, year=2026, last_number=141))
    for round_number in range(ROUNDS):
        expected = 142 + 2 * round_number
        assert numbering(site, 2026).in_order == (expected, expected + 1)
    assert last_number(site.id, 2026) == 141 + 2 * ROUNDS


def test_the_first_two_dossiers_of_a_year_numbered_at_once_get_one_and_two(site):
    for round_number in range(ROUNDS):
        year = 2030 + round_number
        assert numbering(site, year).in_order == (1, 2)
        assert last_number(site.id, year) == 2
        with session_scope() as s:
            rows = s.exec(select(BookingCounter).where(BookingCounter.year == year)).all()
        assert len(rows) == 1


def test_many_dossiers_created_at_once_all_get_their_own_consecutive_reference(session, site):
    reference_data()
    admin = make_actor(session)
    client = make_client(session, "CSE Michelin")
    users, each = 6, 4
    barrier = threading.Barrier(users, timeout=10)
    errors: list[BaseException] = []

    def create_some() -> None:
        try:
            barrier.wait()
            for _ in range(each):
                make_booking(admin, client, site)
        except BaseException as exc:  # noqa: BLE001 — reported by the test
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=create_some) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    with session_scope() as s:
        references = sorted(s.exec(select(Booking.reference)).all())
    assert references == [f"VDL-2026-{n:04d}" for n in range(1, users * each + 1)]
    assert last_number(site.id, 2026) == users * each


# --- Status changes and amendments of one dossier ---------------------------------------------


@pytest.fixture
def admin(session: Session, site: AgencySite) -> Actor:
    reference_data()
    return make_actor(session)


def confirmed_booking(admin: Actor, site: AgencySite) -> Booking:
    with session_scope() as s:
        client = make_client(s, "CSE Michelin")
    booking = make_booking(admin, client, site)
    with session_scope() as s:
        return change_status(s, admin, booking.id, Status.CONFIRMED)


WANTED = {"anne": Status.DONE, "bob": Status.CANCELLED}


def test_a_dossier_done_and_cancelled_at_once_takes_one_step_and_refuses_the_other(
    session, admin, site
):
    """From « confirmé » both steps are allowed; once one is taken the other is not
    (« réalisé » cannot be cancelled, « annulé » cannot be done)."""
    for _ in range(ROUNDS):
        booking = confirmed_booking(admin, site)

        def step(s: Session, name: str, booking_id: int = booking.id) -> str:
            return change_status(s, admin, booking_id, WANTED[name], "Fin du voyage").status

        race = Race(step).run()
        winner, loser = race.served
        taken, refused = race.in_order
        assert taken == WANTED[winner]
        assert isinstance(refused, FormErrors)
        with session_scope() as s:
            assert s.get(Booking, booking.id).status == WANTED[winner]
            events = s.exec(
                select(BookingEvent.from_status, BookingEvent.to_status)
                .where(BookingEvent.booking_id == booking.id)
                .order_by(BookingEvent.id)
            ).all()
        assert [tuple(event) for event in events] == [
            ("", Status.REQUEST),
            (Status.REQUEST, Status.CONFIRMED),
            (Status.CONFIRMED, WANTED[winner]),
        ]


def test_two_amendments_opened_at_once_make_one_version_the_second_waiting_then_refused(
    session, admin, site
):
    for _ in range(ROUNDS):
        booking = confirmed_booking(admin, site)

        def amend(s: Session, name: str, booking_id: int = booking.id) -> int:
            return start_amendment(s, admin, booking_id, f"Avenant demandé par {name}").version

        first, second = Race(amend).run().in_order
        assert first == 2
        assert isinstance(second, FormErrors) and "en cours" in second.errors[""]
        with session_scope() as s:
            numbers = s.exec(
                select(BookingVersion.number)
                .where(BookingVersion.booking_id == booking.id)
                .order_by(BookingVersion.number)
            ).all()
            assert s.get(Booking, booking.id).version == 2
        assert numbers == [1, 2]
