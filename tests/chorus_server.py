"""A fake PISTE + Chorus Pro on 127.0.0.1 (http.server in a thread) that checks what it gets.

Used by the service tests (and usable by hand or from a benchmark), so it imports nothing from
pytest. `running_chorus(...)` starts one on a free port and stops it afterwards:

    with running_chorus() as server:
        client = ChorusClient(server.access())
        flow = client.deposit(pdf, "FA-1.pdf")
        assert server.deposits[0].pdf == pdf

What it checks, answering as the real services do where the sources say so (see the
docstring of agence.services.billing.chorus): the token request (client credentials in the form
body or in HTTP Basic, `grant_type=client_credentials`, `scope` with `openid`); on every API
call a bearer token it issued, not expired, and `cpro-account` = base64("login:password"); on a
deposit `syntaxeFlux` = IN_DP_E2_CII_FACTURX, a file name, and `fichierFlux` strict base64 of a
PDF.
A wrong request is answered 400/401 and noted in `problems` (a test expects it empty).

Behaviours a test sets (attributes may change while it runs):
- `token_lifetime` (the `expires_in` given) and `token_max_calls`: a token dies after that many
  API calls (the next call with it gets 401) — a token expiring in the middle of a job;
- `deposit_delay`: the deposit is recorded, then the answer waits that long (a client timing
  out after Chorus Pro registered the flow);
- `fail_next(path, *codes, libelle=...)`: the next calls of a path answer those HTTP codes
  (before anything is recorded);
- `delay_next(path, *seconds)`: the next calls of a path wait before answering;
- `steps`: the life of every flow, one step per status request (consulterCRDetaille) of that
  flow, the last one kept; `advance(flow)` moves a flow on without a request.

Chorus Pro reads the invoice number (numeroFacture) from the Factur-X XML; this fake takes it
from the file name without its extension, which is how the app names deposits.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from agence.services.billing.chorus import (
    DEPOSIT_PATH,
    FLOW_REPORT_PATH,
    SUPPLIER_SEARCH_PATH,
    SYNTAX_FACTURX,
)
from agence.services.billing.chorus_settings import ChorusAccess

HOST = "127.0.0.1"
TOKEN_PATH = "/api/oauth/token"
CLIENT_ID = "piste-app-agence"
CLIENT_SECRET = "secret-piste-Très-long-42"
LOGIN = "TECH_escapades@cpro.fr"
PASSWORD = "Mdp-technique-é-2026"
SUPPLIER_STRUCTURE_ID = "25123456"


@dataclass(frozen=True)
class Step:
    """One moment of a flow: the flow's state and, once integrated, the invoice's status."""

    flow: str = "IN_RECU"
    invoice: str = ""
    comment: str = ""
    errors: tuple[str, ...] = ()


DEFAULT_STEPS: tuple[Step, ...] = (
    Step("IN_RECU"),
    Step("IN_INTEGRE", "DEPOSEE"),
    Step("IN_INTEGRE", "MISE_A_DISPOSITION"),
)


@dataclass
class Deposit:
    """A flow the server registered."""

    flow_number: str
    file_name: str
    pdf: bytes
    payload: dict[str, Any]
    invoice_number: str
    id_cpp: int
    step: int = -1
    """Index in `steps` of the last status given (-1: none asked yet)."""


@dataclass
class Call:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int = 0


@dataclass
class _Token:
    issued_at: float
    lifetime: int
    max_calls: int | None
    calls: int = 0

    def alive(self) -> bool:
        if time.monotonic() > self.issued_at + self.lifetime:
            return False
        return self.max_calls is None or self.calls < self.max_calls


@dataclass
class ChorusServer:
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    login: str = LOGIN
    password: str = PASSWORD
    token_lifetime: int = 3600
    token_max_calls: int | None = None
    deposit_delay: float = 0.0
    steps: tuple[Step, ...] = DEFAULT_STEPS
    port: int = 0
    calls: list[Call] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    deposits: list[Deposit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._tokens: dict[str, _Token] = {}
        self._failures: dict[str, list[tuple[int, str]]] = {}
        self._delays: dict[str, list[float]] = {}
        self._flow_numbers = itertools.count(1)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Set-up -----------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def token_url(self) -> str:
        return f"{self.url}{TOKEN_PATH}"

    def access(self, **overrides: str) -> ChorusAccess:
        """An access to this server, as chorus_settings.access() would build it."""
        values = {
            "token_url": self.token_url,
            "api_url": self.url,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "account_login": self.login,
            "account_password": self.password,
            "supplier_structure_id": SUPPLIER_STRUCTURE_ID,
        }
        values.update(overrides)
        return ChorusAccess(**values)

    def settings_form(self, **overrides: str) -> dict[str, str]:
        """The settings form filled for this server (chorus_settings.save)."""
        access = self.access(**overrides)
        return {
            "token_url": access.token_url,
            "api_url": access.api_url,
            "client_id": access.client_id,
            "client_secret": access.client_secret,
            "account_login": access.account_login,
            "account_password": access.account_password,
            "supplier_structure_id": access.supplier_structure_id,
        }

    def fail_next(self, path: str, *codes: int, libelle: str = "") -> None:
        with self._lock:
            self._failures.setdefault(path, []).extend((code, libelle) for code in codes)

    def delay_next(self, path: str, *seconds: float) -> None:
        with self._lock:
            self._delays.setdefault(path, []).extend(seconds)

    def advance(self, flow_number: str) -> None:
        with self._lock:
            deposit = self._deposit(flow_number)
            if deposit is not None:
                deposit.step = min(max(deposit.step, 0) + 1, len(self.steps) - 1)

    def calls_to(self, path: str) -> list[Call]:
        return [call for call in self.calls if call.path == path]

    # Life -------------------------------------------------------------------------------------

    def start(self) -> ChorusServer:
        server = self

        class Handler(_Handler):
            chorus = server

        self._httpd = ThreadingHTTPServer((HOST, self.port), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> ChorusServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # Answers (called from the handler's thread) -----------------------------------------------

    def _deposit(self, flow_number: str) -> Deposit | None:
        return next((d for d in self.deposits if d.flow_number == flow_number), None)

    def _pop(self, table: dict[str, list[Any]], path: str) -> Any:
        with self._lock:
            queue = table.get(path)
            return queue.pop(0) if queue else None

    def _problem(self, text: str) -> None:
        with self._lock:
            self.problems.append(text)

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        call = Call(path, headers, body)
        with self._lock:
            self.calls.append(call)
        delay = self._pop(self._delays, path)
        if delay:
            self._stopping.wait(delay)
        if path == TOKEN_PATH:
            status, answer = self._token(headers, body)
        else:
            status, answer = self._api(path, headers, body)
        call.status = status
        return status, answer

    def _token(self, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
        with self._lock:
            self.token_requests.append(form)
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        basic = headers.get("authorization", "")
        if basic.lower().startswith("basic "):
            decoded = base64.b64decode(basic[6:]).decode("utf-8")
            client_id, _, client_secret = decoded.partition(":")
        failure = self._pop(self._failures, TOKEN_PATH)
        if failure:
            return failure[0], {"error": "server_error", "error_description": failure[1]}
        if form.get("grant_type") != "client_credentials":
            self._problem(f"grant_type {form.get('grant_type')!r}")
            return 400, {"error": "unsupported_grant_type"}
        if "openid" not in form.get("scope", "").split():
            self._problem(f"scope {form.get('scope')!r}")
            return 400, {"error": "invalid_scope"}
        if (client_id, client_secret) != (self.client_id, self.client_secret):
            return 401, {"error": "invalid_client", "error_description": "Client inconnu"}
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = _Token(
                time.monotonic(), self.token_lifetime, self.token_max_calls
            )
        return 200, {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
            "scope": "openid",
        }

    def _authorized(self, headers: dict[str, str]) -> tuple[int, dict] | None:
        authorization = headers.get("authorization", "")
        if not authorization.startswith("Bearer "):
            self._problem("no bearer token")
            return 401, {"error": "invalid_token"}
        with self._lock:
            token = self._tokens.get(authorization[7:])
            if token is None or not token.alive():
                return 401, {"error": "invalid_token", "error_description": "Jeton expiré"}
            token.calls += 1
        expected = base64.b64encode(f"{self.login}:{self.password}".encode()).decode()
        if headers.get("cpro-account") != expected:
            self._problem(f"cpro-account {headers.get('cpro-account')!r}")
            return 401, {"codeRetour": 401, "libelle": "Compte technique inconnu"}
        if not headers.get("content-type", "").startswith("application/json"):
            self._problem(f"content-type {headers.get('content-type')!r}")
            return 415, {"codeRetour": 415, "libelle": "JSON attendu"}
        return None

    def _api(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        refused = self._authorized(headers)
        if refused:
            return refused
        failure = self._pop(self._failures, path)
        if failure:
            code, libelle = failure
            return code, {"codeRetour": 20000 + code, "libelle": libelle or f"Erreur {code}"}
        try:
            payload = json.loads(body.decode("utf-8"))
        except ValueError:
            self._problem(f"{path}: body is not JSON")
            return 400, {"codeRetour": 1, "libelle": "Corps illisible"}
        if path == DEPOSIT_PATH:
            return self._deposit_flow(payload)
        if path == FLOW_REPORT_PATH:
            return self._flow_report(payload)
        if path == SUPPLIER_SEARCH_PATH:
            return self._search(payload)
        self._problem(f"unknown path {path}")
        return 404, {"codeRetour": 404, "libelle": "Service inconnu"}

    def _deposit_flow(self, payload: dict[str, Any]) -> tuple[int, dict]:
        wrong = []
        if payload.get("syntaxeFlux") != SYNTAX_FACTURX:
            wrong.append(f"syntaxeFlux {payload.get('syntaxeFlux')!r}")
        file_name = str(payload.get("nomFichier") or "")
        if not file_name or len(file_name) > 50 or not file_name.lower().endswith(".pdf"):
            wrong.append(f"nomFichier {file_name!r}")
        if payload.get("avecSignature") is not False:
            wrong.append(f"avecSignature {payload.get('avecSignature')!r}")
        try:
            pdf = base64.b64decode(str(payload.get("fichierFlux") or ""), validate=True)
        except (binascii.Error, ValueError):
            pdf = b""
        if not pdf.startswith(b"%PDF-"):
            wrong.append("fichierFlux is not the base64 of a PDF")
        if wrong:
            for text in wrong:
                self._problem(f"deposit: {text}")
            return 400, {"codeRetour": 20001, "libelle": "Flux invalide : " + ", ".join(wrong)}
        with self._lock:
            number = next(self._flow_numbers)
            deposit = Deposit(
                flow_number=f"CPP{number:010d}",
                file_name=file_name,
                pdf=pdf,
                payload=payload,
                invoice_number=file_name.rsplit(".", 1)[0],
                id_cpp=9_000_000 + number,
            )
            self.deposits.append(deposit)
        if self.deposit_delay:
            self._stopping.wait(self.deposit_delay)
        return 200, {
            "codeRetour": 0,
            "libelle": "GCU_MSG_01_000",
            "numeroFluxDepot": deposit.flow_number,
            "dateDepot": date.today().isoformat(),
            "syntaxeFlux": SYNTAX_FACTURX,
        }

    def _flow_report(self, payload: dict[str, Any]) -> tuple[int, dict]:
        flow_number = str(payload.get("numeroFluxDepot") or "")
        with self._lock:
            deposit = self._deposit(flow_number)
            if deposit is None:
                return 200, {"codeRetour": 20002, "libelle": "Flux introuvable"}
            deposit.step = min(deposit.step + 1, len(self.steps) - 1)
            step = self.steps[deposit.step]
        answer: dict[str, Any] = {
            "codeRetour": 0,
            "libelle": "TRA_MSG_00.000",
            "numeroFluxDepot": flow_number,
            "etatCourantDepotFlux": step.flow,
        }
        if step.errors:
            answer["listeErreurDP"] = [
                {"numeroDP": deposit.invoice_number, "libelleErreurDP": text}
                for text in step.errors
            ]
        return 200, answer

    def _search(self, payload: dict[str, Any]) -> tuple[int, dict]:
        if "idFournisseur" in payload and str(payload["idFournisseur"]) != SUPPLIER_STRUCTURE_ID:
            self._problem(f"search: idFournisseur {payload['idFournisseur']!r}")
        flow_number, number = payload.get("numeroFluxDepot"), payload.get("numeroFacture")
        if not flow_number and not number:
            self._problem("search without a criterion")
        rows = []
        with self._lock:
            for deposit in self.deposits:
                if flow_number and deposit.flow_number != flow_number:
                    continue
                if number and deposit.invoice_number != number:
                    continue
                step = self.steps[max(deposit.step, 0)]
                if step.flow not in ("IN_INTEGRE", "IN_INTEGRE_PARTIEL") or not step.invoice:
                    continue  # an invoice exists only once its flow is integrated
                rows.append(
                    {
                        "identifiantFactureCPP": deposit.id_cpp,
                        "numeroFacture": deposit.invoice_number,
                        "numeroFluxDepot": deposit.flow_number,
                        "statut": step.invoice,
                        "commentaireEtatCourant": step.comment,
                        "typeFacture": "FACTURE",
                    }
                )
        return 200, {
            "codeRetour": 0,
            "libelle": "GCU_MSG_01_000",
            "listeFactures": rows,
            "parametresRetour": {"pageCourante": 1, "pages": 1, "total": len(rows)},
        }


class _Handler(BaseHTTPRequestHandler):
    chorus: ChorusServer
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {key.lower(): value for key, value in self.headers.items()}
        status, answer = self.chorus.answer(self.path, headers, body)
        data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            if status == 401:
                self.send_header("WWW-Authenticate", 'Bearer realm="PISTE"')
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def running_chorus(**options: Any) -> Iterator[ChorusServer]:
    """A started server (see `ChorusServer` for the options), stopped at the end of the block."""
    with ChorusServer(**options) as server:
        yield server


def main() -> None:
    """`python -m tests.chorus_server [port]`: a server to try by hand; prints what arrives."""
    import sys

    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8443
    with running_chorus(port=port) as server:
        print(f"PISTE/Chorus Pro on {server.url} (Ctrl+C to stop)", flush=True)
        print(f"client {server.client_id} / {server.client_secret}", flush=True)
        print(f"account {server.login} / {server.password}", flush=True)
        shown = 0
        try:
            while True:
                threading.Event().wait(0.5)
                for call in server.calls[shown:]:
                    print(f"{call.status} POST {call.path}", flush=True)
                shown = len(server.calls)
                for problem in server.problems:
                    print(f"problem: {problem}", flush=True)
                server.problems.clear()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
