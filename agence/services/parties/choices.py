"""The entries of a picker a page lays out (a sales rep, a client to pick, a contact met, the
field a column goes to): typed, so that a wrong attribute fails when the page compiles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    value: str
    """What the page sends back when it is picked."""
    label: str


def choices(pairs: Iterable[tuple[str, str]]) -> list[Choice]:
    return [Choice(str(value), label) for value, label in pairs]
