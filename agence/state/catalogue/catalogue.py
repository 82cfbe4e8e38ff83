"""The catalogue's pages: products with their tariffs and documents, the list of all tariffs,
catalogue dossiers with their programme, the list of costings."""

from __future__ import annotations

import reflex as rx

from agence import routes
from agence.db import session_scope
from agence.models.catalogue import CatalogueDossier, Rate
from agence.services.bookings.availability import CAPACITIES
from agence.services.catalogue.catalogue_dossiers import (
    CATALOGUE_DOSSIERS,
    PROGRAMME_ITEMS,
    ProgrammeStep,
    programme,
)
from agence.services.catalogue.costings import COSTINGS
from agence.services.catalogue.products import PRODUCTS
from agence.services.catalogue.rates import RATES, RATES_LIST
from agence.services.common.listing import ListSpec
from agence.services.common.permissions import Action, Actor, Module
from agence.services.documents.attachments import PRODUCT_DOCUMENTS_LIST
from agence.state.common.base import AppState
from agence.state.common.children import ChildMixin
from agence.state.common.forms import FormMixin
from agence.state.common.listing import ListMixin
from agence.state.documents.documents import DocumentsMixin

TAB_PARAM = "onglet"


class ProductsListState(ListMixin, AppState):
    def _resource(self):
        return PRODUCTS


class ProductFormState(FormMixin, AppState):
    tab: str = "fiche"

    def _resource(self):
        return PRODUCTS

    def _list_route(self) -> str:
        return routes.CATALOGUE_PRODUCTS

    def _route_after_save(self, record_id: int) -> str:
        return routes.record_url(routes.CATALOGUE_PRODUCTS, record_id)

    def _after_load(self, actor: Actor) -> None:
        self.tab = "tarifs" if self._page_param(TAB_PARAM) == "tarifs" else "fiche"

    @rx.event
    def tab_changed(self, value: str):
        self._require(Module.CATALOGUE, Action.SEE)
        self.tab = str(value)


class ProductRatesState(ChildMixin, AppState):
    def _resource(self):
        return RATES


class ProductDocumentsState(DocumentsMixin, AppState):
    def _parent_field(self) -> str:
        return "product_id"

    def _list_spec(self) -> ListSpec:
        return PRODUCT_DOCUMENTS_LIST


class RatesListState(ListMixin, AppState):
    """Every tariff of the catalogue; a row opens its product's tariffs."""

    def _list_spec(self) -> ListSpec:
        return RATES_LIST

    def _list_module(self) -> Module:
        return Module.CATALOGUE

    @rx.event
    def open_rate(self, row_id: str):
        self._require(Module.CATALOGUE, Action.SEE)
        if not str(row_id).isdigit():
            return
        with session_scope() as session:
            rate = session.get(Rate, int(row_id))
            product_id = rate.product_id if rate is not None else None
        if product_id is not None:
            url = routes.record_url(routes.CATALOGUE_PRODUCTS, product_id)
            return rx.redirect(f"{url}?{TAB_PARAM}=tarifs")


class CostingsListState(ListMixin, AppState):
    def _resource(self):
        return COSTINGS


class CatalogueDossiersListState(ListMixin, AppState):
    def _resource(self):
        return CATALOGUE_DOSSIERS


class CatalogueDossierFormState(FormMixin, AppState):
    costing_url: str = ""
    programme: list[ProgrammeStep] = []

    def _resource(self):
        return CATALOGUE_DOSSIERS

    def _list_route(self) -> str:
        return routes.CATALOGUE_DOSSIERS

    def _route_after_save(self, record_id: int) -> str:
        return routes.record_url(routes.CATALOGUE_DOSSIERS, record_id)

    def _after_load(self, actor: Actor) -> None:
        self.costing_url, self.programme = "", []
        if self._record_id is None:
            return
        with session_scope() as session:
            dossier = session.get(CatalogueDossier, self._record_id)
            if dossier is not None and dossier.costing_id is not None:
                self.costing_url = routes.record_url(routes.CATALOGUE_COSTINGS, dossier.costing_id)
            self.programme = programme(session, self._record_id)


class ProgrammeItemsState(ChildMixin, AppState):
    def _resource(self):
        return PROGRAMME_ITEMS

    def _after_child_change(self) -> list:
        return [CatalogueDossierFormState.load]


class ProductCapacitiesState(ChildMixin, AppState):
    def _resource(self):
        return CAPACITIES
