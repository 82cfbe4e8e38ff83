"""The correspondence log against a real SMTP server: a message is « envoyé » only once the
server accepted it, a failure keeps the server's answer and can be sent again (same Message-ID),
and no database transaction stays open while the network is slow."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from agence.db import get_engine
from agence.models import Booking, MessageAttachment, OutgoingMessage, PartyDocument
from agence.models.base import utcnow
from agence.services.common.forms import FormErrors
from agence.services.common.listing import ListQuery, display_rows
from agence.services.common.permissions import (
    ALL_RIGHTS,
    AccessDenied,
    Action,
    Actor,
    Module,
    Right,
)
from agence.services.common.records import RecordNotFound
from agence.services.documents import attachments, correspondence
from agence.services.documents.correspondence import FAILED, PENDING, SENDING, SENT
from agence.services.settings import mail_settings
from agence.settings import get_settings
from tests.factories import make_actor, make_booking, make_client, make_site, reference_data
from tests.smtp_server import REFUSED_DATA, SmtpServer, free_port, running_smtp

SUBJECT = "Votre séjour à Chenonceau – devis n°2026-014"
BODY = "Bonjour Mme Hervé,\n\nVeuillez trouver le devis et le programme.\n\nÉlodie"


@pytest.fixture
def admin(session: Session) -> Actor:
    reference_data()
    return make_actor(session)


@pytest.fixture
def booking(session: Session, admin: Actor) -> Booking:
    site = make_site(session, "VDL", name="Tours")
    client = make_client(session, "Collège Anatole-France", sales_rep_id=admin.user_id)
    return make_booking(admin, client, site)


def configure(session: Session, actor: Actor, port: int) -> None:
    mail_settings.save(
        session,
        actor,
        {
            "host": "127.0.0.1",
            "port": str(port),
            "security": "none",
            "timeout_seconds": "2",
            "sender_address": "agence@escapades.test",
            "sender_name": "Escapades en Loire",
        },
    )
    session.commit()


@pytest.fixture
def smtp(session: Session, admin: Actor) -> Iterator[SmtpServer]:
    """A running server, and the agency's settings pointing at it."""
    with running_smtp() as server:
        configure(session, admin, server.port)
        yield server


def pdf() -> bytes:
    """New bytes for each test: files are kept once by content and outlive the database."""
    return b"%PDF-1.7\n\x00\xff" + uuid.uuid4().bytes + b"\n%%EOF\n"


def document(session: Session, actor: Actor, booking: Booking, name: str) -> PartyDocument:
    stored = attachments.store_document(
        session, actor, "booking_id", booking.id or 0, name, pdf(), title=name
    )
    session.commit()
    return stored


def record(session: Session, actor: Actor, booking: Booking, **values) -> OutgoingMessage:
    fields = {
        "booking_id": booking.id,
        "client_id": booking.client_id,
        "kind": "devis",
        "to": ["claire.herve@college.fr", "direction@college.fr"],
        "cc": ["compta@college.fr"],
        "subject": SUBJECT,
        "body": BODY,
        "document_ids": [],
    }
    fields.update(values)
    message = correspondence.record_message(session, actor, **fields)
    session.commit()
    return message


def stored_row(session: Session, message_id: int) -> OutgoingMessage:
    session.expire_all()
    row = session.get(OutgoingMessage, message_id)
    assert row is not None
    return row


# --- Recording ----------------------------------------------------------------------------------


def test_a_recorded_message_waits_with_its_message_id_author_and_attachments(
    session, admin, booking
):
    devis = document(session, admin, booking, "Devis 2026-014.pdf")
    message = record(session, admin, booking, document_ids=[devis.id, devis.id])
    row = stored_row(session, message.id or 0)
    assert (row.status, row.attempts, row.server_answer, row.sent_at) == (PENDING, 0, "", None)
    assert row.message_id.startswith("<") and row.message_id.endswith(">")
    assert row.user_id == admin.user_id and row.user_label == admin.display_name
    assert row.recipients == "claire.herve@college.fr, direction@college.fr"
    assert row.cc == "compta@college.fr"
    attached = session.exec(
        select(MessageAttachment.document_id).where(MessageAttachment.message_id == row.id)
    ).all()
    assert attached == [devis.id]


