"""The shape every area's vocabulary takes: a stored value and its French label, declared
together (`Member = "value", "Label"`). Each area's `vocabulary.py` declares its words with it."""

from __future__ import annotations

from enum import StrEnum
from typing import Self, overload


class Labelled(StrEnum):
    """A stored value and its French label: `Member = "value", "Label"`; `Kind(value)` is the
    member stored as `value`."""

    label: str

    # The checker reads a call of the class through __new__: the one-argument form is Enum's
    # lookup of a stored value (Enum answers it without calling this method), the two-argument
    # form the definition of a member.
    @overload
    def __new__(cls, value: str) -> Self: ...

    @overload
    def __new__(cls, value: str, label: str) -> Self: ...

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Value → label, for a listing's column or a form's choice."""
        return {member.value: member.label for member in cls}

    @classmethod
    def choices(cls) -> tuple[tuple[str, str], ...]:
        return tuple(cls.labels().items())

    @classmethod
    def label_of(cls, value: str | None, default: str = "") -> str:
        """The French label of a stored value; `default` for a value the vocabulary lacks."""
        try:
            return cls(value or "").label
        except ValueError:
            return default
