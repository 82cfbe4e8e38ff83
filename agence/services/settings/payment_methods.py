"""Payment methods offered to clients (virement, chèque, carte, espèces, ANCV, mandat…)."""

from __future__ import annotations

from agence.models import PaymentMethod
from agence.services.common.coded_lists import CodedListResource


class PaymentMethodResource(CodedListResource):
    model = PaymentMethod
    entity = "mode de règlement"
    new_title = "Nouveau mode de règlement"
    list_name = "Modes de règlement"
    code_help = "Identifiant court, repris dans les exports comptables."


PAYMENT_METHODS = PaymentMethodResource()
