"""User accounts managed by an administrator: creation, edition, deactivation, password reset."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select

from agence.db import session_scope
from agence.models import AuditEntry, LoginThrottle, User
from agence.services.admin import auth, passwords, users
from agence.services.admin.users import USERS
from agence.services.common import records
from agence.services.common.forms import REQUIRED, FormErrors
from agence.services.common.listing import ListQuery, fetch_page
from agence.services.common.permissions import (
    ALL_RIGHTS,
    AccessDenied,
    Action,
    Module,
    NotSignedIn,
    Right,
)
from tests.factories import PASSWORD, actor_for, make_profile, make_site, make_user, sign_in

TEMPORARY = "Provisoire2026"
ADMIN_EDIT = Right(Module.ADMINISTRATION, Action.EDIT)
NON_ADMIN_RIGHTS = {Right(Module.THIRD_PARTIES, Action.SEE), Right(Module.AGENDA, Action.SEE)}


def all_rights_but(*missing: Right) -> set[Right]:
    return set(ALL_RIGHTS) - set(missing)


def user_form(profile_id: int, **values: str) -> dict[str, str]:
    """The fields of the user form as the browser submits them (a checkbox only when ticked)."""
    form = {
        "first_name": "Paul",
        "last_name": "Durand",
        "email": "paul.durand@example.fr",
        "phone": "",
        "site_id": "",
        "profile_id": str(profile_id),
        "active": "on",
        "password": TEMPORARY,
    }
    form.update(values)
    return {key: value for key, value in form.items() if value is not None}


def save(actor, record_id: int | None, data: dict[str, Any]) -> User:
    with session_scope() as s:
        return records.save(s, actor, USERS, record_id, data)


def edit_form(actor, user_id: int, **changes: str) -> dict[str, str]:
    """The edit form as loaded for a user, with some values changed."""
    with session_scope() as s:
        form = records.form_for(s, actor, USERS, user_id)
    form.update(changes)
    return form


def set_active(actor, user_id: int, active: bool) -> User:
    with session_scope() as s:
        return users.set_active(s, actor, user_id, active)


def reset_password(actor, user_id: int, temporary: str = TEMPORARY) -> User:
    with session_scope() as s:
        return users.reset_password(s, actor, user_id, temporary)


def fresh(user_id: int) -> User:
    with session_scope() as s:
        user = s.get(User, user_id)
        assert user is not None
        return user


def user_count() -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(User)).one()


def audit_entries(action: str | None = None) -> list[AuditEntry]:
    with session_scope() as s:
        statement = select(AuditEntry).order_by(AuditEntry.id)
        if action is not None:
            statement = statement.where(AuditEntry.action == action)
        return list(s.exec(statement))


def still_signed_in(token: str) -> bool:
    try:
        with session_scope() as s:
            auth.resolve_actor(s, token)
    except NotSignedIn:
        return False
    return True


@pytest.fixture
def admin(session):
    """The signed-in administrator (the only holder of « Administration — Modifier »)."""
    return make_user(session, first_name="Claire", last_name="Martin", email="admin@example.fr")


@pytest.fixture
def profile(session):
    return make_profile(session, NON_ADMIN_RIGHTS, name="Commercial")


# --- Creation --------------------------------------------------------------------------------


def test_an_administrator_creates_a_user_with_a_temporary_password(session, admin, profile):
    site = make_site(session)

    user = save(
        actor_for(admin),
        None,
        user_form(profile.id, phone="06 12 34 56 78", site_id=str(site.id), is_sales_rep="on"),
    )

    created = fresh(user.id)
    assert (created.first_name, created.last_name) == ("Paul", "Durand")
    assert created.email == "paul.durand@example.fr"
    assert created.phone == "06 12 34 56 78"
    assert created.site_id == site.id
    assert created.profile_id == profile.id
    assert created.is_sales_rep
    assert created.active
    assert passwords.verify_password(created.password_hash, TEMPORARY)


def test_a_new_user_must_change_his_temporary_password(session, admin, profile):
    user = save(actor_for(admin), None, user_form(profile.id))

    assert fresh(user.id).must_change_password
    with session_scope() as s:
        result = auth.sign_in(s, "paul.durand@example.fr", TEMPORARY)
    assert result.ok
    assert result.must_change_password


def test_the_email_of_a_new_user_is_stored_in_lower_case(session, admin, profile):
    user = save(actor_for(admin), None, user_form(profile.id, email=" Paul.DURAND@Example.fr "))

    assert fresh(user.id).email == "paul.durand@example.fr"


@pytest.mark.parametrize(
    "temporary",
    ["", "Court1", "sanschiffreaucun", "1234567890", "paul2026@example.fr"],
    ids=["missing", "too-short", "no-digit", "no-letter", "same-as-email"],
)
def test_creating_a_user_requires_a_valid_temporary_password(session, admin, profile, temporary):
    data = user_form(profile.id, email="paul2026@example.fr", password=temporary)

    with pytest.raises(FormErrors) as refused:
        save(actor_for(admin), None, data)

    expected = REQUIRED if temporary == "" else passwords.password_problem(temporary, data["email"])
    assert refused.value.errors == {"password": expected}
    assert user_count() == 1


def test_first_name_last_name_email_profile_and_password_are_required(session, admin):
    with pytest.raises(FormErrors) as refused:
        save(actor_for(admin), None, {})

    assert refused.value.errors == {
        "first_name": REQUIRED,
        "last_name": REQUIRED,
        "email": REQUIRED,
        "profile_id": REQUIRED,
        "password": REQUIRED,
    }


@pytest.mark.parametrize("email", ["paul", "paul@example", "paul durand@example.fr", "@x.fr"])
def test_an_invalid_email_is_refused(session, admin, profile, email):
    with pytest.raises(FormErrors) as refused:
        save(actor_for(admin), None, user_form(profile.id, email=email))

    assert refused.value.errors == {"email": "Adresse e-mail invalide."}


@pytest.mark.parametrize("phone", ["abc", "12", "06 12 34 56 78 ext"])
def test_an_invalid_phone_number_is_refused(session, admin, profile, phone):
    with pytest.raises(FormErrors) as refused:
        save(actor_for(admin), None, user_form(profile.id, phone=phone))

    assert refused.value.errors == {"phone": "Numéro de téléphone invalide."}


def test_an_unknown_profile_is_refused(session, admin, profile):
    with pytest.raises(FormErrors) as refused:
        save(actor_for(admin), None, user_form(profile.id + 1000))

    assert refused.value.errors == {"profile_id": "Choix invalide."}


@pytest.mark.parametrize("spelling", ["paul.durand@example.fr", "PAUL.Durand@Example.FR"])
def test_an_email_already_used_is_refused_whatever_its_case(session, admin, profile, spelling):
    make_user(session, email="paul.durand@example.fr")

    with pytest.raises(FormErrors) as refused:
        save(actor_for(admin), None, user_form(profile.id, email=spelling))

    assert refused.value.errors == {"email": records.DUPLICATE}
    assert user_count() == 2


def test_the_new_user_form_proposes_an_active_user_on_the_default_site(session, admin):
    make_site(session, "PAR")
    default = make_site(session, "VDL", is_default=True)

    with session_scope() as s:
        form = records.form_for(s, actor_for(admin), USERS, None)

    assert form == {"active": "on", "site_id": str(default.id)}


# --- Edition ---------------------------------------------------------------------------------


def test_an_administrator_edits_a_user(session, admin, profile):
    user = make_user(session, profile=profile)
    site = make_site(session)
    other_profile = make_profile(session, NON_ADMIN_RIGHTS)

    save(
        actor_for(admin),
        user.id,
        edit_form(
            actor_for(admin),
            user.id,
            last_name="Dupont",
            phone="02 47 00 10 01",
            site_id=str(site.id),
            profile_id=str(other_profile.id),
        ),
    )

    edited = fresh(user.id)
    assert edited.last_name == "Dupont"
    assert edited.phone == "02 47 00 10 01"
    assert edited.site_id == site.id
    assert edited.profile_id == other_profile.id
    assert edited.password_hash == user.password_hash
    assert not edited.must_change_password


def test_the_edit_form_shows_the_user_without_any_password(session, admin, profile):
    user = make_user(session, profile=profile, first_name="Lucie", last_name="Bernard")

    with session_scope() as s:
        form = records.form_for(s, actor_for(admin), USERS, user.id)

    assert form["first_name"] == "Lucie"
    assert form["last_name"] == "Bernard"
    assert form["email"] == user.email
    assert form["profile_id"] == str(profile.id)
    assert form["active"] == "on"
    assert "password" not in form
    assert "password_hash" not in form


def test_editing_a_user_asks_for_no_password(session, admin, profile):
    user = make_user(session, profile=profile)
    form = edit_form(actor_for(admin), user.id, first_name="Louise")
    assert "password" not in form

    save(actor_for(admin), user.id, form)

    assert fresh(user.id).first_name == "Louise"


def test_a_user_cannot_take_the_email_of_another_whatever_its_case(session, admin, profile):
    make_user(session, email="paul.durand@example.fr")
    user = make_user(session, profile=profile)

    with pytest.raises(FormErrors) as refused:
        save(
            actor_for(admin),
            user.id,
            edit_form(actor_for(admin), user.id, email="Paul.Durand@example.fr"),
        )

    assert refused.value.errors == {"email": records.DUPLICATE}
    assert fresh(user.id).email == user.email


def test_a_user_keeps_his_own_email_when_edited(session, admin, profile):
    user = make_user(session, profile=profile)

    save(actor_for(admin), user.id, edit_form(actor_for(admin), user.id, first_name="Louise"))

    assert fresh(user.id).email == user.email


def test_a_user_cannot_deactivate_himself(session, admin):
    with pytest.raises(FormErrors) as refused:
        save(actor_for(admin), admin.id, edit_form(actor_for(admin), admin.id, active=""))

    assert set(refused.value.errors) == {"active"}
    assert fresh(admin.id).active


def test_a_user_cannot_deactivate_himself_with_the_deactivate_action(session, admin):
    make_user(session)  # another administrator: the refusal is not about the last one

    with pytest.raises(FormErrors) as refused:
        set_active(actor_for(admin), admin.id, False)

    assert refused.value.errors == {"": "Vous ne pouvez pas désactiver votre propre compte."}
    assert fresh(admin.id).active


# --- The last administrator ------------------------------------------------------------------


@pytest.fixture
def former_admin(session):
    """An administrator whose account has since been deactivated: his actor still holds every
    right, but he no longer counts as an active administrator."""
    return actor_for(make_user(session, active=False, email="ancien@example.fr"))


def test_the_last_administrator_cannot_be_deactivated(session, admin, former_admin):
    with pytest.raises(FormErrors) as refused:
        set_active(former_admin, admin.id, False)

    assert refused.value.errors == {"": users.LAST_ADMIN}
    assert fresh(admin.id).active


def test_the_last_administrator_cannot_be_unticked_active(session, admin, former_admin):
    with pytest.raises(FormErrors) as refused:
        save(former_admin, admin.id, edit_form(former_admin, admin.id, active=""))

    assert refused.value.errors == {"": users.LAST_ADMIN}
    assert fresh(admin.id).active


def test_the_last_administrator_cannot_give_himself_a_profile_without_administration(
    session, admin, profile
):
    with pytest.raises(FormErrors) as refused:
        save(
            actor_for(admin),
            admin.id,
            edit_form(actor_for(admin), admin.id, profile_id=str(profile.id)),
        )

    assert refused.value.errors == {"": users.LAST_ADMIN}
    assert fresh(admin.id).profile_id == admin.profile_id


def test_an_administrator_can_be_deactivated_while_another_remains(session, admin):
    other = make_user(session)

    set_active(actor_for(admin), other.id, False)

    assert not fresh(other.id).active


def test_the_last_administrator_can_move_to_another_administrator_profile(session, admin):
    admin_profile = make_profile(session, {ADMIN_EDIT, Right(Module.ADMINISTRATION, Action.SEE)})

    save(
        actor_for(admin),
        admin.id,
        edit_form(actor_for(admin), admin.id, profile_id=str(admin_profile.id)),
    )

    assert fresh(admin.id).profile_id == admin_profile.id


def test_a_user_without_administration_can_be_deactivated(session, admin, profile):
    user = make_user(session, profile=profile)

    set_active(actor_for(admin), user.id, False)

    assert not fresh(user.id).active


# --- Deactivation and reactivation -----------------------------------------------------------


def test_deactivating_a_user_closes_his_sessions(session, admin, profile):
    user = make_user(session, profile=profile)
    token = sign_in(user)

    set_active(actor_for(admin), user.id, False)

    assert not still_signed_in(token)


def test_unticking_active_in_the_form_closes_the_users_sessions(session, admin, profile):
    user = make_user(session, profile=profile)
    token = sign_in(user)

    save(actor_for(admin), user.id, edit_form(actor_for(admin), user.id, active=""))

    assert not fresh(user.id).active
    assert not still_signed_in(token)


def test_deactivating_a_user_leaves_other_users_signed_in(session, admin, profile):
    user = make_user(session, profile=profile)
    admin_token = sign_in(admin)

    set_active(actor_for(admin), user.id, False)

    assert still_signed_in(admin_token)


def test_deactivation_is_audited(session, admin, profile):
    user = make_user(session, profile=profile)

    set_active(actor_for(admin), user.id, False)

    [entry] = audit_entries("modification")
    assert entry.user_id == admin.id
    assert entry.entity_type == "utilisateur"
    assert entry.entity_id == str(user.id)
    assert entry.changes == {"active": [True, False]}


def test_a_deactivated_user_can_be_reactivated(session, admin, profile):
    user = make_user(session, profile=profile, active=False)

    set_active(actor_for(admin), user.id, True)

    assert fresh(user.id).active
    with session_scope() as s:
        assert auth.sign_in(s, user.email, PASSWORD).ok


def test_setting_the_state_a_user_already_has_changes_nothing(session, admin, profile):
    user = make_user(session, profile=profile)

    set_active(actor_for(admin), user.id, True)

    assert audit_entries() == []


# --- Password reset --------------------------------------------------------------------------


def test_a_password_reset_sets_a_temporary_password_to_change_at_next_sign_in(
    session, admin, profile
):
    user = make_user(session, profile=profile)

    reset_password(actor_for(admin), user.id)

    after = fresh(user.id)
    assert after.must_change_password
    assert passwords.verify_password(after.password_hash, TEMPORARY)


def test_a_password_reset_closes_the_users_sessions(session, admin, profile):
    user = make_user(session, profile=profile)
    token = sign_in(user)

    reset_password(actor_for(admin), user.id)

    assert not still_signed_in(token)


def test_a_password_reset_unlocks_a_locked_account(session, admin, profile):
    user = make_user(session, profile=profile)
    with session_scope() as s:
        s.add(
            LoginThrottle(
                email=user.email, failures=0, locked_until=auth.utcnow() + auth.LOCK_DURATION
            )
        )
    assert users.lock_status(session, user.email).startswith("Verrouillé jusqu'à")

    reset_password(actor_for(admin), user.id)

    with session_scope() as s:
        assert s.get(LoginThrottle, user.email) is None
        result = auth.sign_in(s, user.email, TEMPORARY)
    assert result.ok
    assert result.must_change_password


@pytest.mark.parametrize("temporary", ["Court1", "sanschiffreaucun", ""])
def test_a_password_reset_refuses_a_weak_password_on_the_password_field(
    session, admin, profile, temporary
):
    user = make_user(session, profile=profile)
    token = sign_in(user)

    with pytest.raises(FormErrors) as refused:
        reset_password(actor_for(admin), user.id, temporary)

    assert refused.value.errors == {"password": passwords.password_problem(temporary, user.email)}
    after = fresh(user.id)
    assert after.password_hash == user.password_hash
    assert not after.must_change_password
    assert still_signed_in(token)
    assert audit_entries("reinit_mot_de_passe") == []


def test_a_password_reset_is_audited_without_the_password(session, admin, profile):
    user = make_user(session, profile=profile)

    reset_password(actor_for(admin), user.id)

    [entry] = audit_entries("reinit_mot_de_passe")
    assert entry.user_id == admin.id
    assert entry.entity_id == str(user.id)
    assert TEMPORARY not in json.dumps(entry.changes)
    assert "password_hash" not in entry.changes


# --- Rights ----------------------------------------------------------------------------------


def assert_nothing_written(before_users: int, before_audit: int) -> None:
    assert user_count() == before_users
    assert len(audit_entries()) == before_audit


def test_creating_a_user_requires_administration_create(session, profile):
    actor = actor_for(
        make_user(session, all_rights_but(Right(Module.ADMINISTRATION, Action.CREATE)))
    )

    with pytest.raises(AccessDenied) as refused:
        save(actor, None, user_form(profile.id))

    assert refused.value.right == Right(Module.ADMINISTRATION, Action.CREATE)
    assert_nothing_written(1, 0)


def test_editing_a_user_requires_administration_edit(session, profile):
    actor = actor_for(make_user(session, all_rights_but(ADMIN_EDIT)))
    user = make_user(session, profile=profile)
    form = edit_form(actor, user.id, first_name="Louise")

    with pytest.raises(AccessDenied) as refused:
        save(actor, user.id, form)

    assert refused.value.right == ADMIN_EDIT
    assert fresh(user.id).first_name == user.first_name
    assert_nothing_written(2, 0)


def test_deactivating_a_user_requires_administration_edit(session, profile):
    actor = actor_for(make_user(session, all_rights_but(ADMIN_EDIT)))
    user = make_user(session, profile=profile)
    token = sign_in(user)

    with pytest.raises(AccessDenied):
        set_active(actor, user.id, False)

    assert fresh(user.id).active
    assert still_signed_in(token)
    assert len(audit_entries("modification")) == 0


def test_resetting_a_password_requires_administration_edit(session, profile):
    actor = actor_for(make_user(session, all_rights_but(ADMIN_EDIT)))
    user = make_user(session, profile=profile)

    with pytest.raises(AccessDenied):
        reset_password(actor, user.id)

    after = fresh(user.id)
    assert after.password_hash == user.password_hash
    assert not after.must_change_password
    assert_nothing_written(2, 0)


def test_loading_a_user_form_requires_administration_see(session, profile):
    actor = actor_for(make_user(session, NON_ADMIN_RIGHTS))
    user = make_user(session, profile=profile)

    with pytest.raises(AccessDenied):
        edit_form(actor, user.id)


# --- Audit -----------------------------------------------------------------------------------


def test_a_creation_is_audited_with_the_fields_but_never_the_password(session, admin, profile):
    user = save(actor_for(admin), None, user_form(profile.id, phone="06 12 34 56 78"))

    [entry] = audit_entries("creation")
    assert entry.user_id == admin.id
    assert entry.entity_type == "utilisateur"
    assert entry.entity_id == str(user.id)
    assert entry.entity_label == "Paul Durand <paul.durand@example.fr>"
    assert entry.changes["email"] == [None, "paul.durand@example.fr"]
    assert entry.changes["phone"] == [None, "06 12 34 56 78"]
    assert entry.changes["profile_id"] == [None, profile.id]
    assert entry.changes["mot_de_passe"] == ["", "provisoire"]
    assert "password_hash" not in entry.changes
    text = json.dumps(entry.changes)
    assert TEMPORARY not in text
    assert fresh(user.id).password_hash not in text


def test_an_edit_is_audited_with_exactly_the_changed_fields(session, admin, profile):
    user = make_user(session, profile=profile)

    save(
        actor_for(admin),
        user.id,
        edit_form(actor_for(admin), user.id, first_name="Louise", phone="02 47 00 10 01"),
    )

    [entry] = audit_entries("modification")
    assert entry.entity_id == str(user.id)
    assert entry.changes == {"first_name": ["Jeanne", "Louise"], "phone": ["", "02 47 00 10 01"]}


def test_saving_an_unchanged_user_writes_no_audit_entry(session, admin, profile):
    user = make_user(session, profile=profile)

    save(actor_for(admin), user.id, edit_form(actor_for(admin), user.id))

    assert audit_entries() == []


def test_no_audit_entry_of_users_ever_contains_the_password_hash(session, admin, profile):
    actor = actor_for(admin)
    user = save(actor, None, user_form(profile.id))
    save(actor, user.id, edit_form(actor, user.id, last_name="Dupont"))
    set_active(actor, user.id, False)
    set_active(actor, user.id, True)
    reset_password(actor, user.id, "Autre2026abc")
    password_hash = fresh(user.id).password_hash

    entries = audit_entries()
    assert len(entries) == 5
    for entry in entries:
        assert "password_hash" not in entry.changes
        assert password_hash not in json.dumps(entry.changes)


# --- Listing ---------------------------------------------------------------------------------


@pytest.fixture
def staff(session):
    """Four users on two sites, two profiles; two sales reps; one inactive."""
    tours = make_site(session, "VDL", name="Tours")
    paris = make_site(session, "PAR", name="Paris")
    sales = make_profile(session, NON_ADMIN_RIGHTS, name="Commercial")
    booking = make_profile(session, NON_ADMIN_RIGHTS, name="Réservation")
    people = {
        "martin": make_user(
            session,
            profile=sales,
            site_id=tours.id,
            first_name="Claire",
            last_name="Martin",
            email="c.martin@escapades.fr",
        ),
        "bernard": make_user(
            session,
            profile=sales,
            site_id=paris.id,
            first_name="Lucie",
            last_name="Bernard",
            email="lucie@voyages.fr",
        ),
        "petit": make_user(
            session,
            profile=booking,
            site_id=tours.id,
            first_name="Sophie",
            last_name="Petit",
            email="s.petit@escapades.fr",
        ),
        "roux": make_user(
            session,
            profile=booking,
            site_id=paris.id,
            first_name="Julien",
            last_name="Roux",
            email="j.roux@escapades.fr",
            active=False,
        ),
    }
    for key in ("martin", "bernard"):
        people[key].is_sales_rep = True
        session.add(people[key])
    session.commit()
    return {"tours": tours, "paris": paris, "sales": sales, "booking": booking, **people}


def names(session, **query: Any) -> list[str]:
    page = fetch_page(session, USERS.list_spec(), ListQuery(**query))
    assert page.total == len(page.rows)
    return [row["name"] for row in page.rows]


def test_users_are_listed_by_last_name(session, staff):
    assert names(session) == ["Bernard Lucie", "Martin Claire", "Petit Sophie", "Roux Julien"]


def test_users_can_be_sorted_by_name_descending(session, staff):
    assert names(session, sort="name", desc=True) == [
        "Roux Julien",
        "Petit Sophie",
        "Martin Claire",
        "Bernard Lucie",
    ]


def test_a_listed_user_shows_site_profile_and_flags(session, staff):
    page = fetch_page(session, USERS.list_spec(), ListQuery(search="Bernard"))

    [row] = page.rows
    assert row["id"] == staff["bernard"].id
    assert row["email"] == "lucie@voyages.fr"
    assert row["site"] == "Paris"
    assert row["profile"] == "Commercial"
    assert row["is_sales_rep"]
    assert row["active"]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("martin", ["Martin Claire"]),
        ("LUCIE", ["Bernard Lucie"]),
        ("claire martin", ["Martin Claire"]),
        ("escapades.fr", ["Martin Claire", "Petit Sophie", "Roux Julien"]),
        ("voyages", ["Bernard Lucie"]),
        ("nobody", []),
    ],
)
def test_users_are_searched_by_name_and_email(session, staff, search, expected):
    assert names(session, search=search) == expected


def test_users_are_filtered_by_site(session, staff):
    assert names(session, filters={"site": str(staff["paris"].id)}) == [
        "Bernard Lucie",
        "Roux Julien",
    ]


def test_users_are_filtered_by_profile(session, staff):
    assert names(session, filters={"profile": str(staff["booking"].id)}) == [
        "Petit Sophie",
        "Roux Julien",
    ]


def test_users_are_filtered_by_sales_rep(session, staff):
    assert names(session, filters={"sales_rep": "1"}) == ["Bernard Lucie", "Martin Claire"]
    assert names(session, filters={"sales_rep": "0"}) == ["Petit Sophie", "Roux Julien"]


def test_users_are_filtered_by_active_state(session, staff):
    assert names(session, filters={"active": "0"}) == ["Roux Julien"]
    assert names(session, filters={"active": "1"}) == [
        "Bernard Lucie",
        "Martin Claire",
        "Petit Sophie",
    ]


def test_filters_and_search_combine(session, staff):
    assert names(
        session,
        search="escapades",
        filters={"site": str(staff["tours"].id), "sales_rep": "0"},
    ) == ["Petit Sophie"]


def test_the_profile_filter_offers_every_profile_by_name(session, staff):
    [profile_filter] = [f for f in USERS.list_spec().filters if f.key == "profile"]

    assert profile_filter.choices(session) == [
        (str(staff["sales"].id), "Commercial"),
        (str(staff["booking"].id), "Réservation"),
    ]
