"""Satisfaction: the dossier's tab, the client's survey page (public) and the report."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.forms import field_error
from agence.components.layout import app_page, page_title, public_page
from agence.services.bookings.satisfaction import (
    ProductScore,
    ServiceScore,
    SurveyComment,
    SurveyService,
    WaitingLink,
)
from agence.services.bookings.vocabulary import Recommendation
from agence.state.bookings.satisfaction import (
    BookingSatisfactionState,
    SatisfactionReportState,
    SurveyState,
)


def _score_select(name: str, label: str, required: bool = False, size: str = "2") -> rx.Component:
    return rx.vstack(
        rx.el.label(label + (" *" if required else ""), html_for=f"survey-{name}"),
        rx.el.select(
            rx.el.option("—", value=""),
            *[rx.el.option(f"{score} / 5", value=str(score)) for score in (5, 4, 3, 2, 1)],
            name=name,
            id=f"survey-{name}",
            class_name="agence-select agence-select-large" if size == "3" else "agence-select",
        ),
        spacing="1",
    )


def _survey_service(service: SurveyService) -> rx.Component:
    return rx.vstack(
        rx.el.label(service.label, html_for="survey-score_" + service.key),
        rx.el.select(
            rx.el.option("—", value=""),
            *[rx.el.option(f"{score} / 5", value=str(score)) for score in (5, 4, 3, 2, 1)],
            name="score_" + service.key,
            id="survey-score_" + service.key,
            class_name="agence-select",
        ),
        spacing="1",
    )


def _answer_fields(state, size: str = "2") -> rx.Component:
    return rx.vstack(
        _score_select("overall", "Note globale", required=True, size=size),
        field_error(state, "overall"),
        rx.foreach(state.services, _survey_service),
        rx.vstack(
            rx.text("Recommanderiez-vous l'agence ? *", size="2"),
            rx.radio_group(
                [answer.value for answer in Recommendation], name="would_recommend", direction="row"
            ),
            field_error(state, "would_recommend"),
            spacing="1",
        ),
        rx.text_area(name="comment", rows="4", width="100%", placeholder="Commentaire"),
        field_error(state, "comment"),
        spacing="3",
        width="100%",
    )


def _service_score(row: ServiceScore) -> rx.Component:
    return rx.text(row.label + " : " + row.average + " (" + row.count + ")", size="2")


def _comment(row: SurveyComment) -> rx.Component:
    return rx.text(rx.text.em(row.comment), " — " + row.at, size="2")


def _waiting_link(row: WaitingLink) -> rx.Component:
    return rx.text("Lien envoyé à " + row.email + ", valable jusqu'au " + row.until, size="1")


def satisfaction_tab() -> rx.Component:
    state = BookingSatisfactionState
    results = state.results
    return rx.vstack(
        rx.cond(
            results.answers != "0",
            rx.card(
                rx.vstack(
                    rx.text(
                        results.answers + " réponse(s) · note globale ",
                        rx.text.strong(results.overall),
                        " · recommandent : ",
                        results.recommend,
                        size="2",
                    ),
                    rx.foreach(results.services, _service_score),
                    rx.foreach(results.comments, _comment),
                    spacing="2",
                ),
                width="100%",
                id="satisfaction-results",
            ),
        ),
        rx.foreach(results.waiting, _waiting_link),
        rx.cond(
            state.closed_reason != "",
            rx.callout(state.closed_reason, icon="info", color_scheme="gray"),
        ),
        rx.cond(
            state.can_answer,
            rx.grid(
                rx.card(
                    rx.form(
                        rx.vstack(
                            rx.heading("Lien pour le client", size="3"),
                            rx.input(
                                name="email",
                                default_value=state.default_email,
                                placeholder="E-mail du contact",
                                width="100%",
                                id="survey-email",
                            ),
                            field_error(state, "email"),
                            rx.button("Créer le lien", type="submit", id="survey-link"),
                            rx.cond(
                                state.link != "",
                                rx.link(
                                    state.link, href=state.link, is_external=True, id="survey-url"
                                ),
                            ),
                            spacing="2",
                            width="100%",
                        ),
                        on_submit=state.create_link,
                        reset_on_submit=False,
                    ),
                ),
                rx.card(
                    rx.form(
                        rx.vstack(
                            rx.heading("Réponse saisie par l'agence", size="3"),
                            _answer_fields(state),
                            rx.button("Enregistrer la réponse", type="submit", id="survey-record"),
                            spacing="3",
                            width="100%",
                        ),
                        on_submit=state.record,
                        reset_on_submit=True,
                        key=state.form_key.to_string(),
                    ),
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


@public_page(routes.SURVEY, "Votre avis", SurveyState.load_survey)
def survey_page() -> rx.Component:
    state = SurveyState
    return rx.center(
        rx.card(
            rx.vstack(
                rx.heading("Votre avis sur votre voyage", size="6"),
                rx.cond(
                    state.done,
                    rx.callout(
                        "Merci pour votre réponse !",
                        icon="check",
                        color_scheme="green",
                        id="survey-done",
                    ),
                    rx.cond(
                        state.available,
                        rx.vstack(
                            rx.text(state.title, weight="bold"),
                            rx.text(state.reference + " · " + state.dates, size="2"),
                            rx.form(
                                rx.vstack(
                                    _answer_fields(state, size="3"),
                                    rx.button("Envoyer", type="submit", size="3", id="survey-send"),
                                    spacing="4",
                                    width="100%",
                                ),
                                on_submit=state.submit_survey,
                                reset_on_submit=False,
                                width="100%",
                            ),
                            spacing="3",
                            width="100%",
                        ),
                        rx.callout(state.message, icon="info", id="survey-unavailable"),
                    ),
                ),
                spacing="4",
                width="100%",
            ),
            width="min(40rem, 95vw)",
            margin_y="2rem",
        ),
    )


def _product_row(row: ProductScore) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.product), rx.table.cell(row.average), rx.table.cell(row.count)
    )


@app_page(routes.SATISFACTION, "Satisfaction", SatisfactionReportState.load_report)
def satisfaction_page() -> rx.Component:
    state = SatisfactionReportState
    return rx.vstack(
        page_title("Satisfaction", subtitle="Notes moyennes par prestation du catalogue."),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Prestation"),
                    rx.table.column_header_cell("Note moyenne"),
                    rx.table.column_header_cell("Réponses"),
                )
            ),
            rx.table.body(
                rx.foreach(
                    state.products,
                    _product_row,
                )
            ),
            width="100%",
            size="1",
        ),
        rx.heading("Export pour Avizi", size="4"),
        rx.flex(
            rx.input(
                type="date",
                value=state.since,
                on_change=lambda v: state.set_bound("since", v),
                aria_label="Du",
            ),
            rx.input(
                type="date",
                value=state.until,
                on_change=lambda v: state.set_bound("until", v),
                aria_label="Au",
            ),
            rx.button(rx.icon("download", size=16), "Exporter (CSV)", on_click=state.export_avizi),
            rx.cond(state.error != "", rx.text(state.error, color=rx.color("red", 11))),
            spacing="3",
            wrap="wrap",
            align="center",
        ),
        rx.text(
            "Une ligne par réponse et par prestation notée ; séparateur « ; », UTF-8.",
            size="1",
            color=rx.color("gray", 11),
        ),
        spacing="4",
        width="100%",
    )
