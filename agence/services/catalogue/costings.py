"""The costing screen's business: a costing as typed (text fields, as the page holds them),
priced live by the pure engine of `pricing`, lines taken from the catalogue with their tariff
and the client's preferential rates, and saved in one transaction.

The page keeps the costing being typed as strings; `evaluate` parses and prices it without
touching the database, so each keystroke is cheap. `refresh_catalogue_lines` is what reads the
catalogue: when a line is added, or the date, the group size or the client changes."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, delete, select

from agence.models import Client, Supplier, VatRate
from agence.models.base import utcnow
from agence.models.catalogue import CatalogueDossier, Costing, CostingLine, Product, Rate
from agence.services.catalogue import pricing
from agence.services.catalogue.client_prices import NONE, Preference, preference_for
from agence.services.catalogue.products import BASES, PRODUCTS_LIST
from agence.services.catalogue.rates import find_rate
from agence.services.catalogue.vocabulary import (
    LINE_BASIS_LABELS,
    LINE_REGIME_LABELS,
    ProductBasis,
    line_basis,
    line_regime,
)
from agence.services.common import audit, formats, identifiers
from agence.services.common.audit import AuditAction
from agence.services.common.forms import (
    REQUIRED,
    FieldSpec,
    FormErrors,
    parse_form,
    value_for_input,
)
from agence.services.common.listing import Column, ListQuery, ListSpec, fetch_page
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import RecordNotFound, Resource
from agence.services.parties.clients import visible_clients

ROUNDINGS: dict[str, str] = {
    "0.01": "Au centime",
    "0.10": "0,10 €",
    "0.50": "0,50 €",
    "1.00": "1 €",
}
CONSUMERS = (("for_paying", "payants"), ("for_free", "gratuits"), ("for_staff", "accomp."))
UNPRICED_FIELDS = ("name", "notes")
"""Header fields the price does not depend on: a costing is priced before it is named."""
MAX_LINES = 200
MAX_GRID_SIZES = 12
DEFAULT_GRID = "20,25,30,35,40,45,50"
ON = "on"
_MAX_AMOUNT = Decimal("9999999")

HEADER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "Intitulé", required=True, max_length=200, wide=True),
    FieldSpec("client_id", "Client", "ref"),
    FieldSpec("service_date", "Date de la prestation", "date"),
    FieldSpec("paying", "Payants", "int", required=True, min_value=1, max_value=10000),
    FieldSpec("free", "Gratuits", "int", min_value=0, max_value=10000),
    FieldSpec("staff", "Accompagnateurs / chauffeur", "int", min_value=0, max_value=1000),
    FieldSpec("client_free", "Gratuités client (k)", "int", min_value=0, max_value=100),
    FieldSpec("client_free_per", "… pour N payants", "int", min_value=0, max_value=1000),
    FieldSpec("markup_percent", "Majoration globale (%)", "percent", max_value=1000),
    FieldSpec("fee_per_group", "Frais par groupe (€)", "decimal", min_value=Decimal(0)),
    FieldSpec("fee_per_person", "Frais par personne (€)", "decimal", min_value=Decimal(0)),
    FieldSpec(
        "rounding", "Arrondi du prix", "choice", required=True, choices=tuple(ROUNDINGS.items())
    ),
    FieldSpec(
        "grid",
        "Grille (payants)",
        max_length=100,
        help="Tailles de groupe séparées par des virgules : 20, 25, 30…",
    ),
    FieldSpec("notes", "Notes", "textarea", max_length=2000, wide=True),
)

LINE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("label", "Libellé", required=True, max_length=200),
    FieldSpec("basis", "Base", "choice", required=True, choices=tuple(LINE_BASIS_LABELS.items())),
    FieldSpec(
        "quantity",
        "Quantité",
        "decimal",
        required=True,
        min_value=Decimal("0.01"),
        max_value=Decimal(10000),
    ),
    FieldSpec("unit_cost", "Coût unitaire TTC", "decimal", required=True, min_value=Decimal(0)),
    FieldSpec("vat_rate", "TVA (%)", "percent", required=True, max_value=100),
    FieldSpec(
        "regime", "Régime", "choice", required=True, choices=tuple(LINE_REGIME_LABELS.items())
    ),
    FieldSpec("for_paying", "Payants", "bool"),
    FieldSpec("for_free", "Gratuits", "bool"),
    FieldSpec("for_staff", "Accompagnateurs", "bool"),
    FieldSpec("capacity", "Capacité", "int", min_value=1, max_value=10000),
    FieldSpec("supplier_free", "Gratuités fournisseur (k)", "int", min_value=0, max_value=100),
    FieldSpec("supplier_free_per", "… pour N", "int", min_value=0, max_value=1000),
    FieldSpec("markup_percent", "Majoration (%)", "percent", max_value=1000),
    FieldSpec("unit_sale_price", "Prix de vente unitaire", "decimal", min_value=Decimal(0)),
    FieldSpec("discount_percent", "Remise (%)", "percent", max_value=100),
)
LINE_FIELD_NAMES = tuple(spec.name for spec in LINE_FIELDS)
HIDDEN_LINE_KEYS = (
    "key",
    "product_id",
    "rate_id",
    "supplier_id",
    "product_type_id",
    "cost_from_rate",
    "price_from_client",
    "price_note",
    "supplier",
    "flag",
    "tier_costs",
    "supplier_status",
    "supplier_reference",
    "supplier_option_until",
    "attached_to",
    "line_id",
)
"""What a line carries besides its fields; the supplier booking keys belong to the dossier's
supplier side and go through the costing screen untouched."""
_keys = itertools.count(1)


def new_key() -> str:
    """A key that tells the page's rows apart (React keys), never stored."""
    return f"l{next(_keys)}"


