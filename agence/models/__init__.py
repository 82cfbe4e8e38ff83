"""All tables; importing this package registers them on SQLModel.metadata."""

from agence.models.audit import AuditEntry
from agence.models.availability import ProductCapacity, StockReservation
from agence.models.bookings import (
    Booking,
    BookingCounter,
    BookingEvent,
    BookingProgrammeItem,
    BookingType,
    BookingVersion,
    Participant,
)
from agence.models.catalogue import (
    CatalogueDossier,
    CatalogueProgrammeItem,
    Costing,
    CostingLine,
    NegotiatedPrice,
    ParticipantCategory,
    Product,
    Rate,
)
from agence.models.correspondence import (
    DocumentTemplate,
    MailSettings,
    MessageAttachment,
    OutgoingMessage,
)
from agence.models.crm import (
    AppSetting,
    ClientCategory,
    ClientCategoryLink,
    ClientContract,
    ClientDiscount,
    ClientTag,
    ProductType,
    Segment,
    Tag,
    VisitReport,
    VisitReportContact,
)
from agence.models.guides import Guide, GuideAssignment, GuideUnavailability
from agence.models.parameters import AgencySite, PaymentMethod, PaymentTerm, VatRate
from agence.models.parties import Address, Client, Contact, PartyDocument, Supplier
from agence.models.satisfaction import SatisfactionScore, SatisfactionSurvey
from agence.models.supplier_side import SupplierExchange
from agence.models.users import LoginThrottle, Profile, ProfileRight, User, UserSession

__all__ = [
    "DocumentTemplate",
    "MailSettings",
    "MessageAttachment",
    "OutgoingMessage",
    "Booking",
    "BookingCounter",
    "BookingEvent",
    "BookingProgrammeItem",
    "BookingType",
    "BookingVersion",
    "CatalogueDossier",
    "CatalogueProgrammeItem",
    "Costing",
    "CostingLine",
    "NegotiatedPrice",
    "ParticipantCategory",
    "Product",
    "ProductCapacity",
    "Rate",
    "Address",
    "AgencySite",
    "AppSetting",
    "AuditEntry",
    "Client",
    "ClientCategory",
    "ClientCategoryLink",
    "ClientContract",
    "ClientDiscount",
    "ClientTag",
    "Contact",
    "Participant",
    "PartyDocument",
    "ProductType",
    "SatisfactionScore",
    "SatisfactionSurvey",
    "Segment",
    "StockReservation",
    "Supplier",
    "SupplierExchange",
    "Tag",
    "VisitReport",
    "VisitReportContact",
    "Guide",
    "GuideAssignment",
    "GuideUnavailability",
    "LoginThrottle",
    "PaymentMethod",
    "PaymentTerm",
    "Profile",
    "ProfileRight",
    "User",
    "UserSession",
    "VatRate",
]
