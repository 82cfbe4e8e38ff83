"""The records inside a client's or supplier's file: contacts, addresses, preferential rates,
framework contracts. Each is a child `Resource` of its file: changing it needs the right to
edit the file, and the file must be within the user's reach."""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import Session, col, select

from agence.models import (
    Address,
    Client,
    ClientContract,
    ClientDiscount,
    Contact,
    PartyDocument,
    ProductType,
    Supplier,
)
from agence.services.common import formats
from agence.services.common.forms import FieldSpec, postcode_problem
from agence.services.common.listing import Column, ListSpec
from agence.services.common.permissions import Module
from agence.services.common.records import Resource
from agence.services.parties.clients import CLIENTS, refresh_location
from agence.services.parties.suppliers import SUPPLIERS, refresh_supplier_location
from agence.services.parties.vocabulary import AddressKind, Civility, InvoicingMode


def _not_deleted(model):
    return model.deleted_at.is_(None)


# --- Contacts ---------------------------------------------------------------------------------


def _contacts_list(parent_field: str) -> ListSpec:
    parent = getattr(Contact, parent_field)
    return ListSpec(
        name="Contacts",
        query=lambda: sa.select(
            col(Contact.id).label("id"),
            (col(Contact.last_name) + " " + col(Contact.first_name)).label("name"),
            col(Contact.role).label("role"),
            col(Contact.email).label("email"),
            col(Contact.phone).label("phone"),
            col(Contact.mobile).label("mobile"),
            col(Contact.is_main).label("is_main"),
            col(Contact.email_opt_out).label("email_opt_out"),
            parent.label("parent_id"),
        ).where(_not_deleted(Contact)),
        columns=(
            Column("name", "Nom", Contact.last_name, width=26),
            Column("role", "Fonction", Contact.role, width=20, phone=False),
            Column("email", "E-mail", Contact.email, width=30),
            Column("phone", "Téléphone", Contact.phone, width=16, phone=False),
            Column("mobile", "Mobile", Contact.mobile, width=16, phone=False),
            Column("is_main", "Principal", Contact.is_main, kind="bool", width=10, phone=False),
            Column(
                "email_opt_out",
                "Refuse les e-mailings",
                Contact.email_opt_out,
                kind="bool",
                width=12,
                phone=False,
            ),
        ),
        search=(Contact.last_name, Contact.first_name, Contact.email, Contact.role),
        default_sort="name",
        tie_breaker=Contact.id,
    )


class _ContactResource(Resource[Contact]):
    model = Contact
    module = Module.THIRD_PARTIES
    entity = "contact"
    new_title = "Nouveau contact"
    fields = (
        FieldSpec("civility", "Civilité", "choice", choices=Civility.choices()),
        FieldSpec("first_name", "Prénom", max_length=80),
        FieldSpec("last_name", "Nom", required=True, max_length=80),
        FieldSpec("role", "Fonction", max_length=100),
        FieldSpec("email", "E-mail", "email", max_length=254),
        FieldSpec("phone", "Téléphone", "phone", max_length=30),
        FieldSpec("mobile", "Mobile", "phone", max_length=30),
        FieldSpec("is_main", "Contact principal", "bool"),
        FieldSpec("email_opt_out", "Ne souhaite pas recevoir d'e-mailings", "bool"),
        FieldSpec("notes", "Notes", "textarea", max_length=1000, wide=True),
    )

    def describe(self, record: Contact) -> str:
        return " ".join(filter(None, [record.first_name, record.last_name]))

    def after_save(self, session, actor, record, clean, created) -> dict[str, Any]:
        if record.is_main:
            parent_id = getattr(record, self.parent_field)
            for other in session.exec(
                select(Contact).where(
                    getattr(Contact, self.parent_field) == parent_id,
                    Contact.id != record.id,
                    Contact.is_main,
                )
            ):
                other.is_main = False
                session.add(other)
        return {}


