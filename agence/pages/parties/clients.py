"""The client file: the list (segments, « Affecter à… ») and the client's page with tabs."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.children import child_section
from agence.components.correspondence import messages_section
from agence.components.data_table import data_table
from agence.components.forms import (
    checkbox_group,
    field_error,
    fields_grid,
    record_form_card,
    record_page,
)
from agence.components.layout import app_page, page_title
from agence.components.parties import contact_and_address_tabs, documents_section
from agence.components.segments import segments_bar
from agence.services.admin.audit_log import AUDIT_LIST
from agence.services.catalogue.client_prices import NEGOTIATED_PRICES
from agence.services.documents import correspondence
from agence.services.documents.attachments import CLIENT_DOCUMENTS_LIST
from agence.services.parties.clients import CATEGORY_FIELD, CLIENTS
from agence.services.parties.crm import NEXT_ACTION_FIELDS, REPORTS_LIST
from agence.services.parties.party_records import (
    CLIENT_ADDRESSES,
    CLIENT_CONTACTS,
    CLIENT_CONTRACTS,
    CLIENT_DISCOUNTS,
)
from agence.services.parties.vocabulary import ClientStatus
from agence.state.documents.correspondence import ClientMessagesState
from agence.state.parties.clients import (
    ClientAddressesState,
    ClientContactsState,
    ClientContractsState,
    ClientDiscountsState,
    ClientDocumentsState,
    ClientFormState,
    ClientHistoryState,
    ClientNegotiatedPricesState,
    ClientReportsState,
    ClientsListState,
)

CLIENT_DOCUMENT_UPLOAD = "client_documents"


# --- List ------------------------------------------------------------------------------------


def _assign_bar() -> rx.Component:
    state = ClientsListState
    return rx.cond(
        state.can_assign & (state.selected.length() > 0),
        rx.callout(
            rx.form(
                rx.flex(
                    rx.text(
                        state.selected.length().to_string() + " client(s) coché(s)", weight="medium"
                    ),
                    rx.el.select(
                        rx.el.option("Affecter à…", value=""),
                        rx.foreach(
                            state.rep_options, lambda o: rx.el.option(o.label, value=o.value)
                        ),
                        name="sales_rep_id",
                        class_name="agence-select",
                        id="assign-rep",
                    ),
                    rx.button("Affecter", type="submit", id="assign-submit"),
                    rx.button(
                        "Décocher", variant="ghost", type="button", on_click=state.clear_selection
                    ),
                    rx.cond(
                        state.assign_error != "",
                        rx.text(state.assign_error, color=rx.color("red", 11), size="2"),
                    ),
                    wrap="wrap",
                    spacing="3",
                    align="center",
                ),
                on_submit=state.assign_selected,
            ),
            icon="users",
            width="100%",
        ),
    )


@app_page(
    routes.TIERS_CLIENTS,
    "Clients et prospects",
    [ClientsListState.open_clients, ClientsListState.load_list],
)
def clients_list() -> rx.Component:
    return rx.vstack(
        page_title(
            "Clients et prospects", subtitle="La clientèle et les prospects, avec leur en-cours."
        ),
        segments_bar(ClientsListState),
        _assign_bar(),
        data_table(
            ClientsListState,
            CLIENTS.list_spec(),
            row_route=routes.TIERS_CLIENTS,
            new_label="Nouveau client",
            selectable=True,
        ),
        width="100%",
        spacing="3",
    )


# --- Client page ------------------------------------------------------------------------------


def _duplicates() -> rx.Component:
    state = ClientFormState
    return rx.cond(
        state.duplicates.length() > 0,
        rx.callout(
            rx.vstack(
                rx.text("Ce client existe peut-être déjà :", weight="bold"),
                rx.foreach(
                    state.duplicates,
                    lambda d: rx.hstack(
                        rx.link(d.name, href=routes.TIERS_CLIENTS + "/" + d.client_id.to_string()),
                        rx.text("(" + d.reason + ")", size="2"),
                        spacing="2",
                    ),
                ),
                rx.text(
                    "Si c'est bien un autre client, cochez « Créer quand même » puis enregistrez.",
                    size="2",
                ),
                spacing="1",
            ),
            icon="copy",
            color_scheme="orange",
            id="duplicates",
        ),
    )


def _outstanding() -> rx.Component:
    state = ClientFormState
    return rx.cond(
        ~state.is_new,
        rx.flex(
            rx.card(
                rx.vstack(
                    rx.text("En-cours", size="1", color=rx.color("gray", 10)),
                    rx.heading(state.outstanding, size="5", id="client-outstanding"),
                    rx.cond(
                        state.credit_limit != "",
                        rx.text("Plafond : " + state.credit_limit, size="2"),
                        rx.text("Pas de plafond", size="2", color=rx.color("gray", 10)),
                    ),
                    rx.cond(
                        state.over_limit,
                        rx.badge("Plafond dépassé", color_scheme="red", id="over-limit"),
                    ),
                    spacing="1",
                ),
            ),
            rx.cond(
                (state.values.get("status", "") == ClientStatus.PROSPECT.value) & state.can_edit,
                rx.button(
                    "Convertir en client",
                    on_click=state.convert_to_client,
                    id="convert-to-client",
                    variant="soft",
                    color_scheme="green",
                ),
            ),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
    )


def _identity_tab() -> rx.Component:
    state = ClientFormState
    return record_form_card(
        state,
        [spec for spec in CLIENTS.fields if spec.name != "confirm_duplicate"],
        list_route=routes.TIERS_CLIENTS,
        entity="client",
        before_fields=_duplicates(),
        after_fields=rx.vstack(
            checkbox_group(state, "categories", CATEGORY_FIELD, "Catégories"),
            rx.cond(
                state.duplicates.length() > 0,
                fields_grid(state, [s for s in CLIENTS.fields if s.name == "confirm_duplicate"]),
            ),
            spacing="4",
            width="100%",
        ),
    )


def _follow_up_tab() -> rx.Component:
    state = ClientFormState
    return rx.vstack(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading("Prochaine action", size="4"),
                    rx.box(
                        *[
                            rx.vstack(
                                rx.el.label(rx.text(spec.label, size="2", weight="medium")),
                                _next_action_input(spec),
                                field_error(state, spec.name, state.next_action_errors),
                                spacing="1",
                                width="100%",
                            )
                            for spec in NEXT_ACTION_FIELDS
                        ],
                        display="grid",
                        grid_template_columns=[
                            "minmax(0, 1fr)",
                            "minmax(0, 1fr)",
                            "repeat(3, minmax(0, 1fr))",
                        ],
                        gap="1rem",
                        width="100%",
                    ),
                    rx.cond(
                        state.can_edit, rx.button("Planifier", type="submit", id="next-action-save")
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=state.save_next_action,
                key=state.next_action_key.to_string(),
                width="100%",
            ),
            width="100%",
        ),
        rx.hstack(
            rx.heading("Comptes rendus et rendez-vous", size="4"),
            rx.spacer(),
            rx.link(
                rx.button(
                    rx.icon("notebook-pen", size=16), "Nouveau compte rendu", id="client-new-report"
                ),
                href=routes.record_url(routes.TIERS_REPORTS, routes.NEW_RECORD)
                + "?client="
                + state.record_key,
            ),
            width="100%",
            align="center",
        ),
        data_table(
            ClientReportsState,
            REPORTS_LIST,
            row_route=routes.TIERS_REPORTS,
            show_new=False,
            dom_id="client-reports",
        ),
        spacing="4",
        width="100%",
    )


def _next_action_input(spec) -> rx.Component:
    state = ClientFormState
    common = {
        "name": spec.name,
        "id": spec.name.replace("_", "-"),
        "default_value": state.next_action.get(spec.name, ""),
        "width": "100%",
    }
    if spec.kind == "choice":
        return rx.el.select(
            *[rx.el.option(label, value=value) for value, label in spec.choices],
            class_name="agence-select",
            **common,
        )
    if spec.kind == "date":
        return rx.input(type="date", **common)
    return rx.input(**common)


def _tabs() -> rx.Component:
    tab = rx.tabs.trigger
    return rx.tabs.root(
        rx.scroll_area(
            rx.tabs.list(
                tab("Fiche", value="fiche"),
                tab("Contacts", value="contacts", id="tab-contacts"),
                tab("Adresses", value="adresses", id="tab-addresses"),
                tab("Suivi commercial", value="suivi", id="tab-follow-up"),
                tab("Conditions", value="conditions", id="tab-conditions"),
                tab("Documents", value="documents", id="tab-documents"),
                tab("Correspondance", value="correspondance", id="tab-correspondence"),
                tab("Historique", value="historique", id="tab-history"),
            ),
            type="auto",
            scrollbars="horizontal",
        ),
        rx.tabs.content(_identity_tab(), value="fiche", padding_top="1rem"),
        *contact_and_address_tabs(
            ClientContactsState, CLIENT_CONTACTS, ClientAddressesState, CLIENT_ADDRESSES
        ),
        rx.tabs.content(_follow_up_tab(), value="suivi", padding_top="1rem"),
        rx.tabs.content(
            rx.vstack(
                child_section(
                    ClientDiscountsState,
                    CLIENT_DISCOUNTS.list_spec(),
                    CLIENT_DISCOUNTS.fields,
                    title="Remises préférentielles",
                    add_label="Ajouter une remise",
                    entity="remise",
                    dom_id="discounts",
                ),
                child_section(
                    ClientNegotiatedPricesState,
                    NEGOTIATED_PRICES.list_spec(),
                    NEGOTIATED_PRICES.fields,
                    title="Prix négociés par prestation",
                    add_label="Ajouter un prix négocié",
                    entity="prix négocié",
                    dom_id="negotiated",
                ),
                child_section(
                    ClientContractsState,
                    CLIENT_CONTRACTS.list_spec(),
                    CLIENT_CONTRACTS.fields,
                    title="Contrats cadres",
                    add_label="Ajouter un contrat",
                    entity="contrat",
                    dom_id="contracts",
                ),
                spacing="6",
                width="100%",
            ),
            value="conditions",
            padding_top="1rem",
        ),
        rx.tabs.content(
            documents_section(ClientDocumentsState, CLIENT_DOCUMENTS_LIST, CLIENT_DOCUMENT_UPLOAD),
            value="documents",
            padding_top="1rem",
        ),
        rx.tabs.content(
            messages_section(
                ClientMessagesState, correspondence.MESSAGES_OF_CLIENT, "client-messages"
            ),
            value="correspondance",
            padding_top="1rem",
        ),
        rx.tabs.content(
            data_table(ClientHistoryState, AUDIT_LIST, show_new=False, dom_id="history"),
            value="historique",
            padding_top="1rem",
        ),
        default_value="fiche",
        width="100%",
    )


@app_page(
    routes.record_route(routes.TIERS_CLIENTS),
    "Client",
    [
        ClientFormState.load,
        ClientContactsState.load_children,
        ClientAddressesState.load_children,
        ClientDiscountsState.load_children,
        ClientNegotiatedPricesState.load_children,
        ClientContractsState.load_children,
        ClientDocumentsState.load_documents,
        ClientMessagesState.load_messages,
        ClientReportsState.load_for_client,
        ClientHistoryState.load_for_client,
    ],
)
def client_page() -> rx.Component:
    state = ClientFormState
    return record_page(
        state,
        page_title(state.title),
        _outstanding(),
        rx.cond(state.is_new, _identity_tab(), _tabs()),
    )
