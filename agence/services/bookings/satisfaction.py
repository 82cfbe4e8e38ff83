"""Satisfaction after the trip: a survey per dossier, answered by staff (from a phone call) or
by the client contact through a link — no login, an unguessable token whose SHA-256 alone is
stored, valid until a date, one answer per link. Results per dossier and per product, and the
answers exported as CSV in the layout we assume for the Avizi platform (README)."""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from agence.models import (
    Booking,
    Client,
    CostingLine,
    Product,
    SatisfactionScore,
    SatisfactionSurvey,
)
from agence.models.base import utcnow
from agence.services.bookings.bookings import get_booking, scope
from agence.services.bookings.lifecycle import Status, audit_booking
from agence.services.bookings.vocabulary import Recommendation, SurveyAuthor
from agence.services.common import files, formats
from agence.services.common.audit import AuditAction
from agence.services.common.forms import FieldSpec, FormErrors, parse_form
from agence.services.common.permissions import Action, Actor, Module

LINK_DAYS = 30
EMAIL_FIELD = FieldSpec("email", "E-mail du contact", "email", required=True, max_length=254)
SCORES = (1, 2, 3, 4, 5)
AVIZI_COLUMNS = (
    "reference_dossier",
    "date_debut",
    "date_fin",
    "client",
    "email_contact",
    "prestation",
    "note_prestation",
    "note_globale",
    "recommande",
    "commentaire",
    "date_reponse",
    "saisie_par",
)
"""One row per answer and service (a row without service when the survey scored none)."""


class SurveyUnavailable(Exception):
    """The link is unknown, expired, or already answered (French message)."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def closed_reason(booking: Booking, today: date) -> str:
    """Why the dossier cannot be surveyed today (empty once the trip is over)."""
    if booking.status == Status.CANCELLED:
        return "Un dossier annulé n'a pas d'enquête de satisfaction."
    if booking.ends_on >= today:
        return f"L'enquête se fait après la fin du séjour (le {formats.day(booking.ends_on)})."
    return ""


def _check_ended(booking: Booking, today: date) -> None:
    reason = closed_reason(booking, today)
    if reason:
        raise FormErrors({"": reason})


@dataclass(frozen=True)
class SurveyService:
    """A service the group is asked to score; `key` names its field (`score_<key>`)."""

    key: str
    label: str
    product_id: str


def services_of(session: Session, booking: Booking) -> list[SurveyService]:
    """What the group is asked to score: the services of the dossier's current costing."""
    if booking.costing_id is None:
        return []
    return [
        SurveyService(key=str(index), label=line.label, product_id=str(line.product_id or ""))
        for index, line in enumerate(
            session.exec(
                select(CostingLine)
                .where(CostingLine.costing_id == booking.costing_id)
                .order_by(col(CostingLine.position), col(CostingLine.id))
            ),
            start=1,
        )
    ]


def create_link(
    session: Session, actor: Actor, booking_id: int, email: str, today: date
) -> tuple[SatisfactionSurvey, str]:
    """A survey to send to the client contact; returns it and the token of its link (shown
    once, to be sent: only its digest is kept)."""
    booking = get_booking(session, actor, booking_id)
    actor.require(Module.BOOKINGS, Action.EDIT)
    _check_ended(booking, today)
    clean, errors = parse_form((EMAIL_FIELD,), {"email": email})
    if errors:
        raise FormErrors(errors)
    address = clean["email"]
    token = secrets.token_urlsafe(32)
    survey = SatisfactionSurvey(
        booking_id=booking.id or 0,
        token_digest=_digest(token),
        contact_email=address,
        expires_at=utcnow() + timedelta(days=LINK_DAYS),
    )
    session.add(survey)
    session.flush()
    audit_booking(
        session,
        actor,
        booking,
        {"enquête de satisfaction": [None, f"lien pour {address}"]},
        AuditAction.CREATE,
    )
    return survey, token


@dataclass(frozen=True)
class OpenSurvey:
    survey_id: int
    reference: str
    title: str
    dates: str
    services: list[SurveyService]


def open_survey(session: Session, token: str) -> OpenSurvey:
    """The survey behind a link, if it can still be answered."""
    survey = session.exec(
        select(SatisfactionSurvey).where(SatisfactionSurvey.token_digest == _digest(token))
    ).first()
    if survey is None:
        raise SurveyUnavailable("Ce lien d'enquête n'existe pas.")
    if survey.answered_at is not None:
        raise SurveyUnavailable("Merci : cette enquête a déjà reçu sa réponse.")
    if survey.expires_at is not None and survey.expires_at < utcnow():
        raise SurveyUnavailable("Ce lien d'enquête a expiré.")
    booking = session.get(Booking, survey.booking_id)
    if booking is None or booking.deleted_at is not None:
        raise SurveyUnavailable("Ce lien d'enquête n'existe pas.")
    return OpenSurvey(
        survey_id=survey.id or 0,
        reference=booking.reference,
        title=booking.title,
        dates=f"du {formats.day(booking.starts_on)} au {formats.day(booking.ends_on)}",
        services=services_of(session, booking),
    )


