"""Editable lists of coded values (payment methods, types of services…): a code, a label, a
display order, active or not. One listing and one form serve them all."""

from __future__ import annotations

from functools import cached_property
from typing import ClassVar

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from agence.services.common.forms import FieldSpec
from agence.services.common.listing import Column, ListSpec, active_filter
from agence.services.common.permissions import Module
from agence.services.common.records import Resource


def coded_list_spec(name: str, model: type[SQLModel]) -> ListSpec:
    return ListSpec(
        name=name,
        query=lambda: select(
            model.id.label("id"),  # type: ignore[attr-defined]
            model.position.label("position"),  # type: ignore[attr-defined]
            model.code.label("code"),  # type: ignore[attr-defined]
            model.label.label("label"),  # type: ignore[attr-defined]
            model.active.label("active"),  # type: ignore[attr-defined]
        ),
        columns=(
            Column("position", "Ordre", model.position, kind="int", width=8),  # type: ignore[attr-defined]
            Column("code", "Code", model.code, width=14),  # type: ignore[attr-defined]
            Column("label", "Libellé", model.label, width=36),  # type: ignore[attr-defined]
            Column("active", "Actif", model.active, kind="bool", width=8),  # type: ignore[attr-defined]
        ),
        search=(model.code, model.label),  # type: ignore[attr-defined]
        filters=(active_filter(model.active),),  # type: ignore[attr-defined]
        default_sort="position",
        tie_breaker=model.id,  # type: ignore[attr-defined]
    )


class CodedListResource(Resource):
    module = Module.PARAMETERS
    unique = ("code", "label")
    code_help: ClassVar[str] = ""
    list_name: ClassVar[str]

    @property
    def fields(self) -> tuple[FieldSpec, ...]:  # type: ignore[override]
        return (
            FieldSpec("code", "Code", "code", required=True, max_length=20, help=self.code_help),
            FieldSpec("label", "Libellé", required=True, max_length=80),
            FieldSpec("position", "Ordre d'affichage", "int", min_value=0, max_value=999),
            FieldSpec("active", "Actif", "bool"),
        )

    @cached_property
    def _spec(self) -> ListSpec:
        return coded_list_spec(self.list_name, self.model)

    def list_spec(self) -> ListSpec:
        return self._spec

    def describe(self, record) -> str:
        return record.label

    def defaults(self, session: Session) -> dict[str, str]:
        return {"active": "on", "position": "0"}

    def apply(self, session, record, clean) -> None:
        super().apply(session, record, clean)
        record.position = clean.get("position") or 0
