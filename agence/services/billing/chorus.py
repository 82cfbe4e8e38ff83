"""Chorus Pro (public buyers): deposit an issued invoice's Factur-X PDF and follow its status.

A public body must receive its invoices through Chorus Pro (ordonnance 2014-697; still so after
the September 2026 reform). The agency deposits the PDF it issued, exactly as stored, then polls
what became of it. The deposit is not idempotent — Chorus Pro registers every flow it receives —
so the one thing this module guards above all is « never deposit the same invoice twice »:

1. `send_invoice` claims the invoice in a first short transaction with a conditional UPDATE
   (« dépôt en cours » only from « non déposée » or « échec du dépôt »): a second click or a
   second worker finds it claimed and stops.
2. The deposit runs outside any transaction (nothing stays locked while Chorus Pro answers).
3. Its outcome is written in a second transaction: « déposée » with the flow number; « échec du
   dépôt » when the request certainly did not register (4xx, business refusal, connection
   impossible, token refused) — the invoice may be sent again; « dépôt incertain » when it may
   have (timeout or 5xx after the request left). An uncertain invoice is never re-deposited
   automatically: `poll_status` reconciles it by searching Chorus Pro for the invoice number
   (each deposit carries it, both in the Factur-X XML and as the file name). Until Chorus Pro
   lists it, the message tells the user to check « Factures émises » on the portal; if it is
   really not there, `confirm_not_deposited` makes the invoice sendable again. A claim left
   « dépôt en cours » by a crashed worker is treated as uncertain after DEPOSIT_STALE_AFTER.

A rejected invoice is not sent again: an issued invoice never changes, so a credit note and a
new invoice follow. Sending needs « Facturation — Modifier », polling « Facturation — Voir »,
both within the actor's clients; called without an actor (a background job, the CLI), the caller
has checked. The service code and the engagement number are read on the invoice (they are in its
Factur-X, which is what Chorus Pro reads), the buyer's SIRET on the client.

Sources (read for this module; the AIFE OpenAPI itself needs a PISTE account and was not read)
— OCA/l10n-france `l10n_fr_chorus_account` (models/res_company.py, account_move.py,
chorus_flow.py), a Go Chorus Pro client and its tests, a generated Rust client of the
factures API, and shared/specs/french-rules.md §3.4:

- Token: POST <token_url> (PISTE: https://oauth.piste.gouv.fr/api/oauth/token), form
  `grant_type=client_credentials, client_id, client_secret, scope=openid` (client_secret_post,
  as OCA sends it); the answer's `expires_in` is about 3600 s. Through authlib's httpx client,
  renewed TOKEN_LEEWAY_SECONDS before it expires, and fetched again once if the API answers 401
  (a token may die before its announced end).
- Every API call: POST JSON, `Authorization: Bearer <token>` (the application) and
  `cpro-account: base64("<login>:<password>")` in UTF-8 (the technical account, i.e. the
  structure); `Content-Type: application/json;charset=utf-8`.
- Deposit: POST <api>/cpro/factures/v1/deposer/flux
  `{"fichierFlux": base64(pdf), "nomFichier", "syntaxeFlux": "IN_DP_E2_CII_FACTURX",
  "avecSignature": false}` → `{"codeRetour": 0, "libelle", "numeroFluxDepot", "dateDepot"}`.
  `idUtilisateurCourant` is left out (OCA sends none; other clients send 0) — VERIFY.
- Business errors come as HTTP 200 with `codeRetour` ≠ 0, or as HTTP 4xx with `codeRetour` and
  `libelle`; both are read as a refusal. 401 may mean the token or the technical account
  (`cpro-account`) — VERIFY which PISTE answers for a wrong account (403 is also seen).
- Flow status: POST <api>/cpro/transverses/v1/consulterCRDetaille `{"numeroFluxDepot"}` →
  `etatCourantDepotFlux` (IN_RECU, IN_EN_COURS_TRAITEMENT…, IN_INTEGRE, IN_INTEGRE_PARTIEL,
  IN_REJETE, IN_INCIDENTE) with `listeErreurDP[].libelleErreurDP` and
  `listeErreurTechnique[].libelleErreur` for a rejected flow. OCA uses « consulterCRDetaille »
  because « consulterCR » did not work for Factur-X; no source read uses a
  « consulter/compteRendu » path — VERIFY the exact path on the PISTE catalogue.
- Invoice status: POST <api>/cpro/factures/v1/rechercher/fournisseur with `numeroFluxDepot` (OCA)
  or `numeroFacture` (a criterion of the generated client), plus `idFournisseur` (the agency's
  idStructureCPP) when it is set → `listeFactures[]` with `numeroFacture`, `numeroFluxDepot`,
  `identifiantFactureCPP`, `statut`, `commentaireEtatCourant`. The reason of a rejection is read
  from `commentaireEtatCourant` — VERIFY; `consulter/historique {idFacture}` →
  `historiquesDesStatuts.histoStatut[].histoStatutCommentaire` is the other place, not used.
  A search that finds nothing is assumed to answer `codeRetour` 0 with an empty list — VERIFY
  (were it a non-zero code, the reconciliation would report a refusal instead of « not yet »).
- Invoice status codes (`statut`), mapped in _INVOICE_STATUSES — the list is VERIFY:
  DEPOSEE, EN_COURS_ACHEMINEMENT → déposée; MISE_A_DISPOSITION, COMPLETEE, SERVICE_FAIT,
  A_VALIDER_*, VALIDEE → mise à disposition; SUSPENDUE, A_RECYCLER → suspendue (the agency must
  act on the portal); REJETEE, REFUSEE → rejetée; MANDATEE, MISE_A_DISPOSITION_COMPTABLE,
  COMPTABILISEE → mandatée; MISE_EN_PAIEMENT → payée.
- Limits (OCA): a file name of 50 characters at most, a file under 10 MB — VERIFY for the main
  invoice file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, cast

import httpx
from authlib.deprecate import AuthlibDeprecationWarning
from sqlalchemy import CursorResult, update
from sqlmodel import Session, col, select

from agence.db import session_scope
from agence.models import Client, Invoice, PartyDocument
from agence.models.base import utcnow
from agence.services.billing.chorus_settings import (
    ChorusAccess,
    ChorusError,
    ChorusNotConfigured,
    ChorusSecretUnreadable,
)
from agence.services.billing.chorus_settings import access as chorus_access
from agence.services.billing.vocabulary import (
    CHORUS_SENDABLE,
    ChorusStatus,
    InvoiceStatus,
)
from agence.services.common import audit
from agence.services.common.audit import AuditAction
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import RecordNotFound
from agence.services.parties.clients import PUBLIC_BODY
from agence.settings import get_settings

with warnings.catch_warnings():
    # authlib 1.9 warns, once at import, that its httpx integration will move to the `httpx2`
    # fork. Reflex and this module use httpx, which it still supports: silenced here only
    # (re-check when upgrading authlib).
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Auth, OAuth2Client, OAuthError

if not issubclass(OAuth2Auth, httpx.Auth):  # pragma: no cover - depends on the installation
    raise ImportError("authlib's httpx integration runs on httpx2 here; Chorus Pro needs httpx")

__all__ = [
    "ChorusAlreadySent",
    "ChorusClient",
    "ChorusError",
    "ChorusNotConfigured",
    "ChorusNotSent",
    "ChorusRefused",
    "ChorusSecretUnreadable",
    "ChorusReading",
    "ChorusUncertain",
    "ChorusUnavailable",
    "FoundInvoice",
    "check_client_ready",
    "confirm_not_deposited",
    "file_name_for",
    "pending_invoice_ids",
    "poll_status",
    "send_invoice",
    "where_it_stands",
]

logger = logging.getLogger(__name__)

SYNTAX_FACTURX = "IN_DP_E2_CII_FACTURX"
DEPOSIT_PATH = "/cpro/factures/v1/deposer/flux"
FLOW_REPORT_PATH = "/cpro/transverses/v1/consulterCRDetaille"
SUPPLIER_SEARCH_PATH = "/cpro/factures/v1/rechercher/fournisseur"

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
"""OCA waits 30 s; a deposit of a few hundred kilobytes answers well within it."""
TOKEN_LEEWAY_SECONDS = 120
"""A token is renewed this long before its announced end (PISTE gives about an hour)."""
STATUS_RETRY_DELAYS: tuple[float, ...] = (1.0, 2.0, 4.0)
"""Waits between the attempts of a read (status, search) that met a 5xx or a timeout; a
deposit is never retried (it is not idempotent)."""
DEPOSIT_STALE_AFTER = timedelta(minutes=15)
"""A claim older than this was left by a worker that died: treated as an uncertain deposit."""
FILE_NAME_MAX = 50
FILE_MAX_BYTES = 10 * 1024 * 1024
SENDABLE = CHORUS_SENDABLE
"""The only statuses a deposit may start from (the conditional UPDATE's condition)."""
FOLLOWED = (
    ChorusStatus.DEPOSITING,
    ChorusStatus.UNCERTAIN,
    ChorusStatus.DEPOSITED,
    ChorusStatus.AVAILABLE,
    ChorusStatus.SUSPENDED,
    ChorusStatus.MANDATED,
)
"""Statuses still expected to move: what a periodic poll looks at."""

_FLOW_REJECTED = frozenset({"IN_REJETE", "IN_INCIDENTE"})
_FLOW_INTEGRATED = frozenset({"IN_INTEGRE", "IN_INTEGRE_PARTIEL"})
_INVOICE_STATUSES: dict[str, str] = {
    "DEPOSEE": ChorusStatus.DEPOSITED,
    "EN_COURS_ACHEMINEMENT": ChorusStatus.DEPOSITED,
    "MISE_A_DISPOSITION": ChorusStatus.AVAILABLE,
    "COMPLETEE": ChorusStatus.AVAILABLE,
    "SERVICE_FAIT": ChorusStatus.AVAILABLE,
    "VALIDEE": ChorusStatus.AVAILABLE,
    "SUSPENDUE": ChorusStatus.SUSPENDED,
    "A_RECYCLER": ChorusStatus.SUSPENDED,
    "REJETEE": ChorusStatus.REJECTED,
    "REFUSEE": ChorusStatus.REJECTED,
    "MANDATEE": ChorusStatus.MANDATED,
    "MISE_A_DISPOSITION_COMPTABLE": ChorusStatus.MANDATED,
    "COMPTABILISEE": ChorusStatus.MANDATED,
    "MISE_EN_PAIEMENT": ChorusStatus.PAID,
}
_OK_LABELS = frozenset({"TRA_MSG_00.000", "GCU_MSG_01_000"})
_UNSAFE_FILE_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]")
# The request never left: nothing can have been registered.
_NOT_SENT_ERRORS = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.ProxyError,
)
_ACCESS_REFUSED = (
    "Chorus Pro refuse l'accès (HTTP 401) même avec un jeton neuf : vérifiez l'identifiant et "
    "le mot de passe du compte technique (il expire), et que l'application PISTE est "
    "raccordée à Chorus Pro."
)


