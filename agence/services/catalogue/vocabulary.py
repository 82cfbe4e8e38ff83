"""The catalogue's words: how a product is sold, on which days a tariff applies, the kinds of
catalogue dossiers, and how a costing line is bought and taxed. Each value is the string the
database stores (never change one without a data migration); each member carries its French
label. Code compares members, never raw strings; a list column or a form's choices take
`labels()`.

A costing line's basis and VAT regime are the pricing engine's own `Basis` and `Regime`
(`pricing.py` stays free of page words): their labels are here. A product's VAT regime is the
supplier's (`parties.vocabulary.VatRegime`, « marge » / « normal »), which it defaults to."""

from __future__ import annotations

from agence.services.catalogue.pricing import Basis, Regime
from agence.services.common.vocabulary import Labelled
from agence.services.parties.vocabulary import VatRegime


class ProductBasis(Labelled):
    """How a product is sold (Product.basis)."""

    PERSON = "personne", "Par personne"
    GROUP = "groupe", "Par groupe (forfait)"
    """A flat price for the whole group."""
    UNIT = "unite", "Par unité (capacité par unité)"
    """A price per unit that serves a number of people (30 per guide, 53 seats per coach)."""


class RateDays(Labelled):
    """The days of the week a tariff applies on (Rate.days)."""

    EVERY_DAY = "tous", "Tous les jours"
    WEEKDAYS = "semaine", "En semaine (lundi–vendredi)"
    """Monday to Friday."""
    WEEKEND = "weekend", "Le week-end (samedi, dimanche)"
    """Saturday and Sunday."""


class DossierType(Labelled):
    """The kind of a catalogue dossier (CatalogueDossier.dossier_type)."""

    VISIT = "visite", "Visite"
    DAY_TRIP = "journee", "Journée"
    STAY = "sejour", "Séjour"
    SEMINAR = "seminaire", "Séminaire"
    SCHOOL = "scolaire", "Scolaire"
    INCENTIVE = "incentive", "Incentive"


LINE_BASIS_LABELS: dict[str, str] = {
    Basis.PERSON.value: "Par personne",
    Basis.GROUP.value: "Par groupe / unité",
}
"""A costing line's basis (CostingLine.basis), as the costing screen names it."""

LINE_REGIME_LABELS: dict[str, str] = {
    Regime.MARGIN.value: "Marge",
    Regime.NORMAL.value: "Normale",
}
"""A costing line's VAT regime (CostingLine.regime), as the costing screen names it."""


def line_basis(product_basis: str) -> Basis:
    """How a costing line of a product is bought: per person, else for the group (a unit's
    capacity then gives how many units)."""
    return Basis.PERSON if product_basis == ProductBasis.PERSON else Basis.GROUP


def line_regime(product_regime: str) -> Regime:
    """A costing line's regime for a product's: the normal regime for the agency's own
    services, the margin scheme otherwise."""
    return Regime.NORMAL if product_regime == VatRegime.NORMAL else Regime.MARGIN
