"""Parameters: agency sites (with their logo), payment methods and terms, VAT rates, lists."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.db import session_scope
from agence.services.bookings.bookings import BOOKING_TYPES
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import RecordNotFound
from agence.services.settings import logos
from agence.services.settings.catalogue_types import (
    CLIENT_CATEGORIES,
    PARTICIPANT_CATEGORIES,
    PRODUCT_TYPES,
)
from agence.services.settings.payment_methods import PAYMENT_METHODS
from agence.services.settings.payment_terms import PAYMENT_TERMS
from agence.services.settings.sites import SITES
from agence.services.settings.vat_rates import VAT_RATES
from agence.state.common.base import AppState
from agence.state.common.forms import FormMixin
from agence.state.common.listing import ListMixin

LOGO_UPLOAD_ID = "site_logo"


class SitesListState(ListMixin, AppState):
    def _resource(self):
        return SITES


class SiteFormState(FormMixin, AppState):
    logo_url: str = ""
    logo_error: str = ""

    def _resource(self):
        return SITES

    def _list_route(self) -> str:
        return routes.PARAM_SITES

    def _after_load(self, actor: Actor) -> None:
        self.logo_error = ""
        self._show_logo()

    def _show_logo(self) -> None:
        self.logo_url = ""
        if self._record_id is None:
            return
        with session_scope() as session:
            found = logos.logo_file(session, self._record_id)
        if found is not None:
            self.logo_url = routes.site_logo_url(self._record_id, found[0].stem[-8:])

    @rx.event
    async def upload_logo(self, uploads: list[rx.UploadFile]):
        actor = self._require(Module.PARAMETERS, Action.EDIT)
        if self._record_id is None or not uploads:
            return
        upload = uploads[0]
        data = await upload.read(logos.LOGO_MAX_BYTES + 1)
        try:
            with session_scope() as session:
                logos.store_logo(session, actor, self._record_id, data)
        except FormErrors as problem:
            self.logo_error = problem.errors.get("logo", "Fichier refusé.")
            return
        except RecordNotFound:
            self.not_found = True
            return
        self.logo_error = ""
        self._show_logo()
        return rx.toast.success("Logo enregistré.")

    @rx.event
    def remove_logo(self):
        actor = self._require(Module.PARAMETERS, Action.EDIT)
        if self._record_id is None:
            return
        with session_scope() as session:
            logos.remove_logo(session, actor, self._record_id)
        self.logo_url = ""
        return rx.toast.success("Logo retiré.")


class PaymentMethodsListState(ListMixin, AppState):
    def _resource(self):
        return PAYMENT_METHODS


class PaymentMethodFormState(FormMixin, AppState):
    def _resource(self):
        return PAYMENT_METHODS

    def _list_route(self) -> str:
        return routes.PARAM_PAYMENT_METHODS


class PaymentTermsListState(ListMixin, AppState):
    def _resource(self):
        return PAYMENT_TERMS


class PaymentTermFormState(FormMixin, AppState):
    def _resource(self):
        return PAYMENT_TERMS

    def _list_route(self) -> str:
        return routes.PARAM_PAYMENT_TERMS


class VatRatesListState(ListMixin, AppState):
    def _resource(self):
        return VAT_RATES


class VatRateFormState(FormMixin, AppState):
    def _resource(self):
        return VAT_RATES

    def _list_route(self) -> str:
        return routes.PARAM_VAT_RATES


class ProductTypesListState(ListMixin, AppState):
    def _resource(self):
        return PRODUCT_TYPES


class ProductTypeFormState(FormMixin, AppState):
    def _resource(self):
        return PRODUCT_TYPES

    def _list_route(self) -> str:
        return routes.PARAM_PRODUCT_TYPES


class ParticipantCategoriesListState(ListMixin, AppState):
    def _resource(self):
        return PARTICIPANT_CATEGORIES


class ParticipantCategoryFormState(FormMixin, AppState):
    def _resource(self):
        return PARTICIPANT_CATEGORIES

    def _list_route(self) -> str:
        return routes.PARAM_PARTICIPANT_CATEGORIES


class CategoriesListState(ListMixin, AppState):
    def _resource(self):
        return CLIENT_CATEGORIES


class CategoryFormState(FormMixin, AppState):
    def _resource(self):
        return CLIENT_CATEGORIES

    def _list_route(self) -> str:
        return routes.PARAM_CLIENT_CATEGORIES


class BookingTypesListState(ListMixin, AppState):
    def _resource(self):
        return BOOKING_TYPES


class BookingTypeFormState(FormMixin, AppState):
    def _resource(self):
        return BOOKING_TYPES

    def _list_route(self) -> str:
        return routes.PARAM_BOOKING_TYPES