class ClientContactResource(_ContactResource):
    parent = CLIENTS
    parent_field = "client_id"

    def list_spec(self) -> ListSpec:
        return CLIENT_CONTACTS_LIST


class SupplierContactResource(_ContactResource):
    parent = SUPPLIERS
    parent_field = "supplier_id"

    def list_spec(self) -> ListSpec:
        return SUPPLIER_CONTACTS_LIST


CLIENT_CONTACTS_LIST = _contacts_list("client_id")
SUPPLIER_CONTACTS_LIST = _contacts_list("supplier_id")
CLIENT_CONTACTS = ClientContactResource()
SUPPLIER_CONTACTS = SupplierContactResource()


def contacts_of(session: Session, client_id: int) -> list[tuple[int, str]]:
    return [  # an id read from the table is never None
        (cast(int, contact_id), " ".join(filter(None, [first, last])))
        for contact_id, first, last in session.exec(
            select(Contact.id, Contact.first_name, Contact.last_name)
            .where(Contact.client_id == client_id, _not_deleted(Contact))
            .order_by(col(Contact.is_main).desc(), Contact.last_name)
        )
    ]


# --- Addresses --------------------------------------------------------------------------------


def _addresses_list(parent_field: str) -> ListSpec:
    parent = getattr(Address, parent_field)
    return ListSpec(
        name="Adresses",
        query=lambda: sa.select(
            col(Address.id).label("id"),
            col(Address.kind).label("kind"),
            col(Address.label).label("label"),
            col(Address.line1).label("line1"),
            col(Address.postcode).label("postcode"),
            col(Address.city).label("city"),
            col(Address.is_default).label("is_default"),
            parent.label("parent_id"),
        ).where(_not_deleted(Address)),
        columns=(
            Column("kind", "Type", Address.kind, width=14, labels=AddressKind.labels()),
            Column("label", "Libellé", Address.label, width=20, phone=False),
            Column("line1", "Adresse", Address.line1, width=36),
            Column("postcode", "Code postal", Address.postcode, width=10, phone=False),
            Column("city", "Ville", Address.city, width=20),
            Column(
                "is_default", "Par défaut", Address.is_default, kind="bool", width=10, phone=False
            ),
        ),
        search=(Address.line1, Address.city, Address.label),
        default_sort="kind",
        tie_breaker=Address.id,
    )


class _AddressResource(Resource[Address]):
    model = Address
    module = Module.THIRD_PARTIES
    entity = "adresse"
    new_title = "Nouvelle adresse"
    fields = (
        FieldSpec("kind", "Type", "choice", required=True, choices=AddressKind.choices()),
        FieldSpec("label", "Libellé", max_length=100, placeholder="Siège, entrée des groupes…"),
        FieldSpec("line1", "Adresse", required=True, max_length=200, wide=True),
        FieldSpec("line2", "Complément", max_length=200, wide=True),
        FieldSpec("postcode", "Code postal", max_length=10),
        FieldSpec("city", "Ville", required=True, max_length=100),
        FieldSpec("country", "Pays (code ISO)", "code", required=True, max_length=2),
        FieldSpec("is_default", "Adresse par défaut de ce type", "bool"),
    )

    def describe(self, record: Address) -> str:
        return f"{record.line1}, {record.postcode} {record.city}".strip(", ")

    def defaults(self, session: Session) -> dict[str, str]:
        return {"kind": AddressKind.DELIVERY.value, "country": "FR"}

    def validate(self, session, actor, record, clean, errors) -> None:
        if problem := postcode_problem(clean.get("postcode") or "", clean.get("country") or ""):
            errors.setdefault("postcode", problem)

    def after_save(self, session, actor, record, clean, created) -> dict[str, Any]:
        parent_id = getattr(record, self.parent_field)
        if record.is_default:
            for other in session.exec(
                select(Address).where(
                    getattr(Address, self.parent_field) == parent_id,
                    Address.kind == record.kind,
                    Address.id != record.id,
                    Address.is_default,
                )
            ):
                other.is_default = False
                session.add(other)
        session.flush()
        self._refresh_parent(session, parent_id)
        return {}

    def after_delete(self, session, actor, record) -> None:
        self._refresh_parent(session, getattr(record, self.parent_field))

    def _refresh_parent(self, session: Session, parent_id: int) -> None:
        raise NotImplementedError


