"""The catalogue's words: each value is the string the database already holds, each label the
French word the pages showed."""

from __future__ import annotations

import pickle

import pytest

from agence.services.catalogue import catalogue_dossiers, products, rates
from agence.services.catalogue.pricing import Basis, Regime
from agence.services.catalogue.vocabulary import (
    LINE_BASIS_LABELS,
    LINE_REGIME_LABELS,
    DossierType,
    ProductBasis,
    RateDays,
    line_basis,
    line_regime,
)

STORED = {
    ProductBasis: {"personne", "groupe", "unite"},
    RateDays: {"tous", "semaine", "weekend"},
    DossierType: {"visite", "journee", "sejour", "seminaire", "scolaire", "incentive"},
}


@pytest.mark.parametrize("vocabulary", list(STORED), ids=lambda v: v.__name__)
def test_values_are_the_stored_strings_and_each_has_a_label(vocabulary):
    assert {member.value for member in vocabulary} == STORED[vocabulary]
    assert all(member.label for member in vocabulary)
    assert all(pickle.loads(pickle.dumps(member)) is member for member in vocabulary)


def test_the_lists_and_forms_keep_their_french_words():
    assert products.BASES["unite"] == "Par unité (capacité par unité)"
    assert rates.DAYS["semaine"] == "En semaine (lundi–vendredi)"
    assert catalogue_dossiers.DOSSIER_TYPES["journee"] == "Journée"
    assert LINE_BASIS_LABELS == {"person": "Par personne", "group": "Par groupe / unité"}
    assert LINE_REGIME_LABELS == {"margin": "Marge", "normal": "Normale"}


def test_a_product_sold_per_person_is_costed_per_person_any_other_for_the_group():
    assert line_basis("personne") is Basis.PERSON
    assert line_basis("groupe") is Basis.GROUP
    assert line_basis("unite") is Basis.GROUP


def test_only_a_product_under_the_normal_regime_gives_a_normal_line():
    assert line_regime("normal") is Regime.NORMAL
    assert line_regime("marge") is Regime.MARGIN
