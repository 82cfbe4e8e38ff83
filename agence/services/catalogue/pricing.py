"""Costing (cotation): what a group trip costs the agency and what each paying person pays.

The rules are those of the costing specification (specs/costing.md): per-line costs from the
participants who consume the line, supplier free places, capacity steps, markup, fees, a price
per paying person rounded up to a step, and the VAT split between the agency's own services
(normal regime) and the travel-agency margin scheme.

Pure and Decimal throughout: no database, no Reflex, so the same function prices the costing
screen, the quote, the CLI and the benchmarks. Only two roundings happen, where the
specification puts them: the price per paying person, always UP to the `rounding` step, and VAT
amounts, half-up to the cent. Every other amount keeps full precision; callers format them.

Points the specification leaves open, decided here:
- A group line with a `capacity` and nobody consuming it needs no unit (0 units, no cost: no
  guide for nobody); a group line without a capacity is one unit whoever consumes it (the coach
  is hired for the trip).
- Normal-regime VAT is computed per rate on the sum of that rate's line sales (as an invoice
  sums VAT per rate), then rounded half-up to the cent.
- The supplier free-place rule only applies to person lines, the capacity only to group lines;
  setting either on the other kind is an error rather than being silently ignored.
- Markups are at least -100 % (a sale price never negative); fees are never negative.

EXTENSIONS beyond the specification (each unset by default, and then the specification's
results are unchanged):
- `Line.unit_sale_price`: a fixed sale price per unit (the tariff's sale price, or a price
  negotiated with the client) replacing cost × (1 + markup). Person lines bill every consumer
  (`consumers × quantity × unit_sale_price`): supplier free places are the agency's gain, the
  client still pays for everyone. Group lines bill `units × quantity × unit_sale_price`.
- `Line.discount_percent`: a client discount on the line's sale, `sale × (1 − d/100)`, applied
  after the markup or the fixed sale price.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum
from typing import Any

from agence.services.catalogue.vat import margin_vat, vat_included


class PricingError(ValueError):
    """A costing that cannot be priced. The message is French: it is shown to users as is."""


class Basis(StrEnum):
    """How a line is bought: per consumer, or for the group as a whole (coach, guide)."""

    PERSON = "person"
    GROUP = "group"


class Regime(StrEnum):
    """VAT regime of a line: the margin scheme (services bought from suppliers and resold), or
    the normal regime (the agency's own services, VAT at the line's rate on its sale)."""

    MARGIN = "margin"
    NORMAL = "normal"


class Consumer(StrEnum):
    """Who may consume a line: paying people, the client's free places, the staff (driver,
    tour escort)."""

    PAYING = "paying"
    FREE = "free"
    STAFF = "staff"


ZERO = Decimal(0)
HUNDRED = Decimal(100)


def _line_name(label: str) -> str:
    return f"Ligne « {label} »" if label.strip() else "Ligne sans libellé"


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PricingError(f"{what} doit être un nombre entier.")
    return value


def _amount(value: Any, what: str) -> Decimal:
    """A Decimal from a Decimal, an int or a numeric string; floats are refused (binary
    fractions are not money)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise PricingError(f"{what} : valeur décimale attendue.")
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except ArithmeticError:
        raise PricingError(f"{what} : « {value} » n'est pas un nombre.") from None
    if not amount.is_finite():
        raise PricingError(f"{what} : « {value} » n'est pas un nombre.")
    return amount


def _set_amount(obj: object, name: str, what: str) -> Decimal:
    """Validate a required amount field of a frozen dataclass and store it as a Decimal."""
    value = getattr(obj, name)
    if value is None:
        raise PricingError(f"{what} : valeur obligatoire.")
    amount = _amount(value, what)
    object.__setattr__(obj, name, amount)
    return amount


def _set_optional_amount(obj: object, name: str, what: str) -> Decimal | None:
    return None if getattr(obj, name) is None else _set_amount(obj, name, what)


