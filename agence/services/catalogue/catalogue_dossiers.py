"""Catalogue dossiers (pre-built products): a named programme skeleton — days, time slots,
products or free text — and a costing, from which the dossiers issue creates a dossier.

Each catalogue dossier owns one costing (marked `is_template`, so it stays out of the quick
costings' list), created with it and edited on the costing screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from agence.models.catalogue import CatalogueDossier, CatalogueProgrammeItem, Costing, Product
from agence.services.catalogue.costings import copy_costing
from agence.services.catalogue.products import product_choices
from agence.services.catalogue.vocabulary import DossierType
from agence.services.common import formats
from agence.services.common.forms import FieldSpec, read_times
from agence.services.common.listing import ChoiceFilter, Column, ListSpec, active_filter
from agence.services.common.permissions import Actor, Module
from agence.services.common.records import PARENT_KEY, Resource

DOSSIER_TYPES: dict[str, str] = DossierType.labels()
MAX_DAYS = 60


def _dossiers_query():
    items = (
        select(func.count())
        .select_from(CatalogueProgrammeItem)
        .where(CatalogueProgrammeItem.dossier_id == CatalogueDossier.id)
        .scalar_subquery()
    )
    return sa.select(
        col(CatalogueDossier.id).label("id"),
        col(CatalogueDossier.name).label("name"),
        col(CatalogueDossier.dossier_type).label("dossier_type"),
        col(CatalogueDossier.duration_days).label("duration_days"),
        items.label("items"),
        col(CatalogueDossier.active).label("active"),
    ).where(col(CatalogueDossier.deleted_at).is_(None))


CATALOGUE_DOSSIERS_LIST = ListSpec(
    name="Dossiers catalogue",
    query=_dossiers_query,
    columns=(
        Column("name", "Nom", CatalogueDossier.name, width=40),
        Column(
            "dossier_type", "Type", CatalogueDossier.dossier_type, width=14, labels=DOSSIER_TYPES
        ),
        Column("duration_days", "Jours", CatalogueDossier.duration_days, kind="int", width=8),
        Column("items", "Étapes", None, kind="int", sortable=False, width=8, phone=False),
        Column("active", "Actif", CatalogueDossier.active, kind="bool", width=8, phone=False),
    ),
    search=(CatalogueDossier.name,),
    filters=(
        ChoiceFilter(
            "dossier_type", "Type", CatalogueDossier.dossier_type, tuple(DOSSIER_TYPES.items())
        ),
        active_filter(CatalogueDossier.active),
    ),
    default_sort="name",
    tie_breaker=CatalogueDossier.id,
)


class CatalogueDossierResource(Resource[CatalogueDossier]):
    model = CatalogueDossier
    module = Module.CATALOGUE
    entity = "dossier catalogue"
    new_title = "Nouveau dossier catalogue"
    unique = ("name",)
    fields = (
        FieldSpec("name", "Nom", required=True, max_length=200, wide=True),
        FieldSpec(
            "dossier_type", "Type", "choice", required=True, choices=tuple(DOSSIER_TYPES.items())
        ),
        FieldSpec(
            "duration_days", "Durée (jours)", "int", required=True, min_value=1, max_value=60
        ),
        FieldSpec("active", "Actif", "bool"),
        FieldSpec("description", "Description", "textarea", max_length=4000, wide=True),
    )

    def list_spec(self) -> ListSpec:
        return CATALOGUE_DOSSIERS_LIST

    def describe(self, record: CatalogueDossier) -> str:
        return record.name

    def defaults(self, session: Session) -> dict[str, str]:
        return {"active": "on", "dossier_type": DossierType.DAY_TRIP, "duration_days": "1"}

    def validate(self, session, actor, record, clean, errors) -> None:
        days = clean.get("duration_days")
        if record is not None and days:
            beyond = session.exec(
                select(func.max(CatalogueProgrammeItem.day)).where(
                    CatalogueProgrammeItem.dossier_id == record.id
                )
            ).one()
            if beyond and beyond > days:
                errors.setdefault("duration_days", f"Le programme a des étapes au jour {beyond}.")

    def after_save(
        self,
        session: Session,
        actor: Actor,
        record: CatalogueDossier,
        clean: dict[str, Any],
        created: bool,
    ) -> dict[str, Any]:
        costing = session.get(Costing, record.costing_id) if record.costing_id else None
        if costing is None:
            costing = Costing(name=record.name, is_template=True, created_by_id=actor.user_id)
            session.add(costing)
            session.flush()
            record.costing_id = costing.id
            session.add(record)
        elif costing.name != record.name:
            costing.name = record.name
            session.add(costing)
        session.flush()
        return {}


CATALOGUE_DOSSIERS = CatalogueDossierResource()


def _items_query():
    return sa.select(
        col(CatalogueProgrammeItem.id).label("id"),
        col(CatalogueProgrammeItem.day).label("day"),
        col(CatalogueProgrammeItem.start_time).label("start_time"),
        col(CatalogueProgrammeItem.end_time).label("end_time"),
        col(CatalogueProgrammeItem.title).label("title"),
        col(Product.name).label("product"),
        col(CatalogueProgrammeItem.dossier_id).label("parent_id"),
    ).outerjoin(Product, col(Product.id) == col(CatalogueProgrammeItem.product_id))


PROGRAMME_LIST = ListSpec(
    name="Programme",
    query=_items_query,
    columns=(
        Column("day", "Jour", CatalogueProgrammeItem.day, kind="int", width=6),
        Column(
            "start_time",
            "De",
            CatalogueProgrammeItem.start_time,
            width=8,
            render=formats.clock,
        ),
        Column(
            "end_time",
            "À",
            CatalogueProgrammeItem.end_time,
            width=8,
            render=formats.clock,
        ),
        Column("title", "Étape", CatalogueProgrammeItem.title, width=36),
        Column("product", "Prestation", Product.name, width=30, phone=False),
    ),
    default_sort="day",
    # Within a day: by time, the slots without a time last (on every database).
    then_by=(col(CatalogueProgrammeItem.start_time).is_(None), CatalogueProgrammeItem.start_time),
    tie_breaker=CatalogueProgrammeItem.id,
)


class ProgrammeItemResource(Resource[CatalogueProgrammeItem]):
    model = CatalogueProgrammeItem
    module = Module.CATALOGUE
    entity = "étape du programme"
    new_title = "Nouvelle étape"
    parent = CATALOGUE_DOSSIERS
    parent_field = "dossier_id"
    fields = (
        FieldSpec("day", "Jour", "int", required=True, min_value=1, max_value=MAX_DAYS),
        FieldSpec("start_text", "De", max_length=5, placeholder="9:30"),
        FieldSpec("end_text", "À", max_length=5, placeholder="12:00"),
        FieldSpec("product_id", "Prestation du catalogue", "ref", wide=True),
        FieldSpec(
            "title",
            "Intitulé",
            max_length=200,
            wide=True,
            help="Vide : le nom de la prestation. Ou un texte libre (temps libre, trajet…).",
        ),
        FieldSpec("notes", "Notes", "textarea", max_length=1000, wide=True),
    )

    def list_spec(self) -> ListSpec:
        return PROGRAMME_LIST

    def describe(self, record: CatalogueProgrammeItem) -> str:
        return f"Jour {record.day} — {record.title}"

    def choices(
        self, session: Session, parent_id: int | None = None
    ) -> dict[str, tuple[tuple[str, str], ...]]:
        return {"product_id": product_choices(session)}

    def defaults(self, session: Session) -> dict[str, str]:
        return {"day": "1"}

    def form_values(self, session: Session, record: CatalogueProgrammeItem) -> dict[str, str]:
        values = super().form_values(session, record)
        values["start_text"] = formats.clock(record.start_time)
        values["end_text"] = formats.clock(record.end_time)
        return values

    def validate(self, session, actor, record, clean, errors) -> None:
        read_times(clean, errors)
        if not clean.get("title") and clean.get("product_id") is None:
            errors.setdefault("title", "Choisissez une prestation ou écrivez un intitulé.")
        dossier_id = record.dossier_id if record is not None else clean.get(PARENT_KEY)
        dossier = session.get(CatalogueDossier, dossier_id) if dossier_id else None
        day = clean.get("day")
        if dossier is not None and day and day > dossier.duration_days:
            errors.setdefault("day", f"Le dossier dure {dossier.duration_days} jour(s).")

    def apply(
        self, session: Session, record: CatalogueProgrammeItem, clean: dict[str, Any]
    ) -> None:
        super().apply(session, record, clean)
        record.start_time = clean.get("start_time")
        record.end_time = clean.get("end_time")
        if not record.title and record.product_id:
            product = session.get(Product, record.product_id)
            record.title = product.name if product else ""


PROGRAMME_ITEMS = ProgrammeItemResource()


@dataclass(frozen=True)
class ProgrammeStep:
    """A step of the programme as the dossier's summary shows it."""

    day: str
    time: str
    """« 9:30 – 12:00 », one time, or empty."""
    title: str


def programme(session: Session, dossier_id: int) -> list[ProgrammeStep]:
    """The programme day by day, in order, for the dossiers issue and the page's summary."""
    rows = session.exec(
        select(CatalogueProgrammeItem)
        .where(CatalogueProgrammeItem.dossier_id == dossier_id)
        .order_by(
            col(CatalogueProgrammeItem.day),
            col(CatalogueProgrammeItem.start_time).is_(None),
            col(CatalogueProgrammeItem.start_time),
            col(CatalogueProgrammeItem.id),
        )
    ).all()
    return [
        ProgrammeStep(
            day=str(item.day),
            time=" – ".join(
                formats.clock(moment) for moment in (item.start_time, item.end_time) if moment
            ),
            title=item.title,
        )
        for item in rows
    ]


def copy_for_dossier(session: Session, dossier: CatalogueDossier, name: str) -> Costing | None:
    """The costing a new dossier starts from: a copy of the catalogue dossier's (issue 5)."""
    source = session.get(Costing, dossier.costing_id) if dossier.costing_id else None
    if source is None:
        return None
    return copy_costing(session, source, name=name, is_template=False)
