"""Parameters: agency sites, payment methods, payment terms, VAT rates."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.components.forms import confirm_button
from agence.components.resource_pages import ResourcePages, register
from agence.services.bookings.bookings import BOOKING_TYPES
from agence.services.settings.catalogue_types import (
    CLIENT_CATEGORIES,
    PARTICIPANT_CATEGORIES,
    PRODUCT_TYPES,
)
from agence.services.settings.logos import LOGO_MAX_BYTES
from agence.services.settings.payment_methods import PAYMENT_METHODS
from agence.services.settings.payment_terms import PAYMENT_TERMS
from agence.services.settings.sites import SITES
from agence.services.settings.vat_rates import VAT_RATES
from agence.state.settings.parameters import (
    LOGO_UPLOAD_ID,
    BookingTypeFormState,
    BookingTypesListState,
    CategoriesListState,
    CategoryFormState,
    ParticipantCategoriesListState,
    ParticipantCategoryFormState,
    PaymentMethodFormState,
    PaymentMethodsListState,
    PaymentTermFormState,
    PaymentTermsListState,
    ProductTypeFormState,
    ProductTypesListState,
    SiteFormState,
    SitesListState,
    VatRateFormState,
    VatRatesListState,
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


def _due_date_example() -> rx.Component:
    return rx.cond(
        PaymentTermFormState.preview != "",
        rx.callout(
            PaymentTermFormState.preview,
            icon="calendar-check",
            color_scheme="blue",
            id="term-preview",
        ),
    )


register(
    ResourcePages(
        SITES,
        routes.PARAM_SITES,
        SitesListState,
        SiteFormState,
        title="Sites de l'agence",
        subtitle="Les établissements : identité portée par les documents.",
        record_title="Site",
        new_label="Nouveau site",
        entity="site",
        aside=_logo_card,
    )
)
register(
    ResourcePages(
        PAYMENT_METHODS,
        routes.PARAM_PAYMENT_METHODS,
        PaymentMethodsListState,
        PaymentMethodFormState,
        title="Modes de règlement",
        subtitle="Les moyens de paiement proposés aux clients.",
        record_title="Mode de règlement",
        new_label="Nouveau mode",
        entity="mode de règlement",
    )
)
register(
    ResourcePages(
        PAYMENT_TERMS,
        routes.PARAM_PAYMENT_TERMS,
        PaymentTermsListState,
        PaymentTermFormState,
        title="Conditions de règlement",
        subtitle="Les échéances proposées sur les factures.",
        record_title="Condition de règlement",
        new_label="Nouvelle condition",
        entity="condition de règlement",
        live=PAYMENT_TERMS.live_fields,
        after_fields=_due_date_example,
    )
)
register(
    ResourcePages(
        VAT_RATES,
        routes.PARAM_VAT_RATES,
        VatRatesListState,
        VatRateFormState,
        title="Taux de TVA",
        subtitle="Les taux et leurs comptes de TVA.",
        record_title="Taux de TVA",
        new_label="Nouveau taux",
        entity="taux de TVA",
    )
)
register(
    ResourcePages(
        PRODUCT_TYPES,
        routes.PARAM_PRODUCT_TYPES,
        ProductTypesListState,
        ProductTypeFormState,
        title="Types de prestations",
        subtitle="Visite, restauration, hébergement… : pour le catalogue et les remises clients.",
        record_title="Type de prestation",
        new_label="Nouveau type",
        entity="type de prestation",
    )
)
register(
    ResourcePages(
        BOOKING_TYPES,
        routes.PARAM_BOOKING_TYPES,
        BookingTypesListState,
        BookingTypeFormState,
        title="Types de dossiers",
        subtitle="Visite, journée, séjour, séminaire, scolaire, incentive…",
        record_title="Type de dossier",
        new_label="Nouveau type",
        entity="type de dossier",
    )
)
register(
    ResourcePages(
        PARTICIPANT_CATEGORIES,
        routes.PARAM_PARTICIPANT_CATEGORIES,
        ParticipantCategoriesListState,
        ParticipantCategoryFormState,
        title="Catégories de participants",
        subtitle="Adulte, enfant, étudiant, senior, gratuit : les catégories des tarifs.",
        record_title="Catégorie de participants",
        new_label="Nouvelle catégorie",
        entity="catégorie de participants",
    )
)
register(
    ResourcePages(
        CLIENT_CATEGORIES,
        routes.PARAM_CLIENT_CATEGORIES,
        CategoriesListState,
        CategoryFormState,
        title="Catégories de clients",
        subtitle="Pour segmenter la clientèle (écoles primaires, CE de grandes entreprises…).",
        record_title="Catégorie de clients",
        new_label="Nouvelle catégorie",
        entity="catégorie",
    )
)
