"""The words of the dossiers' area: the kinds and statuses that are stored or compared, each an
enum whose values are the strings the database holds, with its French labels. No raw status
string elsewhere in the area. The dossier's own life (Status) is in lifecycle.py."""

from __future__ import annotations

from enum import StrEnum

from agence.services.common.vocabulary import Labelled


class SupplierStatus(Labelled):
    """A dossier's service booked with its supplier (CostingLine.supplier_status), and the
    places it holds in stock (StockReservation.status: an option or a confirmation)."""

    TO_REQUEST = "a_demander", "À demander"
    OPTION = "option", "Option posée"
    CONFIRMED = "confirme", "Confirmé"
    CANCELLED = "annule", "Annulé"


SUPPLIER_STATUS_LABELS: dict[str, str] = SupplierStatus.labels()
SUPPLIER_STATUS_COLORS: dict[str, str] = {
    SupplierStatus.TO_REQUEST: "gray",
    SupplierStatus.OPTION: "amber",
    SupplierStatus.CONFIRMED: "green",
    SupplierStatus.CANCELLED: "red",
}
SUPPLIER_NEXT: dict[str, tuple[SupplierStatus, ...]] = {
    SupplierStatus.TO_REQUEST: (
        SupplierStatus.OPTION,
        SupplierStatus.CONFIRMED,
        SupplierStatus.CANCELLED,
    ),
    SupplierStatus.OPTION: (
        SupplierStatus.CONFIRMED,
        SupplierStatus.CANCELLED,
        SupplierStatus.TO_REQUEST,
    ),
    SupplierStatus.CONFIRMED: (SupplierStatus.CANCELLED,),
    SupplierStatus.CANCELLED: (SupplierStatus.TO_REQUEST,),
}
"""Which supplier status may follow which (an option lapses back to « à demander »)."""
NOT_BOOKED = (SupplierStatus.TO_REQUEST, SupplierStatus.OPTION)
"""Still to be booked for good with the supplier."""
TAKING = (SupplierStatus.OPTION, SupplierStatus.CONFIRMED)
"""The supplier statuses that take places from stock."""


class ExchangeKind(Labelled):
    """How an exchange with a supplier went (SupplierExchange.kind)."""

    EMAIL = "email", "E-mail"
    PHONE = "telephone", "Téléphone"
    MAIL = "courrier", "Courrier"
    MEETING = "visite", "Rencontre"


EXCHANGE_KIND_LABELS: dict[str, str] = ExchangeKind.labels()


class ExchangeDirection(Labelled):
    """Whether we wrote or the supplier did (SupplierExchange.direction)."""

    SENT = "envoye", "Envoyé"
    RECEIVED = "recu", "Reçu"


EXCHANGE_DIRECTION_LABELS: dict[str, str] = ExchangeDirection.labels()


class ConflictKind(StrEnum):
    """Why a guide should not take a programme slot."""

    LANGUAGE = "langue"
    DAY_OFF = "indisponible"
    DOUBLE_BOOKED = "double"


class RoomType(Labelled):
    """A participant's room (Participant.room_type)."""

    SINGLE = "single", "Individuelle"
    DOUBLE = "double", "Double (grand lit)"
    TWIN = "twin", "Twin (deux lits)"
    TRIPLE = "triple", "Triple"
    QUADRUPLE = "quadruple", "Quadruple"
    OTHER = "autre", "Autre"


ROOM_TYPE_LABELS: dict[str, str] = RoomType.labels()


class PlanningMode(Labelled):
    """What the planning shows: a product's places or a guide's days."""

    PRODUCT = "produit", "Par prestation"
    GUIDE = "guide", "Par guide"


PLANNING_MODE_LABELS: dict[str, str] = PlanningMode.labels()


class PlanningView(Labelled):
    """The planning's period."""

    WEEK = "semaine", "Semaine"
    MONTH = "mois", "Mois"


PLANNING_VIEW_LABELS: dict[str, str] = PlanningView.labels()


class Fill(StrEnum):
    """How full a product's slot is on a day of the planning."""

    NONE = "none"
    """No capacity that day."""
    FULL = "full"
    LOW = "low"
    """Less than a quarter left."""
    OK = "ok"


FILL_COLORS: dict[str, str] = {Fill.FULL: "red", Fill.LOW: "orange", Fill.OK: "green"}


class Recommendation(StrEnum):
    """The survey's « would you recommend the agency? » answer, as the form sends it and the
    Avizi export writes it."""

    YES = "oui"
    NO = "non"


class SurveyAuthor(StrEnum):
    """Who answered a survey, in the Avizi export: the agency (typed by staff) or the client."""

    AGENCY = "agence"
    CLIENT = "client"
