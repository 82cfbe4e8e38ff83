"""The life of a dossier as one state machine: which status may follow which, and the right
each step needs. The table is pure; `change_status` is the one place a step is written, with
its line in the dossier's history and its audit entry. The UI offers only
`allowed_transitions`; `check` refuses anything else, whoever calls."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlmodel import Session, col

from agence.models import Booking, BookingEvent
from agence.models.base import utcnow
from agence.services.common import audit
from agence.services.common.audit import AuditAction
from agence.services.common.permissions import Action, Actor, Module


class Status(StrEnum):
    REQUEST = "demande"
    QUOTE_SENT = "devis_envoye"
    OPTION = "option"
    CONFIRMED = "confirme"
    DONE = "realise"
    INVOICED = "facture"
    SETTLED = "solde"
    CANCELLED = "annule"


STATUS_LABELS: dict[str, str] = {
    Status.REQUEST: "Demande",
    Status.QUOTE_SENT: "Devis envoyé",
    Status.OPTION: "Option",
    Status.CONFIRMED: "Confirmé",
    Status.DONE: "Réalisé",
    Status.INVOICED: "Facturé",
    Status.SETTLED: "Soldé",
    Status.CANCELLED: "Annulé",
}
STATUS_COLORS: dict[str, str] = {
    Status.REQUEST: "gray",
    Status.QUOTE_SENT: "blue",
    Status.OPTION: "amber",
    Status.CONFIRMED: "green",
    Status.DONE: "teal",
    Status.INVOICED: "violet",
    Status.SETTLED: "grass",
    Status.CANCELLED: "red",
}


@dataclass(frozen=True)
class Transition:
    source: Status
    target: Status
    label: str
    """The button's words."""
    action: Action
    """The right on « dossiers » it needs: « valider » confirms and cancels."""
    needs_comment: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Status.REQUEST, Status.QUOTE_SENT, "Devis envoyé", Action.EDIT),
    Transition(Status.REQUEST, Status.OPTION, "Poser une option", Action.EDIT),
    Transition(Status.QUOTE_SENT, Status.OPTION, "Poser une option", Action.EDIT),
    Transition(Status.QUOTE_SENT, Status.REQUEST, "Revenir à la demande", Action.EDIT),
    Transition(Status.REQUEST, Status.CONFIRMED, "Confirmer", Action.VALIDATE),
    Transition(Status.QUOTE_SENT, Status.CONFIRMED, "Confirmer", Action.VALIDATE),
    Transition(Status.OPTION, Status.CONFIRMED, "Confirmer", Action.VALIDATE),
    Transition(Status.OPTION, Status.QUOTE_SENT, "Lever l'option", Action.EDIT),
    Transition(Status.CONFIRMED, Status.DONE, "Marquer réalisé", Action.EDIT),
    Transition(Status.DONE, Status.INVOICED, "Marquer facturé", Action.EDIT),
    Transition(Status.INVOICED, Status.SETTLED, "Marquer soldé", Action.EDIT),
    *(
        Transition(source, Status.CANCELLED, "Annuler le dossier", Action.VALIDATE, True)
        for source in (Status.REQUEST, Status.QUOTE_SENT, Status.OPTION, Status.CONFIRMED)
    ),
)
"""« Facturé » and « soldé » are reached by hand until invoicing and payments set them."""

AMENDABLE = frozenset({Status.CONFIRMED})
"""After confirmation a change is an amendment (a new version, validated in turn)."""
OPEN = frozenset({Status.REQUEST, Status.QUOTE_SENT, Status.OPTION})
"""Before confirmation the dossier's services and programme change freely."""


class TransitionRefused(Exception):
    """A step the state machine does not allow (French message)."""


def transition(source: str, target: str) -> Transition:
    """The step from `source` to `target`, or TransitionRefused."""
    for step in TRANSITIONS:
        if step.source == source and step.target == target:
            return step
    raise TransitionRefused(
        f"Un dossier « {STATUS_LABELS.get(source, source)} » ne peut pas passer à "
        f"« {STATUS_LABELS.get(target, target)} »."
    )


def check(actor: Actor, source: str, target: str, comment: str = "") -> Transition:
    """The step, if allowed from this status, for this actor, with its comment."""
    step = transition(source, target)
    actor.require(Module.BOOKINGS, step.action)
    if step.needs_comment and not comment.strip():
        raise TransitionRefused("Indiquez le motif.")
    return step


def allowed_transitions(actor: Actor, source: str) -> list[Transition]:
    """The steps the UI offers: from this status, within the actor's rights."""
    return [
        step
        for step in TRANSITIONS
        if step.source == source and actor.can(Module.BOOKINGS, step.action)
    ]


def confirmed_once() -> Any:
    """SQL over `Booking`: the dossier was confirmed at least once, whatever became of it
    since (done, invoiced, cancelled, amended). Its confirmed version is set at its first
    confirmation and never cleared (`bookings.change_status`), as its history keeps a step to
    « confirmé »: the statistics read this column, not the history (a million steps at a
    network's size)."""
    return col(Booking.confirmed_version) > 0


# --- Writing a step --------------------------------------------------------------------------


def record_event(
    session: Session, actor: Actor, booking: Booking, source: str, target: str, note: str
) -> None:
    """A line of the dossier's history (« Historique »): who, from which status to which, why."""
    session.add(
        BookingEvent(
            booking_id=booking.id or 0,
            user_id=actor.user_id,
            user_label=actor.display_name,
            from_status=source,
            to_status=target,
            comment=note[:1000],
        )
    )


def audit_booking(
    session: Session,
    actor: Actor,
    booking: Booking,
    changes: dict[str, Any] | None = None,
    action: AuditAction = AuditAction.UPDATE,
) -> None:
    """The audit entry of a change to a dossier, named by its reference and title."""
    audit.record(
        session,
        actor,
        action,
        entity_type="dossier",
        entity_id=booking.id,
        entity_label=f"{booking.reference} {booking.title}",
        changes=changes,
    )


def change_status(
    session: Session, actor: Actor, booking: Booking, new_status: Status, *, note: str = ""
) -> Transition:
    """Moves the dossier one step, if the table allows it from its status, and writes the
    step's history line and audit entry. Rights are the caller's: a user's step goes through
    `check` first; a system step (the final invoice issued, the dossier paid) needs none."""
    step = transition(booking.status, new_status)
    booking.status = step.target
    booking.updated_at = utcnow()
    session.add(booking)
    record_event(session, actor, booking, step.source, step.target, note)
    audit_booking(
        session,
        actor,
        booking,
        {"statut": [STATUS_LABELS[step.source], STATUS_LABELS[step.target]]},
    )
    return step
