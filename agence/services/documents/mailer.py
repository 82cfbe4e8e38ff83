"""E-mails through the agency's own SMTP server: addresses, message composition and delivery.

Pure: no database, no settings. Delivery never raises for a network or SMTP problem — it answers
what happened in French, with the server's own reply, because the correspondence log keeps that
answer for the user (« 554 5.7.1 Message refusé », « Connexion impossible à … »). A message is
only « accepted » once the server accepted its DATA: nothing less may be shown as « envoyé ».
"""

from __future__ import annotations

import base64
import copy
import io
import re
import smtplib
import socket
import ssl
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from email.generator import BytesGenerator
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, formatdate, getaddresses, make_msgid
from types import TracebackType

SECURITIES = ("starttls", "ssl", "none")

_SEPARATORS = re.compile(r"[,;\r\n]+")
_NAMED = re.compile(r"^(?P<name>.*)<(?P<address>[^<>]*)>$")
_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class MailAccount:
    """The outgoing server as the mailer needs it (the password in clear, never shown or logged:
    it is left out of repr)."""

    host: str
    port: int
    security: str = "starttls"
    username: str = ""
    password: str = field(default="", repr=False)
    sender_address: str = ""
    sender_name: str = ""
    timeout_seconds: int = 20

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def sender(self) -> str:
        """The From text: « Escapades en Loire <contact@escapades-loire.fr> »."""
        return formataddr((self.sender_name, self.sender_address))


@dataclass(frozen=True)
class Attachment:
    file_name: str
    data: bytes = field(repr=False)
    mime: str = "application/octet-stream"


@dataclass(frozen=True)
class Delivery:
    """What the server said: `accepted` only when it took the message (250 after DATA)."""

    accepted: bool
    answer: str


# --- Addresses ----------------------------------------------------------------------------------


def is_valid_address(address: str) -> bool:
    return len(address) <= 254 and _ADDRESS.match(address) is not None


def parse_addresses(text: str, *, required: bool = False) -> list[str]:
    """The addresses typed in a « À » or « Cc » field: separated by commas, semicolons or lines,
    « Nom <adresse> » accepted (the address is kept), duplicates removed. Raises ValueError
    with a French message naming every bad address."""
    found: list[str] = []
    seen: set[str] = set()
    bad: list[str] = []
    for raw in _SEPARATORS.split(text or ""):
        item = raw.strip()
        if not item:
            continue
        named = _NAMED.match(item)
        address = (named.group("address") if named else item).strip().lower()
        if not is_valid_address(address):
            bad.append(item)
            continue
        if address not in seen:
            seen.add(address)
            found.append(address)
    if bad:
        if len(bad) == 1:
            raise ValueError(f"Adresse e-mail invalide : {bad[0]}")
        raise ValueError(f"Adresses e-mail invalides : {', '.join(bad)}")
    if required and not found:
        raise ValueError("Indiquez au moins un destinataire.")
    return found


def one_line(text: str) -> str:
    """A header value on one line: a pasted subject must not inject headers."""
    return " ".join(_CONTROL.sub(" ", text).split())


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip().lower() or "localhost"


def new_message_id(sender_address: str) -> str:
    """A unique Message-ID in the sender's domain: the log keeps it, so the same message sent
    again after a failure is recognisable by the recipient's mail software."""
    return make_msgid(domain=domain_of(sender_address))


# --- Composition --------------------------------------------------------------------------------


def compose(
    account: MailAccount,
    *,
    to: Sequence[str],
    cc: Sequence[str] = (),
    subject: str,
    body: str,
    attachments: Sequence[Attachment] = (),
    message_id: str | None = None,
) -> EmailMessage:
    """The message as it will travel: UTF-8 text (quoted-printable, safe for any server) and
    the attachments' exact bytes (base64)."""
    message = EmailMessage()
    message["From"] = Address(
        display_name=one_line(account.sender_name), addr_spec=account.sender_address
    )
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = one_line(subject)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id or new_message_id(account.sender_address)
    message.set_content(body, subtype="plain", charset="utf-8", cte="quoted-printable")
    for attachment in attachments:
        maintype, _, subtype = attachment.mime.partition("/")
        message.add_attachment(
            attachment.data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=one_line(attachment.file_name) or "piece-jointe",
        )
    return message


def envelope_recipients(message: EmailMessage) -> list[str]:
    """Every To, Cc and Bcc address, once."""
    headers = [str(value) for name in ("To", "Cc", "Bcc") for value in message.get_all(name, [])]
    recipients: list[str] = []
    for _, address in getaddresses(headers):
        if address and address.lower() not in (r.lower() for r in recipients):
            recipients.append(address)
    return recipients


