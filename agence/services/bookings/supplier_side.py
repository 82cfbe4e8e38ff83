"""The supplier side of a dossier: for each service of the current version, its booking with
the supplier (à demander → option posée until a deadline → confirmé, or annulé) and the
supplier's reference; per supplier, the services to request and the log of exchanges.

The option deadline defaults from the product: its « délai d'option » in days before the
dossier's first day. The documents issue will send the requests and vouchers; this module
keeps what was asked and answered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, col, select

from agence.models import Booking, CostingLine, Product, Supplier, SupplierExchange
from agence.services.bookings import availability
from agence.services.bookings.bookings import get_booking
from agence.services.bookings.lifecycle import STATUS_LABELS, Status, audit_booking
from agence.services.bookings.vocabulary import (
    EXCHANGE_DIRECTION_LABELS,
    EXCHANGE_KIND_LABELS,
    SUPPLIER_NEXT,
    SUPPLIER_STATUS_COLORS,
    SUPPLIER_STATUS_LABELS,
    TAKING,
    SupplierStatus,
)
from agence.services.catalogue import costings, pricing
from agence.services.common import formats
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import RecordNotFound

STATUSES = SUPPLIER_STATUS_LABELS
"""The supplier statuses' labels, under the name the documents read them by."""
HOLDING = (Status.REQUEST, Status.QUOTE_SENT, Status.OPTION, Status.CONFIRMED)
"""The dossier statuses in which a service can be optioned or confirmed with its supplier."""


def _lines(session: Session, booking: Booking) -> list[CostingLine]:
    if booking.costing_id is None:
        return []
    return list(
        session.exec(
            select(CostingLine)
            .where(CostingLine.costing_id == booking.costing_id)
            .order_by(col(CostingLine.position), col(CostingLine.id))
        ).all()
    )


def default_option_until(session: Session, booking: Booking, line: CostingLine) -> date | None:
    product = session.get(Product, line.product_id) if line.product_id else None
    days = product.option_deadline_days if product else None
    if days is None and line.supplier_id:
        supplier = session.get(Supplier, line.supplier_id)
        days = supplier.option_deadline_days if supplier else None
    return booking.starts_on - timedelta(days=days) if days is not None else None


@dataclass(frozen=True)
class SupplierService:
    """A service of the dossier as the « Fournisseurs » tab shows it: its booking with the
    supplier, the deadline both as the date input's ISO value and as French text."""

    line_id: str
    label: str
    status: str
    status_label: str
    color: str
    reference: str
    option_until: str
    option_until_text: str


@dataclass(frozen=True)
class ExchangeRow:
    """An exchange with a supplier, in French words."""

    at: str
    user: str
    kind: str
    direction: str
    summary: str


@dataclass(frozen=True)
class SupplierCard:
    """One supplier of the dossier: its services, the exchanges (newest first) and how many
    services are still to request."""

    id: str
    name: str
    email: str
    phone: str
    services: list[SupplierService] = field(default_factory=list)
    exchanges: list[ExchangeRow] = field(default_factory=list)
    to_request: str = "0"


def supplier_view(session: Session, actor: Actor, booking_id: int) -> list[SupplierCard]:
    """Per supplier: its services in this dossier with their booking, and the exchanges."""
    booking = get_booking(session, actor, booking_id)
    names: dict[int, Supplier | None] = {}
    services: dict[int, list[SupplierService]] = {}
    exchanges: dict[int, list[ExchangeRow]] = {}
    for line in _lines(session, booking):
        if line.supplier_id is None:
            continue
        if line.supplier_id not in names:
            names[line.supplier_id] = session.get(Supplier, line.supplier_id)
        services.setdefault(line.supplier_id, []).append(
            SupplierService(
                line_id=str(line.id),
                label=line.label,
                status=line.supplier_status,
                status_label=STATUSES.get(line.supplier_status, line.supplier_status),
                color=SUPPLIER_STATUS_COLORS.get(line.supplier_status, "gray"),
                reference=line.supplier_reference,
                option_until=(
                    line.supplier_option_until.isoformat() if line.supplier_option_until else ""
                ),
                option_until_text=formats.day(line.supplier_option_until),
            )
        )
    for exchange in session.exec(
        select(SupplierExchange)
        .where(SupplierExchange.booking_id == booking.id)
        .order_by(col(SupplierExchange.at).desc(), col(SupplierExchange.id).desc())
    ):
        if exchange.supplier_id in names:
            exchanges.setdefault(exchange.supplier_id, []).append(
                ExchangeRow(
                    at=formats.moment(exchange.at),
                    user=exchange.user_label,
                    kind=EXCHANGE_KIND_LABELS.get(exchange.kind, exchange.kind),
                    direction=EXCHANGE_DIRECTION_LABELS.get(exchange.direction, exchange.direction),
                    summary=exchange.summary,
                )
            )
    cards = [
        SupplierCard(
            id=str(supplier_id),
            name=supplier.name if supplier else "",
            email=supplier.email if supplier else "",
            phone=supplier.phone if supplier else "",
            services=services[supplier_id],
            exchanges=exchanges.get(supplier_id, []),
            to_request=str(
                sum(1 for s in services[supplier_id] if s.status == SupplierStatus.TO_REQUEST)
            ),
        )
        for supplier_id, supplier in names.items()
    ]
    return sorted(cards, key=lambda card: card.name)


