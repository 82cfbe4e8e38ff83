"""The supplier file: who sells us the services (hotels, restaurants, sites, coaches, guides…)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from agence.models import Address, PaymentTerm, Supplier, VatRate
from agence.services.common import formats
from agence.services.common.forms import FieldSpec, vat_siren_problem
from agence.services.common.listing import ChoiceFilter, Column, ListSpec, TextFilter, active_filter
from agence.services.common.permissions import Actor, Module
from agence.services.common.records import Resource
from agence.services.common.text import normalize_text
from agence.services.parties import accounts
from agence.services.parties.party_files import (
    keep_account_code,
    main_address,
    refresh_location,
    sync_main_address,
)
from agence.services.parties.vocabulary import VAT_REGIME_SHORT_LABELS, SupplierType, VatRegime

# The label tables other areas read (a product's VAT regime).
SUPPLIER_TYPES: dict[str, str] = SupplierType.labels()
VAT_REGIMES: dict[str, str] = VatRegime.labels()
ACCOUNT_PREFIX = "401"
ACCOUNT_COUNTER = "next_supplier_account"
MAX_SCHEDULE_STEPS = 10


def parse_schedule(text: str) -> list[dict[str, str]]:
    """« 30:30 ; 7:100 » (jours avant : %) → [{"days": 30, "percent": "30"}, …], sorted.

    Raises ValueError with a French message."""
    steps: list[dict[str, Any]] = []
    parts: list[str] = []
    for chunk in text.replace("\n", ";").split(";"):
        # « 30:30, 7:100 » separates steps by commas; « 60:12,5 » is a decimal comma.
        parts.extend(chunk.split(",") if chunk.count(":") > 1 else [chunk])
    for part in parts:
        part = part.strip()
        if not part:
            continue
        days_text, _, percent_text = part.partition(":")
        try:
            days = int(days_text.strip().removeprefix("J-").removeprefix("j-"))
            percent = Decimal(percent_text.strip().removesuffix("%").strip().replace(",", "."))
            if not percent.is_finite():
                raise InvalidOperation
        except (ValueError, InvalidOperation) as exc:
            raise ValueError(
                f"« {part} » : écrire « jours avant le départ : pourcentage », ex. 30:30 ; 7:100."
            ) from exc
        if days < 0 or not Decimal(0) < percent <= Decimal(100):
            raise ValueError(f"« {part} » : jours positifs et pourcentage entre 0 et 100.")
        steps.append({"days": days, "percent": format(percent.normalize(), "f")})
    if len(steps) > MAX_SCHEDULE_STEPS:
        raise ValueError(f"{MAX_SCHEDULE_STEPS} paliers au plus.")
    if len({step["days"] for step in steps}) != len(steps):
        raise ValueError("Deux paliers ont le même nombre de jours.")
    steps.sort(key=lambda step: -step["days"])
    percents = [Decimal(step["percent"]) for step in steps]
    if percents != sorted(percents):
        raise ValueError("Le pourcentage doit croître à l'approche du départ.")
    return steps


def schedule_text(steps: list[dict[str, Any]]) -> str:
    return " ; ".join(f"{step['days']}:{step['percent']}" for step in steps)


def cancellation_percent(steps: list[dict[str, Any]], days_before: int) -> Decimal:
    """The share due when cancelling `days_before` days before the service."""
    due = Decimal(0)
    for step in steps:  # sorted from the farthest to the nearest
        if days_before <= int(step["days"]):
            due = Decimal(str(step["percent"]))
    return due


def _suppliers_query():
    return sa.select(
        col(Supplier.id).label("id"),
        col(Supplier.name).label("name"),
        col(Supplier.supplier_type).label("supplier_type"),
        col(Supplier.city).label("city"),
        col(Supplier.phone).label("phone"),
        col(Supplier.email).label("email"),
        col(Supplier.default_vat_regime).label("default_vat_regime"),
        col(Supplier.account_code).label("account_code"),
        col(Supplier.active).label("active"),
    ).where(col(Supplier.deleted_at).is_(None))


SUPPLIERS_LIST = ListSpec(
    name="Fournisseurs",
    query=_suppliers_query,
    columns=(
        Column("name", "Nom", Supplier.search_name, width=36),
        Column(
            "supplier_type", "Type", Supplier.supplier_type, width=18, labels=SupplierType.labels()
        ),
        Column("city", "Ville", Supplier.city, width=20),
        Column("phone", "Téléphone", Supplier.phone, width=16, phone=False),
        Column("email", "E-mail", Supplier.email, width=30, phone=False),
        Column(
            "default_vat_regime",
            "Régime de TVA",
            Supplier.default_vat_regime,
            width=22,
            labels=VAT_REGIME_SHORT_LABELS,
            phone=False,
        ),
        Column("account_code", "Compte", Supplier.account_code, width=12, phone=False),
        Column("active", "Actif", Supplier.active, kind="bool", width=8, phone=False),
    ),
    normalized_search=(Supplier.search_text,),
    filters=(
        ChoiceFilter("supplier_type", "Type", Supplier.supplier_type, SupplierType.choices()),
        TextFilter("city", "Ville", Supplier.city),
        active_filter(Supplier.active),
    ),
    default_sort="name",
    tie_breaker=Supplier.id,
)


def next_account_code(session: Session) -> str:
    return accounts.next_counter_code(session, Supplier, ACCOUNT_COUNTER, ACCOUNT_PREFIX)


class SupplierResource(Resource[Supplier]):
    model = Supplier
    module = Module.THIRD_PARTIES
    entity = "fournisseur"
    new_title = "Nouveau fournisseur"
    unique = ("account_code",)
    fields = (
        FieldSpec("name", "Nom", required=True, max_length=200, wide=True, section="Identité"),
        FieldSpec("supplier_type", "Type", "choice", required=True, choices=SupplierType.choices()),
        FieldSpec("active", "Actif", "bool"),
        FieldSpec("email", "E-mail", "email", max_length=254, section="Coordonnées"),
        FieldSpec("phone", "Téléphone", "phone", max_length=30),
        FieldSpec("billing_line1", "Adresse", max_length=200, wide=True),
        FieldSpec("billing_postcode", "Code postal", max_length=10),
        FieldSpec("billing_city", "Ville", max_length=100),
        FieldSpec("website", "Site web", max_length=200),
        FieldSpec(
            "siret",
            "SIRET (ou SIREN)",
            "siren_or_siret",
            max_length=20,
            section="Identifiants et comptabilité",
        ),
        FieldSpec("vat_number", "N° de TVA intracommunautaire", "vat", max_length=20),
        FieldSpec("payment_term_id", "Conditions de règlement", "ref"),
        FieldSpec(
            "default_vat_regime",
            "Régime de TVA par défaut",
            "choice",
            required=True,
            choices=VatRegime.choices(),
        ),
        FieldSpec("default_vat_rate_id", "Taux de TVA par défaut", "ref"),
        FieldSpec(
            "account_code",
            "Compte auxiliaire",
            "account",
            account_prefix=ACCOUNT_PREFIX,
            help="Laissé vide : attribué automatiquement (401…).",
        ),
        FieldSpec(
            "free_places",
            "Gratuités accordées (k)",
            "int",
            min_value=0,
            max_value=50,
            section="Conditions contractuelles",
        ),
        FieldSpec(
            "free_places_per",
            "… pour N payants",
            "int",
            min_value=0,
            max_value=500,
            help="Ex. 1 gratuité pour 20 payants : 1 et 20.",
        ),
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
        FieldSpec("notes", "Notes", "textarea", max_length=4000, wide=True, section="Notes"),
    )

    def list_spec(self) -> ListSpec:
        return SUPPLIERS_LIST

    def describe(self, record: Supplier) -> str:
        return record.name

    def choices(
        self, session: Session, parent_id: int | None = None
    ) -> dict[str, tuple[tuple[str, str], ...]]:
        return {
            "payment_term_id": tuple(
                (str(i), label)
                for i, label in session.exec(
                    select(PaymentTerm.id, PaymentTerm.label)
                    .where(PaymentTerm.active)
                    .order_by(PaymentTerm.label)
                )
            ),
            "default_vat_rate_id": tuple(
                (str(i), f"{formats.percent(rate)} — {label}")
                for i, rate, label in session.exec(
                    select(col(VatRate.id), col(VatRate.rate), col(VatRate.label))
                    .where(VatRate.active)
                    .order_by(col(VatRate.rate).desc())
                )
            ),
        }

    def defaults(self, session: Session) -> dict[str, str]:
        rate = session.exec(select(VatRate.id).where(VatRate.rate == Decimal(20))).first()
        return {
            "active": "on",
            "default_vat_regime": VatRegime.MARGIN.value,
            "default_vat_rate_id": str(rate or ""),
        }

    def form_values(self, session: Session, record: Supplier) -> dict[str, str]:
        values = super().form_values(session, record)
        values["cancellation_text"] = schedule_text(record.cancellation_schedule)
        address = _main_address(session, record.id or 0)
        if address is not None:
            values.update(
                {
                    "billing_line1": address.line1,
                    "billing_postcode": address.postcode,
                    "billing_city": address.city,
                }
            )
        return values

    def validate(
        self,
        session: Session,
        actor: Actor,
        record: Supplier | None,
        clean: dict[str, Any],
        errors: dict[str, str],
    ) -> None:
        try:
            clean["cancellation_schedule"] = parse_schedule(clean.get("cancellation_text") or "")
        except ValueError as exc:
            errors.setdefault("cancellation_text", str(exc))
        free, per = clean.get("free_places") or 0, clean.get("free_places_per") or 0
        typed_well = "free_places" not in errors and "free_places_per" not in errors
        if typed_well and bool(free) != bool(per):
            errors.setdefault("free_places_per", "Indiquez les deux nombres (ex. 1 pour 20).")
        if problem := vat_siren_problem(clean.get("siret"), clean.get("vat_number")):
            errors.setdefault("vat_number", problem)
        if clean.get("billing_line1") and not clean.get("billing_city"):
            errors.setdefault("billing_city", "Indiquez la ville.")

    def apply(self, session: Session, record: Supplier, clean: dict[str, Any]) -> None:
        posted_code = record.account_code
        super().apply(session, record, clean)
        record.account_code = keep_account_code(posted_code, record.account_code) or (
            next_account_code(session)
        )
        record.search_name = normalize_text(record.name)
        record.free_places = clean.get("free_places") or 0
        record.free_places_per = clean.get("free_places_per") or 0
        record.cancellation_schedule = clean.get("cancellation_schedule") or []

    def after_save(
        self,
        session: Session,
        actor: Actor,
        record: Supplier,
        clean: dict[str, Any],
        created: bool,
    ) -> dict[str, Any]:
        changes = sync_main_address(session, "supplier_id", record.id or 0, clean)
        refresh_location(session, record)
        return changes


def _main_address(session: Session, supplier_id: int) -> Address | None:
    return main_address(session, "supplier_id", supplier_id)


def refresh_supplier_location(session: Session, supplier: Supplier) -> None:
    refresh_location(session, supplier)


SUPPLIERS = SupplierResource()


def supplier_choices(session: Session) -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(i), name)
        for i, name in session.exec(
            select(Supplier.id, Supplier.name)
            .where(col(Supplier.deleted_at).is_(None), Supplier.active)
            .order_by(col(Supplier.name))
        )
    )