def _flatten(message: EmailMessage) -> bytes:
    if message.get_all("Bcc"):
        message = copy.copy(message)
        del message["Bcc"]
    buffer = io.BytesIO()
    BytesGenerator(buffer, policy=message.policy.clone(linesep="\r\n")).flatten(message)
    return buffer.getvalue()


# --- Delivery -----------------------------------------------------------------------------------


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return " ".join(f"{code} {text}".split())


def _reason(exc: BaseException, timeout: int) -> str:
    if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(exc.__context__, OSError):
        exc = exc.__context__  # smtplib hides a timeout behind « unexpectedly closed »
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"pas de réponse en {timeout} s"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"certificat du serveur refusé ({exc.verify_message or exc.reason})"
    if isinstance(exc, ssl.SSLError):
        return f"échec de la connexion sécurisée ({exc.reason or exc})"
    if isinstance(exc, socket.gaierror):
        return f"serveur introuvable ({exc.strerror or exc})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _login(smtp: smtplib.SMTP, username: str, password: str) -> None:
    """smtplib signs in with ASCII credentials only; an accented password (UTF-8, as RFC 4616
    wants) goes through AUTH PLAIN or LOGIN written here."""
    if (username + password).isascii():
        smtp.login(username, password)
        return
    if not smtp.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    mechanisms = smtp.esmtp_features["auth"].upper().split()
    if "PLAIN" in mechanisms:
        token = base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii")
        code, text = smtp.docmd("AUTH", f"PLAIN {token}")
    elif "LOGIN" in mechanisms:
        code, text = smtp.docmd("AUTH", "LOGIN " + base64.b64encode(username.encode()).decode())
        if code == 334:
            code, text = smtp.docmd(base64.b64encode(password.encode()).decode("ascii"))
    else:
        raise smtplib.SMTPException("No suitable authentication method found.")
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, text)


class _LinkProblem(Exception):
    """The connection could not be opened or authenticated: the French answer for the log."""


