"""A section of a file's page that lists its records (contacts, addresses…) and edits them
in a dialog."""

from __future__ import annotations

from collections.abc import Sequence

import reflex as rx

from agence.components.data_table import data_table
from agence.components.forms import confirm_button, fields_grid, form_error
from agence.services.common.forms import FieldSpec
from agence.services.common.listing import ListSpec


def child_dialog(state, specs: Sequence[FieldSpec], entity: str, dom_id: str) -> rx.Component:
    buttons = rx.hstack(
        rx.cond(state.can_edit, rx.button("Enregistrer", type="submit", id=f"{dom_id}-save")),
        rx.button(
            "Annuler",
            variant="soft",
            color_scheme="gray",
            type="button",
            on_click=state.close_dialog,
        ),
        rx.spacer(),
        rx.cond(
            state.can_delete,
            confirm_button(
                "Supprimer",
                f"Supprimer ce {entity} ?",
                state.delete_child,
                button_id=f"{dom_id}-delete",
            ),
        ),
        width="100%",
        wrap="wrap",
        spacing="3",
    )
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(state.dialog_title),
            rx.form(
                rx.vstack(
                    form_error(state),
                    rx.el.fieldset(
                        fields_grid(state, specs),
                        disabled=~state.can_edit,
                        border="none",
                        padding="0",
                        margin="0",
                        min_width="0",
                        width="100%",
                    ),
                    buttons,
                    spacing="4",
                    width="100%",
                ),
                on_submit=state.save_child,
                reset_on_submit=False,
                key=state.form_key.to_string(),
                width="100%",
                id=f"{dom_id}-form",
            ),
            max_width="min(44rem, 95vw)",
        ),
        open=state.dialog_open,
        on_open_change=state.dialog_changed,
    )


def child_section(
    state,
    spec: ListSpec,
    specs: Sequence[FieldSpec],
    *,
    title: str,
    add_label: str,
    entity: str,
    dom_id: str,
) -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="4"),
        data_table(
            state,
            spec,
            new_label=add_label,
            row_action=state.open_existing,
            new_action=state.open_new,
            dom_id=dom_id,
        ),
        child_dialog(state, specs, entity, dom_id),
        spacing="3",
        width="100%",
        id=f"{dom_id}-section",
    )
