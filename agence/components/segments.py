"""The bar of saved filters above a listing (client segments, dossiers' filters)."""

from __future__ import annotations

import reflex as rx

from agence.components.forms import field_error


def segments_bar(state, noun: str = "segment") -> rx.Component:
    """Apply a saved filter, or save the current one under a name (shared or not)."""
    return rx.flex(
        rx.el.select(
            rx.el.option(noun.capitalize() + "s enregistrés…", value=""),
            rx.foreach(state.segments, lambda s: rx.el.option(s.name, value=s.id)),
            value="",
            on_change=state.apply_segment,
            aria_label="Appliquer un segment",
            class_name="agence-select",
            id="segment-apply",
        ),
        rx.form(
            rx.hstack(
                rx.input(
                    name="segment_name",
                    placeholder="Nom du " + noun,
                    id="segment-name",
                    width="12rem",
                ),
                rx.el.label(
                    rx.checkbox(name="segment_shared"),
                    rx.text("Partagé", size="2"),
                    display="flex",
                    gap="0.3rem",
                    align_items="center",
                ),
                rx.button(
                    "Enregistrer ce filtre", type="submit", variant="soft", id="segment-save"
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            field_error(state, "segment_name", state.segment_errors),
            on_submit=state.save_segment,
            reset_on_submit=True,
        ),
        wrap="wrap",
        spacing="3",
        align="start",
        width="100%",
    )
