"""Formats of a document's language: amounts, dates. One place for the PDFs and the templates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency

LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def locale_of(language: str) -> str:
    return LOCALES.get(language, LOCALES["fr"])


def money(value: Decimal | int | None, language: str = "fr") -> str:
    """`1 234,56 €` in French, `€1,234.56` in English; empty for none."""
    if value is None:
        return ""
    return format_currency(Decimal(value), "EUR", locale=locale_of(language))


def day(value: date | None, language: str = "fr") -> str:
    """`30/11/2026` in both languages (the agency's clients read day first)."""
    return value.strftime("%d/%m/%Y") if value else ""


def long_day(value: date | None, language: str = "fr") -> str:
    """`lundi 30 novembre 2026` / `Monday 30 November 2026`."""
    if value is None:
        return ""
    return format_date(value, format="full", locale=locale_of(language))
