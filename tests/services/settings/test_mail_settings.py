"""The outgoing mail server's settings: validated like any form, and a password that is kept
encrypted — never readable in the database, a dump or the audit trail."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import String, cast, text
from sqlmodel import Session, select

from agence.models import AuditEntry, MailSettings
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import AccessDenied, Action, Actor, Module, Right
from agence.services.settings import mail_settings
from agence.services.settings.mail_settings import MailNotConfigured, MailPasswordUnreadable
from agence.settings import get_settings
from tests.factories import make_actor

CLEAR = "Mot-de-passe-très-secret-42"


def values(**changes: str) -> dict[str, str]:
    form = {
        "host": "smtp.escapades-loire.fr",
        "port": "587",
        "security": "starttls",
        "timeout_seconds": "20",
        "username": "contact@escapades-loire.fr",
        "password": "",
        "sender_address": "Contact@Escapades-Loire.fr",
        "sender_name": "Escapades en Loire",
    }
    form.update(changes)
    return form


@pytest.fixture
def admin(session: Session) -> Actor:
    return make_actor(session, {Right(Module.PARAMETERS, Action.EDIT)})


def save(session: Session, actor: Actor, **changes: str) -> MailSettings:
    row = mail_settings.save(session, actor, values(**changes))
    session.commit()
    return row


def refused(session: Session, actor: Actor, **changes: str) -> dict[str, str]:
    with pytest.raises(FormErrors) as failure:
        mail_settings.save(session, actor, values(**changes))
    session.rollback()
    return failure.value.errors


def test_the_form_starts_from_the_usual_submission_port_and_no_password(session):
    assert mail_settings.current(session) is None
    form = mail_settings.form_values(session)
    assert (form["port"], form["security"], form["timeout_seconds"]) == ("587", "starttls", "20")
    assert form["password"] == form["password_stored"] == ""


def test_saving_needs_the_parameters_edit_right(session):
    viewer = make_actor(session, {Right(Module.PARAMETERS, Action.SEE)})
    with pytest.raises(AccessDenied):
        mail_settings.save(session, viewer, values())


def test_each_wrong_field_gets_its_french_message(session, admin):
    assert refused(session, admin, host="") == {"host": "Ce champ est obligatoire."}
    assert set(refused(session, admin, host="smtp exemple.fr")) == {"host"}
    assert set(refused(session, admin, host="https://smtp.exemple.fr")) == {"host"}
    assert refused(session, admin, port="0") == {"port": "La valeur doit être au moins 1."}
    assert set(refused(session, admin, port="65536")) == {"port"}
    assert refused(session, admin, security="tls") == {"security": "Choix invalide."}
    assert refused(session, admin, sender_address="contact") == {
        "sender_address": "Adresse e-mail invalide."
    }
    assert set(refused(session, admin, sender_address="")) == {"sender_address"}
    assert refused(session, admin, sender_name="x" * 121) == {
        "sender_name": "120 caractères au plus."
    }
    assert set(refused(session, admin, timeout_seconds="0")) == {"timeout_seconds"}
    assert set(refused(session, admin, timeout_seconds="121")) == {"timeout_seconds"}
    assert mail_settings.current(session) is None


def test_the_password_is_stored_encrypted_and_given_back_to_the_mailer_only(session, admin):
    save(session, admin, password=CLEAR)
    stored = session.execute(text("SELECT password_encrypted FROM mail_settings")).scalar_one()
    assert stored and CLEAR not in stored
    assert CLEAR.encode() not in stored.encode()
    assert mail_settings.decrypt_password(stored) == CLEAR
    account = mail_settings.account(session)
    assert account.password == CLEAR
    assert (account.host, account.port, account.security) == (
        "smtp.escapades-loire.fr",
        587,
        "starttls",
    )
    assert account.sender_address == "contact@escapades-loire.fr"
    assert CLEAR not in repr(account)
    form = mail_settings.form_values(session)
    assert form["password"] == "" and form["password_stored"] == "1"
    assert CLEAR not in str(form)


def test_the_audit_trail_says_the_password_changed_without_showing_it(session, admin):
    save(session, admin, password=CLEAR)
    save(session, admin, password=CLEAR + "-2", port="465", security="ssl")
    changes = session.exec(select(cast(AuditEntry.changes, String))).all()
    assert len(changes) == 2
    assert all(CLEAR not in entry for entry in changes)
    stored = mail_settings.current(session).password_encrypted  # type: ignore[union-attr]
    assert all(stored not in entry for entry in changes)
    latest = session.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()  # type: ignore[union-attr]
    assert latest is not None
    assert latest.changes["password"] == "mot de passe modifié"
    assert latest.changes["port"] == [587, 465]


def test_an_empty_password_keeps_the_stored_one_and_clearing_removes_it(session, admin):
    save(session, admin, password=CLEAR)
    save(session, admin, sender_name="Escapades")
    assert mail_settings.account(session).password == CLEAR
    save(session, admin, sender_name="Escapades", clear_password="on")
    assert mail_settings.current(session).password_encrypted == ""  # type: ignore[union-attr]
    assert mail_settings.account(session).password == ""
    assert mail_settings.form_values(session)["password_stored"] == ""
    latest = session.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()  # type: ignore[union-attr]
    assert latest is not None and latest.changes == {"password": "mot de passe supprimé"}


def test_saving_again_updates_the_one_row(session, admin):
    save(session, admin)
    save(session, admin, host="mail.exemple.fr")
    assert len(session.exec(select(MailSettings)).all()) == 1
    assert mail_settings.account(session).host == "mail.exemple.fr"


def test_without_settings_the_account_says_where_to_set_them(session):
    with pytest.raises(MailNotConfigured, match="Paramètres › Messagerie"):
        mail_settings.account(session)


def test_another_secret_key_cannot_read_the_password(session, admin):
    save(session, admin, password=CLEAR)
    stored = mail_settings.current(session).password_encrypted  # type: ignore[union-attr]
    with pytest.raises(MailPasswordUnreadable, match="ne peut pas être déchiffré"):
        mail_settings.decrypt_password(stored, secret="une-autre-cle")
    with pytest.raises(MailPasswordUnreadable):
        mail_settings.decrypt_password("pas un jeton Fernet")


@pytest.fixture
def other_secret(monkeypatch) -> Iterator[None]:
    """The application restarted with another secret key."""
    monkeypatch.setenv("AGENCE_SECRET_KEY", "cle-d-une-autre-installation")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_an_account_encrypted_under_another_key_fails_with_a_clear_message(session, admin, request):
    save(session, admin, password=CLEAR)
    request.getfixturevalue("other_secret")
    with pytest.raises(MailNotConfigured) as failure:
        mail_settings.account(session)
    assert isinstance(failure.value, MailPasswordUnreadable)
    assert "saisissez-le de nouveau" in str(failure.value)


def test_the_test_message_needs_the_edit_right_and_says_why_nothing_was_sent(session, admin):
    reader = make_actor(session, {Right(Module.PARAMETERS, Action.SEE)})
    with pytest.raises(AccessDenied):
        mail_settings.send_test_message(reader, "essai@example.fr")
    refused = mail_settings.send_test_message(admin, "pas-une-adresse")
    assert not refused.accepted and "pas-une-adresse" in refused.answer
    unset = mail_settings.send_test_message(admin, "essai@example.fr")
    assert not unset.accepted and "Messagerie" in unset.answer


def test_the_test_message_reaches_the_server(session, admin):
    from tests.smtp_server import running_smtp

    with running_smtp() as server:
        mail_settings.save(
            session,
            admin,
            {
                "host": "127.0.0.1",
                "port": str(server.port),
                "security": "none",
                "sender_address": "resa@escapades-loire.fr",
                "timeout_seconds": "5",
            },
        )
        session.commit()
        delivery = mail_settings.send_test_message(admin, "essai@example.fr")
        assert delivery.accepted and server.received[0].rcpt_tos == ("essai@example.fr",)
