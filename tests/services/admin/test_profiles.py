"""Profiles (roles) and their rights matrix, edited by an administrator."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select

from agence.db import session_scope
from agence.models import AuditEntry, Profile, ProfileRight
from agence.services.admin import users
from agence.services.admin.profiles import PROFILES, right_field, rights_from_form, rights_of
from agence.services.common import records
from agence.services.common.forms import REQUIRED, FormErrors
from agence.services.common.permissions import ALL_RIGHTS, AccessDenied, Action, Module, Right
from tests.factories import actor_for, make_profile, make_user

SEE_CLIENTS = Right(Module.THIRD_PARTIES, Action.SEE)
CREATE_CLIENTS = Right(Module.THIRD_PARTIES, Action.CREATE)
SEE_BOOKINGS = Right(Module.BOOKINGS, Action.SEE)
EDIT_BOOKINGS = Right(Module.BOOKINGS, Action.EDIT)
SEE_INVOICES = Right(Module.INVOICING, Action.SEE)
EXPORT_INVOICES = Right(Module.INVOICING, Action.EXPORT)
ADMIN_SEE = Right(Module.ADMINISTRATION, Action.SEE)
ADMIN_EDIT = Right(Module.ADMINISTRATION, Action.EDIT)


def profile_form(name: str, *rights: Right, description: str = "") -> dict[str, str]:
    """The profile form as the browser submits it: only the ticked boxes arrive, as "on"."""
    return {
        "name": name,
        "description": description,
        **{right_field(right): "on" for right in rights},
    }


def save(actor, record_id: int | None, data: dict[str, Any]) -> Profile:
    with session_scope() as s:
        return records.save(s, actor, PROFILES, record_id, data)


def delete(actor, record_id: int) -> None:
    with session_scope() as s:
        records.delete(s, actor, PROFILES, record_id)


def stored_rights(profile_id: int) -> set[Right]:
    with session_scope() as s:
        return rights_of(s, profile_id)


def fresh(profile_id: int) -> Profile | None:
    with session_scope() as s:
        return s.get(Profile, profile_id)


def count(model) -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def audit_entries(action: str | None = None) -> list[AuditEntry]:
    with session_scope() as s:
        statement = select(AuditEntry).order_by(AuditEntry.id)
        if action is not None:
            statement = statement.where(AuditEntry.action == action)
        return list(s.exec(statement))


@pytest.fixture
def admin(session):
    """The administrator; his own profile is the only one with « Administration — Modifier »."""
    return actor_for(make_user(session))


# --- The rights matrix -----------------------------------------------------------------------


def test_every_right_has_its_checkbox_in_the_profile_form():
    fields = {spec.name for spec in PROFILES.form_fields(None)}

    assert {right_field(right) for right in ALL_RIGHTS} <= fields
    assert right_field(ADMIN_EDIT) == "right:administration:modifier"


def test_ticking_an_action_implies_seeing_the_module():
    ticked = {right_field(CREATE_CLIENTS): True, right_field(EXPORT_INVOICES): True}

    assert rights_from_form(ticked) == {CREATE_CLIENTS, SEE_CLIENTS, EXPORT_INVOICES, SEE_INVOICES}


def test_a_profile_is_created_with_exactly_the_ticked_rights_and_the_implied_see(session, admin):
    profile = save(
        admin,
        None,
        profile_form("Commercial", CREATE_CLIENTS, SEE_BOOKINGS, EXPORT_INVOICES),
    )

    assert fresh(profile.id).name == "Commercial"
    assert stored_rights(profile.id) == {
        CREATE_CLIENTS,
        SEE_CLIENTS,
        SEE_BOOKINGS,
        EXPORT_INVOICES,
        SEE_INVOICES,
    }


def test_a_profile_may_have_no_right_at_all(session, admin):
    profile = save(admin, None, profile_form("Stagiaire"))

    assert stored_rights(profile.id) == set()


def test_the_edit_form_shows_the_granted_rights_ticked(session, admin):
    profile = make_profile(session, {SEE_CLIENTS, CREATE_CLIENTS}, name="Commercial")

    with session_scope() as s:
        form = records.form_for(s, admin, PROFILES, profile.id)

    ticked = {key for key, value in form.items() if key.startswith("right:") and value == "on"}
    assert ticked == {right_field(SEE_CLIENTS), right_field(CREATE_CLIENTS)}
    assert form["name"] == "Commercial"


def test_editing_a_profile_stores_exactly_the_new_ticks(session, admin):
    profile = make_profile(session, {SEE_CLIENTS, CREATE_CLIENTS, SEE_BOOKINGS}, name="Commercial")

    save(admin, profile.id, profile_form("Commercial", EDIT_BOOKINGS, SEE_INVOICES))

    assert stored_rights(profile.id) == {EDIT_BOOKINGS, SEE_BOOKINGS, SEE_INVOICES}


def test_unticking_see_while_an_action_stays_ticked_keeps_see(session, admin):
    profile = make_profile(session, {SEE_BOOKINGS, EDIT_BOOKINGS}, name="Réservation")

    save(admin, profile.id, profile_form("Réservation", EDIT_BOOKINGS))

    assert stored_rights(profile.id) == {SEE_BOOKINGS, EDIT_BOOKINGS}


def test_a_holder_of_the_profile_gets_the_new_rights(session, admin):
    profile = make_profile(session, {SEE_CLIENTS}, name="Commercial")
    user = make_user(session, profile=profile)

    save(admin, profile.id, profile_form("Commercial", EDIT_BOOKINGS))

    assert actor_for(user).rights == frozenset({EDIT_BOOKINGS, SEE_BOOKINGS})


def test_the_name_and_description_are_edited(session, admin):
    profile = make_profile(session, {SEE_CLIENTS}, name="Commercial")

    save(
        admin,
        profile.id,
        profile_form("Commerciaux", SEE_CLIENTS, description="Ventes et suivi clients"),
    )

    edited = fresh(profile.id)
    assert (edited.name, edited.description) == ("Commerciaux", "Ventes et suivi clients")
    assert stored_rights(profile.id) == {SEE_CLIENTS}


def test_a_profile_needs_a_name(session, admin):
    with pytest.raises(FormErrors) as refused:
        save(admin, None, profile_form("  ", SEE_CLIENTS))

    assert refused.value.errors == {"name": REQUIRED}


# --- Audit -----------------------------------------------------------------------------------


def test_a_creation_is_audited_with_the_granted_rights(session, admin):
    profile = save(admin, None, profile_form("Commercial", CREATE_CLIENTS))

    [entry] = audit_entries("creation")
    assert entry.entity_type == "profil"
    assert entry.entity_id == str(profile.id)
    assert entry.entity_label == "Commercial"
    assert entry.changes["droits"] == [[], ["tiers:creer", "tiers:voir"]]


def test_a_change_of_rights_is_audited_with_the_rights_before_and_after(session, admin):
    profile = make_profile(session, {SEE_CLIENTS, CREATE_CLIENTS}, name="Commercial")

    save(admin, profile.id, profile_form("Commercial", SEE_CLIENTS, EDIT_BOOKINGS))

    [entry] = audit_entries("modification")
    assert entry.entity_id == str(profile.id)
    assert entry.changes == {
        "droits": [
            ["tiers:creer", "tiers:voir"],
            ["dossiers:modifier", "dossiers:voir", "tiers:voir"],
        ]
    }


def test_a_renaming_is_audited_without_rights_when_they_did_not_change(session, admin):
    profile = make_profile(session, {SEE_CLIENTS}, name="Commercial")

    save(admin, profile.id, profile_form("Commerciaux", SEE_CLIENTS))

    [entry] = audit_entries("modification")
    assert entry.changes == {"name": ["Commercial", "Commerciaux"]}


def test_saving_an_unchanged_profile_writes_no_audit_entry(session, admin):
    profile = make_profile(session, {SEE_CLIENTS, CREATE_CLIENTS}, name="Commercial")
    with session_scope() as s:
        form = records.form_for(s, admin, PROFILES, profile.id)

    save(admin, profile.id, form)

    assert audit_entries() == []


# --- Unique names ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Commercial", "commercial", "COMMERCIAL"])
def test_a_profile_name_is_unique_whatever_its_case(session, admin, name):
    make_profile(session, {SEE_CLIENTS}, name="Commercial")

    with pytest.raises(FormErrors) as refused:
        save(admin, None, profile_form(name, SEE_CLIENTS))

    assert refused.value.errors == {"name": records.DUPLICATE}
    assert count(Profile) == 2


def test_a_profile_cannot_be_renamed_to_the_name_of_another(session, admin):
    make_profile(session, {SEE_CLIENTS}, name="Commercial")
    profile = make_profile(session, {SEE_BOOKINGS}, name="Réservation")

    with pytest.raises(FormErrors) as refused:
        save(admin, profile.id, profile_form("commercial", SEE_BOOKINGS))

    assert refused.value.errors == {"name": records.DUPLICATE}
    assert fresh(profile.id).name == "Réservation"


def test_a_profile_keeps_its_own_name_in_another_case(session, admin):
    profile = make_profile(session, {SEE_CLIENTS}, name="Commercial")

    save(admin, profile.id, profile_form("COMMERCIAL", SEE_CLIENTS))

    assert fresh(profile.id).name == "COMMERCIAL"


# --- Deletion --------------------------------------------------------------------------------


def test_a_profile_held_by_users_cannot_be_deleted(session, admin):
    profile = make_profile(session, {SEE_CLIENTS}, name="Commercial")
    make_user(session, profile=profile)
    make_user(session, profile=profile, active=False)

    with pytest.raises(FormErrors) as refused:
        delete(admin, profile.id)

    assert refused.value.errors == {
        "": "Ce profil est attribué à 2 utilisateur(s) : attribuez-leur un autre profil avant "
        "de le supprimer."
    }
    assert fresh(profile.id) is not None
    assert stored_rights(profile.id) == {SEE_CLIENTS}


def test_a_profile_held_by_nobody_is_deleted_with_its_rights(session, admin):
    profile = make_profile(session, {SEE_CLIENTS, CREATE_CLIENTS}, name="Commercial")
    rights_before = count(ProfileRight)

    delete(admin, profile.id)

    assert fresh(profile.id) is None
    assert stored_rights(profile.id) == set()
    assert count(ProfileRight) == rights_before - 2
    [entry] = audit_entries("suppression")
    assert entry.entity_label == "Commercial"
    assert entry.changes["name"] == ["Commercial", None]


# --- The last administrator ------------------------------------------------------------------


def test_administration_edit_cannot_be_removed_from_the_only_admin_profile(session, admin):
    rights = set(ALL_RIGHTS) - {ADMIN_EDIT}

    with pytest.raises(FormErrors) as refused:
        save(admin, admin.profile_id, profile_form(admin.profile_name, *rights))

    assert refused.value.errors == {"": users.LAST_ADMIN}
    assert stored_rights(admin.profile_id) == set(ALL_RIGHTS)
    assert audit_entries() == []


def test_administration_edit_can_be_removed_while_another_profile_keeps_an_active_admin(
    session, admin
):
    make_user(session, {ADMIN_SEE, ADMIN_EDIT})
    rights = set(ALL_RIGHTS) - {ADMIN_EDIT}

    save(admin, admin.profile_id, profile_form(admin.profile_name, *rights))

    assert stored_rights(admin.profile_id) == rights


def test_an_inactive_administrator_elsewhere_does_not_count(session, admin):
    make_user(session, {ADMIN_SEE, ADMIN_EDIT}, active=False)

    with pytest.raises(FormErrors) as refused:
        save(admin, admin.profile_id, profile_form(admin.profile_name, ADMIN_SEE))

    assert refused.value.errors == {"": users.LAST_ADMIN}


# --- Rights ----------------------------------------------------------------------------------


def actor_without(session, right: Right):
    return actor_for(make_user(session, set(ALL_RIGHTS) - {right}))


def test_creating_a_profile_requires_administration_create(session):
    actor = actor_without(session, Right(Module.ADMINISTRATION, Action.CREATE))
    profiles_before, rights_before = count(Profile), count(ProfileRight)

    with pytest.raises(AccessDenied):
        save(actor, None, profile_form("Commercial", SEE_CLIENTS))

    assert (count(Profile), count(ProfileRight)) == (profiles_before, rights_before)
    assert audit_entries() == []


def test_editing_a_profile_requires_administration_edit(session):
    actor = actor_without(session, ADMIN_EDIT)
    profile = make_profile(session, {SEE_CLIENTS}, name="Commercial")

    with pytest.raises(AccessDenied):
        save(actor, profile.id, profile_form("Commerciaux", *ALL_RIGHTS))

    assert fresh(profile.id).name == "Commercial"
    assert stored_rights(profile.id) == {SEE_CLIENTS}
    assert audit_entries() == []


def test_deleting_a_profile_requires_administration_delete(session):
    actor = actor_without(session, Right(Module.ADMINISTRATION, Action.DELETE))
    profile = make_profile(session, {SEE_CLIENTS}, name="Commercial")

    with pytest.raises(AccessDenied):
        delete(actor, profile.id)

    assert fresh(profile.id) is not None
    assert stored_rights(profile.id) == {SEE_CLIENTS}
    assert audit_entries() == []
