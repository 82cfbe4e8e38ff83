"""Sign-in, lock-out after repeated failures, server-side sessions, changing one's password."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from agence.db import session_scope
from agence.models import AuditEntry, LoginThrottle, User, UserSession
from agence.models.base import utcnow
from agence.services.admin import auth
from agence.services.admin.profiles import set_rights
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Module, NotSignedIn, Right
from agence.settings import get_settings
from tests.factories import PASSWORD, actor_for, make_user, sign_in

# 09:00 UTC on a winter day is 10:00 in Paris.
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WRONG = "Mauvais12345"
NEW_PASSWORD = "Nouveau2026xyz"


@dataclass(frozen=True)
class Attempt(auth.SignInResult):
    token: str = ""
    """The session token the browser got for the ticket (its HttpOnly cookie)."""


def attempt(email: str, password: str, minutes: float = 0, *, ip_address: str = "") -> Attempt:
    """One sign-in attempt, `minutes` after T0, in its own transaction; a success's ticket is
    exchanged at once, as the browser does."""
    now = T0 + timedelta(minutes=minutes)
    with session_scope() as s:
        result = auth.sign_in(s, email, password, now=now, ip_address=ip_address)
    token = ""
    if result.ok:
        with session_scope() as s:
            token = auth.hand_over(s, result.ticket, now=now) or ""
    return Attempt(**asdict(result), token=token)


def resolve(token: str, now: datetime | None = None):
    with session_scope() as s:
        return auth.resolve_actor(s, token, now=now)


def audit_entries(action: str) -> list[AuditEntry]:
    with session_scope() as s:
        return list(
            s.exec(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
        )


def fresh_user(user_id: int) -> User:
    with session_scope() as s:
        user = s.get(User, user_id)
        assert user is not None
        return user


def locked_message(until: datetime) -> str:
    return (
        "Trop de tentatives échouées : ce compte est verrouillé pendant 15 minutes "
        f"(jusqu'à {until.astimezone(auth.formats.AGENCY_TIMEZONE).strftime('%H:%M')})."
    )


# --- Signing in ------------------------------------------------------------------------------


def test_a_correct_password_gives_a_session_token(session):
    user = make_user(session)

    result = attempt(user.email, PASSWORD)

    assert result.ok
    assert result.token
    assert result.message == ""
    assert resolve(result.token, now=T0).user_id == user.id


def test_a_successful_sign_in_is_audited_as_connexion(session):
    user = make_user(session)

    with session_scope() as s:
        auth.sign_in(s, user.email, PASSWORD, ip_address="192.0.2.7")

    [entry] = audit_entries("connexion")
    assert entry.user_id == user.id
    assert entry.entity_id == str(user.id)
    assert entry.ip_address == "192.0.2.7"


def test_a_successful_sign_in_records_the_moment_of_the_last_login(session):
    user = make_user(session)

    attempt(user.email, PASSWORD, minutes=3)

    assert fresh_user(user.id).last_login_at == T0 + timedelta(minutes=3)


def test_the_token_itself_is_never_stored_only_its_digest(session):
    user = make_user(session)

    token = attempt(user.email, PASSWORD).token

    with session_scope() as s:
        [stored] = s.exec(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert stored.token_hash == auth.token_digest(token)
    assert token not in stored.token_hash


def test_a_wrong_password_gives_the_generic_message(session):
    user = make_user(session)

    result = attempt(user.email, WRONG)

    assert not result.ok
    assert result.token == ""
    assert result.message == auth.BAD_CREDENTIALS


def test_an_unknown_email_gives_exactly_the_same_message_as_a_wrong_password(session):
    user = make_user(session)

    wrong_password = attempt(user.email, WRONG)
    unknown_email = attempt("personne@example.fr", WRONG)

    assert unknown_email == wrong_password
    assert unknown_email.message == auth.BAD_CREDENTIALS


def test_an_empty_email_or_password_gives_the_generic_message(session):
    user = make_user(session)

    assert attempt("", PASSWORD).message == auth.BAD_CREDENTIALS
    assert attempt(user.email, "").message == auth.BAD_CREDENTIALS


@pytest.mark.parametrize("length", [210, 300])
def test_an_overlong_email_typed_at_sign_in_gives_the_generic_message(session, length):
    """Whatever is typed in the e-mail box is an ordinary failure, never a server error."""
    make_user(session)

    result = attempt("a" * length + "@example.fr", WRONG)

    assert not result.ok
    assert result.message == auth.BAD_CREDENTIALS


def test_a_failed_sign_in_creates_no_session_and_is_audited(session):
    user = make_user(session)

    attempt(user.email, WRONG)

    with session_scope() as s:
        assert s.exec(select(UserSession)).all() == []
    [entry] = audit_entries("echec_connexion")
    assert entry.user_id is None
    assert entry.entity_label == user.email


def test_the_email_is_case_insensitive_and_trimmed(session):
    user = make_user(session, email="claire.martin@example.fr")

    result = attempt("  Claire.MARTIN@Example.FR ", PASSWORD)

    assert result.ok
    assert resolve(result.token, now=T0).user_id == user.id


def test_a_deactivated_user_cannot_sign_in_and_gets_the_generic_message(session):
    user = make_user(session, active=False)

    result = attempt(user.email, PASSWORD)

    assert not result.ok
    assert result.token == ""
    assert result.message == auth.BAD_CREDENTIALS


def test_sign_in_reports_that_the_password_must_be_changed(session):
    user = make_user(session, must_change_password=True)

    result = attempt(user.email, PASSWORD)

    assert result.ok
    assert result.must_change_password
    assert resolve(result.token, now=T0).must_change_password


def test_sign_in_reports_no_password_change_when_none_is_due(session):
    user = make_user(session)

    result = attempt(user.email, PASSWORD)

    assert not result.must_change_password
    assert not resolve(result.token, now=T0).must_change_password


# --- Lock-out --------------------------------------------------------------------------------
# Every attempt that checks a password costs an argon2 verification: each test makes few.


def lock(email: str) -> list[auth.SignInResult]:
    """Five failures, one a minute from T0: locked at 09:04 UTC until 09:19 UTC (10:19 Paris)."""
    return [attempt(email, WRONG, minutes) for minutes in range(5)]


LOCKED_UNTIL = T0 + timedelta(minutes=4 + 15)


def test_five_failures_within_fifteen_minutes_lock_the_account(session):
    user = make_user(session)

    results = [attempt(user.email, WRONG, minutes) for minutes in (0, 3, 6, 9, 12)]

    assert [r.locked for r in results] == [False, False, False, False, True]
    assert [r.message for r in results[:4]] == [auth.BAD_CREDENTIALS] * 4
    assert not results[-1].ok
    [entry] = audit_entries("verrouillage")
    assert entry.entity_label == user.email


def test_the_locked_message_says_the_account_is_locked_for_15_minutes_and_until_when(session):
    user = make_user(session)

    fifth = lock(user.email)[-1]

    assert fifth.message == locked_message(LOCKED_UNTIL)
    assert "verrouillé pendant 15 minutes" in fifth.message
    assert "(jusqu'à 10:19)" in fifth.message


def test_a_correct_password_is_refused_while_the_account_is_locked(session):
    user = make_user(session)
    lock(user.email)

    result = attempt(user.email, PASSWORD, minutes=18)

    assert not result.ok
    assert result.locked
    assert result.token == ""
    assert result.message == locked_message(LOCKED_UNTIL)
    with session_scope() as s:
        assert s.exec(select(UserSession)).all() == []


def test_the_account_opens_again_fifteen_minutes_after_the_lock_however_often_one_retries(
    session,
):
    user = make_user(session)
    lock(user.email)
    for minutes in (5, 10, 18.9):
        assert attempt(user.email, WRONG, minutes).message == locked_message(LOCKED_UNTIL)

    result = attempt(user.email, PASSWORD, minutes=4 + 15)

    assert result.ok
    assert result.token


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(session):
    user = make_user(session)

    results = [attempt(user.email, WRONG, minutes) for minutes in (0, 4, 8, 12, 16)]

    assert not any(r.locked for r in results)
    assert results[-1].message == auth.BAD_CREDENTIALS
    assert attempt(user.email, PASSWORD, minutes=17).ok


def test_any_five_failures_within_fifteen_minutes_lock_even_after_an_older_failure(session):
    """Failures at 14, 14½, 15½, 16 and 16½ minutes are five within fifteen minutes."""
    user = make_user(session)

    results = [attempt(user.email, WRONG, minutes) for minutes in (0, 14, 14.5, 15.5, 16, 16.5)]

    assert results[-1].locked


def test_unknown_emails_are_throttled_exactly_like_known_ones(session):
    user = make_user(session)
    times = (0, 1, 2, 3, 4, 10)

    known = [attempt(user.email, WRONG, minutes) for minutes in times]
    unknown = [attempt("personne@example.fr", WRONG, minutes) for minutes in times]

    assert unknown == known
    assert unknown[4].locked
    assert unknown[5].message == locked_message(LOCKED_UNTIL)


def test_the_lock_out_counts_failures_per_email_whatever_its_spelling(session):
    user = make_user(session, email="claire.martin@example.fr")
    spellings = (
        "claire.martin@example.fr",
        "CLAIRE.Martin@example.fr",
        " Claire.Martin@Example.FR ",
    )

    results = [attempt(spellings[minutes % 3], WRONG, minutes) for minutes in range(5)]

    assert results[-1].locked
    assert attempt(user.email, PASSWORD, minutes=5).locked


def test_the_failures_of_one_email_do_not_lock_another(session):
    user = make_user(session)
    lock("personne@example.fr")

    assert attempt(user.email, PASSWORD, minutes=5).ok


def test_a_successful_sign_in_clears_the_failure_counter(session):
    user = make_user(session)
    for minutes in range(4):
        attempt(user.email, WRONG, minutes)

    assert attempt(user.email, PASSWORD, minutes=4).ok

    with session_scope() as s:
        assert s.get(LoginThrottle, user.email) is None
    assert not attempt(user.email, WRONG, minutes=5).locked


# --- Sessions --------------------------------------------------------------------------------


def test_a_valid_token_resolves_to_the_actor_with_his_rights(session):
    rights = {
        Right(Module.THIRD_PARTIES, Action.SEE),
        Right(Module.BOOKINGS, Action.SEE),
        Right(Module.BOOKINGS, Action.CREATE),
    }
    user = make_user(session, rights, first_name="Lucie", last_name="Bernard")
    token = sign_in(user)

    actor = resolve(token)

    assert actor.user_id == user.id
    assert actor.email == user.email
    assert actor.display_name == "Lucie Bernard"
    assert actor.rights == frozenset(rights)
    assert actor.can(Module.BOOKINGS, Action.CREATE)
    assert not actor.can(Module.ADMINISTRATION)
    assert actor.session_id is not None


@pytest.mark.parametrize("token", ["", "jeton-inconnu"])
def test_an_empty_or_unknown_token_is_not_signed_in(session, token):
    sign_in(make_user(session))

    with pytest.raises(NotSignedIn):
        resolve(token)


def test_an_unknown_token_says_the_session_has_ended(session):
    with pytest.raises(NotSignedIn) as refused:
        resolve("jeton-inconnu")

    assert refused.value.reason == auth.SESSION_ENDED


def test_a_session_idle_for_longer_than_the_idle_limit_has_expired(session):
    user = make_user(session)
    token = sign_in(user)
    idle = timedelta(minutes=get_settings().session_idle_minutes)

    resolve(token, now=utcnow() + idle - timedelta(minutes=1))
    with pytest.raises(NotSignedIn) as refused:
        resolve(token, now=utcnow() + 2 * idle)

    assert refused.value.reason == auth.SESSION_ENDED


def test_a_session_signed_in_long_ago_has_expired(session):
    user = make_user(session)
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    moment = utcnow() - idle - timedelta(minutes=1)
    with session_scope() as s:
        result = auth.sign_in(s, user.email, PASSWORD, now=moment)
    assert result.ok
    with session_scope() as s:
        token = auth.hand_over(s, result.ticket, now=moment)
    assert token

    with pytest.raises(NotSignedIn):
        resolve(token)


def test_activity_keeps_a_session_alive_but_never_beyond_the_maximum_duration(session):
    user = make_user(session)
    start = utcnow()
    with session_scope() as s:
        ticket = auth.sign_in(s, user.email, PASSWORD, now=start).ticket
    with session_scope() as s:
        token = auth.hand_over(s, ticket, now=start)
    assert token
    settings = get_settings()
    step = timedelta(minutes=settings.session_idle_minutes) - timedelta(hours=1)
    maximum = timedelta(hours=settings.session_max_hours)

    moment = start
    while moment + step < start + maximum:
        moment += step
        resolve(token, now=moment)
    resolve(token, now=start + maximum - timedelta(minutes=1))

    with pytest.raises(NotSignedIn):
        resolve(token, now=start + maximum + timedelta(minutes=1))


def test_sign_out_revokes_the_session(session):
    user = make_user(session)
    token = sign_in(user)

    with session_scope() as s:
        auth.sign_out(s, token)

    with pytest.raises(NotSignedIn):
        resolve(token)


def test_sign_out_is_audited_as_deconnexion(session):
    user = make_user(session)
    token = sign_in(user)

    with session_scope() as s:
        auth.sign_out(s, token, ip_address="192.0.2.9")

    [entry] = audit_entries("deconnexion")
    assert entry.user_id == user.id
    assert entry.ip_address == "192.0.2.9"


def test_sign_out_closes_only_that_session(session):
    user = make_user(session)
    first, second = sign_in(user), sign_in(user)

    with session_scope() as s:
        auth.sign_out(s, first)

    assert resolve(second).user_id == user.id


def test_signing_out_an_unknown_token_does_nothing(session):
    with session_scope() as s:
        auth.sign_out(s, "jeton-inconnu")

    assert audit_entries("deconnexion") == []


def test_a_user_deactivated_after_signing_in_is_refused_at_his_next_event(session):
    user = make_user(session)
    token = sign_in(user)
    user.active = False
    session.add(user)
    session.commit()

    with pytest.raises(NotSignedIn) as refused:
        resolve(token)

    assert refused.value.reason == auth.ACCOUNT_DISABLED
    assert str(refused.value) == auth.ACCOUNT_DISABLED


def test_the_actor_carries_the_rights_of_his_profile_at_each_event(session):
    user = make_user(session, {Right(Module.AGENDA, Action.SEE)})
    token = sign_in(user)

    set_rights(session, user.profile_id, {Right(Module.CATALOGUE, Action.SEE)})
    session.commit()

    assert resolve(token).rights == frozenset({Right(Module.CATALOGUE, Action.SEE)})


# --- Changing one's own password -------------------------------------------------------------


def change(actor, current: str, new: str, confirmation: str | None = None) -> None:
    with session_scope() as s:
        auth.change_own_password(
            s, actor, current, new, new if confirmation is None else confirmation
        )


@pytest.mark.parametrize(
    ("current", "new", "confirmation", "field", "message"),
    [
        (WRONG, NEW_PASSWORD, NEW_PASSWORD, "current_password", "Mot de passe actuel incorrect."),
        (PASSWORD, "Court1", "Court1", "new_password", "au moins 10 caractères"),
        (PASSWORD, "Sansaucunchiffre", "Sansaucunchiffre", "new_password", "un chiffre"),
        (
            PASSWORD,
            "claire2026@example.fr",
            "claire2026@example.fr",
            "new_password",
            "ne doit pas être l'adresse e-mail",
        ),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "confirmation", "pas identiques"),
        (PASSWORD, PASSWORD, PASSWORD, "new_password", "différent de l'actuel"),
    ],
    ids=[
        "wrong-current",
        "too-short",
        "no-digit",
        "same-as-email",
        "confirmation-mismatch",
        "same-as-current",
    ],
)
def test_a_refused_password_change_names_the_field_and_changes_nothing(
    session, current, new, confirmation, field, message
):
    user = make_user(session, email="claire2026@example.fr", must_change_password=True)

    with pytest.raises(FormErrors) as refused:
        change(actor_for(user), current, new, confirmation)

    assert field in refused.value.errors
    assert message in refused.value.errors[field]
    after = fresh_user(user.id)
    assert after.password_hash == user.password_hash
    assert after.must_change_password
    assert audit_entries("changement_mot_de_passe") == []


def test_a_refused_password_change_closes_no_session(session):
    user = make_user(session)
    current, other = sign_in(user), sign_in(user)

    with pytest.raises(FormErrors):
        change(resolve(current), PASSWORD, "Court1")

    assert resolve(other).user_id == user.id


def test_a_wrong_current_password_is_reported_together_with_a_weak_new_one(session):
    user = make_user(session)

    with pytest.raises(FormErrors) as refused:
        change(actor_for(user), WRONG, "court")

    assert set(refused.value.errors) == {"current_password", "new_password"}


def test_changing_the_password_clears_the_obligation_to_change_it(session):
    user = make_user(session, must_change_password=True)

    change(actor_for(user), PASSWORD, NEW_PASSWORD)

    assert not fresh_user(user.id).must_change_password


def test_the_new_password_replaces_the_old_one(session):
    user = make_user(session)

    change(actor_for(user), PASSWORD, NEW_PASSWORD)

    assert attempt(user.email, NEW_PASSWORD).ok
    assert attempt(user.email, PASSWORD).message == auth.BAD_CREDENTIALS


def test_changing_the_password_closes_the_other_sessions_but_keeps_the_current_one(session):
    user = make_user(session, must_change_password=True)
    colleague = make_user(session)
    current, other, colleagues = sign_in(user), sign_in(user), sign_in(colleague)

    change(resolve(current), PASSWORD, NEW_PASSWORD)

    assert resolve(current).user_id == user.id
    assert not resolve(current).must_change_password
    with pytest.raises(NotSignedIn):
        resolve(other)
    assert resolve(colleagues).user_id == colleague.id


def test_a_password_change_is_audited_without_the_password(session):
    user = make_user(session)

    change(actor_for(user), PASSWORD, NEW_PASSWORD)

    [entry] = audit_entries("changement_mot_de_passe")
    assert entry.user_id == user.id
    assert entry.entity_id == str(user.id)
    assert NEW_PASSWORD not in str(entry.changes)
    assert "password_hash" not in entry.changes


# --- The HttpOnly cookie handover -------------------------------------------------------------


def test_a_sign_in_ticket_opens_nothing_by_itself(session):
    """The ticket passes through page scripts: only the HTTP route's exchange gives a token."""
    user = make_user(session)
    with session_scope() as s:
        result = auth.sign_in(s, user.email, PASSWORD, now=T0)

    with pytest.raises(NotSignedIn):
        resolve(result.ticket, now=T0)