class ChorusRefused(ChorusError):
    """PISTE or Chorus Pro said no: nothing was registered, and the same request would be
    refused again."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class ChorusUnavailable(ChorusError):
    """No usable answer (5xx, timeout, network): for a read, after the retries."""


class ChorusNotSent(ChorusUnavailable):
    """The request certainly did not reach Chorus Pro (no connection, no token, quota)."""


class ChorusUncertain(ChorusUnavailable):
    """The deposit left and its answer was lost: Chorus Pro may have registered it."""


class ChorusAlreadySent(ChorusError):
    """Another click or worker deposited (or is depositing) this invoice."""


class ChorusReading(NamedTuple):
    """Where an invoice stands: our status code, its French label, and the why (the reason of
    a rejection or a suspension, errors of a rejected flow, a status we do not know)."""

    code: str
    label: str
    message: str


def _status(code: str, message: str = "") -> ChorusReading:
    return ChorusReading(code, ChorusStatus(code).label, message[:1000])


@dataclass(frozen=True)
class FoundInvoice:
    """An invoice as Chorus Pro lists it among the agency's issued invoices."""

    number: str
    flow_number: str
    status: ChorusReading


# --- The API client -----------------------------------------------------------------------------


class ChorusClient:
    """The PISTE/Chorus Pro API for one agency: a token by client credentials, the deposit and
    the status. Every request goes through `http` (its timeouts, proxies and pool); authlib's
    httpx OAuth2 client keeps the token (fetch, renewal before expiry) and signs the requests,
    its `session` pointed at that same `http` so that token requests obey the same settings.
    """

    def __init__(
        self,
        access: ChorusAccess,
        http: httpx.Client | None = None,
        *,
        retry_delays: Sequence[float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._access = access
        self._own_http = http is None
        self._http = http if http is not None else httpx.Client(timeout=DEFAULT_TIMEOUT)
        self._retry_delays = tuple(STATUS_RETRY_DELAYS if retry_delays is None else retry_delays)
        self._sleep = sleep
        self._oauth = OAuth2Client(
            client_id=access.client_id,
            client_secret=access.client_secret,
            token_endpoint_auth_method="client_secret_post",
            scope="openid",
            token_endpoint=access.token_url,
            grant_type="client_credentials",
            leeway=TOKEN_LEEWAY_SECONDS,
        )
        # authlib's client is an httpx.Client of its own: its pool is never used.
        self._oauth.close()
        self._oauth.session = self._http
        account = f"{access.account_login}:{access.account_password}".encode()
        self._account_header = base64.b64encode(account).decode("ascii")

    def close(self) -> None:
        if self._own_http:
            self._http.close()

    def __enter__(self) -> ChorusClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # The token --------------------------------------------------------------------------------

    def _token(self, *, renew: bool = False) -> None:
        try:
            if renew or not self._oauth.token:
                self._oauth.fetch_token()
            else:
                self._oauth.ensure_active_token(self._oauth.token)
        except OAuthError as exc:
            detail = " — ".join(part for part in (exc.error, exc.description) if part)
            raise ChorusRefused(
                "PISTE refuse l'application (client ID ou client secret) : "
                f"{detail or 'refus'}. Vérifiez-les dans Paramètres › Chorus Pro."
            ) from exc
        except httpx.HTTPStatusError as exc:
            code = exc.response.status_code
            if code >= 500 or code == 429:
                raise ChorusNotSent(
                    f"Le service d'authentification PISTE ne répond pas (HTTP {code})."
                ) from exc
            raise ChorusRefused(
                f"PISTE refuse la demande de jeton (HTTP {code}) : vérifiez l'URL du jeton et "
                "l'application dans Paramètres › Chorus Pro.",
                status_code=code,
            ) from exc
        except (httpx.TransportError, ValueError) as exc:
            reason = _reason(exc) if isinstance(exc, httpx.TransportError) else "réponse illisible"
            raise ChorusNotSent(
                f"Le service d'authentification PISTE est injoignable ({reason})."
            ) from exc

    # One exchange -----------------------------------------------------------------------------

    def _send(self, path: str, payload: dict[str, Any]) -> httpx.Response:
        return self._http.post(
            f"{self._access.api_url.rstrip('/')}{path}",
            content=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={
                "Content-Type": "application/json;charset=utf-8",
                "Accept": "application/json",
                "cpro-account": self._account_header,
            },
            auth=self._oauth.token_auth,
        )

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """One call; on 401 the token is fetched again and the call made once more (the gateway
        refuses before the API sees the request, so even a deposit may be repeated then)."""
        self._token()
        response = self._send(path, payload)
        if response.status_code == 401:
            self._token(renew=True)
            response = self._send(path, payload)
            if response.status_code == 401:
                raise ChorusRefused(_ACCESS_REFUSED, status_code=401)
        return _answer(response)

    def _read(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """A call that changes nothing: retried with growing waits on 5xx and timeouts."""
        attempts = len(self._retry_delays) + 1
        for attempt in range(attempts):
            try:
                return self._post(path, payload)
            except (ChorusUnavailable, httpx.TransportError) as exc:
                if attempt == attempts - 1:
                    if isinstance(exc, ChorusUnavailable):
                        raise
                    raise ChorusUnavailable(
                        f"Chorus Pro ne répond pas ({_reason(exc)}) : réessayez plus tard."
                    ) from exc
                logger.info("Chorus Pro %s: attempt %d failed (%s)", path, attempt + 1, exc)
                self._sleep(self._retry_delays[attempt])
        raise AssertionError("unreachable")  # pragma: no cover

    # The API ----------------------------------------------------------------------------------

    def deposit(self, pdf: bytes, file_name: str) -> str:
        """Deposits one Factur-X PDF; returns the flow number (numeroFluxDepot). Never retried:
        raises ChorusRefused or ChorusNotSent when nothing was registered, ChorusUncertain when
        the request left and its answer was lost."""
        payload = {
            "fichierFlux": base64.b64encode(pdf).decode("ascii"),
            "nomFichier": file_name,
            "syntaxeFlux": SYNTAX_FACTURX,
            "avecSignature": False,
        }
        try:
            answer = self._post(DEPOSIT_PATH, payload)
        except _NOT_SENT_ERRORS as exc:
            raise ChorusNotSent(
                f"Chorus Pro est injoignable ({_reason(exc)}) : rien n'a été déposé."
            ) from exc
        except httpx.TransportError as exc:
            raise ChorusUncertain(f"Chorus Pro n'a pas répondu au dépôt ({_reason(exc)}).") from exc
        except (ChorusRefused, ChorusNotSent, ChorusUncertain):
            raise
        except ChorusUnavailable as exc:
            raise ChorusUncertain(str(exc)) from exc
        flow = str(answer.get("numeroFluxDepot") or "").strip()
        if not flow:
            raise ChorusUncertain("Chorus Pro a répondu au dépôt sans numéro de flux.")
        return flow

    def status(self, flow_number: str) -> ChorusReading:
        """Where the invoice of a flow stands: the flow first (received, rejected, integrated),
        then, once integrated, the invoice it became."""
        report = self._read(FLOW_REPORT_PATH, {"numeroFluxDepot": flow_number})
        state = str(report.get("etatCourantDepotFlux") or "")
        if state in _FLOW_REJECTED:
            return _status(ChorusStatus.REJECTED, _flow_errors(report) or f"Flux rejeté ({state}).")
        if state not in _FLOW_INTEGRATED:
            return _status(ChorusStatus.DEPOSITED)
        found = self._search({"numeroFluxDepot": flow_number})
        return found[0].status if found else _status(ChorusStatus.DEPOSITED)

    def find_invoice(self, number: str) -> FoundInvoice | None:
        """The agency's invoice of that number on Chorus Pro, if it lists one (the
        reconciliation of an uncertain deposit). One not rejected is preferred."""
        found = [row for row in self._search({"numeroFacture": number}) if row.number == number]
        if not found:
            return None
        alive = [row for row in found if row.status.code != ChorusStatus.REJECTED]
        return (alive or found)[0]

    def _search(self, criteria: dict[str, Any]) -> list[FoundInvoice]:
        payload = dict(criteria)
        if self._access.supplier_structure_id:
            payload["idFournisseur"] = int(self._access.supplier_structure_id)
        answer = self._read(SUPPLIER_SEARCH_PATH, payload)
        rows = answer.get("listeFactures") or []
        return [
            FoundInvoice(
                number=str(row.get("numeroFacture") or ""),
                flow_number=str(row.get("numeroFluxDepot") or ""),
                status=_invoice_status(
                    str(row.get("statut") or ""), str(row.get("commentaireEtatCourant") or "")
                ),
            )
            for row in rows
            if isinstance(row, dict)
        ]


def _reason(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "délai d'attente dépassé"
    if isinstance(exc, httpx.ConnectError):
        return "connexion impossible"
    return "connexion interrompue"


def _answer(response: httpx.Response) -> dict[str, Any]:
    """The JSON of a 2xx answer with codeRetour 0; anything else as the right error."""
    code = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    body = body if isinstance(body, dict) else {}
    label = str(body.get("libelle") or body.get("message") or body.get("error_description") or "")
    if 200 <= code < 300:
        if not body:
            raise ChorusUnavailable(f"Réponse illisible de Chorus Pro (HTTP {code}).")
        return_code = body.get("codeRetour", 0)
        if return_code not in (0, "0", None):
            raise ChorusRefused(
                f"Chorus Pro a refusé la demande : {label or 'refus'} (code {return_code}).",
                status_code=code,
            )
        return body
    if code == 429:
        raise ChorusNotSent("Quota d'appels PISTE atteint : réessayez plus tard.")
    if code >= 500:
        raise ChorusUnavailable(f"Chorus Pro est indisponible (HTTP {code}).")
    if code == 403:
        raise ChorusRefused(
            "Chorus Pro refuse l'accès (HTTP 403) : l'application PISTE n'est pas raccordée à "
            "cette API, ou le compte technique n'est pas habilité pour la structure de l'agence.",
            status_code=code,
        )
    raise ChorusRefused(
        f"Chorus Pro a refusé la demande (HTTP {code}) : {label or 'requête refusée'}.",
        status_code=code,
    )


def _flow_errors(report: dict[str, Any]) -> str:
    messages: list[str] = []
    for key, field_name in (
        ("listeErreurDP", "libelleErreurDP"),
        ("listeErreurTechnique", "libelleErreur"),
    ):
        errors = report.get(key)
        if isinstance(errors, list):
            messages += [
                str(e.get(field_name)) for e in errors if isinstance(e, dict) and e.get(field_name)
            ]
    label = str(report.get("libelle") or "")
    if not messages and label and label not in _OK_LABELS:
        messages.append(label)
    return " ; ".join(messages)


def _invoice_status(code: str, comment: str) -> ChorusReading:
    ours = _INVOICE_STATUSES.get(code)
    if ours is None and code.startswith("A_VALIDER"):
        ours = ChorusStatus.AVAILABLE
    if ours is None:
        return _status(
            ChorusStatus.DEPOSITED, f"Statut Chorus Pro non reconnu : {code or '(vide)'}."
        )
    if code == "A_RECYCLER":
        comment = (
            comment or "À recycler : le destinataire ou le service est à corriger sur le portail."
        )
    return _status(ours, comment if ours in (ChorusStatus.REJECTED, ChorusStatus.SUSPENDED) else "")


# --- Readiness ----------------------------------------------------------------------------------


def file_name_for(invoice: Invoice) -> str:
    """The deposited file's name: the invoice number (so the deposit can be found again by it),
    within Chorus Pro's 50 characters."""
    stem = _UNSAFE_FILE_CHARACTERS.sub("_", invoice.number or f"facture-{invoice.id}")
    return f"{stem[: FILE_NAME_MAX - 4]}.pdf"


def _stored_pdf(session: Session, invoice: Invoice) -> tuple[bytes | None, str]:
    """The issued PDF exactly as kept, or why it cannot be sent."""
    number = invoice.number or ""
    document = session.get(PartyDocument, invoice.document_id) if invoice.document_id else None
    if document is None or document.deleted_at is not None:
        return None, f"Le PDF Factur-X de la facture {number} n'est pas enregistré."
    path = get_settings().files_dir / document.stored_name
    if not path.is_file():
        return None, f"Le fichier PDF de la facture {number} est introuvable."
    data = path.read_bytes()
    if not data.startswith(b"%PDF-"):
        return None, f"Le fichier enregistré pour la facture {number} n'est pas un PDF."
    if document.sha256 and hashlib.sha256(data).hexdigest() != document.sha256:
        return None, (
            f"Le fichier PDF de la facture {number} ne correspond plus à celui qui a été émis "
            "(empreinte différente) : il ne sera pas déposé."
        )
    if len(data) > FILE_MAX_BYTES:
        return None, f"Le PDF de la facture {number} dépasse 10 Mo, la limite de Chorus Pro."
    return data, ""


def _problems(session: Session, invoice: Invoice) -> tuple[list[str], bytes | None]:
    number = invoice.number or ""
    if invoice.status != InvoiceStatus.ISSUED or not invoice.number:
        return ["Seule une facture émise peut être déposée sur Chorus Pro."], None
    problems: list[str] = []
    client = session.get(Client, invoice.client_id)
    name = client.name if client else invoice.client_name
    if client is None or not (client.client_type == PUBLIC_BODY or client.chorus_buyer_siret):
        problems.append(
            f"{name} n'est pas un acheteur public : Chorus Pro ne reçoit que les factures des "
            "organismes publics. S'il en est un, renseignez le SIRET de l'acheteur Chorus Pro "
            "dans sa fiche."
        )
    else:
        if not client.chorus_buyer_siret:
            problems.append(f"SIRET de l'acheteur Chorus Pro manquant dans la fiche de {name}.")
        if not invoice.buyer_reference:
            if client.chorus_service_code:
                problems.append(
                    f"La facture {number} a été émise sans code service Chorus Pro (la fiche de "
                    f"{name} en a un maintenant) : une facture émise ne change pas, faites un "
                    "avoir puis une nouvelle facture."
                )
            else:
                problems.append(
                    f"Code service Chorus Pro manquant : renseignez-le dans la fiche de {name} "
                    "avant d'émettre la facture."
                )
        if client.chorus_engagement_required and not invoice.engagement_number:
            problems.append(
                f"Numéro d'engagement manquant sur la facture {number} : {name} l'exige."
            )
    pdf, problem = _stored_pdf(session, invoice)
    if problem:
        problems.append(problem)
    return problems, pdf


def check_client_ready(session: Session, invoice: Invoice) -> None:
    """Refuses (FormErrors keyed "chorus", every problem in one French message) an invoice
    Chorus Pro would reject or that we could not send: not issued, a client who is not a public
    buyer, a missing buyer SIRET, service code or required engagement number, no stored PDF.
    The service code and the engagement number are read on the invoice: they are in its
    Factur-X, which is what Chorus Pro reads."""
    problems, _pdf = _problems(session, invoice)
    if problems:
        raise FormErrors({"chorus": " ".join(problems)})


# --- Deposit and status -------------------------------------------------------------------------


def _load(session: Session, invoice_id: int, actor: Actor | None, action: Action) -> Invoice:
    """The invoice, if the actor may act on it (no actor: a background job, already allowed)."""
    if actor is not None:
        actor.require(Module.INVOICING, action)
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise RecordNotFound("facture", invoice_id)
    if actor is not None and actor.own_clients_only:
        client = session.get(Client, invoice.client_id)
        if client is None or client.sales_rep_id != actor.user_id:
            raise RecordNotFound("facture", invoice_id)
    return invoice


def _set(session: Session, invoice_id: int, expected: Sequence[str], **values: Any) -> bool:
    """A conditional UPDATE of the Chorus columns: only from the expected statuses, so two
    workers never both win. Core, not the ORM: an issued invoice's other columns are never
    touched."""
    result = session.execute(
        update(Invoice)
        .where(col(Invoice.id) == invoice_id, col(Invoice.chorus_status).in_(list(expected)))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount == 1  # an UPDATE answers a cursor result


def _record(
    invoice_id: int,
    expected: Sequence[str],
    new: ChorusReading,
    actor: Actor | None,
    *,
    flow: str | None = None,
    previous: str | None = None,
) -> Invoice:
    """Writes an outcome (if the invoice is still where we left it) and audits a change."""
    with session_scope() as session:
        invoice = session.get(Invoice, invoice_id)
        if invoice is None:
            raise RecordNotFound("facture", invoice_id)
        before = previous if previous is not None else invoice.chorus_status
        values: dict[str, Any] = {
            "chorus_status": new.code,
            "chorus_status_at": utcnow(),
            "chorus_message": new.message,
        }
        if flow is not None:
            values["chorus_flow"] = flow[:60]
        if _set(session, invoice_id, expected, **values):
            changes: dict[str, Any] = {}
            if before != new.code:
                changes["chorus_status"] = [before, new.code]
            if flow is not None and flow != invoice.chorus_flow:
                changes["chorus_flow"] = [invoice.chorus_flow, flow]
            if changes:
                audit.record(
                    session,
                    actor,
                    AuditAction.UPDATE,
                    entity_type="facture",
                    entity_id=invoice_id,
                    entity_label=invoice.number or "",
                    changes=changes,
                )
        session.flush()
        session.expire(invoice)
        session.refresh(invoice)
        return invoice


def where_it_stands(invoice: Invoice) -> str:
    """The invoice's Chorus Pro status in French, with its why if any (« Rejetée – … »)."""
    label = ChorusStatus.label_of(invoice.chorus_status)
    return label + (f" – {invoice.chorus_message}" if invoice.chorus_message else "")


def _already_sent_message(invoice: Invoice) -> str:
    label = ChorusStatus.label_of(invoice.chorus_status, invoice.chorus_status)
    if invoice.chorus_status in (ChorusStatus.DEPOSITING, ChorusStatus.UNCERTAIN):
        return (
            f"La facture {invoice.number} est déjà en cours de dépôt sur Chorus Pro ({label}) : "
            "elle ne sera pas déposée une seconde fois. Actualisez son statut."
        )
    return f"La facture {invoice.number} est déjà déposée sur Chorus Pro ({label})."


def send_invoice(
    invoice_id: int, actor: Actor | None = None, *, http: httpx.Client | None = None
) -> Invoice:
    """Deposits an issued invoice's stored Factur-X PDF on Chorus Pro, at most once.

    Runs like a background job: its own short transactions, none open during the deposit.
    Returns the invoice « déposée » (or « dépôt incertain » when the answer was lost); raises
    FormErrors("chorus") when the invoice or its client is not ready, ChorusAlreadySent when
    another deposit claimed it, ChorusNotConfigured, and ChorusRefused / ChorusNotSent after
    recording « échec du dépôt » (the invoice may then be sent again)."""
    with session_scope() as session:
        invoice = _load(session, invoice_id, actor, Action.EDIT)
        if invoice.chorus_status not in SENDABLE:
            raise ChorusAlreadySent(_already_sent_message(invoice))
        problems, pdf = _problems(session, invoice)
        if problems or pdf is None:
            raise FormErrors({"chorus": " ".join(problems)})
        access = chorus_access(session)
        previous = invoice.chorus_status
        claimed = _set(
            session,
            invoice_id,
            SENDABLE,
            chorus_status=ChorusStatus.DEPOSITING,
            chorus_status_at=utcnow(),
            chorus_message="",
            chorus_flow="",
        )
        if not claimed:
            session.refresh(invoice)
            raise ChorusAlreadySent(_already_sent_message(invoice))
        file_name = file_name_for(invoice)
    logger.info("Chorus Pro: depositing invoice %s as %s", invoice_id, file_name)
    try:
        with ChorusClient(access, http) as client:
            flow = client.deposit(pdf, file_name)
    except (ChorusRefused, ChorusNotSent) as exc:
        _record(
            invoice_id,
            (ChorusStatus.DEPOSITING,),
            _status(ChorusStatus.DEPOSIT_FAILED, str(exc)),
            actor,
            previous=previous,
        )
        raise
    except ChorusUncertain as exc:
        logger.warning("Chorus Pro: deposit of invoice %s uncertain: %s", invoice_id, exc)
        return _record(
            invoice_id,
            (ChorusStatus.DEPOSITING,),
            _status(ChorusStatus.UNCERTAIN, _uncertain_message(str(exc))),
            actor,
            previous=previous,
        )
    except BaseException:
        _record(
            invoice_id,
            (ChorusStatus.DEPOSITING,),
            _status(ChorusStatus.UNCERTAIN, _uncertain_message("Le dépôt a été interrompu.")),
            actor,
            previous=previous,
        )
        raise
    logger.info("Chorus Pro: invoice %s deposited, flow %s", invoice_id, flow)
    return _record(
        invoice_id,
        (ChorusStatus.DEPOSITING,),
        _status(ChorusStatus.DEPOSITED),
        actor,
        flow=flow,
        previous=previous,
    )


def _uncertain_message(detail: str) -> str:
    return (
        f"{detail} La facture a peut-être été enregistrée : elle ne sera pas redéposée "
        "automatiquement. L'actualisation du statut la recherche sur Chorus Pro par son numéro."
    )


_NOT_FOUND_YET = (
    "Chorus Pro ne liste pas (encore) cette facture — un dépôt reçu peut "
    "mettre quelques minutes à être intégré. Réessayez plus tard ; si elle n'apparaît pas dans "
    "« Factures émises » sur le portail Chorus Pro, confirmez qu'elle n'a pas été déposée pour "
    "pouvoir la renvoyer."
)


def _as_utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _stale(invoice: Invoice) -> bool:
    at = _as_utc(invoice.chorus_status_at)
    return at is None or utcnow() - at > DEPOSIT_STALE_AFTER


def poll_status(
    invoice_id: int, actor: Actor | None = None, *, http: httpx.Client | None = None
) -> Invoice:
    """Asks Chorus Pro where a deposited invoice stands and records it (chorus_status, its
    reason in chorus_message, chorus_status_at = when it was last read). An uncertain deposit
    (or a claim left by a dead worker) is looked up by invoice number: found, it takes the
    flow number and status Chorus Pro gives; not found, it stays uncertain with the advice to
    check the portal. Raises ChorusUnavailable when Chorus Pro does not answer (nothing
    written)."""
    with session_scope() as session:
        invoice = _load(session, invoice_id, actor, Action.SEE)
        current = invoice.chorus_status
        if current in SENDABLE:
            raise ChorusError(f"La facture {invoice.number} n'a pas été déposée sur Chorus Pro.")
        if current == ChorusStatus.DEPOSITING and not _stale(invoice):
            return invoice
        access = chorus_access(session)
        number, flow = invoice.number or "", invoice.chorus_flow
    with ChorusClient(access, http) as client:
        if flow:
            return _record(invoice_id, (current,), client.status(flow), actor)
        found = client.find_invoice(number)
    if found is None:
        return _record(
            invoice_id, (current,), _status(ChorusStatus.UNCERTAIN, _NOT_FOUND_YET), actor
        )
    return _record(invoice_id, (current,), found.status, actor, flow=found.flow_number)


def confirm_not_deposited(invoice_id: int, actor: Actor) -> Invoice:
    """The user checked the portal: an uncertain deposit did not arrive. The invoice becomes
    sendable again (« échec du dépôt »); the audit trail keeps who said so."""
    with session_scope() as session:
        invoice = _load(session, invoice_id, actor, Action.EDIT)
        allowed = (
            (ChorusStatus.UNCERTAIN, ChorusStatus.DEPOSITING)
            if _stale(invoice)
            else (ChorusStatus.UNCERTAIN,)
        )
        if invoice.chorus_status not in allowed or invoice.chorus_flow:
            raise ChorusError(
                f"La facture {invoice.number} n'est pas en dépôt incertain : rien à confirmer."
            )
        previous = invoice.chorus_status
    message = (
        f"Absente du portail Chorus Pro selon {actor.display_name} : elle peut être déposée de "
        "nouveau."
    )
    return _record(invoice_id, (previous,), _status(ChorusStatus.DEPOSIT_FAILED, message), actor)


def pending_invoice_ids(session: Session) -> list[int]:
    """The deposited invoices whose status may still move, oldest news first: what a periodic
    job (`agence` CLI, cron) polls."""
    ids = session.exec(
        select(col(Invoice.id))
        .where(col(Invoice.chorus_status).in_(list(FOLLOWED)))
        .order_by(col(Invoice.chorus_status_at), col(Invoice.id))
    ).all()
    return cast(list[int], list(ids))  # an id read from the table is never None