def test_recording_refuses_missing_recipients_bad_addresses_and_a_missing_subject(
    session, admin, booking
):
    with pytest.raises(FormErrors) as failure:
        correspondence.record_message(
            session,
            admin,
            booking_id=booking.id,
            to=[],
            cc=["pas-une-adresse", "ok@college.fr", "autre@"],
            subject="  \n ",
            body="",
        )
    assert failure.value.errors == {
        "to": "Indiquez au moins un destinataire.",
        "cc": "Adresses e-mail invalides : pas-une-adresse, autre@",
        "subject": "Indiquez l'objet du message.",
    }
    with pytest.raises(FormErrors) as failure:
        correspondence.record_message(
            session, admin, booking_id=booking.id, to=["a@b.fr"], subject="x" * 301, body=""
        )
    assert failure.value.errors == {"subject": "300 caractères au plus."}


def test_recording_needs_the_right_to_edit_the_dossier_or_the_third_party(session, admin, booking):
    reader = make_actor(session, {Right(Module.BOOKINGS, Action.SEE)})
    with pytest.raises(AccessDenied):
        record(session, reader, booking)
    no_third_parties = make_actor(
        session, frozenset(ALL_RIGHTS) - {Right(Module.THIRD_PARTIES, Action.EDIT)}
    )
    with pytest.raises(AccessDenied):
        correspondence.record_message(
            session,
            no_third_parties,
            client_id=booking.client_id,
            to=["a@b.fr"],
            subject="Relance",
            body="",
        )
    with pytest.raises(RecordNotFound):
        correspondence.record_message(
            session, admin, to=["a@b.fr"], subject="Sans dossier", body=""
        )


def test_a_rep_limited_to_his_clients_cannot_write_from_a_colleagues_dossier(
    session, admin, booking
):
    paul = make_actor(session, own_clients_only=True)
    with pytest.raises(RecordNotFound):
        record(session, paul, booking)
    message = record(session, admin, booking)
    with pytest.raises(RecordNotFound):
        correspondence.message_detail(session, paul, message.id or 0)


def test_a_document_the_actor_cannot_read_cannot_be_attached(session, admin, booking):
    other_client = make_client(session, "Amicale de Lise")
    hidden = attachments.store_document(
        session, admin, "client_id", other_client.id or 0, "contrat.pdf", pdf()
    )
    session.commit()
    paul = make_actor(session, own_clients_only=True)
    his = make_client(session, "Amicale de Paul", sales_rep_id=paul.user_id)
    with pytest.raises(FormErrors) as failure:
        correspondence.record_message(
            session,
            paul,
            client_id=his.id,
            to=["a@b.fr"],
            subject="Contrat",
            body="",
            document_ids=[hidden.id or 0],
        )
    assert failure.value.errors == {"documents": "Une pièce jointe est introuvable."}


# --- Delivery -----------------------------------------------------------------------------------


def test_a_message_is_sent_with_its_recipients_text_attachments_and_message_id(
    session, admin, booking, smtp
):
    devis = document(session, admin, booking, "Devis été.pdf")
    programme = document(session, admin, booking, "Programme.pdf")
    message = record(session, admin, booking, document_ids=[devis.id, programme.id])
    sent = correspondence.deliver_recorded(message.id or 0)
    assert sent.status == SENT
    (received,) = smtp.received
    assert received.mail_from == "agence@escapades.test"
    assert received.rcpt_tos == (
        "claire.herve@college.fr",
        "direction@college.fr",
        "compta@college.fr",
    )
    email = received.message()
    assert email["Subject"] == SUBJECT
    assert email["From"] == "Escapades en Loire <agence@escapades.test>"
    assert email.get_body(("plain",)).get_content().rstrip("\n") == BODY
    files = {part.get_filename(): part.get_content() for part in email.iter_attachments()}
    files_dir = get_settings().files_dir
    assert files == {
        "Devis été.pdf": (files_dir / devis.stored_name).read_bytes(),
        "Programme.pdf": (files_dir / programme.stored_name).read_bytes(),
    }
    row = stored_row(session, message.id or 0)
    assert email["Message-ID"] == row.message_id
    assert (row.status, row.attempts) == (SENT, 1)
    assert row.server_answer.startswith("250")
    assert row.sent_at is not None


def test_no_database_connection_is_held_while_the_server_answers(session, admin, booking, smtp):
    message = record(session, admin, booking)
    pool = get_engine().pool
    before = pool.checkedout()
    during: list[int] = []
    smtp.handler.on_data = lambda envelope: during.append(pool.checkedout())
    correspondence.deliver_recorded(message.id or 0)
    assert during == [before]


