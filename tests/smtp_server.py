"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives.

Used by the service tests, the browser tests and the mail benchmark, so it imports nothing from
pytest. `running_smtp(...)` starts one on a free port (or a given one) and stops it afterwards:

    with running_smtp() as server:
        mailer.deliver(server.account(), message)
        assert server.received[0].rcpt_tos == ("a@example.fr",)

Options: `refuse_data` answers every DATA with a 5xx (the server's « non »), `refuse_recipients`
refuses some RCPT, `users` requires AUTH (PLAIN and LOGIN over a plain connection unless
`exclude_mechanisms` says otherwise), `tls` = "starttls" or "ssl" with a throw-away self-signed
certificate (`server.client_tls_context` trusts it).
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from agence.services.documents.mailer import MailAccount

HOST = "127.0.0.1"
REFUSED_DATA = "554 5.7.1 Message refusé"
UNKNOWN_RECIPIENT = "550 5.1.1 Destinataire inconnu"
Tls = Literal["none", "starttls", "ssl"]


@dataclass(frozen=True)
class Received:
    """One message the server accepted, as it arrived."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    login: str
    """The user who signed in on the connection ("" without AUTH)."""
    tls: bool

    def message(self) -> EmailMessage:
        # Parsed as a mail program would store it: lines end with \n, not the wire's \r\n.
        parsed = BytesParser(policy=policy.default).parsebytes(self.data.replace(b"\r\n", b"\n"))
        assert isinstance(parsed, EmailMessage)
        return parsed


class RecordingHandler:
    """aiosmtpd handler: keeps accepted messages; its attributes may change while it runs
    (e.g. refuse, then accept the retry)."""

    def __init__(
        self,
        *,
        refuse_data: str | None = None,
        refuse_recipients: Iterable[str] = (),
        on_data: Callable[[Envelope], None] | None = None,
    ) -> None:
        self.refuse_data = refuse_data
        self.refuse_recipients = {address.lower() for address in refuse_recipients}
        self.on_data = on_data
        """Called in the server's thread when DATA arrives (a test looks at the world then)."""
        self.require_auth = False
        self.received: list[Received] = []
        self.refused = 0
        self._lock = threading.Lock()

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        if self.require_auth and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address.lower() in self.refuse_recipients:
            return UNKNOWN_RECIPIENT
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.on_data is not None:
            self.on_data(envelope)
        if self.refuse_data:
            with self._lock:
                self.refused += 1
            return self.refuse_data
        content = envelope.content
        data = content if isinstance(content, bytes) else (content or "").encode()
        auth = session.auth_data
        login = auth.login.decode() if isinstance(auth, LoginPassword) else ""
        with self._lock:
            self.received.append(
                Received(
                    mail_from=envelope.mail_from or "",
                    rcpt_tos=tuple(envelope.rcpt_tos),
                    data=data,
                    login=login,
                    tls=session.ssl is not None
                    or server.transport.get_extra_info("ssl_object") is not None,
                )
            )
        return "250 OK"


class _Authenticator:
    def __init__(self, users: dict[str, str]) -> None:
        self.users = users
        self.mechanisms: list[str] = []

    def __call__(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        mechanism: str,
        auth_data: Any,
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            login, password = auth_data.login.decode(), auth_data.password.decode()
            if login in self.users and self.users[login] == password:
                self.mechanisms.append(mechanism)
                return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)


class _Controller(Controller):
    """aiosmtpd's threaded controller, on port 0 if asked (the system picks a free port, read
    back before the start-up check connects), counting the connections it serves."""

    connections = 0

    def factory(self) -> SMTP:
        self.connections += 1
        return super().factory()

    def _trigger_server(self) -> None:
        if self.port == 0 and self.server is not None:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


# --- Certificates -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def self_signed_certificate() -> tuple[bytes, bytes]:
    """(certificate PEM, private key PEM) for 127.0.0.1 and localhost, valid one day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return (
        certificate.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def server_tls_context() -> ssl.SSLContext:
    certificate, key = self_signed_certificate()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with tempfile.TemporaryDirectory() as directory:
        cert_path, key_path = Path(directory) / "cert.pem", Path(directory) / "key.pem"
        cert_path.write_bytes(certificate)
        key_path.write_bytes(key)
        context.load_cert_chain(cert_path, key_path)
    return context


def client_tls_context() -> ssl.SSLContext:
    """A client context that trusts the test certificate (and nothing else)."""
    return ssl.create_default_context(cadata=self_signed_certificate()[0].decode())


# --- The server ---------------------------------------------------------------------------------


def free_port() -> int:
    """A port nobody listens on right now (a « closed port » for connection failures)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(
        self,
        *,
        port: int = 0,
        refuse_data: str | bool | None = None,
        refuse_recipients: Iterable[str] = (),
        users: dict[str, str] | None = None,
        exclude_mechanisms: Iterable[str] = (),
        tls: Tls = "none",
    ) -> None:
        self.handler = RecordingHandler(
            refuse_data=REFUSED_DATA if refuse_data is True else (refuse_data or None),
            refuse_recipients=refuse_recipients,
        )
        self.authenticator = _Authenticator(users) if users else None
        self.tls = tls
        options: dict[str, Any] = {"server_hostname": "smtp.test"}
        if self.authenticator is not None:
            # AUTH offered on plain connections too (what these tests are about); the handler
            # requires it (aiosmtpd's auth_required warns without TLS).
            self.handler.require_auth = True
            options.update(
                authenticator=self.authenticator,
                auth_require_tls=False,
                auth_exclude_mechanism=list(exclude_mechanisms),
            )
        if tls == "starttls":
            options["tls_context"] = server_tls_context()
        elif tls == "ssl":
            options["ssl_context"] = server_tls_context()
        self.client_tls_context = client_tls_context() if tls != "none" else None
        self._controller = _Controller(self.handler, hostname=HOST, port=port, **options)

    @property
    def host(self) -> str:
        return HOST

    @property
    def port(self) -> int:
        return self._controller.port

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    @property
    def connections(self) -> int:
        """Connections served since the start (the start-up check is not counted)."""
        return self._controller.connections

    @property
    def auth_mechanisms(self) -> list[str]:
        """The AUTH mechanism of every successful sign-in, in order."""
        return self.authenticator.mechanisms if self.authenticator else []

    def account(self, **overrides: Any) -> MailAccount:
        """A mail account for this server (no TLS unless the server uses it)."""
        values: dict[str, Any] = {
            "host": HOST,
            "port": self.port,
            "security": self.tls,
            "sender_address": "agence@escapades.test",
            "sender_name": "Escapades en Loire",
            "timeout_seconds": 5,
        }
        values.update(overrides)
        return MailAccount(**values)

    def start(self) -> SmtpServer:
        self._controller.start()
        self._controller.connections = 0
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


@contextmanager
def running_smtp(**options: Any) -> Iterator[SmtpServer]:
    """A started server (see `SmtpServer` for the options), stopped at the end of the block."""
    with SmtpServer(**options) as server:
        yield server


def main() -> None:
    """`python -m tests.smtp_server [port]`: a server to look at by hand; prints what arrives."""
    import sys

    port = int(sys.argv[1]) if len(sys.argv) > 1 else 2525
    with running_smtp(port=port) as server:
        print(f"SMTP on {server.host}:{server.port} (Ctrl+C to stop)", flush=True)
        shown = 0
        try:
            while True:
                threading.Event().wait(0.5)
                for received in server.received[shown:]:
                    message = received.message()
                    print(f"{received.rcpt_tos} — {message['Subject']}", flush=True)
                shown = len(server.received)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