def _parse_answer(
    data: dict[str, Any], services: list[SurveyService]
) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {"scores": []}

    def score(key: str, required: bool) -> int | None:
        raw = str(data.get(key, "")).strip()
        if not raw:
            if required:
                errors[key] = "Choisissez une note de 1 à 5."
            return None
        if not raw.isdigit() or int(raw) not in SCORES:
            errors[key] = "Une note de 1 à 5."
            return None
        return int(raw)

    clean["overall"] = score("overall", True)
    for service in services:
        value = score(f"score_{service.key}", False)
        if value is not None:
            clean["scores"].append((service, value))
    recommend = str(data.get("would_recommend", "")).strip()
    if recommend not in tuple(Recommendation):
        errors["would_recommend"] = "Oui ou non ?"
    clean["would_recommend"] = recommend == Recommendation.YES
    comment = str(data.get("comment", "")).strip()
    if len(comment) > 2000:
        errors["comment"] = "2000 caractères au plus."
    clean["comment"] = comment
    return clean, errors


def _store(session: Session, survey: SatisfactionSurvey, clean: dict[str, Any]) -> None:
    survey.overall = clean["overall"]
    survey.would_recommend = clean["would_recommend"]
    survey.comment = clean["comment"]
    survey.answered_at = utcnow()
    session.add(survey)
    session.flush()
    for service, value in clean["scores"]:
        session.add(
            SatisfactionScore(
                survey_id=survey.id or 0,
                product_id=int(service.product_id) if service.product_id else None,
                label=service.label,
                score=value,
            )
        )
    session.flush()


def answer(session: Session, token: str, data: dict[str, Any]) -> None:
    """The client's answer through the link: once only (the survey row is locked first)."""
    opened = open_survey(session, token)
    survey = session.exec(
        select(SatisfactionSurvey)
        .where(SatisfactionSurvey.id == opened.survey_id)
        .with_for_update()
    ).one()
    if survey.answered_at is not None:
        raise SurveyUnavailable("Merci : cette enquête a déjà reçu sa réponse.")
    clean, errors = _parse_answer(data, opened.services)
    if errors:
        raise FormErrors(errors)
    _store(session, survey, clean)


def record_by_staff(
    session: Session, actor: Actor, booking_id: int, data: dict[str, Any], today: date
) -> SatisfactionSurvey:
    """An answer typed by staff (a call, a paper form)."""
    booking = get_booking(session, actor, booking_id)
    actor.require(Module.BOOKINGS, Action.EDIT)
    _check_ended(booking, today)
    clean, errors = _parse_answer(data, services_of(session, booking))
    if errors:
        raise FormErrors(errors)
    survey = SatisfactionSurvey(booking_id=booking.id or 0, entered_by_id=actor.user_id)
    session.add(survey)
    session.flush()
    _store(session, survey, clean)
    audit_booking(
        session,
        actor,
        booking,
        {"enquête de satisfaction": [None, f"note globale {clean['overall']}/5"]},
        AuditAction.CREATE,
    )
    return survey


@dataclass(frozen=True)
class ServiceScore:
    """A service's average over the dossier's answers."""

    label: str
    average: str
    count: str


@dataclass(frozen=True)
class SurveyComment:
    at: str
    comment: str


@dataclass(frozen=True)
class WaitingLink:
    """A link sent and not answered yet."""

    email: str
    until: str


@dataclass(frozen=True)
class BookingResults:
    """A dossier's answers as its « Satisfaction » tab shows them (numbers as French text)."""

    answers: str = "0"
    overall: str = ""
    recommend: str = ""
    services: list[ServiceScore] = field(default_factory=list)
    comments: list[SurveyComment] = field(default_factory=list)
    waiting: list[WaitingLink] = field(default_factory=list)