def test_a_refused_connection_fails_in_french_and_the_retry_sends_it(session, admin, booking):
    port = free_port()
    configure(session, admin, port)
    message = record(session, admin, booking)
    failed = correspondence.deliver_recorded(message.id or 0)
    assert failed.status == FAILED
    assert failed.server_answer == f"Connexion impossible à 127.0.0.1:{port} : Connection refused"
    row = stored_row(session, message.id or 0)
    assert (row.status, row.attempts, row.sent_at) == (FAILED, 1, None)
    assert row.server_answer == failed.server_answer

    correspondence.retry(session, admin, message.id or 0)
    session.commit()
    assert stored_row(session, message.id or 0).status == PENDING
    with running_smtp(port=port) as server:
        sent = correspondence.deliver_recorded(message.id or 0)
    assert (sent.status, sent.attempts) == (SENT, 2)
    assert server.received[0].message()["Message-ID"] == row.message_id


def test_a_message_the_server_refuses_keeps_its_answer_and_can_be_sent_again(
    session, admin, booking
):
    with running_smtp(refuse_data=True) as server:
        configure(session, admin, server.port)
        message = record(session, admin, booking)
        failed = correspondence.deliver_recorded(message.id or 0)
        assert (failed.status, failed.server_answer) == (FAILED, REFUSED_DATA)
        assert "554" in stored_row(session, message.id or 0).server_answer
        server.handler.refuse_data = None
        correspondence.retry(session, admin, message.id or 0)
        session.commit()
        sent = correspondence.deliver_recorded(message.id or 0)
    assert (sent.status, sent.attempts, sent.server_answer) == (SENT, 2, "250 OK")
    assert len(server.received) == 1


def test_only_a_failed_message_can_be_sent_again(session, admin, booking, smtp):
    message = record(session, admin, booking)
    with pytest.raises(FormErrors, match="Seul un message en échec"):
        correspondence.retry(session, admin, message.id or 0)
    session.rollback()
    correspondence.deliver_recorded(message.id or 0)
    with pytest.raises(FormErrors):
        correspondence.retry(session, admin, message.id or 0)


def test_sending_again_needs_the_edit_right(session, admin, booking):
    configure(session, admin, free_port())
    message = record(session, admin, booking)
    correspondence.deliver_recorded(message.id or 0)
    reader = make_actor(session, {Right(Module.BOOKINGS, Action.SEE)})
    with pytest.raises(AccessDenied):
        correspondence.retry(session, reader, message.id or 0)
    assert correspondence.message_detail(session, reader, message.id or 0)["can_retry"] == ""
    assert correspondence.message_detail(session, admin, message.id or 0)["can_retry"] == "1"


def test_a_message_is_delivered_once_even_if_asked_twice(session, admin, booking, smtp):
    message = record(session, admin, booking)
    correspondence.deliver_recorded(message.id or 0)
    again = correspondence.deliver_recorded(message.id or 0)
    assert (again.status, again.attempts) == (SENT, 1)
    assert len(smtp.received) == 1


def test_a_message_being_sent_elsewhere_is_left_alone(session, admin, booking, smtp):
    message = record(session, admin, booking)
    row = stored_row(session, message.id or 0)
    row.status, row.claimed_at = SENDING, utcnow()
    session.add(row)
    session.commit()
    untouched = correspondence.deliver_recorded(message.id or 0)
    assert (untouched.status, untouched.attempts) == (SENDING, 0)
    assert smtp.received == []


def test_without_mail_settings_the_message_fails_with_the_reason(session, admin, booking):
    message = record(session, admin, booking)
    failed = correspondence.deliver_recorded(message.id or 0)
    assert failed.status == FAILED
    assert "Paramètres › Messagerie" in failed.server_answer
    assert failed.attempts == 1


def test_a_missing_attachment_file_fails_the_message_before_the_server(
    session, admin, booking, smtp
):
    devis = document(session, admin, booking, "Devis.pdf")
    message = record(session, admin, booking, document_ids=[devis.id])
    (get_settings().files_dir / devis.stored_name).unlink()
    failed = correspondence.deliver_recorded(message.id or 0)
    assert (failed.status, failed.server_answer) == (FAILED, "Pièce jointe introuvable : Devis.pdf")
    assert smtp.received == []


def test_delivery_works_from_a_background_thread(session, admin, booking, smtp):
    message = record(session, admin, booking)
    results: list[OutgoingMessage] = []
    worker = threading.Thread(
        target=lambda: results.append(correspondence.deliver_recorded(message.id or 0))
    )
    worker.start()
    worker.join(10)
    assert [r.status for r in results] == [SENT]
    assert stored_row(session, message.id or 0).status == SENT


# --- Batches ------------------------------------------------------------------------------------


