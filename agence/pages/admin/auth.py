"""Sign-in page and the user's own password page (outside the shell)."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.forms import field_error
from agence.components.layout import APP_NAME, public_page
from agence.state.admin.auth import LoginState, PasswordState
from agence.state.common.base import AppState


def _centered_card(*children: rx.Component) -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(*children, spacing="4", width="100%"),
            width="100%",
            max_width="26rem",
            size="3",
        ),
        min_height="100vh",
        padding="1rem",
        background=rx.color("accent", 2),
    )


def _labelled(label: str, control: rx.Component, field_id: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text(label, size="2", weight="medium"), html_for=field_id),
        control,
        spacing="1",
        width="100%",
    )


@public_page(routes.LOGIN, "Connexion", LoginState.open_login)
def login() -> rx.Component:
    return _centered_card(
        rx.hstack(
            rx.icon("map", size=28, color=rx.color("accent", 10)),
            rx.heading(APP_NAME, size="7"),
            align="center",
            spacing="2",
        ),
        rx.text("Connectez-vous pour accéder à votre agence.", color=rx.color("gray", 11)),
        rx.cond(
            LoginState.notice != "",
            rx.callout(LoginState.notice, icon="info", color_scheme="blue", id="login-notice"),
        ),
        rx.form(
            rx.vstack(
                _labelled(
                    "Adresse e-mail",
                    rx.input(
                        name="email",
                        id="email",
                        type="email",
                        auto_complete="username",
                        required=True,
                        width="100%",
                        auto_focus=True,
                    ),
                    "email",
                ),
                _labelled(
                    "Mot de passe",
                    rx.input(
                        name="password",
                        id="password",
                        type="password",
                        auto_complete="current-password",
                        required=True,
                        width="100%",
                    ),
                    "password",
                ),
                rx.cond(
                    LoginState.error != "",
                    rx.callout(
                        LoginState.error,
                        icon="triangle-alert",
                        color_scheme="red",
                        id="login-error",
                        role="alert",
                    ),
                ),
                rx.button("Se connecter", type="submit", width="100%", size="3", id="login-submit"),
                spacing="4",
                width="100%",
            ),
            on_submit=LoginState.sign_in,
            reset_on_submit=False,
            width="100%",
        ),
    )


@public_page(routes.CHANGE_PASSWORD, "Mot de passe", PasswordState.open_password)
def change_password() -> rx.Component:
    def password_input(name: str, label: str, autocomplete: str) -> rx.Component:
        return rx.vstack(
            _labelled(
                label,
                rx.input(
                    name=name, id=name, type="password", auto_complete=autocomplete, width="100%"
                ),
                name,
            ),
            field_error(PasswordState, name),
            spacing="1",
            width="100%",
        )

    return _centered_card(
        rx.heading("Changer mon mot de passe", size="5"),
        rx.cond(
            PasswordState.forced,
            rx.callout(
                "Votre mot de passe est provisoire : choisissez-en un nouveau pour continuer.",
                icon="key-round",
                color_scheme="orange",
                id="password-forced",
            ),
        ),
        rx.text(
            "Au moins 10 caractères, dont une lettre et un chiffre.",
            size="2",
            color=rx.color("gray", 11),
        ),
        rx.form(
            rx.vstack(
                password_input("current_password", "Mot de passe actuel", "current-password"),
                password_input("new_password", "Nouveau mot de passe", "new-password"),
                password_input("confirmation", "Confirmation", "new-password"),
                rx.hstack(
                    rx.button("Enregistrer", type="submit", id="password-submit"),
                    rx.cond(
                        ~PasswordState.forced,
                        rx.link(
                            rx.button(
                                "Annuler", variant="soft", color_scheme="gray", type="button"
                            ),
                            href=routes.HOME,
                        ),
                    ),
                    rx.spacer(),
                    rx.button(
                        "Se déconnecter", variant="ghost", type="button", on_click=AppState.logout
                    ),
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
            on_submit=PasswordState.change_password,
            key=PasswordState.form_key.to_string(),
            width="100%",
        ),
    )
