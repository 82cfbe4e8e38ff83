"""VAT arithmetic for a travel agency: the few amounts the law makes us round.

Everything here is Decimal and pure. Amounts are rounded half-up to the cent only where a VAT
amount is produced; callers keep full precision everywhere else.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

#: Travel agencies pay VAT on their margin at the standard rate (CGI art. 266-1-e): the margin
#: is an amount including VAT, so its VAT is margin × 20 / 120.
MARGIN_SCHEME_RATE = Decimal("20")


def cents(amount: Decimal | int) -> Decimal:
    """Round half-up to the cent, the rounding of French invoices and VAT returns."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def vat_included(amount_incl: Decimal, rate_percent: Decimal) -> Decimal:
    """The VAT contained in an amount that includes it (our sale prices always do), at
    `rate_percent` (e.g. Decimal("5.5")), rounded half-up to the cent."""
    rate = Decimal(rate_percent)
    return cents(amount_incl - amount_incl * 100 / (100 + rate))


def margin_vat(margin: Decimal) -> Decimal:
    """VAT due under the travel-agency margin scheme (TVA sur marge, CGI art. 266-1-e) on a
    margin including VAT: margin × 20/120, rounded half-up to the cent.

    A negative margin gives zero: the scheme grants no VAT refund on a loss-making dossier.
    """
    taxable = max(Decimal(0), Decimal(margin))
    return cents(taxable * MARGIN_SCHEME_RATE / (100 + MARGIN_SCHEME_RATE))