def test_a_batch_reuses_one_connection_reports_progress_and_survives_a_refusal(
    session, admin, booking
):
    with running_smtp(refuse_recipients=["refus@college.fr"]) as server:
        configure(session, admin, server.port)
        ids = [
            record(
                session,
                admin,
                booking,
                to=["refus@college.fr" if n == 4 else f"parent{n}@college.fr"],
                cc=[],
                subject=f"Convocation {n}",
                batch="convocations",
            ).id
            or 0
            for n in range(20)
        ]
        calls: list[tuple[int, int, str]] = []
        results = correspondence.send_batch(
            ids, lambda done, total, message: calls.append((done, total, message.status))
        )
        assert server.connections == 1
        assert len(server.received) == 19
    assert [(done, total) for done, total, _ in calls] == [(n, 20) for n in range(1, 21)]
    assert [status for _, _, status in calls] == [FAILED if n == 4 else SENT for n in range(20)]
    assert [r.id for r in results] == ids
    assert "refus@college.fr (550 5.1.1 Destinataire inconnu)" in results[4].server_answer


def test_a_batch_without_a_server_fails_every_message_quickly(session, admin, booking):
    configure(session, admin, free_port())
    ids = [record(session, admin, booking, subject=f"Relance {n}").id or 0 for n in range(5)]
    started = time.monotonic()
    results = correspondence.send_batch(ids)
    assert time.monotonic() - started < 5
    assert {r.status for r in results} == {FAILED}
    assert all(r.server_answer.startswith("Connexion impossible") for r in results)


# --- The log ------------------------------------------------------------------------------------


def test_the_dossiers_log_lists_its_messages_newest_first_and_searches(
    session, admin, booking, smtp
):
    devis = document(session, admin, booking, "Devis.pdf")
    first = record(session, admin, booking, subject="Devis du séjour", document_ids=[devis.id])
    correspondence.deliver_recorded(first.id or 0)
    second = record(session, admin, booking, subject="Programme définitif", to=["x@y.fr"], cc=[])
    spec = correspondence.MESSAGES_OF_BOOKING
    page = correspondence.messages_page(session, admin, "booking_id", booking.id or 0, ListQuery())
    rows = display_rows(spec, page.rows)
    assert [row["id"] for row in rows] == [str(second.id), str(first.id)]
    assert rows[1]["subject"] == "Devis du séjour"
    assert rows[1]["attachments"] == "1"
    assert rows[1]["status"] == "Envoyé"
    assert rows[0]["status"] == "En attente"
    assert rows[0]["recipients"] == "x@y.fr"
    assert rows[1]["user_label"] == admin.display_name
    found = correspondence.messages_page(
        session, admin, "booking_id", booking.id or 0, ListQuery(search="direction@college")
    )
    assert [row["id"] for row in found.rows] == [first.id]
    client_page = correspondence.messages_page(
        session, admin, "client_id", booking.client_id, ListQuery(filters={"status": SENT})
    )
    assert [row["id"] for row in client_page.rows] == [first.id]


def test_the_log_needs_the_right_to_see_the_file(session, admin, booking):
    outsider = make_actor(session, {Right(Module.THIRD_PARTIES, Action.SEE)})
    with pytest.raises(AccessDenied):
        correspondence.messages_page(session, outsider, "booking_id", booking.id or 0, ListQuery())
    clients_only = make_actor(session, {Right(Module.BOOKINGS, Action.SEE)})
    with pytest.raises(AccessDenied):
        correspondence.messages_page(
            session, clients_only, "client_id", booking.client_id, ListQuery()
        )


def test_the_detail_shows_every_field_and_the_attachments_to_download(
    session, admin, booking, smtp
):
    devis = document(session, admin, booking, "Devis.pdf")
    message = record(session, admin, booking, document_ids=[devis.id])
    correspondence.deliver_recorded(message.id or 0)
    detail = correspondence.message_detail(session, admin, message.id or 0)
    assert detail["subject"] == SUBJECT and detail["body"] == BODY
    assert detail["recipients"] == "claire.herve@college.fr, direction@college.fr"
    assert detail["cc"] == "compta@college.fr"
    assert detail["sender"] == "Escapades en Loire <agence@escapades.test>"
    assert (detail["status_label"], detail["status_color"]) == ("Envoyé", "green")
    assert detail["server_answer"] == "250 OK" and detail["attempts"] == "1"
    assert detail["sent_at"] and detail["created_at"]
    assert detail["booking_id"] == str(booking.id)
    assert detail["attachments"] == [
        {
            "document_id": str(devis.id),
            "title": "Devis.pdf",
            "file_name": "Devis.pdf",
            "size": str(devis.size),
        }
    ]
    reader = make_actor(session, {Right(Module.THIRD_PARTIES, Action.SEE)})
    with pytest.raises(AccessDenied):
        correspondence.message_detail(session, reader, message.id or 0)
