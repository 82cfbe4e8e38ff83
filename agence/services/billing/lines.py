"""The arithmetic of invoice lines: how a dossier's price becomes the lines of a deposit invoice,
a final invoice or a credit note, and the VAT on the margin each of them records. Pure Decimal,
no database: `invoicing` reads the dossier and stores what this module computes.

A dossier's price has two parts (french-rules 1.4): the agency's own services, sold under the
normal VAT rules (VAT at their own rate, shown), and the rest of the price, one travel service
under the margin scheme (TVA sur marge: no VAT shown, VAT due on the margin, 1.3).

Roundings, all half-up to the cent, and only these:
- a normal service's amount including VAT (the costing keeps full precision);
- the VAT of each rate, once, on the sum of that rate's amounts including VAT, then shared
  among the rate's lines (each line its own VAT, the last cent to the largest line), so that
  the lines, the per-rate totals and the invoice total agree to the cent and the per-rate VAT
  is what the costing announced (pricing rounds VAT per rate on the sum too);
- a deposit computed as a percentage of the dossier's price;
- the share of an amount spread pro rata (a deposit over the price's parts, a partial credit
  note over the corrected invoice's parts): each share rounded, the margin-scheme part (or
  else the largest part) taking the difference, so that the shares add up exactly;
- the margin on which VAT is due, then its VAT, margin × 20/120 (`vat.margin_vat`).
The margin-scheme line of a final invoice is never rounded on its own: it is the dossier's
price less the normal lines, so the lines add up exactly to the price the client agreed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from agence.services.billing.vocabulary import LineRegime
from agence.services.catalogue.vat import cents, margin_vat, vat_included

ZERO = Decimal("0.00")
ONE = Decimal(1)
UNIT_PRICE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class NormalService:
    """An agency's own service of the dossier: its sale including VAT, at its rate."""

    label: str
    vat_rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class DossierParts:
    """A dossier's agreed price split by VAT treatment.

    `margin_costs` are the suppliers' prices (including VAT) of the services resold under the
    margin scheme, at full precision."""

    title: str
    paying: int
    total: Decimal
    normal: tuple[NormalService, ...]
    margin_costs: Decimal

    @property
    def normal_total(self) -> Decimal:
        return sum((service.amount for service in self.normal), ZERO)

    @property
    def margin_part(self) -> Decimal:
        """The price of the travel service under the margin scheme (including VAT)."""
        return self.total - self.normal_total

    def normal_by_rate(self) -> dict[Decimal, Decimal]:
        found: dict[Decimal, Decimal] = {}
        for service in self.normal:
            found[service.vat_rate] = found.get(service.vat_rate, ZERO) + service.amount
        return dict(sorted(found.items()))

    @property
    def margin(self) -> Decimal:
        """The margin of the travel service: its price less the suppliers' prices, both
        including VAT (may be negative)."""
        return self.margin_part - self.margin_costs

    @property
    def forecast_margin_rate(self) -> Decimal | None:
        """The margin's share of the margin-scheme price: what a deposit's VAT is estimated
        with (Skarpa, C-422/17: VAT due on each payment on account, on the forecast margin)."""
        return self.margin / self.margin_part if self.margin_part else None

    @property
    def package_label(self) -> str:
        people = "personne payante" if self.paying == 1 else "personnes payantes"
        return f"Forfait {self.title} – {self.paying} {people}"


@dataclass(frozen=True)
class LineAmounts:
    """One invoice line as computed (amounts signed: negative on a credit note)."""

    label: str
    regime: str
    vat_rate: Decimal
    total_incl_vat: Decimal
    total_vat: Decimal
    quantity: Decimal = ONE
    unit_price: Decimal | None = None
    """Excluding VAT (normal) or including VAT (margin); None: the line's amount."""

    @property
    def total_excl_vat(self) -> Decimal:
        return self.total_incl_vat - self.total_vat

    @property
    def price(self) -> Decimal:
        if self.unit_price is not None:
            return self.unit_price
        return self.total_incl_vat if self.regime == LineRegime.MARGIN else self.total_excl_vat


@dataclass(frozen=True)
class Margin:
    """The margin of an invoice (including VAT) and the VAT due on it, both to the cent."""

    base: Decimal
    vat: Decimal


# --- Spreading an amount ----------------------------------------------------------------------


def spread(
    amount: Decimal, weights: Sequence[Decimal], rest_to: int | None = None
) -> list[Decimal]:
    """`amount` shared pro rata to `weights`, each share rounded half-up to the cent; the share
    at `rest_to` (default: the largest weight) takes what the roundings left, so the shares
    add up to `amount` exactly."""
    if not weights:
        return []
    whole = sum(weights, ZERO)
    if rest_to is None:
        rest_to = max(range(len(weights)), key=lambda index: abs(weights[index]))
    if whole == 0:
        shares = [ZERO] * len(weights)
        shares[rest_to] = amount
        return shares
    shares = [cents(amount * weight / whole) for weight in weights]
    shares[rest_to] += amount - sum(shares, ZERO)
    return shares


# --- Lines ---------------------------------------------------------------------------------------


def normal_lines(services: Sequence[NormalService]) -> list[LineAmounts]:
    """One line per service; the VAT of each rate rounded once on the rate's total, then
    shared among its lines."""
    lines: list[LineAmounts] = []
    rates = sorted({service.vat_rate for service in services})
    for rate in rates:
        of_rate = [service for service in services if service.vat_rate == rate]
        amounts = [service.amount for service in of_rate]
        rate_vat = vat_included(sum(amounts, ZERO), rate)
        for service, amount, vat in zip(of_rate, amounts, spread(rate_vat, amounts), strict=True):
            lines.append(LineAmounts(service.label, LineRegime.NORMAL, rate, amount, vat))
    return lines


