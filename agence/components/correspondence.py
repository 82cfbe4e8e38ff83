"""The dossier's document maker and sending dialog, and the correspondence log (dossier, client,
supplier) with a message's detail."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.data_table import data_table
from agence.components.forms import field_error
from agence.services.documents import correspondence
from agence.services.documents.content import LANGUAGES
from agence.state.documents.correspondence import DossierDocumentsState, MessagesMixin


def _select(name: str, label: str, options, value, dom_id: str) -> rx.Component:
    state = DossierDocumentsState
    return rx.vstack(
        rx.text(label, size="1", weight="medium"),
        rx.el.select(
            rx.foreach(options, lambda option: rx.el.option(option[1], value=option[0])),
            value=value,
            on_change=lambda v: state.set_choice(name, v),
            class_name="agence-select",
            id=dom_id,
            aria_label=label,
        ),
        field_error(state, name),
        spacing="1",
    )


def document_maker() -> rx.Component:
    """Choose a document, see it, keep it, send it; or send every supplier his request."""
    state = DossierDocumentsState
    languages = [[code, label] for code, label in LANGUAGES.items()]
    return rx.card(
        rx.vstack(
            rx.heading("Éditer un document", size="3"),
            rx.flex(
                _select("kind", "Document", state.kinds, state.kind, "document-kind"),
                rx.cond(
                    state.is_supplier_kind,
                    _select(
                        "supplier_id",
                        "Fournisseur",
                        state.suppliers,
                        state.supplier_id,
                        "document-supplier",
                    ),
                ),
                rx.cond(
                    state.kind == "avenant",
                    _select(
                        "version", "Avenant", state.versions, state.version, "document-version"
                    ),
                ),
                _select("language", "Langue", languages, state.language, "document-language"),
                rx.cond(
                    state.kind == "devis",
                    rx.checkbox(
                        "Grille de prix",
                        checked=state.with_grid,
                        on_change=lambda v: state.set_choice("with_grid", v),
                        id="document-grid",
                    ),
                ),
                spacing="3",
                wrap="wrap",
                align="end",
            ),
            rx.flex(
                rx.button(
                    rx.icon("file-text", size=14),
                    "Aperçu PDF",
                    variant="soft",
                    on_click=state.preview,
                    id="document-preview",
                ),
                rx.cond(
                    state.can_send,
                    rx.fragment(
                        rx.button(
                            rx.icon("archive", size=14),
                            "Conserver",
                            variant="soft",
                            on_click=state.keep,
                            id="document-keep",
                        ),
                        rx.button(
                            rx.icon("send", size=14),
                            "Envoyer par e-mail…",
                            on_click=state.open_send,
                            id="document-send",
                        ),
                        rx.cond(
                            state.is_supplier_kind,
                            rx.button(
                                rx.icon("send-to-back", size=14),
                                "Envoyer à tous les fournisseurs",
                                variant="outline",
                                on_click=state.send_to_all_suppliers,
                                disabled=state.batch_running,
                                id="document-send-all",
                            ),
                        ),
                    ),
                ),
                spacing="2",
                wrap="wrap",
            ),
            rx.cond(
                state.batch_running,
                rx.vstack(
                    rx.text(
                        "Envoi en cours : ",
                        state.batch_done.to(str),
                        " / ",
                        state.batch_total.to(str),
                        size="2",
                    ),
                    rx.progress(value=state.batch_percent, width="100%", id="batch-progress"),
                    width="100%",
                ),
            ),
            rx.cond(
                state.batch_report != "", rx.text(state.batch_report, size="2", id="batch-report")
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def send_dialog() -> rx.Component:
    state = DossierDocumentsState

    def field(label: str, control: rx.Component, name: str) -> rx.Component:
        return rx.vstack(
            rx.text(label, size="1", weight="medium"),
            control,
            field_error(state, name, state.send_errors),
            spacing="1",
            width="100%",
        )

    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Envoyer par e-mail"),
            rx.dialog.description("Pièce jointe : ", rx.text.strong(state.file_name), size="2"),
            rx.form(
                rx.vstack(
                    field(
                        "À (plusieurs adresses séparées par des virgules)",
                        rx.input(
                            name="to",
                            default_value=state.to,
                            key=state.to,
                            width="100%",
                            id="send-to",
                        ),
                        "to",
                    ),
                    rx.cond(
                        state.suggestions.length() > 0,
                        rx.flex(
                            rx.text("Contacts :", size="1"),
                            rx.foreach(
                                state.suggestions,
                                lambda email: rx.button(
                                    email,
                                    size="1",
                                    variant="ghost",
                                    type="button",
                                    on_click=state.add_recipient(email, state.to),
                                ),
                            ),
                            spacing="1",
                            wrap="wrap",
                            align="center",
                        ),
                    ),
                    field("Copie", rx.input(name="cc", default_value=state.cc, width="100%"), "cc"),
                    field(
                        "Objet",
                        rx.input(
                            name="subject",
                            default_value=state.subject,
                            width="100%",
                            id="send-subject",
                        ),
                        "subject",
                    ),
                    field(
                        "Message",
                        rx.text_area(
                            name="body",
                            default_value=state.body,
                            rows="10",
                            width="100%",
                            id="send-body",
                        ),
                        "body",
                    ),
                    rx.cond(
                        state.also_choices.length() > 0,
                        rx.flex(
                            rx.text("Joindre aussi :", size="1"),
                            rx.foreach(
                                state.also_choices,
                                lambda choice: rx.checkbox(
                                    choice[1], name="also:" + choice[0], size="1"
                                ),
                            ),
                            spacing="3",
                            wrap="wrap",
                        ),
                    ),
                    field_error(state, "also", state.send_errors),
                    rx.hstack(
                        rx.button(
                            rx.cond(state.sending, rx.spinner(size="1"), rx.icon("send", size=14)),
                            "Envoyer",
                            type="submit",
                            disabled=state.sending,
                            id="send-submit",
                        ),
                        rx.button(
                            "Annuler",
                            variant="soft",
                            color_scheme="gray",
                            type="button",
                            on_click=state.close_send,
                        ),
                        spacing="3",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=state.send,
                reset_on_submit=False,
                width="100%",
            ),
            max_width="min(42rem, 95vw)",
        ),
        open=state.send_open,
        on_open_change=lambda _open: state.close_send(),
    )


def _detail_line(label: str, value) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="1", weight="medium", min_width="7rem"),
        rx.text(value, size="2", white_space="pre-wrap"),
        align="start",
        spacing="2",
        width="100%",
    )


def message_dialog(state: type[MessagesMixin]) -> rx.Component:
    detail = state.detail
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(detail["subject"].to(str)),
            rx.vstack(
                _detail_line("Statut", detail["status_label"].to(str)),
                _detail_line("Réponse du serveur", detail["server_answer"].to(str)),
                _detail_line("Créé le", detail["created_at"].to(str)),
                _detail_line("Envoyé le", detail["sent_at"].to(str)),
                _detail_line("Tentatives", detail["attempts"].to(str)),
                _detail_line("De", detail["sender"].to(str)),
                _detail_line("À", detail["recipients"].to(str)),
                _detail_line("Copie", detail["cc"].to(str)),
                _detail_line("Message-ID", detail["message_id"].to(str)),
                rx.box(
                    rx.text(detail["body"].to(str), size="2", white_space="pre-wrap"),
                    padding="0.75rem",
                    border=f"1px solid {rx.color('gray', 6)}",
                    border_radius="var(--radius-2)",
                    width="100%",
                    max_height="40vh",
                    overflow_y="auto",
                ),
                rx.foreach(
                    detail["attachments"].to(list[dict[str, str]]),
                    lambda attachment: rx.link(
                        rx.icon("paperclip", size=14),
                        attachment["file_name"],
                        href=routes.DOCUMENT_API + "/" + attachment["document_id"],
                        is_external=True,
                        size="2",
                    ),
                ),
                rx.hstack(
                    rx.cond(
                        state.can_retry & (detail["status"].to(str) == correspondence.FAILED),
                        rx.button(
                            rx.cond(
                                state.retrying, rx.spinner(size="1"), rx.icon("rotate-cw", size=14)
                            ),
                            "Renvoyer",
                            on_click=state.retry_message,
                            disabled=state.retrying,
                            id="message-retry",
                        ),
                    ),
                    rx.button(
                        "Fermer",
                        variant="soft",
                        color_scheme="gray",
                        on_click=state.close_message,
                    ),
                    spacing="3",
                ),
                spacing="2",
                width="100%",
            ),
            max_width="min(44rem, 95vw)",
        ),
        open=state.detail_open,
        on_open_change=lambda _open: state.close_message(),
    )


def messages_section(state: type[MessagesMixin], spec, dom_id: str) -> rx.Component:
    """The correspondence log: newest first; a row opens the message, its attachments and,
    when it failed, the retry."""
    return rx.vstack(
        data_table(
            state,
            spec,
            row_action=state.open_message,
            show_new=False,
            dom_id=dom_id,
        ),
        message_dialog(state),
        spacing="3",
        width="100%",
    )
