"""Profiles (roles) and their rights matrix: modules × actions."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, delete, select

from agence.models import Profile, ProfileRight, User
from agence.services.admin.users import LAST_ADMIN, administrators_left
from agence.services.common.forms import FieldSpec
from agence.services.common.listing import Column, ListSpec
from agence.services.common.permissions import ALL_RIGHTS, Action, Actor, Module, Right
from agence.services.common.records import Resource

RIGHT_FIELD_PREFIX = "right:"


def right_field(right: Right) -> str:
    """The name of the matrix checkbox of a right: "right:tiers:voir"."""
    return RIGHT_FIELD_PREFIX + right.key


RIGHT_FIELDS = tuple(
    FieldSpec(right_field(right), right.describe(), "bool") for right in ALL_RIGHTS
)


def rights_from_form(clean: dict[str, Any]) -> set[Right]:
    """The ticked rights; ticking any action of a module grants its « Voir » too."""
    granted = {right for right in ALL_RIGHTS if clean.get(right_field(right))}
    granted |= {Right(right.module, Action.SEE) for right in granted}
    return granted


def rights_of(session: Session, profile_id: int) -> set[Right]:
    rows = session.exec(
        select(ProfileRight.module, ProfileRight.action).where(
            ProfileRight.profile_id == profile_id
        )
    ).all()
    return {
        Right(Module(module), Action(action))
        for module, action in rows
        if module in Module._value2member_map_ and action in Action._value2member_map_
    }


def set_rights(session: Session, profile_id: int, rights: set[Right]) -> None:
    session.exec(delete(ProfileRight).where(col(ProfileRight.profile_id) == profile_id))
    for right in sorted(rights):
        session.add(
            ProfileRight(
                profile_id=profile_id, module=right.module.value, action=right.action.value
            )
        )
    session.flush()


def _profiles_query():
    users = (
        select(func.count())
        .select_from(User)
        .where(User.profile_id == Profile.id)
        .scalar_subquery()
    )
    rights = (
        select(func.count())
        .select_from(ProfileRight)
        .where(ProfileRight.profile_id == Profile.id)
        .scalar_subquery()
    )
    return sa.select(
        col(Profile.id).label("id"),
        col(Profile.name).label("name"),
        col(Profile.description).label("description"),
        users.label("users"),
        rights.label("rights"),
    )


PROFILES_LIST = ListSpec(
    name="Profils",
    query=_profiles_query,
    columns=(
        Column("name", "Profil", Profile.name, width=24),
        Column("description", "Description", Profile.description, width=50, phone=False),
        Column("users", "Utilisateurs", None, kind="int", sortable=False, width=12),
        Column(
            "rights", "Droits accordés", None, kind="int", sortable=False, width=14, phone=False
        ),
    ),
    search=(Profile.name, Profile.description),
    default_sort="name",
    tie_breaker=Profile.id,
)


class ProfileResource(Resource[Profile]):
    model = Profile
    module = Module.ADMINISTRATION
    entity = "profil"
    new_title = "Nouveau profil"
    unique = ("name",)
    fields = (
        FieldSpec("name", "Nom du profil", required=True, max_length=80),
        FieldSpec("description", "Description", max_length=255, wide=True),
        FieldSpec(
            "own_clients_only",
            "Limité à « ses clients » (un commercial ne voit que "
            "les clients dont il est le commercial)",
            "bool",
            wide=True,
        ),
    )

    def list_spec(self) -> ListSpec:
        return PROFILES_LIST

    def describe(self, record: Profile) -> str:
        return record.name

    def form_fields(self, record: Profile | None) -> tuple[FieldSpec, ...]:
        return (*self.fields, *RIGHT_FIELDS)

    def form_values(self, session: Session, record: Profile) -> dict[str, str]:
        values = super().form_values(session, record)
        for right in rights_of(session, record.id or 0):
            values[right_field(right)] = "on"
        return values

    def validate(
        self,
        session: Session,
        actor: Actor,
        record: Profile | None,
        clean: dict[str, Any],
        errors: dict[str, str],
    ) -> None:
        removes_admin = Right(Module.ADMINISTRATION, Action.EDIT) not in rights_from_form(clean)
        if (
            record is not None
            and removes_admin
            and not errors
            and administrators_left(session, excluding_profile=record.id) == 0
        ):
            errors[""] = LAST_ADMIN

    def after_save(
        self,
        session: Session,
        actor: Actor,
        record: Profile,
        clean: dict[str, Any],
        created: bool,
    ) -> dict[str, Any]:
        before = set() if created else rights_of(session, record.id or 0)
        after = rights_from_form(clean)
        if before == after:
            return {}
        set_rights(session, record.id or 0, after)
        return {"droits": [sorted(r.key for r in before), sorted(r.key for r in after)]}

    def delete_problem(self, session: Session, record: Profile) -> str | None:
        holders = session.exec(
            select(func.count()).select_from(User).where(User.profile_id == record.id)
        ).one()
        if holders:
            return (
                f"Ce profil est attribué à {holders} utilisateur(s) : attribuez-leur un autre "
                "profil avant de le supprimer."
            )
        return None


PROFILES = ProfileResource()
