"""French display formats (Babel): `1 234,56 €`, `29/11/2026`, `29/11/2026 14:30`."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import format_currency, format_decimal

LOCALE = "fr_FR"
AGENCY_TIMEZONE = ZoneInfo("Europe/Paris")


def money(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format_currency(value, "EUR", locale=LOCALE)


def number(value: Decimal | int | None, places: int | None = None) -> str:
    if value is None:
        return ""
    if places is None:
        return format_decimal(value, locale=LOCALE)
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=LOCALE)


def percent(value: Decimal | None) -> str:
    """A rate kept as a percentage number (20 → `20 %`, 5.5 → `5,5 %`)."""
    if value is None:
        return ""
    shown = value.normalize() if isinstance(value, Decimal) else value
    return f"{format_decimal(shown, locale=LOCALE)} %"


def clock(value: time | None) -> str:
    """A time of day as typed in the forms: `09:30` (empty for none)."""
    return value.strftime("%H:%M") if value else ""


def today() -> date:
    """The agency's date now (Europe/Paris), whatever the server's time zone."""
    return datetime.now(AGENCY_TIMEZONE).date()


def local_time(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(AGENCY_TIMEZONE)


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_time(value).date()
    return value.strftime("%d/%m/%Y")


def moment(value: datetime | None) -> str:
    if value is None:
        return ""
    return local_time(value).strftime("%d/%m/%Y %H:%M")


def yes_no(value: bool | None) -> str:
    return "Oui" if value else "Non"


def decimal_for_input(value: Decimal | None) -> str:
    """A decimal as typed in a form field: `5,5`, no thousands separator."""
    if value is None:
        return ""
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")
