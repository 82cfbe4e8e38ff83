"""Payment methods offered to clients (virement, chèque, carte, espèces, ANCV, mandat…)."""

from __future__ import annotations

from sqlmodel import Session, select

from agence.models import PaymentMethod
from agence.services.forms import FieldSpec
from agence.services.listing import Column, ListSpec, active_filter
from agence.services.permissions import Module
from agence.services.records import Resource

PAYMENT_METHODS_LIST = ListSpec(
    name="Modes de règlement",
    query=lambda: select(
        PaymentMethod.id.label("id"),  # type: ignore[union-attr]
        PaymentMethod.position.label("position"),
        PaymentMethod.code.label("code"),
        PaymentMethod.label.label("label"),
        PaymentMethod.active.label("active"),
    ),
    columns=(
        Column("position", "Ordre", PaymentMethod.position, kind="int", width=8),
        Column("code", "Code", PaymentMethod.code, width=14),
        Column("label", "Libellé", PaymentMethod.label, width=36),
        Column("active", "Actif", PaymentMethod.active, kind="bool", width=8),
    ),
    search=(PaymentMethod.code, PaymentMethod.label),
    filters=(active_filter(PaymentMethod.active),),
    default_sort="position",
    tie_breaker=PaymentMethod.id,
)


class PaymentMethodResource(Resource[PaymentMethod]):
    model = PaymentMethod
    module = Module.PARAMETERS
    entity = "mode de règlement"
    new_title = "Nouveau mode de règlement"
    unique = ("code", "label")
    fields = (
        FieldSpec(
            "code",
            "Code",
            "code",
            required=True,
            max_length=20,
            help="Identifiant court, repris dans les exports comptables.",
        ),
        FieldSpec("label", "Libellé", required=True, max_length=80),
        FieldSpec("position", "Ordre d'affichage", "int", min_value=0, max_value=999),
        FieldSpec("active", "Actif", "bool"),
    )

    def list_spec(self) -> ListSpec:
        return PAYMENT_METHODS_LIST

    def describe(self, record: PaymentMethod) -> str:
        return record.label

    def defaults(self, session: Session) -> dict[str, str]:
        return {"active": "on", "position": "0"}

    def apply(self, session, record, clean) -> None:
        super().apply(session, record, clean)
        record.position = clean.get("position") or 0


PAYMENT_METHODS = PaymentMethodResource()