def test_a_sign_in_ticket_is_exchanged_once_only(session):
    user = make_user(session)
    with session_scope() as s:
        ticket = auth.sign_in(s, user.email, PASSWORD, now=T0).ticket

    with session_scope() as s:
        token = auth.hand_over(s, ticket, now=T0)
    with session_scope() as s:
        again = auth.hand_over(s, ticket, now=T0)

    assert token and again is None
    assert resolve(token, now=T0).user_id == user.id


def test_a_sign_in_ticket_expires_after_a_minute(session):
    user = make_user(session)
    with session_scope() as s:
        ticket = auth.sign_in(s, user.email, PASSWORD, now=T0).ticket

    with session_scope() as s:
        assert auth.hand_over(s, ticket, now=T0 + timedelta(seconds=61)) is None


@pytest.mark.parametrize("ticket", ["", "x", "é" * 30, "A" * 5000])
def test_a_forged_ticket_gives_nothing(session, ticket):
    with session_scope() as s:
        assert auth.hand_over(s, ticket, now=T0) is None


def test_the_token_is_read_from_the_cookie_header_among_others(session):
    header = 'theme=clair; agence_session=abc-DEF_1; autre="x"'
    assert auth.token_from_cookie_header(header) == "abc-DEF_1"
    assert auth.token_from_cookie_header("agence_sessionx=1; theme=2") == ""
    assert auth.token_from_cookie_header("") == ""


