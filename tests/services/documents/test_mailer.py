"""The mailer against a real SMTP server on 127.0.0.1: what is « accepted » is only what the
server took, and every failure comes back as a French answer instead of an exception."""

from __future__ import annotations

import email
import email.policy
import socket
import time
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from agence.services.documents import mailer
from agence.services.documents.mailer import Attachment, MailAccount, SmtpLink
from tests.smtp_server import REFUSED_DATA, SmtpServer, free_port, running_smtp

PDF = b"%PDF-1.7\n\x00\xff\xfe binary \r\n.\r\n..\n%%EOF\n"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with running_smtp() as server:
        yield server


def letter(account: MailAccount, **values) -> EmailMessage:
    fields = {
        "to": ["claire@college.fr", "paul@college.fr"],
        "cc": ["compta@college.fr"],
        "subject": "Votre séjour à Chenonceau – devis n°2026-014",
        "body": "Bonjour,\n\nVeuillez trouver le devis ci-joint.\n.\nCordialement,\nÉlodie",
        "attachments": [Attachment("Devis été.pdf", PDF, "application/pdf")],
    }
    fields.update(values)
    return mailer.compose(account, **fields)


# --- Addresses ----------------------------------------------------------------------------------


def test_addresses_are_split_on_commas_semicolons_and_lines_and_kept_once():
    typed = "Claire@College.fr; paul@college.fr,\n claire@college.fr\r\nJean Roy <jean@roy.fr>"
    assert mailer.parse_addresses(typed) == ["claire@college.fr", "paul@college.fr", "jean@roy.fr"]


def test_every_bad_address_is_named_in_the_message():
    with pytest.raises(ValueError) as failure:
        mailer.parse_addresses("ok@example.fr, pas-une-adresse; autre@ ,x@y.fr")
    assert str(failure.value) == "Adresses e-mail invalides : pas-une-adresse, autre@"
    with pytest.raises(ValueError, match="^Adresse e-mail invalide : a b@c.fr$"):
        mailer.parse_addresses("a b@c.fr")


def test_a_recipient_is_required_only_where_asked():
    assert mailer.parse_addresses(" ; ,") == []
    with pytest.raises(ValueError, match="au moins un destinataire"):
        mailer.parse_addresses(" ; ,", required=True)


# --- Composition --------------------------------------------------------------------------------


def test_the_composed_message_carries_sender_recipients_accented_subject_and_exact_bytes():
    account = MailAccount("smtp.test", 25, sender_address="contact@escapades.fr", sender_name="Éva")
    message = letter(account)
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert parsed["From"].addresses[0].display_name == "Éva"
    assert parsed["From"].addresses[0].addr_spec == "contact@escapades.fr"
    assert parsed["To"] == "claire@college.fr, paul@college.fr"
    assert parsed["Cc"] == "compta@college.fr"
    assert parsed["Subject"] == "Votre séjour à Chenonceau – devis n°2026-014"
    assert parsed["Date"]
    assert parsed["Message-ID"].endswith("@escapades.fr>")
    assert parsed.get_body(("plain",)).get_content().startswith("Bonjour,\n\nVeuillez")
    (attachment,) = parsed.iter_attachments()
    assert attachment.get_filename() == "Devis été.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF


def test_a_given_message_id_is_kept_and_a_subject_cannot_add_headers():
    account = MailAccount("smtp.test", 25, sender_address="contact@escapades.fr")
    message = letter(
        account, subject="Devis\r\nBcc: espion@example.fr", message_id="<fixe@escapades.fr>"
    )
    assert message["Message-ID"] == "<fixe@escapades.fr>"
    assert message["Subject"] == "Devis Bcc: espion@example.fr"
    assert message.get_all("Bcc") is None


# --- Delivery -----------------------------------------------------------------------------------


def test_a_delivered_message_reaches_every_recipient_with_its_bytes(smtp):
    account = smtp.account()
    message = letter(account)
    delivery = mailer.deliver(account, message)
    assert delivery == mailer.Delivery(True, "250 OK")
    (received,) = smtp.received
    assert received.mail_from == "agence@escapades.test"
    assert received.rcpt_tos == ("claire@college.fr", "paul@college.fr", "compta@college.fr")
    arrived = received.message()
    assert arrived["Message-ID"] == message["Message-ID"]
    assert arrived["Subject"] == "Votre séjour à Chenonceau – devis n°2026-014"
    assert "\n.\nCordialement" in arrived.get_body(("plain",)).get_content()
    assert next(arrived.iter_attachments()).get_content() == PDF


def test_a_refused_data_is_not_accepted_and_keeps_the_servers_words():
    with running_smtp(refuse_data=True) as server:
        delivery = mailer.deliver(server.account(), letter(server.account()))
        assert delivery == mailer.Delivery(False, REFUSED_DATA)
        assert server.received == []


def test_one_refused_recipient_sends_the_message_to_nobody():
    with running_smtp(refuse_recipients=["paul@college.fr"]) as server:
        delivery = mailer.deliver(server.account(), letter(server.account()))
        assert not delivery.accepted
        assert delivery.answer == (
            "Destinataire refusé par le serveur : paul@college.fr (550 5.1.1 Destinataire inconnu)"
        )
        assert server.received == []


