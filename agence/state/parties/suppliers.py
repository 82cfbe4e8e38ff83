"""The supplier file: list, record page, contacts, addresses, documents."""

from __future__ import annotations

from agence import routes
from agence.services.common.listing import ListSpec
from agence.services.documents.attachments import SUPPLIER_DOCUMENTS_LIST
from agence.services.parties.party_records import SUPPLIER_ADDRESSES, SUPPLIER_CONTACTS
from agence.services.parties.suppliers import SUPPLIERS
from agence.state.common.base import AppState
from agence.state.common.children import ChildMixin
from agence.state.common.forms import FormMixin
from agence.state.common.listing import ListMixin
from agence.state.documents.documents import DocumentsMixin


class SuppliersListState(ListMixin, AppState):
    def _resource(self):
        return SUPPLIERS


class SupplierFormState(FormMixin, AppState):
    def _resource(self):
        return SUPPLIERS

    def _list_route(self) -> str:
        return routes.TIERS_SUPPLIERS

    def _route_after_save(self, record_id: int) -> str:
        return routes.record_url(routes.TIERS_SUPPLIERS, record_id)


class SupplierContactsState(ChildMixin, AppState):
    def _resource(self):
        return SUPPLIER_CONTACTS


class SupplierAddressesState(ChildMixin, AppState):
    def _resource(self):
        return SUPPLIER_ADDRESSES

    def _after_child_change(self) -> list:
        return [SupplierFormState.load]


class SupplierDocumentsState(DocumentsMixin, AppState):
    def _parent_field(self) -> str:
        return "supplier_id"

    def _list_spec(self) -> ListSpec:
        return SUPPLIER_DOCUMENTS_LIST
