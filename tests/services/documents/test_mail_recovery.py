"""E-mails after a crash, against a real SMTP server: a message whose sender died « en cours »
is sent again once, with the Message-ID stored before its first attempt, then the rest of its
batch; interrupted twice it fails and waits for « Renvoyer »; a second recovery sends nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from email.parser import BytesHeaderParser
from pathlib import Path

import pytest
from alembic.command import upgrade
from sqlalchemy import text
from sqlmodel import Session, select

from agence.cli import alembic_config
from agence.db import engine_for
from agence.models import Booking, OutgoingMessage, SupplierExchange
from agence.models.base import utcnow
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Actor
from agence.services.documents import correspondence
from agence.services.documents.correspondence import (
    CLAIM_LEASE,
    FAILED,
    INTERRUPTED,
    LEFT_WAITING,
    PENDING,
    SENDING,
    SENT,
)
from agence.services.settings import mail_settings
from agence.settings import get_settings
from tests.conftest import _DATA_DIR
from tests.factories import (
    make_actor,
    make_booking,
    make_client,
    make_site,
    make_supplier,
    reference_data,
)
from tests.smtp_server import SmtpServer, running_smtp

PROJECT_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def admin(session: Session) -> Actor:
    reference_data()
    return make_actor(session)


@pytest.fixture
def booking(session: Session, admin: Actor) -> Booking:
    site = make_site(session, "VDL", name="Tours")
    client = make_client(session, "Collège Anatole-France", sales_rep_id=admin.user_id)
    return make_booking(admin, client, site)


def configure(session: Session, actor: Actor, port: int, timeout: int = 2) -> None:
    mail_settings.save(
        session,
        actor,
        {
            "host": "127.0.0.1",
            "port": str(port),
            "security": "none",
            "timeout_seconds": str(timeout),
            "sender_address": "agence@escapades.test",
            "sender_name": "Escapades en Loire",
        },
    )
    session.commit()


@pytest.fixture
def smtp(session: Session, admin: Actor) -> Iterator[SmtpServer]:
    with running_smtp() as server:
        configure(session, admin, server.port)
        yield server


def queue(session: Session, actor: Actor, booking: Booking, count: int, **values) -> list[int]:
    """`count` messages of one batch, « en attente » as « Envoyer à tous » leaves them."""
    ids = []
    for n in range(count):
        fields = {
            "booking_id": booking.id,
            "client_id": booking.client_id,
            "kind": "devis",
            "to": [f"fournisseur{n}@exemple.fr"],
            "subject": f"Demande de réservation {n}",
            "body": "Bonjour,\n\nMerci de confirmer.",
            "batch": "lot",
        }
        fields.update(values)
        ids.append(correspondence.record_message(session, actor, **fields).id or 0)
    session.commit()
    return ids


def row(session: Session, message_id: int) -> OutgoingMessage:
    session.expire_all()
    found = session.get(OutgoingMessage, message_id)
    assert found is not None
    return found


def crash_while_sending(
    session: Session, message_id: int, *, resumed: bool = False, claimed_ago=timedelta(0)
) -> None:
    """What a process killed during the network call leaves: the message taken, never
    answered."""
    message = row(session, message_id)
    message.status, message.claimed_at = SENDING, utcnow() - claimed_ago
    message.attempts += 1
    message.resumed = resumed
    session.add(message)
    session.commit()


def message_ids(server: SmtpServer) -> list[str]:
    parser = BytesHeaderParser()
    return [str(parser.parsebytes(r.data)["Message-ID"]) for r in server.received]


def test_the_interrupted_message_is_sent_again_once_with_its_message_id_then_the_rest(
    session, admin, booking, smtp
):
    first, second, third = queue(session, admin, booking, 3)
    crash_while_sending(session, first)
    stored_id = row(session, first).message_id

    resumption = correspondence.resume_interrupted_messages()

    assert (resumption.resumed, resumption.given_up) == (1, 0)
    assert [r.id for r in resumption.results] == [first, second, third]
    assert message_ids(smtp) == [row(session, i).message_id for i in (first, second, third)]
    assert message_ids(smtp)[0] == stored_id
    resent = row(session, first)
    assert (resent.status, resent.attempts, resent.resumed) == (SENT, 2, True)
    assert [row(session, i).status for i in (second, third)] == [SENT, SENT]
    assert [row(session, i).attempts for i in (second, third)] == [1, 1]


def test_a_second_recovery_sends_nothing_more(session, admin, booking, smtp):
    first, *_ = queue(session, admin, booking, 3)
    crash_while_sending(session, first)
    correspondence.resume_interrupted_messages()
    again = correspondence.resume_interrupted_messages()
    assert (again.resumed, again.given_up, again.results) == (0, 0, [])
    assert len(smtp.received) == 3


def test_a_message_interrupted_again_after_its_second_attempt_fails_and_can_be_resent(
    session, admin, booking, smtp
):
    (message_id,) = queue(session, admin, booking, 1)
    crash_while_sending(session, message_id, resumed=True)

    resumption = correspondence.resume_interrupted_messages()

    assert (resumption.resumed, resumption.given_up, resumption.results) == (0, 1, [])
    assert smtp.received == []
    failed = row(session, message_id)
    assert (failed.status, failed.server_answer) == (FAILED, INTERRUPTED)
    assert correspondence.message_detail(session, admin, message_id)["can_retry"] == "1"
    correspondence.retry(session, admin, message_id)
    session.commit()
    sent = correspondence.deliver_recorded(message_id)
    assert sent.status == SENT
    assert message_ids(smtp) == [failed.message_id]


def test_renvoyer_takes_a_message_left_en_cours_past_the_lease_not_one_being_sent(
    session, admin, booking, smtp
):
    (message_id,) = queue(session, admin, booking, 1)
    crash_while_sending(session, message_id)
    with pytest.raises(FormErrors, match="en cours d'envoi"):
        correspondence.retry(session, admin, message_id)
    session.rollback()
    assert correspondence.message_detail(session, admin, message_id)["can_retry"] == ""

    crash_while_sending(session, message_id, claimed_ago=CLAIM_LEASE + timedelta(minutes=1))
    detail = correspondence.message_detail(session, admin, message_id)
    assert (detail["status_label"], detail["can_retry"]) == ("Interrompu", "1")
    correspondence.retry(session, admin, message_id)
    session.commit()
    sent = correspondence.deliver_recorded(message_id)
    assert (sent.status, sent.attempts) == (SENT, 3)
    assert message_ids(smtp) == [sent.message_id]


def test_a_recovery_with_a_lease_leaves_a_message_being_sent_alone(session, admin, booking, smtp):
    being_sent, stale = queue(session, admin, booking, 2)
    crash_while_sending(session, being_sent)
    crash_while_sending(session, stale, claimed_ago=CLAIM_LEASE * 2)

    resumption = correspondence.resume_interrupted_messages(lease=CLAIM_LEASE)

    assert [r.id for r in resumption.results] == [stale]
    assert row(session, being_sent).status == SENDING
    assert row(session, stale).status == SENT


def test_what_waited_longer_than_the_maximum_age_fails_instead_of_being_sent(
    session, admin, booking, smtp
):
    interrupted, waiting, fresh = queue(session, admin, booking, 3)
    four_days = timedelta(days=4)
    crash_while_sending(session, interrupted, claimed_ago=four_days)
    old = row(session, waiting)
    old.created_at = utcnow() - four_days
    session.add(old)
    session.commit()

    resumption = correspondence.resume_interrupted_messages()

    assert (resumption.resumed, resumption.given_up) == (0, 2)
    assert [r.id for r in resumption.results] == [fresh]
    assert (row(session, interrupted).status, row(session, interrupted).server_answer) == (
        FAILED,
        INTERRUPTED,
    )
    assert (row(session, waiting).status, row(session, waiting).server_answer) == (
        FAILED,
        LEFT_WAITING,
    )
    assert len(smtp.received) == 1


def test_a_supplier_request_sent_by_the_recovery_is_noted_once_in_the_exchanges(
    session, admin, booking, smtp
):
    supplier = make_supplier(session, "Château de Chenonceau")
    (message_id,) = queue(
        session,
        admin,
        booking,
        1,
        client_id=None,
        supplier_id=supplier.id,
        kind="demande_reservation",
    )
    crash_while_sending(session, message_id)
    correspondence.resume_interrupted_messages()
    correspondence.deliver_recorded(message_id)  # already sent: nothing more
    exchanges = session.exec(
        select(SupplierExchange).where(SupplierExchange.booking_id == booking.id)
    ).all()
    assert [e.summary.split(" envoyé")[0] for e in exchanges] == ["Demande de réservation"]


def test_a_late_failure_does_not_overwrite_what_the_recovery_decided(session, admin, booking):
    """The original sender answering after recovery took its message over leaves it alone;
    the server's « oui » is always recorded."""
    (message_id,) = queue(session, admin, booking, 1)
    crash_while_sending(session, message_id)
    row_, outbound = correspondence._claim(message_id)
    assert row_ is not None and outbound is None  # already taken
    failed = correspondence._record(message_id, 0, correspondence.Delivery(False, "421 Trop tard"))
    assert failed is not None and failed.status == SENDING
    sent = correspondence._record(message_id, 0, correspondence.Delivery(True, "250 OK"))
    assert sent is not None and sent.status == SENT


