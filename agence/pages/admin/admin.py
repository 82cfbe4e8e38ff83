"""Administration console: users, profiles with the rights matrix, audit log."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.data_table import list_page
from agence.components.forms import confirm_button, field_error, form_field
from agence.components.layout import app_page
from agence.components.resource_pages import ResourcePages, register
from agence.services.admin.audit_log import AUDIT_LIST
from agence.services.admin.profiles import PROFILES, right_field
from agence.services.admin.users import USERS
from agence.services.common.permissions import ACTION_LABELS, MODULE_LABELS, Action, Module, Right
from agence.state.admin.admin import (
    AuditListState,
    ProfileFormState,
    ProfilesListState,
    UserFormState,
    UsersListState,
)


def _account_card() -> rx.Component:
    state = UserFormState
    return rx.cond(
        ~state.is_new & state.can_edit,
        rx.card(
            rx.vstack(
                rx.heading("Compte", size="4"),
                rx.hstack(
                    rx.cond(
                        state.active,
                        rx.badge("Actif", color_scheme="green", size="2"),
                        rx.badge("Désactivé", color_scheme="gray", size="2"),
                    ),
                    rx.cond(
                        state.lock_status != "",
                        rx.badge(state.lock_status, color_scheme="red", size="2"),
                    ),
                    spacing="2",
                    id="account-status",
                ),
                rx.cond(
                    state.active,
                    confirm_button(
                        "Désactiver le compte",
                        "L'utilisateur sera déconnecté et ne pourra plus se connecter.",
                        state.set_active(False),
                        button_id="user-deactivate",
                    ),
                    confirm_button(
                        "Réactiver le compte",
                        "L'utilisateur pourra de nouveau se connecter.",
                        state.set_active(True),
                        color="green",
                        button_id="user-reactivate",
                    ),
                ),
                rx.separator(),
                rx.heading("Réinitialiser le mot de passe", size="3"),
                rx.text(
                    "Le mot de passe provisoire est à communiquer à l'utilisateur, qui devra "
                    "le changer à sa prochaine connexion. Ses sessions ouvertes sont fermées.",
                    size="2",
                    color=rx.color("gray", 11),
                ),
                rx.form(
                    rx.flex(
                        rx.vstack(
                            rx.input(
                                name="password",
                                type="password",
                                id="reset-password",
                                placeholder="Mot de passe provisoire",
                                auto_complete="new-password",
                                width="100%",
                            ),
                            field_error(state, "password", state.password_errors),
                            spacing="1",
                            width="100%",
                        ),
                        rx.button(
                            "Réinitialiser",
                            type="submit",
                            variant="soft",
                            id="reset-password-submit",
                        ),
                        direction=rx.breakpoints(initial="column", xs="row"),
                        spacing="2",
                        width="100%",
                    ),
                    on_submit=state.reset_password,
                    key=state.password_form_key.to_string(),
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )


def _matrix_checkbox(right: Right) -> rx.Component:
    name = right_field(right)
    return rx.table.cell(
        rx.checkbox(
            name=name,
            id=name.replace(":", "-"),
            default_checked=ProfileFormState.values.get(name, "") == "on",
            aria_label=right.describe(),
        ),
        text_align="center",
    )


def rights_matrix() -> rx.Component:
    return rx.vstack(
        rx.heading("Droits", size="4"),
        rx.text(
            "Cocher une action d'un module donne aussi le droit de le voir.",
            size="2",
            color=rx.color("gray", 11),
        ),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Module"),
                        *[
                            rx.table.column_header_cell(ACTION_LABELS[action], text_align="center")
                            for action in Action
                        ],
                    )
                ),
                rx.table.body(
                    *[
                        rx.table.row(
                            rx.table.row_header_cell(MODULE_LABELS[module]),
                            *[_matrix_checkbox(Right(module, action)) for action in Action],
                        )
                        for module in Module
                    ]
                ),
                size="1",
                variant="surface",
            ),
            width="100%",
            overflow_x="auto",
        ),
        spacing="2",
        width="100%",
        id="rights-matrix",
    )


def _temporary_password() -> rx.Component:
    return rx.cond(UserFormState.is_new, form_field(UserFormState, USERS.password_field))


register(
    ResourcePages(
        USERS,
        routes.ADMIN_USERS,
        UsersListState,
        UserFormState,
        title="Utilisateurs",
        subtitle="Les comptes de l'agence et leur profil.",
        record_title="Utilisateur",
        new_label="Nouvel utilisateur",
        entity="utilisateur",
        after_fields=_temporary_password,
        aside=_account_card,
    )
)
register(
    ResourcePages(
        PROFILES,
        routes.ADMIN_PROFILES,
        ProfilesListState,
        ProfileFormState,
        title="Profils et droits",
        subtitle="Chaque utilisateur a un profil ; le profil donne les droits.",
        record_title="Profil",
        new_label="Nouveau profil",
        entity="profil",
        after_fields=rights_matrix,
    )
)


@app_page(routes.ADMIN_AUDIT, "Journal d'audit", AuditListState.load_list)
def audit_log() -> rx.Component:
    return list_page(
        "Journal d'audit",
        "Connexions, créations, modifications et suppressions.",
        AuditListState,
        AUDIT_LIST,
    )