class SmtpLink:
    """One connection to the account's server, opened at the first message and reused for the
    next ones (a batch of 200 e-mails costs one connection, one TLS handshake, one login).

    A connection that cannot be opened (refused, timed out, bad password) fails every later
    message of the link at once with the same answer instead of waiting for the timeout 200
    times; a connection the server closed between two messages is opened again."""

    def __init__(self, account: MailAccount, *, tls_context: ssl.SSLContext | None = None) -> None:
        self.account = account
        self.connections = 0
        """How many connections were opened (the benchmark checks the reuse)."""
        self._tls_context = tls_context
        self._smtp: smtplib.SMTP | None = None
        self._fresh = False
        self._broken: str | None = None

    def __enter__(self) -> SmtpLink:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    def _context(self) -> ssl.SSLContext:
        return self._tls_context or ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        account = self.account
        where = account.where
        if account.security not in SECURITIES:
            raise _LinkProblem(f"Sécurité de connexion inconnue : {account.security}.")
        try:
            if account.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    account.host,
                    account.port,
                    timeout=account.timeout_seconds,
                    context=self._context(),
                )
            else:
                smtp = smtplib.SMTP(account.host, account.port, timeout=account.timeout_seconds)
        except smtplib.SMTPConnectError as exc:
            raise _LinkProblem(
                f"Connexion refusée par {where} : {_reply(exc.smtp_code, exc.smtp_error)}"
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            reason = _reason(exc, account.timeout_seconds)
            raise _LinkProblem(f"Connexion impossible à {where} : {reason}") from exc
        step = "ehlo"
        try:
            smtp.ehlo_or_helo_if_needed()
            if account.security == "starttls":
                step = "starttls"
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if account.username:
                step = "login"
                _login(smtp, account.username, account.password)
        except smtplib.SMTPNotSupportedError as exc:
            smtp.close()
            if step == "starttls":
                raise _LinkProblem(
                    f"Le serveur {where} ne propose pas STARTTLS : choisissez « SSL/TLS » "
                    "ou « Aucune »."
                ) from exc
            raise _LinkProblem(
                f"Le serveur {where} ne propose pas l'authentification sur cette connexion : "
                "vérifiez la sécurité choisie, ou laissez l'identifiant vide."
            ) from exc
        except smtplib.SMTPAuthenticationError as exc:
            smtp.close()
            raise _LinkProblem(
                f"Identifiant ou mot de passe refusé par {where} : "
                f"{_reply(exc.smtp_code, exc.smtp_error)}"
            ) from exc
        except smtplib.SMTPResponseException as exc:
            smtp.close()
            raise _LinkProblem(
                f"Connexion refusée par {where} : {_reply(exc.smtp_code, exc.smtp_error)}"
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            smtp.close()
            reason = _reason(exc, account.timeout_seconds)
            raise _LinkProblem(f"Connexion impossible à {where} : {reason}") from exc
        self.connections += 1
        return smtp

    def _ready(self) -> smtplib.SMTP:
        """The open connection, checked with a NOOP when it already carried a message (the
        server may have closed it meanwhile), or a new one."""
        if self._smtp is not None and not self._fresh:
            try:
                code, _ = self._smtp.noop()
                if code == 250:
                    return self._smtp
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()
        if self._smtp is None:
            self._smtp = self._connect()
            self._fresh = True
        return self._smtp

    def open(self) -> Delivery:
        """Connects (and signs in) without sending: « Tester la connexion »."""
        if self._broken is not None:
            return Delivery(False, self._broken)
        try:
            self._ready()
        except _LinkProblem as exc:
            self._broken = str(exc)
            return Delivery(False, self._broken)
        return Delivery(True, f"Connexion réussie à {self.account.where}.")

    def send(self, message: EmailMessage) -> Delivery:
        if self._broken is not None:
            return Delivery(False, self._broken)
        try:
            smtp = self._ready()
        except _LinkProblem as exc:
            self._broken = str(exc)
            return Delivery(False, self._broken)
        self._fresh = False
        try:
            return self._transaction(smtp, message)
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code == 421:
                self._drop()
            else:
                self._reset(smtp)
            return Delivery(False, _reply(exc.smtp_code, exc.smtp_error))
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            reason = _reason(exc, self.account.timeout_seconds)
            return Delivery(False, f"Connexion interrompue avec {self.account.where} : {reason}")
        except smtplib.SMTPException as exc:
            self._reset(smtp)
            return Delivery(False, f"Erreur SMTP : {exc}")

    def _reset(self, smtp: smtplib.SMTP) -> None:
        try:
            smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _transaction(self, smtp: smtplib.SMTP, message: EmailMessage) -> Delivery:
        """MAIL, RCPT for every recipient, DATA. One refused recipient and the message goes to
        nobody: sending it to the others and « failing » would resend it to them on retry."""
        recipients = envelope_recipients(message)
        if not recipients:
            return Delivery(False, "Aucun destinataire.")
        data = _flatten(message)
        options = [f"SIZE={len(data)}"] if smtp.has_extn("size") else []
        code, text = smtp.mail(self.account.sender_address, options)
        if code != 250:
            self._after_refusal(smtp, code)
            return Delivery(False, _reply(code, text))
        refused = []
        for recipient in recipients:
            code, text = smtp.rcpt(recipient)
            if code not in (250, 251):
                refused.append(f"{recipient} ({_reply(code, text)})")
                if code == 421:
                    break
        if refused:
            self._after_refusal(smtp, code)
            label = "Destinataire refusé" if len(refused) == 1 else "Destinataires refusés"
            return Delivery(False, f"{label} par le serveur : {' ; '.join(refused)}")
        code, text = smtp.data(data)
        if code == 421:
            self._drop()
        return Delivery(code == 250, _reply(code, text))

    def _after_refusal(self, smtp: smtplib.SMTP, code: int) -> None:
        if code == 421:
            self._drop()
        else:
            self._reset(smtp)


def deliver(
    account: MailAccount, message: EmailMessage, *, tls_context: ssl.SSLContext | None = None
) -> Delivery:
    """One message on its own connection."""
    with SmtpLink(account, tls_context=tls_context) as link:
        return link.send(message)


def deliver_many(
    account: MailAccount,
    messages: Iterable[EmailMessage],
    *,
    tls_context: ssl.SSLContext | None = None,
) -> Iterator[Delivery]:
    """The messages one after another on one connection, each answer as soon as it is known
    (the messages are taken one at a time: a generator keeps a big batch out of memory)."""
    with SmtpLink(account, tls_context=tls_context) as link:
        for message in messages:
            yield link.send(message)


def check(account: MailAccount, *, tls_context: ssl.SSLContext | None = None) -> Delivery:
    """Connects and signs in without sending anything: the settings page's test button."""
    with SmtpLink(account, tls_context=tls_context) as link:
        return link.open()
