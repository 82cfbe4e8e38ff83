"""Users, their profiles (roles) with the rights matrix, server-side sessions, login throttling."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, Index, SQLModel

from agence.models.base import Timestamped, utcnow


class Profile(Timestamped, table=True):
    __tablename__ = "profiles"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    description: str = Field(default="", max_length=255)
    own_clients_only: bool = Field(default=False)
    """Its users see and edit only the clients whose sales rep they are."""


class ProfileRight(SQLModel, table=True):
    """One granted cell of the rights matrix: module × action."""

    __tablename__ = "profile_rights"

    profile_id: int = Field(foreign_key="profiles.id", primary_key=True, ondelete="CASCADE")
    module: str = Field(primary_key=True, max_length=30)
    action: str = Field(primary_key=True, max_length=20)


class User(Timestamped, table=True):
    __tablename__ = "users"
    __table_args__ = (Index("ix_users_last_first", "last_name", "first_name"),)

    id: int | None = Field(default=None, primary_key=True)
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    email: str = Field(max_length=254, unique=True)
    phone: str = Field(default="", max_length=30)
    site_id: int | None = Field(
        default=None, foreign_key="agency_sites.id", index=True, ondelete="RESTRICT"
    )
    profile_id: int = Field(foreign_key="profiles.id", index=True, ondelete="RESTRICT")
    is_sales_rep: bool = Field(default=False)
    active: bool = Field(default=True)
    password_hash: str = Field(max_length=255)
    must_change_password: bool = Field(default=False)
    last_login_at: datetime | None = Field(default=None)


class UserSession(SQLModel, table=True):
    """A signed-in browser. Only a hash of its token is kept."""

    __tablename__ = "user_sessions"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = Field(default=None)
    ip_address: str = Field(default="", max_length=45)
    user_agent: str = Field(default="", max_length=255)
    handed_over_at: datetime | None = Field(default=None)
    """When the browser received its token in an HttpOnly cookie. Until then `token_hash` is the
    digest of the one-time sign-in ticket and the row opens nothing."""


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins per e-mail address (known or not, so that nothing is revealed) and per
    client address (key « ip:… »)."""

    __tablename__ = "login_throttles"

    email: str = Field(primary_key=True, max_length=254)
    """The throttled key: a normalised e-mail, or « ip:<address> »."""
    recent_failures: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    """ISO times of the failures of the last 15 minutes (a sliding window)."""
    locked_until: datetime | None = Field(default=None)
    last_failure_at: datetime = Field(default_factory=utcnow, index=True)
    """Rows idle past the window (and not locked) are purged: unknown e-mails stay bounded."""
