"""The correspondence log: every e-mail sent from a dossier, a client or a supplier, with what the
agency's SMTP server answered.

A message is first recorded (« en attente ») in the user's transaction, then delivered outside
any transaction: the network call may take the server's whole timeout, and a database
transaction held that long would block colleagues (and SQLite's single writer). Only a message
the server accepted becomes « envoyé »; a failed one keeps its server answer and can be sent
again with the same Message-ID.

Sending first takes the message with a conditional update (« en cours », claimed_at,
attempts + 1): two workers never send the same message. A process killed during the network
call leaves the message « en cours »: nobody knows whether the server took it. At start-up,
`resume_interrupted_messages` sends such a message again ONCE, with the Message-ID stored
before the first attempt (mail software keeps one copy per Message-ID), then the rest of the
queue; interrupted a second time, it fails (« interrompu ») and waits for « Renvoyer ».
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, ScalarSelect, and_, func, or_, update
from sqlmodel import Session, col, select

from agence.db import session_scope
from agence.models import MessageAttachment, OutgoingMessage, PartyDocument, SupplierExchange
from agence.models.base import utcnow
from agence.services.bookings.bookings import get_booking
from agence.services.common import formats
from agence.services.common.forms import FormErrors
from agence.services.common.listing import (
    ChoiceFilter,
    Column,
    ListPage,
    ListQuery,
    ListSpec,
    fetch_page,
)
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import RecordNotFound, get_record
from agence.services.documents import mailer
from agence.services.documents.attachments import readable_document
from agence.services.documents.content import KIND_LABELS, DocumentKind
from agence.services.documents.mailer import Attachment, Delivery, MailAccount, SmtpLink
from agence.services.parties.clients import CLIENTS
from agence.services.parties.suppliers import SUPPLIERS
from agence.services.settings import mail_settings
from agence.services.settings.mail_settings import MailNotConfigured
from agence.settings import get_settings

log = logging.getLogger(__name__)

PENDING = "en_attente"
SENDING = "en_cours"
"""Taken for sending (claimed_at says when): a second worker, or a double click, leaves it."""
SENT = "envoye"
FAILED = "echec"
STATUS_LABELS: dict[str, str] = {
    PENDING: "En attente",
    SENDING: "Envoi en cours",
    SENT: "Envoyé",
    FAILED: "Échec",
}
STATUS_COLORS: dict[str, str] = {PENDING: "amber", SENDING: "blue", SENT: "green", FAILED: "red"}

CLAIM_LEASE = timedelta(minutes=15)
"""No delivery takes that long (every SMTP step has the account's timeout): a message « en
cours » for longer was interrupted, and « Renvoyer » accepts it."""
RESUME_MAX_AGE = timedelta(days=3)
"""Recovery does not send on its own what has waited longer (say after a long outage): the
user decides with « Renvoyer »."""
INTERRUPTED = "Interrompu : vérifiez la boîte d'envoi avant de renvoyer."
"""Interrupted again after its automatic second attempt: it may have reached the server."""
LEFT_WAITING = "Resté en attente après une interruption : vérifiez avant de renvoyer."
OWNER_FIELDS = ("booking_id", "client_id", "supplier_id")
MAX_ATTACHMENTS_BYTES = 15_000_000
"""Base64 adds a third: about 20 Mo on the wire, what most servers still take."""

_ANSWER_LENGTH = 1000
_RECIPIENTS_LENGTH = 2000
_SUBJECT_LENGTH = 300
_BODY_LENGTH = 20000
_SENDER_LENGTH = 400

ProgressCallback = Callable[[int, int, OutgoingMessage], None]


# --- Access -------------------------------------------------------------------------------------


def _check_owner(
    session: Session,
    actor: Actor,
    action: Action,
    *,
    booking_id: int | None,
    client_id: int | None,
    supplier_id: int | None,
) -> None:
    """The rights of the file the message belongs to: the dossier's when there is one (with its
    « own clients only » restriction), else the client's or supplier's."""
    if booking_id is not None:
        booking = get_booking(session, actor, booking_id)
        actor.require(Module.BOOKINGS, action)
        if client_id is not None and client_id != booking.client_id:
            raise RecordNotFound("client du dossier", client_id)
        if supplier_id is not None:
            get_record(session, SUPPLIERS, supplier_id, actor)
        return
    if client_id is None and supplier_id is None:
        raise RecordNotFound("dossier ou tiers du message", "")
    actor.require(Module.THIRD_PARTIES, action)
    if client_id is not None:
        get_record(session, CLIENTS, client_id, actor)
    if supplier_id is not None:
        get_record(session, SUPPLIERS, supplier_id, actor)


def _owners(message: OutgoingMessage) -> dict[str, int | None]:
    return {
        "booking_id": message.booking_id,
        "client_id": message.client_id,
        "supplier_id": message.supplier_id,
    }


def _message(session: Session, message_id: int, *, for_update: bool = False) -> OutgoingMessage:
    message = session.get(
        OutgoingMessage,
        message_id,
        with_for_update=for_update or None,
        populate_existing=True,  # delivery changes rows from other sessions
    )
    if message is None:
        raise RecordNotFound("message", message_id)
    return message


# --- Recording ----------------------------------------------------------------------------------


def _addresses(
    field: str, values: Sequence[str], required: bool, errors: dict[str, str]
) -> list[str]:
    try:
        return mailer.parse_addresses(", ".join(values), required=required)
    except ValueError as exc:
        errors[field] = str(exc)
        return []


def _default_sender(session: Session) -> str:
    settings = mail_settings.current(session)
    if settings is None or not settings.sender_address:
        return ""
    return formataddr((settings.sender_name, settings.sender_address))


def record_message(
    session: Session,
    actor: Actor,
    *,
    booking_id: int | None = None,
    client_id: int | None = None,
    supplier_id: int | None = None,
    kind: str = "",
    to: Sequence[str],
    cc: Sequence[str] = (),
    subject: str,
    body: str,
    document_ids: Sequence[int] = (),
    sender: str = "",
    batch: str = "",
) -> OutgoingMessage:
    """Keeps a message to send (« en attente ») in the caller's transaction; the caller then
    hands its id to `deliver_recorded` (or `send_batch`) once the transaction is committed.
    `sender` is the From shown in the log (the mail settings' when empty)."""
    _check_owner(
        session,
        actor,
        Action.EDIT,
        booking_id=booking_id,
        client_id=client_id,
        supplier_id=supplier_id,
    )
    errors: dict[str, str] = {}
    recipients = _addresses("to", to, True, errors)
    copies = [a for a in _addresses("cc", cc, False, errors) if a not in recipients]
    if "to" not in errors and len(", ".join(recipients)) > _RECIPIENTS_LENGTH:
        errors["to"] = "Trop de destinataires : 2 000 caractères au plus."
    if "cc" not in errors and len(", ".join(copies)) > _RECIPIENTS_LENGTH:
        errors["cc"] = "Trop de destinataires en copie : 2 000 caractères au plus."
    subject = mailer.one_line(subject)
    if not subject:
        errors["subject"] = "Indiquez l'objet du message."
    elif len(subject) > _SUBJECT_LENGTH:
        errors["subject"] = f"{_SUBJECT_LENGTH} caractères au plus."
    if len(body) > _BODY_LENGTH:
        errors["body"] = "20 000 caractères au plus."
    documents: list[PartyDocument] = []
    for document_id in dict.fromkeys(document_ids):
        try:
            documents.append(readable_document(session, actor, document_id)[1])
        except RecordNotFound:
            errors["documents"] = "Une pièce jointe est introuvable."
    if sum(document.size for document in documents) > MAX_ATTACHMENTS_BYTES:
        errors["documents"] = "Pièces jointes trop lourdes : 15 Mo au plus au total."
    if errors:
        raise FormErrors(errors)
    sender = mailer.one_line(sender) or _default_sender(session)
    message = OutgoingMessage(
        booking_id=booking_id,
        client_id=client_id,
        supplier_id=supplier_id,
        kind=kind[:30],
        user_id=actor.user_id,
        user_label=actor.display_name[:200],
        sender=sender[:_SENDER_LENGTH],
        recipients=", ".join(recipients),
        cc=", ".join(copies),
        subject=subject,
        body=body,
        message_id=mailer.new_message_id(parseaddr(sender)[1] or "localhost"),
        status=PENDING,
        attempts=0,
        batch=batch[:40],
    )
    session.add(message)
    session.flush()
    for document in documents:
        session.add(MessageAttachment(message_id=message.id or 0, document_id=document.id or 0))
    session.flush()
    return message


def is_interrupted(message: OutgoingMessage, now: datetime | None = None) -> bool:
    """Taken for sending longer ago than any delivery lasts: its sender died, or could not
    record the server's answer."""
    if message.status != SENDING:
        return False
    return message.claimed_at is None or message.claimed_at <= (now or utcnow()) - CLAIM_LEASE


def retry(session: Session, actor: Actor, message_id: int) -> OutgoingMessage:
    """Puts a failed or interrupted message back in the queue (same Message-ID); the caller
    then delivers it. An interrupted one that is sent again may arrive twice if the server had
    taken it: the recipient's mail software recognises it by its Message-ID."""
    message = _message(session, message_id, for_update=True)
    _check_owner(session, actor, Action.EDIT, **_owners(message))
    if message.status == SENDING and not is_interrupted(message):
        raise FormErrors({"": "Ce message est en cours d'envoi."})
    if message.status not in (FAILED, SENDING):
        raise FormErrors({"": "Seul un message en échec ou interrompu peut être renvoyé."})
    message.status = PENDING
    message.server_answer = ""
    message.resumed = False
    session.add(message)
    session.flush()
    return message


# --- Delivery -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Outbound:
    """What phase 1 read for one message, so that phase 2 needs no database."""

    to: list[str]
    cc: list[str]
    subject: str
    body: str
    message_id: str
    attachments: list[Attachment] = field(repr=False)


def _split(addresses: str) -> list[str]:
    return [a.strip() for a in addresses.split(",") if a.strip()]


def _attachments(session: Session, message_id: int) -> list[Attachment]:
    """The stored bytes of each attached document, checked against their hash: what is sent
    is exactly what was attached."""
    files_dir = get_settings().files_dir
    found = []
    for document in session.exec(
        select(PartyDocument)
        .join(MessageAttachment, col(MessageAttachment.document_id) == PartyDocument.id)
        .where(MessageAttachment.message_id == message_id)
        .order_by(col(MessageAttachment.id))
    ):
        path = files_dir / document.stored_name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise _Unsendable(f"Pièce jointe introuvable : {document.file_name}") from exc
        if hashlib.sha256(data).hexdigest() != document.sha256:
            raise _Unsendable(f"Pièce jointe altérée sur le disque : {document.file_name}")
        found.append(Attachment(document.file_name, data, document.mime_type))
    return found


class _Unsendable(Exception):
    """The message cannot be composed (a file is missing): it fails without reaching the
    server."""


def _claim(message_id: int) -> tuple[OutgoingMessage | None, _Outbound | str | None]:
    """Phase 1, one short transaction: takes a pending message (« en cours », claimed_at,
    attempts + 1: the attempt number identifies this claim) and reads everything its delivery
    needs. Returns (None, None) for a message that no longer exists, (row, None) for one not to
    send (already sent, failed, or taken by another worker), (row, reason) for one that fails
    before the network."""
    with session_scope() as session:
        taken = session.exec(
            update(OutgoingMessage)
            .where(col(OutgoingMessage.id) == message_id, col(OutgoingMessage.status) == PENDING)
            .values(
                status=SENDING,
                claimed_at=utcnow(),
                attempts=col(OutgoingMessage.attempts) + 1,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        row = session.get(OutgoingMessage, message_id, populate_existing=True)
        if row is None or not taken:
            return row, None
        try:
            return row, _Outbound(
                to=_split(row.recipients),
                cc=_split(row.cc),
                subject=row.subject,
                body=row.body,
                message_id=row.message_id,
                attachments=_attachments(session, message_id),
            )
        except _Unsendable as exc:
            return row, str(exc)


def _kind_label(stored: str) -> str:
    """The label of a message's stored kind; « Message » for none ("") or an unknown one."""
    try:
        return KIND_LABELS[DocumentKind(stored)]
    except ValueError:
        return "Message"


def _note_supplier_exchange(session: Session, message: OutgoingMessage) -> None:
    """A message to a supplier from a dossier that the server accepted is also an exchange of
    the dossier's supplier correspondence (written with the « envoyé », never apart)."""
    if message.supplier_id is None or message.booking_id is None:
        return
    label = _kind_label(message.kind)
    session.add(
        SupplierExchange(
            booking_id=message.booking_id,
            supplier_id=message.supplier_id,
            user_id=message.user_id,
            user_label=message.user_label,
            kind="email",
            direction="envoye",
            summary=f"{label} envoyé(e) à {message.recipients} : {message.subject}"[:2000],
        )
    )


def _record(message_id: int, attempt: int, delivery: Delivery) -> OutgoingMessage | None:
    """Phase 3, a new short transaction: the outcome of the attempt. The server's « oui » is
    the truth and always recorded (once); a failure only while the message is still this
    attempt's (recovery may have taken it over)."""
    with session_scope() as session:
        row = session.get(OutgoingMessage, message_id, with_for_update=True)
        if row is None:
            return None
        if delivery.accepted:
            if row.status != SENT:
                row.status = SENT
                row.server_answer = delivery.answer[:_ANSWER_LENGTH]
                row.sent_at = utcnow()
                session.add(row)
                _note_supplier_exchange(session, row)
        elif row.status == SENDING and row.attempts == attempt:
            row.status = FAILED
            row.server_answer = delivery.answer[:_ANSWER_LENGTH]
            session.add(row)
    return row


def _send(account: MailAccount, link: SmtpLink, outbound: _Outbound) -> Delivery:
    """Phase 2, no database: compose and send. Never raises (a bug here must not leave the
    message « en cours » forever)."""
    try:
        email = mailer.compose(
            account,
            to=outbound.to,
            cc=outbound.cc,
            subject=outbound.subject,
            body=outbound.body,
            attachments=outbound.attachments,
            message_id=outbound.message_id,
        )
        return link.send(email)
    except Exception as exc:  # noqa: BLE001
        log.exception("Unexpected failure while sending a message")
        return Delivery(False, f"Erreur inattendue : {exc}")


def _deliver_one(
    message_id: int, account: MailAccount | None, link: SmtpLink | None, problem: str
) -> OutgoingMessage | None:
    row, outbound = _claim(message_id)
    if row is None or outbound is None:
        return row
    if isinstance(outbound, str):
        delivery = Delivery(False, outbound)
    elif account is None or link is None:
        delivery = Delivery(False, problem)
    else:
        delivery = _send(account, link, outbound)
    return _record(message_id, row.attempts, delivery) or row


def _mail_account() -> tuple[MailAccount | None, str]:
    try:
        with session_scope() as session:
            return mail_settings.account(session), ""
    except MailNotConfigured as exc:
        return None, str(exc)


def deliver_recorded(message_id: int) -> OutgoingMessage:
    """Sends one recorded message and logs the outcome. Call it after the recording
    transaction committed, outside any transaction (a background task, a thread): it opens its
    own short sessions and holds none during the network call. A message already sent, failed
    or being sent by someone else is returned as it is, without sending.
    Returns the row detached from any session."""
    account, problem = _mail_account()
    link = SmtpLink(account) if account is not None else None
    try:
        row = _deliver_one(message_id, account, link, problem)
    finally:
        if link is not None:
            link.close()
    if row is None:
        raise RecordNotFound("message", message_id)
    return row


def send_batch(
    message_ids: Sequence[int], progress: ProgressCallback | None = None
) -> list[OutgoingMessage]:
    """Delivers the messages one after another on one SMTP connection (reopened if the server
    closes it), calling `progress(done, total, message)` after each. One failure does not stop
    the others; a progress callback that raises stops the batch (the rest stays « en
    attente »). Messages that no longer exist are skipped. Same transaction rules as
    `deliver_recorded`."""
    ids = list(dict.fromkeys(message_ids))
    with session_scope() as session:
        existing = set(
            session.exec(select(OutgoingMessage.id).where(col(OutgoingMessage.id).in_(ids)))
        )
    ids = [message_id for message_id in ids if message_id in existing]
    account, problem = _mail_account()
    results: list[OutgoingMessage] = []
    link = SmtpLink(account) if account is not None else None
    try:
        for message_id in ids:
            row = _deliver_one(message_id, account, link, problem)
            if row is None:
                continue
            results.append(row)
            if progress is not None:
                progress(len(results), len(ids), row)
    finally:
        if link is not None:
            link.close()
    return results


# --- After a crash ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resumption:
    """What a recovery run did."""

    resumed: int
    """Interrupted messages put back in the queue for their one automatic second attempt."""
    given_up: int
    """Messages failed instead (interrupted twice, or too old): « Renvoyer » is the user's."""
    results: list[OutgoingMessage]
    """Every message the run delivered (or tried to), the resumed ones first in the queue."""


def _interrupted_claims(now: datetime, lease: timedelta | None) -> ColumnElement[bool]:
    taken = col(OutgoingMessage.status) == SENDING
    if lease is None:
        return taken
    return and_(
        taken,
        or_(
            col(OutgoingMessage.claimed_at).is_(None),
            col(OutgoingMessage.claimed_at) <= now - lease,
        ),
    )


def resume_interrupted_messages(
    *, lease: timedelta | None = None, max_age: timedelta = RESUME_MAX_AGE
) -> Resumption:
    """Finishes the deliveries a killed process left: run once at start-up (`lease` None: every
    message « en cours » was interrupted, no delivery survives its process), or by a periodic
    runner with `lease` (only claims older than that; see CLAIM_LEASE).

    An interrupted message may or may not have reached the server: it is sent again once, with
    its stored Message-ID; interrupted again, it fails with INTERRUPTED. Then every message
    still « en attente » (the rest of an interrupted batch, a message recorded just before the
    crash) is sent, oldest first, on one connection. What waited more than `max_age` is failed
    instead of surprising its recipient. Idempotent: a second run finds nothing to do."""
    now = utcnow()
    cutoff = now - max_age
    interrupted = _interrupted_claims(now, lease)

    def fail(session: Session, condition: ColumnElement[bool], answer: str) -> int:
        return session.exec(
            update(OutgoingMessage)
            .where(condition)
            .values(status=FAILED, server_answer=answer)
            .execution_options(synchronize_session=False)
        ).rowcount

    with session_scope() as session:
        given_up = fail(
            session,
            and_(
                interrupted,
                or_(
                    col(OutgoingMessage.resumed),
                    func.coalesce(OutgoingMessage.claimed_at, OutgoingMessage.created_at) < cutoff,
                ),
            ),
            INTERRUPTED,
        )
        given_up += fail(
            session,
            and_(
                col(OutgoingMessage.status) == PENDING,
                col(OutgoingMessage.attempts) == 0,
                col(OutgoingMessage.created_at) < cutoff,
            ),
            LEFT_WAITING,
        )
        resumed = session.exec(
            update(OutgoingMessage)
            .where(interrupted)
            .values(status=PENDING, resumed=True)
            .execution_options(synchronize_session=False)
        ).rowcount
        waiting = select(OutgoingMessage.id).where(col(OutgoingMessage.status) == PENDING)
        if lease is not None:
            waiting = waiting.where(
                or_(
                    col(OutgoingMessage.resumed),
                    col(OutgoingMessage.created_at) <= now - lease,
                )
            )
        ids = [i for i in session.exec(waiting.order_by(col(OutgoingMessage.id))) if i]
    if given_up:
        log.warning("%d interrupted e-mail(s) failed: the user decides whether to resend", given_up)
    results = send_batch(ids) if ids else []
    if resumed or results:
        log.info(
            "Resumed after an interruption: %d e-mail(s) sent again, %d waiting sent",
            resumed,
            len(results),
        )
    return Resumption(resumed=resumed, given_up=given_up, results=results)


async def resume_at_start_up() -> None:
    """The app's start-up task (`app.register_lifespan_task`) until a task runner owns the mail
    queue: recovery off the event loop; a problem is logged, never stops the app."""
    try:
        await asyncio.to_thread(resume_interrupted_messages)
    except Exception:
        log.exception("Could not resume the e-mails interrupted by the last stop")


# --- The log ------------------------------------------------------------------------------------


def _attachment_count() -> ScalarSelect[int]:
    return (
        select(func.count(col(MessageAttachment.id)))
        .where(col(MessageAttachment.message_id) == OutgoingMessage.id)
        .correlate(OutgoingMessage)
        .scalar_subquery()
    )


def messages_list(owner_field: str) -> ListSpec:
    """The log of one dossier, client or supplier (the owner's id goes in `conditions`, see
    `messages_page`), newest first."""
    if owner_field not in OWNER_FIELDS:
        raise ValueError(owner_field)
    return ListSpec(
        name="Correspondance",
        query=lambda: sa.select(
            col(OutgoingMessage.id).label("id"),
            col(OutgoingMessage.created_at).label("created_at"),
            col(OutgoingMessage.user_label).label("user_label"),
            col(OutgoingMessage.recipients).label("recipients"),
            col(OutgoingMessage.subject).label("subject"),
            _attachment_count().label("attachments"),
            col(OutgoingMessage.status).label("status"),
        ),
        columns=(
            Column("created_at", "Date", OutgoingMessage.created_at, kind="datetime", width=16),
            Column("user_label", "De", OutgoingMessage.user_label, width=24, phone=False),
            Column("recipients", "À", OutgoingMessage.recipients, width=36),
            Column("subject", "Objet", OutgoingMessage.subject, width=44),
            Column(
                "attachments",
                "Pièces jointes",
                None,
                kind="int",
                sortable=False,
                width=10,
                phone=False,
            ),
            Column("status", "Statut", OutgoingMessage.status, width=12, labels=STATUS_LABELS),
        ),
        search=(OutgoingMessage.subject, OutgoingMessage.recipients, OutgoingMessage.cc),
        filters=(
            ChoiceFilter("status", "Statut", OutgoingMessage.status, tuple(STATUS_LABELS.items())),
        ),
        default_sort="created_at",
        default_desc=True,
        tie_breaker=OutgoingMessage.id,
    )


MESSAGES_OF_BOOKING = messages_list("booking_id")
MESSAGES_OF_CLIENT = messages_list("client_id")
MESSAGES_OF_SUPPLIER = messages_list("supplier_id")
MESSAGE_LISTS: dict[str, ListSpec] = {
    "booking_id": MESSAGES_OF_BOOKING,
    "client_id": MESSAGES_OF_CLIENT,
    "supplier_id": MESSAGES_OF_SUPPLIER,
}


def owner_filter(owner_field: str, owner_id: int) -> tuple[Any, ...]:
    """The conditions that narrow a log to one owner (its access is checked by the caller)."""
    if owner_field not in OWNER_FIELDS:
        raise ValueError(owner_field)
    return (getattr(OutgoingMessage, owner_field) == owner_id,)


def owner_conditions(
    session: Session, actor: Actor, owner_field: str, owner_id: int
) -> tuple[Any, ...]:
    """Checks that the actor may see the owner's file; the conditions that narrow the listing
    to it (for `fetch_page` and `iter_rows`)."""
    if owner_field not in OWNER_FIELDS:
        raise ValueError(owner_field)
    owners: dict[str, Any] = dict.fromkeys(OWNER_FIELDS)
    owners[owner_field] = owner_id
    _check_owner(session, actor, Action.SEE, **owners)
    return (getattr(OutgoingMessage, owner_field) == owner_id,)


def messages_page(
    session: Session, actor: Actor, owner_field: str, owner_id: int, query: ListQuery
) -> ListPage:
    conditions = owner_conditions(session, actor, owner_field, owner_id)
    return fetch_page(session, MESSAGE_LISTS[owner_field], query, actor, conditions)


def message_detail(session: Session, actor: Actor, message_id: int) -> dict[str, Any]:
    """Everything about one message, formatted, with its attachments (document ids for the
    authenticated download route). `can_retry` says whether the actor may send it again."""
    message = _message(session, message_id)
    _check_owner(session, actor, Action.SEE, **_owners(message))
    interrupted = is_interrupted(message)
    module = Module.BOOKINGS if message.booking_id is not None else Module.THIRD_PARTIES
    attachments = [
        {
            "document_id": str(document.id),
            "title": document.title,
            "file_name": document.file_name,
            "size": formats.number(document.size),
        }
        for document in session.exec(
            select(PartyDocument)
            .join(MessageAttachment, col(MessageAttachment.document_id) == PartyDocument.id)
            .where(MessageAttachment.message_id == message_id)
            .order_by(col(MessageAttachment.id))
        )
    ]
    return {
        "id": str(message.id),
        "created_at": formats.moment(message.created_at),
        "user_label": message.user_label,
        "sender": message.sender,
        "recipients": message.recipients,
        "cc": message.cc,
        "subject": message.subject,
        "body": message.body,
        "kind": message.kind,
        "status": message.status,
        "status_label": "Interrompu"
        if interrupted
        else STATUS_LABELS.get(message.status, message.status),
        "status_color": "orange" if interrupted else STATUS_COLORS.get(message.status, "gray"),
        "server_answer": message.server_answer,
        "attempts": str(message.attempts),
        "sent_at": formats.moment(message.sent_at),
        "message_id": message.message_id,
        "batch": message.batch,
        "booking_id": str(message.booking_id or ""),
        "client_id": str(message.client_id or ""),
        "supplier_id": str(message.supplier_id or ""),
        "can_retry": "1"
        if (message.status == FAILED or interrupted) and actor.can(module, Action.EDIT)
        else "",
        "attachments": attachments,
    }