class ClientAddressResource(_AddressResource):
    parent = CLIENTS
    parent_field = "client_id"

    def list_spec(self) -> ListSpec:
        return CLIENT_ADDRESSES_LIST

    def _refresh_parent(self, session: Session, parent_id: int) -> None:
        client = session.get(Client, parent_id)
        if client is not None:
            refresh_location(session, client)


class SupplierAddressResource(_AddressResource):
    parent = SUPPLIERS
    parent_field = "supplier_id"

    def list_spec(self) -> ListSpec:
        return SUPPLIER_ADDRESSES_LIST

    def _refresh_parent(self, session: Session, parent_id: int) -> None:
        supplier = session.get(Supplier, parent_id)
        if supplier is not None:
            refresh_supplier_location(session, supplier)


CLIENT_ADDRESSES_LIST = _addresses_list("client_id")
SUPPLIER_ADDRESSES_LIST = _addresses_list("supplier_id")
CLIENT_ADDRESSES = ClientAddressResource()
SUPPLIER_ADDRESSES = SupplierAddressResource()


# --- Preferential rates -----------------------------------------------------------------------


def _product_type_options(session: Session) -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(i), label)
        for i, label in session.exec(
            select(ProductType.id, ProductType.label)
            .where(ProductType.active)
            .order_by(col(ProductType.position), col(ProductType.label))
        )
    )


CLIENT_DISCOUNTS_LIST = ListSpec(
    name="Remises",
    query=lambda: (
        sa.select(
            col(ClientDiscount.id).label("id"),
            col(ProductType.label).label("product_type"),
            col(ClientDiscount.percent).label("percent"),
            col(ClientDiscount.valid_from).label("valid_from"),
            col(ClientDiscount.valid_to).label("valid_to"),
            col(ClientDiscount.client_id).label("parent_id"),
        )
        .join(ProductType, col(ProductType.id) == ClientDiscount.product_type_id, isouter=True)
        .where(_not_deleted(ClientDiscount))
    ),
    columns=(
        Column(
            "product_type",
            "Sur",
            ProductType.label,
            width=24,
            render=lambda value: value or "Toutes les prestations",
        ),
        Column("percent", "Remise", ClientDiscount.percent, kind="percent", width=10),
        Column("valid_from", "Du", ClientDiscount.valid_from, kind="date", width=12),
        Column("valid_to", "Au", ClientDiscount.valid_to, kind="date", width=12),
    ),
    default_sort="valid_from",
    tie_breaker=ClientDiscount.id,
)


class ClientDiscountResource(Resource[ClientDiscount]):
    """A client's preferential rate; the costing applies it (catalogue issue)."""

    model = ClientDiscount
    module = Module.THIRD_PARTIES
    entity = "remise client"
    new_title = "Nouvelle remise"
    parent = CLIENTS
    parent_field = "client_id"
    fields = (
        FieldSpec("product_type_id", "Type de prestation (vide : toutes)", "ref"),
        FieldSpec("percent", "Remise (%)", "percent", required=True, max_value=100),
        FieldSpec("valid_from", "Valable du", "date"),
        FieldSpec("valid_to", "au", "date"),
    )

    def list_spec(self) -> ListSpec:
        return CLIENT_DISCOUNTS_LIST

    def describe(self, record: ClientDiscount) -> str:
        return f"{formats.percent(record.percent)}"

    def choices(
        self, session: Session, parent_id: int | None = None
    ) -> dict[str, tuple[tuple[str, str], ...]]:
        return {"product_type_id": _product_type_options(session)}

    def validate(self, session, actor, record, clean, errors) -> None:
        if clean.get("percent") is not None and clean["percent"] <= 0:
            errors.setdefault("percent", "La remise doit être positive.")
        start, end = clean.get("valid_from"), clean.get("valid_to")
        if start and end and end < start:
            errors.setdefault("valid_to", "La fin précède le début.")


