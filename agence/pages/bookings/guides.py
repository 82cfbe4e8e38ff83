"""Guides: their list, their file with the days they cannot work, and the dialog that puts one
on a programme slot."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.children import child_section
from agence.components.data_table import list_page
from agence.components.forms import (
    alert_text,
    checkbox_group,
    form_dialog,
    record_form_card,
    record_page,
)
from agence.components.layout import app_page, page_title
from agence.services.bookings.guides import GUIDES, UNAVAILABILITIES
from agence.services.bookings.guides import LANGUAGE_FIELD as GUIDE_LANGUAGE_FIELD
from agence.state.bookings.guides import (
    GuideAssignmentState,
    GuideFormState,
    GuidesListState,
    GuideUnavailabilityState,
)


@app_page(routes.GUIDES, "Guides", GuidesListState.load_list)
def guides_list() -> rx.Component:
    return list_page(
        "Guides",
        "Guides des fournisseurs ou de l'agence : langues, spécialités, indisponibilités.",
        GuidesListState,
        GUIDES.list_spec(),
        routes.GUIDES,
        "Nouveau guide",
    )


def _guide_form() -> rx.Component:
    return record_form_card(
        GuideFormState,
        GUIDES.fields,
        list_route=routes.GUIDES,
        entity="guide",
        after_fields=checkbox_group(
            GuideFormState, "languages", GUIDE_LANGUAGE_FIELD, "Langues de guidage"
        ),
    )


@app_page(
    routes.record_route(routes.GUIDES),
    "Guide",
    [GuideFormState.load, GuideUnavailabilityState.load_children],
)
def guide_page() -> rx.Component:
    state = GuideFormState
    return record_page(
        state,
        page_title(state.title),
        _guide_form(),
        rx.cond(
            ~state.is_new,
            child_section(
                GuideUnavailabilityState,
                UNAVAILABILITIES.list_spec(),
                UNAVAILABILITIES.fields,
                title="Jours d'indisponibilité",
                add_label="Ajouter un jour",
                entity="jour",
                dom_id="unavailabilities",
            ),
        ),
    )


def guide_dialog() -> rx.Component:
    state = GuideAssignmentState
    return form_dialog(
        "Guide — " + state.item_title,
        rx.el.select(
            rx.el.option("Choisir un guide…", value=""),
            rx.foreach(state.choices, lambda o: rx.el.option(o[1], value=o[0])),
            value=state.guide_id,
            on_change=state.choose,
            class_name="agence-select",
            aria_label="Guide",
            id="guide-choice",
            width="100%",
        ),
        rx.foreach(
            state.conflicts,
            lambda message: rx.callout(
                message, icon="triangle-alert", color_scheme="orange", size="1"
            ),
        ),
        rx.cond(
            (state.conflicts.length() > 0) & state.can_force,
            rx.vstack(
                rx.el.label(
                    rx.checkbox(name="force", id="guide-force"),
                    rx.text("Passer outre (journalisé)", size="2"),
                    display="flex",
                    gap="0.4rem",
                    align_items="center",
                ),
                rx.input(name="reason", placeholder="Motif", width="100%", id="guide-force-reason"),
                spacing="2",
                width="100%",
            ),
        ),
        alert_text(state.error, "guide-error"),
        submit_label="Affecter",
        submit_id="guide-assign",
        on_submit=state.assign,
        on_close=state.close,
        is_open=state.open,
        reset=False,
        width="32rem",
    )
