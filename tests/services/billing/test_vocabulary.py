"""Billing's words are the strings the database already stores: changing one needs a data
migration, so these values are pinned here, with the French labels the pages show."""

from __future__ import annotations

from agence.services.billing.vocabulary import (
    CHORUS_SENDABLE,
    PAYABLE_KINDS,
    ChorusStatus,
    InvoiceKind,
    InvoiceStatus,
    LineRegime,
)


def test_invoice_kinds_are_stored_as_before_with_their_titles():
    assert {kind.value: kind.label for kind in InvoiceKind} == {
        "acompte": "Facture d'acompte",
        "solde": "Facture",
        "avoir": "Avoir",
    }
    assert [kind.short_label for kind in InvoiceKind] == ["Acompte", "Facture", "Avoir"]


def test_invoice_statuses_are_stored_as_before():
    assert InvoiceStatus.labels() == {"brouillon": "Brouillon", "emise": "Émise"}


def test_line_regimes_are_stored_as_before():
    assert [regime.value for regime in LineRegime] == ["margin", "normal", "acompte"]


def test_chorus_statuses_are_stored_as_before_and_only_a_new_or_failed_deposit_is_sendable():
    assert ChorusStatus.labels() == {
        "": "Non déposée",
        "depot_en_cours": "Dépôt en cours",
        "depot_incertain": "Dépôt incertain",
        "echec_depot": "Échec du dépôt",
        "deposee": "Déposée",
        "mise_a_disposition": "Mise à disposition",
        "suspendue": "Suspendue",
        "rejetee": "Rejetée",
        "mandatee": "Mandatée",
        "payee": "Payée",
    }
    assert set(CHORUS_SENDABLE) == {"", "echec_depot"}


def test_a_credit_note_is_not_payable():
    assert InvoiceKind.CREDIT_NOTE not in PAYABLE_KINDS


def test_an_unknown_stored_value_shows_the_default_label():
    assert InvoiceStatus.label_of("emise") == "Émise"
    assert InvoiceStatus.label_of("inconnu", "inconnu") == "inconnu"
