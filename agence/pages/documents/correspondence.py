"""Parameters of the correspondence: « Courriers et e-mails » (templates) and « Messagerie »."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.forms import confirm_button, field_error
from agence.components.layout import app_page, page_title
from agence.services.settings.mail_settings import SECURITY_CHOICES
from agence.state.documents.templates import MailSettingsState, TemplatesState


def _choice(name: str, label: str, options, value, dom_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", weight="medium"),
        rx.el.select(
            rx.foreach(options, lambda option: rx.el.option(option[1], value=option[0])),
            value=value,
            on_change=lambda v: TemplatesState.choose(name, v),
            class_name="agence-select",
            id=dom_id,
            aria_label=label,
        ),
        spacing="1",
    )


def _part_editor(part) -> rx.Component:
    state = TemplatesState
    key = part[0]
    return rx.vstack(
        rx.text(part[1], size="2", weight="medium"),
        rx.debounce_input(
            rx.text_area(
                value=state.parts[key],
                on_change=lambda value: state.edit_part(key, value),
                rows=rx.cond(key == "email_subject", "2", rx.cond(key == "terms", "14", "6")),
                width="100%",
                read_only=~state.can_edit,
                id="template-" + key,
                font_family="var(--code-font-family)",
            ),
            debounce_timeout=500,
        ),
        field_error(state, key),
        spacing="1",
        width="100%",
    )


def _rendered_part(part) -> rx.Component:
    state = TemplatesState
    key = part[0]
    return rx.vstack(
        rx.text(part[1], size="1", weight="medium", color=rx.color("gray", 11)),
        rx.cond(
            state.preview_errors.contains(key),
            rx.text(state.preview_errors[key], color=rx.color("red", 11), size="2", role="alert"),
            rx.text(
                state.rendered[key],
                size="2",
                white_space="pre-wrap",
                id="preview-" + key,
            ),
        ),
        spacing="1",
        width="100%",
    )


def _placeholders() -> rx.Component:
    return rx.vstack(
        rx.heading("Champs disponibles", size="3"),
        rx.text(
            "Écrivez {{ client.nom }}, {{ dossier.date_debut|date }}, {{ montant|euros }}… "
            "Conditions : {% if dossier.nb_gratuits %}…{% endif %}.",
            size="1",
            color=rx.color("gray", 11),
        ),
        rx.table.root(
            rx.table.body(
                rx.foreach(
                    TemplatesState.placeholders,
                    lambda entry: rx.table.row(
                        rx.table.cell(rx.code("{{ " + entry[0] + " }}", size="1")),
                        rx.table.cell(rx.text(entry[1], size="1")),
                        rx.table.cell(rx.text(entry[2], size="1", color=rx.color("gray", 11))),
                    ),
                )
            ),
            size="1",
            width="100%",
        ),
        spacing="2",
        width="100%",
        id="placeholders",
    )


@app_page(routes.PARAM_TEMPLATES, "Courriers et e-mails", TemplatesState.load_templates)
def templates_page() -> rx.Component:
    state = TemplatesState
    return rx.vstack(
        page_title(
            "Courriers et e-mails",
            subtitle="Les textes de chaque document et de son e-mail, par langue.",
        ),
        rx.flex(
            _choice("kind", "Document", state.kinds, state.kind, "template-kind"),
            _choice("language", "Langue", state.languages, state.language, "template-language"),
            rx.cond(
                state.customised,
                rx.badge("Personnalisé", color_scheme="blue"),
                rx.badge("Texte d'origine", color_scheme="gray"),
            ),
            spacing="3",
            align="end",
            wrap="wrap",
        ),
        rx.grid(
            rx.vstack(
                rx.foreach(state.shown_parts, _part_editor),
                rx.cond(
                    state.can_edit,
                    rx.hstack(
                        rx.button("Enregistrer", on_click=state.save, id="template-save"),
                        rx.cond(
                            state.customised,
                            confirm_button(
                                "Revenir au texte d'origine",
                                "Les textes modifiés de ce document dans cette langue seront "
                                "remplacés par les textes d'origine.",
                                state.reset_texts,
                                color="orange",
                                button_id="template-reset",
                            ),
                        ),
                        spacing="3",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            rx.vstack(
                rx.card(
                    rx.vstack(
                        rx.heading("Aperçu", size="3"),
                        rx.form(
                            rx.flex(
                                rx.input(
                                    name="reference",
                                    placeholder="Référence d'un dossier (VDL-2026-0001)",
                                    default_value=state.reference,
                                    id="preview-reference",
                                    flex="1",
                                    min_width="12rem",
                                ),
                                rx.button(
                                    "Aperçu sur ce dossier",
                                    type="submit",
                                    variant="soft",
                                    id="preview-on",
                                ),
                                spacing="2",
                                wrap="wrap",
                                width="100%",
                            ),
                            on_submit=state.preview_on,
                            reset_on_submit=False,
                            width="100%",
                        ),
                        rx.cond(
                            state.reference_error != "",
                            rx.text(
                                state.reference_error,
                                color=rx.color("red", 11),
                                size="1",
                                role="alert",
                                id="preview-reference-error",
                            ),
                        ),
                        rx.flex(
                            rx.text(
                                rx.cond(
                                    state.preview_source != "",
                                    "Sur le dossier " + state.preview_source,
                                    "Sur un exemple",
                                ),
                                size="1",
                                color=rx.color("gray", 11),
                            ),
                            rx.spacer(),
                            rx.cond(
                                state.preview_source != "",
                                rx.button(
                                    rx.icon("file-text", size=14),
                                    "Aperçu PDF",
                                    size="1",
                                    variant="soft",
                                    on_click=state.preview_pdf,
                                    id="preview-pdf",
                                ),
                            ),
                            width="100%",
                            align="center",
                        ),
                        rx.divider(),
                        rx.foreach(state.shown_parts, _rendered_part),
                        spacing="3",
                        width="100%",
                    ),
                    width="100%",
                ),
                _placeholders(),
                spacing="4",
                width="100%",
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="5",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def _mail_field(name: str, label: str, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="2", weight="medium"),
        control,
        field_error(MailSettingsState, name),
        spacing="1",
        width="100%",
    )


@app_page(routes.PARAM_MAIL, "Messagerie", MailSettingsState.load_mail)
def mail_settings_page() -> rx.Component:
    state = MailSettingsState
    values = state.values

    def text(name: str, label: str, kind: str = "text") -> rx.Component:
        return _mail_field(
            name,
            label,
            rx.input(
                name=name,
                type=kind,
                default_value=values.get(name, ""),
                key=values.get(name, ""),
                read_only=~state.can_edit,
                id="mail-" + name.replace("_", "-"),
                width="100%",
            ),
        )

    return rx.vstack(
        page_title(
            "Messagerie (SMTP)",
            subtitle="Le serveur par lequel partent les devis, contrats et bons d'échange.",
        ),
        rx.card(
            rx.form(
                rx.vstack(
                    rx.grid(
                        text("host", "Serveur SMTP"),
                        text("port", "Port", "number"),
                        _mail_field(
                            "security",
                            "Sécurité",
                            rx.el.select(
                                *[
                                    rx.el.option(label, value=code)
                                    for code, label in SECURITY_CHOICES
                                ],
                                name="security",
                                default_value=values.get("security", "starttls"),
                                key=values.get("security", ""),
                                class_name="agence-select",
                                id="mail-security",
                            ),
                        ),
                        text("timeout_seconds", "Délai d'attente (secondes)", "number"),
                        text("username", "Identifiant"),
                        _mail_field(
                            "password",
                            "Mot de passe",
                            rx.vstack(
                                rx.input(
                                    name="password",
                                    type="password",
                                    placeholder=rx.cond(
                                        state.has_password,
                                        "Enregistré (laisser vide pour le garder)",
                                        "",
                                    ),
                                    auto_complete="new-password",
                                    read_only=~state.can_edit,
                                    id="mail-password",
                                    width="100%",
                                ),
                                rx.cond(
                                    state.has_password,
                                    rx.checkbox(
                                        "Effacer le mot de passe enregistré",
                                        name="clear_password",
                                        size="1",
                                    ),
                                ),
                                spacing="1",
                                width="100%",
                            ),
                        ),
                        text("sender_address", "Adresse d'expédition", "email"),
                        text("sender_name", "Nom affiché"),
                        columns=rx.breakpoints(initial="1", sm="2"),
                        spacing="3",
                        width="100%",
                    ),
                    rx.text(
                        "Le mot de passe est conservé chiffré ; il n'est jamais réaffiché.",
                        size="1",
                        color=rx.color("gray", 11),
                    ),
                    rx.cond(
                        state.can_edit,
                        rx.button("Enregistrer", type="submit", id="mail-save"),
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=state.save,
                reset_on_submit=False,
                width="100%",
            ),
            width="100%",
        ),
        rx.cond(
            state.can_edit,
            rx.card(
                rx.form(
                    rx.vstack(
                        rx.heading("Message d'essai", size="3"),
                        rx.flex(
                            rx.input(
                                name="test_to",
                                default_value=state.test_to,
                                key=state.test_to,
                                type="email",
                                id="mail-test-to",
                                flex="1",
                                min_width="14rem",
                            ),
                            rx.button(
                                rx.cond(
                                    state.testing, rx.spinner(size="1"), rx.icon("send", size=14)
                                ),
                                "Envoyer un essai",
                                type="submit",
                                disabled=state.testing,
                                id="mail-test",
                            ),
                            spacing="2",
                            wrap="wrap",
                            width="100%",
                        ),
                        rx.cond(
                            state.test_result != "",
                            rx.text(
                                state.test_result,
                                size="2",
                                color=rx.cond(
                                    state.test_ok, rx.color("green", 11), rx.color("red", 11)
                                ),
                                id="mail-test-result",
                                role="status",
                            ),
                        ),
                        spacing="2",
                        width="100%",
                    ),
                    on_submit=state.send_test,
                    reset_on_submit=False,
                    width="100%",
                ),
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
        max_width="52rem",
    )
