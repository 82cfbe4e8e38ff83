"""A client's preferential rates as the costing sees them: a negotiated sale price for a product
over a period, else a % discount on the product's type, else a % discount on everything.

The negotiated prices are records of the client's file (right "tiers"); the lookup is what a
costing for that client applies automatically, and says so on the line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import or_
from sqlmodel import Session, col, select

from agence.models import ClientDiscount, ProductType
from agence.models.catalogue import NegotiatedPrice, Product
from agence.services.catalogue.products import product_choices
from agence.services.common import formats
from agence.services.common.forms import FieldSpec
from agence.services.common.listing import Column, ListSpec
from agence.services.common.permissions import Module
from agence.services.common.records import PARENT_KEY, Resource
from agence.services.parties.clients import CLIENTS

NEGOTIATED_PRICES_LIST = ListSpec(
    name="Prix négociés",
    query=lambda: (
        sa.select(
            col(NegotiatedPrice.id).label("id"),
            col(Product.name).label("product"),
            col(NegotiatedPrice.unit_price).label("unit_price"),
            col(NegotiatedPrice.valid_from).label("valid_from"),
            col(NegotiatedPrice.valid_to).label("valid_to"),
            col(NegotiatedPrice.note).label("note"),
            col(NegotiatedPrice.client_id).label("parent_id"),
        )
        .join(Product, col(Product.id) == col(NegotiatedPrice.product_id))
        .where(col(NegotiatedPrice.deleted_at).is_(None))
    ),
    columns=(
        Column("product", "Prestation", Product.name, width=30),
        Column("unit_price", "Prix TTC", NegotiatedPrice.unit_price, kind="money", width=12),
        Column("valid_from", "Du", NegotiatedPrice.valid_from, kind="date", width=12),
        Column("valid_to", "Au", NegotiatedPrice.valid_to, kind="date", width=12),
        Column("note", "Note", NegotiatedPrice.note, width=24, phone=False),
    ),
    default_sort="product",
    tie_breaker=NegotiatedPrice.id,
)


class NegotiatedPriceResource(Resource[NegotiatedPrice]):
    model = NegotiatedPrice
    module = Module.THIRD_PARTIES
    entity = "prix négocié"
    new_title = "Nouveau prix négocié"
    parent = CLIENTS
    parent_field = "client_id"
    fields = (
        FieldSpec("product_id", "Prestation", "ref", required=True, wide=True),
        FieldSpec(
            "unit_price",
            "Prix de vente TTC négocié (€)",
            "decimal",
            required=True,
            min_value=Decimal(0),
            max_value=Decimal("9999999"),
            help="Par personne ou par unité, selon la base de la prestation.",
        ),
        FieldSpec("valid_from", "Valable du", "date"),
        FieldSpec("valid_to", "au", "date"),
        FieldSpec("note", "Note", max_length=200, wide=True),
    )

    def list_spec(self) -> ListSpec:
        return NEGOTIATED_PRICES_LIST

    def describe(self, record: NegotiatedPrice) -> str:
        return formats.money(record.unit_price)

    def choices(
        self, session: Session, parent_id: int | None = None
    ) -> dict[str, tuple[tuple[str, str], ...]]:
        return {"product_id": product_choices(session)}

    def validate(self, session, actor, record, clean, errors) -> None:
        start, end = clean.get("valid_from"), clean.get("valid_to")
        if start and end and end < start:
            errors.setdefault("valid_to", "La fin précède le début.")
        product_id = clean.get("product_id")
        if errors or product_id is None:
            return
        client_id = record.client_id if record is not None else clean.get(PARENT_KEY)
        clash = session.exec(
            select(NegotiatedPrice).where(
                NegotiatedPrice.client_id == client_id,
                NegotiatedPrice.product_id == product_id,
                col(NegotiatedPrice.deleted_at).is_(None),
                NegotiatedPrice.id != (record.id if record is not None else -1),
                *_valid_between(start, end),
            )
        ).first()
        if clash is not None:
            errors.setdefault(
                "valid_from",
                "Un autre prix négocié de cette prestation couvre déjà une partie de la période.",
            )


NEGOTIATED_PRICES = NegotiatedPriceResource()


def _valid_between(start: date | None, end: date | None) -> tuple:
    """Rows whose period (open at either end) meets [start, end] (open at either end)."""
    conditions = []
    if end is not None:
        conditions.append(
            or_(col(NegotiatedPrice.valid_from).is_(None), col(NegotiatedPrice.valid_from) <= end)
        )
    if start is not None:
        conditions.append(
            or_(col(NegotiatedPrice.valid_to).is_(None), col(NegotiatedPrice.valid_to) >= start)
        )
    return tuple(conditions)


@dataclass(frozen=True)
class Preference:
    """What a client's preferential rates change on a costing line."""

    unit_sale_price: Decimal | None = None
    discount_percent: Decimal | None = None
    note: str = ""


NONE = Preference()


def _valid_on(model, on: date):
    return (
        or_(col(model.valid_from).is_(None), col(model.valid_from) <= on),
        or_(col(model.valid_to).is_(None), col(model.valid_to) >= on),
    )


def preference_for(
    session: Session, client_id: int | None, product: Product, on: date
) -> Preference:
    """The client's negotiated price for this product on that day, else his discount on its
    type, else his discount on everything."""
    if client_id is None:
        return NONE
    price = session.exec(
        select(col(NegotiatedPrice.unit_price))
        .where(
            NegotiatedPrice.client_id == client_id,
            NegotiatedPrice.product_id == product.id,
            col(NegotiatedPrice.deleted_at).is_(None),
            *_valid_on(NegotiatedPrice, on),
        )
        .order_by(col(NegotiatedPrice.valid_from).desc())
    ).first()
    if price is not None:
        return Preference(
            unit_sale_price=price, note=f"Prix négocié client : {formats.money(price)}"
        )
    discounts = session.exec(
        select(col(ClientDiscount.product_type_id), col(ClientDiscount.percent)).where(
            ClientDiscount.client_id == client_id,
            col(ClientDiscount.deleted_at).is_(None),
            or_(
                col(ClientDiscount.product_type_id) == product.product_type_id,
                col(ClientDiscount.product_type_id).is_(None),
            ),
            *_valid_on(ClientDiscount, on),
        )
    ).all()
    on_type = [percent for type_id, percent in discounts if type_id is not None]
    on_all = [percent for type_id, percent in discounts if type_id is None]
    if on_type:
        label = session.get(ProductType, product.product_type_id)
        percent = max(on_type)
        what = label.label.lower() if label is not None else "ce type"
        return Preference(
            discount_percent=percent,
            note=f"Remise client {formats.percent(percent)} ({what})",
        )
    if on_all:
        percent = max(on_all)
        return Preference(
            discount_percent=percent,
            note=f"Remise client {formats.percent(percent)} (toutes prestations)",
        )
    return NONE
