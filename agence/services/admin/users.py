"""User accounts: creation, edition, deactivation, password reset by an administrator."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from agence.models import AgencySite, LoginThrottle, Profile, ProfileRight, User
from agence.models.base import utcnow
from agence.services.admin import passwords
from agence.services.admin.auth import revoke_sessions
from agence.services.common import formats
from agence.services.common.audit import AuditAction
from agence.services.common.forms import FieldSpec, FormErrors
from agence.services.common.listing import ChoiceFilter, Column, DateFilter, ListSpec, active_filter
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import Resource, get_record, record_change
from agence.services.settings.sites import site_choices

LAST_ADMIN = (
    "Il doit rester au moins un utilisateur actif ayant le droit « Administration — Modifier »."
)


def _profile_options(session) -> list[tuple[str, str]]:
    return [
        (str(pid), name)
        for pid, name in session.exec(select(Profile.id, Profile.name).order_by(Profile.name))
    ]


def _site_options(session) -> list[tuple[str, str]]:
    return list(site_choices(session, include_inactive=True))


def _users_query():
    return (
        sa.select(
            col(User.id).label("id"),
            (col(User.last_name) + " " + col(User.first_name)).label("name"),
            col(User.email).label("email"),
            col(User.phone).label("phone"),
            col(AgencySite.name).label("site"),
            col(Profile.name).label("profile"),
            col(User.is_sales_rep).label("is_sales_rep"),
            col(User.active).label("active"),
            col(User.last_login_at).label("last_login_at"),
        )
        .join(Profile, col(Profile.id) == User.profile_id)
        .join(AgencySite, col(AgencySite.id) == User.site_id, isouter=True)
    )


USERS_LIST = ListSpec(
    name="Utilisateurs",
    query=_users_query,
    columns=(
        Column("name", "Nom", User.last_name, width=28),
        Column("email", "E-mail", User.email, width=32),
        Column("phone", "Téléphone", User.phone, width=16, phone=False),
        Column("site", "Site", AgencySite.name, width=24, phone=False),
        Column("profile", "Profil", Profile.name, width=18),
        Column("is_sales_rep", "Commercial", User.is_sales_rep, kind="bool", width=11, phone=False),
        Column("active", "Actif", User.active, kind="bool", width=8, phone=False),
        Column(
            "last_login_at",
            "Dernière connexion",
            User.last_login_at,
            kind="datetime",
            width=18,
            phone=False,
        ),
    ),
    search=(User.last_name, User.first_name, User.email, User.phone),
    filters=(
        ChoiceFilter("site", "Site", User.site_id, options_query=_site_options, value_type=int),
        ChoiceFilter(
            "profile", "Profil", User.profile_id, options_query=_profile_options, value_type=int
        ),
        ChoiceFilter(
            "sales_rep",
            "Commercial",
            User.is_sales_rep,
            (("1", "Commerciaux"), ("0", "Non commerciaux")),
            value_type=bool,
        ),
        active_filter(User.active),
        DateFilter("login_since", "Connecté depuis le", User.last_login_at),
    ),
    default_sort="name",
    tie_breaker=User.id,
)


def administrators_left(
    session: Session, *, excluding_user: int | None = None, excluding_profile: int | None = None
) -> int:
    """Active users holding « Administration — Modifier », optionally ignoring one user/profile."""
    statement = (
        select(func.count(func.distinct(User.id)))
        .select_from(User)
        .join(ProfileRight, col(ProfileRight.profile_id) == User.profile_id)
        .where(
            User.active,
            ProfileRight.module == Module.ADMINISTRATION.value,
            ProfileRight.action == Action.EDIT.value,
        )
    )
    if excluding_user is not None:
        statement = statement.where(User.id != excluding_user)
    if excluding_profile is not None:
        statement = statement.where(User.profile_id != excluding_profile)
    return session.exec(statement).one()


def profile_is_admin(session: Session, profile_id: int | None) -> bool:
    if profile_id is None:
        return False
    return (
        session.exec(
            select(ProfileRight.profile_id).where(
                ProfileRight.profile_id == profile_id,
                ProfileRight.module == Module.ADMINISTRATION.value,
                ProfileRight.action == Action.EDIT.value,
            )
        ).first()
        is not None
    )


class UserResource(Resource[User]):
    model = User
    module = Module.ADMINISTRATION
    entity = "utilisateur"
    new_title = "Nouvel utilisateur"
    unique = ("email",)
    deletable = False
    fields = (
        FieldSpec("first_name", "Prénom", required=True, max_length=80),
        FieldSpec("last_name", "Nom", required=True, max_length=80),
        FieldSpec(
            "email", "E-mail (identifiant de connexion)", "email", required=True, max_length=254
        ),
        FieldSpec("phone", "Téléphone", "phone", max_length=30),
        FieldSpec("site_id", "Site de rattachement", "ref"),
        FieldSpec("profile_id", "Profil", "ref", required=True),
        FieldSpec("is_sales_rep", "Commercial (peut suivre des clients)", "bool"),
        FieldSpec("active", "Actif", "bool"),
    )
    password_field = FieldSpec(
        "password",
        "Mot de passe provisoire",
        "password",
        required=True,
        max_length=200,
        help="À changer par l'utilisateur à sa première connexion.",
    )

    def list_spec(self) -> ListSpec:
        return USERS_LIST

    def describe(self, record: User) -> str:
        return f"{record.first_name} {record.last_name} <{record.email}>"

    def form_fields(self, record: User | None) -> tuple[FieldSpec, ...]:
        return self.fields if record is not None else (*self.fields, self.password_field)

    def choices(
        self, session: Session, parent_id: int | None = None
    ) -> dict[str, tuple[tuple[str, str], ...]]:
        return {
            "site_id": site_choices(session),
            "profile_id": tuple(_profile_options(session)),
        }

    def defaults(self, session: Session) -> dict[str, str]:
        default_site = session.exec(
            select(AgencySite.id).where(AgencySite.is_default, AgencySite.active)
        ).first()
        return {"active": "on", "site_id": str(default_site or "")}

    def form_values(self, session: Session, record: User) -> dict[str, str]:
        values = super().form_values(session, record)
        site = session.get(AgencySite, record.site_id) if record.site_id else None
        if site is not None and not site.active:
            values["site_id"] = ""
        return values

    def validate(
        self,
        session: Session,
        actor: Actor,
        record: User | None,
        clean: dict[str, Any],
        errors: dict[str, str],
    ) -> None:
        if record is None and "password" in clean and "password" not in errors:
            problem = passwords.password_problem(clean["password"], clean.get("email", ""))
            if problem:
                errors["password"] = problem
        if record is not None and record.id == actor.user_id and not clean.get("active"):
            errors.setdefault("active", "Vous ne pouvez pas désactiver votre propre compte.")
        stays_admin = clean.get("active") and profile_is_admin(session, clean.get("profile_id"))
        if (
            record is not None
            and not stays_admin
            and not errors
            and administrators_left(session, excluding_user=record.id) == 0
        ):
            errors[""] = LAST_ADMIN

    def apply(self, session: Session, record: User, clean: dict[str, Any]) -> None:
        super().apply(session, record, clean)
        if record.id is None:
            record.password_hash = passwords.hash_password(clean["password"])
            record.must_change_password = True

    def after_save(
        self, session: Session, actor: Actor, record: User, clean: dict[str, Any], created: bool
    ) -> dict[str, Any]:
        if not record.active:
            revoke_sessions(session, record.id or 0)
        return {"mot_de_passe": ["", "provisoire"]} if created else {}


USERS = UserResource()


def set_active(session: Session, actor: Actor, user_id: int, active: bool) -> User:
    """Deactivates (and signs out) or reactivates an account."""
    actor.require(Module.ADMINISTRATION, Action.EDIT)
    user = get_record(session, USERS, user_id)
    if user.active == active:
        return user
    if not active:
        if user.id == actor.user_id:
            raise FormErrors({"": "Vous ne pouvez pas désactiver votre propre compte."})
        if (
            profile_is_admin(session, user.profile_id)
            and administrators_left(session, excluding_user=user.id) == 0
        ):
            raise FormErrors({"": LAST_ADMIN})
    user.active = active
    if not active:
        revoke_sessions(session, user_id)
    record_change(session, actor, USERS, user, {"active": [not active, active]})
    return user


def reset_password(session: Session, actor: Actor, user_id: int, temporary: str) -> User:
    """The administrator sets a temporary password; the user must change it at next sign-in."""
    actor.require(Module.ADMINISTRATION, Action.EDIT)
    user = get_record(session, USERS, user_id)
    problem = passwords.password_problem(temporary, user.email)
    if problem:
        raise FormErrors({"password": problem})
    user.password_hash = passwords.hash_password(temporary)
    user.must_change_password = True
    revoke_sessions(session, user_id)
    throttle = session.get(LoginThrottle, user.email)
    if throttle is not None:
        session.delete(throttle)
    record_change(session, actor, USERS, user, {}, AuditAction.PASSWORD_RESET)
    return user


def lock_status(session: Session, email: str) -> str:
    """« Verrouillé jusqu'à HH:MM » when the account is locked now, else ""."""
    throttle = session.get(LoginThrottle, email)
    if throttle and throttle.locked_until and throttle.locked_until > utcnow():
        return f"Verrouillé jusqu'à {formats.local_time(throttle.locked_until).strftime('%H:%M')}"
    return ""