@dataclass(frozen=True)
class FreeRule:
    """« k gratuités pour N payants »: `free` places granted per `per_paying` paying people."""

    free: int
    per_paying: int

    def __post_init__(self) -> None:
        if _count(self.free, "Le nombre de gratuités d'une règle") < 1:
            raise PricingError("Une règle de gratuité accorde au moins 1 gratuité.")
        if _count(self.per_paying, "Le nombre de payants d'une règle de gratuité") < 1:
            raise PricingError("Une règle de gratuité porte sur au moins 1 payant.")

    def client_free(self, paying: int) -> int:
        """Free places the client gets for `paying` paying people: floor(paying / N) × k."""
        return paying // self.per_paying * self.free

    def supplier_free(self, consumers: int) -> int:
        """Free places a supplier grants on `consumers` people: the supplier sees the whole
        group, free places included, so « 1 per 20 » is one free place in every 21 people:
        floor(consumers / (N + k)) × k."""
        return consumers // (self.per_paying + self.free) * self.free


@dataclass(frozen=True)
class Line:
    """One service of the costing; amounts include VAT (costs are what the agency pays)."""

    label: str
    unit_cost: Decimal
    basis: Basis = Basis.PERSON
    quantity: Decimal = Decimal(1)
    vat_rate: Decimal = Decimal(20)
    regime: Regime = Regime.MARGIN
    applies_to: frozenset[Consumer] = frozenset({Consumer.PAYING, Consumer.FREE})
    capacity: int | None = None
    supplier_free_rule: FreeRule | None = None
    markup_percent: Decimal | None = None
    unit_sale_price: Decimal | None = None
    discount_percent: Decimal | None = None
    note: str = ""

    def __post_init__(self) -> None:
        name = _line_name(self.label)
        try:
            object.__setattr__(self, "basis", Basis(self.basis))
        except ValueError:
            raise PricingError(
                f"{name} : base « {self.basis} » inconnue (par personne ou au groupe)."
            ) from None
        try:
            object.__setattr__(self, "regime", Regime(self.regime))
        except ValueError:
            raise PricingError(
                f"{name} : régime de TVA « {self.regime} » inconnu (marge ou normal)."
            ) from None
        try:
            applies_to = frozenset(Consumer(who) for who in self.applies_to)
        except (TypeError, ValueError):
            raise PricingError(
                f"{name} : consommateurs inconnus ({self.applies_to}) ; "
                "payants (paying), gratuits (free) ou personnel (staff)."
            ) from None
        if not applies_to:
            raise PricingError(
                f"{name} : indiquez qui consomme la prestation (payants, gratuits ou personnel)."
            )
        object.__setattr__(self, "applies_to", applies_to)

        if _set_amount(self, "unit_cost", f"{name}, coût unitaire") < 0:
            raise PricingError(f"{name} : le coût unitaire ne peut pas être négatif.")
        if _set_amount(self, "quantity", f"{name}, quantité") < 0:
            raise PricingError(f"{name} : la quantité ne peut pas être négative.")
        if not ZERO <= _set_amount(self, "vat_rate", f"{name}, taux de TVA") <= HUNDRED:
            raise PricingError(f"{name} : le taux de TVA doit être compris entre 0 et 100 %.")
        markup = _set_optional_amount(self, "markup_percent", f"{name}, majoration")
        if markup is not None and markup < -HUNDRED:
            raise PricingError(f"{name} : la majoration ne peut pas être inférieure à -100 %.")
        sale_price = _set_optional_amount(
            self, "unit_sale_price", f"{name}, prix de vente unitaire"
        )
        if sale_price is not None and sale_price < 0:
            raise PricingError(f"{name} : le prix de vente unitaire ne peut pas être négatif.")
        discount = _set_optional_amount(self, "discount_percent", f"{name}, remise")
        if discount is not None and not ZERO <= discount <= HUNDRED:
            raise PricingError(f"{name} : la remise doit être comprise entre 0 et 100 %.")

        if self.capacity is not None:
            if self.basis is not Basis.GROUP:
                raise PricingError(
                    f"{name} : une capacité ne s'applique qu'à une prestation au groupe."
                )
            if _count(self.capacity, f"{name} : la capacité") < 1:
                raise PricingError(f"{name} : la capacité doit être d'au moins 1 personne.")
        if self.supplier_free_rule is not None:
            if self.basis is not Basis.PERSON:
                raise PricingError(
                    f"{name} : la gratuité fournisseur ne s'applique qu'à une prestation "
                    "par personne."
                )
            if not isinstance(self.supplier_free_rule, FreeRule):
                raise PricingError(f"{name} : règle de gratuité fournisseur invalide.")


