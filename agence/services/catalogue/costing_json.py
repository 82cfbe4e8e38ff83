"""The JSON form of a costing (« JSON form » of the costing specification), so that a costing
can be checked outside the app with `agence costing price FILE.json`.

Input: an object with `paying`, `free`, `staff` (or `grid`, a list of paying counts),
`client_free_rule` {`free`, `per_paying`}, `markup_percent`, `fee_per_group`, `fee_per_person`,
`rounding` and `lines` (keys of `pricing.Line`; `supplier_free_rule` {`free`, `per_paying`};
`applies_to` a list of "paying", "free", "staff"). Amounts are strings ("950.00"); JSON numbers
are read as exact decimals too. `vat_rate` is a percent ("5.5"); a value strictly between 0 and 1
("0.20") is read as a fraction (20 %), and a trailing "%" ("0.9%") forces a percent.
`supplier` and `product` are accepted on a line for the reader's sake and not used.

Output: one object per group size, amounts as strings with two decimals (quantized for display
only: the computation keeps full precision).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from agence.services.catalogue.pricing import (
    Costing,
    FreeRule,
    Group,
    Line,
    PricedGroup,
    PricingError,
    group_for,
    price,
)
from agence.services.catalogue.vat import cents

COSTING_KEYS = frozenset(
    {
        "paying",
        "free",
        "staff",
        "grid",
        "client_free_rule",
        "markup_percent",
        "fee_per_group",
        "fee_per_person",
        "rounding",
        "lines",
    }
)
LINE_KEYS = frozenset(
    {
        "label",
        "unit_cost",
        "basis",
        "quantity",
        "vat_rate",
        "regime",
        "applies_to",
        "capacity",
        "supplier_free_rule",
        "markup_percent",
        "unit_sale_price",
        "discount_percent",
        "note",
        "supplier",
        "product",
    }
)
RULE_KEYS = frozenset({"free", "per_paying"})


def loads(text: str) -> Any:
    """Parse JSON text, numbers as exact decimals; a French error on malformed text."""
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise PricingError(
            f"Le texte n'est pas du JSON valide (ligne {exc.lineno}, colonne {exc.colno})."
        ) from None


def _object(value: Any, what: str, keys: frozenset[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PricingError(f"{what} : un objet JSON {{…}} est attendu.")
    unknown = sorted(set(value) - keys)
    if unknown:
        names = ", ".join(f"« {key} »" for key in unknown)
        raise PricingError(f"{what} : clé inconnue {names}.")
    return value


def _int(value: Any, what: str) -> int:
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise PricingError(f"{what} : nombre entier attendu, pas « {value} ».")


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise PricingError(f'{what} : montant attendu (par exemple "950.00"), pas « {value} ».')
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except ArithmeticError:
        raise PricingError(f"{what} : « {value} » n'est pas un nombre.") from None
    if not amount.is_finite():
        raise PricingError(f"{what} : « {value} » n'est pas un nombre.")
    return amount


def _vat_rate(value: Any, what: str) -> Decimal:
    """A percent; a fraction (0 < rate < 1, "0.20") is turned into one, unless the value ends
    with "%", which states it is already a percent ("0.9%", a Corsican rate)."""
    if isinstance(value, str) and value.strip().endswith("%"):
        return _decimal(value.strip()[:-1], what)
    rate = _decimal(value, what)
    return rate * 100 if 0 < rate < 1 else rate


def _rule(value: Any, what: str) -> FreeRule | None:
    if value is None:
        return None
    data = _object(value, what, RULE_KEYS)
    missing = sorted(RULE_KEYS - set(data))
    if missing:
        raise PricingError(f"{what} : « {missing[0]} » manquant.")
    return FreeRule(
        free=_int(data["free"], f"{what}, « free »"),
        per_paying=_int(data["per_paying"], f"{what}, « per_paying »"),
    )


def _line(value: Any, position: int) -> Line:
    where = f"Ligne n° {position}"
    data = _object(value, where, LINE_KEYS)
    label = data.get("label")
    if not isinstance(label, str) or not label.strip():
        raise PricingError(f"{where} : « label » (le libellé) est obligatoire.")
    where = f"Ligne « {label} »"
    if "unit_cost" not in data:
        raise PricingError(f"{where} : « unit_cost » (le coût unitaire) est obligatoire.")
    fields: dict[str, Any] = {
        "label": label,
        "unit_cost": _decimal(data["unit_cost"], f"{where}, « unit_cost »"),
    }
    for key in ("quantity", "markup_percent", "unit_sale_price", "discount_percent"):
        if data.get(key) is not None:
            fields[key] = _decimal(data[key], f"{where}, « {key} »")
    if data.get("vat_rate") is not None:
        fields["vat_rate"] = _vat_rate(data["vat_rate"], f"{where}, « vat_rate »")
    for key in ("basis", "regime", "note"):
        if data.get(key) is not None:
            if not isinstance(data[key], str):
                raise PricingError(f"{where}, « {key} » : texte attendu.")
            fields[key] = data[key]
    if data.get("applies_to") is not None:
        applies_to = data["applies_to"]
        if not isinstance(applies_to, list) or not all(isinstance(w, str) for w in applies_to):
            raise PricingError(
                f'{where}, « applies_to » : liste attendue, par exemple ["paying", "free"].'
            )
        fields["applies_to"] = frozenset(applies_to)
    if data.get("capacity") is not None:
        fields["capacity"] = _int(data["capacity"], f"{where}, « capacity »")
    fields["supplier_free_rule"] = _rule(
        data.get("supplier_free_rule"), f"{where}, « supplier_free_rule »"
    )
    return Line(**fields)


def parse_request(data: Any) -> tuple[Costing, list[Group]]:
    """The costing and the group sizes to price, from the decoded JSON object."""
    data = _object(data, "Cotation", COSTING_KEYS)
    lines = data.get("lines")
    if not isinstance(lines, list):
        raise PricingError("Cotation : « lines », la liste des prestations, est obligatoire.")
    settings: dict[str, Any] = {}
    for key in ("markup_percent", "fee_per_group", "fee_per_person", "rounding"):
        if data.get(key) is not None:
            settings[key] = _decimal(data[key], f"Cotation, « {key} »")
    costing = Costing(
        lines=tuple(_line(line, position) for position, line in enumerate(lines, start=1)),
        client_free_rule=_rule(data.get("client_free_rule"), "Cotation, « client_free_rule »"),
        **settings,
    )

    free = _int(data.get("free") or 0, "Cotation, « free »")
    staff = _int(data.get("staff") or 0, "Cotation, « staff »")
    has_paying, has_grid = data.get("paying") is not None, data.get("grid") is not None
    if has_paying == has_grid:
        raise PricingError(
            "Cotation : indiquez soit « paying » (un nombre de payants), "
            "soit « grid » (une liste de nombres de payants)."
        )
    if has_grid:
        grid = data["grid"]
        if not isinstance(grid, list) or not grid:
            raise PricingError(
                "Cotation, « grid » : liste non vide de nombres de payants attendue."
            )
        counts = [_int(n, "Cotation, « grid »") for n in grid]
    else:
        counts = [_int(data["paying"], "Cotation, « paying »")]
    return costing, [group_for(costing, n, free, staff) for n in counts]


def money(amount: Decimal) -> str:
    """Two decimals, half-up, for display; never "-0.00"."""
    rounded = cents(amount)
    return str(rounded.copy_abs() if rounded == 0 else rounded)


def rate_key(rate: Decimal) -> str:
    """A VAT rate as a JSON key: "20", "5.5", "2.1"."""
    return format(rate.normalize(), "f")


def priced_to_json(priced: PricedGroup) -> dict[str, Any]:
    group = priced.group
    return {
        "paying": group.paying,
        "free": group.free,
        "staff": group.staff,
        "total_cost": money(priced.total_cost),
        "price_per_paying": money(priced.price_per_paying),
        "total_sale": money(priced.total_sale),
        "margin": money(priced.margin),
        "margin_vat": money(priced.margin_vat),
        "normal_vat": {rate_key(rate): money(vat) for rate, vat in priced.normal_vat.items()},
        "lines": [
            {"label": line.label, "cost": money(line.cost), "sale": money(line.sale)}
            for line in priced.lines
        ],
    }


def price_text(text: str) -> list[dict[str, Any]]:
    """Price the costing given as JSON text: one result object per group size."""
    costing, groups = parse_request(loads(text))
    try:
        return [priced_to_json(price(costing, group)) for group in groups]
    except ArithmeticError:
        raise PricingError("Un montant dépasse les limites du calcul.") from None