# --- Throttling per client address ------------------------------------------------------------


def test_one_address_cannot_lock_more_than_a_few_accounts(session):
    """20 failures from one address block it: it locks at most 4 accounts (5 failures each)."""
    victims = [make_user(session, email=f"victime{n}@example.fr") for n in range(6)]
    address = "203.0.113.9"
    for n, victim in enumerate(victims):
        for _ in range(auth.LOCK_THRESHOLD):
            attempt(victim.email, WRONG, minutes=n * 0.1, ip_address=address)

    with session_scope() as s:
        locked = [
            victim.email
            for victim in victims
            if (row := s.get(LoginThrottle, victim.email)) is not None and row.locked_until
        ]
    assert len(locked) == auth.ADDRESS_LOCK_THRESHOLD // auth.LOCK_THRESHOLD == 4
    blocked = attempt(victims[5].email, PASSWORD, minutes=1, ip_address=address)
    assert not blocked.ok
    assert "depuis votre adresse" in blocked.message
    # The last victim was never locked: from another address he signs in.
    assert attempt(victims[5].email, PASSWORD, minutes=1, ip_address="198.51.100.4").ok


def test_a_blocked_address_is_free_again_after_fifteen_minutes(session):
    user = make_user(session)
    for n in range(auth.ADDRESS_LOCK_THRESHOLD):
        attempt(f"inconnu{n}@example.fr", WRONG, ip_address="203.0.113.9")

    assert not attempt(user.email, PASSWORD, minutes=14, ip_address="203.0.113.9").ok
    assert attempt(user.email, PASSWORD, minutes=16, ip_address="203.0.113.9").ok


