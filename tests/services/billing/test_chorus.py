"""Chorus Pro against a fake PISTE + Chorus Pro on 127.0.0.1 (tests/chorus_server.py): the
token by client credentials, the exact stored PDF deposited once and only once — whatever the
clicks, the timeouts and the expired tokens —, the status followed up to a rejection and its
reason, the invoices Chorus Pro would refuse stopped before any call, and the access's secrets
kept encrypted."""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fpdf import FPDF
from sqlalchemy import String, cast, text, update
from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import AuditEntry, ChorusSettings, Invoice, PartyDocument
from agence.models.base import utcnow
from agence.services.billing import chorus, chorus_settings
from agence.services.billing.chorus import (
    DEPOSIT_PATH,
    FLOW_REPORT_PATH,
    SUPPLIER_SEARCH_PATH,
    ChorusAlreadySent,
    ChorusClient,
    ChorusError,
    ChorusNotConfigured,
    ChorusNotSent,
    ChorusRefused,
    ChorusUnavailable,
)
from agence.services.billing.chorus_settings import ChorusSecretUnreadable
from agence.services.billing.vocabulary import ChorusStatus
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import AccessDenied, Action, Actor, Module, Right
from agence.services.common.records import RecordNotFound
from agence.settings import get_settings
from tests.chorus_server import (
    CLIENT_SECRET,
    PASSWORD,
    TOKEN_PATH,
    ChorusServer,
    Step,
    free_port,
    running_chorus,
)
from tests.factories import make_actor, make_booking, make_client, make_site, reference_data

NUMBER = "FA-VDL-2026-00012"
BUYER_SIRET = "21370261700019"
REJECTION = "Numéro d'engagement inconnu du service exécutant"


def quick(timeout: float = 5.0) -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(timeout))


def a_pdf(label: str = NUMBER) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text=f"Facture {label}")
    return bytes(pdf.output())


@pytest.fixture
def server() -> Iterator[ChorusServer]:
    with running_chorus() as fake:
        yield fake


@pytest.fixture(autouse=True)
def short_retries(monkeypatch) -> None:
    """Reads are retried after 1, 2 and 4 s in production; a few milliseconds here."""
    monkeypatch.setattr(chorus, "STATUS_RETRY_DELAYS", (0.01, 0.01, 0.01))


# --- Set-up: an agency with its access, a public buyer and an issued invoice -----------------


@pytest.fixture
def admin(session: Session) -> Actor:
    return make_actor(session)


@pytest.fixture
def configured(session: Session, admin: Actor, server: ChorusServer) -> ChorusServer:
    chorus_settings.save(session, admin, server.settings_form())
    session.commit()
    return server


def issued_invoice(
    session: Session,
    actor: Actor,
    *,
    number: str = NUMBER,
    client_type: str = "collectivite",
    buyer_siret: str = BUYER_SIRET,
    service_code: str = "SCOL-42",
    engagement_required: bool = True,
    buyer_reference: str | None = None,
    engagement_number: str = "EJ-2026-0042",
    pdf: bytes | None = None,
    stored: bool = True,
) -> Invoice:
    """An issued invoice written as rows (the invoicing service is not used), its Factur-X PDF
    kept in the private folder as issuing keeps it."""
    reference_data()
    site = make_site(session, code=f"S{number[-5:]}")
    client = make_client(session, "Mairie de Chenonceaux")
    client.client_type = client_type
    client.chorus_buyer_siret = buyer_siret
    client.chorus_service_code = service_code
    client.chorus_engagement_required = engagement_required
    session.add(client)
    session.commit()
    booking = make_booking(actor, client, site)
    data = pdf if pdf is not None else a_pdf(number)
    digest = hashlib.sha256(data).hexdigest()
    document = PartyDocument(
        booking_id=booking.id,
        title=f"Facture {number}",
        file_name=f"{number}.pdf",
        stored_name=f"documents/{digest}.pdf",
        mime_type="application/pdf",
        size=len(data),
        sha256=digest,
        kind="facture",
    )
    if stored:
        path = get_settings().files_dir / document.stored_name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    session.add(document)
    session.flush()
    invoice = Invoice(
        kind="solde",
        status="emise",
        number=number,
        series="FA-VDL-2026",
        sequence=int(number[-5:]),
        booking_id=booking.id or 0,
        client_id=client.id or 0,
        site_id=site.id or 0,
        issued_on=date(2026, 6, 10),
        client_name=client.name,
        buyer_reference=service_code if buyer_reference is None else buyer_reference,
        engagement_number=engagement_number,
        document_id=document.id,
    )
    session.add(invoice)
    session.commit()
    return invoice


