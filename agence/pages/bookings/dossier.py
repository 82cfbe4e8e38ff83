"""The dossiers: their list, « Nouveau dossier », the dossier page with its tabs, the costing of
a version, and the import of participants."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.children import child_section
from agence.components.correspondence import document_maker, messages_section, send_dialog
from agence.components.data_table import data_table
from agence.components.forms import (
    alert_text,
    confirm_button,
    field_error,
    fields_grid,
    form_dialog,
    record_form_card,
    record_page,
)
from agence.components.layout import app_page, not_found_block, page_title
from agence.components.parties import documents_section
from agence.components.segments import segments_bar
from agence.pages.billing.invoicing import invoices_tab, payments_tab
from agence.pages.bookings.programme import programme_tab
from agence.pages.bookings.satisfaction import satisfaction_tab
from agence.pages.bookings.supplier_side import suppliers_tab
from agence.pages.catalogue.costing import costing_screen
from agence.pages.parties.imports import import_layout
from agence.services.bookings.bookings import BOOKINGS, BOOKINGS_LIST, CREATION_FIELDS
from agence.services.bookings.lifecycle import Status
from agence.services.bookings.participants import PARTICIPANTS, PARTICIPANTS_LIST
from agence.services.common.permissions import Module
from agence.services.documents import correspondence
from agence.services.documents.attachments import BOOKING_DOCUMENTS_LIST
from agence.state.billing.invoicing import DossierInvoicesState, SupplierInvoicesState
from agence.state.bookings.dossier import (
    BookingCostingState,
    BookingCreateState,
    BookingDocumentsState,
    BookingFormState,
    BookingParticipantsState,
    BookingsListState,
)
from agence.state.bookings.programme import BookingProgrammeState
from agence.state.bookings.satisfaction import BookingSatisfactionState
from agence.state.bookings.supplier_side import BookingSuppliersState
from agence.state.documents.correspondence import BookingMessagesState, DossierDocumentsState
from agence.state.parties.imports import ParticipantImportState


@app_page(
    routes.BOOKINGS, "Dossiers", [BookingsListState.open_bookings, BookingsListState.load_list]
)
def bookings_list() -> rx.Component:
    return rx.vstack(
        page_title("Dossiers", subtitle="Les groupes, de la demande au solde."),
        segments_bar(BookingsListState, "filtre"),
        data_table(
            BookingsListState, BOOKINGS_LIST, row_route=routes.BOOKINGS, new_label="Nouveau dossier"
        ),
        width="100%",
    )


# --- Creation -----------------------------------------------------------------------------------


def _client_picker() -> rx.Component:
    state = BookingCreateState
    return rx.vstack(
        rx.el.label("Client *", html_for="booking-client-search", style={"font_weight": 500}),
        rx.cond(
            state.client_name != "",
            rx.hstack(
                rx.badge(state.client_name, size="2", id="booking-client-chosen"),
                rx.text("(cherchez un autre nom pour changer)", size="1"),
                align="center",
            ),
        ),
        rx.debounce_input(
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                value=state.client_search,
                on_change=state.search_client,
                placeholder="Nom du client ou du prospect…",
                id="booking-client-search",
                width="100%",
            ),
            debounce_timeout=300,
        ),
        rx.foreach(
            state.client_results,
            lambda client: rx.button(
                client.name + rx.cond(client.city != "", " — " + client.city, ""),
                variant="soft",
                on_click=state.pick_client(client.id),
                width="100%",
                justify="start",
                type="button",
                id="pick-client-" + client.id,
            ),
        ),
        field_error(state, "client_id"),
        spacing="2",
        width="100%",
    )


def _creation() -> rx.Component:
    state = BookingCreateState
    specs = [spec for spec in CREATION_FIELDS if spec.name != "client_id"]
    return rx.vstack(
        page_title("Nouveau dossier"),
        rx.card(
            rx.vstack(
                _client_picker(),
                rx.form(
                    rx.vstack(
                        rx.cond(
                            state.errors.contains(""),
                            rx.callout(state.errors[""], icon="triangle-alert", color_scheme="red"),
                        ),
                        fields_grid(state, specs),
                        rx.text(
                            "Depuis un dossier catalogue : sa cotation et son programme sont "
                            "copiés, le jour 1 tombant à la date d'arrivée ; sans date de départ, "
                            "sa durée la donne.",
                            size="1",
                            color=rx.color("gray", 11),
                        ),
                        rx.hstack(
                            rx.button("Créer le dossier", type="submit", id="booking-create"),
                            rx.link(
                                rx.button("Annuler", variant="soft", color_scheme="gray"),
                                href=routes.BOOKINGS,
                            ),
                            spacing="3",
                        ),
                        spacing="4",
                        width="100%",
                    ),
                    on_submit=state.create,
                    reset_on_submit=False,
                    key=state.form_key.to_string(),
                    width="100%",
                    id="booking-create-form",
                ),
                spacing="5",
                width="100%",
            ),
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


# --- The dossier page ---------------------------------------------------------------------------


def _transition_dialog() -> rx.Component:
    state = BookingFormState
    return form_dialog(
        state.dialog_label,
        rx.text_area(
            name="comment",
            placeholder="Commentaire (obligatoire pour une annulation)",
            rows="3",
            width="100%",
            id="transition-comment",
        ),
        alert_text(state.dialog_error),
        submit_label="Confirmer",
        submit_id="transition-confirm",
        on_submit=state.change_status,
        on_close=state.close_transition,
        is_open=state.dialog_open,
    )


def _amendment_dialog() -> rx.Component:
    state = BookingFormState
    return form_dialog(
        "Nouvel avenant",
        rx.input(
            name="reason",
            placeholder="Objet : ajout d'une nuit, 5 participants de plus…",
            width="100%",
            id="amendment-reason",
        ),
        alert_text(state.amend_error),
        description="La cotation et le programme actuels sont copiés dans une nouvelle "
        "version ; la version précédente reste consultable.",
        submit_label="Ouvrir la nouvelle version",
        submit_id="amendment-go",
        on_submit=state.start_amendment,
        on_close=state.open_amendment,
        is_open=state.amend_open,
    )


def _summary() -> rx.Component:
    state = BookingFormState
    return rx.card(
        rx.flex(
            rx.badge(state.status_label, color_scheme=state.status_color, size="3", id="status"),
            rx.link(state.client_name, href=state.client_url),
            rx.text("Prix par payant ", rx.text.strong(state.price_per_paying), size="2"),
            rx.text("Total ", rx.text.strong(state.total_price), size="2"),
            rx.cond(
                state.cancellation_fee != "",
                rx.text("Frais d'annulation ", rx.text.strong(state.cancellation_fee), size="2"),
            ),
            rx.spacer(),
            rx.foreach(
                state.transitions,
                lambda step: rx.button(
                    step.label,
                    variant=rx.cond(step.target == Status.CANCELLED, "soft", "solid"),
                    color_scheme=rx.cond(step.target == Status.CANCELLED, "red", "accent"),
                    on_click=state.ask_transition(step.target),
                    id="transition-" + step.target,
                ),
            ),
            rx.cond(
                state.amendment_open,
                rx.badge("Avenant en cours", color_scheme="orange", size="2", id="amendment-badge"),
            ),
            rx.cond(
                state.can_validate_amendment,
                confirm_button(
                    "Valider l'avenant",
                    "Le client a accepté l'avenant : sa version devient la version confirmée.",
                    state.validate_amendment,
                    color="green",
                    button_id="amendment-validate",
                ),
            ),
            rx.cond(
                state.can_amend,
                rx.button(
                    rx.icon("file-pen-line", size=16),
                    "Avenant",
                    variant="outline",
                    on_click=state.open_amendment(True),
                    id="amendment-open",
                ),
            ),
            spacing="3",
            align="center",
            wrap="wrap",
            width="100%",
        ),
        width="100%",
    )


def _general_tab() -> rx.Component:
    return record_form_card(
        BookingFormState, BOOKINGS.fields, list_route=routes.BOOKINGS, entity="dossier"
    )


def _costing_tab() -> rx.Component:
    state = BookingFormState
    costing_url = routes.BOOKINGS + "/" + state.record_key + "/cotation"
    return rx.vstack(
        rx.hstack(
            rx.link(
                rx.button(rx.icon("calculator", size=16), "Ouvrir la cotation", id="open-costing"),
                href=costing_url,
            ),
            rx.text(
                "Prestations, quantités, prix par payant et grille : ce que le client se verra "
                "proposer.",
                size="2",
                color=rx.color("gray", 11),
            ),
            align="center",
            wrap="wrap",
            spacing="3",
        ),
        rx.heading("Versions", size="3"),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Version"),
                    rx.table.column_header_cell("Objet"),
                    rx.table.column_header_cell("Le"),
                    rx.table.column_header_cell(""),
                )
            ),
            rx.table.body(
                rx.foreach(
                    state.versions,
                    lambda version: rx.table.row(
                        rx.table.cell(version.number),
                        rx.table.cell(version.reason),
                        rx.table.cell(version.at),
                        rx.table.cell(
                            rx.link(
                                "Voir la cotation",
                                href=costing_url + "?version=" + version.number,
                            )
                        ),
                    ),
                )
            ),
            size="1",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _participants_tab() -> rx.Component:
    state = BookingParticipantsState
    import_url = routes.BOOKINGS + "/" + BookingFormState.record_key + "/import-participants"
    return rx.vstack(
        rx.cond(
            state.can_create,
            rx.link(
                rx.button(rx.icon("upload", size=16), "Importer depuis Excel", variant="soft"),
                href=import_url,
                id="participants-import",
            ),
        ),
        child_section(
            state,
            PARTICIPANTS_LIST,
            PARTICIPANTS.fields,
            title="Participants",
            add_label="Ajouter un participant",
            entity="participant",
            dom_id="participants",
        ),
        spacing="3",
        width="100%",
    )


def _history_tab() -> rx.Component:
    state = BookingFormState
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Le"),
                rx.table.column_header_cell("Par"),
                rx.table.column_header_cell("De"),
                rx.table.column_header_cell("À"),
                rx.table.column_header_cell("Commentaire"),
            )
        ),
        rx.table.body(
            rx.foreach(
                state.history,
                lambda event: rx.table.row(
                    rx.table.cell(event.at),
                    rx.table.cell(event.user),
                    rx.table.cell(event.source),
                    rx.table.cell(event.target),
                    rx.table.cell(event.comment),
                ),
            )
        ),
        size="1",
        width="100%",
        id="history",
    )


def _dossier() -> rx.Component:
    state = BookingFormState
    tab = rx.tabs.trigger
    return record_page(
        state,
        page_title(state.title),
        _summary(),
        rx.tabs.root(
            rx.scroll_area(
                rx.tabs.list(
                    tab("Général", value="general"),
                    tab("Prestations & cotation", value="cotation", id="tab-costing"),
                    tab("Programme", value="programme", id="tab-programme"),
                    tab("Fournisseurs", value="fournisseurs", id="tab-suppliers"),
                    tab("Participants", value="participants", id="tab-participants"),
                    tab("Documents", value="documents", id="tab-documents"),
                    tab("Correspondance", value="correspondance", id="tab-correspondence"),
                    rx.cond(
                        DossierInvoicesState.visible,
                        rx.fragment(
                            tab("Factures", value="factures", id="tab-invoices"),
                            tab("Règlements", value="reglements", id="tab-payments"),
                        ),
                    ),
                    tab("Satisfaction", value="satisfaction", id="tab-satisfaction"),
                    tab("Historique", value="historique", id="tab-history"),
                ),
                type="auto",
                scrollbars="horizontal",
            ),
            rx.tabs.content(_general_tab(), value="general", padding_top="1rem"),
            rx.tabs.content(_costing_tab(), value="cotation", padding_top="1rem"),
            rx.tabs.content(programme_tab(), value="programme", padding_top="1rem"),
            rx.tabs.content(suppliers_tab(), value="fournisseurs", padding_top="1rem"),
            rx.tabs.content(_participants_tab(), value="participants", padding_top="1rem"),
            rx.tabs.content(
                rx.vstack(
                    document_maker(),
                    rx.heading("Documents du dossier", size="3", margin_top="0.5rem"),
                    documents_section(
                        BookingDocumentsState, BOOKING_DOCUMENTS_LIST, "booking_documents"
                    ),
                    spacing="3",
                    width="100%",
                ),
                value="documents",
                padding_top="1rem",
            ),
            rx.tabs.content(
                messages_section(
                    BookingMessagesState,
                    correspondence.MESSAGES_OF_BOOKING,
                    "booking-messages",
                ),
                value="correspondance",
                padding_top="1rem",
            ),
            rx.tabs.content(invoices_tab(), value="factures", padding_top="1rem"),
            rx.tabs.content(payments_tab(), value="reglements", padding_top="1rem"),
            rx.tabs.content(satisfaction_tab(), value="satisfaction", padding_top="1rem"),
            rx.tabs.content(_history_tab(), value="historique", padding_top="1rem"),
            default_value="general",
            width="100%",
        ),
        _transition_dialog(),
        _amendment_dialog(),
        send_dialog(),
    )


@app_page(
    routes.record_route(routes.BOOKINGS),
    "Dossier",
    [
        BookingCreateState.load,
        BookingFormState.load,
        BookingProgrammeState.load_programme,
        BookingProgrammeState.load_children,
        BookingSuppliersState.load_suppliers,
        BookingParticipantsState.load_children,
        BookingSatisfactionState.load_satisfaction,
        BookingDocumentsState.load_documents,
        DossierDocumentsState.load_maker,
        BookingMessagesState.load_messages,
        DossierInvoicesState.load_invoices,
        SupplierInvoicesState.load_supplier_invoices,
    ],
)
def booking_page() -> rx.Component:
    return rx.cond(BookingCreateState.active, _creation(), _dossier())


@app_page(routes.BOOKING_COSTING, "Cotation du dossier", BookingCostingState.load)
def booking_costing_page() -> rx.Component:
    return costing_screen(BookingCostingState, dossier=True)


@app_page(
    routes.BOOKING_PARTICIPANTS_IMPORT,
    "Import de participants",
    ParticipantImportState.open_participant_import,
)
def participants_import_page() -> rx.Component:
    state = ParticipantImportState
    return rx.cond(
        state.booking_url == "",
        not_found_block(),
        rx.vstack(
            rx.link("← Retour au dossier", href=state.booking_url),
            import_layout(
                state,
                "Import de participants",
                Module.BOOKINGS,
                " Nom obligatoire ; catégorie (adulte, enfant…), type de chambre, chambre "
                "partagée, régime alimentaire.",
            ),
            width="100%",
        ),
    )
