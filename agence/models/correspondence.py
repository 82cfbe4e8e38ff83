"""Letters and e-mails: the editable templates, the SMTP account and the correspondence log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from agence.models.base import Timestamped, utcnow


class DocumentTemplate(Timestamped, table=True):
    """The texts of one document kind in one language, as the agency edited them (the built-in
    texts apply while no row exists)."""

    __tablename__ = "document_templates"
    __table_args__ = (UniqueConstraint("kind", "language", name="uq_document_templates_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30)
    language: str = Field(max_length=2)
    email_subject: str = Field(default="", max_length=300)
    email_body: str = Field(default="", max_length=8000)
    introduction: str = Field(default="", max_length=8000)
    not_included: str = Field(default="", max_length=4000)
    terms: str = Field(default="", max_length=20000)
    closing: str = Field(default="", max_length=4000)
    updated_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


class MailSettings(Timestamped, table=True):
    """The agency's outgoing mail server (one row); the password is stored encrypted."""

    __tablename__ = "mail_settings"

    id: int | None = Field(default=None, primary_key=True)
    host: str = Field(default="", max_length=200)
    port: int = Field(default=587)
    security: str = Field(default="starttls", max_length=10)
    username: str = Field(default="", max_length=200)
    password_encrypted: str = Field(default="", max_length=1000)
    sender_address: str = Field(default="", max_length=254)
    sender_name: str = Field(default="", max_length=120)
    timeout_seconds: int = Field(default=20)
    updated_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


class OutgoingMessage(SQLModel, table=True):
    """One e-mail of the correspondence log: what was sent, to whom, and what the server said.
    Only a message the server accepted is « envoyé »."""

    __tablename__ = "outgoing_messages"

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int | None = Field(
        default=None, foreign_key="bookings.id", index=True, ondelete="CASCADE"
    )
    client_id: int | None = Field(
        default=None, foreign_key="clients.id", index=True, ondelete="SET NULL"
    )
    supplier_id: int | None = Field(
        default=None, foreign_key="suppliers.id", index=True, ondelete="SET NULL"
    )
    kind: str = Field(default="", max_length=30)
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    user_label: str = Field(default="", max_length=200)
    sender: str = Field(default="", max_length=400)
    recipients: str = Field(max_length=2000)
    cc: str = Field(default="", max_length=2000)
    subject: str = Field(max_length=300)
    body: str = Field(default="", max_length=20000)
    message_id: str = Field(max_length=300)
    status: str = Field(default="en_attente", max_length=12, index=True)
    server_answer: str = Field(default="", max_length=1000)
    attempts: int = Field(default=0)
    claimed_at: datetime | None = Field(default=None)
    """When the last attempt took the message (« en cours »): a claim that never ended was
    interrupted (the process died during the network call)."""
    resumed: bool = Field(default=False)
    """Sent again automatically after an interruption: never a second time."""
    batch: str = Field(default="", max_length=40, index=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    sent_at: datetime | None = Field(default=None)


class MessageAttachment(SQLModel, table=True):
    """A stored document attached to a message (the exact bytes that were sent)."""

    __tablename__ = "message_attachments"

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="outgoing_messages.id", index=True, ondelete="CASCADE")
    document_id: int = Field(foreign_key="party_documents.id", index=True, ondelete="CASCADE")
