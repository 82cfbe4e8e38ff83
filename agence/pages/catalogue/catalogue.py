"""The catalogue: products (with tariffs and documents), all tariffs, catalogue dossiers (with
their programme), the list of costings."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.children import child_section
from agence.components.data_table import data_table, list_page
from agence.components.forms import checkbox_group, record_form_card, record_page
from agence.components.layout import app_page, page_title
from agence.components.parties import documents_section
from agence.services.bookings.availability import CAPACITIES
from agence.services.catalogue.catalogue_dossiers import CATALOGUE_DOSSIERS, PROGRAMME_ITEMS
from agence.services.catalogue.costings import COSTINGS
from agence.services.catalogue.products import LANGUAGE_FIELD, PRODUCTS
from agence.services.catalogue.rates import RATES, RATES_LIST
from agence.services.documents.attachments import PRODUCT_DOCUMENTS_LIST
from agence.state.catalogue.catalogue import (
    CatalogueDossierFormState,
    CatalogueDossiersListState,
    CostingsListState,
    ProductCapacitiesState,
    ProductDocumentsState,
    ProductFormState,
    ProductRatesState,
    ProductsListState,
    ProgrammeItemsState,
    RatesListState,
)


@app_page(routes.CATALOGUE_PRODUCTS, "Prestations", ProductsListState.load_list)
def products_list() -> rx.Component:
    return list_page(
        "Prestations",
        "Le catalogue : ce que nous vendons, acheté aux fournisseurs ou produit par l'agence.",
        ProductsListState,
        PRODUCTS.list_spec(),
        routes.CATALOGUE_PRODUCTS,
        "Nouvelle prestation",
    )


def _product_form() -> rx.Component:
    return record_form_card(
        ProductFormState,
        PRODUCTS.fields,
        list_route=routes.CATALOGUE_PRODUCTS,
        entity="prestation",
        after_fields=checkbox_group(
            ProductFormState, "languages", LANGUAGE_FIELD, "Langues proposées"
        ),
    )


@app_page(
    routes.record_route(routes.CATALOGUE_PRODUCTS),
    "Prestation",
    [
        ProductFormState.load,
        ProductRatesState.load_children,
        ProductCapacitiesState.load_children,
        ProductDocumentsState.load_documents,
    ],
)
def product_page() -> rx.Component:
    state = ProductFormState
    tab = rx.tabs.trigger
    return record_page(
        state,
        page_title(state.title),
        rx.cond(
            state.is_new,
            _product_form(),
            rx.tabs.root(
                rx.tabs.list(
                    tab("Fiche", value="fiche"),
                    tab("Tarifs", value="tarifs", id="tab-rates"),
                    tab("Disponibilités", value="disponibilites", id="tab-capacities"),
                    tab("Documents", value="documents", id="tab-documents"),
                ),
                rx.tabs.content(_product_form(), value="fiche", padding_top="1rem"),
                rx.tabs.content(
                    child_section(
                        ProductRatesState,
                        RATES.list_spec(),
                        RATES.fields,
                        title="Tarifs",
                        add_label="Ajouter un tarif",
                        entity="tarif",
                        dom_id="rates",
                    ),
                    value="tarifs",
                    padding_top="1rem",
                ),
                rx.tabs.content(
                    rx.vstack(
                        rx.text(
                            "Places par jour ou par créneau sur une période : les options et "
                            "confirmations des dossiers les prennent, le planning les montre. "
                            "Sans disponibilité, la prestation n'est pas gérée en stock.",
                            size="2",
                            color=rx.color("gray", 11),
                        ),
                        child_section(
                            ProductCapacitiesState,
                            CAPACITIES.list_spec(),
                            CAPACITIES.fields,
                            title="Disponibilités",
                            add_label="Ajouter une disponibilité",
                            entity="disponibilité",
                            dom_id="capacities",
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    value="disponibilites",
                    padding_top="1rem",
                ),
                rx.tabs.content(
                    documents_section(
                        ProductDocumentsState, PRODUCT_DOCUMENTS_LIST, "product_documents"
                    ),
                    value="documents",
                    padding_top="1rem",
                ),
                value=state.tab,
                on_change=state.tab_changed,
                width="100%",
            ),
        ),
    )


@app_page(routes.CATALOGUE_RATES, "Tarifs", RatesListState.load_list)
def rates_list() -> rx.Component:
    return rx.vstack(
        page_title(
            "Tarifs",
            subtitle="Tous les tarifs du catalogue ; chacun s'ouvre sur sa prestation.",
        ),
        rx.hstack(
            rx.link(
                rx.button(rx.icon("upload", size=16), "Importer des tarifs", variant="soft"),
                href=routes.CATALOGUE_RATES_IMPORT,
            ),
            justify="end",
            width="100%",
        ),
        data_table(
            RatesListState,
            RATES_LIST,
            row_action=RatesListState.open_rate,
            show_new=False,
            dom_id="rates-list",
        ),
        width="100%",
    )


@app_page(routes.CATALOGUE_COSTINGS, "Cotations", CostingsListState.load_list)
def costings_list() -> rx.Component:
    return list_page(
        "Cotations",
        "Chiffrer un groupe : coût, prix par payant, marge, TVA et grille par taille de groupe.",
        CostingsListState,
        COSTINGS.list_spec(),
        routes.CATALOGUE_COSTINGS,
        "Nouvelle cotation",
    )


@app_page(routes.CATALOGUE_DOSSIERS, "Dossiers catalogue", CatalogueDossiersListState.load_list)
def catalogue_dossiers_list() -> rx.Component:
    return list_page(
        "Dossiers catalogue",
        "Des produits tout faits : un programme type et sa cotation, point de départ d'un dossier.",
        CatalogueDossiersListState,
        CATALOGUE_DOSSIERS.list_spec(),
        routes.CATALOGUE_DOSSIERS,
        "Nouveau dossier catalogue",
    )


def _dossier_form() -> rx.Component:
    return record_form_card(
        CatalogueDossierFormState,
        CATALOGUE_DOSSIERS.fields,
        list_route=routes.CATALOGUE_DOSSIERS,
        entity="dossier catalogue",
    )


def _programme_summary() -> rx.Component:
    state = CatalogueDossierFormState
    return rx.cond(
        state.programme.length() > 0,
        rx.card(
            rx.vstack(
                rx.heading("Le programme", size="3"),
                rx.foreach(
                    state.programme,
                    lambda item: rx.hstack(
                        rx.badge("Jour " + item.day, variant="soft"),
                        rx.text(item.time, size="2", color=rx.color("gray", 11), min_width="7rem"),
                        rx.text(item.title, size="2"),
                        spacing="3",
                        align="center",
                        wrap="wrap",
                    ),
                ),
                spacing="2",
            ),
            width="100%",
        ),
    )


@app_page(
    routes.record_route(routes.CATALOGUE_DOSSIERS),
    "Dossier catalogue",
    [CatalogueDossierFormState.load, ProgrammeItemsState.load_children],
)
def catalogue_dossier_page() -> rx.Component:
    state = CatalogueDossierFormState
    tab = rx.tabs.trigger
    costing_link = rx.cond(
        state.costing_url != "",
        rx.link(
            rx.button(rx.icon("calculator", size=16), "Ouvrir la cotation", id="open-costing"),
            href=state.costing_url,
        ),
    )
    return record_page(
        state,
        page_title(state.title),
        rx.cond(
            state.is_new,
            _dossier_form(),
            rx.tabs.root(
                rx.tabs.list(
                    tab("Fiche", value="fiche"),
                    tab("Programme", value="programme", id="tab-programme"),
                    tab("Cotation", value="cotation", id="tab-costing"),
                ),
                rx.tabs.content(_dossier_form(), value="fiche", padding_top="1rem"),
                rx.tabs.content(
                    rx.vstack(
                        _programme_summary(),
                        child_section(
                            ProgrammeItemsState,
                            PROGRAMME_ITEMS.list_spec(),
                            PROGRAMME_ITEMS.fields,
                            title="Étapes",
                            add_label="Ajouter une étape",
                            entity="étape",
                            dom_id="programme",
                        ),
                        spacing="4",
                        width="100%",
                    ),
                    value="programme",
                    padding_top="1rem",
                ),
                rx.tabs.content(
                    rx.vstack(
                        rx.text(
                            "La cotation type de ce dossier : un dossier créé depuis le catalogue "
                            "en part, décalée à ses dates.",
                            size="2",
                        ),
                        costing_link,
                        spacing="3",
                    ),
                    value="cotation",
                    padding_top="1rem",
                ),
                default_value="fiche",
                width="100%",
            ),
        ),
    )
