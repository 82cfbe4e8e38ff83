"""The dossiers: list, creation, the dossier page with its tabs, the dossier's costing."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.children import child_dialog, child_section
from agence.components.correspondence import document_maker, messages_section, send_dialog
from agence.components.data_table import data_table, list_page
from agence.components.forms import (
    alert_text,
    checkbox_group,
    confirm_button,
    field_error,
    fields_grid,
    form_dialog,
    record_form_card,
    record_page,
)
from agence.components.layout import app_page, not_found_block, page_title, public_page
from agence.components.parties import documents_section
from agence.components.segments import segments_bar
from agence.pages.billing.invoicing import invoices_tab, payments_tab
from agence.pages.catalogue.costing import costing_screen
from agence.pages.parties.imports import import_layout
from agence.services.bookings.board import SECTIONS
from agence.services.bookings.bookings import BOOKINGS, BOOKINGS_LIST, CREATION_FIELDS
from agence.services.bookings.guides import GUIDES, UNAVAILABILITIES
from agence.services.bookings.guides import LANGUAGE_FIELD as GUIDE_LANGUAGE_FIELD
from agence.services.bookings.participants import PARTICIPANTS, PARTICIPANTS_LIST
from agence.services.bookings.programme import BOOKING_PROGRAMME
from agence.services.bookings.supplier_side import DIRECTIONS, KINDS
from agence.services.bookings.supplier_side import STATUSES as SUPPLIER_STATUSES
from agence.services.common.permissions import Module
from agence.services.documents import correspondence
from agence.services.documents.attachments import BOOKING_DOCUMENTS_LIST
from agence.state.billing.invoicing import DossierInvoicesState, SupplierInvoicesState
from agence.state.bookings.bookings import (
    BookingCostingState,
    BookingCreateState,
    BookingDocumentsState,
    BookingFormState,
    BookingParticipantsState,
    BookingProgrammeState,
    BookingSatisfactionState,
    BookingsListState,
    BookingSuppliersState,
    FollowUpBoardState,
    GuideAssignmentState,
    GuideFormState,
    GuidesListState,
    GuideUnavailabilityState,
    PlanningState,
    SatisfactionReportState,
    SurveyState,
)
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
                client["name"] + rx.cond(client["city"] != "", " — " + client["city"], ""),
                variant="soft",
                on_click=state.pick_client(client["id"]),
                width="100%",
                justify="start",
                type="button",
                id="pick-client-" + client["id"],
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
                    step["label"],
                    variant=rx.cond(step["target"] == "annule", "soft", "solid"),
                    color_scheme=rx.cond(step["target"] == "annule", "red", "accent"),
                    on_click=state.ask_transition(step["target"]),
                    id="transition-" + step["target"],
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
                        rx.table.cell(version["number"]),
                        rx.table.cell(version["reason"]),
                        rx.table.cell(version["at"]),
                        rx.table.cell(
                            rx.link(
                                "Voir la cotation",
                                href=costing_url + "?version=" + version["number"],
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


def _programme_item(item) -> rx.Component:
    state = BookingProgrammeState
    return rx.flex(
        rx.text(item["time"], size="2", weight="medium", min_width="7rem"),
        rx.vstack(
            rx.hstack(
                rx.text(item["title"], size="2", weight="medium"),
                rx.cond(item["transfer"] == "1", rx.badge("Transfert", variant="soft")),
                spacing="2",
                align="center",
            ),
            rx.cond(
                item["place"] != "",
                rx.hstack(
                    rx.icon("map-pin", size=14),
                    rx.text(item["place"], size="1"),
                    rx.cond(
                        item["map"] != "",
                        rx.link("Carte", href=item["map"], is_external=True, size="1"),
                    ),
                    spacing="1",
                    align="center",
                ),
            ),
            rx.cond(
                item["notes"] != "", rx.text(item["notes"], size="1", color=rx.color("gray", 11))
            ),
            rx.hstack(
                rx.foreach(
                    item["guides"].to(list[dict[str, str]]),
                    lambda guide: rx.badge(
                        rx.icon("flag", size=12),
                        guide["name"],
                        rx.cond(guide["forced"] == "1", " (forcé)", ""),
                        rx.cond(
                            state.can_change,
                            rx.icon(
                                "x",
                                size=12,
                                cursor="pointer",
                                on_click=GuideAssignmentState.remove(guide["id"]),
                            ),
                        ),
                        color_scheme=rx.cond(guide["forced"] == "1", "orange", "blue"),
                        variant="soft",
                    ),
                ),
                spacing="1",
                wrap="wrap",
            ),
            spacing="1",
            flex="1",
            min_width="12rem",
        ),
        rx.hstack(
            rx.icon_button(
                rx.icon("pencil", size=14),
                size="1",
                variant="ghost",
                on_click=state.open_existing(item["id"]),
                aria_label="Modifier l'étape",
            ),
            rx.cond(
                state.can_change,
                rx.button(
                    rx.icon("flag", size=12),
                    "Guide",
                    size="1",
                    variant="soft",
                    on_click=GuideAssignmentState.open_for(item["id"], item["title"]),
                    id="guide-open-" + item["id"],
                ),
            ),
            rx.cond(
                state.can_change,
                rx.hstack(
                    rx.icon_button(
                        rx.icon("arrow-up", size=14),
                        size="1",
                        variant="ghost",
                        on_click=state.move(item["id"], -1),
                        aria_label="Monter",
                    ),
                    rx.icon_button(
                        rx.icon("arrow-down", size=14),
                        size="1",
                        variant="ghost",
                        on_click=state.move(item["id"], 1),
                        aria_label="Descendre",
                    ),
                    spacing="1",
                ),
            ),
            spacing="1",
        ),
        spacing="3",
        align="start",
        wrap="wrap",
        width="100%",
        padding_y="0.5rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def _programme_tab() -> rx.Component:
    state = BookingProgrammeState
    return rx.vstack(
        rx.hstack(
            rx.cond(
                state.can_change,
                rx.button(
                    rx.icon("plus", size=16),
                    "Ajouter une étape",
                    on_click=state.open_new,
                    id="programme-add",
                ),
            ),
            width="100%",
        ),
        rx.cond(
            state.days.length() == 0,
            rx.text("Aucune étape pour l'instant.", size="2", color=rx.color("gray", 11)),
        ),
        rx.foreach(
            state.days,
            lambda day: rx.card(
                rx.vstack(
                    rx.heading(day["weekday"].to(str) + " " + day["day"].to(str), size="3"),
                    rx.foreach(day["items"].to(list[dict[str, str]]), _programme_item),
                    spacing="1",
                    width="100%",
                ),
                width="100%",
            ),
        ),
        child_dialog(state, BOOKING_PROGRAMME.fields, "étape", "programme"),
        guide_dialog(),
        spacing="3",
        width="100%",
        id="programme",
    )


def _service_row(service) -> rx.Component:
    state = BookingSuppliersState
    return rx.flex(
        rx.text(service["label"], size="2", weight="medium", flex="1", min_width="12rem"),
        rx.el.select(
            *[rx.el.option(label, value=code) for code, label in SUPPLIER_STATUSES.items()],
            value=service["status"],
            on_change=lambda value: state.update_service(service["line_id"], "status", value),
            disabled=~state.can_change,
            class_name="agence-select",
            aria_label="Réservation fournisseur",
            id="supplier-status-" + service["line_id"],
        ),
        rx.cond(
            service["status"] == "option",
            rx.input(
                type="date",
                value=service["option_until"],
                on_change=lambda value: state.update_service(
                    service["line_id"], "option_until", value
                ),
                disabled=~state.can_change,
                aria_label="Option jusqu'au",
                width="10rem",
            ),
        ),
        rx.input(
            default_value=service["reference"],
            placeholder="Référence fournisseur",
            on_blur=lambda value: state.update_service(service["line_id"], "reference", value),
            disabled=~state.can_change,
            width="12rem",
            id="supplier-reference-" + service["line_id"],
        ),
        spacing="2",
        align="center",
        wrap="wrap",
        width="100%",
        padding_y="0.4rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def _supplier_card(supplier) -> rx.Component:
    state = BookingSuppliersState
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.heading(supplier["name"], size="3"),
                rx.cond(
                    supplier["to_request"] != "0",
                    rx.badge(supplier["to_request"].to(str) + " à demander", color_scheme="orange"),
                ),
                rx.text(supplier["email"], " ", supplier["phone"], size="1"),
                rx.spacer(),
                rx.cond(
                    state.can_change,
                    rx.button(
                        rx.icon("message-square-plus", size=14),
                        "Noter un échange",
                        size="1",
                        variant="soft",
                        on_click=state.open_exchange(supplier["id"]),
                    ),
                ),
                spacing="3",
                align="center",
                wrap="wrap",
                width="100%",
            ),
            rx.foreach(supplier["services"].to(list[dict[str, str]]), _service_row),
            rx.foreach(
                supplier["exchanges"].to(list[dict[str, str]]),
                lambda exchange: rx.text(
                    rx.text.strong(exchange["at"] + " · " + exchange["kind"] + " "),
                    rx.text.em("(" + exchange["direction"] + ", " + exchange["user"] + ") "),
                    exchange["summary"],
                    size="1",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _exchange_dialog() -> rx.Component:
    state = BookingSuppliersState
    return form_dialog(
        "Échange avec " + state.exchange_name,
        rx.hstack(
            rx.el.select(
                *[rx.el.option(label, value=code) for code, label in KINDS.items()],
                name="kind",
                class_name="agence-select",
                aria_label="Moyen",
            ),
            rx.el.select(
                *[rx.el.option(label, value=code) for code, label in DIRECTIONS.items()],
                name="direction",
                class_name="agence-select",
                aria_label="Sens",
            ),
            spacing="2",
        ),
        rx.text_area(name="summary", rows="4", width="100%", placeholder="Résumé"),
        field_error(state, "summary", state.exchange_errors),
        submit_label="Enregistrer",
        on_submit=state.save_exchange,
        on_close=state.close_exchange,
        is_open=state.exchange_open,
        width="32rem",
    )


def _suppliers_tab() -> rx.Component:
    state = BookingSuppliersState
    return rx.vstack(
        rx.text(
            "Chaque prestation achetée : sa réservation chez le fournisseur (option jusqu'à une "
            "date, confirmation, référence) et les échanges notés.",
            size="2",
            color=rx.color("gray", 11),
        ),
        rx.cond(
            state.suppliers.length() == 0,
            rx.text(
                "Aucune prestation de fournisseur dans la cotation.",
                size="2",
                color=rx.color("gray", 11),
            ),
        ),
        rx.foreach(state.suppliers, _supplier_card),
        _exchange_dialog(),
        spacing="3",
        width="100%",
        id="suppliers",
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
                    rx.table.cell(event["at"]),
                    rx.table.cell(event["user"]),
                    rx.table.cell(event["from"]),
                    rx.table.cell(event["to"]),
                    rx.table.cell(event["comment"]),
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
            rx.tabs.content(_programme_tab(), value="programme", padding_top="1rem"),
            rx.tabs.content(_suppliers_tab(), value="fournisseurs", padding_top="1rem"),
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
            rx.tabs.content(_satisfaction_tab(), value="satisfaction", padding_top="1rem"),
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


# --- Follow-up board ----------------------------------------------------------------------------


def _board_row(row) -> rx.Component:
    return rx.link(
        rx.flex(
            rx.text(row["reference"], weight="bold", size="2", min_width="8.5rem"),
            rx.text(row["title"], size="2", flex="1", min_width="10rem"),
            rx.text(row["client"], size="2", color=rx.color("gray", 11)),
            rx.text(
                row["detail"],
                size="2",
                color=rx.cond(row["urgent"] == "1", rx.color("red", 11), rx.color("gray", 12)),
                weight=rx.cond(row["urgent"] == "1", "bold", "regular"),
            ),
            spacing="3",
            wrap="wrap",
            align="center",
            width="100%",
            padding_y="0.45rem",
            border_bottom=f"1px solid {rx.color('gray', 4)}",
        ),
        href=routes.BOOKINGS + "/" + row["id"],
        underline="none",
        color="inherit",
        width="100%",
    )


def _board_section(section) -> rx.Component:
    rows = FollowUpBoardState.sections.get(section.key, [])
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(section.title, size="3"),
                rx.badge(rows.length(), variant="soft", id=f"board-count-{section.key}"),
                align="center",
            ),
            rx.cond(
                rows.length() == 0,
                rx.text(section.empty, size="2", color=rx.color("gray", 11)),
                rx.vstack(rx.foreach(rows, _board_row), spacing="0", width="100%"),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id=f"board-{section.key}",
    )


@app_page(routes.BOARD, "Suivi des dossiers", FollowUpBoardState.load_board)
def follow_up_board() -> rx.Component:
    state = FollowUpBoardState
    return rx.vstack(
        page_title(
            "Suivi des dossiers",
            rx.el.select(
                *[
                    rx.el.option(f"Échéances à {days} jours", value=str(days))
                    for days in (3, 7, 14, 30)
                ],
                value=state.horizon,
                on_change=state.horizon_changed,
                class_name="agence-select",
                aria_label="Horizon",
                id="board-horizon",
            ),
            subtitle="Mis à jour en continu · " + state.updated_at,
        ),
        rx.grid(
            *[_board_section(section) for section in SECTIONS],
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
        ),
        width="100%",
    )


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


# --- Guides -------------------------------------------------------------------------------------


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


# --- Planning -----------------------------------------------------------------------------------


def _capacity_cell(cell) -> rx.Component:
    return rx.table.cell(
        rx.cond(
            cell["state"] == "none",
            rx.text("—", color=rx.color("gray", 8)),
            rx.vstack(
                rx.badge(
                    cell["left"] + " / " + cell["capacity"],
                    color_scheme=rx.match(
                        cell["state"], ("full", "red"), ("low", "orange"), "green"
                    ),
                    size="2",
                ),
                rx.text(cell["holders"], size="1", color=rx.color("gray", 11)),
                spacing="1",
            ),
        ),
    )


def _product_planning() -> rx.Component:
    state = PlanningState
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Jour"),
                    rx.foreach(state.slots, lambda slot: rx.table.column_header_cell(slot)),
                )
            ),
            rx.table.body(
                rx.foreach(
                    state.days,
                    lambda day: rx.table.row(
                        rx.table.cell(
                            rx.text(day["weekday"].to(str) + " " + day["day"].to(str), size="2")
                        ),
                        rx.foreach(day["cells"].to(list[dict[str, str]]), _capacity_cell),
                    ),
                )
            ),
            size="1",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
        id="planning-product",
    )


def _guide_planning() -> rx.Component:
    state = PlanningState
    return rx.vstack(
        rx.foreach(
            state.guide_days,
            lambda day: rx.flex(
                rx.text(
                    day["weekday"] + " " + day["day"], size="2", weight="medium", min_width="7rem"
                ),
                rx.cond(
                    day["off"] != "",
                    rx.badge(day["off"], color_scheme="gray"),
                    rx.text(
                        rx.cond(day["items"] != "", day["items"], "Libre"),
                        size="2",
                        color=rx.cond(
                            day["items"] != "", rx.color("gray", 12), rx.color("green", 11)
                        ),
                    ),
                ),
                spacing="3",
                wrap="wrap",
                width="100%",
                padding_y="0.4rem",
                border_bottom=f"1px solid {rx.color('gray', 4)}",
            ),
        ),
        spacing="0",
        width="100%",
        id="planning-guide",
    )


@app_page(routes.PLANNING, "Planning", PlanningState.load_planning)
def planning_page() -> rx.Component:
    state = PlanningState
    select = lambda name, options, value, label: rx.el.select(  # noqa: E731
        *options,
        value=value,
        on_change=lambda v: state.set_choice(name, v),
        class_name="agence-select agence-select-large",
        aria_label=label,
        id=f"planning-{name}",
    )
    return rx.vstack(
        page_title("Planning", subtitle=state.period_label),
        rx.flex(
            select(
                "mode",
                [
                    rx.el.option("Par prestation", value="produit"),
                    rx.el.option("Par guide", value="guide"),
                ],
                state.mode,
                "Vue",
            ),
            rx.cond(
                state.mode == "produit",
                select(
                    "product_id",
                    [rx.foreach(state.product_options, lambda o: rx.el.option(o[1], value=o[0]))],
                    state.product_id,
                    "Prestation",
                ),
                select(
                    "guide_id",
                    [rx.foreach(state.guide_options, lambda o: rx.el.option(o[1], value=o[0]))],
                    state.guide_id,
                    "Guide",
                ),
            ),
            select(
                "view",
                [rx.el.option("Semaine", value="semaine"), rx.el.option("Mois", value="mois")],
                state.view,
                "Période",
            ),
            rx.hstack(
                rx.icon_button(
                    rx.icon("chevron-left"),
                    size="3",
                    variant="soft",
                    on_click=state.shift(-1),
                    aria_label="Période précédente",
                ),
                rx.input(
                    type="date",
                    value=state.start,
                    on_change=lambda v: state.set_choice("start", v),
                    size="3",
                    aria_label="Date",
                ),
                rx.icon_button(
                    rx.icon("chevron-right"),
                    size="3",
                    variant="soft",
                    on_click=state.shift(1),
                    aria_label="Période suivante",
                ),
                spacing="2",
            ),
            spacing="3",
            wrap="wrap",
            align="center",
            width="100%",
        ),
        rx.cond(
            (state.mode == "produit") & (state.product_options.length() == 0),
            rx.text(
                "Aucune prestation n'a de disponibilités : ajoutez-en dans l'onglet "
                "« Disponibilités » d'une prestation.",
                size="2",
            ),
        ),
        rx.cond(state.mode == "produit", _product_planning(), _guide_planning()),
        spacing="4",
        width="100%",
    )


# --- Satisfaction -------------------------------------------------------------------------------


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


def _answer_fields(state, size: str = "2") -> rx.Component:
    return rx.vstack(
        _score_select("overall", "Note globale", required=True, size=size),
        field_error(state, "overall"),
        rx.foreach(
            state.services,
            lambda service: rx.vstack(
                rx.el.label(service["label"], html_for="survey-score_" + service["key"]),
                rx.el.select(
                    rx.el.option("—", value=""),
                    *[rx.el.option(f"{score} / 5", value=str(score)) for score in (5, 4, 3, 2, 1)],
                    name="score_" + service["key"],
                    id="survey-score_" + service["key"],
                    class_name="agence-select",
                ),
                spacing="1",
            ),
        ),
        rx.vstack(
            rx.text("Recommanderiez-vous l'agence ? *", size="2"),
            rx.radio_group(["oui", "non"], name="would_recommend", direction="row"),
            field_error(state, "would_recommend"),
            spacing="1",
        ),
        rx.text_area(name="comment", rows="4", width="100%", placeholder="Commentaire"),
        field_error(state, "comment"),
        spacing="3",
        width="100%",
    )


def _satisfaction_tab() -> rx.Component:
    state = BookingSatisfactionState
    results = state.results
    return rx.vstack(
        rx.cond(
            results.get("answers", "0") != "0",
            rx.card(
                rx.vstack(
                    rx.text(
                        results["answers"].to(str) + " réponse(s) · note globale ",
                        rx.text.strong(results["overall"].to(str)),
                        " · recommandent : ",
                        results["recommend"].to(str),
                        size="2",
                    ),
                    rx.foreach(
                        results["services"].to(list[dict[str, str]]),
                        lambda row: rx.text(
                            row["label"] + " : " + row["average"] + " (" + row["count"] + ")",
                            size="2",
                        ),
                    ),
                    rx.foreach(
                        results["comments"].to(list[dict[str, str]]),
                        lambda row: rx.text(
                            rx.text.em(row["comment"]), " — " + row["at"], size="2"
                        ),
                    ),
                    spacing="2",
                ),
                width="100%",
                id="satisfaction-results",
            ),
        ),
        rx.foreach(
            results.get("waiting", []).to(list[dict[str, str]]),
            lambda row: rx.text(
                "Lien envoyé à " + row["email"] + ", valable jusqu'au " + row["until"], size="1"
            ),
        ),
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
                    lambda row: rx.table.row(
                        rx.table.cell(row["product"]),
                        rx.table.cell(row["average"]),
                        rx.table.cell(row["count"]),
                    ),
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