def blank_line(label: str = "") -> dict[str, str]:
    """A line typed freely: a person line for payants and gratuits, margin scheme at 20 %."""
    line = {name: "" for name in (*LINE_FIELD_NAMES, *HIDDEN_LINE_KEYS)}
    line.update(
        key=new_key(),
        label=label,
        basis=pricing.Basis.PERSON,
        quantity="1",
        vat_rate="20",
        regime=pricing.Regime.MARGIN,
        for_paying=ON,
        for_free=ON,
    )
    return line


def edit_line(line: dict[str, str], name: str, value: str) -> dict[str, str]:
    """A field of a line typed by the user: a unit cost typed by hand no longer follows the
    tariff, a sale price or discount typed by hand is no longer the client's preferential one."""
    if name not in LINE_FIELD_NAMES:
        return line
    changed = {**line, name: value}
    if name == "unit_cost":
        changed["cost_from_rate"] = ""
        changed["tier_costs"] = ""
    if name in ("unit_sale_price", "discount_percent", "markup_percent"):
        changed["price_from_client"] = ""
        changed["price_note"] = ""
    return changed


def attach(lines: list[dict[str, str]], index: int, parent_key: str) -> list[dict[str, str]]:
    """Makes a line a related service of another (« un déjeuner avec sa visite »), or frees it
    (empty key); one level only: a line with related services is not attached itself."""
    if not 0 <= index < len(lines):
        return lines
    line = lines[index]
    parent = next((other for other in lines if other["key"] == parent_key), None)
    valid = parent_key == "" or (
        parent is not None
        and parent is not line
        and not parent.get("attached_to")
        and not any(other.get("attached_to") == line["key"] for other in lines)
    )
    if not valid:
        return lines
    changed = [dict(other) for other in lines]
    changed[index]["attached_to"] = parent_key
    return grouped(changed)


def grouped(lines: list[dict[str, str]]) -> list[dict[str, str]]:
    """Each related service right after the line it belongs to, in their order."""
    keys = {line["key"] for line in lines}
    heads = [line for line in lines if line.get("attached_to", "") not in keys]
    result: list[dict[str, str]] = []
    for head in heads:
        if head.get("attached_to") and head["attached_to"] not in keys:
            head = {**head, "attached_to": ""}
        result.append(head)
        result.extend(line for line in lines if line.get("attached_to") == head["key"])
    return result


def without(lines: list[dict[str, str]], index: int) -> list[dict[str, str]]:
    """The lines without one of them and its related services."""
    if not 0 <= index < len(lines):
        return lines
    gone = lines[index]["key"]
    return [line for line in lines if line["key"] != gone and line.get("attached_to") != gone]


def moved(lines: list[dict[str, str]], index: int, step: int) -> list[dict[str, str]]:
    """A line (with its related services) one place up or down among its peers: the lines
    at the top level, or the related services of the same line."""
    if not 0 <= index < len(lines):
        return lines
    line = lines[index]
    parent = line.get("attached_to", "")
    peers = [i for i, other in enumerate(lines) if other.get("attached_to", "") == parent]
    position = peers.index(index)
    target = position + (1 if step > 0 else -1)
    if not 0 <= target < len(peers):
        return lines
    order = [lines[i]["key"] for i in peers]
    order[position], order[target] = order[target], order[position]
    rank = {key: n for n, key in enumerate(order)}
    if parent:
        children = sorted((lines[i] for i in peers), key=lambda other: rank[other["key"]])
        others = [other for other in lines if other.get("attached_to", "") != parent]
        head = next(i for i, other in enumerate(others) if other["key"] == parent)
        return others[: head + 1] + children + others[head + 1 :]
    heads = sorted((lines[i] for i in peers), key=lambda other: rank[other["key"]])
    return grouped(heads + [other for other in lines if other.get("attached_to")])


def default_header() -> dict[str, str]:
    return {
        "name": "",
        "client_id": "",
        "service_date": "",
        "paying": "20",
        "free": "0",
        "staff": "0",
        "client_free": "",
        "client_free_per": "",
        "markup_percent": "0",
        "fee_per_group": "0",
        "fee_per_person": "0",
        "rounding": "1.00",
        "grid": DEFAULT_GRID,
        "notes": "",
    }


# --- Parsing what is typed --------------------------------------------------------------------


