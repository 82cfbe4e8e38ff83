"""Form fields generated from the services' `FieldSpec`s, and the record form around them.

Forms are uncontrolled: inputs start from the state's `values` and are read on submit; the
server's messages appear under each field from the state's `errors`.
"""

from __future__ import annotations

from collections.abc import Sequence

import reflex as rx

from agence.components.layout import not_found_block, page_title
from agence.services.common.forms import FieldSpec

INPUT_MODES = {
    "int": "numeric",
    "decimal": "decimal",
    "percent": "decimal",
    "email": "email",
    "phone": "tel",
    "siret": "numeric",
    "siren_or_siret": "numeric",
}


def field_error(state, name: str, errors_var=None) -> rx.Component:
    errors = errors_var if errors_var is not None else state.errors
    return rx.cond(
        errors.contains(name),
        rx.text(
            errors[name],
            color=rx.color("red", 11),
            size="1",
            id=f"error-{_dom_id(name)}",
            role="alert",
        ),
    )


def _dom_id(name: str) -> str:
    return name.replace(":", "-").replace("_", "-")


def field_input(state, spec: FieldSpec, live: Sequence[str] = ()) -> rx.Component:
    on_change = (lambda value: state.field_changed(spec.name, value)) if spec.name in live else None
    common = {
        "name": spec.name,
        "id": _dom_id(spec.name),
        "default_value": state.values.get(spec.name, ""),
        "placeholder": spec.placeholder or None,
        "width": "100%",
    }
    if on_change is not None:
        common["on_change"] = on_change
    if spec.kind in ("choice", "ref"):
        empty = [] if spec.required else [rx.el.option("—", value="")]
        if spec.choices:
            options = [rx.el.option(label, value=value) for value, label in spec.choices]
        else:
            options = [
                rx.foreach(
                    state.choices.get(spec.name, []),
                    lambda option: rx.el.option(option[1], value=option[0]),
                )
            ]
        select_props = {k: v for k, v in common.items() if k != "placeholder"}
        return rx.el.select(*empty, *options, class_name="agence-select", **select_props)
    if spec.kind == "textarea":
        return rx.text_area(rows="4", **common)
    if spec.kind == "password":
        return rx.input(type="password", auto_complete="new-password", **common)
    if spec.kind == "date":
        return rx.input(type="date", **{k: v for k, v in common.items() if k != "placeholder"})
    return rx.input(
        type="text",
        input_mode=INPUT_MODES.get(spec.kind),
        max_length=spec.max_length + 10 if spec.max_length else None,
        **common,
    )


def form_field(state, spec: FieldSpec, live: Sequence[str] = ()) -> rx.Component:
    """Label, input, help and error of one field."""
    if spec.kind == "bool":
        control = rx.el.label(
            rx.checkbox(
                name=spec.name,
                id=_dom_id(spec.name),
                default_checked=state.values.get(spec.name, "") == "on",
            ),
            rx.text(spec.label, size="2"),
            display="flex",
            gap="0.5rem",
            align_items="center",
            cursor="pointer",
        )
        return rx.vstack(
            control,
            field_error(state, spec.name),
            spacing="1",
            width="100%",
            grid_column="1 / -1" if spec.wide else None,
        )
    label = spec.label + (" *" if spec.required else "")
    return rx.vstack(
        rx.el.label(rx.text(label, size="2", weight="medium"), html_for=_dom_id(spec.name)),
        field_input(state, spec, live),
        rx.text(spec.help, size="1", color=rx.color("gray", 10)) if spec.help else rx.fragment(),
        field_error(state, spec.name),
        spacing="1",
        width="100%",
        grid_column="1 / -1" if spec.wide else None,
    )


def fields_grid(state, specs: Sequence[FieldSpec], live: Sequence[str] = ()) -> rx.Component:
    cells: list[rx.Component] = []
    for spec in specs:
        if spec.section:
            cells.append(
                rx.heading(
                    spec.section,
                    size="3",
                    grid_column="1 / -1",
                    margin_top="0.5rem",
                    color=rx.color("accent", 11),
                )
            )
        cells.append(form_field(state, spec, live))
    return rx.box(
        *cells,
        display="grid",
        grid_template_columns=["minmax(0, 1fr)", "minmax(0, 1fr)", "repeat(2, minmax(0, 1fr))"],
        gap="1rem 1.5rem",
        width="100%",
    )