def test_the_rows_kept_for_unknown_emails_are_purged_once_idle(session):
    for n in range(10):
        attempt(f"inconnu{n}@example.fr", WRONG, ip_address=f"198.51.100.{n}")
    with session_scope() as s:
        assert len(s.exec(select(LoginThrottle)).all()) == 20  # 10 e-mails, 10 addresses

    attempt("encore@example.fr", WRONG, minutes=16, ip_address="198.51.100.200")

    with session_scope() as s:
        kept = {row.email for row in s.exec(select(LoginThrottle))}
    assert kept == {"encore@example.fr", "ip:198.51.100.200"}


def test_a_locked_account_is_not_purged_before_its_lock_ends(session):
    user = make_user(session)
    for _ in range(auth.LOCK_THRESHOLD):
        attempt(user.email, WRONG)

    attempt("autre@example.fr", WRONG, minutes=16)  # purges the idle rows

    with session_scope() as s:
        assert s.get(LoginThrottle, user.email) is None  # lock ended at +15 min: forgotten
    for _ in range(auth.LOCK_THRESHOLD):
        attempt(user.email, WRONG, minutes=20)
    attempt("autre@example.fr", WRONG, minutes=36)
    with session_scope() as s:
        assert s.get(LoginThrottle, user.email) is None
    for _ in range(auth.LOCK_THRESHOLD):
        attempt(user.email, WRONG, minutes=40)
    attempt("autre@example.fr", WRONG, minutes=50)  # idle 10 min only, still locked
    with session_scope() as s:
        row = s.get(LoginThrottle, user.email)
        assert row is not None and row.locked_until == T0 + timedelta(minutes=55)