def parse_grid(text: str) -> list[int]:
    """« 20, 25, 30 » → [20, 25, 30] (sorted, without repeats). Raises ValueError (French)."""
    sizes: set[int] = set()
    for part in text.replace(";", ",").replace(" ", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 10000:
            raise ValueError(f"« {part} » : un nombre de payants entre 1 et 10 000 attendu.")
        sizes.add(int(part))
    if len(sizes) > MAX_GRID_SIZES:
        raise ValueError(f"{MAX_GRID_SIZES} tailles de groupe au plus.")
    return sorted(sizes)


def _rule(free: int | None, per: int | None, key: str, errors: dict[str, str]):
    if not free and not per:
        return None
    if not free or not per:
        errors.setdefault(key, "Indiquez les deux nombres (ex. 1 pour 20).")
        return None
    return pricing.FreeRule(free, per)


@dataclass
class ParsedCosting:
    header: dict[str, Any]
    lines: list[dict[str, Any]]
    costing: pricing.Costing | None
    grid: list[int]
    header_errors: dict[str, str]
    line_errors: list[str]

    @property
    def valid(self) -> bool:
        return self.costing is not None


def _line_error_text(errors: dict[str, str]) -> str:
    labels = {spec.name: spec.label for spec in LINE_FIELDS}
    return " ; ".join(f"{labels.get(name, name)} : {message}" for name, message in errors.items())


def _client_choice(header: dict[str, str]) -> dict[str, tuple[tuple[str, str], ...]]:
    """The typed client id as the field's only choice: parsing needs no database, and
    `save_costing` checks that the client exists and is within the user's reach."""
    raw = (header.get("client_id") or "").strip()
    return {"client_id": ((raw, raw),) if identifiers.is_record_id(raw) else ()}


def parse_costing(header: dict[str, str], lines: list[dict[str, str]]) -> ParsedCosting:
    """Parses the typed costing; the engine's costing only when every field is valid."""
    clean, header_errors = parse_form(HEADER_FIELDS, header, _client_choice(header))
    grid: list[int] = []
    try:
        grid = parse_grid(clean.get("grid") or "")
    except ValueError as exc:
        header_errors.setdefault("grid", str(exc))
    client_rule = _rule(
        clean.get("client_free"), clean.get("client_free_per"), "client_free_per", header_errors
    )
    if len(lines) > MAX_LINES:
        header_errors.setdefault("", f"{MAX_LINES} lignes au plus.")
    parsed_lines: list[dict[str, Any]] = []
    line_errors: list[str] = []
    engine_lines: list[pricing.Line] = []
    for values in lines:
        line, errors = parse_form(LINE_FIELDS, values)
        rule = _rule(
            line.get("supplier_free"), line.get("supplier_free_per"), "supplier_free_per", errors
        )
        consumers = frozenset(
            pricing.Consumer(kind)
            for name, kind in zip(
                ("for_paying", "for_free", "for_staff"),
                ("paying", "free", "staff"),
                strict=True,
            )
            if line.get(name)
        )
        if not consumers:
            errors.setdefault("for_paying", "Cochez au moins un type de participants.")
        if line.get("unit_sale_price") is not None and line.get("markup_percent") is not None:
            errors.setdefault("markup_percent", "Un prix de vente ou une majoration, pas les deux.")
        parsed_lines.append(line)
        line_errors.append(_line_error_text(errors))
        if errors:
            continue
        try:
            engine_lines.append(
                pricing.Line(
                    label=line["label"],
                    unit_cost=line["unit_cost"],
                    basis=pricing.Basis(line["basis"]),
                    quantity=line["quantity"],
                    vat_rate=line["vat_rate"],
                    regime=pricing.Regime(line["regime"]),
                    applies_to=consumers,
                    capacity=line.get("capacity") if line["basis"] == pricing.Basis.GROUP else None,
                    supplier_free_rule=rule if line["basis"] == pricing.Basis.PERSON else None,
                    markup_percent=line.get("markup_percent"),
                    unit_sale_price=line.get("unit_sale_price"),
                    discount_percent=line.get("discount_percent"),
                    note=values.get("price_note", ""),
                )
            )
        except pricing.PricingError as exc:
            line_errors[-1] = str(exc)
    costing = None
    pricing_errors = {k: v for k, v in header_errors.items() if k not in UNPRICED_FIELDS}
    if not pricing_errors and not any(line_errors):
        try:
            costing = pricing.Costing(
                lines=tuple(engine_lines),
                markup_percent=clean.get("markup_percent") or Decimal(0),
                fee_per_group=clean.get("fee_per_group") or Decimal(0),
                fee_per_person=clean.get("fee_per_person") or Decimal(0),
                rounding=Decimal(clean["rounding"]),
                client_free_rule=client_rule,
            )
        except pricing.PricingError as exc:
            header_errors[""] = str(exc)
    return ParsedCosting(clean, parsed_lines, costing, grid, header_errors, line_errors)


# --- Pricing for the page ---------------------------------------------------------------------


@dataclass(frozen=True)
class LineResult:
    """A line's cost and sale for the costing's own group, as its box shows them (blank while
    the costing cannot be priced)."""

    cost: str = ""
    sale: str = ""
    detail: str = ""
    """How many people or units it was counted for: « 21 pers. − 1 gratuité », « 2 unités »."""


@dataclass(frozen=True)
class CostingSummary:
    """« Résultat »: the costing priced for its own group, as French text."""

    group: str = ""
    """« 20 payants + 1 gratuit + 1 accompagnateur »."""
    total_cost: str = ""
    total_sale: str = ""
    margin: str = ""
    margin_rate: str = ""
    margin_vat: str = ""
    normal_vat: str = ""
    price_per_paying: str = ""
    raw_price: str = ""
    """The price per paying person before its rounding up."""
    negative: bool = False
    """A loss: the margin shows in red."""


@dataclass(frozen=True)
class GridRow:
    """One group size of the price grid, as French text."""

    paying: str
    free: str
    staff: str
    price_per_paying: str
    total_sale: str
    total_cost: str
    margin: str
    margin_rate: str
    jump: bool
    """One more unit (a coach, a guide) makes the price jump at this size."""
    current: bool
    """The costing's own group size."""


@dataclass
class Evaluation:
    """What the costing screen shows, formatted (money reaches the browser as text)."""

    header_errors: dict[str, str] = field(default_factory=dict)
    line_errors: list[str] = field(default_factory=list)
    line_results: list[LineResult] = field(default_factory=list)
    summary: CostingSummary | None = None
    """None while the costing cannot be priced."""
    grid: list[GridRow] = field(default_factory=list)


def _percent_of(rate: Decimal | None) -> str:
    if rate is None:
        return "—"
    return formats.number(rate * 100, 1) + " %"


def _group_text(group: pricing.Group) -> str:
    parts = [f"{group.paying} payant{'s' if group.paying > 1 else ''}"]
    if group.free:
        parts.append(f"{group.free} gratuit{'s' if group.free > 1 else ''}")
    if group.staff:
        parts.append(f"{group.staff} accompagnateur{'s' if group.staff > 1 else ''}")
    return " + ".join(parts)


def _vat_text(priced: pricing.PricedGroup) -> str:
    return " ; ".join(
        f"{formats.percent(rate)} : {formats.money(amount)}"
        for rate, amount in sorted(priced.normal_vat.items())
    )


def _line_detail(line: pricing.PricedLine) -> str:
    if line.basis == pricing.Basis.GROUP:
        return f"{line.units} unité{'s' if line.units > 1 else ''}"
    detail = f"{line.consumers} pers."
    if line.supplier_free:
        detail += f" − {line.supplier_free} gratuité{'s' if line.supplier_free > 1 else ''}"
    return detail


def encode_tier_costs(costs: dict[int, Decimal]) -> str:
    """{20: 13, 25: 13} → "20:13;25:13": the page keeps each line's cost per grid size."""
    return ";".join(f"{size}:{cost}" for size, cost in sorted(costs.items()))


def decode_tier_costs(text: str) -> dict[int, Decimal]:
    costs: dict[int, Decimal] = {}
    for part in (text or "").split(";"):
        size, _, cost = part.partition(":")
        if size.isdigit() and cost:
            try:
                costs[int(size)] = Decimal(cost)
            except ArithmeticError:
                continue
    return costs


def _grid_with_tiers(
    costing: pricing.Costing,
    lines: list[dict[str, str]],
    sizes: list[int],
    free: int,
    staff: int,
) -> list[pricing.PricedGroup]:
    """The grid, each size priced with the tariff of its own tier for the lines that follow
    their tariff (15,50 € below 20 payants, 13 € from 20…)."""
    tiers = [decode_tier_costs(line.get("tier_costs", "")) for line in lines]
    priced = []
    for size in sizes:
        engine_lines = tuple(
            replace(line, unit_cost=costs[size]) if size in costs else line
            for line, costs in zip(costing.lines, tiers, strict=True)
        )
        at_size = replace(costing, lines=engine_lines)
        priced.append(pricing.price(at_size, pricing.group_for(at_size, size, free, staff)))
    return priced


def priced_grid(
    session: Session, header: dict[str, str], lines: list[dict[str, str]]
) -> list[pricing.PricedGroup]:
    """The saved costing priced at each size of its grid, each size with its own tariff tier
    (what a quote's price grid prints); empty while the costing is invalid."""
    parsed = parse_costing(header, lines)
    if parsed.costing is None:
        return []
    tiered = [{**line, "tier_costs": _tier_costs(session, line, header)} for line in lines]
    clean = parsed.header
    try:
        return _grid_with_tiers(
            parsed.costing, tiered, parsed.grid, clean.get("free") or 0, clean.get("staff") or 0
        )
    except pricing.PricingError:
        return []


def evaluate(header: dict[str, str], lines: list[dict[str, str]]) -> Evaluation:
    """Prices the typed costing for its group and over its grid; no database."""
    parsed = parse_costing(header, lines)
    shown_errors = {
        name: message
        for name, message in parsed.header_errors.items()
        if not (name == "name" and message == REQUIRED)  # asked for when saving
    }
    result = Evaluation(shown_errors, parsed.line_errors)
    if parsed.costing is None:
        result.line_results = [LineResult() for _ in lines]
        return result
    costing, clean = parsed.costing, parsed.header
    try:
        group = pricing.group_for(
            costing, clean["paying"], clean.get("free") or 0, clean.get("staff") or 0
        )
        priced = pricing.price(costing, group)
        grid = _grid_with_tiers(
            costing, lines, parsed.grid, clean.get("free") or 0, clean.get("staff") or 0
        )
    except pricing.PricingError as exc:
        result.header_errors[""] = str(exc)
        result.line_results = [LineResult() for _ in lines]
        return result
    result.line_results = [
        LineResult(
            cost=formats.money(line.cost),
            sale=formats.money(line.sale),
            detail=_line_detail(line),
        )
        for line in priced.lines
    ]
    result.summary = CostingSummary(
        group=_group_text(priced.group),
        total_cost=formats.money(priced.total_cost),
        total_sale=formats.money(priced.total_sale),
        margin=formats.money(priced.margin),
        margin_rate=_percent_of(priced.margin_rate),
        margin_vat=formats.money(priced.margin_vat),
        normal_vat=_vat_text(priced) or formats.money(Decimal(0)),
        price_per_paying=formats.money(priced.price_per_paying),
        raw_price=formats.money(priced.raw_price.quantize(Decimal("0.001"))),
        negative=priced.margin < 0,
    )
    jumps = pricing.price_jumps(grid)
    result.grid = [
        GridRow(
            paying=str(row.group.paying),
            free=str(row.group.free),
            staff=str(row.group.staff),
            price_per_paying=formats.money(row.price_per_paying),
            total_sale=formats.money(row.total_sale),
            total_cost=formats.money(row.total_cost),
            margin=formats.money(row.margin),
            margin_rate=_percent_of(row.margin_rate),
            jump=row.group.paying in jumps,
            current=row.group.paying == priced.group.paying,
        )
        for row in grid
    ]
    return result


# --- Lines from the catalogue -----------------------------------------------------------------


@dataclass(frozen=True)
class ProductHit:
    """A product found by the costing screen's search, as its result shows it."""

    id: str
    name: str
    product_type: str
    supplier: str
    """« Agence » for the agency's own services."""
    basis: str
    """How it is sold, in French."""


def search_products(
    session: Session, text: str, product_type: str = "", supplier: str = "", limit: int = 12
) -> list[ProductHit]:
    """Active products matching the search, through the catalogue's own listing."""
    page = fetch_page(
        session,
        PRODUCTS_LIST,
        ListQuery(
            search=text,
            filters={"product_type": product_type, "supplier": supplier, "active": "1"},
            page_size=limit,
        ),
    )
    return [
        ProductHit(
            id=str(row["id"]),
            name=row["name"],
            product_type=row["product_type"] or "",
            supplier=row["supplier"] or "Agence",
            basis=BASES.get(row["basis"], row["basis"]),
        )
        for row in page.rows
    ]


def _lookup_day(header: dict[str, str]) -> date:
    try:
        return date.fromisoformat(header.get("service_date") or "")
    except ValueError:
        return formats.today()


def _paying(header: dict[str, str]) -> int:
    raw = (header.get("paying") or "").strip()
    return int(raw) if raw.isdigit() and 0 < int(raw) <= 10000 else 1


def _client_id(header: dict[str, str]) -> int | None:
    return identifiers.record_id(header.get("client_id") or "")


def _money_input(value: Decimal | None) -> str:
    return "" if value is None else formats.decimal_for_input(value)


def no_rate_message(day: date, paying: int) -> str:
    return f"Aucun tarif valable le {formats.day(day)} pour {paying} payants."


def _sale_typed_by_hand(line: dict[str, str], shown: Rate | None) -> bool:
    """Whether the line's sale price, markup or discount was typed by the user: neither the
    client's preferential rate nor the tariff the line shows (`shown`) put it there."""
    if line.get("price_from_client") == ON:
        return False
    if line.get("discount_percent"):
        return True
    from_tariff = (
        _money_input(shown.sale_price if shown else None),
        _money_input(shown.markup_percent if shown else None),
    )
    return (line.get("unit_sale_price") or "", line.get("markup_percent") or "") != from_tariff


def _apply_rate(
    line: dict[str, str], rate: Rate | None, header: dict[str, str], sale_typed: bool
) -> None:
    if rate is None:
        # The figures stay those of the tariff the line shows (`rate_id`), flagged.
        line["flag"] = no_rate_message(_lookup_day(header), _paying(header))
        return
    line["flag"] = ""
    line["rate_id"] = str(rate.id)
    if line.get("cost_from_rate") == ON:
        line["unit_cost"] = formats.decimal_for_input(rate.purchase_price)
        if not sale_typed and line.get("price_from_client") != ON:
            line["unit_sale_price"] = _money_input(rate.sale_price)
            line["markup_percent"] = _money_input(rate.markup_percent)


def _apply_preference(line: dict[str, str], preference: Preference, rate: Rate | None) -> None:
    """The client's preferential rate on a line whose sale price nobody typed by hand."""
    if preference is NONE:
        if line.get("price_from_client") == ON:
            line["unit_sale_price"] = _money_input(rate.sale_price if rate else None)
            line["markup_percent"] = _money_input(rate.markup_percent if rate else None)
            line["discount_percent"] = ""
        line["price_from_client"] = ""
        line["price_note"] = ""
        return
    line["price_from_client"] = ON
    line["price_note"] = preference.note
    line["discount_percent"] = _money_input(preference.discount_percent)
    if preference.unit_sale_price is not None:
        line["unit_sale_price"] = _money_input(preference.unit_sale_price)
        line["markup_percent"] = ""
    else:
        line["unit_sale_price"] = _money_input(rate.sale_price if rate else None)
        line["markup_percent"] = _money_input(rate.markup_percent if rate else None)


def refresh_catalogue_lines(
    session: Session,
    header: dict[str, str],
    lines: list[dict[str, str]],
    actor: Actor | None = None,
) -> list[dict[str, str]]:
    """Re-reads the catalogue for the lines taken from it: the tariff of the day and group
    size (a line without one is flagged) and the client's preferential rates — those of a
    client within the actor's reach only."""
    day, paying, client_id = _lookup_day(header), _paying(header), _client_id(header)
    if actor is not None and not accessible_client(session, actor, client_id):
        client_id = None
    refreshed = []
    for values in lines:
        line = dict(values)
        product_id = identifiers.record_id(line.get("product_id") or "")
        product = session.get(Product, product_id) if product_id else None
        if product is None:
            line["flag"] = ""
            refreshed.append(line)
            continue
        shown_id = _id_or_none(line.get("rate_id"))
        sale_typed = _sale_typed_by_hand(
            line, session.get(Rate, shown_id) if shown_id is not None else None
        )
        rate = find_rate(session, product.id or 0, day, paying)
        _apply_rate(line, rate, header, sale_typed)
        if not sale_typed:
            shown = session.get(Rate, shown_id) if shown_id is not None else None
            preference = preference_for(session, client_id, product, day)
            _apply_preference(line, preference, rate or shown)
        line["tier_costs"] = _tier_costs(session, line, header)
        refreshed.append(line)
    return refreshed


def _tier_costs(session: Session, line: dict[str, str], header: dict[str, str]) -> str:
    """The line's tariff cost at each size of the grid, when its cost follows the tariff."""
    product_id = _id_or_none(line.get("product_id"))
    if product_id is None or line.get("cost_from_rate") != ON:
        return ""
    try:
        sizes = parse_grid(header.get("grid") or "")
    except ValueError:
        return ""
    day = _lookup_day(header)
    costs = {}
    for size in sizes:
        rate = find_rate(session, product_id, day, size)
        if rate is not None:
            costs[size] = rate.purchase_price
    return encode_tier_costs(costs)


def line_from_product(
    session: Session, product_id: int, header: dict[str, str], actor: Actor | None = None
) -> dict[str, str]:
    """A costing line for a catalogue product: its basis, VAT, supplier free places, then its
    tariff for the day and group size and the client's preferential rate."""
    product = session.get(Product, product_id)
    if product is None or product.deleted_at is not None:
        raise RecordNotFound("prestation", product_id)
    supplier = session.get(Supplier, product.supplier_id) if product.supplier_id else None
    vat = session.get(VatRate, product.vat_rate_id) if product.vat_rate_id else None
    line = blank_line(product.name)
    line.update(
        product_id=str(product.id),
        supplier_id=str(product.supplier_id or ""),
        supplier=supplier.name if supplier else "Agence",
        product_type_id=str(product.product_type_id),
        basis=line_basis(product.basis),
        capacity=str(product.unit_capacity or "") if product.basis == ProductBasis.UNIT else "",
        vat_rate=formats.decimal_for_input(vat.rate) if vat else "20",
        regime=line_regime(product.vat_regime),
        supplier_free=str(product.free_places or ""),
        supplier_free_per=str(product.free_places_per or ""),
        unit_cost="0",
        cost_from_rate=ON,
    )
    return refresh_catalogue_lines(session, header, [line], actor)[0]


# --- Reading and saving -----------------------------------------------------------------------


def accessible_client(session: Session, actor: Actor, client_id: int | None) -> bool:
    if client_id is None:
        return True
    statement = visible_clients(select(Client.id).where(Client.id == client_id), actor)
    return session.exec(statement).first() is not None


def client_choices(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """Clients the user may quote for (a rep restricted to his clients sees his)."""
    statement = visible_clients(
        select(Client.id, Client.name)
        .where(col(Client.deleted_at).is_(None))
        .order_by(Client.name)
        .limit(500),
        actor,
    )
    return [(str(i), name) for i, name in session.exec(statement)]


def get_costing(
    session: Session, actor: Actor, costing_id: int, module: Module = Module.CATALOGUE
) -> Costing:
    """A costing within the actor's reach: through the catalogue a quick costing or a catalogue
    dossier's, through the dossiers (module « dossiers ») the costing of a dossier."""
    actor.require(module, Action.SEE)
    costing = session.get(Costing, costing_id)
    if (
        costing is None
        or costing.deleted_at is not None
        or costing.for_booking != (module == Module.BOOKINGS)
        or not accessible_client(session, actor, costing.client_id)
    ):
        raise RecordNotFound("cotation", costing_id)
    return costing


def quote(header: dict[str, str], lines: list[dict[str, str]]) -> pricing.PricedGroup | None:
    """The priced result for the costing's own group, or None while something is invalid."""
    parsed = parse_costing(header, lines)
    if parsed.costing is None:
        return None
    clean = parsed.header
    group = pricing.group_for(
        parsed.costing, clean["paying"], clean.get("free") or 0, clean.get("staff") or 0
    )
    return pricing.price(parsed.costing, group)


def line_values(line: CostingLine, supplier_name: str) -> dict[str, str]:
    values = {spec.name: value_for_input(spec, getattr(line, spec.name)) for spec in LINE_FIELDS}
    values.update(
        key=new_key(),
        product_id=str(line.product_id or ""),
        rate_id=str(line.rate_id or ""),
        supplier_id=str(line.supplier_id or ""),
        supplier=supplier_name,
        product_type_id=str(line.product_type_id or ""),
        cost_from_rate=ON if line.cost_from_rate else "",
        price_from_client=ON if line.price_from_client else "",
        price_note=line.price_note,
        flag="",
        supplier_status=line.supplier_status,
        supplier_reference=line.supplier_reference,
        supplier_option_until=(
            line.supplier_option_until.isoformat() if line.supplier_option_until else ""
        ),
        attached_to=str(line.attached_to or ""),
        line_id=str(line.id or ""),
    )
    if line.basis == pricing.Basis.PERSON:
        values["capacity"] = ""
    return values


def costing_values(
    session: Session, actor: Actor, costing_id: int, module: Module = Module.CATALOGUE
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The saved costing as the page edits it; catalogue lines re-checked for their tariff."""
    costing = get_costing(session, actor, costing_id, module)
    header = {
        spec.name: value_for_input(spec, getattr(costing, spec.name)) for spec in HEADER_FIELDS
    }
    header["rounding"] = format(costing.rounding.quantize(Decimal("0.01")), "f")
    for name in ("client_free", "client_free_per"):
        if header[name] == "0":
            header[name] = ""
    rows = session.exec(
        select(CostingLine, Supplier.name)
        .outerjoin(Supplier, col(Supplier.id) == col(CostingLine.supplier_id))
        .where(CostingLine.costing_id == costing.id)
        .order_by(col(CostingLine.position), col(CostingLine.id))
    ).all()
    lines = [
        line_values(line, name or ("Agence" if line.product_id else "")) for line, name in rows
    ]
    return header, _flag_only(session, header, keys_for_positions(lines))


def keys_for_positions(lines: list[dict[str, str]]) -> list[dict[str, str]]:
    """Stored lines name the line they belong to by its position; the page by its key."""
    for line in lines:
        position = line.get("attached_to", "")
        owner = (
            lines[int(position) - 1]
            if position.isdigit() and 0 < int(position) <= len(lines)
            else None
        )
        line["attached_to"] = owner["key"] if owner is not None and owner is not line else ""
    return lines


def _flag_only(
    session: Session, header: dict[str, str], lines: list[dict[str, str]]
) -> list[dict[str, str]]:
    """Flags the catalogue lines without a tariff for the saved day and reads their cost per
    grid size, changing nothing else."""
    day, paying = _lookup_day(header), _paying(header)
    for line in lines:
        line["tier_costs"] = _tier_costs(session, line, header)
        product_id = _id_or_none(line.get("product_id"))
        if not header.get("service_date") or product_id is None:
            continue
        if find_rate(session, product_id, day, paying) is None:
            line["flag"] = no_rate_message(day, paying)
    return lines


def _date_or_none(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _id_or_none(raw: str | None) -> int | None:
    return identifiers.record_id(raw or "")


def _snapshot(costing: Costing, lines: list[CostingLine]) -> dict[str, Any]:
    snapshot = audit.snapshot(costing)
    snapshot["lignes"] = [f"{line.label} ({formats.money(line.unit_cost)})" for line in lines]
    return snapshot


def _supplier_side(values: dict[str, str], stored: dict) -> dict[str, Any]:
    line_id = _id_or_none(values.get("line_id"))
    if line_id in stored:
        status, reference, until = stored[line_id]
    else:
        status = values.get("supplier_status") or "a_demander"
        reference = (values.get("supplier_reference") or "")[:60]
        until = _date_or_none(values.get("supplier_option_until"))
    return {
        "supplier_status": status,
        "supplier_reference": reference,
        "supplier_option_until": until,
    }


def _write(
    session: Session, costing: Costing, parsed: ParsedCosting, lines: list[dict[str, str]]
) -> list[CostingLine]:
    """The parsed costing into its row and a fresh set of line rows."""
    clean = parsed.header
    for spec in HEADER_FIELDS:
        if spec.name not in ("client_free", "client_free_per", "rounding"):
            setattr(costing, spec.name, clean.get(spec.name))
    costing.free = clean.get("free") or 0
    costing.staff = clean.get("staff") or 0
    costing.client_free = clean.get("client_free") or 0
    costing.client_free_per = clean.get("client_free_per") or 0
    costing.markup_percent = clean.get("markup_percent") or Decimal(0)
    costing.fee_per_group = clean.get("fee_per_group") or Decimal(0)
    costing.fee_per_person = clean.get("fee_per_person") or Decimal(0)
    costing.rounding = Decimal(clean["rounding"])
    costing.grid = ", ".join(str(size) for size in parsed.grid)
    costing.notes = clean.get("notes") or ""
    costing.updated_at = utcnow()
    session.add(costing)
    session.flush()
    # The supplier side of a dossier's services changes on its own tab: what the page held
    # since it was opened must not undo a colleague's option or confirmation.
    stored = {
        row.id: (row.supplier_status, row.supplier_reference, row.supplier_option_until)
        for row in session.exec(select(CostingLine).where(CostingLine.costing_id == costing.id))
    }
    session.exec(delete(CostingLine).where(col(CostingLine.costing_id) == costing.id))
    positions = {values.get("key", ""): n for n, values in enumerate(lines, start=1)}
    new_lines = []
    for position, (values, line) in enumerate(zip(lines, parsed.lines, strict=True), start=1):
        new_lines.append(
            CostingLine(
                costing_id=costing.id or 0,
                position=position,
                label=line["label"],
                product_id=_id_or_none(values.get("product_id")),
                rate_id=_id_or_none(values.get("rate_id")),
                supplier_id=_id_or_none(values.get("supplier_id")),
                product_type_id=_id_or_none(values.get("product_type_id")),
                basis=line["basis"],
                quantity=line["quantity"],
                unit_cost=line["unit_cost"],
                cost_from_rate=values.get("cost_from_rate") == ON,
                vat_rate=line["vat_rate"],
                regime=line["regime"],
                for_paying=line["for_paying"],
                for_free=line["for_free"],
                for_staff=line["for_staff"],
                capacity=line.get("capacity") if line["basis"] == pricing.Basis.GROUP else None,
                supplier_free=line.get("supplier_free") or 0,
                supplier_free_per=line.get("supplier_free_per") or 0,
                markup_percent=line.get("markup_percent"),
                unit_sale_price=line.get("unit_sale_price"),
                discount_percent=line.get("discount_percent"),
                price_from_client=values.get("price_from_client") == ON,
                price_note=(values.get("price_note") or "")[:200],
                **_supplier_side(values, stored),
                attached_to=positions.get(values.get("attached_to") or "-"),
            )
        )
    session.add_all(new_lines)
    session.flush()
    return new_lines


def saved_strings(
    session: Session, costing: Costing
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """A saved costing as the page holds it (text), read without rights: for services whose
    caller has checked them."""
    header = {
        spec.name: value_for_input(spec, getattr(costing, spec.name)) for spec in HEADER_FIELDS
    }
    header["rounding"] = format(costing.rounding.quantize(Decimal("0.01")), "f")
    lines = keys_for_positions(
        [
            line_values(line, "")
            for line in session.exec(
                select(CostingLine)
                .where(CostingLine.costing_id == costing.id)
                .order_by(col(CostingLine.position), col(CostingLine.id))
            )
        ]
    )
    return header, lines


def refresh_saved_costing(session: Session, costing: Costing) -> None:
    """Re-reads the catalogue for a saved costing's lines (tariffs of its day and group, the
    client's preferential rates) and writes it back; a costing that no longer parses (a
    tariff gone) is left as it was. The caller has checked the rights."""
    header, lines = saved_strings(session, costing)
    refreshed = refresh_catalogue_lines(session, header, lines)
    parsed = parse_costing(header, refreshed)
    if parsed.costing is None:
        return
    _write(session, costing, parsed, refreshed)


def save_costing(
    session: Session,
    actor: Actor,
    costing_id: int | None,
    header: dict[str, str],
    lines: list[dict[str, str]],
    module: Module = Module.CATALOGUE,
) -> Costing:
    """Writes the costing and all its lines, or nothing (FormErrors with the messages)."""
    actor.require(module, Action.CREATE if costing_id is None else Action.EDIT)
    parsed = parse_costing(header, lines)
    errors = dict(parsed.header_errors)
    client_id = parsed.header.get("client_id")
    if client_id is not None and not accessible_client(session, actor, client_id):
        errors["client_id"] = "Client introuvable."
    for index, message in enumerate(parsed.line_errors, start=1):
        if message:
            errors.setdefault("lines", f"Ligne {index} : {message}")
    if errors:
        raise FormErrors(errors)
    if costing_id is None:
        costing = Costing(name="", created_by_id=actor.user_id)
        before: dict[str, Any] = {}
    else:
        costing = get_costing(session, actor, costing_id, module)
        old_lines = list(
            session.exec(select(CostingLine).where(CostingLine.costing_id == costing.id)).all()
        )
        before = _snapshot(costing, old_lines)
    new_lines = _write(session, costing, parsed, lines)
    changes = audit.changes_between(before, _snapshot(costing, new_lines))
    if costing_id is None or changes:
        audit.record(
            session,
            actor,
            AuditAction.CREATE if costing_id is None else AuditAction.UPDATE,
            entity_type="cotation",
            entity_id=costing.id,
            entity_label=costing.name,
            changes=changes,
        )
    return costing


def copy_costing(session: Session, source: Costing, **changes: Any) -> Costing:
    """A copy of a costing and its lines (a catalogue dossier's costing for a new dossier)."""
    values = {
        name: getattr(source, name)
        for name in Costing.model_fields
        if name not in ("id", "created_at", "updated_at", "deleted_at")
    }
    values.update(changes)
    copy = Costing(**values)
    session.add(copy)
    session.flush()
    for line in session.exec(
        select(CostingLine)
        .where(CostingLine.costing_id == source.id)
        .order_by(col(CostingLine.position))
    ):
        data = line.model_dump(exclude={"id", "costing_id"})
        session.add(CostingLine(costing_id=copy.id or 0, **data))
    session.flush()
    return copy


# --- The list of costings ---------------------------------------------------------------------


def _costings_query():
    lines = (
        select(func.count())
        .select_from(CostingLine)
        .where(CostingLine.costing_id == Costing.id)
        .scalar_subquery()
    )
    return (
        sa.select(
            col(Costing.id).label("id"),
            col(Costing.name).label("name"),
            col(Client.name).label("client"),
            col(Costing.service_date).label("service_date"),
            col(Costing.paying).label("paying"),
            lines.label("lines"),
            col(Costing.updated_at).label("updated_at"),
        )
        .outerjoin(Client, col(Client.id) == col(Costing.client_id))
        .where(
            col(Costing.deleted_at).is_(None),
            col(Costing.is_template).is_(False),
            col(Costing.for_booking).is_(False),
        )
    )


def _scope(statement, actor: Actor):
    """A rep restricted to his clients sees the costings of his clients and those without one."""
    if not actor.own_clients_only:
        return statement
    mine = visible_clients(select(Client.id), actor)
    return statement.where(col(Costing.client_id).is_(None) | col(Costing.client_id).in_(mine))


COSTINGS_LIST = ListSpec(
    name="Cotations",
    query=_costings_query,
    columns=(
        Column("name", "Intitulé", Costing.name, width=40),
        Column("client", "Client", Client.name, width=30),
        Column("service_date", "Date", Costing.service_date, kind="date", width=12),
        Column("paying", "Payants", Costing.paying, kind="int", width=10, phone=False),
        Column("lines", "Lignes", None, kind="int", sortable=False, width=8, phone=False),
        Column(
            "updated_at", "Modifiée le", Costing.updated_at, kind="datetime", width=16, phone=False
        ),
    ),
    search=(Costing.name, Client.name),
    default_sort="updated_at",
    default_desc=True,
    tie_breaker=Costing.id,
    scope=_scope,
)


class CostingResource(Resource[Costing]):
    """The costings' listing and deletion; the costing screen saves through `save_costing`."""

    model = Costing
    module = Module.CATALOGUE
    entity = "cotation"
    new_title = "Nouvelle cotation"
    fields = HEADER_FIELDS

    def list_spec(self) -> ListSpec:
        return COSTINGS_LIST

    def accessible(self, session: Session, actor: Actor, record: Costing) -> bool:
        return not record.for_booking and accessible_client(session, actor, record.client_id)

    def delete_problem(self, session: Session, record: Costing) -> str | None:
        dossier = session.exec(
            select(CatalogueDossier.name).where(
                CatalogueDossier.costing_id == record.id,
                col(CatalogueDossier.deleted_at).is_(None),
            )
        ).first()
        if dossier is not None:
            return f"C'est la cotation du dossier catalogue « {dossier} »."
        return None


COSTINGS = CostingResource()
