"""Tariffs of the catalogue's products, and the one function that finds the rate that applies.

A rate is valid from `valid_from` to `valid_to` (both included), on some days of the week, for
a tier of paying participants (`min_group` to `max_group`, both included, no maximum = « et
plus ») and one participant category. Two rates of the same product and category that could
both apply to one day and one group size are refused: the lookup never has to choose."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import or_, orm
from sqlmodel import Session, col, select

from agence.models import ParticipantCategory
from agence.models.catalogue import Product, Rate
from agence.services.catalogue.products import PRODUCTS
from agence.services.catalogue.vocabulary import RateDays
from agence.services.common import formats
from agence.services.common.forms import FieldSpec
from agence.services.common.listing import ChoiceFilter, Column, DateFilter, ListSpec
from agence.services.common.permissions import Actor, Module
from agence.services.common.records import PARENT_KEY, Resource

DAYS: dict[str, str] = RateDays.labels()
WEEKEND = (5, 6)
ADULT = "ADULTE"


def applies_on(days: str, day: date) -> bool:
    if days == RateDays.WEEKDAYS:
        return day.weekday() not in WEEKEND
    if days == RateDays.WEEKEND:
        return day.weekday() in WEEKEND
    return True


def days_overlap(first: str, second: str) -> bool:
    return first == RateDays.EVERY_DAY or second == RateDays.EVERY_DAY or first == second


def _tier_label(low: int, high: int | None) -> str:
    return f"{low} et plus" if high is None else f"{low}–{high}"


def tier_label(rate: Rate) -> str:
    return _tier_label(rate.min_group, rate.max_group)


def default_category_id(session: Session) -> int | None:
    """The category a costing prices at: « adulte », else the first active one."""
    adult = session.exec(
        select(ParticipantCategory.id).where(ParticipantCategory.code == ADULT)
    ).first()
    if adult is not None:
        return adult
    return session.exec(
        select(ParticipantCategory.id)
        .where(ParticipantCategory.active)
        .order_by(col(ParticipantCategory.position))
    ).first()


def find_rate(
    session: Session,
    product_id: int,
    on: date,
    paying: int,
    category_id: int | None = None,
) -> Rate | None:
    """The rate of a product for a day and a number of paying participants (default category:
    adulte). At most one can match: overlapping rates are refused when saved."""
    category = category_id if category_id is not None else default_category_id(session)
    if category is None:
        return None
    candidates = session.exec(
        select(Rate).where(
            Rate.product_id == product_id,
            Rate.participant_category_id == category,
            Rate.valid_from <= on,
            Rate.valid_to >= on,
            Rate.min_group <= paying,
            or_(col(Rate.max_group).is_(None), col(Rate.max_group) >= paying),
        )
    ).all()
    return next((rate for rate in candidates if applies_on(rate.days, on)), None)


def overlapping_rate(
    session: Session,
    product_id: int,
    category_id: int,
    valid_from: date,
    valid_to: date,
    days: str,
    min_group: int,
    max_group: int | None,
    excluded_id: int | None = None,
) -> Rate | None:
    """A rate of the same product and category that could apply together with this one."""
    statement = select(Rate).where(
        Rate.product_id == product_id,
        Rate.participant_category_id == category_id,
        Rate.valid_from <= valid_to,
        Rate.valid_to >= valid_from,
        or_(col(Rate.max_group).is_(None), col(Rate.max_group) >= min_group),
    )
    if max_group is not None:
        statement = statement.where(Rate.min_group <= max_group)
    if excluded_id is not None:
        statement = statement.where(Rate.id != excluded_id)
    return next((rate for rate in session.exec(statement) if days_overlap(rate.days, days)), None)


def overlap_message(rate: Rate) -> str:
    return (
        f"Ce tarif chevauche « {rate.label or 'sans libellé'} » "
        f"(du {formats.day(rate.valid_from)} au {formats.day(rate.valid_to)}, "
        f"{DAYS.get(rate.days, rate.days).lower()}, {_tier_label(rate.min_group, rate.max_group)}"
        " payants) pour la même catégorie : modifiez la période, les jours ou la tranche."
    )


def _rates_query():
    return (
        sa.select(
            col(Rate.id).label("id"),
            col(Product.name).label("product"),
            col(Rate.label).label("label"),
            col(Rate.valid_from).label("valid_from"),
            col(Rate.valid_to).label("valid_to"),
            col(Rate.days).label("days"),
            col(Rate.min_group).label("min_group"),
            col(Rate.max_group).label("max_group"),
            col(ParticipantCategory.label).label("category"),
            col(Rate.purchase_price).label("purchase_price"),
            col(Rate.sale_price).label("sale_price"),
            col(Rate.markup_percent).label("markup_percent"),
            col(Rate.product_id).label("parent_id"),
        )
        .join(Product, col(Product.id) == col(Rate.product_id))
        .join(
            ParticipantCategory,
            col(ParticipantCategory.id) == col(Rate.participant_category_id),
        )
        .where(col(Product.deleted_at).is_(None))
    )


def _category_options(session: orm.Session) -> list[tuple[str, str]]:
    return [
        (str(i), label)
        for i, label in session.execute(
            select(ParticipantCategory.id, ParticipantCategory.label).order_by(
                col(ParticipantCategory.position)
            )
        )
    ]


RATES_LIST = ListSpec(
    name="Tarifs",
    query=_rates_query,
    columns=(
        Column("product", "Prestation", Product.name, width=36),
        Column("label", "Libellé", Rate.label, width=18),
        Column("valid_from", "Du", Rate.valid_from, kind="date", width=12),
        Column("valid_to", "Au", Rate.valid_to, kind="date", width=12),
        Column("days", "Jours", Rate.days, width=16, labels=DAYS, phone=False),
        Column("min_group", "Payants de", Rate.min_group, kind="int", width=10, phone=False),
        Column("max_group", "à", Rate.max_group, kind="int", width=8, phone=False),
        Column("category", "Catégorie", ParticipantCategory.label, width=12),
        Column("purchase_price", "Prix d'achat TTC", Rate.purchase_price, kind="money", width=14),
        Column("sale_price", "Prix de vente TTC", Rate.sale_price, kind="money", width=14),
        Column(
            "markup_percent",
            "Majoration",
            Rate.markup_percent,
            kind="percent",
            width=10,
            phone=False,
        ),
    ),
    search=(Product.search_name, Rate.label),
    filters=(
        ChoiceFilter(
            "category",
            "Catégorie",
            Rate.participant_category_id,
            options_query=_category_options,
            value_type=int,
        ),
        DateFilter("valid_on_since", "Valable jusqu'au moins le", Rate.valid_to, is_datetime=False),
        DateFilter("valid_on_until", "Valable dès le", Rate.valid_from, "until", is_datetime=False),
    ),
    default_sort="valid_from",
    tie_breaker=Rate.id,
)


class RateResource(Resource[Rate]):
    model = Rate
    module = Module.CATALOGUE
    entity = "tarif"
    new_title = "Nouveau tarif"
    parent = PRODUCTS
    parent_field = "product_id"
    fields = (
        FieldSpec("label", "Libellé", max_length=80, placeholder="Haute saison, week-end…"),
        FieldSpec("participant_category_id", "Catégorie de participants", "ref", required=True),
        FieldSpec("valid_from", "Valable du", "date", required=True),
        FieldSpec("valid_to", "au", "date", required=True),
        FieldSpec("days", "Jours", "choice", required=True, choices=tuple(DAYS.items())),
        FieldSpec("min_group", "Payants de", "int", required=True, min_value=1, max_value=10000),
        FieldSpec(
            "max_group",
            "à (vide : et plus)",
            "int",
            min_value=1,
            max_value=10000,
        ),
        FieldSpec(
            "purchase_price",
            "Prix d'achat TTC (€)",
            "decimal",
            required=True,
            min_value=Decimal(0),
            max_value=Decimal("9999999"),
        ),
        FieldSpec(
            "sale_price",
            "Prix de vente TTC (€)",
            "decimal",
            min_value=Decimal(0),
            max_value=Decimal("9999999"),
            help="Ou une majoration ; vides tous deux : la majoration de la cotation.",
        ),
        FieldSpec("markup_percent", "Majoration (%)", "percent", max_value=1000),
    )

    def list_spec(self) -> ListSpec:
        return RATES_LIST

    def describe(self, record: Rate) -> str:
        return (
            f"{record.label or 'Tarif'} du {formats.day(record.valid_from)} "
            f"au {formats.day(record.valid_to)}, {tier_label(record)}"
        )

    def choices(
        self, session: Session, parent_id: int | None = None
    ) -> dict[str, tuple[tuple[str, str], ...]]:
        return {
            "participant_category_id": tuple(
                (str(i), label)
                for i, label in session.exec(
                    select(ParticipantCategory.id, ParticipantCategory.label)
                    .where(ParticipantCategory.active)
                    .order_by(col(ParticipantCategory.position))
                )
            )
        }

    def defaults(self, session: Session) -> dict[str, str]:
        category = default_category_id(session)
        today = formats.today()
        return {
            "days": RateDays.EVERY_DAY,
            "min_group": "1",
            "participant_category_id": str(category or ""),
            "valid_from": date(today.year, 1, 1).isoformat(),
            "valid_to": date(today.year, 12, 31).isoformat(),
        }

    def validate(
        self,
        session: Session,
        actor: Actor,
        record: Rate | None,
        clean: dict[str, Any],
        errors: dict[str, str],
    ) -> None:
        start, end = clean.get("valid_from"), clean.get("valid_to")
        if start and end and end < start:
            errors.setdefault("valid_to", "La fin précède le début.")
        low, high = clean.get("min_group"), clean.get("max_group")
        if low and high and high < low:
            errors.setdefault("max_group", "Le maximum est inférieur au minimum.")
        if clean.get("sale_price") is not None and clean.get("markup_percent") is not None:
            errors.setdefault("markup_percent", "Un prix de vente ou une majoration, pas les deux.")
        if errors or not (start and end and low and clean.get("participant_category_id")):
            return
        product_id = record.product_id if record is not None else clean.get(PARENT_KEY)
        clash = overlapping_rate(
            session,
            product_id or 0,
            clean["participant_category_id"],
            start,
            end,
            clean.get("days") or RateDays.EVERY_DAY,
            low,
            high,
            excluded_id=record.id if record is not None else None,
        )
        if clash is not None:
            errors[""] = overlap_message(clash)


RATES = RateResource()
