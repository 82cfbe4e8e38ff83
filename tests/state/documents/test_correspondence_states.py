"""Documents and correspondence through their states: the dossier's document maker (preview,
keep, send, send to every supplier), the logs with retry, the template editor and the SMTP
parameters — and every one of their actions refused without its right."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from agence import routes
from agence.models import (
    Booking,
    Client,
    DocumentTemplate,
    MailSettings,
    OutgoingMessage,
    PartyDocument,
)
from agence.services.common.permissions import ALL_RIGHTS, AccessDenied, Action, Module, Right
from agence.services.demo.seed import seed_demo
from agence.services.documents import correspondence
from agence.state.documents.correspondence import (
    BookingMessagesState,
    ClientMessagesState,
    DossierDocumentsState,
)
from agence.state.documents.templates import MailSettingsState, TemplatesState
from tests.factories import demo_dossier, make_user
from tests.smtp_server import running_smtp
from tests.state.common.listing import rows_of


def _without(module: Module, *actions: Action) -> set[Right]:
    return {r for r in ALL_RIGHTS if not (r.module == module and r.action in actions)}


@pytest.fixture
def demo(session):
    seed_demo(session)
    session.commit()
    return session


@pytest.fixture
def dossier(demo) -> Booking:
    from agence.models import User
    from agence.services.admin import auth

    admin = demo.exec(select(User).where(User.email == "admin@escapades-loire.fr")).one()
    return demo_dossier(auth.load_actor(demo, admin.id), "2027-05-12")


def _open(browser, booking_id) -> None:
    browser.visit(
        routes.record_route(routes.BOOKINGS),
        routes.record_url(routes.BOOKINGS, booking_id),
        record_id=str(booking_id),
    )


def _count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def _configure_smtp(browser, port: int) -> None:
    browser.visit(routes.PARAM_MAIL)
    browser.run(MailSettingsState, "load_mail")
    browser.run(
        MailSettingsState,
        "save",
        {
            "host": "127.0.0.1",
            "port": str(port),
            "security": "none",
            "sender_address": "resa@escapades-loire.fr",
            "sender_name": "Escapades",
            "timeout_seconds": "5",
        },
    )


def test_a_quote_is_previewed_kept_and_sent_then_found_in_the_log(browser, demo, dossier):
    browser.sign_in(make_user(demo))
    with running_smtp() as server:
        _configure_smtp(browser, server.port)
        _open(browser, dossier.id)
        browser.run(DossierDocumentsState, "load_maker")
        state = browser.state(DossierDocumentsState)
        assert state.kind == "devis" and state.language == "fr"
        assert ["contrat", "Contrat"] not in state.kinds  # not confirmed yet
        download = browser.run(DossierDocumentsState, "preview")
        assert "/api/telechargement/" in str(download)
        browser.run(DossierDocumentsState, "keep")
        assert _count(demo, PartyDocument) == 1
        browser.run(DossierDocumentsState, "open_send")
        assert state.send_open and state.to and dossier.reference in state.subject
        browser.run(
            DossierDocumentsState,
            "send",
            {"to": state.to, "cc": "", "subject": state.subject, "body": state.body},
        )
        assert len(server.received) == 1
    assert not state.send_open and not state.sending
    browser.run(BookingMessagesState, "load_messages")
    log = browser.state(BookingMessagesState)
    assert log.total == 1 and rows_of(log)[0]["status"] == "Envoyé"
    browser.run(BookingMessagesState, "open_message", log.rows[0].id)
    assert log.detail["status"] == correspondence.SENT
    assert log.detail["attachments"][0]["file_name"].endswith(".pdf")


def test_a_failed_message_is_kept_and_sent_again_from_the_log(browser, demo, dossier):
    browser.sign_in(make_user(demo))
    _open(browser, dossier.id)
    browser.run(DossierDocumentsState, "load_maker")
    browser.run(DossierDocumentsState, "open_send")
    state = browser.state(DossierDocumentsState)
    browser.run(
        DossierDocumentsState,
        "send",
        {"to": state.to, "subject": state.subject, "body": state.body},
    )  # no mail server configured yet
    message = demo.exec(select(OutgoingMessage)).one()
    assert message.status == correspondence.FAILED
    with running_smtp() as server:
        _configure_smtp(browser, server.port)
        _open(browser, dossier.id)
        browser.run(BookingMessagesState, "load_messages")
        browser.run(BookingMessagesState, "open_message", str(message.id))
        browser.run(BookingMessagesState, "retry_message")
        assert len(server.received) == 1
    assert browser.state(BookingMessagesState).detail["status"] == correspondence.SENT


def test_sending_to_every_supplier_reports_its_progress(browser, demo, dossier):
    browser.sign_in(make_user(demo))
    with running_smtp() as server:
        _configure_smtp(browser, server.port)
        _open(browser, dossier.id)
        browser.run(DossierDocumentsState, "load_maker")
        browser.run(DossierDocumentsState, "set_choice", "kind", "demande_reservation")
        browser.run(DossierDocumentsState, "send_to_all_suppliers")
        assert len(server.received) == 4
    state = browser.state(DossierDocumentsState)
    assert not state.batch_running and state.batch_done == state.batch_total == 4
    assert "4 message(s) envoyé(s) sur 4" in state.batch_report


def test_a_reader_of_dossiers_may_preview_but_not_keep_or_send(browser, demo, dossier):
    browser.sign_in(make_user(demo, _without(Module.BOOKINGS, Action.EDIT)))
    _open(browser, dossier.id)
    browser.run(DossierDocumentsState, "load_maker")
    assert browser.state(DossierDocumentsState).can_send is False
    browser.run(DossierDocumentsState, "preview")
    for handler, args in (
        ("keep", ()),
        ("open_send", ()),
        ("add_recipient", ("a@b.fr",)),
        ("send", ({"to": "a@b.fr", "subject": "x"},)),
        ("send_to_all_suppliers", ()),
        ("open_invoice_send", ("1",)),
    ):
        with pytest.raises(AccessDenied):
            browser.run(DossierDocumentsState, handler, *args)
    with pytest.raises(AccessDenied):
        browser.run(BookingMessagesState, "retry_message")
    assert _count(demo, PartyDocument) == 0 and _count(demo, OutgoingMessage) == 0


def test_without_the_dossiers_right_nothing_of_the_documents_opens(browser, demo, dossier):
    browser.sign_in(make_user(demo, _without(Module.BOOKINGS, Action.SEE)))
    _open(browser, dossier.id)
    for state, handler, args in (
        (DossierDocumentsState, "load_maker", ()),
        (DossierDocumentsState, "set_choice", ("kind", "devis")),
        (DossierDocumentsState, "preview", ()),
        (DossierDocumentsState, "close_send", ()),
        (BookingMessagesState, "load_messages", ()),
        (BookingMessagesState, "open_message", ("1",)),
        (BookingMessagesState, "close_message", ()),
    ):
        with pytest.raises(AccessDenied):
            browser.run(state, handler, *args)


def test_a_clients_log_needs_the_third_parties_right(browser, demo, dossier):
    client_id = demo.exec(select(Client.id).where(Client.id == dossier.client_id)).one()
    browser.sign_in(make_user(demo, _without(Module.THIRD_PARTIES, Action.SEE)))
    browser.visit(
        routes.record_route(routes.TIERS_CLIENTS),
        routes.record_url(routes.TIERS_CLIENTS, client_id),
        record_id=str(client_id),
    )
    with pytest.raises(AccessDenied):
        browser.run(ClientMessagesState, "load_messages")


# --- Templates and the mail server ----------------------------------------------------------


def test_a_template_with_an_unknown_placeholder_is_refused_with_its_line(browser, demo):
    browser.sign_in(make_user(demo))
    browser.visit(routes.PARAM_TEMPLATES)
    browser.run(TemplatesState, "load_templates")
    state = browser.state(TemplatesState)
    assert [part for part, _ in state.shown_parts][:2] == ["email_subject", "email_body"]
    browser.run(TemplatesState, "edit_part", "email_subject", "Devis {{ dossier.refrence }}")
    assert "dossier.refrence" in state.preview_errors["email_subject"]
    browser.run(TemplatesState, "save")
    assert "Ligne 1" in state.errors["email_subject"]
    assert _count(demo, DocumentTemplate) == 0
    browser.run(TemplatesState, "edit_part", "email_subject", "Votre devis {{ dossier.reference }}")
    assert state.rendered["email_subject"].startswith("Votre devis ")
    browser.run(TemplatesState, "save")
    assert state.customised and _count(demo, DocumentTemplate) == 1
    browser.run(TemplatesState, "reset_texts")
    assert not state.customised and _count(demo, DocumentTemplate) == 0


def test_the_template_preview_runs_on_a_real_dossier(browser, demo, dossier):
    browser.sign_in(make_user(demo))
    browser.visit(routes.PARAM_TEMPLATES)
    browser.run(TemplatesState, "load_templates")
    browser.run(TemplatesState, "preview_on", {"reference": "VDL-1999-0001"})
    state = browser.state(TemplatesState)
    assert state.reference_error == "Aucun dossier à cette référence."
    browser.run(TemplatesState, "preview_on", {"reference": dossier.reference.lower()})
    assert state.preview_source == dossier.reference
    assert dossier.reference in state.rendered["email_subject"]
    assert "/api/telechargement/" in str(browser.run(TemplatesState, "preview_pdf"))


def test_templates_and_mail_server_are_changed_only_with_the_parameters_right(browser, demo):
    browser.sign_in(make_user(demo, _without(Module.PARAMETERS, Action.EDIT)))
    browser.visit(routes.PARAM_TEMPLATES)
    browser.run(TemplatesState, "load_templates")
    assert browser.state(TemplatesState).can_edit is False
    for state, handler, args in (
        (TemplatesState, "edit_part", ("introduction", "x")),
        (TemplatesState, "save", ()),
        (TemplatesState, "reset_texts", ()),
        (MailSettingsState, "save", ({"host": "smtp.example.fr"},)),
        (MailSettingsState, "send_test", ({"test_to": "a@b.fr"},)),
    ):
        with pytest.raises(AccessDenied):
            browser.run(state, handler, *args)
    assert _count(demo, DocumentTemplate) == 0 and _count(demo, MailSettings) == 0
    browser.sign_in(make_user(demo, _without(Module.PARAMETERS, Action.SEE)))
    for state, handler, args in (
        (TemplatesState, "load_templates", ()),
        (TemplatesState, "choose", ("kind", "contrat")),
        (TemplatesState, "preview_on", ({"reference": ""},)),
        (TemplatesState, "preview_pdf", ()),
        (MailSettingsState, "load_mail", ()),
    ):
        with pytest.raises(AccessDenied):
            browser.run(state, handler, *args)


def test_the_mail_server_is_saved_without_showing_its_password_and_tested(browser, demo):
    browser.sign_in(make_user(demo))
    with running_smtp() as server:
        browser.visit(routes.PARAM_MAIL)
        browser.run(MailSettingsState, "load_mail")
        browser.run(MailSettingsState, "save", {"host": "", "port": "99999"})
        state = browser.state(MailSettingsState)
        assert {"host", "port"} <= set(state.errors)
        browser.run(
            MailSettingsState,
            "save",
            {
                "host": "127.0.0.1",
                "port": str(server.port),
                "security": "none",
                "password": "secret-smtp",
                "sender_address": "resa@escapades-loire.fr",
                "timeout_seconds": "5",
            },
        )
        assert state.errors == {} and state.has_password
        assert "secret-smtp" not in str(state.values)
        browser.run(MailSettingsState, "send_test", {"test_to": "essai@escapades-loire.fr"})
        assert state.test_ok and state.test_result.startswith("Accepté")
        assert server.received[0].rcpt_tos == ("essai@escapades-loire.fr",)