@dataclass(frozen=True)
class Costing:
    """The lines and the sale-side settings of a costing, independent of the group size."""

    lines: tuple[Line, ...]
    markup_percent: Decimal = Decimal(0)
    fee_per_group: Decimal = Decimal(0)
    fee_per_person: Decimal = Decimal(0)
    rounding: Decimal = Decimal("0.01")
    client_free_rule: FreeRule | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.lines))
        if not all(isinstance(line, Line) for line in self.lines):
            raise PricingError("Les lignes d'une cotation doivent être des lignes de prestation.")
        if _set_amount(self, "markup_percent", "Majoration") < -HUNDRED:
            raise PricingError("La majoration ne peut pas être inférieure à -100 %.")
        if _set_amount(self, "fee_per_group", "Frais de dossier par groupe") < 0:
            raise PricingError("Les frais de dossier par groupe ne peuvent pas être négatifs.")
        if _set_amount(self, "fee_per_person", "Frais de dossier par personne") < 0:
            raise PricingError("Les frais de dossier par personne ne peuvent pas être négatifs.")
        if _set_amount(self, "rounding", "Arrondi") <= 0:
            raise PricingError("Le pas d'arrondi doit être positif (par exemple 0,10 ou 1,00).")
        if self.client_free_rule is not None and not isinstance(self.client_free_rule, FreeRule):
            raise PricingError("Règle de gratuité client invalide.")


@dataclass(frozen=True)
class Group:
    """One group size: paying people, the client's free places, the staff."""

    paying: int
    free: int = 0
    staff: int = 0

    def __post_init__(self) -> None:
        if _count(self.paying, "Le nombre de payants") < 1:
            raise PricingError("Le nombre de payants doit être au moins 1.")
        if _count(self.free, "Le nombre de gratuits") < 0:
            raise PricingError("Le nombre de gratuits ne peut pas être négatif.")
        if _count(self.staff, "Le nombre de membres du personnel") < 0:
            raise PricingError(
                "Le nombre de membres du personnel (chauffeur, accompagnateur) "
                "ne peut pas être négatif."
            )

    def consumers(self, who: Iterable[Consumer]) -> int:
        counts = {
            Consumer.PAYING: self.paying,
            Consumer.FREE: self.free,
            Consumer.STAFF: self.staff,
        }
        return sum(counts[consumer] for consumer in who)


@dataclass(frozen=True)
class PricedLine:
    """A line priced for one group size. `units` is what the supplier bills: units of a group
    line, consumers less supplier free places for a person line. `markup_percent` is the
    markup used, None when a fixed unit sale price was."""

    label: str
    consumers: int
    supplier_free: int
    units: int
    cost: Decimal
    sale: Decimal
    markup_percent: Decimal | None
    note: str
    basis: Basis = Basis.PERSON


@dataclass(frozen=True)
class PricedGroup:
    """A costing priced for one group size. `margin_rate` is margin / total sale at full
    precision (None when nothing is sold); `normal_vat` maps each normal-regime rate (percent)
    to its VAT, rounded half-up to the cent."""

    group: Group
    lines: tuple[PricedLine, ...]
    total_cost: Decimal
    raw_price: Decimal
    price_per_paying: Decimal
    total_sale: Decimal
    margin: Decimal
    margin_rate: Decimal | None
    margin_scheme_margin: Decimal
    margin_vat: Decimal
    normal_vat: dict[Decimal, Decimal] = field(default_factory=dict)
    total_vat: Decimal = ZERO