@pytest.fixture
def invoice(session: Session, admin: Actor) -> Invoice:
    return issued_invoice(session, admin)


def fresh(invoice_id: int | None) -> Invoice:
    with session_scope() as session:
        row = session.get(Invoice, invoice_id)
        assert row is not None
        return row


def stored_pdf(invoice: Invoice) -> bytes:
    with session_scope() as session:
        document = session.get(PartyDocument, invoice.document_id)
        assert document is not None
        return (get_settings().files_dir / document.stored_name).read_bytes()


def chorus_errors(session: Session, invoice: Invoice) -> str:
    with pytest.raises(FormErrors) as failure:
        chorus.check_client_ready(session, invoice)
    assert set(failure.value.errors) == {"chorus"}
    return failure.value.errors["chorus"]


# --- Settings -----------------------------------------------------------------------------------


def test_the_settings_form_starts_from_piste_production_and_shows_no_secret(session):
    assert chorus_settings.current(session) is None
    form = chorus_settings.form_values(session)
    assert form["token_url"] == "https://oauth.piste.gouv.fr/api/oauth/token"
    assert form["api_url"] == "https://api.piste.gouv.fr"
    assert form["client_secret"] == form["client_secret_stored"] == ""
    assert form["account_password"] == form["account_password_stored"] == ""
    assert chorus_settings.configured(session) is False


def test_saving_the_settings_needs_the_parameters_edit_right(session, server):
    viewer = make_actor(session, {Right(Module.PARAMETERS, Action.SEE)})
    with pytest.raises(AccessDenied):
        chorus_settings.save(session, viewer, server.settings_form())


def test_secrets_are_stored_encrypted_never_shown_back_and_kept_when_left_empty(
    session, admin, server
):
    chorus_settings.save(session, admin, server.settings_form())
    session.commit()
    row = session.execute(
        text("SELECT client_secret_encrypted, account_password_encrypted FROM chorus_settings")
    ).one()
    for stored, clear in zip(row, (CLIENT_SECRET, PASSWORD), strict=True):
        assert stored and clear not in stored and clear.encode() not in stored.encode()
        assert chorus_settings.decrypt_secret(stored) == clear
    form = chorus_settings.form_values(session)
    assert form["client_secret"] == form["account_password"] == ""
    assert form["client_secret_stored"] == form["account_password_stored"] == "1"
    assert CLIENT_SECRET not in str(form) and PASSWORD not in str(form)
    assert chorus_settings.configured(session) is True

    chorus_settings.save(
        session, admin, server.settings_form(client_secret="", account_password="", client_id="x")
    )
    session.commit()
    access = chorus_settings.access(session)
    assert (access.client_id, access.client_secret, access.account_password) == (
        "x",
        CLIENT_SECRET,
        PASSWORD,
    )
    assert CLIENT_SECRET not in repr(access) and PASSWORD not in repr(access)
    assert len(session.exec(select(ChorusSettings)).all()) == 1

    audited = session.exec(select(cast(AuditEntry.changes, String))).all()
    assert len(audited) == 2
    assert all(CLIENT_SECRET not in entry and PASSWORD not in entry for entry in audited)
    assert all(row[0] not in entry for entry in audited)
    first = session.exec(select(AuditEntry).order_by(AuditEntry.id)).first()  # type: ignore[arg-type]
    assert first is not None
    assert first.changes["client_secret"] == "secret de l'application modifié"


