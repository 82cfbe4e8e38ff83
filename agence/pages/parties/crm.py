"""Sales follow-up: « Mes relances », pipeline, clients to visit, visit reports."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.data_table import data_table, list_page
from agence.components.layout import app_page, not_found_block, page_title
from agence.services.parties import crm
from agence.services.parties.vocabulary import Interest, NextAction, ReportKind, ReportStatus
from agence.state.parties.crm import (
    FollowUpsState,
    PipelineState,
    ReportFormState,
    ReportsListState,
    ToVisitState,
)


@app_page(
    routes.TIERS_FOLLOW_UPS,
    "Mes relances",
    [FollowUpsState.open_follow_ups, FollowUpsState.load_list],
)
def follow_ups() -> rx.Component:
    return list_page(
        "Mes relances",
        "Vos prochaines actions : appels, visites, devis à envoyer.",
        FollowUpsState,
        crm.FOLLOW_UPS_LIST,
        routes.TIERS_CLIENTS,
    )


@app_page(routes.TIERS_PIPELINE, "Pipeline", PipelineState.load_list)
def pipeline() -> rx.Component:
    return list_page(
        "Pipeline commercial",
        "Prospects et clients avec une prochaine action.",
        PipelineState,
        crm.PIPELINE_LIST,
        routes.TIERS_CLIENTS,
    )


@app_page(
    routes.TIERS_TO_VISIT, "Clients à voir", [ToVisitState.open_to_visit, ToVisitState.load_list]
)
def to_visit() -> rx.Component:
    state = ToVisitState
    return rx.vstack(
        page_title(
            "Clients à voir",
            subtitle="Vos clients sans visite depuis "
            + state.months.to_string()
            + " mois, les plus gros d'abord.",
        ),
        rx.cond(
            state.can_set_months,
            rx.form(
                rx.hstack(
                    rx.text("Sans visite depuis", size="2"),
                    rx.input(
                        name="months",
                        default_value=state.months.to_string(),
                        width="5rem",
                        input_mode="numeric",
                        id="visit-months",
                    ),
                    rx.text("mois", size="2"),
                    rx.button("Appliquer", type="submit", variant="soft", size="2"),
                    rx.cond(
                        state.months_error != "",
                        rx.text(state.months_error, color=rx.color("red", 11), size="2"),
                    ),
                    align="center",
                    spacing="2",
                    wrap="wrap",
                ),
                on_submit=state.set_months,
            ),
        ),
        data_table(state, crm.TO_VISIT_LIST, row_route=routes.TIERS_CLIENTS, show_new=False),
        width="100%",
        spacing="3",
    )


@app_page(routes.TIERS_REPORTS, "Comptes rendus", ReportsListState.load_list)
def reports_list() -> rx.Component:
    return list_page(
        "Comptes rendus",
        "Visites, appels et réunions ; vos brouillons en cours.",
        ReportsListState,
        crm.REPORTS_LIST,
        routes.TIERS_REPORTS,
        "Nouveau compte rendu",
    )


def _label(text: str, field_id: str) -> rx.Component:
    return rx.el.label(rx.text(text, size="3", weight="medium"), html_for=field_id)


def _error(name: str) -> rx.Component:
    state = ReportFormState
    return rx.cond(
        state.errors.contains(name),
        rx.text(
            state.errors[name],
            color=rx.color("red", 11),
            size="2",
            role="alert",
            id=f"error-report-{name.replace('_', '-')}",
        ),
    )


def _typed(name: str, label: str, *, area: bool = False) -> rx.Component:
    """A text kept on the server while typed (debounced)."""
    state = ReportFormState
    field_id = f"report-{name.replace('_', '-')}"
    control = (rx.text_area if area else rx.input)(
        value=state.draft.get(name, ""),
        on_change=lambda value: state.keep(name, value),
        id=field_id,
        size="3",
        width="100%",
        **({"rows": "10"} if area else {}),
    )
    return rx.vstack(
        _label(label, field_id),
        rx.debounce_input(control, debounce_timeout=700),
        _error(name),
        spacing="1",
        width="100%",
    )


def _picked(name: str, label: str, options: dict[str, str] | None = None) -> rx.Component:
    """A date or a choice, kept as soon as it changes."""
    state = ReportFormState
    field_id = f"report-{name.replace('_', '-')}"
    if options is None:
        control = rx.input(
            type="date",
            value=state.draft.get(name, ""),
            size="3",
            on_change=lambda value: state.keep(name, value),
            id=field_id,
            width="100%",
        )
    else:
        control = rx.el.select(
            *[rx.el.option(text, value=value) for value, text in options.items()],
            value=state.draft.get(name, ""),
            on_change=lambda value: state.keep(name, value),
            id=field_id,
            class_name="agence-select agence-select-large",
            width="100%",
        )
    return rx.vstack(_label(label, field_id), control, _error(name), spacing="1", width="100%")


def _client_picker() -> rx.Component:
    state = ReportFormState
    return rx.vstack(
        _label("Client ou prospect", "report-client-search"),
        rx.cond(
            state.client_name != "",
            rx.hstack(
                rx.text(state.client_name, size="4", weight="bold", id="report-client"),
                rx.cond(
                    state.editable,
                    rx.button(
                        "Changer", variant="soft", size="3", on_click=state.keep("client_id", "")
                    ),
                ),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            rx.vstack(
                rx.debounce_input(
                    rx.input(
                        value=state.client_search,
                        on_change=state.find_clients,
                        placeholder="Tapez le nom du client…",
                        size="3",
                        width="100%",
                        id="report-client-search",
                    ),
                    debounce_timeout=300,
                ),
                rx.foreach(
                    state.client_options,
                    lambda option: rx.button(
                        option.label,
                        variant="outline",
                        size="3",
                        width="100%",
                        justify="start",
                        on_click=state.choose_client(option.value),
                    ),
                ),
                width="100%",
                spacing="2",
            ),
        ),
        _error("client_id"),
        spacing="2",
        width="100%",
    )


def _contacts_met() -> rx.Component:
    state = ReportFormState
    return rx.cond(
        state.contact_options.length() > 0,
        rx.vstack(
            rx.text("Interlocuteurs rencontrés", size="3", weight="medium"),
            rx.flex(
                rx.foreach(
                    state.contact_options,
                    lambda contact: rx.el.label(
                        rx.checkbox(
                            checked=state.draft.get("contacts", "")
                            .split(",")
                            .contains(contact.value),
                            on_change=lambda _checked: state.toggle_contact(contact.value),
                            size="3",
                        ),
                        rx.text(contact.label, size="3"),
                        display="flex",
                        gap="0.5rem",
                        align_items="center",
                        padding="0.4rem",
                        cursor="pointer",
                    ),
                ),
                wrap="wrap",
                spacing="3",
            ),
            spacing="2",
            width="100%",
        ),
    )


@app_page(routes.record_route(routes.TIERS_REPORTS), "Compte rendu", ReportFormState.open_report)
def report_form() -> rx.Component:
    state = ReportFormState
    two = ["minmax(0, 1fr)", "minmax(0, 1fr)", "minmax(0, 1fr)", "repeat(2, minmax(0, 1fr))"]
    return rx.cond(
        state.not_found,
        not_found_block("Ce compte rendu est introuvable."),
        rx.cond(
            state.loaded,
            rx.vstack(
                page_title(
                    "Compte rendu",
                    rx.badge(
                        rx.cond(
                            state.editable,
                            ReportStatus.DRAFT.label,
                            ReportStatus.VALIDATED.label,
                        ),
                        size="3",
                        color_scheme=rx.cond(state.editable, "orange", "green"),
                        id="report-status",
                    ),
                ),
                rx.cond(
                    state.editable & (state.saved_at != ""),
                    rx.text(
                        "Brouillon enregistré à " + state.saved_at,
                        size="2",
                        color=rx.color("gray", 10),
                        id="report-saved",
                    ),
                ),
                rx.el.fieldset(
                    rx.vstack(
                        _client_picker(),
                        rx.box(
                            _picked("visit_on", "Date"),
                            _picked("kind", "Type", ReportKind.labels()),
                            display="grid",
                            grid_template_columns=two,
                            gap="1rem",
                            width="100%",
                        ),
                        _contacts_met(),
                        _typed("subject", "Objet"),
                        _typed("body", "Compte rendu", area=True),
                        _picked("interest", "Intérêt", {"": "—", **Interest.labels()}),
                        rx.box(
                            _picked(
                                "next_action_kind",
                                "Prochaine action",
                                {"": "—", **NextAction.labels()},
                            ),
                            _picked("next_action_on", "Pour le"),
                            display="grid",
                            grid_template_columns=two,
                            gap="1rem",
                            width="100%",
                        ),
                        spacing="5",
                        width="100%",
                    ),
                    disabled=~state.editable,
                    border="none",
                    padding="0",
                    margin="0",
                    min_width="0",
                    width="100%",
                ),
                rx.cond(
                    state.errors.contains(""),
                    rx.callout(state.errors[""], icon="triangle-alert", color_scheme="red"),
                ),
                rx.cond(
                    state.editable,
                    rx.flex(
                        rx.button(
                            "Valider le compte rendu",
                            size="4",
                            on_click=state.validate,
                            id="report-validate",
                        ),
                        rx.button(
                            "Abandonner le brouillon",
                            size="4",
                            variant="soft",
                            color_scheme="red",
                            on_click=state.discard,
                            id="report-discard",
                        ),
                        spacing="3",
                        wrap="wrap",
                    ),
                    rx.link(
                        rx.button("Retour aux comptes rendus", size="3", variant="soft"),
                        href=routes.TIERS_REPORTS,
                    ),
                ),
                spacing="5",
                width="100%",
                max_width="48rem",
            ),
            rx.center(rx.spinner(size="3"), padding="3rem"),
        ),
    )