CLIENT_DISCOUNTS = ClientDiscountResource()


# --- Framework contracts ----------------------------------------------------------------------


CLIENT_CONTRACTS_LIST = ListSpec(
    name="Contrats cadres",
    query=lambda: (
        sa.select(
            col(ClientContract.id).label("id"),
            col(ClientContract.reference).label("reference"),
            col(ClientContract.starts_on).label("starts_on"),
            col(ClientContract.ends_on).label("ends_on"),
            col(ClientContract.invoicing_mode).label("invoicing_mode"),
            col(PartyDocument.title).label("document"),
            col(ClientContract.client_id).label("parent_id"),
        )
        .join(PartyDocument, col(PartyDocument.id) == ClientContract.document_id, isouter=True)
        .where(_not_deleted(ClientContract))
    ),
    columns=(
        Column("reference", "Référence", ClientContract.reference, width=18),
        Column("starts_on", "Début", ClientContract.starts_on, kind="date", width=12),
        Column("ends_on", "Fin", ClientContract.ends_on, kind="date", width=12),
        Column(
            "invoicing_mode",
            "Facturation",
            ClientContract.invoicing_mode,
            width=26,
            labels=InvoicingMode.labels(),
            phone=False,
        ),
        Column("document", "Contrat signé", PartyDocument.title, width=26, phone=False),
    ),
    default_sort="starts_on",
    default_desc=True,
    tie_breaker=ClientContract.id,
)


class ClientContractResource(Resource[ClientContract]):
    model = ClientContract
    module = Module.THIRD_PARTIES
    entity = "contrat client"
    new_title = "Nouveau contrat cadre"
    parent = CLIENTS
    parent_field = "client_id"
    fields = (
        FieldSpec("reference", "Référence", required=True, max_length=60),
        FieldSpec(
            "invoicing_mode",
            "Facturation",
            "choice",
            required=True,
            choices=InvoicingMode.choices(),
        ),
        FieldSpec("starts_on", "Début", "date", required=True),
        FieldSpec("ends_on", "Fin", "date"),
        FieldSpec(
            "document_id",
            "Contrat signé (document du client)",
            "ref",
            help="Déposez d'abord le PDF signé dans l'onglet Documents.",
        ),
        FieldSpec("conditions", "Conditions négociées", "textarea", max_length=4000, wide=True),
    )

    def list_spec(self) -> ListSpec:
        return CLIENT_CONTRACTS_LIST

    def describe(self, record: ClientContract) -> str:
        return record.reference

    def defaults(self, session: Session) -> dict[str, str]:
        return {
            "invoicing_mode": InvoicingMode.PER_BOOKING.value,
            "starts_on": formats.today().isoformat(),
        }

    def validate(self, session, actor, record, clean, errors) -> None:
        start, end = clean.get("starts_on"), clean.get("ends_on")
        if start and end and end < start:
            errors.setdefault("ends_on", "La fin précède le début.")

    def choices(
        self, session: Session, parent_id: int | None = None
    ) -> dict[str, tuple[tuple[str, str], ...]]:
        """Only the documents of this client can be its signed contract."""
        return {
            "document_id": tuple(
                (str(i), title)
                for i, title in session.exec(
                    select(PartyDocument.id, PartyDocument.title)
                    .where(PartyDocument.client_id == parent_id, _not_deleted(PartyDocument))
                    .order_by(PartyDocument.title)
                )
            )
        }


CLIENT_CONTRACTS = ClientContractResource()
