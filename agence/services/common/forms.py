"""Form fields: how a submitted text becomes a clean value, or a French message for the field.

Forms in the app are uncontrolled HTML forms: every value arrives as text (checkboxes arrive
only when ticked). One parser per field kind, shared by every form of the application.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from agence.services.common import formats, identifiers

FieldKind = Literal[
    "text",
    "textarea",
    "email",
    "phone",
    "int",
    "decimal",
    "percent",
    "bool",
    "choice",
    "ref",
    "siret",
    "siren_or_siret",
    "vat",
    "iban",
    "bic",
    "account",
    "code",
    "password",
    "date",
]

REQUIRED = "Ce champ est obligatoire."


class FormErrors(Exception):
    """Validation failed: one French message per field name (`""` for the whole form)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: FieldKind = "text"
    required: bool = False
    max_length: int | None = None
    min_value: Decimal | int | None = None
    max_value: Decimal | int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    placeholder: str = ""
    account_prefix: str = ""
    wide: bool = False
    section: str = ""
    """A heading shown above this field (long forms are read by sections)."""


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 .()\-]{6,25}$")
_CODE = re.compile(r"^[A-Z0-9]+$")
_ACCOUNT = re.compile(r"^[0-9]{3,12}$")
_DECIMAL = re.compile(r"^-?[0-9]{1,15}(\.[0-9]+)?$")


def _stdnum_message(exc: StdnumError, what: str, length_hint: str) -> str:
    if isinstance(exc, InvalidChecksum):
        return f"{what} invalide : la clé de contrôle ne correspond pas."
    if isinstance(exc, InvalidLength):
        return f"{what} invalide : {length_hint}."
    if isinstance(exc, InvalidComponent):
        return f"{what} invalide : un élément du numéro n'est pas reconnu."
    if isinstance(exc, InvalidFormat):
        return f"{what} invalide : caractères non autorisés."
    return f"{what} invalide."


def parse_siret(raw: str) -> str:
    try:
        return stdnum_siret.validate(raw)
    except StdnumError as exc:
        message = _stdnum_message(exc, "SIRET", "14 chiffres attendus")
        if isinstance(exc, InvalidChecksum):
            message = "SIRET invalide : la clé de contrôle (Luhn) ne correspond pas."
        raise ValueError(message) from exc


def parse_siren_or_siret(raw: str) -> str:
    """A SIRET (14 digits), or only the SIREN (9 digits) of a body without establishment number."""
    compact = stdnum_siren.compact(raw)
    if len(compact) != 9:
        return parse_siret(raw)
    try:
        return stdnum_siren.validate(compact)
    except StdnumError as exc:
        message = _stdnum_message(exc, "SIREN", "9 chiffres attendus")
        if isinstance(exc, InvalidChecksum):
            message = "SIREN invalide : la clé de contrôle (Luhn) ne correspond pas."
        raise ValueError(message) from exc


def parse_vat(raw: str) -> str:
    try:
        number = stdnum_tva.validate(raw)
    except StdnumError as exc:
        message = _stdnum_message(exc, "Numéro de TVA", "FR suivi de 11 caractères attendu")
        if isinstance(exc, InvalidChecksum):
            message = "Numéro de TVA invalide : la clé FR ne correspond pas au SIREN."
        raise ValueError(message) from exc
    return "FR" + number


def parse_iban(raw: str) -> str:
    try:
        return stdnum_iban.validate(raw)
    except StdnumError as exc:
        message = _stdnum_message(exc, "IBAN", "longueur incorrecte pour ce pays")
        if isinstance(exc, InvalidChecksum):
            message = "IBAN invalide : la clé de contrôle ne correspond pas."
        raise ValueError(message) from exc


def parse_bic(raw: str) -> str:
    try:
        return stdnum_bic.validate(raw)
    except StdnumError as exc:
        raise ValueError(_stdnum_message(exc, "BIC", "8 ou 11 caractères attendus")) from exc


def parse_decimal(raw: str) -> Decimal:
    text = raw.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    text = text.removesuffix("%").removesuffix("€")
    if not _DECIMAL.match(text):
        raise ValueError("Nombre invalide (exemple : 12,50).")
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError("Nombre invalide (exemple : 12,50).") from exc


def parse_int(raw: str) -> int:
    text = raw.replace(" ", "")
    if not re.fullmatch(r"-?[0-9]+", text):
        raise ValueError("Nombre entier attendu.")
    if len(text.lstrip("-")) > 10 or not identifiers.whole_number_in_range(int(text)):
        raise ValueError("Nombre trop grand.")
    return int(text)


def _bounded(spec: FieldSpec, value: Decimal | int) -> None:
    if spec.min_value is not None and value < spec.min_value:
        raise ValueError(f"La valeur doit être au moins {formats.number(spec.min_value)}.")
    if spec.max_value is not None and value > spec.max_value:
        raise ValueError(f"La valeur doit être au plus {formats.number(spec.max_value)}.")


