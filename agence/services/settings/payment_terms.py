"""Payment terms (conditions de règlement) and the due dates they give.

"N jours fin de mois" is counted as the invoice date plus N days, then the end of that month —
the reading the DGCCRF describes first. The other reading (end of the invoice month, then N
days) is offered as its own rule, "fin de mois + N jours", so that each term says exactly what
it means. [VERIFY: french-rules.md §7.1 notes that both countings are in use.]
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from agence.models import PaymentTerm
from agence.services.common import formats
from agence.services.common.forms import FieldSpec, parse_form
from agence.services.common.listing import ChoiceFilter, Column, ListSpec, active_filter
from agence.services.common.permissions import Actor, Module
from agence.services.common.records import Resource

LEGAL_MAX_DAYS = 60


class TermRule(StrEnum):
    ON_RECEIPT = "reception"
    NET_DAYS = "jours"
    DAYS_END_OF_MONTH = "jours_fin_de_mois"
    END_OF_MONTH_PLUS_DAYS = "fin_de_mois_plus_jours"
    DEPOSIT_THEN_BALANCE = "acompte_solde"


RULE_LABELS: dict[str, str] = {
    TermRule.ON_RECEIPT: "À réception",
    TermRule.NET_DAYS: "N jours date de facture",
    TermRule.DAYS_END_OF_MONTH: "N jours fin de mois (date + N jours, puis fin de mois)",
    TermRule.END_OF_MONTH_PLUS_DAYS: "Fin de mois + N jours",
    TermRule.DEPOSIT_THEN_BALANCE: "Acompte X % à la commande, solde N jours avant le départ",
}


DAY_RULES = (TermRule.NET_DAYS, TermRule.DAYS_END_OF_MONTH, TermRule.END_OF_MONTH_PLUS_DAYS)


@dataclass(frozen=True)
class Instalment:
    label: str
    percent: Decimal
    due: date


def end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def due_dates(
    rule: str,
    invoice_date: date,
    *,
    days: int = 0,
    deposit_percent: Decimal | None = None,
    balance_days_before_departure: int = 0,
    departure: date | None = None,
) -> list[Instalment]:
    """When the amount of an invoice dated `invoice_date` is due, by instalment."""
    hundred = Decimal(100)
    if rule == TermRule.ON_RECEIPT:
        return [Instalment("Totalité", hundred, invoice_date)]
    if rule == TermRule.NET_DAYS:
        return [Instalment("Totalité", hundred, invoice_date + timedelta(days=days))]
    if rule == TermRule.DAYS_END_OF_MONTH:
        return [Instalment("Totalité", hundred, end_of_month(invoice_date + timedelta(days=days)))]
    if rule == TermRule.END_OF_MONTH_PLUS_DAYS:
        return [Instalment("Totalité", hundred, end_of_month(invoice_date) + timedelta(days=days))]
    if rule == TermRule.DEPOSIT_THEN_BALANCE:
        percent = deposit_percent or Decimal(0)
        departure = departure or invoice_date
        balance_due = max(invoice_date, departure - timedelta(days=balance_days_before_departure))
        return [
            Instalment("Acompte à la commande", percent, invoice_date),
            Instalment("Solde", hundred - percent, balance_due),
        ]
    raise ValueError(f"Règle de paiement inconnue : {rule}")


def term_due_dates(term: PaymentTerm, invoice_date: date, departure: date | None = None):
    return due_dates(
        term.rule,
        invoice_date,
        days=term.days,
        deposit_percent=term.deposit_percent,
        balance_days_before_departure=term.balance_days_before_departure,
        departure=departure,
    )


def example_text(
    rule: str, days: int, deposit_percent: Decimal | None, balance_days: int, today: date
) -> str:
    """A worked example shown beside the term: « Facture du … → échéance … »."""
    departure = today + timedelta(days=60)
    try:
        instalments = due_dates(
            rule,
            today,
            days=days,
            deposit_percent=deposit_percent,
            balance_days_before_departure=balance_days,
            departure=departure,
        )
    except ValueError:
        return ""
    if rule == TermRule.DEPOSIT_THEN_BALANCE:
        deposit, balance = instalments
        return (
            f"Commande du {formats.day(today)}, départ le {formats.day(departure)} : acompte de "
            f"{formats.percent(deposit.percent)} dû le {formats.day(deposit.due)}, solde "
            f"({formats.percent(balance.percent)}) dû le {formats.day(balance.due)}."
        )
    return f"Facture du {formats.day(today)} : échéance le {formats.day(instalments[0].due)}."


def _terms_query():
    return sa.select(
        col(PaymentTerm.id).label("id"),
        col(PaymentTerm.label).label("label"),
        col(PaymentTerm.rule).label("rule"),
        col(PaymentTerm.days).label("days"),
        col(PaymentTerm.deposit_percent).label("deposit_percent"),
        col(PaymentTerm.is_default).label("is_default"),
        col(PaymentTerm.active).label("active"),
    )


PAYMENT_TERMS_LIST = ListSpec(
    name="Conditions de règlement",
    query=_terms_query,
    columns=(
        Column("label", "Libellé", PaymentTerm.label, width=40),
        Column("rule", "Règle", PaymentTerm.rule, width=28, phone=False, labels=RULE_LABELS),
        Column("days", "Jours", PaymentTerm.days, kind="int", width=8, phone=False),
        Column(
            "deposit_percent",
            "Acompte",
            PaymentTerm.deposit_percent,
            kind="percent",
            width=10,
            phone=False,
        ),
        Column(
            "is_default", "Par défaut", PaymentTerm.is_default, kind="bool", width=10, phone=False
        ),
        Column("active", "Actif", PaymentTerm.active, kind="bool", width=8),
    ),
    search=(PaymentTerm.label,),
    filters=(
        ChoiceFilter("rule", "Règle", PaymentTerm.rule, tuple(RULE_LABELS.items())),
        active_filter(PaymentTerm.active),
    ),
    default_sort="label",
    tie_breaker=PaymentTerm.id,
)


class PaymentTermResource(Resource[PaymentTerm]):
    model = PaymentTerm
    module = Module.PARAMETERS
    entity = "condition de règlement"
    new_title = "Nouvelle condition de règlement"
    unique = ("label",)
    fields = (
        FieldSpec(
            "label",
            "Libellé",
            required=True,
            max_length=120,
            wide=True,
            placeholder="30 jours date de facture",
        ),
        FieldSpec("rule", "Règle", "choice", required=True, choices=tuple(RULE_LABELS.items())),
        FieldSpec("days", "Nombre de jours (N)", "int", min_value=0, max_value=365),
        FieldSpec(
            "deposit_percent", "Acompte à la commande (%)", "percent", max_value=Decimal(100)
        ),
        FieldSpec(
            "balance_days_before_departure",
            "Solde : jours avant le départ",
            "int",
            min_value=0,
            max_value=365,
        ),
        FieldSpec("is_default", "Condition par défaut", "bool"),
        FieldSpec("active", "Active", "bool"),
    )
    live_fields = ("rule", "days", "deposit_percent", "balance_days_before_departure")

    def list_spec(self) -> ListSpec:
        return PAYMENT_TERMS_LIST

    def describe(self, record: PaymentTerm) -> str:
        return record.label

    def defaults(self, session: Session) -> dict[str, str]:
        return {"rule": TermRule.NET_DAYS.value, "days": "30", "active": "on"}

    def validate(
        self,
        session: Session,
        actor: Actor,
        record: PaymentTerm | None,
        clean: dict[str, Any],
        errors: dict[str, str],
    ) -> None:
        rule = clean.get("rule")
        days = clean.get("days")
        if rule in DAY_RULES:
            if not days:
                errors.setdefault("days", "Indiquez le nombre de jours.")
            elif rule == TermRule.NET_DAYS and days > LEGAL_MAX_DAYS:
                errors.setdefault(
                    "days",
                    f"Au plus {LEGAL_MAX_DAYS} jours à compter de la facture (C. com. L441-10).",
                )
            elif rule != TermRule.NET_DAYS and days > 45:
                errors.setdefault("days", "Au plus 45 jours fin de mois (C. com. L441-10).")
        if rule == TermRule.DEPOSIT_THEN_BALANCE:
            percent = clean.get("deposit_percent")
            if percent is None or not Decimal(0) < percent < Decimal(100):
                errors.setdefault(
                    "deposit_percent", "Indiquez un acompte entre 0 et 100 % (exclus)."
                )
        if clean.get("is_default") and not clean.get("active"):
            errors.setdefault("active", "La condition par défaut doit être active.")

    def apply(self, session: Session, record: PaymentTerm, clean: dict[str, Any]) -> None:
        super().apply(session, record, clean)
        rule = clean["rule"]
        record.days = (clean.get("days") or 0) if rule in DAY_RULES else 0
        if rule == TermRule.DEPOSIT_THEN_BALANCE:
            record.balance_days_before_departure = clean.get("balance_days_before_departure") or 0
        else:
            record.deposit_percent = None
            record.balance_days_before_departure = 0

    def after_save(
        self,
        session: Session,
        actor: Actor,
        record: PaymentTerm,
        clean: dict[str, Any],
        created: bool,
    ) -> dict[str, Any]:
        if record.is_default:
            for other in session.exec(
                select(PaymentTerm).where(PaymentTerm.is_default, PaymentTerm.id != record.id)
            ):
                other.is_default = False
                session.add(other)
        return {}

    def preview(self, values: dict[str, str], today: date) -> str:
        """The example due date for the values being typed (not yet saved)."""
        clean, errors = parse_form(self.fields, values)
        if any(name in errors for name in self.live_fields):
            return ""
        return example_text(
            clean.get("rule") or "",
            clean.get("days") or 0,
            clean.get("deposit_percent"),
            clean.get("balance_days_before_departure") or 0,
            today,
        )


PAYMENT_TERMS = PaymentTermResource()