def round_up(amount: Decimal, step: Decimal) -> Decimal:
    """`amount` rounded up to a multiple of `step`; an exact multiple stays as it is."""
    return (amount / step).to_integral_value(rounding=ROUND_CEILING) * step


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def _price_line(line: Line, costing: Costing, group: Group) -> PricedLine:
    consumers = group.consumers(line.applies_to)
    if line.basis is Basis.PERSON:
        rule = line.supplier_free_rule
        supplier_free = rule.supplier_free(consumers) if rule else 0
        units = consumers - supplier_free
        billed = consumers
    else:
        supplier_free = 0
        units = _ceil_div(consumers, line.capacity) if line.capacity else 1
        billed = units
    cost = units * line.quantity * line.unit_cost

    markup: Decimal | None
    if line.unit_sale_price is not None:
        markup = None
        sale = billed * line.quantity * line.unit_sale_price
    else:
        markup = line.markup_percent if line.markup_percent is not None else costing.markup_percent
        sale = cost * (1 + markup / HUNDRED)
    if line.discount_percent is not None:
        sale = sale * (1 - line.discount_percent / HUNDRED)
    return PricedLine(
        label=line.label,
        consumers=consumers,
        supplier_free=supplier_free,
        units=units,
        cost=cost,
        sale=sale,
        markup_percent=markup,
        note=line.note,
        basis=line.basis,
    )


def price(costing: Costing, group: Group) -> PricedGroup:
    """Price `costing` for one group size (steps 1 to 7 of the specification)."""
    priced = tuple(_price_line(line, costing, group) for line in costing.lines)
    total_cost = sum((p.cost for p in priced), ZERO)
    lines_sale = sum((p.sale for p in priced), ZERO)
    raw_price = (lines_sale + costing.fee_per_group) / group.paying + costing.fee_per_person
    price_per_paying = round_up(raw_price, costing.rounding)
    total_sale = price_per_paying * group.paying
    margin = total_sale - total_cost

    normal_sales: dict[Decimal, Decimal] = {}
    margin_lines_cost = ZERO
    for line, p in zip(costing.lines, priced, strict=True):
        if line.regime is Regime.NORMAL:
            normal_sales[line.vat_rate] = normal_sales.get(line.vat_rate, ZERO) + p.sale
        else:
            margin_lines_cost += p.cost
    normal_vat = {rate: vat_included(normal_sales[rate], rate) for rate in sorted(normal_sales)}
    scheme_margin = total_sale - sum(normal_sales.values(), ZERO) - margin_lines_cost
    scheme_vat = margin_vat(scheme_margin)

    return PricedGroup(
        group=group,
        lines=priced,
        total_cost=total_cost,
        raw_price=raw_price,
        price_per_paying=price_per_paying,
        total_sale=total_sale,
        margin=margin,
        margin_rate=margin / total_sale if total_sale else None,
        margin_scheme_margin=scheme_margin,
        margin_vat=scheme_vat,
        normal_vat=normal_vat,
        total_vat=scheme_vat + sum(normal_vat.values(), ZERO),
    )


def group_for(costing: Costing, paying: int, free: int = 0, staff: int = 0) -> Group:
    """The group of `paying` people; the costing's client free-place rule, when set, gives the
    free places (floor(paying / N) × k) and overrides `free`."""
    group = Group(paying, free, staff)
    rule = costing.client_free_rule
    return replace(group, free=rule.client_free(paying)) if rule else group


def price_grid(
    costing: Costing, paying_counts: Sequence[int], free: int = 0, staff: int = 0
) -> list[PricedGroup]:
    """The costing priced for each number of paying people, in the order given."""
    return [price(costing, group_for(costing, n, free, staff)) for n in paying_counts]


def price_jumps(grid: list[PricedGroup]) -> set[int]:
    """Paying counts at which a group line needs more units than at the next smaller size of
    the grid (one more coach, one more guide), so that the price step can be pointed out.
    The grid's sizes must come from one costing (its lines are compared position by
    position); their order does not matter."""
    ordered = sorted(grid, key=lambda priced: priced.group.paying)
    return {
        current.group.paying
        for previous, current in zip(ordered, ordered[1:], strict=False)
        if any(
            now.basis is Basis.GROUP and now.units > before.units
            for before, now in zip(previous.lines, current.lines, strict=True)
        )
    }
