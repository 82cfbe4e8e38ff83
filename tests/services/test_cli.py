"""The `agence` command line: migrations, seeding, the first administrator."""

from __future__ import annotations

import pytest
from sqlalchemy import func, inspect
from sqlmodel import select

from agence.cli import main
from agence.db import get_engine, session_scope
from agence.models import AgencySite, Profile, User
from agence.services.admin import auth
from agence.services.demo import seed

ADMIN_PASSWORD = "Premier2026admin"


def count(model) -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_db_upgrade_brings_the_database_to_the_latest_revision(db, capsys):
    assert main(["db", "upgrade"]) == 0

    assert "Base de données à jour." in capsys.readouterr().out
    tables = set(inspect(get_engine()).get_table_names())
    assert {"users", "profiles", "profile_rights", "user_sessions", "alembic_version"} <= tables


def test_db_upgrade_run_twice_changes_nothing(db, capsys):
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "upgrade"]) == 0


def test_seed_adds_the_reference_data(db, capsys):
    assert main(["seed"]) == 0

    assert "Données de référence à jour." in capsys.readouterr().out
    assert count(Profile) == 5
    assert count(User) == 0


def test_seed_demo_adds_the_demo_agency_and_prints_the_logins(db, capsys):
    assert main(["seed", "--demo"]) == 0

    out = capsys.readouterr().out
    assert "Données de démonstration créées." in out
    assert seed.DEMO_PASSWORD in out
    for demo in seed.DEMO_USERS:
        assert (demo.email in out) == demo.active
    assert count(User) == 8
    assert count(AgencySite) == 2


def test_seed_demo_on_a_used_database_adds_nothing_and_says_so(db, capsys):
    main(["seed", "--demo"])
    capsys.readouterr()

    assert main(["seed", "--demo"]) == 0

    assert "Base déjà utilisée" in capsys.readouterr().out
    assert count(User) == 8


def test_user_create_admin_creates_an_administrator_who_can_sign_in(db, capsys):
    code = main(
        ["user", "create", "--admin", "--email", "Claire@Example.fr", "--password", ADMIN_PASSWORD]
    )

    assert code == 0
    assert "Administrateur créé : claire@example.fr" in capsys.readouterr().out
    with session_scope() as s:
        user = s.exec(select(User).where(User.email == "claire@example.fr")).one()
        result = auth.sign_in(s, "claire@example.fr", ADMIN_PASSWORD)
    assert (user.first_name, user.last_name) == ("Admin", "Agence")
    assert result.ok


def test_user_create_takes_the_names_given(db):
    main(
        [
            "user",
            "create",
            "--admin",
            "--email",
            "claire@example.fr",
            "--password",
            ADMIN_PASSWORD,
            "--first-name",
            "Claire",
            "--last-name",
            "Martin",
        ]
    )

    with session_scope() as s:
        user = s.exec(select(User)).one()
    assert (user.first_name, user.last_name) == ("Claire", "Martin")


def test_user_create_with_a_weak_password_fails_with_code_1(db, capsys):
    code = main(
        ["user", "create", "--admin", "--email", "claire@example.fr", "--password", "court"]
    )

    assert code == 1
    assert "Erreur" in capsys.readouterr().err
    assert count(User) == 0


def test_user_create_with_an_email_already_used_fails_with_code_1(db, capsys):
    args = ["user", "create", "--admin", "--email", "claire@example.fr"]
    main([*args, "--password", ADMIN_PASSWORD])

    assert main([*args, "--password", "Autre2026admin"]) == 1

    assert "existe déjà" in capsys.readouterr().err
    assert count(User) == 1


def test_user_create_without_admin_fails_with_code_2(db, capsys):
    code = main(["user", "create", "--email", "claire@example.fr", "--password", ADMIN_PASSWORD])

    assert code == 2
    assert "--admin" in capsys.readouterr().err
    assert count(User) == 0


def test_an_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["inconnue"])

    assert exited.value.code == 2
