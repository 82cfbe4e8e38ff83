"""« Statistiques »: the index of the reports and one report's page."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.figures import link_card
from agence.components.layout import app_page, not_found_block, page_title
from agence.components.statistics import report_form, report_table
from agence.state.statistics.reports import ReportState, StatisticsIndexState


def _card(card) -> rx.Component:
    return link_card(
        rx.heading(card.title, size="4"),
        rx.text(card.description, size="2", color=rx.color("gray", 11)),
        href=card.url,
    )


@app_page(routes.STATISTICS, "Statistiques", StatisticsIndexState.open_index)
def statistics_index() -> rx.Component:
    return rx.vstack(
        page_title("Statistiques", subtitle="Les chiffres de l'agence, de la période à la ligne"),
        rx.grid(
            rx.foreach(StatisticsIndexState.cards, _card),
            columns=rx.breakpoints(initial="1", sm="2", lg="3"),
            spacing="4",
            width="100%",
            id="reports",
        ),
        spacing="4",
        width="100%",
    )


@app_page(routes.STATISTICS_REPORT, "Statistiques", ReportState.open_report)
def statistics_report() -> rx.Component:
    return rx.cond(
        ReportState.not_found,
        not_found_block("Ce rapport n'existe pas."),
        rx.vstack(
            page_title(
                ReportState.report_title,
                rx.cond(
                    ReportState.can_export,
                    rx.button(
                        rx.icon("file-spreadsheet", size=16),
                        "Exporter Excel",
                        variant="soft",
                        loading=ReportState.exporting,
                        on_click=ReportState.export_excel,
                        id="export-report",
                    ),
                ),
                rx.link("Tous les rapports", href=routes.STATISTICS, size="2"),
                subtitle=ReportState.description,
            ),
            rx.card(report_form(ReportState), width="100%"),
            rx.text(ReportState.period_text, size="2", color=rx.color("gray", 11), id="period"),
            rx.foreach(ReportState.tables, report_table),
            spacing="4",
            width="100%",
        ),
    )
