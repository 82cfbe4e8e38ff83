"""The words of the dossiers' area: the kinds and statuses that are stored or compared, each an
enum whose values are the strings the database holds, with its French labels. No raw status
string elsewhere in the area. The dossier's own life (Status) is in lifecycle.py."""

from __future__ import annotations

from enum import StrEnum


class SupplierStatus(StrEnum):
    """A dossier's service booked with its supplier (CostingLine.supplier_status), and the
    places it holds in stock (StockReservation.status: an option or a confirmation)."""

    TO_REQUEST = "a_demander"
    OPTION = "option"
    CONFIRMED = "confirme"
    CANCELLED = "annule"


SUPPLIER_STATUS_LABELS: dict[str, str] = {
    SupplierStatus.TO_REQUEST: "À demander",
    SupplierStatus.OPTION: "Option posée",
    SupplierStatus.CONFIRMED: "Confirmé",
    SupplierStatus.CANCELLED: "Annulé",
}
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


class ExchangeKind(StrEnum):
    """How an exchange with a supplier went (SupplierExchange.kind)."""

    EMAIL = "email"
    PHONE = "telephone"
    MAIL = "courrier"
    MEETING = "visite"


EXCHANGE_KIND_LABELS: dict[str, str] = {
    ExchangeKind.EMAIL: "E-mail",
    ExchangeKind.PHONE: "Téléphone",
    ExchangeKind.MAIL: "Courrier",
    ExchangeKind.MEETING: "Rencontre",
}


class ExchangeDirection(StrEnum):
    """Whether we wrote or the supplier did (SupplierExchange.direction)."""

    SENT = "envoye"
    RECEIVED = "recu"


EXCHANGE_DIRECTION_LABELS: dict[str, str] = {
    ExchangeDirection.SENT: "Envoyé",
    ExchangeDirection.RECEIVED: "Reçu",
}


class ConflictKind(StrEnum):
    """Why a guide should not take a programme slot."""

    LANGUAGE = "langue"
    DAY_OFF = "indisponible"
    DOUBLE_BOOKED = "double"


class RoomType(StrEnum):
    """A participant's room (Participant.room_type)."""

    SINGLE = "single"
    DOUBLE = "double"
    TWIN = "twin"
    TRIPLE = "triple"
    QUADRUPLE = "quadruple"
    OTHER = "autre"


ROOM_TYPE_LABELS: dict[str, str] = {
    RoomType.SINGLE: "Individuelle",
    RoomType.DOUBLE: "Double (grand lit)",
    RoomType.TWIN: "Twin (deux lits)",
    RoomType.TRIPLE: "Triple",
    RoomType.QUADRUPLE: "Quadruple",
    RoomType.OTHER: "Autre",
}


class PlanningMode(StrEnum):
    """What the planning shows: a product's places or a guide's days."""

    PRODUCT = "produit"
    GUIDE = "guide"


PLANNING_MODE_LABELS: dict[str, str] = {
    PlanningMode.PRODUCT: "Par prestation",
    PlanningMode.GUIDE: "Par guide",
}


class PlanningView(StrEnum):
    """The planning's period."""

    WEEK = "semaine"
    MONTH = "mois"


PLANNING_VIEW_LABELS: dict[str, str] = {
    PlanningView.WEEK: "Semaine",
    PlanningView.MONTH: "Mois",
}


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
