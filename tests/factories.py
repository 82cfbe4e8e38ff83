"""Building blocks for tests: reference data, users with given rights, signed-in actors."""

from __future__ import annotations

import itertools

from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import AgencySite, Profile, User
from agence.services import auth, passwords
from agence.services.permissions import ALL_RIGHTS, Actor, Right
from agence.services.profiles import set_rights
from agence.services.seed import seed_reference_data

PASSWORD = "Motdepasse123"
_counter = itertools.count(1)
_FAST_HASH = passwords.hash_password(PASSWORD)


def reference_data() -> None:
    with session_scope() as session:
        seed_reference_data(session)


def make_site(session: Session, code: str = "VDL", **values) -> AgencySite:
    site = AgencySite(code=code, name=values.pop("name", f"Site {code}"), **values)
    session.add(site)
    session.commit()
    return site


def make_profile(
    session: Session, rights: set[Right] | frozenset[Right], name: str = ""
) -> Profile:
    profile = Profile(name=name or f"Profil {next(_counter)}")
    session.add(profile)
    session.flush()
    set_rights(session, profile.id or 0, set(rights))
    session.commit()
    return profile


def make_user(
    session: Session,
    rights: set[Right] | frozenset[Right] = frozenset(ALL_RIGHTS),
    *,
    email: str = "",
    active: bool = True,
    must_change_password: bool = False,
    profile: Profile | None = None,
    site_id: int | None = None,
    first_name: str = "Jeanne",
    last_name: str = "",
) -> User:
    number = next(_counter)
    profile = profile or make_profile(session, rights)
    user = User(
        first_name=first_name,
        last_name=last_name or f"Testeur{number}",
        email=email or f"user{number}@example.fr",
        profile_id=profile.id or 0,
        site_id=site_id,
        active=active,
        must_change_password=must_change_password,
        password_hash=_FAST_HASH,
    )
    session.add(user)
    session.commit()
    return user


def actor_for(user: User) -> Actor:
    with session_scope() as session:
        return auth.load_actor(session, user.id or 0)


def sign_in(user: User, password: str = PASSWORD) -> str:
    with session_scope() as session:
        result = auth.sign_in(session, user.email, password)
    assert result.ok, result.message
    return result.token


def profile_named(session: Session, name: str) -> Profile:
    return session.exec(select(Profile).where(Profile.name == name)).one()
