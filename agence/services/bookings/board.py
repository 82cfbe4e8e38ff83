"""« Suivi des dossiers », the home of booking staff: what needs doing now, in six lists —
options expiring (client and supplier), quotes without answer, confirmed dossiers with
services not booked, departures of the coming days, dossiers done but not invoiced. Each row
leads to its dossier; every list is scoped like the dossiers' list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy import and_, exists, func
from sqlmodel import Session, col, select

from agence.models import Booking, Client, CostingLine, Supplier
from agence.services.bookings.bookings import scope
from agence.services.bookings.lifecycle import Status
from agence.services.bookings.vocabulary import NOT_BOOKED, SupplierStatus
from agence.services.common import formats
from agence.services.common.permissions import Action, Actor, Module

ROWS_PER_SECTION = 50
HORIZONS = (3, 7, 14, 30)
"""The horizons the board offers, in days."""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    empty: str


SECTIONS = (
    Section("client_options", "Options clients qui expirent", "Aucune option client à échéance."),
    Section(
        "supplier_options",
        "Options fournisseurs qui expirent",
        "Aucune option fournisseur à échéance.",
    ),
    Section("quotes_waiting", "Devis sans réponse", "Aucun devis en attente depuis longtemps."),
    Section(
        "unbooked",
        "Dossiers confirmés, prestations à réserver",
        "Toutes les prestations des dossiers confirmés sont réservées.",
    ),
    Section("departures", "Départs des prochains jours", "Aucun départ prévu."),
    Section("not_invoiced", "Réalisés, non facturés", "Aucun dossier réalisé en attente."),
)


@dataclass(frozen=True)
class BoardRow:
    """A dossier in one of the board's lists, with what makes it due (`detail`)."""

    id: str
    reference: str
    title: str
    client: str
    starts_on: str
    detail: str
    urgent: bool


def _row(booking: Booking, client_name: str, detail: str, urgent: bool = False) -> BoardRow:
    return BoardRow(
        id=str(booking.id),
        reference=booking.reference,
        title=booking.title,
        client=client_name,
        starts_on=formats.day(booking.starts_on),
        detail=detail,
        urgent=urgent,
    )


def _bookings(session: Session, actor: Actor, *conditions, order) -> list[tuple[Booking, str]]:
    statement = (
        select(Booking, Client.name)
        .join(Client, col(Client.id) == col(Booking.client_id))
        .where(col(Booking.deleted_at).is_(None), *conditions)
        .order_by(order, col(Booking.id))
        .limit(ROWS_PER_SECTION)
    )
    return list(session.exec(scope(statement, actor)).all())


def board(
    session: Session, actor: Actor, today: date, horizon_days: int = 7, quote_days: int = 10
) -> dict[str, list[BoardRow]]:
    """The six lists for `today`: options due within `horizon_days` (overdue ones included),
    quotes sent `quote_days` days ago or more, departures within `horizon_days`."""
    actor.require(Module.BOOKINGS, Action.SEE)
    horizon = today + timedelta(days=horizon_days)
    result: dict[str, list[BoardRow]] = {}
    result["client_options"] = [
        _row(
            booking,
            client,
            f"Option jusqu'au {formats.day(booking.option_until)}",
            urgent=booking.option_until is not None and booking.option_until <= today,
        )
        for booking, client in _bookings(
            session,
            actor,
            Booking.status == Status.OPTION,
            col(Booking.option_until).is_not(None),
            col(Booking.option_until) <= horizon,
            order=col(Booking.option_until),
        )
    ]
    # Five columns: SQLAlchemy's select and execute (sqlmodel's select is typed up to four).
    supplier_rows = session.execute(
        scope(
            sa.select(
                Booking,
                col(Client.name),
                col(CostingLine.label),
                col(Supplier.name),
                col(CostingLine.supplier_option_until),
            )
            .join(Client, col(Client.id) == col(Booking.client_id))
            .join(CostingLine, col(CostingLine.costing_id) == col(Booking.costing_id))
            .join(Supplier, col(Supplier.id) == col(CostingLine.supplier_id))
            .where(
                col(Booking.deleted_at).is_(None),
                col(Booking.status) != Status.CANCELLED,
                col(CostingLine.supplier_status) == SupplierStatus.OPTION,
                col(CostingLine.supplier_option_until).is_not(None),
                col(CostingLine.supplier_option_until) <= horizon,
            )
            .order_by(col(CostingLine.supplier_option_until), col(Booking.id))
            .limit(ROWS_PER_SECTION),
            actor,
        )
    ).all()
    result["supplier_options"] = [
        _row(
            booking,
            client,
            f"{supplier} — {label} : option jusqu'au {formats.day(until)}",
            urgent=until is not None and until <= today,
        )
        for booking, client, label, supplier, until in supplier_rows
    ]
    result["quotes_waiting"] = [
        _row(booking, client, f"Devis envoyé le {formats.day(booking.quote_sent_on)}")
        for booking, client in _bookings(
            session,
            actor,
            Booking.status == Status.QUOTE_SENT,
            col(Booking.quote_sent_on) <= today - timedelta(days=quote_days),
            order=col(Booking.quote_sent_on),
        )
    ]
    to_book = (
        select(func.count())
        .select_from(CostingLine)
        .where(
            CostingLine.costing_id == Booking.costing_id,
            col(CostingLine.supplier_id).is_not(None),
            col(CostingLine.supplier_status).in_(NOT_BOOKED),
        )
        .scalar_subquery()
    )
    unbooked = session.exec(
        scope(
            select(Booking, Client.name, to_book)
            .join(Client, col(Client.id) == col(Booking.client_id))
            .where(
                col(Booking.deleted_at).is_(None),
                Booking.status == Status.CONFIRMED,
                exists().where(
                    and_(
                        col(CostingLine.costing_id) == col(Booking.costing_id),
                        col(CostingLine.supplier_id).is_not(None),
                        col(CostingLine.supplier_status).in_(NOT_BOOKED),
                    )
                ),
            )
            .order_by(col(Booking.starts_on), col(Booking.id))
            .limit(ROWS_PER_SECTION),
            actor,
        )
    ).all()
    result["unbooked"] = [
        _row(
            booking,
            client,
            f"{count} prestation(s) à réserver",
            urgent=booking.starts_on <= horizon,
        )
        for booking, client, count in unbooked
    ]
    result["departures"] = [
        _row(booking, client, f"{booking.paying} payants — {formats.day(booking.starts_on)}")
        for booking, client in _bookings(
            session,
            actor,
            Booking.status == Status.CONFIRMED,
            col(Booking.starts_on) >= today,
            col(Booking.starts_on) <= horizon,
            order=col(Booking.starts_on),
        )
    ]
    result["not_invoiced"] = [
        _row(booking, client, f"Terminé le {formats.day(booking.ends_on)}")
        for booking, client in _bookings(
            session, actor, Booking.status == Status.DONE, order=col(Booking.ends_on)
        )
    ]
    return result
