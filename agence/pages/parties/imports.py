"""Imports from Excel or CSV: clients or suppliers (Tiers), tariffs (Catalogue). One page
layout serves both, each with its own state and right."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.layout import app_page, page_title
from agence.services.common.permissions import Module
from agence.services.parties.imports import MAX_ROWS, targets_of
from agence.state.parties.imports import ImportState, RateImportState

UPLOAD_ID = "import_file"


def _mapping_table(state) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.foreach(
                        state.headers,
                        lambda header, index: rx.table.column_header_cell(
                            rx.vstack(
                                rx.text(header, weight="bold"),
                                rx.el.select(
                                    rx.foreach(
                                        state.field_options,
                                        lambda o: rx.el.option(o.label, value=o.value),
                                    ),
                                    value=state.mapping.get(index.to_string(), ""),
                                    on_change=lambda field: state.map_column(
                                        index.to_string(), field
                                    ),
                                    class_name="agence-select",
                                    aria_label="Champ de la colonne " + header,
                                ),
                                spacing="1",
                            ),
                        ),
                    ),
                )
            ),
            rx.table.body(
                rx.foreach(
                    state.preview,
                    lambda row: rx.table.row(rx.foreach(row, lambda cell: rx.table.cell(cell))),
                )
            ),
            size="1",
            variant="surface",
        ),
        width="100%",
        overflow_x="auto",
        id="import-mapping",
    )


def _report(state) -> rx.Component:
    return rx.cond(
        state.checked,
        rx.vstack(
            rx.callout(
                state.report_summary,
                icon=rx.cond(state.report_ok, "check", "info"),
                color_scheme=rx.cond(state.report_ok, "green", "orange"),
                id="import-summary",
            ),
            rx.cond(
                state.report_lines.length() > 0,
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell("Ligne"),
                                rx.table.column_header_cell("Champ"),
                                rx.table.column_header_cell("Message"),
                            )
                        ),
                        rx.table.body(
                            rx.foreach(
                                state.report_lines,
                                lambda e: rx.table.row(
                                    rx.table.cell(e.line),
                                    rx.table.cell(e.field),
                                    rx.table.cell(e.message),
                                ),
                            )
                        ),
                        size="1",
                    ),
                    max_height="24rem",
                    overflow_y="auto",
                    width="100%",
                    id="import-errors",
                ),
            ),
            spacing="3",
            width="100%",
        ),
    )


def import_layout(state, title: str, module: Module, hint: str = "") -> rx.Component:
    return rx.vstack(
        page_title(
            title,
            subtitle=f"Un fichier Excel (.xlsx) ou CSV, {MAX_ROWS} lignes au plus, la "
            "première ligne donnant les noms des colonnes." + hint,
        ),
        rx.hstack(
            rx.text("Importer des", size="3"),
            rx.el.select(
                *[
                    rx.el.option(target.label, value=str(key))
                    for key, target in targets_of(module).items()
                ],
                value=state.target,
                on_change=state.choose_target,
                class_name="agence-select",
                id="import-target",
            ),
            align="center",
            spacing="2",
        ),
        rx.upload(
            rx.vstack(
                rx.icon("file-up", size=28),
                rx.text(
                    rx.cond(
                        state.file_name != "",
                        "Fichier : " + state.file_name,
                        "Déposez le fichier ici ou cliquez pour le choisir",
                    ),
                    size="2",
                ),
                align="center",
                spacing="1",
            ),
            id=UPLOAD_ID,
            max_files=1,
            accept={
                "text/csv": [".csv"],
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [".xlsx"],
            },
            on_drop=state.upload_file(rx.upload_files(upload_id=UPLOAD_ID)),
            border=f"1px dashed {rx.color('gray', 8)}",
            border_radius="var(--radius-3)",
            padding="1.5rem",
            width="100%",
        ),
        rx.cond(
            state.file_error != "",
            rx.text(
                state.file_error, color=rx.color("red", 11), role="alert", id="import-file-error"
            ),
        ),
        rx.cond(
            state.headers.length() > 0,
            rx.vstack(
                rx.heading("Colonnes", size="4"),
                rx.text(
                    state.row_count.to_string() + " ligne(s). Choisissez le champ de chaque "
                    "colonne (aperçu des premières lignes).",
                    size="2",
                ),
                _mapping_table(state),
                rx.cond(
                    state.mapping_error != "",
                    rx.text(
                        state.mapping_error,
                        color=rx.color("red", 11),
                        role="alert",
                        id="import-mapping-error",
                    ),
                ),
                rx.flex(
                    rx.button(
                        "Vérifier",
                        on_click=state.check_file,
                        disabled=state.running,
                        variant="soft",
                        id="import-check",
                    ),
                    rx.button(
                        "Importer",
                        on_click=state.import_file(False),
                        disabled=state.running,
                        id="import-run",
                    ),
                    rx.button(
                        "Importer les lignes valides",
                        on_click=state.import_file(True),
                        disabled=state.running,
                        variant="outline",
                        id="import-run-valid",
                    ),
                    spacing="3",
                    wrap="wrap",
                ),
                rx.cond(state.running, rx.progress(value=state.progress, width="100%")),
                rx.cond(
                    state.result != "", rx.callout(state.result, icon="info", id="import-result")
                ),
                _report(state),
                spacing="3",
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
    )


@app_page(routes.TIERS_IMPORT, "Import", ImportState.open_import)
def import_page() -> rx.Component:
    return import_layout(ImportState, "Import de tiers", Module.THIRD_PARTIES)


@app_page(routes.CATALOGUE_RATES_IMPORT, "Import de tarifs", RateImportState.open_import)
def rate_import_page() -> rx.Component:
    return import_layout(
        RateImportState,
        "Import de tarifs",
        Module.CATALOGUE,
        " Chaque ligne nomme sa prestation (nom exact) ; les tarifs qui en chevauchent un "
        "autre sont refusés. Rien n'est importé si une ligne est refusée, sauf « Importer "
        "les lignes valides ».",
    )
