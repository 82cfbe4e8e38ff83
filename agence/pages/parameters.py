"""Parameters: agency sites, payment methods, payment terms, VAT rates."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.data_table import list_page
from agence.components.forms import confirm_button, record_form
from agence.components.layout import app_page
from agence.services.files import LOGO_MAX_BYTES
from agence.services.payment_methods import PAYMENT_METHODS
from agence.services.payment_terms import PAYMENT_TERMS
from agence.services.sites import SITES
from agence.services.vat_rates import VAT_RATES
from agence.state.parameters import (
    LOGO_UPLOAD_ID,
    PaymentMethodFormState,
    PaymentMethodsListState,
    PaymentTermFormState,
    PaymentTermsListState,
    SiteFormState,
    SitesListState,
    VatRateFormState,
    VatRatesListState,
)


@app_page(routes.PARAM_SITES, "Sites de l'agence", SitesListState.load_list)
def sites_list() -> rx.Component:
    return list_page(
        "Sites de l'agence",
        "Les établissements : identité portée par les documents.",
        SitesListState,
        SITES.list_spec(),
        routes.PARAM_SITES,
        "Nouveau site",
    )


def _logo_card() -> rx.Component:
    state = SiteFormState
    return rx.cond(
        ~state.is_new,
        rx.card(
            rx.vstack(
                rx.heading("Logo", size="4"),
                rx.text(
                    "PNG ou JPEG, 1 Mo au plus. Il figure en tête des documents du site.",
                    size="2",
                    color=rx.color("gray", 11),
                ),
                rx.cond(
                    state.logo_url != "",
                    rx.image(
                        src=state.logo_url,
                        max_height="6rem",
                        max_width="100%",
                        alt="Logo du site",
                        id="site-logo",
                    ),
                    rx.text("Aucun logo.", size="2", color=rx.color("gray", 10)),
                ),
                rx.cond(
                    state.can_edit,
                    rx.hstack(
                        rx.upload(
                            rx.button("Choisir un logo…", variant="soft", type="button"),
                            id=LOGO_UPLOAD_ID,
                            accept={"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"]},
                            max_files=1,
                            max_size=LOGO_MAX_BYTES,
                            multiple=False,
                            no_drag=True,
                            border="none",
                            padding="0",
                            on_drop=state.upload_logo(rx.upload_files(upload_id=LOGO_UPLOAD_ID)),
                        ),
                        rx.cond(
                            state.logo_url != "",
                            confirm_button(
                                "Retirer le logo",
                                "Retirer le logo de ce site ?",
                                state.remove_logo,
                                button_id="logo-remove",
                            ),
                        ),
                        spacing="3",
                        wrap="wrap",
                    ),
                ),
                rx.cond(
                    state.logo_error != "",
                    rx.text(
                        state.logo_error,
                        color=rx.color("red", 11),
                        size="2",
                        id="error-logo",
                        role="alert",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )


@app_page(routes.record_route(routes.PARAM_SITES), "Site", SiteFormState.load)
def site_form() -> rx.Component:
    return record_form(
        SiteFormState,
        SITES.fields,
        list_route=routes.PARAM_SITES,
        entity="site",
        aside=_logo_card(),
    )


@app_page(routes.PARAM_PAYMENT_METHODS, "Modes de règlement", PaymentMethodsListState.load_list)
def payment_methods_list() -> rx.Component:
    return list_page(
        "Modes de règlement",
        "Les moyens de paiement proposés aux clients.",
        PaymentMethodsListState,
        PAYMENT_METHODS.list_spec(),
        routes.PARAM_PAYMENT_METHODS,
        "Nouveau mode",
    )


@app_page(
    routes.record_route(routes.PARAM_PAYMENT_METHODS),
    "Mode de règlement",
    PaymentMethodFormState.load,
)
def payment_method_form() -> rx.Component:
    return record_form(
        PaymentMethodFormState,
        PAYMENT_METHODS.fields,
        list_route=routes.PARAM_PAYMENT_METHODS,
        entity="mode de règlement",
    )


@app_page(routes.PARAM_PAYMENT_TERMS, "Conditions de règlement", PaymentTermsListState.load_list)
def payment_terms_list() -> rx.Component:
    return list_page(
        "Conditions de règlement",
        "Les échéances proposées sur les factures.",
        PaymentTermsListState,
        PAYMENT_TERMS.list_spec(),
        routes.PARAM_PAYMENT_TERMS,
        "Nouvelle condition",
    )


@app_page(
    routes.record_route(routes.PARAM_PAYMENT_TERMS),
    "Condition de règlement",
    PaymentTermFormState.load,
)
def payment_term_form() -> rx.Component:
    preview = rx.cond(
        PaymentTermFormState.preview != "",
        rx.callout(
            PaymentTermFormState.preview,
            icon="calendar-check",
            color_scheme="blue",
            id="term-preview",
        ),
    )
    return record_form(
        PaymentTermFormState,
        PAYMENT_TERMS.fields,
        list_route=routes.PARAM_PAYMENT_TERMS,
        entity="condition de règlement",
        live=PAYMENT_TERMS.live_fields,
        after_fields=preview,
    )


@app_page(routes.PARAM_VAT_RATES, "Taux de TVA", VatRatesListState.load_list)
def vat_rates_list() -> rx.Component:
    return list_page(
        "Taux de TVA",
        "Les taux et leurs comptes de TVA.",
        VatRatesListState,
        VAT_RATES.list_spec(),
        routes.PARAM_VAT_RATES,
        "Nouveau taux",
    )


@app_page(routes.record_route(routes.PARAM_VAT_RATES), "Taux de TVA", VatRateFormState.load)
def vat_rate_form() -> rx.Component:
    return record_form(
        VatRateFormState, VAT_RATES.fields, list_route=routes.PARAM_VAT_RATES, entity="taux de TVA"
    )
