"""Agency sites: legal identifiers checked, one default site, sites in use kept."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from agence.db import session_scope
from agence.models import AgencySite, AuditEntry
from agence.services.common import records
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Actor, Module, Right
from agence.services.common.records import DUPLICATE
from agence.services.settings.sites import SITES, site_choices
from tests.factories import actor_for, make_site, make_user

TOURS = {
    "code": "vdl",
    "name": "Escapades — Tours",
    "address_line1": "12 rue Nationale",
    "postcode": "37000",
    "city": "Tours",
    "country": "fr",
    "siret": "303 265 045 00003",
    "vat_number": "FR 40 303265045",
    "iban": "FR76 3000 6000 0112 3456 7890 189",
    "bic": "bnpafrpp",
    "share_capital": "50 000",
    "is_default": "on",
    "active": "on",
}
PARIS = {"code": "par", "name": "Escapades — Paris", "country": "FR", "active": "on"}


def save(actor: Actor, data: dict, record_id: int | None = None) -> AgencySite:
    with session_scope() as session:
        return records.save(session, actor, SITES, record_id, data)


def refused(actor: Actor, data: dict, record_id: int | None = None) -> dict[str, str]:
    """The errors of a save that must fail."""
    with pytest.raises(FormErrors) as failure:
        save(actor, data, record_id)
    return failure.value.errors


def delete(actor: Actor, record_id: int) -> None:
    with session_scope() as session:
        records.delete(session, actor, SITES, record_id)


def count(model) -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def site(record_id: int) -> AgencySite | None:
    with session_scope() as session:
        return session.get(AgencySite, record_id)


def defaults() -> list[str]:
    with session_scope() as session:
        return list(session.exec(select(AgencySite.code).where(AgencySite.is_default)))


@pytest.fixture
def admin(session) -> Actor:
    return actor_for(make_user(session, {Right(Module.PARAMETERS, a) for a in Action}))


def test_a_valid_site_is_saved_with_its_identifiers_in_compact_form(admin):
    saved = site(save(admin, TOURS).id)
    assert (saved.code, saved.country) == ("VDL", "FR")
    assert saved.siret == "30326504500003"
    assert saved.vat_number == "FR40303265045"
    assert saved.iban == "FR7630006000011234567890189"
    assert saved.bic == "BNPAFRPP"
    assert saved.is_default and saved.active


def test_a_site_is_described_by_its_code_and_name(admin):
    saved = save(admin, TOURS)
    with session_scope() as session:
        entry = session.exec(select(AuditEntry)).one()
    assert entry.entity_type == "site d'agence"
    assert entry.entity_label == "VDL — Escapades — Tours"
    assert entry.entity_id == str(saved.id)


# --- Legal identifiers -----------------------------------------------------------------------


def test_a_siret_with_a_bad_key_is_refused_on_its_field_and_nothing_is_written(admin):
    errors = refused(admin, {**TOURS, "siret": "30326504500004"})
    assert set(errors) == {"siret"}
    assert errors["siret"] == "SIRET invalide : la clé de contrôle (Luhn) ne correspond pas."
    assert count(AgencySite) == 0 and count(AuditEntry) == 0


def test_a_vat_number_with_a_bad_key_is_refused_on_its_field_and_nothing_is_written(admin):
    errors = refused(admin, {**TOURS, "vat_number": "FR41303265045"})
    assert errors == {
        "vat_number": "Numéro de TVA invalide : la clé FR ne correspond pas au SIREN."
    }
    assert count(AgencySite) == 0 and count(AuditEntry) == 0


def test_an_iban_with_a_bad_checksum_is_refused_on_its_field_and_nothing_is_written(admin):
    errors = refused(admin, {**TOURS, "iban": "FR7630006000011234567890188"})
    assert errors == {"iban": "IBAN invalide : la clé de contrôle ne correspond pas."}
    assert count(AgencySite) == 0 and count(AuditEntry) == 0


def test_a_bad_bic_is_refused_on_its_field(admin):
    assert set(refused(admin, {**TOURS, "bic": "BNPA"})) == {"bic"}


def test_a_vat_number_must_carry_the_siren_of_the_siret(admin):
    errors = refused(admin, {**TOURS, "siret": "73282932000074"})
    assert errors == {"vat_number": "Ce numéro de TVA ne correspond pas au SIREN du SIRET."}
    assert count(AgencySite) == 0


def test_a_matching_siret_and_vat_number_of_another_company_are_accepted(admin):
    saved = save(admin, {**TOURS, "siret": "73282932000074", "vat_number": "FR44732829320"})
    assert site(saved.id).vat_number == "FR44732829320"


def test_a_vat_number_alone_is_accepted(admin):
    saved = save(admin, {**TOURS, "siret": ""})
    assert (site(saved.id).siret, site(saved.id).vat_number) == ("", "FR40303265045")


# --- Address ---------------------------------------------------------------------------------


@pytest.mark.parametrize("postcode", ["3700", "370000", "37 000", "37OOO", "2A004"])
def test_a_french_postcode_is_five_digits(admin, postcode):
    errors = refused(admin, {**TOURS, "postcode": postcode})
    assert errors == {"postcode": "Code postal français : 5 chiffres."}


def test_a_foreign_postcode_is_not_held_to_the_french_rule(admin):
    saved = save(admin, {**TOURS, "country": "BE", "postcode": "1000", "city": "Bruxelles"})
    assert site(saved.id).postcode == "1000"


def test_the_site_name_is_unique_whatever_its_case(admin):
    save(admin, TOURS)
    errors = refused(admin, {**PARIS, "name": TOURS["name"].upper()})
    assert errors == {"name": DUPLICATE}


# --- The default site ------------------------------------------------------------------------


def test_the_first_site_is_proposed_as_default_and_later_ones_are_not(session, admin):
    with session_scope() as s:
        assert SITES.defaults(s)["is_default"] == "on"
    save(admin, TOURS)
    with session_scope() as s:
        assert SITES.defaults(s) == {"country": "FR", "active": "on", "is_default": ""}


def test_only_one_site_is_the_default_site(admin):
    save(admin, TOURS)
    paris = save(admin, {**PARIS, "is_default": "on"})
    assert defaults() == ["PAR"]
    assert site(paris.id).is_default


def test_the_default_site_cannot_be_unticked(admin):
    tours = save(admin, TOURS)
    errors = refused(admin, {**TOURS, "is_default": ""}, tours.id)
    assert errors == {
        "is_default": "Il faut un site par défaut : cochez « Site par défaut » sur un autre site."
    }
    assert defaults() == ["VDL"]


def test_the_default_site_must_be_active(admin):
    errors = refused(admin, {**TOURS, "active": ""})
    assert errors == {"active": "Le site par défaut doit être actif."}
    assert count(AgencySite) == 0


def test_the_default_site_cannot_be_deleted(admin):
    tours = save(admin, TOURS)
    with pytest.raises(FormErrors) as failure:
        delete(admin, tours.id)
    assert failure.value.errors == {"": "Le site par défaut ne peut pas être supprimé."}
    assert site(tours.id) is not None
    assert count(AuditEntry) == 1


# --- Deletion --------------------------------------------------------------------------------


def test_a_site_with_users_cannot_be_deleted_and_the_message_gives_their_count(session, admin):
    save(admin, TOURS)
    paris = save(admin, PARIS)
    make_user(session, set(), site_id=paris.id)
    make_user(session, set(), site_id=paris.id)
    with pytest.raises(FormErrors) as failure:
        delete(admin, paris.id)
    assert failure.value.errors == {
        "": "Ce site est rattaché à 2 utilisateur(s) : réaffectez-les ou désactivez le site."
    }
    assert site(paris.id) is not None


def test_a_site_without_users_that_is_not_the_default_can_be_deleted(admin):
    save(admin, TOURS)
    paris = save(admin, PARIS)
    delete(admin, paris.id)
    assert site(paris.id) is None
    with session_scope() as session:
        actions = list(session.exec(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["creation", "creation", "suppression"]


# --- Choices ---------------------------------------------------------------------------------


def test_site_choices_list_active_sites_by_name(session):
    tours = make_site(session, "TRS", name="Tours")
    make_site(session, "OLD", name="Ancien", active=False)
    blois = make_site(session, "BLO", name="Blois")
    with session_scope() as s:
        assert site_choices(s) == ((str(blois.id), "Blois"), (str(tours.id), "Tours"))
        assert len(site_choices(s, include_inactive=True)) == 3