def test_a_closed_port_answers_in_french():
    port = free_port()
    account = MailAccount("127.0.0.1", port, "none", sender_address="a@b.fr", timeout_seconds=2)
    delivery = mailer.deliver(account, letter(account))
    assert delivery == mailer.Delivery(
        False, f"Connexion impossible à 127.0.0.1:{port} : Connection refused"
    )


def test_a_silent_server_fails_after_the_accounts_timeout():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        account = MailAccount("127.0.0.1", port, "none", sender_address="a@b.fr", timeout_seconds=1)
        started = time.monotonic()
        delivery = mailer.deliver(account, letter(account))
    assert delivery == mailer.Delivery(
        False, f"Connexion impossible à 127.0.0.1:{port} : pas de réponse en 1 s"
    )
    assert time.monotonic() - started < 3


def test_sign_in_uses_plain_or_login_with_accented_passwords_too():
    with running_smtp(users={"agence": "s3cret é"}) as server:
        account = server.account(username="agence", password="s3cret é")
        assert mailer.deliver(account, letter(account)).accepted
        assert server.auth_mechanisms == ["PLAIN"]
        assert server.received[0].login == "agence"
    for password in ("s3cret", "mot de passe à accents"):
        with running_smtp(users={"agence": password}, exclude_mechanisms=["PLAIN"]) as server:
            account = server.account(username="agence", password=password)
            assert mailer.deliver(account, letter(account)).accepted
            assert server.auth_mechanisms == ["LOGIN"]


def test_a_wrong_password_or_a_missing_sign_in_is_refused_in_french():
    with running_smtp(users={"agence": "s3cret"}) as server:
        wrong = server.account(username="agence", password="faux")
        delivery = mailer.deliver(wrong, letter(wrong))
        assert not delivery.accepted
        assert delivery.answer.startswith(
            f"Identifiant ou mot de passe refusé par 127.0.0.1:{server.port} : 535"
        )
        anonymous = server.account()
        delivery = mailer.deliver(anonymous, letter(anonymous))
        assert delivery == mailer.Delivery(False, "530 5.7.0 Authentication required")
        assert server.received == []


def test_starttls_and_ssl_deliver_over_an_encrypted_connection():
    for security in ("starttls", "ssl"):
        with running_smtp(tls=security, users={"agence": "s3cret"}) as server:
            account = server.account(username="agence", password="s3cret")
            delivery = mailer.deliver(
                account, letter(account), tls_context=server.client_tls_context
            )
            assert delivery.accepted, delivery.answer
            assert server.received[0].tls
            assert server.received[0].login == "agence"


def test_an_untrusted_certificate_is_refused_and_nothing_is_sent():
    with running_smtp(tls="starttls") as server:
        delivery = mailer.deliver(server.account(), letter(server.account()))
        assert not delivery.accepted
        assert "certificat du serveur refusé" in delivery.answer
        assert server.received == []


def test_starttls_asked_of_a_server_without_it_says_what_to_choose(smtp):
    account = smtp.account(security="starttls")
    delivery = mailer.deliver(account, letter(account))
    assert delivery == mailer.Delivery(
        False,
        f"Le serveur 127.0.0.1:{smtp.port} ne propose pas STARTTLS : "
        "choisissez « SSL/TLS » ou « Aucune ».",
    )


def test_many_messages_share_one_connection_and_a_refusal_does_not_stop_the_others():
    with running_smtp(refuse_recipients=["refus@college.fr"]) as server:
        account = server.account()
        messages = [letter(account, to=[f"eleve{n}@college.fr"], cc=[]) for n in range(20)]
        messages[7] = letter(account, to=["refus@college.fr"], cc=[])
        deliveries = list(mailer.deliver_many(account, messages))
        assert [d.accepted for d in deliveries] == [n != 7 for n in range(20)]
        assert len(server.received) == 19
        assert server.connections == 1


def test_a_link_reconnects_when_the_server_closed_the_connection():
    port = free_port()
    account = MailAccount("127.0.0.1", port, "none", sender_address="a@b.fr", timeout_seconds=2)
    with SmtpLink(account) as link:
        with running_smtp(port=port) as first:
            assert link.send(letter(account)).accepted
        with running_smtp(port=port) as second:
            assert link.send(letter(account)).accepted
        assert link.connections == 2
        assert (len(first.received), len(second.received)) == (1, 1)


def test_a_link_that_cannot_connect_fails_the_next_messages_at_once():
    account = MailAccount("127.0.0.1", free_port(), "none", sender_address="a@b.fr")
    with SmtpLink(account) as link:
        answers = {link.send(letter(account)).answer for _ in range(3)}
    assert len(answers) == 1
    assert answers.pop().startswith("Connexion impossible")
    assert link.connections == 0


def test_checking_the_account_signs_in_without_sending():
    with running_smtp(users={"agence": "s3cret"}) as server:
        good = server.account(username="agence", password="s3cret")
        assert mailer.check(good) == mailer.Delivery(
            True, f"Connexion réussie à 127.0.0.1:{server.port}."
        )
        assert not mailer.check(server.account(username="agence", password="x")).accepted
        assert server.received == []


def test_the_password_never_shows_in_the_accounts_repr():
    account = MailAccount("smtp.test", 25, username="agence", password="tres-secret")
    assert "tres-secret" not in repr(account)