def _line_of(session: Session, booking: Booking, line_id: int) -> CostingLine:
    line = session.get(CostingLine, line_id)
    if line is None or line.costing_id != booking.costing_id or line.supplier_id is None:
        raise RecordNotFound("prestation du dossier", line_id)
    return line


def _places(session: Session, actor: Actor, booking: Booking, line: CostingLine) -> int:
    """What the service takes from stock for the dossier's group: its consumers (people,
    free places included) for a per-person service, its units for a group one."""
    header, values = costings.costing_values(
        session, actor, booking.costing_id or 0, Module.BOOKINGS
    )
    priced = costings.quote(header, values)
    lines = _lines(session, booking)
    if priced is None:
        raise FormErrors({"status": "La cotation du dossier est incomplète : corrigez-la d'abord."})
    index = next(i for i, candidate in enumerate(lines) if candidate.id == line.id)
    found = priced.lines[index]
    return found.consumers if found.basis == pricing.Basis.PERSON else found.units


def set_service_booking(
    session: Session,
    actor: Actor,
    booking_id: int,
    line_id: int,
    status: str,
    reference: str = "",
    option_until: str = "",
) -> CostingLine:
    """Records the supplier's answer for one service: status, reference, option deadline."""
    booking = get_booking(session, actor, booking_id, for_update=True)
    actor.require(Module.BOOKINGS, Action.EDIT)
    line = _line_of(session, booking, line_id)
    if status not in STATUSES:
        raise FormErrors({"status": "Statut inconnu."})
    if status in TAKING and booking.status not in HOLDING:
        raise FormErrors(
            {"status": f"Dossier « {STATUS_LABELS[booking.status]} » : rien à réserver."}
        )
    if status != line.supplier_status and status not in SUPPLIER_NEXT.get(line.supplier_status, ()):
        raise FormErrors(
            {
                "status": f"Une prestation « {STATUSES[line.supplier_status]} » ne peut pas "
                f"passer à « {STATUSES[status]} »."
            }
        )
    deadline: date | None = None
    if option_until:
        try:
            deadline = date.fromisoformat(option_until)
        except ValueError as exc:
            raise FormErrors({"option_until": "Date attendue."}) from exc
    if status == SupplierStatus.OPTION and deadline is None:
        deadline = line.supplier_option_until or default_option_until(session, booking, line)
    if status == SupplierStatus.OPTION and deadline is None:
        raise FormErrors({"option_until": "Indiquez jusqu'à quand l'option est posée."})
    before = (line.supplier_status, line.supplier_reference, line.supplier_option_until)
    if status in TAKING:
        availability.take(session, booking, line, _places(session, actor, booking, line), status)
    else:
        availability.give_back(session, booking, line.product_id)
    line.supplier_status = status
    line.supplier_reference = reference.strip()[:60]
    if status == SupplierStatus.OPTION:
        line.supplier_option_until = deadline
    session.add(line)
    after = (line.supplier_status, line.supplier_reference, line.supplier_option_until)
    if before != after:
        audit_booking(
            session,
            actor,
            booking,
            {
                f"fournisseur : {line.label}": [
                    STATUSES.get(before[0], before[0]),
                    STATUSES[status] + (f" ({line.supplier_reference})" if reference else ""),
                ]
            },
        )
    return line


def record_exchange(
    session: Session,
    actor: Actor,
    booking_id: int,
    supplier_id: int,
    kind: str,
    direction: str,
    summary: str,
) -> SupplierExchange:
    """Keeps an exchange with a supplier about this dossier (who, when, what)."""
    booking = get_booking(session, actor, booking_id)
    actor.require(Module.BOOKINGS, Action.EDIT)
    if not any(line.supplier_id == supplier_id for line in _lines(session, booking)):
        raise RecordNotFound("fournisseur du dossier", supplier_id)
    errors = {}
    if kind not in EXCHANGE_KIND_LABELS:
        errors["kind"] = "Choisissez le moyen."
    if direction not in EXCHANGE_DIRECTION_LABELS:
        errors["direction"] = "Envoyé ou reçu ?"
    if not summary.strip():
        errors["summary"] = "Résumez l'échange."
    if errors:
        raise FormErrors(errors)
    exchange = SupplierExchange(
        booking_id=booking.id or 0,
        supplier_id=supplier_id,
        user_id=actor.user_id,
        user_label=actor.display_name,
        kind=kind,
        direction=direction,
        summary=summary.strip()[:2000],
    )
    session.add(exchange)
    session.flush()
    return exchange