def test_a_first_save_needs_both_secrets(session, admin, server):
    with pytest.raises(FormErrors) as failure:
        chorus_settings.save(
            session, admin, server.settings_form(client_secret="", account_password="")
        )
    assert failure.value.errors == {
        "client_secret": "Ce champ est obligatoire.",
        "account_password": "Ce champ est obligatoire.",
    }


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("https://sandbox-api.piste.gouv.fr", True),
        ("https://api.piste.gouv.fr/", True),
        ("http://127.0.0.1:8443", True),
        ("http://api.piste.gouv.fr", False),
        ("http://localhost:8443", False),
        ("ftp://api.piste.gouv.fr", False),
        ("https://user:pass@api.piste.gouv.fr", False),
        ("https://api.piste.gouv.fr?x=1", False),
        ("https://api.piste.gouv.fr:port", False),
        ("api.piste.gouv.fr", False),
    ],
)
def test_the_addresses_must_be_https_except_the_local_test_server(
    session, admin, server, url, accepted
):
    values = server.settings_form(api_url=url, token_url=url)
    if accepted:
        row = chorus_settings.save(session, admin, values)
        assert row.api_url == url.rstrip("/")
    else:
        with pytest.raises(FormErrors) as failure:
            chorus_settings.save(session, admin, values)
        assert set(failure.value.errors) == {"api_url", "token_url"}
    session.rollback()


def test_other_fields_are_checked(session, admin, server):
    with pytest.raises(FormErrors) as failure:
        chorus_settings.save(
            session,
            admin,
            server.settings_form(account_login="a:b", supplier_structure_id="25 12", client_id=""),
        )
    assert failure.value.errors == {
        "account_login": "L'identifiant ne peut pas contenir « : ».",
        "supplier_structure_id": "Chiffres uniquement.",
        "client_id": "Ce champ est obligatoire.",
    }


def test_secrets_encrypted_under_another_key_fail_with_a_clear_message(session, admin, server):
    chorus_settings.save(session, admin, server.settings_form())
    session.commit()
    stored = chorus_settings.current(session).client_secret_encrypted  # type: ignore[union-attr]
    with pytest.raises(ChorusSecretUnreadable, match="saisissez-les de nouveau"):
        chorus_settings.decrypt_secret(stored, secret="la-cle-d-une-autre-installation")
    # One key per purpose: the SMTP password's key cannot read a Chorus secret.
    from agence.services.settings.mail_settings import MailPasswordUnreadable, decrypt_password

    with pytest.raises(MailPasswordUnreadable):
        decrypt_password(stored)


def test_without_settings_nothing_is_sent(session, admin, invoice, server):
    with pytest.raises(ChorusNotConfigured, match="Paramètres › Chorus Pro"):
        chorus.send_invoice(invoice.id or 0, admin, http=quick())
    assert fresh(invoice.id).chorus_status == ""
    assert server.calls == []


# --- An invoice Chorus Pro would refuse is stopped before any call ----------------------------


def test_a_ready_public_invoice_passes_the_checks(session, invoice):
    chorus.check_client_ready(session, invoice)


def test_a_missing_buyer_siret_blocks_with_a_clear_message(session, admin):
    invoice = issued_invoice(session, admin, buyer_siret="", client_type="collectivite")
    assert chorus_errors(session, invoice) == (
        "SIRET de l'acheteur Chorus Pro manquant dans la fiche de Mairie de Chenonceaux."
    )


def test_a_missing_service_code_blocks_with_a_clear_message(session, admin):
    invoice = issued_invoice(session, admin, service_code="")
    assert chorus_errors(session, invoice) == (
        "Code service Chorus Pro manquant : renseignez-le dans la fiche de Mairie de "
        "Chenonceaux avant d'émettre la facture."
    )


def test_a_service_code_added_after_issuing_cannot_reach_the_issued_invoice(session, admin):
    invoice = issued_invoice(session, admin, buyer_reference="")
    assert "émise sans code service Chorus Pro" in chorus_errors(session, invoice)
    assert "faites un avoir puis une nouvelle facture" in chorus_errors(session, invoice)


def test_a_missing_engagement_number_blocks_when_the_buyer_requires_one(session, admin):
    invoice = issued_invoice(session, admin, engagement_number="")
    assert chorus_errors(session, invoice) == (
        f"Numéro d'engagement manquant sur la facture {NUMBER} : Mairie de Chenonceaux l'exige."
    )


def test_no_engagement_number_is_needed_when_the_buyer_does_not_require_one(session, admin):
    invoice = issued_invoice(session, admin, engagement_number="", engagement_required=False)
    chorus.check_client_ready(session, invoice)


def test_a_client_who_is_not_a_public_buyer_is_refused(session, admin):
    invoice = issued_invoice(session, admin, client_type="ce", buyer_siret="")
    message = chorus_errors(session, invoice)
    assert message.startswith("Mairie de Chenonceaux n'est pas un acheteur public")
    assert "renseignez le SIRET de l'acheteur Chorus Pro dans sa fiche" in message


