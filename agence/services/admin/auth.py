"""Sign-in with lock-out, server-side sessions, and the actor behind every event.

The session token never reaches page scripts: a successful sign-in gives a one-time ticket
(valid one minute), which the browser posts to `/api/session`; that HTTP route exchanges it for
the session token in an HttpOnly cookie (`hand_over`). A ticket opens nothing by itself.

Failed sign-ins are throttled per e-mail (5 in 15 minutes lock the account, unknown e-mails
alike, so nothing is revealed) and per client address (20 in 15 minutes block the address), so
that one address cannot lock many accounts or fill the table with unknown e-mails; rows idle
past the window are purged at each failure.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from agence.models import AgencySite, LoginThrottle, Profile, ProfileRight, User, UserSession
from agence.models.base import utcnow
from agence.services.admin import passwords
from agence.services.common import audit, formats
from agence.services.common.audit import AuditAction
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Actor, Module, NotSignedIn, Right
from agence.settings import SESSION_COOKIE, get_settings

LOCK_THRESHOLD = 5
LOCK_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)
ADDRESS_LOCK_THRESHOLD = 20
SEEN_REFRESH = timedelta(seconds=60)
HANDOVER_TTL = timedelta(seconds=60)
MAX_EMAIL_LENGTH = 254
ADDRESS_KEY_PREFIX = "ip:"

BAD_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."
SESSION_ENDED = "Votre session a expiré ou a été fermée. Veuillez vous reconnecter."
ACCOUNT_DISABLED = "Votre compte a été désactivé. Contactez votre administrateur."


@dataclass(frozen=True)
class SignInResult:
    ok: bool
    message: str = ""
    ticket: str = ""
    """One-time, one-minute ticket the browser exchanges for its HttpOnly session cookie."""
    must_change_password: bool = False
    locked: bool = False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _locked_message(until: datetime) -> str:
    return (
        "Trop de tentatives échouées : ce compte est verrouillé pendant 15 minutes "
        f"(jusqu'à {formats.local_time(until).strftime('%H:%M')})."
    )


def _address_locked_message(until: datetime) -> str:
    return (
        "Trop de tentatives échouées depuis votre adresse : réessayez après "
        f"{formats.local_time(until).strftime('%H:%M')}."
    )


def _throttle(session: Session, key: str, now: datetime) -> LoginThrottle:
    statement = select(LoginThrottle).where(LoginThrottle.email == key)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update()
    throttle = session.exec(statement).first()
    if throttle is None:
        throttle = LoginThrottle(email=key, recent_failures=[], last_failure_at=now)
        session.add(throttle)
    return throttle


def _address_key(ip_address: str) -> str:
    return f"{ADDRESS_KEY_PREFIX}{ip_address.strip()[:200]}" if ip_address.strip() else ""


def _is_locked(throttle: LoginThrottle | None, now: datetime) -> bool:
    until = throttle.locked_until if throttle is not None else None
    return until is not None and until > now


def _register_failure(throttle: LoginThrottle, now: datetime, threshold: int) -> bool:
    """Counts a failure; True when it is the `threshold`-th within 15 minutes, which locks."""
    recent = [
        moment
        for moment in (datetime.fromisoformat(text) for text in throttle.recent_failures)
        if now - moment < LOCK_WINDOW
    ]
    recent.append(now)
    throttle.last_failure_at = now
    if len(recent) >= threshold:
        throttle.locked_until = now + LOCK_DURATION
        recent = []
    throttle.recent_failures = [moment.isoformat() for moment in recent]
    return throttle.locked_until == now + LOCK_DURATION


def purge_idle_throttles(session: Session, now: datetime) -> None:
    """Forgets the throttles with no failure within the window and no running lock: the rows
    kept for unknown e-mails stay bounded by the failures of the last 15 minutes."""
    session.exec(
        delete(LoginThrottle).where(
            col(LoginThrottle.last_failure_at) < now - LOCK_WINDOW,
            or_(
                col(LoginThrottle.locked_until).is_(None),
                col(LoginThrottle.locked_until) <= now,
            ),
        )
    )


def sign_in(
    session: Session,
    email: str,
    password: str,
    *,
    ip_address: str = "",
    user_agent: str = "",
    now: datetime | None = None,
) -> SignInResult:
    """Checks the credentials. Unknown e-mails are throttled like known ones (nothing revealed)."""
    now = now or utcnow()
    email = normalize_email(email)
    if not email or not password or len(email) > MAX_EMAIL_LENGTH:
        return SignInResult(ok=False, message=BAD_CREDENTIALS)
    purge_idle_throttles(session, now)
    address_key = _address_key(ip_address)
    address = session.get(LoginThrottle, address_key) if address_key else None
    if _is_locked(address, now):
        assert address is not None and address.locked_until is not None
        _audit_failure(session, email, ip_address, "adresse bloquée")
        return SignInResult(
            ok=False, message=_address_locked_message(address.locked_until), locked=True
        )
    throttle = _throttle(session, email, now)
    if _is_locked(throttle, now):
        assert throttle.locked_until is not None
        _audit_failure(session, email, ip_address, "compte verrouillé")
        return SignInResult(ok=False, message=_locked_message(throttle.locked_until), locked=True)

    user = session.exec(select(User).where(User.email == email)).first()
    if user is None:
        passwords.burn_verification_time(password)
        valid = False
    else:
        valid = passwords.verify_password(user.password_hash, password) and user.active

    if not valid:
        locked = _register_failure(throttle, now, LOCK_THRESHOLD)
        address_locked = False
        if address_key:
            address_locked = _register_failure(
                _throttle(session, address_key, now), now, ADDRESS_LOCK_THRESHOLD
            )
        reason = "compte désactivé" if user is not None and not user.active else "identifiants"
        _audit_failure(session, email, ip_address, reason, user)
        if locked:
            audit.record(
                session,
                None,
                AuditAction.ACCOUNT_LOCKED,
                entity_type="utilisateur",
                entity_id=user.id if user else "",
                entity_label=email,
                ip_address=ip_address,
                user_label=email,
            )
            return SignInResult(
                ok=False, message=_locked_message(throttle.locked_until or now), locked=True
            )
        if address_locked:
            return SignInResult(
                ok=False, message=_address_locked_message(now + LOCK_DURATION), locked=True
            )
        return SignInResult(ok=False, message=BAD_CREDENTIALS)

    assert user is not None and user.id is not None
    session.delete(throttle)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = now
    ticket = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            token_hash=token_digest(ticket),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + HANDOVER_TTL,
            ip_address=ip_address[:45],
            user_agent=user_agent[:255],
        )
    )
    actor = load_actor(session, user.id)
    audit.record(
        session,
        actor,
        AuditAction.LOGIN,
        entity_type="utilisateur",
        entity_id=user.id,
        entity_label=email,
        ip_address=ip_address,
    )
    return SignInResult(ok=True, ticket=ticket, must_change_password=user.must_change_password)


def _audit_failure(
    session: Session, email: str, ip_address: str, reason: str, user: User | None = None
) -> None:
    audit.record(
        session,
        None,
        AuditAction.LOGIN_FAILED,
        entity_type="utilisateur",
        entity_id=user.id if user else "",
        entity_label=email,
        changes={"motif": reason},
        ip_address=ip_address,
        user_label=email,
    )


def hand_over(session: Session, ticket: str, *, now: datetime | None = None) -> str | None:
    """Exchanges a fresh sign-in ticket for the session token, once: the ticket's digest is
    replaced in the same conditional update, so a second use (or a race) finds nothing."""
    now = now or utcnow()
    if not ticket or len(ticket) > 100:
        return None
    token = secrets.token_urlsafe(32)
    settings = get_settings()
    claimed = session.exec(
        update(UserSession)
        .where(
            col(UserSession.token_hash) == token_digest(ticket),
            col(UserSession.handed_over_at).is_(None),
            col(UserSession.revoked_at).is_(None),
            col(UserSession.expires_at) > now,
        )
        .values(
            token_hash=token_digest(token),
            handed_over_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(minutes=settings.session_idle_minutes),
        )
    )
    return token if claimed.rowcount == 1 else None


def _live_session(session: Session, token: str, now: datetime) -> UserSession | None:
    if not token or len(token) > 100:
        return None
    user_session = session.exec(
        select(UserSession).where(UserSession.token_hash == token_digest(token))
    ).first()
    if (
        user_session is None
        or user_session.revoked_at is not None
        or user_session.handed_over_at is None
    ):
        return None
    if user_session.expires_at <= now:
        return None
    return user_session


def sign_out(session: Session, token: str, *, ip_address: str = "") -> None:
    now = utcnow()
    user_session = _live_session(session, token, now)
    if user_session is None:
        return
    user_session.revoked_at = now
    actor = load_actor(session, user_session.user_id)
    audit.record(
        session,
        actor,
        AuditAction.LOGOUT,
        entity_type="utilisateur",
        entity_id=user_session.user_id,
        entity_label=actor.email if actor else "",
        ip_address=ip_address,
    )


def load_actor(session: Session, user_id: int, session_id: int | None = None) -> Actor:
    row = session.exec(
        select(User, Profile, AgencySite)
        .join(Profile, col(Profile.id) == User.profile_id)
        .join(AgencySite, col(AgencySite.id) == User.site_id, isouter=True)
        .where(User.id == user_id)
    ).first()
    if row is None:
        raise NotSignedIn(SESSION_ENDED)
    user, profile, site = row
    granted = session.exec(
        select(ProfileRight.module, ProfileRight.action).where(
            ProfileRight.profile_id == profile.id
        )
    ).all()
    rights = frozenset(
        Right(Module(module), Action(action))
        for module, action in granted
        if module in Module._value2member_map_ and action in Action._value2member_map_
    )
    return Actor(
        user_id=user_id,
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
        profile_id=profile.id or 0,
        profile_name=profile.name,
        site_id=user.site_id,
        site_name=site.name if site else "",
        is_sales_rep=user.is_sales_rep,
        rights=rights,
        session_id=session_id,
        must_change_password=user.must_change_password,
        own_clients_only=profile.own_clients_only,
    )


def session_actor(
    session: Session, token: str, *, now: datetime | None = None
) -> Actor | NotSignedIn:
    """The actor of a browser token, or the reason it is refused (returned, not raised, so that
    closing the session of a deactivated user is kept when the caller's transaction commits)."""
    now = now or utcnow()
    user_session = _live_session(session, token, now)
    if user_session is None:
        return NotSignedIn(SESSION_ENDED if token else "")
    user = session.get(User, user_session.user_id)
    if user is None or not user.active:
        user_session.revoked_at = now
        return NotSignedIn(ACCOUNT_DISABLED)
    if now - user_session.last_seen_at > SEEN_REFRESH:
        settings = get_settings()
        user_session.last_seen_at = now
        user_session.expires_at = min(
            now + timedelta(minutes=settings.session_idle_minutes),
            user_session.created_at + timedelta(hours=settings.session_max_hours),
        )
    return load_actor(session, user_session.user_id, user_session.id)


def resolve_actor(session: Session, token: str, *, now: datetime | None = None) -> Actor:
    """The actor of a browser token; raises NotSignedIn when the session is not valid any more."""
    found = session_actor(session, token, now=now)
    if isinstance(found, NotSignedIn):
        raise found
    return found


def revoke_sessions(session: Session, user_id: int, *, keep_session_id: int | None = None) -> None:
    now = utcnow()
    for user_session in session.exec(
        select(UserSession).where(
            UserSession.user_id == user_id,
            UserSession.revoked_at.is_(None),  # type: ignore[union-attr]
        )
    ):
        if user_session.id != keep_session_id:
            user_session.revoked_at = now


def change_own_password(
    session: Session, actor: Actor, current: str, new: str, confirmation: str
) -> None:
    """The signed-in user changes his password; his other sessions are closed."""
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotSignedIn(SESSION_ENDED)
    errors: dict[str, str] = {}
    if not passwords.verify_password(user.password_hash, current):
        errors["current_password"] = "Mot de passe actuel incorrect."
    problem = passwords.password_problem(new, user.email)
    if problem:
        errors["new_password"] = problem
    elif new != confirmation:
        errors["confirmation"] = "Les deux saisies ne sont pas identiques."
    elif passwords.verify_password(user.password_hash, new):
        errors["new_password"] = "Le nouveau mot de passe doit être différent de l'actuel."
    if errors:
        raise FormErrors(errors)
    user.password_hash = passwords.hash_password(new)
    user.must_change_password = False
    user.updated_at = utcnow()
    revoke_sessions(session, user.id or 0, keep_session_id=actor.session_id)
    audit.record(
        session,
        actor,
        AuditAction.PASSWORD_CHANGED,
        entity_type="utilisateur",
        entity_id=user.id,
        entity_label=user.email,
    )


def token_from_cookie_header(cookie_header: str) -> str:
    """The session token in a raw `Cookie` header (the websocket handshake's), or ""."""
    for part in (cookie_header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == SESSION_COOKIE:
            return value.strip().strip('"')
    return ""