def test_the_start_up_task_resumes_and_logs_instead_of_raising(
    session, admin, booking, smtp, monkeypatch
):
    first, second = queue(session, admin, booking, 2)
    crash_while_sending(session, first)
    asyncio.run(correspondence.resume_at_start_up())
    assert [row(session, i).status for i in (first, second)] == [SENT, SENT]

    def broken(**_):
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(correspondence, "resume_interrupted_messages", broken)
    asyncio.run(correspondence.resume_at_start_up())  # logged, not raised


_SEND_BATCH = (
    "import sys\n"
    "from agence.services.documents import correspondence\n"
    "correspondence.send_batch([int(a) for a in sys.argv[1:]])\n"
)


def test_a_process_killed_during_a_batch_is_finished_by_the_recovery(session, admin, booking, db):
    """A real SIGKILL while the server holds the second message's DATA: the server took it,
    the killed process never knew. Recovery sends it again with the same Message-ID (the
    recipient keeps one), then the rest; the first is not sent twice."""
    reached, release = threading.Event(), threading.Event()
    seen = {"data": 0}

    def hold_the_second(_envelope) -> None:
        seen["data"] += 1
        if seen["data"] == 2:
            reached.set()
            release.wait(15)

    with running_smtp() as server:
        configure(session, admin, server.port, timeout=15)
        ids = queue(session, admin, booking, 4)
        server.handler.on_data = hold_the_second
        settings = get_settings()
        environment = {
            **os.environ,
            "AGENCE_DATABASE_URL": db,
            "AGENCE_DATA_DIR": str(settings.data_dir),
        }
        child = subprocess.Popen(
            [sys.executable, "-c", _SEND_BATCH, *map(str, ids)],
            cwd=PROJECT_ROOT,
            env=environment,
        )
        try:
            assert reached.wait(15), "the child never reached the second message"
            os.kill(child.pid, signal.SIGKILL)
            assert child.wait(10) == -signal.SIGKILL
        finally:
            if child.poll() is None:
                child.kill()
            release.set()
        statuses = [row(session, i).status for i in ids]
        assert statuses == [SENT, SENDING, PENDING, PENDING]

        resumption = correspondence.resume_interrupted_messages()
        assert (resumption.resumed, resumption.given_up) == (1, 0)
        assert correspondence.resume_interrupted_messages().results == []
        stored = [row(session, i).message_id for i in ids]
        assert message_ids(server) == [stored[0], stored[1], stored[1], stored[2], stored[3]]
    assert [row(session, i).status for i in ids] == [SENT] * 4


def test_the_migration_turns_the_old_in_flight_marker_into_en_cours():
    path = _DATA_DIR / "claims-migration.db"
    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    config = alembic_config(url)
    upgrade(config, "0006")
    engine = engine_for(url)
    with engine.begin() as connection:
        for answer in ("Envoi en cours…", "250 OK"):
            connection.execute(
                text(
                    "INSERT INTO outgoing_messages (kind, user_label, sender, recipients, cc, "
                    "subject, body, message_id, status, server_answer, attempts, batch, "
                    "created_at) VALUES ('devis', '', '', 'a@b.fr', '', 'Objet', '', '<x@y>', "
                    "'en_attente', :answer, 1, '', '2026-11-30 10:00:00')"
                ).bindparams(answer=answer)
            )
    upgrade(config, "0007")
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT status, server_answer, resumed FROM outgoing_messages ORDER BY id")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(SENDING, "", 0), (PENDING, "250 OK", 0)]