def test_a_public_school_with_a_buyer_siret_is_a_public_buyer(session, admin):
    chorus.check_client_ready(session, issued_invoice(session, admin, client_type="scolaire"))


def test_every_problem_is_said_at_once(session, admin):
    invoice = issued_invoice(session, admin, buyer_siret="", service_code="", engagement_number="")
    message = chorus_errors(session, invoice)
    assert "SIRET de l'acheteur" in message
    assert "Code service" in message
    assert "Numéro d'engagement" in message


def test_only_an_issued_invoice_with_its_stored_pdf_can_be_deposited(session, admin):
    invoice = issued_invoice(session, admin, stored=False, pdf=a_pdf("jamais enregistrée"))
    assert chorus_errors(session, invoice) == (
        f"Le fichier PDF de la facture {NUMBER} est introuvable."
    )
    invoice.document_id = None
    assert chorus_errors(session, invoice) == (
        f"Le PDF Factur-X de la facture {NUMBER} n'est pas enregistré."
    )
    draft = Invoice(status="brouillon", number=None, kind="solde", client_id=invoice.client_id)
    assert chorus_errors(session, draft) == (
        "Seule une facture émise peut être déposée sur Chorus Pro."
    )


def test_a_pdf_changed_since_it_was_issued_is_not_deposited(session, admin):
    invoice = issued_invoice(session, admin)
    path = get_settings().files_dir / session.get(PartyDocument, invoice.document_id).stored_name  # type: ignore[union-attr]
    path.write_bytes(a_pdf("une autre facture"))
    assert "ne correspond plus à celui qui a été émis" in chorus_errors(session, invoice)


def test_a_refused_invoice_makes_no_call_and_stays_sendable(session, admin, configured):
    invoice = issued_invoice(session, admin, engagement_number="")
    with pytest.raises(FormErrors, match="Numéro d'engagement manquant"):
        chorus.send_invoice(invoice.id or 0, admin, http=quick())
    assert configured.calls == []
    assert fresh(invoice.id).chorus_status == ""


# --- The deposit --------------------------------------------------------------------------------


def test_the_exact_stored_pdf_is_deposited_as_facturx_with_client_credentials_and_both_headers(
    session, admin, invoice, configured
):
    sent = chorus.send_invoice(invoice.id or 0, admin, http=quick())

    assert configured.problems == []
    assert configured.token_requests == [
        {
            "grant_type": "client_credentials",
            "scope": "openid",
            "client_id": configured.client_id,
            "client_secret": CLIENT_SECRET,
        }
    ]
    (deposit,) = configured.deposits
    assert deposit.pdf == stored_pdf(invoice)
    assert deposit.payload["fichierFlux"] == base64.b64encode(stored_pdf(invoice)).decode()
    assert deposit.payload["syntaxeFlux"] == "IN_DP_E2_CII_FACTURX"
    assert deposit.payload["avecSignature"] is False
    assert deposit.file_name == f"{NUMBER}.pdf"
    (call,) = configured.calls_to(DEPOSIT_PATH)
    assert call.headers["authorization"].startswith("Bearer ")
    expected_account = base64.b64encode(f"{configured.login}:{PASSWORD}".encode()).decode()
    assert call.headers["cpro-account"] == expected_account
    assert call.headers["content-type"] == "application/json;charset=utf-8"

    assert sent.chorus_status == "deposee"
    assert sent.chorus_flow == deposit.flow_number
    assert sent.chorus_message == ""
    assert sent.chorus_status_at is not None
    assert fresh(invoice.id).chorus_flow == deposit.flow_number
    entry = session.exec(select(AuditEntry).where(AuditEntry.entity_type == "facture")).one()
    assert entry.changes == {
        "chorus_status": ["", "deposee"],
        "chorus_flow": ["", deposit.flow_number],
    }
    assert entry.user_id == admin.user_id


def test_a_deposited_invoice_is_never_deposited_again(session, admin, invoice, configured):
    chorus.send_invoice(invoice.id or 0, admin, http=quick())
    with pytest.raises(ChorusAlreadySent, match="déjà déposée"):
        chorus.send_invoice(invoice.id or 0, admin, http=quick())
    assert len(configured.deposits) == 1


