"""The words of the third-parties area: each value is the string the database already holds,
each label the French word the pages showed."""

from __future__ import annotations

import pickle

import pytest

from agence.services.parties import clients, suppliers
from agence.services.parties.vocabulary import (
    AddressKind,
    Civility,
    ClientStatus,
    ClientType,
    Due,
    ImportTarget,
    Interest,
    InvoicingMode,
    Labelled,
    Language,
    NextAction,
    ReportKind,
    ReportStatus,
    SegmentList,
    SupplierType,
    VatRegime,
)

STORED = {
    ClientStatus: {"prospect", "client", "inactif"},
    ClientType: {
        "scolaire",
        "ce",
        "association",
        "autocariste",
        "agence",
        "entreprise",
        "collectivite",
        "particulier",
    },
    Language: {"fr", "en", "de", "es", "it", "nl"},
    SupplierType: {
        "hebergement",
        "restauration",
        "site",
        "transport",
        "guide",
        "salle",
        "activite",
        "autre",
    },
    VatRegime: {"marge", "normal"},
    Civility: {"", "Mme", "M."},
    AddressKind: {"facturation", "livraison", "autre"},
    InvoicingMode: {"par_dossier", "mensuelle"},
    NextAction: {"appel", "email", "visite", "devis", "relance"},
    Due: {"retard", "jour", "echues", "semaine"},
    ReportKind: {"visite", "appel", "reunion", "email", "salon"},
    Interest: {"faible", "moyen", "fort"},
    ReportStatus: {"brouillon", "valide"},
    SegmentList: {"clients", "dossiers"},
    ImportTarget: {"clients", "fournisseurs", "tarifs", "participants"},
}


@pytest.mark.parametrize("vocabulary", list(STORED), ids=lambda v: v.__name__)
def test_the_values_are_the_strings_the_database_holds(vocabulary: type[Labelled]):
    assert {member.value for member in vocabulary} == STORED[vocabulary]
    assert all(member.label for member in vocabulary if member.value)


def test_a_member_is_its_stored_string():
    assert ClientStatus.INACTIVE == "inactif" and ClientStatus("client") is ClientStatus.CLIENT
    assert f"{ReportStatus.DRAFT}" == "brouillon"
    assert pickle.loads(pickle.dumps(ReportKind.FAIR)) is ReportKind.FAIR


def test_labels_and_choices_keep_the_order_of_declaration():
    assert ClientStatus.labels() == {
        "prospect": "Prospect",
        "client": "Client",
        "inactif": "Inactif",
    }
    assert Interest.choices() == (("faible", "Faible"), ("moyen", "Moyen"), ("fort", "Fort"))


def test_the_label_tables_other_areas_import_are_the_vocabularys():
    assert Language.labels() == clients.LANGUAGES and clients.LANGUAGES["nl"] == "Néerlandais"
    assert clients.PUBLIC_BODY == "collectivite"
    assert suppliers.VAT_REGIMES["marge"] == "TVA sur la marge (prestation achetée)"


@pytest.mark.parametrize(
    ("kind", "in_person"),
    [
        (ReportKind.VISIT, True),
        (ReportKind.MEETING, True),
        (ReportKind.FAIR, True),
        (ReportKind.CALL, False),
        (ReportKind.EMAIL, False),
    ],
)
def test_a_visit_a_meeting_or_a_fair_is_met_in_person(kind: ReportKind, in_person: bool):
    assert kind.met_in_person is in_person
