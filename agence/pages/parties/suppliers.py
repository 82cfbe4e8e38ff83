"""The supplier file: list and page with contacts, addresses and documents."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.correspondence import messages_section
from agence.components.data_table import list_page
from agence.components.forms import record_form_card, record_page
from agence.components.layout import app_page, page_title
from agence.components.parties import contact_and_address_tabs, documents_section
from agence.services.documents import correspondence
from agence.services.documents.attachments import SUPPLIER_DOCUMENTS_LIST
from agence.services.parties.party_records import SUPPLIER_ADDRESSES, SUPPLIER_CONTACTS
from agence.services.parties.suppliers import SUPPLIERS
from agence.state.documents.correspondence import SupplierMessagesState
from agence.state.parties.suppliers import (
    SupplierAddressesState,
    SupplierContactsState,
    SupplierDocumentsState,
    SupplierFormState,
    SuppliersListState,
)


@app_page(routes.TIERS_SUPPLIERS, "Fournisseurs", SuppliersListState.load_list)
def suppliers_list() -> rx.Component:
    return list_page(
        "Fournisseurs",
        "Ceux qui nous vendent les prestations.",
        SuppliersListState,
        SUPPLIERS.list_spec(),
        routes.TIERS_SUPPLIERS,
        "Nouveau fournisseur",
    )


def _form() -> rx.Component:
    return record_form_card(
        SupplierFormState, SUPPLIERS.fields, list_route=routes.TIERS_SUPPLIERS, entity="fournisseur"
    )


@app_page(
    routes.record_route(routes.TIERS_SUPPLIERS),
    "Fournisseur",
    [
        SupplierFormState.load,
        SupplierContactsState.load_children,
        SupplierAddressesState.load_children,
        SupplierDocumentsState.load_documents,
        SupplierMessagesState.load_messages,
    ],
)
def supplier_page() -> rx.Component:
    state = SupplierFormState
    tab = rx.tabs.trigger
    return record_page(
        state,
        page_title(state.title),
        rx.cond(
            state.is_new,
            _form(),
            rx.tabs.root(
                rx.tabs.list(
                    tab("Fiche", value="fiche"),
                    tab("Contacts", value="contacts", id="tab-contacts"),
                    tab("Adresses", value="adresses", id="tab-addresses"),
                    tab("Documents", value="documents", id="tab-documents"),
                    tab("Correspondance", value="correspondance", id="tab-correspondence"),
                ),
                rx.tabs.content(_form(), value="fiche", padding_top="1rem"),
                *contact_and_address_tabs(
                    SupplierContactsState,
                    SUPPLIER_CONTACTS,
                    SupplierAddressesState,
                    SUPPLIER_ADDRESSES,
                ),
                rx.tabs.content(
                    documents_section(
                        SupplierDocumentsState, SUPPLIER_DOCUMENTS_LIST, "supplier_documents"
                    ),
                    value="documents",
                    padding_top="1rem",
                ),
                rx.tabs.content(
                    messages_section(
                        SupplierMessagesState,
                        correspondence.MESSAGES_OF_SUPPLIER,
                        "supplier-messages",
                    ),
                    value="correspondance",
                    padding_top="1rem",
                ),
                default_value="fiche",
                width="100%",
            ),
        ),
    )