def test_two_clicks_at_once_deposit_once(session, admin, invoice, configured):
    configured.deposit_delay = 0.3
    outcomes: list[Any] = []
    start = threading.Barrier(2)

    def click() -> None:
        start.wait()
        try:
            outcomes.append(chorus.send_invoice(invoice.id or 0, admin, http=quick()))
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            outcomes.append(exc)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert len(configured.deposits) == 1
    assert sorted(type(outcome).__name__ for outcome in outcomes) == [
        "ChorusAlreadySent",
        "Invoice",
    ]
    assert fresh(invoice.id).chorus_status == "deposee"


def test_two_workers_past_the_first_check_still_deposit_once(
    session, admin, invoice, configured, monkeypatch
):
    """Both read « non déposée » before either claims it: the conditional UPDATE decides."""
    both_checked = threading.Barrier(2, timeout=10)
    checks = chorus._problems

    def check_then_wait(*args: Any) -> Any:
        found = checks(*args)
        both_checked.wait()
        return found

    monkeypatch.setattr(chorus, "_problems", check_then_wait)
    outcomes: list[Any] = []

    def worker() -> None:
        try:
            outcomes.append(chorus.send_invoice(invoice.id or 0, http=quick()))
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            outcomes.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(type(outcome).__name__ for outcome in outcomes) == [
        "ChorusAlreadySent",
        "Invoice",
    ]
    assert len(configured.deposits) == 1


def test_a_deposit_refused_for_its_dead_token_is_sent_again_once_and_registered_once(server):
    server.token_max_calls = 1
    client = ChorusClient(server.access(), quick())
    client.deposit(a_pdf(), "FA-1.pdf")
    client.deposit(a_pdf("FA-2"), "FA-2.pdf")  # 401 first: nothing registered, sent again
    assert [d.file_name for d in server.deposits] == ["FA-1.pdf", "FA-2.pdf"]
    assert [call.status for call in server.calls_to(DEPOSIT_PATH)] == [200, 401, 200]
    assert len(server.token_requests) == 2


def test_a_4xx_refusal_is_a_clear_error_and_the_invoice_is_not_marked_deposited(
    session, admin, invoice, configured
):
    configured.fail_next(DEPOSIT_PATH, 400, libelle="Le fichier n'est pas un Factur-X valide")
    with pytest.raises(ChorusRefused) as failure:
        chorus.send_invoice(invoice.id or 0, admin, http=quick())
    assert str(failure.value) == (
        "Chorus Pro a refusé la demande (HTTP 400) : Le fichier n'est pas un Factur-X valide."
    )
    assert len(configured.calls_to(DEPOSIT_PATH)) == 1  # not retried
    after = fresh(invoice.id)
    assert (after.chorus_status, after.chorus_flow) == ("echec_depot", "")
    assert "Factur-X valide" in after.chorus_message
    assert configured.deposits == []

    sent = chorus.send_invoice(invoice.id or 0, admin, http=quick())
    assert sent.chorus_status == "deposee"
    assert len(configured.deposits) == 1


def test_a_business_refusal_in_a_200_answer_is_a_refusal_too(server):
    client = ChorusClient(server.access(), quick())
    server.fail_next(DEPOSIT_PATH, 200, libelle="Doublon : facture déjà déposée")
    with pytest.raises(ChorusRefused, match="Doublon : facture déjà déposée"):
        client.deposit(a_pdf(), "FA-1.pdf")


def test_a_timeout_after_chorus_recorded_the_deposit_never_deposits_twice(
    session, admin, invoice, configured
):
    configured.deposit_delay = 1.5
    sent = chorus.send_invoice(invoice.id or 0, admin, http=quick(timeout=0.4))
    assert len(configured.deposits) == 1
    assert sent.chorus_status == "depot_incertain"
    assert sent.chorus_flow == ""
    assert "ne sera pas redéposée automatiquement" in sent.chorus_message

    configured.deposit_delay = 0
    with pytest.raises(ChorusAlreadySent, match="ne sera pas déposée une seconde fois"):
        chorus.send_invoice(invoice.id or 0, admin, http=quick())
    assert len(configured.deposits) == 1
    assert configured.problems == []


