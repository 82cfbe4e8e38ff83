"""The products of the catalogue (prestations): what they are, how they are sold, their VAT,
accounts and the supplier's terms. A blank VAT or supplier term takes the supplier's default
when the product is saved, so the product always shows what applies."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import func, orm
from sqlmodel import Session, col, select

from agence.models import CostingLine, ProductType, Supplier, VatRate
from agence.models.catalogue import NegotiatedPrice, Product, Rate
from agence.services.catalogue.vocabulary import ProductBasis
from agence.services.common import formats
from agence.services.common.forms import FieldSpec
from agence.services.common.listing import ChoiceFilter, Column, ListSpec, TextFilter, active_filter
from agence.services.common.permissions import Actor, Module
from agence.services.common.records import Resource
from agence.services.common.text import normalize_text
from agence.services.parties.clients import LANGUAGES
from agence.services.parties.suppliers import (
    parse_schedule,
    schedule_text,
    supplier_choices,
)
from agence.services.parties.vocabulary import VAT_REGIME_SHORT_LABELS, VatRegime

BASES: dict[str, str] = ProductBasis.labels()
FROM_SUPPLIER = ""
LANGUAGE_FIELD = "language:"
MAX_TAGS_LENGTH = 300


def _products_query():
    return (
        sa.select(
            col(Product.id).label("id"),
            col(Product.name).label("name"),
            col(ProductType.label).label("product_type"),
            col(Supplier.name).label("supplier"),
            col(Product.basis).label("basis"),
            col(Product.vat_regime).label("vat_regime"),
            col(Product.capacity_max).label("capacity_max"),
            col(Product.active).label("active"),
        )
        .join(ProductType, col(ProductType.id) == col(Product.product_type_id))
        .outerjoin(Supplier, col(Supplier.id) == col(Product.supplier_id))
        .where(col(Product.deleted_at).is_(None))
    )


def _type_options(session: orm.Session) -> list[tuple[str, str]]:
    return [
        (str(i), label)
        for i, label in session.execute(
            select(ProductType.id, ProductType.label).order_by(
                col(ProductType.position), col(ProductType.label)
            )
        )
    ]


def _supplier_options(session: orm.Session) -> list[tuple[str, str]]:
    # The listing hands its option queries the session it runs in, always the app's
    # sqlmodel Session; its filter only declares the SQLAlchemy base class.
    return list(supplier_choices(cast(Session, session)))


PRODUCTS_LIST = ListSpec(
    name="Prestations",
    query=_products_query,
    columns=(
        Column("name", "Prestation", Product.search_name, width=40),
        Column("product_type", "Type", ProductType.label, width=16),
        Column("supplier", "Fournisseur", Supplier.name, width=30),
        Column("basis", "Base", Product.basis, width=22, labels=BASES, phone=False),
        Column(
            "vat_regime",
            "Régime de TVA",
            Product.vat_regime,
            width=14,
            labels=VAT_REGIME_SHORT_LABELS,
            phone=False,
        ),
        Column(
            "capacity_max", "Capacité max.", Product.capacity_max, kind="int", width=10, phone=False
        ),
        Column("active", "Active", Product.active, kind="bool", width=8, phone=False),
    ),
    normalized_search=(Product.search_text,),
    filters=(
        ChoiceFilter(
            "product_type",
            "Type",
            Product.product_type_id,
            options_query=_type_options,
            value_type=int,
        ),
        ChoiceFilter(
            "supplier",
            "Fournisseur",
            Product.supplier_id,
            options_query=_supplier_options,
            value_type=int,
        ),
        ChoiceFilter(
            "vat_regime", "Régime de TVA", Product.vat_regime, tuple(VatRegime.labels().items())
        ),
        TextFilter("tags", "Mot-clé", Product.tags),
        active_filter(Product.active),
    ),
    default_sort="name",
    tie_breaker=Product.id,
)


def parse_languages(data: dict[str, Any]) -> list[str]:
    return [
        code for code in LANGUAGES if str(data.get(LANGUAGE_FIELD + code, "")) not in ("", "off")
    ]


class ProductResource(Resource[Product]):
    model = Product
    module = Module.CATALOGUE
    entity = "prestation"
    new_title = "Nouvelle prestation"
    fields = (
        FieldSpec("name", "Nom", required=True, max_length=200, wide=True, section="Prestation"),
        FieldSpec("product_type_id", "Type", "ref", required=True),
        FieldSpec(
            "supplier_id",
            "Fournisseur",
            "ref",
            help="Vide : une prestation de l'agence (TVA normale par défaut).",
        ),
        FieldSpec("active", "Active", "bool"),
        FieldSpec(
            "description_fr", "Description (français)", "textarea", max_length=4000, wide=True
        ),
        FieldSpec(
            "description_en", "Description (anglais)", "textarea", max_length=4000, wide=True
        ),
        FieldSpec(
            "duration_minutes",
            "Durée (minutes)",
            "int",
            min_value=0,
            max_value=60 * 24 * 30,
            section="Caractéristiques",
        ),
        FieldSpec("capacity_min", "Groupe minimum", "int", min_value=1, max_value=10000),
        FieldSpec("capacity_max", "Capacité maximum", "int", min_value=1, max_value=10000),
        FieldSpec("accessible", "Accessible PMR", "bool"),
        FieldSpec("accessibility_notes", "Accessibilité (précisions)", max_length=500, wide=True),
        FieldSpec("meeting_point", "Lieu de rendez-vous", max_length=300, wide=True),
        FieldSpec(
            "opening_hours",
            "Jours et horaires d'ouverture",
            "textarea",
            max_length=500,
            wide=True,
            placeholder="Du mardi au dimanche, 9 h 30 – 18 h ; fermé en janvier",
        ),
        FieldSpec(
            "tags",
            "Mots-clés",
            max_length=MAX_TAGS_LENGTH,
            wide=True,
            help="Séparés par des virgules : château, Renaissance, jardins.",
        ),
        FieldSpec(
            "basis",
            "Base de prix",
            "choice",
            required=True,
            choices=tuple(BASES.items()),
            section="Vente",
        ),
        FieldSpec(
            "unit_capacity",
            "Capacité par unité",
            "int",
            min_value=1,
            max_value=10000,
            help="Pour une base « par unité » : ex. 30 personnes par guide, 53 places par car.",
        ),
        FieldSpec(
            "vat_regime",
            "Régime de TVA",
            "choice",
            choices=((FROM_SUPPLIER, "Selon le fournisseur"), *VatRegime.labels().items()),
        ),
        FieldSpec("vat_rate_id", "Taux de TVA", "ref", help="Vide : celui du fournisseur."),
        FieldSpec("sales_account", "Compte de vente", "account", max_length=12),
        FieldSpec("purchase_account", "Compte d'achat", "account", max_length=12),
        FieldSpec("analytic_code", "Code analytique", max_length=20),
        FieldSpec(
            "free_places",
            "Gratuités fournisseur (k)",
            "int",
            min_value=0,
            max_value=50,
            section="Conditions du fournisseur",
            help="Vides : celles du fournisseur.",
        ),
        FieldSpec("free_places_per", "… pour N payants", "int", min_value=0, max_value=500),
        FieldSpec(
            "option_deadline_days", "Délai d'option (jours)", "int", min_value=0, max_value=365
        ),
        FieldSpec(
            "cancellation_text",
            "Barème d'annulation (jours : %)",
            max_length=300,
            placeholder="30:30 ; 7:100",
            help="30 % dus à J-30 ou moins, 100 % à J-7 ou moins.",
        ),
        FieldSpec(
            "cancellation_terms",
            "Conditions d'annulation (texte)",
            "textarea",
            max_length=4000,
            wide=True,
        ),
    )

    def list_spec(self) -> ListSpec:
        return PRODUCTS_LIST

    def describe(self, record: Product) -> str:
        return record.name

    def choices(
        self, session: Session, parent_id: int | None = None
    ) -> dict[str, tuple[tuple[str, str], ...]]:
        return {
            "product_type_id": tuple(
                (str(i), label)
                for i, label in session.exec(
                    select(ProductType.id, ProductType.label)
                    .where(ProductType.active)
                    .order_by(col(ProductType.position), col(ProductType.label))
                )
            ),
            "supplier_id": supplier_choices(session),
            "vat_rate_id": vat_rate_choices(session),
            "languages": tuple(LANGUAGES.items()),
        }

    def defaults(self, session: Session) -> dict[str, str]:
        return {"active": "on", "basis": ProductBasis.PERSON, "vat_regime": FROM_SUPPLIER}

    def form_values(self, session: Session, record: Product) -> dict[str, str]:
        values = super().form_values(session, record)
        values["cancellation_text"] = schedule_text(record.cancellation_schedule)
        for code in record.languages:
            values[LANGUAGE_FIELD + code] = "on"
        return values

    def parse_extra(self, session, data, clean, errors) -> None:
        clean["languages"] = parse_languages(data)

    def validate(
        self,
        session: Session,
        actor: Actor,
        record: Product | None,
        clean: dict[str, Any],
        errors: dict[str, str],
    ) -> None:
        try:
            clean["cancellation_schedule"] = parse_schedule(clean.get("cancellation_text") or "")
        except ValueError as exc:
            errors.setdefault("cancellation_text", str(exc))
        free, per = clean.get("free_places"), clean.get("free_places_per")
        typed_well = "free_places" not in errors and "free_places_per" not in errors
        one_blank = (free is None) != (per is None)
        if typed_well and (one_blank or bool(free) != bool(per)):
            errors.setdefault("free_places_per", "Indiquez les deux nombres (ex. 1 pour 20).")
        low, high = clean.get("capacity_min"), clean.get("capacity_max")
        if low and high and low > high:
            errors.setdefault("capacity_max", "La capacité maximum est inférieure au minimum.")
        if clean.get("basis") == ProductBasis.UNIT and not clean.get("unit_capacity"):
            errors.setdefault("unit_capacity", "Indiquez combien de personnes une unité accueille.")

    def apply(self, session: Session, record: Product, clean: dict[str, Any]) -> None:
        super().apply(session, record, clean)
        supplier = session.get(Supplier, record.supplier_id) if record.supplier_id else None
        if not clean.get("vat_regime"):
            record.vat_regime = supplier.default_vat_regime if supplier else VatRegime.NORMAL
        if not clean.get("vat_rate_id"):
            record.vat_rate_id = (
                supplier.default_vat_rate_id if supplier else None
            ) or standard_vat_rate_id(session)
        if clean.get("free_places") is None and clean.get("free_places_per") is None:
            record.free_places = supplier.free_places if supplier else 0
            record.free_places_per = supplier.free_places_per if supplier else 0
        else:
            record.free_places = clean.get("free_places") or 0
            record.free_places_per = clean.get("free_places_per") or 0
        if clean.get("option_deadline_days") is None and supplier is not None:
            record.option_deadline_days = supplier.option_deadline_days
        schedule = clean.get("cancellation_schedule") or []
        if not schedule and supplier is not None and not clean.get("cancellation_text"):
            schedule = list(supplier.cancellation_schedule)
            record.cancellation_terms = record.cancellation_terms or supplier.cancellation_terms
        record.cancellation_schedule = schedule
        record.unit_capacity = (
            clean.get("unit_capacity") if record.basis == ProductBasis.UNIT else None
        )
        record.languages = clean.get("languages") or []
        record.search_name = normalize_text(record.name)
        supplier_name = supplier.name if supplier else ""
        record.search_text = normalize_text(f"{record.name} {supplier_name} {record.tags}")[:600]

    def delete_problem(self, session: Session, record: Product) -> str | None:
        used = session.exec(
            select(func.count()).select_from(CostingLine).where(CostingLine.product_id == record.id)
        ).one()
        if used:
            return (
                f"Cette prestation figure dans {used} ligne(s) de cotation : désactivez-la plutôt."
            )
        return None


PRODUCTS = ProductResource()


def vat_rate_choices(session: Session) -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(i), f"{formats.percent(rate)} — {label}")
        for i, rate, label in session.exec(
            select(col(VatRate.id), col(VatRate.rate), col(VatRate.label))
            .where(VatRate.active)
            .order_by(col(VatRate.rate).desc())
        )
    )


def standard_vat_rate_id(session: Session) -> int | None:
    return session.exec(select(VatRate.id).where(VatRate.rate == Decimal(20))).first()


def product_choices(session: Session) -> tuple[tuple[str, str], ...]:
    """Active products, for a negotiated price or a programme slot."""
    return tuple(
        (str(i), name)
        for i, name in session.exec(
            select(Product.id, Product.name)
            .where(col(Product.deleted_at).is_(None), Product.active)
            .order_by(col(Product.name))
        )
    )


def product_usage(session: Session, product_id: int) -> dict[str, int]:
    """How many tariffs and negotiated prices a product has (shown on its page)."""
    return {
        "rates": session.exec(
            select(func.count()).select_from(Rate).where(Rate.product_id == product_id)
        ).one(),
        "negotiated": session.exec(
            select(func.count())
            .select_from(NegotiatedPrice)
            .where(
                NegotiatedPrice.product_id == product_id,
                col(NegotiatedPrice.deleted_at).is_(None),
            )
        ).one(),
    }