def _parse_one(spec: FieldSpec, raw: str) -> Any:
    kind = spec.kind
    if kind == "email":
        value = raw.lower()
        if not _EMAIL.match(value):
            raise ValueError("Adresse e-mail invalide.")
        return value
    if kind == "phone":
        if not _PHONE.match(raw):
            raise ValueError("Numéro de téléphone invalide.")
        return raw
    if kind == "int":
        number = parse_int(raw)
        _bounded(spec, number)
        return number
    if kind in ("decimal", "percent"):
        amount = parse_decimal(raw)
        if kind == "percent" and spec.min_value is None and amount < 0:
            raise ValueError("Un pourcentage ne peut pas être négatif.")
        if amount.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValueError("Deux décimales au plus.")
        _bounded(spec, amount)
        return amount
    if kind == "choice":
        allowed = {value for value, _ in spec.choices}
        if raw not in allowed:
            raise ValueError("Choix invalide.")
        return raw
    if kind == "ref":
        if raw not in {value for value, _ in spec.choices}:
            raise ValueError("Choix invalide.")
        return int(raw)
    if kind == "siret":
        return parse_siret(raw)
    if kind == "siren_or_siret":
        return parse_siren_or_siret(raw)
    if kind == "vat":
        return parse_vat(raw)
    if kind == "iban":
        return parse_iban(raw)
    if kind == "bic":
        return parse_bic(raw)
    if kind == "account":
        if not _ACCOUNT.match(raw):
            raise ValueError("Numéro de compte invalide : 3 à 12 chiffres.")
        if spec.account_prefix and not raw.startswith(spec.account_prefix):
            raise ValueError(f"Le compte doit commencer par {spec.account_prefix}.")
        return raw
    if kind == "date":
        return parse_date(raw)
    if kind == "code":
        value = raw.upper()
        if not _CODE.match(value):
            raise ValueError("Lettres majuscules et chiffres uniquement, sans espace.")
        return value
    return raw


def parse_date(raw: str) -> date:
    """A date typed as 29/11/2026 or sent by a date input as 2026-11-29."""
    text = raw.strip()
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError("Date invalide (exemple : 29/11/2026).") from exc


def postcode_problem(postcode: str, country: str = "FR") -> str | None:
    """A French postcode has 5 digits (other countries are not checked)."""
    if country == "FR" and not (len(postcode) == 5 and postcode.isdigit()):
        return "Code postal français : 5 chiffres."
    return None


def vat_siren_problem(siret: str | None, vat: str | None) -> str | None:
    """A French VAT number ends with the SIREN, the first 9 digits of the SIRET."""
    if siret and vat and vat.startswith("FR") and vat[4:] != siret[:9]:
        return "Ce numéro de TVA ne correspond pas au SIREN du SIRET."
    return None


def is_ticked(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"on", "true", "1", "oui", "yes"}


def empty_value(spec: FieldSpec) -> Any:
    if spec.kind in ("int", "decimal", "percent", "ref", "date"):
        return None
    if spec.kind == "bool":
        return False
    return ""


def parse_form(
    specs: tuple[FieldSpec, ...] | list[FieldSpec],
    data: Mapping[str, Any],
    choices: Mapping[str, tuple[tuple[str, str], ...]] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Parse every field; returns the clean values and the errors (both keyed by field name)."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in specs:
        if choices and spec.name in choices:
            spec = FieldSpec(**{**spec.__dict__, "choices": choices[spec.name]})
        raw_value = data.get(spec.name)
        if spec.kind == "bool":
            clean[spec.name] = is_ticked(raw_value) if raw_value is not None else False
            continue
        raw = "" if raw_value is None else str(raw_value)
        if spec.kind not in ("password", "textarea"):
            raw = raw.strip()
        if raw == "":
            if spec.required:
                errors[spec.name] = REQUIRED
            clean[spec.name] = empty_value(spec)
            continue
        if spec.max_length is not None and len(raw) > spec.max_length:
            errors[spec.name] = f"{spec.max_length} caractères au plus."
            continue
        try:
            clean[spec.name] = _parse_one(spec, raw)
        except ValueError as exc:
            errors[spec.name] = str(exc)
    return clean, errors


def value_for_input(spec: FieldSpec, value: Any) -> str:
    """The text a form field shows for a stored value."""
    if value is None:
        return ""
    if spec.kind == "bool":
        return "on" if value else ""
    if isinstance(value, Decimal):
        return formats.decimal_for_input(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


TIME_FIELDS = (("start_text", "start_time"), ("end_text", "end_time"))
"""The « De / À » text fields of a form and the times they give."""
BAD_TIME = "Heure attendue, ex. 9:30 ou 14h."


def parse_time(raw: str) -> time:
    """« 9:30 », « 9h30 », « 14h » → a time of day. Raises ValueError (French)."""
    raw = raw.strip().lower().replace("h", ":").replace(" ", "")
    if raw.endswith(":"):
        raw += "00"
    hours, _, minutes = raw.partition(":")
    if not hours.isdigit() or (minutes and not minutes.isdigit()):
        raise ValueError(BAD_TIME)
    hour, minute = int(hours), int(minutes or 0)
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValueError(BAD_TIME)
    return time(hour, minute)


def read_times(
    clean: dict[str, Any],
    errors: dict[str, str],
    order_message: str | None = "La fin précède le début.",
    fields: tuple[tuple[str, str], ...] = TIME_FIELDS,
) -> None:
    """Reads the typed times of a form into `clean` (errors next to the typed fields); with
    `order_message`, an end before the start is refused."""
    for text_key, time_key in fields:
        clean[time_key] = None
        if clean.get(text_key):
            try:
                clean[time_key] = parse_time(str(clean[text_key]))
            except ValueError as exc:
                errors.setdefault(text_key, str(exc))
    if order_message and len(fields) == 2:
        start, end = clean.get(fields[0][1]), clean.get(fields[1][1])
        if start and end and end < start:
            errors.setdefault(fields[1][0], order_message)