def test_an_uncertain_deposit_is_found_by_its_number_once_chorus_lists_it(
    session, admin, invoice, configured
):
    configured.deposit_delay = 1.5
    chorus.send_invoice(invoice.id or 0, admin, http=quick(timeout=0.4))
    configured.deposit_delay = 0
    (deposit,) = configured.deposits

    waiting = chorus.poll_status(invoice.id or 0, admin, http=quick())
    assert waiting.chorus_status == "depot_incertain"
    assert "confirmez qu'elle n'a pas été déposée" in waiting.chorus_message
    assert waiting.chorus_status_at is not None
    (search,) = configured.calls_to(SUPPLIER_SEARCH_PATH)
    assert b'"numeroFacture": "FA-VDL-2026-00012"' in search.body

    configured.advance(deposit.flow_number)  # integrated: the invoice exists on Chorus Pro
    found = chorus.poll_status(invoice.id or 0, admin, http=quick())
    assert (found.chorus_status, found.chorus_flow) == ("deposee", deposit.flow_number)
    assert found.chorus_message == ""

    followed = chorus.poll_status(invoice.id or 0, admin, http=quick())
    assert followed.chorus_status == "mise_a_disposition"
    assert len(configured.deposits) == 1
    assert configured.problems == []


def test_a_5xx_on_the_deposit_is_uncertain_and_only_the_user_may_release_it(
    session, admin, invoice, configured
):
    configured.fail_next(DEPOSIT_PATH, 502)
    sent = chorus.send_invoice(invoice.id or 0, admin, http=quick())
    assert sent.chorus_status == "depot_incertain"
    assert len(configured.calls_to(DEPOSIT_PATH)) == 1  # a deposit is never retried

    assert chorus.poll_status(invoice.id or 0, admin, http=quick()).chorus_status == (
        "depot_incertain"
    )
    released = chorus.confirm_not_deposited(invoice.id or 0, admin)
    assert released.chorus_status == "echec_depot"
    assert admin.display_name in released.chorus_message
    assert chorus.send_invoice(invoice.id or 0, admin, http=quick()).chorus_status == "deposee"
    assert len(configured.deposits) == 1


def test_a_claim_left_by_a_dead_worker_is_reconciled_like_an_uncertain_deposit(
    session, admin, invoice, configured
):
    chorus.send_invoice(invoice.id or 0, admin, http=quick())
    (deposit,) = configured.deposits
    configured.advance(deposit.flow_number)
    configured.advance(deposit.flow_number)
    # As if the worker died after the deposit, before writing its outcome.
    with session_scope() as other:
        other.execute(
            update(Invoice)
            .where(Invoice.id == invoice.id)  # type: ignore[arg-type]
            .values(chorus_status="depot_en_cours", chorus_flow="", chorus_status_at=utcnow())
        )
    recent = chorus.poll_status(invoice.id or 0, admin, http=quick())
    assert recent.chorus_status == "depot_en_cours"  # maybe still running: left alone
    with session_scope() as other:
        other.execute(
            update(Invoice)
            .where(Invoice.id == invoice.id)  # type: ignore[arg-type]
            .values(chorus_status_at=utcnow() - timedelta(hours=1))
        )
    with pytest.raises(ChorusAlreadySent):
        chorus.send_invoice(invoice.id or 0, admin, http=quick())
    reconciled = chorus.poll_status(invoice.id or 0, admin, http=quick())
    assert (reconciled.chorus_status, reconciled.chorus_flow) == (
        "mise_a_disposition",
        deposit.flow_number,
    )
    assert len(configured.deposits) == 1


def test_an_unreachable_chorus_is_a_clean_failure_and_the_invoice_stays_sendable(
    session, admin, invoice, configured
):
    chorus_settings.save(
        session,
        admin,
        configured.settings_form(
            api_url=f"http://127.0.0.1:{free_port()}", client_secret="", account_password=""
        ),
    )
    session.commit()
    with pytest.raises(ChorusNotSent, match="rien n'a été déposé"):
        chorus.send_invoice(invoice.id or 0, admin, http=quick())
    assert fresh(invoice.id).chorus_status == "echec_depot"


def test_a_wrong_client_secret_is_a_clear_error_and_nothing_is_deposited(
    session, admin, invoice, configured
):
    chorus_settings.save(
        session, admin, configured.settings_form(client_secret="pas-le-bon", account_password="")
    )
    session.commit()
    with pytest.raises(ChorusRefused, match="PISTE refuse l'application") as failure:
        chorus.send_invoice(invoice.id or 0, admin, http=quick())
    assert "invalid_client" in str(failure.value)
    assert configured.calls_to(DEPOSIT_PATH) == []
    assert fresh(invoice.id).chorus_status == "echec_depot"