def booking_results(session: Session, actor: Actor, booking_id: int) -> BookingResults:
    """The dossier's answers: averages, per service, comments; the links still waiting."""
    booking = get_booking(session, actor, booking_id)
    surveys = list(
        session.exec(
            select(SatisfactionSurvey)
            .where(SatisfactionSurvey.booking_id == booking.id)
            .order_by(col(SatisfactionSurvey.created_at))
        ).all()
    )
    answered = [s for s in surveys if s.answered_at is not None]
    per_service: dict[str, list[int]] = {}
    for label, score in session.exec(
        select(SatisfactionScore.label, SatisfactionScore.score).where(
            col(SatisfactionScore.survey_id).in_([s.id for s in answered] or [-1])
        )
    ):
        per_service.setdefault(label, []).append(score)
    return BookingResults(
        answers=str(len(answered)),
        overall=_average([s.overall for s in answered if s.overall is not None]),
        recommend=(
            f"{sum(1 for s in answered if s.would_recommend)}/{len(answered)}" if answered else ""
        ),
        services=[
            ServiceScore(label=label, average=_average(scores), count=str(len(scores)))
            for label, scores in per_service.items()
        ],
        comments=[
            SurveyComment(at=formats.moment(s.answered_at), comment=s.comment)
            for s in answered
            if s.comment and s.answered_at is not None
        ],
        waiting=[
            WaitingLink(
                email=s.contact_email,
                until=formats.moment(s.expires_at) if s.expires_at else "",
            )
            for s in surveys
            if s.answered_at is None
        ],
    )


def _average(scores: list[int]) -> str:
    if not scores:
        return ""
    return _out_of_five(Decimal(sum(scores)) / len(scores))


def _out_of_five(average: Decimal) -> str:
    return formats.number(average, 1) + " / 5"


@dataclass(frozen=True)
class ProductScore:
    """A catalogue product's average over the answered surveys."""

    product: str
    average: str
    count: str


def product_results(session: Session, actor: Actor) -> list[ProductScore]:
    """Average score per catalogue product, over the answered surveys in the actor's reach."""
    actor.require(Module.BOOKINGS, Action.SEE)
    statement = scope(
        select(
            Product.name,
            func.avg(col(SatisfactionScore.score)),
            func.count(col(SatisfactionScore.id)),
        )
        .join(Product, col(Product.id) == col(SatisfactionScore.product_id))
        .join(SatisfactionSurvey, col(SatisfactionSurvey.id) == col(SatisfactionScore.survey_id))
        .join(Booking, col(Booking.id) == col(SatisfactionSurvey.booking_id))
        .group_by(col(Product.name))
        .order_by(col(Product.name)),
        actor,
    )
    return [
        # AVG is a Decimal on PostgreSQL and a float on SQLite: its text is the same number.
        ProductScore(product=name, average=_out_of_five(Decimal(str(avg))), count=str(count))
        for name, avg, count in session.exec(statement)
    ]


def _cell(text: str) -> str:
    """A spreadsheet opening the file must not read an answer as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_file(session: Session, actor: Actor, since: date, until: date) -> tuple[Path, str]:
    """The Avizi CSV written to a private export file, and the name to download it under."""
    path = files.new_export_path("csv")
    path.write_text(avizi_csv(session, actor, since, until), encoding="utf-8-sig")
    return path, f"avizi-{since.isoformat()}-{until.isoformat()}.csv"


def avizi_csv(session: Session, actor: Actor, since: date, until: date) -> str:
    """The answers given between two dates, one row per answer and service (CSV, `;`)."""
    actor.require(Module.BOOKINGS, Action.EXPORT)
    start = datetime.combine(since, datetime.min.time(), formats.AGENCY_TIMEZONE)
    end = datetime.combine(until, datetime.max.time(), formats.AGENCY_TIMEZONE)
    rows = session.exec(
        scope(
            select(SatisfactionSurvey, Booking, Client.name)
            .join(Booking, col(Booking.id) == col(SatisfactionSurvey.booking_id))
            .join(Client, col(Client.id) == col(Booking.client_id))
            .where(
                col(SatisfactionSurvey.answered_at).is_not(None),
                col(SatisfactionSurvey.answered_at) >= start,
                col(SatisfactionSurvey.answered_at) <= end,
            )
            .order_by(col(SatisfactionSurvey.answered_at), col(SatisfactionSurvey.id)),
            actor,
        )
    ).all()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(AVIZI_COLUMNS)
    for survey, booking, client in rows:
        scores: Sequence[SatisfactionScore | None] = session.exec(
            select(SatisfactionScore)
            .where(SatisfactionScore.survey_id == survey.id)
            .order_by(col(SatisfactionScore.id))
        ).all() or [None]
        for score in scores:
            writer.writerow(
                (
                    booking.reference,
                    booking.starts_on.isoformat(),
                    booking.ends_on.isoformat(),
                    _cell(client),
                    _cell(survey.contact_email),
                    _cell(score.label) if score else "",
                    score.score if score else "",
                    survey.overall if survey.overall is not None else "",
                    Recommendation.YES if survey.would_recommend else Recommendation.NO,
                    _cell(survey.comment),
                    formats.local_time(survey.answered_at).isoformat(timespec="seconds")
                    if survey.answered_at
                    else "",
                    SurveyAuthor.AGENCY if survey.entered_by_id else SurveyAuthor.CLIENT,
                )
            )
    return buffer.getvalue()