def package_line(label: str, amount: Decimal, paying: int) -> LineAmounts:
    """The margin-scheme line, priced including VAT, per paying person when the amount
    divides exactly (« 20 × 116,00 € »), else as one flat amount."""
    if paying > 0:
        unit = (amount / paying).quantize(UNIT_PRICE_PLACES)
        if unit * paying == amount:
            return LineAmounts(label, LineRegime.MARGIN, ZERO, amount, ZERO, Decimal(paying), unit)
    return LineAmounts(label, LineRegime.MARGIN, ZERO, amount, ZERO)


def final_lines(parts: DossierParts) -> list[LineAmounts]:
    """The whole dossier: its own services one by one, then the package for the rest of the
    price (absent when nothing is left for it)."""
    lines = normal_lines([s for s in parts.normal if s.amount != 0])
    if parts.margin_part != 0 or not lines:
        lines.append(package_line(parts.package_label, parts.margin_part, parts.paying))
    return lines


def deposit_amount(total: Decimal, percent: Decimal) -> Decimal:
    return cents(total * percent / 100)


def deposit_lines(parts: DossierParts, amount: Decimal, wording: str) -> list[LineAmounts]:
    """The deposit shared pro rata between the price's parts, so that a mixed dossier's
    deposit shows VAT on the agency's own services only; the margin-scheme part takes the
    roundings' difference. `wording` starts each label (« Acompte de 30 % »)."""
    by_rate = parts.normal_by_rate()
    weights = [*by_rate.values(), parts.margin_part]
    shares = spread(amount, weights, rest_to=len(weights) - 1)
    lines = [
        LineAmounts(
            f"{wording} – prestations de l'agence (TVA {_rate_text(rate)} %)",
            LineRegime.NORMAL,
            rate,
            share,
            vat_included(share, rate),
        )
        for (rate, _), share in zip(by_rate.items(), shares, strict=False)
        if share != 0
    ]
    if shares[-1] != 0 or not lines:
        lines.append(
            LineAmounts(
                f"{wording} – {parts.package_label}", LineRegime.MARGIN, ZERO, shares[-1], ZERO
            )
        )
    return lines


def credit_lines(
    remaining: Sequence[LineAmounts], amount: Decimal, wording: str
) -> list[LineAmounts]:
    """A credit note of `amount` (positive: what is given back, including VAT) spread over
    what remains creditable of the corrected invoice, one line per regime and rate. A part
    credited in full gives back exactly its remaining VAT; the others their share's VAT."""
    parts = [part for part in remaining if part.total_incl_vat != 0]
    if not parts:
        return []
    shares = spread(amount, [part.total_incl_vat for part in parts])
    lines: list[LineAmounts] = []
    for part, share in zip(parts, shares, strict=True):
        if share == 0:
            continue
        if part.regime == LineRegime.MARGIN:
            vat = ZERO
            label = f"{wording} – forfait (régime particulier des agences de voyages)"
        else:
            vat = (
                part.total_vat
                if share == part.total_incl_vat
                else vat_included(share, part.vat_rate)
            )
            label = f"{wording} – prestations à {_rate_text(part.vat_rate)} %"
        lines.append(LineAmounts(label, part.regime, part.vat_rate, -share, -vat))
    return lines


def by_regime_and_rate(lines: Sequence[LineAmounts]) -> list[LineAmounts]:
    """The lines' totals per (regime, rate): what a credit note is spread over."""
    found: dict[tuple[str, Decimal], tuple[Decimal, Decimal]] = {}
    for line in lines:
        key = (line.regime, line.vat_rate)
        incl, vat = found.get(key, (ZERO, ZERO))
        found[key] = (incl + line.total_incl_vat, vat + line.total_vat)
    return [
        LineAmounts("", regime, rate, incl, vat)
        for (regime, rate), (incl, vat) in sorted(found.items())
    ]


def negated(line: LineAmounts) -> LineAmounts:
    unit = None if line.unit_price is None else -line.unit_price
    return LineAmounts(
        line.label,
        line.regime,
        line.vat_rate,
        -line.total_incl_vat,
        -line.total_vat,
        line.quantity,
        unit,
    )


# --- VAT on the margin ---------------------------------------------------------------------------


def margin_of(base: Decimal) -> Margin:
    """The margin rounded to the cent, then its VAT (none on a negative margin)."""
    rounded = cents(base)
    return Margin(rounded, margin_vat(rounded))


def estimated_deposit_margin(parts: DossierParts, margin_share: Decimal) -> Margin:
    """A deposit's margin-scheme share × the dossier's forecast margin rate: the margin the
    deposit is estimated to carry, VAT due on receipt (french-rules 1.3, Skarpa)."""
    rate = parts.forecast_margin_rate
    return margin_of(margin_share * rate if rate is not None else ZERO)


def real_margin(parts: DossierParts) -> Margin:
    """The dossier's margin: the margin-scheme price less the suppliers' prices, both
    including VAT; no VAT when negative (no refund under the scheme)."""
    return margin_of(parts.margin)


def _rate_text(rate: Decimal) -> str:
    text = format(rate.normalize(), "f")
    return text.replace(".", ",")