def test_a_wrong_technical_account_is_a_clear_error_after_one_new_token(server):
    client = ChorusClient(server.access(account_password="expiré"), quick())
    with pytest.raises(ChorusRefused, match="compte technique") as failure:
        client.deposit(a_pdf(), "FA-1.pdf")
    assert failure.value.status_code == 401
    assert len(server.token_requests) == 2
    assert server.deposits == []


def test_send_and_poll_need_the_invoicing_rights_and_the_actor_s_clients(
    session, admin, invoice, configured
):
    viewer = make_actor(session, {Right(Module.INVOICING, Action.SEE)})
    with pytest.raises(AccessDenied):
        chorus.send_invoice(invoice.id or 0, viewer, http=quick())
    limited = make_actor(
        session,
        {Right(Module.INVOICING, Action.SEE), Right(Module.INVOICING, Action.EDIT)},
        own_clients_only=True,
    )
    with pytest.raises(RecordNotFound):
        chorus.send_invoice(invoice.id or 0, limited, http=quick())
    chorus.send_invoice(invoice.id or 0, admin, http=quick())
    with pytest.raises(RecordNotFound):
        chorus.poll_status(invoice.id or 0, limited, http=quick())
    with pytest.raises(AccessDenied):
        chorus.confirm_not_deposited(invoice.id or 0, viewer)
    assert len(configured.deposits) == 1


# --- The token ----------------------------------------------------------------------------------


def test_a_token_dying_in_the_middle_is_fetched_again_once_and_the_call_succeeds(server):
    server.token_max_calls = 2  # the gateway drops it long before its announced hour
    server.steps = (Step("IN_RECU"), Step("IN_INTEGRE", "MISE_A_DISPOSITION"))
    client = ChorusClient(server.access(), quick())
    flow = client.deposit(a_pdf(), "FA-1.pdf")  # first call of the token
    assert client.status(flow).code == "deposee"  # second call: the token's last
    assert len(server.token_requests) == 1

    assert client.status(flow).code == "mise_a_disposition"  # 401, a new token, success
    assert len(server.token_requests) == 2
    statuses = [call.status for call in server.calls if call.path != TOKEN_PATH]
    assert statuses == [200, 200, 401, 200, 200]
    assert len(server.deposits) == 1
    assert server.problems == []


def test_a_token_about_to_expire_is_renewed_before_the_call(server):
    server.token_lifetime = 60  # less than the client's margin: renewed before each call
    client = ChorusClient(server.access(), quick())
    client.deposit(a_pdf(), "FA-1.pdf")
    (flow,) = [deposit.flow_number for deposit in server.deposits]
    client.status(flow)
    assert len(server.token_requests) == 2
    assert all(call.status == 200 for call in server.calls)


def test_one_token_serves_many_calls(server):
    client = ChorusClient(server.access(), quick())
    flow = client.deposit(a_pdf(), "FA-1.pdf")
    for _ in range(3):
        client.status(flow)
    assert len(server.token_requests) == 1


# --- The status ---------------------------------------------------------------------------------


def test_the_status_follows_chorus_up_to_rejected_with_the_reason(
    session, admin, invoice, configured
):
    configured.steps = (
        Step("IN_RECU"),
        Step("IN_INTEGRE", "DEPOSEE"),
        Step("IN_INTEGRE", "MISE_A_DISPOSITION"),
        Step("IN_INTEGRE", "REJETEE", REJECTION),
    )
    chorus.send_invoice(invoice.id or 0, admin, http=quick())
    seen = []
    for _ in range(4):
        polled = chorus.poll_status(invoice.id or 0, admin, http=quick())
        seen.append((polled.chorus_status, polled.chorus_message))
    assert seen == [
        ("deposee", ""),
        ("deposee", ""),
        ("mise_a_disposition", ""),
        ("rejetee", REJECTION),
    ]
    assert ChorusStatus("rejetee").label == "Rejetée"
    changes = [
        entry.changes["chorus_status"]
        for entry in session.exec(
            select(AuditEntry).where(AuditEntry.entity_type == "facture").order_by(AuditEntry.id)  # type: ignore[arg-type]
        )
    ]
    assert changes == [
        ["", "deposee"],
        ["deposee", "mise_a_disposition"],
        ["mise_a_disposition", "rejetee"],
    ]
    assert invoice.id not in chorus.pending_invoice_ids(session)
    assert configured.problems == []


