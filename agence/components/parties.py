"""Sections shared by the client and supplier pages: contacts, addresses, documents."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.children import child_section
from agence.components.data_table import column_text, data_table
from agence.state.documents.documents import DocumentsMixin


def contact_and_address_tabs(contacts_state, contacts, addresses_state, addresses):
    """The « Contacts » and « Adresses » tab contents of a file."""
    return (
        rx.tabs.content(
            child_section(
                contacts_state,
                contacts.list_spec(),
                contacts.fields,
                title="Contacts",
                add_label="Ajouter un contact",
                entity="contact",
                dom_id="contacts",
            ),
            value="contacts",
            padding_top="1rem",
        ),
        rx.tabs.content(
            child_section(
                addresses_state,
                addresses.list_spec(),
                addresses.fields,
                title="Adresses",
                add_label="Ajouter une adresse",
                entity="adresse",
                dom_id="addresses",
            ),
            value="adresses",
            padding_top="1rem",
        ),
    )


def documents_section(state: type[DocumentsMixin], spec, upload_id: str) -> rx.Component:
    return rx.vstack(
        rx.cond(
            state.can_create,
            rx.upload(
                rx.vstack(
                    rx.icon("file-up", size=24),
                    rx.text(
                        "Déposez des fichiers ici ou cliquez (PDF, images, Word, Excel ; "
                        "10 Mo au plus)",
                        size="2",
                        text_align="center",
                    ),
                    align="center",
                    spacing="1",
                ),
                id=upload_id,
                multiple=True,
                max_files=10,
                on_drop=state.upload_document(rx.upload_files(upload_id=upload_id)),
                border=f"1px dashed {rx.color('gray', 8)}",
                border_radius="var(--radius-3)",
                padding="1.25rem",
                width="100%",
            ),
        ),
        rx.cond(
            state.document_error != "",
            rx.text(
                state.document_error,
                color=rx.color("red", 11),
                size="2",
                role="alert",
                id=f"{upload_id}-error",
            ),
        ),
        data_table(
            state,
            spec,
            row_route=routes.DOCUMENT_API,
            show_new=False,
            dom_id=upload_id,
            download=True,
            row_buttons=lambda row: rx.cond(
                state.can_create & (column_text(spec, row, "kept") == ""),
                _remove_button(state, row, column_text(spec, row, "title")),
            ),
        ),
        spacing="3",
        width="100%",
    )


def _remove_button(state: type[DocumentsMixin], row, title) -> rx.Component:
    """« Retirer », after a question; never shown on a document kept as it is (an issued
    invoice, a document sent by e-mail, a quote or contract given to the client)."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button("Retirer", size="1", variant="ghost", color_scheme="red", type="button"),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Retirer le document"),
            rx.alert_dialog.description(
                "Retirer « ", title, " » ? Il ne figurera plus parmi les documents."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Annuler", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Retirer",
                        color_scheme="red",
                        on_click=state.remove_document(row.id),
                    ),
                ),
                spacing="3",
                justify="end",
                margin_top="1rem",
            ),
        ),
    )
