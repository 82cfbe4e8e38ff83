"""Editable lists used by the client file: types of services, client categories."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from agence.models import ClientCategory, ClientCategoryLink, ClientDiscount, ProductType
from agence.services.forms import FieldSpec
from agence.services.listing import Column, ListSpec, active_filter
from agence.services.permissions import Module
from agence.services.records import Resource

PRODUCT_TYPES_LIST = ListSpec(
    name="Types de prestations",
    query=lambda: select(
        ProductType.id.label("id"),  # type: ignore[union-attr]
        ProductType.position.label("position"),
        ProductType.code.label("code"),
        ProductType.label.label("label"),
        ProductType.active.label("active"),
    ),
    columns=(
        Column("position", "Ordre", ProductType.position, kind="int", width=8),
        Column("code", "Code", ProductType.code, width=14),
        Column("label", "Libellé", ProductType.label, width=30),
        Column("active", "Actif", ProductType.active, kind="bool", width=8),
    ),
    search=(ProductType.code, ProductType.label),
    filters=(active_filter(ProductType.active),),
    default_sort="position",
    tie_breaker=ProductType.id,
)


class ProductTypeResource(Resource[ProductType]):
    model = ProductType
    module = Module.PARAMETERS
    entity = "type de prestation"
    new_title = "Nouveau type de prestation"
    unique = ("code", "label")
    fields = (
        FieldSpec("code", "Code", "code", required=True, max_length=20),
        FieldSpec("label", "Libellé", required=True, max_length=80),
        FieldSpec("position", "Ordre d'affichage", "int", min_value=0, max_value=999),
        FieldSpec("active", "Actif", "bool"),
    )

    def list_spec(self) -> ListSpec:
        return PRODUCT_TYPES_LIST

    def describe(self, record: ProductType) -> str:
        return record.label

    def defaults(self, session: Session) -> dict[str, str]:
        return {"active": "on", "position": "0"}

    def apply(self, session, record, clean) -> None:
        super().apply(session, record, clean)
        record.position = clean.get("position") or 0

    def delete_problem(self, session: Session, record: ProductType) -> str | None:
        used = session.exec(
            select(func.count())
            .select_from(ClientDiscount)
            .where(ClientDiscount.product_type_id == record.id)
        ).one()
        if used:
            return f"Ce type sert à {used} remise(s) client : désactivez-le plutôt."
        return None


PRODUCT_TYPES = ProductTypeResource()


def _categories_query():
    clients = (
        select(func.count())
        .select_from(ClientCategoryLink)
        .where(ClientCategoryLink.category_id == ClientCategory.id)
        .scalar_subquery()
    )
    return select(
        ClientCategory.id.label("id"),  # type: ignore[union-attr]
        ClientCategory.name.label("name"),
        clients.label("clients"),
    )


CATEGORIES_LIST = ListSpec(
    name="Catégories de clients",
    query=_categories_query,
    columns=(
        Column("name", "Catégorie", ClientCategory.name, width=30),
        Column("clients", "Clients", None, kind="int", sortable=False, width=10),
    ),
    search=(ClientCategory.name,),
    default_sort="name",
    tie_breaker=ClientCategory.id,
)


class ClientCategoryResource(Resource[ClientCategory]):
    model = ClientCategory
    module = Module.PARAMETERS
    entity = "catégorie de clients"
    new_title = "Nouvelle catégorie"
    unique = ("name",)
    fields = (FieldSpec("name", "Nom", required=True, max_length=80),)

    def list_spec(self) -> ListSpec:
        return CATEGORIES_LIST

    def describe(self, record: ClientCategory) -> str:
        return record.name


CLIENT_CATEGORIES = ClientCategoryResource()