def test_mandated_and_paid_are_followed_then_no_longer_polled(session, admin, invoice, configured):
    configured.steps = (
        Step("IN_INTEGRE", "MISE_A_DISPOSITION"),
        Step("IN_INTEGRE", "MANDATEE"),
        Step("IN_INTEGRE", "MISE_EN_PAIEMENT"),
    )
    chorus.send_invoice(invoice.id or 0, admin, http=quick())
    assert chorus.pending_invoice_ids(session) == [invoice.id]
    codes = [chorus.poll_status(invoice.id or 0, http=quick()).chorus_status for _ in range(3)]
    assert codes == ["mise_a_disposition", "mandatee", "payee"]
    assert chorus.pending_invoice_ids(session) == []


def test_a_rejected_flow_gives_chorus_pro_s_errors(session, admin, invoice, configured):
    configured.steps = (Step("IN_REJETE", errors=("Le SIRET du destinataire est inconnu",)),)
    chorus.send_invoice(invoice.id or 0, admin, http=quick())
    polled = chorus.poll_status(invoice.id or 0, admin, http=quick())
    assert (polled.chorus_status, polled.chorus_message) == (
        "rejetee",
        "Le SIRET du destinataire est inconnu",
    )


def test_a_suspended_invoice_says_why_and_an_unknown_status_is_named(server):
    client = ChorusClient(server.access(), quick())
    flow = client.deposit(a_pdf(), "FA-1.pdf")
    server.steps = (
        Step("IN_INTEGRE", "SUSPENDUE", "Pièce justificative manquante"),
        Step("IN_INTEGRE", "NOUVEAU_STATUT"),
    )
    assert client.status(flow) == ("suspendue", "Suspendue", "Pièce justificative manquante")
    assert client.status(flow) == (
        "deposee",
        "Déposée",
        "Statut Chorus Pro non reconnu : NOUVEAU_STATUT.",
    )


def test_polling_an_invoice_never_deposited_is_refused(session, admin, invoice, configured):
    with pytest.raises(ChorusError, match="n'a pas été déposée"):
        chorus.poll_status(invoice.id or 0, admin, http=quick())
    assert configured.calls == []


def test_status_reads_are_retried_with_backoff_on_5xx_and_timeouts(server):
    waits: list[float] = []
    client = ChorusClient(
        server.access(), quick(timeout=0.4), retry_delays=(0.01, 0.02, 0.04), sleep=waits.append
    )
    flow = client.deposit(a_pdf(), "FA-1.pdf")
    server.fail_next(FLOW_REPORT_PATH, 503)
    server.delay_next(FLOW_REPORT_PATH, 0, 1.5)
    assert client.status(flow).code == "deposee"
    assert waits == [0.01, 0.02]
    assert [call.status for call in server.calls_to(FLOW_REPORT_PATH)][:1] == [503]

    server.fail_next(FLOW_REPORT_PATH, 503, 500, 502, 504)
    with pytest.raises(ChorusUnavailable, match="indisponible"):
        client.status(flow)
    assert waits[2:] == [0.01, 0.02, 0.04]


def test_a_4xx_on_a_status_read_is_not_retried(server):
    client = ChorusClient(server.access(), quick(), retry_delays=(0.01,))
    flow = client.deposit(a_pdf(), "FA-1.pdf")
    server.fail_next(FLOW_REPORT_PATH, 400, libelle="Numéro de flux invalide")
    with pytest.raises(ChorusRefused, match="Numéro de flux invalide"):
        client.status(flow)
    assert len(server.calls_to(FLOW_REPORT_PATH)) == 1


def test_a_file_name_is_the_invoice_number_within_fifty_characters():
    assert chorus.file_name_for(Invoice(number="FA-VDL-2026-00012")) == "FA-VDL-2026-00012.pdf"
    long = chorus.file_name_for(Invoice(number="AV/" + "9" * 60))
    assert long.startswith("AV_999") and long.endswith(".pdf") and len(long) == 50
