"""All tables; importing this package registers them on SQLModel.metadata."""

from agence.models.audit import AuditEntry
from agence.models.parameters import AgencySite, PaymentMethod, PaymentTerm, VatRate
from agence.models.users import LoginThrottle, Profile, ProfileRight, User, UserSession

__all__ = [
    "AgencySite",
    "AuditEntry",
    "LoginThrottle",
    "PaymentMethod",
    "PaymentTerm",
    "Profile",
    "ProfileRight",
    "User",
    "UserSession",
    "VatRate",
]
