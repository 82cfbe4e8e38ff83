"""VAT rates and their accounts (collected 44571x, deductible 44566x)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from agence.models import VatRate
from agence.services.common import formats
from agence.services.common.forms import FieldSpec
from agence.services.common.listing import Column, ListSpec, active_filter
from agence.services.common.permissions import Actor, Module
from agence.services.common.records import Resource

VAT_RATES_LIST = ListSpec(
    name="Taux de TVA",
    query=lambda: sa.select(
        col(VatRate.id).label("id"),
        col(VatRate.rate).label("rate"),
        col(VatRate.label).label("label"),
        col(VatRate.collected_account).label("collected_account"),
        col(VatRate.deductible_account).label("deductible_account"),
        col(VatRate.active).label("active"),
    ),
    columns=(
        Column("rate", "Taux", VatRate.rate, kind="percent", width=10),
        Column("label", "Libellé", VatRate.label, width=30),
        Column("collected_account", "Compte TVA collectée", VatRate.collected_account, width=20),
        Column(
            "deductible_account",
            "Compte TVA déductible",
            VatRate.deductible_account,
            width=20,
            phone=False,
        ),
        Column("active", "Actif", VatRate.active, kind="bool", width=8),
    ),
    search=(VatRate.label, VatRate.collected_account, VatRate.deductible_account),
    filters=(active_filter(VatRate.active),),
    default_sort="rate",
    default_desc=True,
    tie_breaker=VatRate.id,
)


class VatRateResource(Resource[VatRate]):
    model = VatRate
    module = Module.PARAMETERS
    entity = "taux de TVA"
    new_title = "Nouveau taux de TVA"
    unique = ("rate",)
    fields = (
        FieldSpec(
            "rate", "Taux (%)", "percent", required=True, min_value=0, max_value=Decimal(100)
        ),
        FieldSpec("label", "Libellé", required=True, max_length=80, placeholder="Taux normal"),
        FieldSpec(
            "collected_account",
            "Compte de TVA collectée",
            "account",
            account_prefix="4457",
            help="Ex. 445712 pour 20 %.",
        ),
        FieldSpec(
            "deductible_account",
            "Compte de TVA déductible",
            "account",
            account_prefix="4456",
            help="Ex. 445662 pour 20 %.",
        ),
        FieldSpec("active", "Actif", "bool"),
    )

    def list_spec(self) -> ListSpec:
        return VAT_RATES_LIST

    def describe(self, record: VatRate) -> str:
        return f"{formats.percent(record.rate)} — {record.label}"

    def defaults(self, session: Session) -> dict[str, str]:
        return {"active": "on"}

    def validate(
        self,
        session: Session,
        actor: Actor,
        record: VatRate | None,
        clean: dict[str, Any],
        errors: dict[str, str],
    ) -> None:
        rate = clean.get("rate")
        if rate and not clean.get("collected_account"):
            errors.setdefault(
                "collected_account", "Un taux non nul a besoin de son compte de TVA collectée."
            )


VAT_RATES = VatRateResource()
