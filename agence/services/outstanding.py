"""A client's outstanding balance (en-cours), against his credit limit.

The outstanding is what the client owes or will owe: unpaid issued invoices, plus confirmed
dossiers not invoiced yet. Each part comes from the module that knows it (invoicing, dossiers),
which registers a source here; this module only adds them up, for many clients at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlmodel import Session, select

from agence.models import Client

ZERO = Decimal("0.00")

OutstandingSource = Callable[[Session, list[int]], dict[int, Decimal]]
"""Given client ids, the amount of this part of the outstanding per client (missing = 0)."""


@dataclass(frozen=True)
class NamedSource:
    key: str
    label: str
    amounts: OutstandingSource


SOURCES: list[NamedSource] = []


def register_source(key: str, label: str, amounts: OutstandingSource) -> None:
    """Adds (or replaces) a part of the outstanding, e.g. « factures non réglées »."""
    SOURCES[:] = [source for source in SOURCES if source.key != key]
    SOURCES.append(NamedSource(key, label, amounts))


def unregister_source(key: str) -> None:
    SOURCES[:] = [source for source in SOURCES if source.key != key]


@dataclass(frozen=True)
class Outstanding:
    parts: dict[str, Decimal] = field(default_factory=dict)
    credit_limit: Decimal | None = None

    @property
    def total(self) -> Decimal:
        return sum(self.parts.values(), ZERO)

    @property
    def exceeded(self) -> bool:
        return self.credit_limit is not None and self.total > self.credit_limit

    @property
    def available(self) -> Decimal | None:
        return None if self.credit_limit is None else self.credit_limit - self.total


def outstanding_for(session: Session, client_ids: Iterable[int]) -> dict[int, Outstanding]:
    ids = sorted(set(client_ids))
    if not ids:
        return {}
    limits = dict(
        session.exec(
            select(Client.id, Client.credit_limit).where(Client.id.in_(ids))  # type: ignore[union-attr]
        ).all()
    )
    per_source = {source.key: source.amounts(session, ids) for source in SOURCES}
    return {
        client_id: Outstanding(
            parts={key: amounts.get(client_id, ZERO) for key, amounts in per_source.items()},
            credit_limit=limits.get(client_id),
        )
        for client_id in ids
    }


def source_labels() -> dict[str, str]:
    return {source.key: source.label for source in SOURCES}