def confirm_button(
    label: str, question: str, on_confirm, *, color: str = "red", button_id: str = ""
) -> rx.Component:
    """A button that asks before acting (delete, deactivate)."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                label, color_scheme=color, variant="soft", type="button", id=button_id or None
            ),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(label),
            rx.alert_dialog.description(question),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Annuler", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        label,
                        color_scheme=color,
                        on_click=on_confirm,
                        id=f"{button_id}-confirm" if button_id else None,
                    ),
                ),
                spacing="3",
                justify="end",
                margin_top="1rem",
            ),
        ),
    )


def form_error(state) -> rx.Component:
    """The message that concerns the whole form (key "")."""
    return rx.cond(
        state.errors.contains(""),
        rx.callout(state.errors[""], icon="triangle-alert", color_scheme="red", id="form-error"),
    )


def record_form_card(
    state,
    specs: Sequence[FieldSpec],
    *,
    list_route: str,
    entity: str,
    live: Sequence[str] = (),
    before_fields: rx.Component | None = None,
    after_fields: rx.Component | None = None,
    actions: Sequence[rx.Component] = (),
) -> rx.Component:
    """The form of a record in a card: its fields, save / cancel / delete."""
    buttons = rx.hstack(
        rx.cond(state.can_edit, rx.button("Enregistrer", type="submit", id="form-save")),
        rx.link(
            rx.button("Annuler", variant="soft", color_scheme="gray", type="button"),
            href=list_route,
        ),
        rx.spacer(),
        *actions,
        rx.cond(
            state.can_delete,
            confirm_button(
                "Supprimer",
                f"Supprimer définitivement ce {entity} ?",
                state.delete,
                button_id="form-delete",
            ),
        ),
        width="100%",
        wrap="wrap",
        spacing="3",
    )
    form = rx.form(
        rx.vstack(
            form_error(state),
            rx.el.fieldset(
                rx.vstack(
                    before_fields or rx.fragment(),
                    fields_grid(state, specs, live),
                    after_fields or rx.fragment(),
                    spacing="5",
                    width="100%",
                ),
                disabled=~state.can_edit,
                border="none",
                padding="0",
                margin="0",
                min_width="0",
                width="100%",
            ),
            buttons,
            spacing="5",
            width="100%",
        ),
        on_submit=state.save,
        reset_on_submit=False,
        key=state.form_key.to_string(),
        width="100%",
        id="record-form",
    )
    return rx.card(form, width="100%")


def record_page(state, *content: rx.Component) -> rx.Component:
    """A record's page once loaded: « introuvable », a spinner, or the content."""
    return rx.cond(
        state.not_found,
        not_found_block(),
        rx.cond(
            state.loaded,
            rx.vstack(*content, spacing="4", width="100%"),
            rx.center(rx.spinner(size="3"), padding="3rem"),
        ),
    )


def record_form(
    state,
    specs: Sequence[FieldSpec],
    *,
    list_route: str,
    entity: str,
    live: Sequence[str] = (),
    before_fields: rx.Component | None = None,
    after_fields: rx.Component | None = None,
    aside: rx.Component | None = None,
    actions: Sequence[rx.Component] = (),
) -> rx.Component:
    """A record's page: title, the form (save / cancel / delete), and what a page adds."""
    return record_page(
        state,
        page_title(state.title),
        record_form_card(
            state,
            specs,
            list_route=list_route,
            entity=entity,
            live=live,
            before_fields=before_fields,
            after_fields=after_fields,
            actions=actions,
        ),
        aside or rx.fragment(),
    )


def checkbox_group(state, choices_key: str, prefix: str, label: str) -> rx.Component:
    """One checkbox per option loaded by the state (e.g. the client categories), named
    `prefix + value`, ticked when the form's values say so."""
    return rx.vstack(
        rx.text(label, size="2", weight="medium"),
        rx.flex(
            rx.foreach(
                state.choices.get(choices_key, []),
                lambda option: rx.el.label(
                    rx.checkbox(
                        name=prefix + option[0],
                        default_checked=state.values.get(prefix + option[0], "") == "on",
                    ),
                    rx.text(option[1], size="2"),
                    display="flex",
                    gap="0.4rem",
                    align_items="center",
                    cursor="pointer",
                ),
            ),
            wrap="wrap",
            spacing="4",
        ),
        rx.cond(
            state.choices.get(choices_key, []).length() == 0,
            rx.text(
                "Aucune catégorie : créez-en dans Paramètres.", size="1", color=rx.color("gray", 10)
            ),
        ),
        spacing="2",
        width="100%",
    )


def form_dialog(
    title,
    *fields: rx.Component,
    submit_label: str,
    on_submit,
    on_close,
    is_open,
    description: str = "",
    submit_id: str | None = None,
    reset: bool = True,
    width: str = "30rem",
) -> rx.Component:
    """A small form in a dialog: its fields, then « submit » and « Annuler » (which, like
    Escape or a click outside, calls `on_close` with False). The description may be a Var."""
    described = isinstance(description, rx.Var) or bool(description)
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            *([rx.dialog.description(description, size="2")] if described else []),
            rx.form(
                rx.vstack(
                    *fields,
                    rx.hstack(
                        rx.button(submit_label, type="submit", id=submit_id),
                        rx.button(
                            "Annuler",
                            variant="soft",
                            color_scheme="gray",
                            type="button",
                            on_click=on_close(False),
                        ),
                        spacing="3",
                    ),
                    spacing="3",
                    width="100%",
                    margin_top="0.75rem" if described else None,
                ),
                on_submit=on_submit,
                reset_on_submit=reset,
                width="100%",
            ),
            max_width=f"min({width}, 95vw)",
        ),
        open=is_open,
        on_open_change=on_close,
    )


def alert_text(message, dom_id: str | None = None) -> rx.Component:
    """A message of refusal shown when not empty."""
    return rx.cond(
        message != "",
        rx.text(message, color=rx.color("red", 11), role="alert", id=dom_id),
    )
