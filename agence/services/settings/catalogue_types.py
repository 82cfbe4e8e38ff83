"""Editable lists of the catalogue and the client file: types of services, participant
categories, client categories."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from agence.models import (
    ClientCategory,
    ClientCategoryLink,
    ClientDiscount,
    ParticipantCategory,
    Product,
    ProductType,
    Rate,
)
from agence.services.common.coded_lists import CodedListResource
from agence.services.common.forms import FieldSpec
from agence.services.common.listing import Column, ListSpec
from agence.services.common.permissions import Module
from agence.services.common.records import Resource


class ProductTypeResource(CodedListResource):
    model = ProductType
    entity = "type de prestation"
    new_title = "Nouveau type de prestation"
    list_name = "Types de prestations"

    def delete_problem(self, session: Session, record: ProductType) -> str | None:
        used = session.exec(
            select(func.count())
            .select_from(ClientDiscount)
            .where(ClientDiscount.product_type_id == record.id)
        ).one()
        if used:
            return f"Ce type sert à {used} remise(s) client : désactivez-le plutôt."
        products = session.exec(
            select(func.count()).select_from(Product).where(Product.product_type_id == record.id)
        ).one()
        if products:
            return f"Ce type sert à {products} prestation(s) : désactivez-le plutôt."
        return None


PRODUCT_TYPES = ProductTypeResource()


class ParticipantCategoryResource(CodedListResource):
    model = ParticipantCategory
    entity = "catégorie de participants"
    new_title = "Nouvelle catégorie de participants"
    list_name = "Catégories de participants"

    def delete_problem(self, session: Session, record: ParticipantCategory) -> str | None:
        used = session.exec(
            select(func.count()).select_from(Rate).where(Rate.participant_category_id == record.id)
        ).one()
        if used:
            return f"Cette catégorie sert à {used} tarif(s) : désactivez-la plutôt."
        return None


PARTICIPANT_CATEGORIES = ParticipantCategoryResource()


def _categories_query():
    clients = (
        select(func.count())
        .select_from(ClientCategoryLink)
        .where(ClientCategoryLink.category_id == ClientCategory.id)
        .scalar_subquery()
    )
    return select(
        col(ClientCategory.id).label("id"),
        col(ClientCategory.name).label("name"),
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
