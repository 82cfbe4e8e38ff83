"""The client file: identity and legal numbers, billing address, account codes, tags and
categories, duplicates, soft delete, rights, the own-clients scope, status and the list."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import (
    Address,
    AuditEntry,
    Client,
    ClientCategory,
    ClientCategoryLink,
    ClientTag,
    Tag,
    User,
)
from agence.models.base import utcnow
from agence.services.common import records
from agence.services.common.forms import REQUIRED, FormErrors
from agence.services.common.listing import ListQuery, fetch_page
from agence.services.common.permissions import (
    ALL_RIGHTS,
    AccessDenied,
    Action,
    Actor,
    Module,
    Right,
)
from agence.services.common.records import DUPLICATE, RecordNotFound
from agence.services.common.text import normalize_text
from agence.services.parties import clients
from agence.services.parties.clients import CLIENTS, CLIENTS_LIST, DuplicateWarning
from agence.services.parties.party_files import search_text
from tests.factories import actor_for, make_profile, make_user

SIRET = "73282932000074"
VAT = "FR44732829320"
OTHER_SIRET = "30326504500003"
OTHER_VAT = "FR40303265045"

SCHOOL = {
    "client_type": "scolaire",
    "status": "prospect",
    "language": "fr",
    "name": "École Jules Ferry",
}
PERSON = {
    "client_type": "particulier",
    "status": "prospect",
    "language": "fr",
    "last_name": "Dupont",
    "first_name": "Marie",
}
TOURS_ADDRESS = {
    "billing_line1": "12 rue Nationale",
    "billing_line2": "Bâtiment B",
    "billing_postcode": "37000",
    "billing_city": "Tours",
    "billing_country": "FR",
}


# --- Helpers -----------------------------------------------------------------------------------


def tiers(*actions: Action) -> set[Right]:
    return {Right(Module.THIRD_PARTIES, action) for action in actions}


def make_actor(
    session: Session,
    rights: set[Right] | frozenset[Right] = frozenset(ALL_RIGHTS),
    *,
    own_clients_only: bool = False,
    sales_rep: bool = True,
    **values,
) -> Actor:
    """A signed-in user; a sales rep unless told otherwise, limited to his clients if asked."""
    profile = make_profile(session, rights)
    if own_clients_only:
        profile.own_clients_only = True
        session.add(profile)
        session.commit()
    user = make_user(session, profile=profile, **values)
    user.is_sales_rep = sales_rep
    session.add(user)
    session.commit()
    return actor_for(user)


def save(actor: Actor, data: dict, record_id: int | None = None) -> Client:
    with session_scope() as session:
        return records.save(session, actor, CLIENTS, record_id, data)


def refused(actor: Actor, data: dict, record_id: int | None = None) -> dict[str, str]:
    with pytest.raises(FormErrors) as failure:
        save(actor, data, record_id)
    return failure.value.errors


def delete(actor: Actor, record_id: int) -> None:
    with session_scope() as session:
        records.delete(session, actor, CLIENTS, record_id)


def form(actor: Actor, record_id: int | None) -> dict[str, str]:
    with session_scope() as session:
        return records.form_for(session, actor, CLIENTS, record_id)


def get(actor: Actor, record_id: int) -> Client:
    with session_scope() as session:
        return records.get_record(session, CLIENTS, record_id, actor)


def stored(record_id: int) -> Client:
    with session_scope() as session:
        return session.get(Client, record_id)


def count(model) -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def addresses(client_id: int) -> list[Address]:
    with session_scope() as session:
        return list(session.exec(select(Address).where(Address.client_id == client_id)))


def tags(client_id: int) -> set[str]:
    with session_scope() as session:
        return set(clients.tags_of(session, client_id))


def categories(client_id: int) -> list[int]:
    with session_scope() as session:
        return sorted(clients.categories_of(session, client_id))


def audit_entries(entity_type: str = "client") -> list[AuditEntry]:
    with session_scope() as session:
        return list(
            session.exec(
                select(AuditEntry)
                .where(AuditEntry.entity_type == entity_type)
                .order_by(AuditEntry.id)
            )
        )


def listed(actor: Actor | None, search: str = "", sort: str = "", desc: bool = False, **filters):
    """The names of the listed clients, in the list's order."""
    with session_scope() as session:
        page = fetch_page(
            session,
            CLIENTS_LIST,
            ListQuery(search=search, sort=sort, desc=desc, filters=filters, page_size=50),
            actor,
        )
    return [row["name"] for row in page.rows]


def add_category(session: Session, name: str) -> int:
    category = ClientCategory(name=name)
    session.add(category)
    session.commit()
    return category.id or 0


@pytest.fixture
def admin(session) -> Actor:
    return make_actor(session, first_name="Claire", last_name="Martin")


# --- Required fields and names -----------------------------------------------------------------


def test_type_status_and_language_are_required(admin):
    errors = refused(admin, {"name": "Sans type"})
    assert errors["client_type"] == errors["status"] == errors["language"] == REQUIRED
    assert count(Client) == 0


def test_a_company_needs_its_name(admin):
    errors = refused(admin, {**SCHOOL, "name": "  "})
    assert errors == {"name": "La raison sociale est obligatoire."}


def test_a_person_needs_a_last_name(admin):
    errors = refused(admin, {**PERSON, "last_name": ""})
    assert errors == {"last_name": "Le nom d'un particulier est obligatoire."}


def test_a_person_needs_no_company_name(admin):
    assert save(admin, PERSON).id is not None


def test_a_person_is_named_last_name_in_capitals_then_first_name(admin):
    client = stored(save(admin, {**PERSON, "name": "ignoré"}).id)
    assert client.name == "DUPONT Marie"
    assert client.search_name == "dupont marie"
    assert client.is_company is False
    assert (client.last_name, client.first_name) == ("Dupont", "Marie")


def test_the_form_of_a_person_leaves_the_company_name_empty(admin):
    client = save(admin, PERSON)
    values = form(admin, client.id)
    assert values["name"] == ""
    assert (values["last_name"], values["first_name"]) == ("Dupont", "Marie")


def test_a_company_keeps_its_name_and_no_person_names(admin):
    client = stored(save(admin, {**SCHOOL, "last_name": "Dupont", "first_name": "Marie"}).id)
    assert client.name == "École Jules Ferry"
    assert client.search_name == "ecole jules ferry"
    assert client.is_company is True
    assert (client.last_name, client.first_name) == ("", "")


def test_a_new_client_form_starts_as_a_french_prospect(admin):
    values = form(admin, None)
    assert (values["status"], values["language"], values["billing_country"]) == (
        "prospect",
        "fr",
        "FR",
    )


# --- SIRET and VAT -----------------------------------------------------------------------------


def test_siret_and_vat_number_are_kept_in_compact_form(admin):
    client = stored(
        save(admin, {**SCHOOL, "siret": "732 829 320 00074", "vat_number": "fr 44 732829320"}).id
    )
    assert (client.siret, client.vat_number) == (SIRET, VAT)


def test_a_siret_with_a_wrong_key_is_refused(admin):
    errors = refused(admin, {**SCHOOL, "siret": "73282932000075"})
    assert errors == {"siret": "SIRET invalide : la clé de contrôle (Luhn) ne correspond pas."}


def test_a_vat_number_with_a_wrong_key_is_refused(admin):
    errors = refused(admin, {**SCHOOL, "vat_number": "FR45732829320"})
    assert set(errors) == {"vat_number"}


def test_a_vat_number_that_does_not_match_the_siren_of_the_siret_is_refused(admin):
    errors = refused(admin, {**SCHOOL, "siret": SIRET, "vat_number": OTHER_VAT})
    assert errors == {"vat_number": "Ce numéro de TVA ne correspond pas au SIREN du SIRET."}
    assert count(Client) == 0


def test_a_vat_number_matching_the_siret_is_accepted(admin):
    assert save(admin, {**SCHOOL, "siret": OTHER_SIRET, "vat_number": OTHER_VAT}).id


def test_a_vat_number_alone_is_accepted(admin):
    assert stored(save(admin, {**SCHOOL, "vat_number": VAT}).id).vat_number == VAT


# --- Billing address ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"billing_city": "Tours"}, {"billing_line1", "billing_postcode"}),
        ({"billing_postcode": "37000"}, {"billing_line1", "billing_city"}),
        ({"billing_line2": "Bâtiment B"}, {"billing_line1", "billing_city", "billing_postcode"}),
        ({"billing_line1": "1 rue X"}, {"billing_city", "billing_postcode"}),
    ],
)
def test_any_part_of_the_billing_address_requires_line_city_and_postcode(admin, given, missing):
    assert set(refused(admin, {**SCHOOL, **given})) == missing
    assert count(Client) == count(Address) == 0


@pytest.mark.parametrize("postcode", ["3700", "370000", "37 00", "ABCDE"])
def test_a_french_billing_postcode_has_five_digits(admin, postcode):
    errors = refused(admin, {**SCHOOL, **TOURS_ADDRESS, "billing_postcode": postcode})
    assert errors == {"billing_postcode": "Code postal français : 5 chiffres."}


def test_the_country_of_an_address_defaults_to_france_for_the_postcode_check(admin):
    data = {**SCHOOL, **TOURS_ADDRESS, "billing_country": "", "billing_postcode": "370"}
    assert refused(admin, data) == {"billing_postcode": "Code postal français : 5 chiffres."}


def test_a_foreign_postcode_is_not_checked_and_gives_no_department(admin):
    data = {
        **SCHOOL,
        "billing_line1": "Rue Neuve 1",
        "billing_postcode": "1000",
        "billing_city": "Bruxelles",
        "billing_country": "be",
    }
    client = stored(save(admin, data).id)
    assert (client.city, client.postcode, client.department) == ("Bruxelles", "1000", "")
    [address] = addresses(client.id)
    assert address.country == "BE"


def test_no_billing_address_means_no_address_and_no_city(admin):
    client = stored(save(admin, SCHOOL).id)
    assert addresses(client.id) == []
    assert (client.city, client.postcode, client.department) == ("", "", "")


def test_the_billing_address_is_stored_as_the_default_billing_address(admin):
    client = save(admin, {**SCHOOL, **TOURS_ADDRESS})
    [address] = addresses(client.id)
    assert (address.kind, address.is_default) == ("facturation", True)
    assert (address.line1, address.line2, address.postcode, address.city, address.country) == (
        "12 rue Nationale",
        "Bâtiment B",
        "37000",
        "Tours",
        "FR",
    )


def test_the_billing_address_is_copied_onto_the_client(admin):
    client = stored(save(admin, {**SCHOOL, **TOURS_ADDRESS}).id)
    assert (client.city, client.postcode, client.department) == ("Tours", "37000", "37")


@pytest.mark.parametrize(
    ("postcode", "city", "department"),
    [("20000", "Ajaccio", "2A"), ("20200", "Bastia", "2B"), ("97400", "Saint-Denis", "974")],
)
def test_the_department_follows_the_billing_postcode(admin, postcode, city, department):
    data = {**SCHOOL, **TOURS_ADDRESS, "billing_postcode": postcode, "billing_city": city}
    assert stored(save(admin, data).id).department == department


def test_editing_the_billing_address_changes_the_same_address_and_the_client(admin):
    client = save(admin, {**SCHOOL, **TOURS_ADDRESS})
    values = form(admin, client.id)
    save(admin, {**values, "billing_postcode": "20200", "billing_city": "Bastia"}, client.id)
    [address] = addresses(client.id)
    assert (address.postcode, address.city) == ("20200", "Bastia")
    edited = stored(client.id)
    assert (edited.city, edited.postcode, edited.department) == ("Bastia", "20200", "2B")
    change = audit_entries()[-1].changes["adresse de facturation"]
    assert change == [
        "12 rue Nationale Bâtiment B 37000 Tours FR",
        "12 rue Nationale Bâtiment B 20200 Bastia FR",
    ]


def test_the_form_shows_the_billing_address(admin):
    client = save(admin, {**SCHOOL, **TOURS_ADDRESS})
    values = form(admin, client.id)
    assert {key: values[key] for key in TOURS_ADDRESS} == TOURS_ADDRESS


# --- Account codes -----------------------------------------------------------------------------


def test_account_codes_are_numbered_411_when_left_empty(admin):
    first = save(admin, SCHOOL)
    second = save(admin, {**SCHOOL, "name": "Lycée Balzac"})
    assert (stored(first.id).account_code, stored(second.id).account_code) == (
        "41100001",
        "41100002",
    )


def test_an_account_code_must_start_with_411(admin):
    client = save(admin, SCHOOL)
    errors = refused(admin, {**form(admin, client.id), "account_code": "40100009"}, client.id)
    assert errors == {"account_code": "Le compte doit commencer par 411."}


def test_an_account_code_is_digits_only(admin):
    errors = refused(admin, {**SCHOOL, "account_code": "411AB"})
    assert errors == {"account_code": "Numéro de compte invalide : 3 à 12 chiffres."}


def test_an_account_code_must_be_unique(admin):
    first = save(admin, SCHOOL)
    second = save(admin, {**SCHOOL, "name": "Lycée Balzac"})
    values = {**form(admin, second.id), "account_code": stored(first.id).account_code}
    assert refused(admin, values, second.id) == {"account_code": DUPLICATE}


def test_an_edited_account_code_is_kept(admin):
    client = save(admin, SCHOOL)
    save(admin, {**form(admin, client.id), "account_code": "411777"}, client.id)
    assert stored(client.id).account_code == "411777"


def test_saving_the_form_unchanged_keeps_the_account_code(admin):
    client = save(admin, SCHOOL)
    save(admin, form(admin, client.id), client.id)
    assert stored(client.id).account_code == "41100001"


def test_a_code_typed_at_creation_is_skipped_by_the_numbering(admin):
    typed = save(admin, {**SCHOOL, "account_code": "41100001"})
    generated = save(admin, {**SCHOOL, "name": "Lycée Balzac"})
    assert stored(typed.id).account_code == "41100001"
    assert stored(generated.id).account_code == "41100002"


# --- Tags --------------------------------------------------------------------------------------


def test_tags_are_comma_separated_trimmed_and_deduplicated_ignoring_case(admin):
    client = save(admin, {**SCHOOL, "tags": "fidèle, Printemps ,FIDÈLE,, groupe   scolaire ;"})
    assert tags(client.id) == {"fidèle", "Printemps", "groupe scolaire"}


def test_clients_share_one_tag_row_per_name_whatever_its_case(admin):
    first = save(admin, {**SCHOOL, "tags": "fidèle"})
    second = save(admin, {**SCHOOL, "name": "Lycée Balzac", "tags": "Fidèle, printemps"})
    assert count(Tag) == 2
    assert count(ClientTag) == 3
    assert tags(first.id) == {"fidèle"}
    assert tags(second.id) == {"fidèle", "printemps"}


def test_twenty_tags_are_accepted_and_twenty_one_refused(admin):
    twenty = ", ".join(f"tag{n}" for n in range(20))
    assert len(tags(save(admin, {**SCHOOL, "tags": twenty}).id)) == 20
    errors = refused(admin, {**SCHOOL, "name": "Autre", "tags": twenty + ", tag20"})
    assert errors == {"tags": "20 étiquettes au plus."}


def test_the_form_shows_the_tags_and_editing_replaces_them(admin):
    client = save(admin, {**SCHOOL, "tags": "fidèle, printemps"})
    values = form(admin, client.id)
    assert set(values["tags"].split(", ")) == {"fidèle", "printemps"}
    save(admin, {**values, "tags": "automne"}, client.id)
    assert tags(client.id) == {"automne"}
    old, new = audit_entries()[-1].changes["étiquettes"]
    assert set(old.split(", ")) == {"fidèle", "printemps"} and new == "automne"


# --- Categories --------------------------------------------------------------------------------


def test_ticked_categories_are_kept_and_unknown_ones_dropped(admin, session):
    schools = add_category(session, "Écoles")
    groups = add_category(session, "Groupes")
    add_category(session, "Seniors")
    data = {
        **SCHOOL,
        f"category:{schools}": "on",
        f"category:{groups}": "on",
        "category:999999": "on",
        "category:abc": "on",
    }
    client = save(admin, data)
    assert categories(client.id) == sorted([schools, groups])


def test_a_category_box_left_empty_or_off_is_not_ticked(admin, session):
    schools = add_category(session, "Écoles")
    groups = add_category(session, "Groupes")
    client = save(admin, {**SCHOOL, f"category:{schools}": "", f"category:{groups}": "off"})
    assert categories(client.id) == []


def test_the_form_ticks_the_categories_and_unticking_removes_them(admin, session):
    schools = add_category(session, "Écoles")
    groups = add_category(session, "Groupes")
    client = save(admin, {**SCHOOL, f"category:{schools}": "on", f"category:{groups}": "on"})
    values = form(admin, client.id)
    assert values[f"category:{schools}"] == values[f"category:{groups}"] == "on"
    del values[f"category:{groups}"]
    save(admin, values, client.id)
    assert categories(client.id) == [schools]
    old, new = audit_entries()[-1].changes["catégories"]
    assert (sorted(old), new) == (sorted([schools, groups]), [schools])


# --- Duplicates --------------------------------------------------------------------------------


def _warned(actor: Actor, data: dict) -> DuplicateWarning:
    before = (count(Client), count(Address), count(AuditEntry), count(ClientTag))
    with pytest.raises(DuplicateWarning) as warning:
        save(actor, data)
    assert (count(Client), count(Address), count(AuditEntry), count(ClientTag)) == before
    return warning.value


def test_a_new_client_with_the_same_siret_is_a_duplicate(admin):
    existing = save(admin, {**SCHOOL, "siret": SIRET})
    warning = _warned(admin, {**SCHOOL, "name": "Autre nom", "siret": SIRET, "tags": "x"})
    assert [(d.client_id, d.name, d.reason) for d in warning.duplicates] == [
        (existing.id, "École Jules Ferry", "même SIRET")
    ]
    assert "École Jules Ferry (même SIRET)" in warning.errors[""]


def test_a_new_client_with_the_same_email_whatever_its_case_is_a_duplicate(admin):
    existing = save(admin, {**SCHOOL, "email": "contact@ecole-ferry.fr"})
    warning = _warned(admin, {**PERSON, "email": "Contact@Ecole-Ferry.FR"})
    assert [(d.client_id, d.reason) for d in warning.duplicates] == [(existing.id, "même e-mail")]


def test_a_new_client_with_the_same_normalized_name_and_postcode_is_a_duplicate(admin):
    existing = save(admin, {**SCHOOL, **TOURS_ADDRESS})
    data = {**SCHOOL, **TOURS_ADDRESS, "name": "ECOLE JULES-FERRY", "billing_line1": "Autre"}
    warning = _warned(admin, data)
    assert [(d.client_id, d.reason) for d in warning.duplicates] == [
        (existing.id, "même nom, même code postal")
    ]


def test_a_person_with_the_same_name_and_postcode_is_a_duplicate(admin):
    save(admin, {**PERSON, **TOURS_ADDRESS})
    data = {**PERSON, **TOURS_ADDRESS, "last_name": "DUPONT", "first_name": "marie"}
    assert _warned(admin, data).duplicates[0].name == "DUPONT Marie"


def test_the_same_name_in_another_postcode_is_not_a_duplicate(admin):
    save(admin, {**SCHOOL, **TOURS_ADDRESS})
    data = {**SCHOOL, **TOURS_ADDRESS, "billing_postcode": "37100"}
    assert save(admin, data).id is not None
    assert count(Client) == 2


def test_a_confirmed_duplicate_is_created(admin):
    save(admin, {**SCHOOL, "siret": SIRET})
    second = save(admin, {**SCHOOL, "siret": SIRET, "confirm_duplicate": "on"})
    assert count(Client) == 2
    assert stored(second.id).siret == SIRET


def test_editing_a_client_never_warns_of_duplicates(admin):
    save(admin, {**SCHOOL, "siret": SIRET, "email": "contact@ecole-ferry.fr"})
    other = save(admin, {**SCHOOL, "name": "Lycée Balzac"})
    values = {**form(admin, other.id), "siret": SIRET, "email": "contact@ecole-ferry.fr"}
    save(admin, values, other.id)
    assert stored(other.id).siret == SIRET


def test_a_deleted_client_is_not_a_duplicate(admin):
    existing = save(admin, {**SCHOOL, **TOURS_ADDRESS, "siret": SIRET})
    delete(admin, existing.id)
    assert save(admin, {**SCHOOL, **TOURS_ADDRESS, "siret": SIRET}).id is not None


def test_an_invalid_form_reports_its_errors_before_any_duplicate(admin):
    save(admin, {**SCHOOL, "siret": SIRET})
    errors = refused(admin, {**SCHOOL, "siret": SIRET, "language": ""})
    assert errors == {"language": REQUIRED}


# --- Soft delete -------------------------------------------------------------------------------


def test_deleting_a_client_keeps_the_row_with_a_deletion_date(admin):
    client = save(admin, SCHOOL)
    delete(admin, client.id)
    assert stored(client.id).deleted_at is not None
    assert count(Client) == 1
    assert audit_entries()[-1].action == "suppression"


def test_a_deleted_client_leaves_the_list_and_cannot_be_opened(admin):
    kept = save(admin, {**SCHOOL, "name": "Lycée Balzac"})
    gone = save(admin, SCHOOL)
    delete(admin, gone.id)
    assert listed(admin) == ["Lycée Balzac"]
    with pytest.raises(RecordNotFound):
        get(admin, gone.id)
    with pytest.raises(RecordNotFound):
        form(admin, gone.id)
    with pytest.raises(RecordNotFound):
        save(admin, SCHOOL, gone.id)
    with pytest.raises(RecordNotFound):
        delete(admin, gone.id)
    assert get(admin, kept.id).name == "Lycée Balzac"


def test_a_delete_guard_refuses_deletion_and_advises_the_inactive_status(admin, monkeypatch):
    client = save(admin, SCHOOL)
    monkeypatch.setattr(
        clients,
        "DELETE_GUARDS",
        [lambda session, client_id: None, lambda session, client_id: "Ce client a 2 dossiers."],
    )
    with pytest.raises(FormErrors) as failure:
        delete(admin, client.id)
    assert failure.value.errors == {
        "": "Ce client a 2 dossiers. Passez plutôt le client au statut « Inactif »."
    }
    assert stored(client.id).deleted_at is None


def test_a_delete_guard_is_given_the_client_id_and_may_let_it_go(admin, monkeypatch):
    client = save(admin, SCHOOL)
    asked: list[int] = []
    monkeypatch.setattr(
        clients, "DELETE_GUARDS", [lambda session, client_id: asked.append(client_id)]
    )
    delete(admin, client.id)
    assert asked == [client.id]
    assert stored(client.id).deleted_at is not None


# --- Rights ------------------------------------------------------------------------------------


def test_creating_a_client_needs_the_create_right(session):
    actor = make_actor(session, tiers(Action.SEE, Action.EDIT, Action.DELETE))
    with pytest.raises(AccessDenied):
        save(actor, SCHOOL)
    assert count(Client) == count(AuditEntry) == 0


def test_editing_a_client_needs_the_edit_right(admin, session):
    client = save(admin, SCHOOL)
    actor = make_actor(session, tiers(Action.SEE, Action.CREATE, Action.DELETE))
    with pytest.raises(AccessDenied):
        save(actor, {**SCHOOL, "name": "Changé"}, client.id)
    assert stored(client.id).name == "École Jules Ferry"


def test_deleting_a_client_needs_the_delete_right(admin, session):
    client = save(admin, SCHOOL)
    actor = make_actor(session, tiers(Action.SEE, Action.CREATE, Action.EDIT))
    with pytest.raises(AccessDenied):
        delete(actor, client.id)
    assert stored(client.id).deleted_at is None


def test_opening_a_client_form_needs_the_see_right(admin, session):
    client = save(admin, SCHOOL)
    assert form(make_actor(session, tiers(Action.SEE)), client.id)["name"] == "École Jules Ferry"
    with pytest.raises(AccessDenied):
        form(make_actor(session, tiers(Action.EDIT)), client.id)


# --- Own clients only --------------------------------------------------------------------------


@pytest.fixture
def reps(session, admin):
    """Two sales reps limited to their own clients, each with one client, and a free client."""
    paul = make_actor(session, own_clients_only=True, first_name="Paul")
    lise = make_actor(session, own_clients_only=True, first_name="Lise")
    paul_client = save(admin, {**SCHOOL, "name": "Client de Paul", "sales_rep_id": paul.user_id})
    lise_client = save(admin, {**SCHOOL, "name": "Client de Lise", "sales_rep_id": lise.user_id})
    free = save(admin, {**SCHOOL, "name": "Client sans commercial"})
    return paul, lise, paul_client, lise_client, free


def test_a_rep_limited_to_his_clients_lists_only_them(reps, admin):
    paul, lise, *_ = reps
    assert listed(paul) == ["Client de Paul"]
    assert listed(lise) == ["Client de Lise"]
    assert len(listed(admin)) == 3


def test_a_rep_limited_to_his_clients_cannot_open_another_client(reps):
    paul, _, paul_client, lise_client, free = reps
    assert get(paul, paul_client.id).name == "Client de Paul"
    for client in (lise_client, free):
        with pytest.raises(RecordNotFound):
            get(paul, client.id)
        with pytest.raises(RecordNotFound):
            form(paul, client.id)


def test_a_rep_limited_to_his_clients_cannot_change_or_delete_another_client(reps):
    paul, _, _, lise_client, _ = reps
    with pytest.raises(RecordNotFound):
        save(paul, {**SCHOOL, "name": "Volé"}, lise_client.id)
    with pytest.raises(RecordNotFound):
        delete(paul, lise_client.id)
    assert stored(lise_client.id).name == "Client de Lise"
    assert stored(lise_client.id).deleted_at is None


def test_a_rep_limited_to_his_clients_creates_clients_for_himself(reps):
    paul, lise, *_ = reps
    client = save(paul, {**SCHOOL, "name": "Nouveau", "sales_rep_id": str(lise.user_id)})
    assert stored(client.id).sales_rep_id == paul.user_id
    assert "Nouveau" in listed(paul)


def test_a_rep_limited_to_his_clients_cannot_give_one_away(reps):
    paul, lise, paul_client, *_ = reps
    values = {**form(paul, paul_client.id), "sales_rep_id": str(lise.user_id)}
    save(paul, values, paul_client.id)
    assert stored(paul_client.id).sales_rep_id == paul.user_id


def test_an_unrestricted_user_gives_a_client_to_any_active_sales_rep(reps, admin):
    _, lise, paul_client, *_ = reps
    save(admin, {**form(admin, paul_client.id), "sales_rep_id": str(lise.user_id)}, paul_client.id)
    assert stored(paul_client.id).sales_rep_id == lise.user_id


def test_only_an_active_sales_rep_can_be_chosen(admin, session):
    clerk = make_actor(session, sales_rep=False)
    errors = refused(admin, {**SCHOOL, "sales_rep_id": str(clerk.user_id)})
    assert errors == {"sales_rep_id": "Choix invalide."}


# --- Status ------------------------------------------------------------------------------------


def test_set_status_moves_a_prospect_to_client_with_an_audit_entry(admin):
    client = save(admin, SCHOOL)
    with session_scope() as session:
        clients.set_status(session, admin, client.id, "client")
    assert stored(client.id).status == "client"
    entry = audit_entries()[-1]
    assert (entry.action, entry.entity_id, entry.changes) == (
        "modification",
        str(client.id),
        {"status": ["prospect", "client"]},
    )


def test_set_status_to_the_same_status_writes_nothing(admin):
    client = save(admin, SCHOOL)
    with session_scope() as session:
        clients.set_status(session, admin, client.id, "prospect")
    assert [entry.action for entry in audit_entries()] == ["creation"]


def test_set_status_refuses_an_unknown_status(admin):
    client = save(admin, SCHOOL)
    with pytest.raises(FormErrors) as failure, session_scope() as session:
        clients.set_status(session, admin, client.id, "perdu")
    assert failure.value.errors == {"status": "Statut inconnu."}


def test_set_status_needs_the_edit_right_and_a_visible_client(reps, session):
    paul, _, _, lise_client, _ = reps
    reader = make_actor(session, tiers(Action.SEE))
    with pytest.raises(AccessDenied), session_scope() as s:
        clients.set_status(s, reader, lise_client.id, "client")
    with pytest.raises(RecordNotFound), session_scope() as s:
        clients.set_status(s, paul, lise_client.id, "client")
    assert stored(lise_client.id).status == "prospect"


# --- The list: filters, search, sort -----------------------------------------------------------


@pytest.fixture
def crowd(session, admin):
    """Five clients (one deleted) with what each filter looks at; returns ids of the filters."""
    rep_one = make_actor(session, first_name="Jean", last_name="Un")
    rep_two = make_actor(session, first_name="Anne", last_name="Deux")
    fidele = Tag(name="fidèle")
    printemps = Tag(name="printemps")
    session.add_all([fidele, printemps])
    schools = add_category(session, "Écoles")
    food = add_category(session, "Alimentation")

    codes = iter(range(41190001, 41190100))

    def client(name: str, **values) -> Client:
        row = Client(
            name=name, search_name=normalize_text(name), account_code=str(next(codes)), **values
        )
        row.search_text = search_text(
            row.name, row.city, row.postcode, row.email, row.siret, row.account_code, row.phone
        )
        session.add(row)
        session.flush()
        return row

    ferry = client(
        "École Jules Ferry",
        client_type="scolaire",
        status="prospect",
        city="Tours",
        postcode="37000",
        department="37",
        sales_rep_id=rep_one.user_id,
        revenue=Decimal("1000.50"),
        last_visit_on=date(2026, 1, 1),
    )
    arago = client(
        "Ecole Arago",
        client_type="scolaire",
        status="client",
        city="Toulouse",
        postcode="31000",
        department="31",
        sales_rep_id=rep_two.user_id,
        revenue=Decimal("1000.49"),
        last_visit_on=date(2025, 12, 31),
    )
    dupont = client(
        "Dupont Voyages",
        client_type="ce",
        status="client",
        city="Bastia",
        postcode="20200",
        department="2B",
        sales_rep_id=rep_one.user_id,
        revenue=Decimal("5000"),
    )
    fromagerie = client(
        "Fromagerie",
        client_type="entreprise",
        status="inactif",
        city="Amboise",
        postcode="37400",
        department="37",
        revenue=Decimal("0"),
        last_visit_on=date(2026, 3, 1),
    )
    client(
        "École supprimée",
        client_type="scolaire",
        status="client",
        city="Tours",
        department="37",
        deleted_at=utcnow(),
    )
    session.add_all(
        [
            ClientTag(client_id=ferry.id, tag_id=fidele.id),
            ClientTag(client_id=dupont.id, tag_id=printemps.id),
            ClientCategoryLink(client_id=ferry.id, category_id=schools),
            ClientCategoryLink(client_id=fromagerie.id, category_id=food),
        ]
    )
    session.commit()
    assert arago.id
    return {
        "rep_one": rep_one.user_id,
        "rep_two": rep_two.user_id,
        "fidele": fidele.id,
        "printemps": printemps.id,
        "schools": schools,
        "food": food,
    }


ALL_SORTED = ["Dupont Voyages", "Ecole Arago", "École Jules Ferry", "Fromagerie"]


def test_the_list_is_sorted_by_name_ignoring_accents_and_case(crowd, admin):
    assert listed(admin) == ALL_SORTED
    assert listed(admin, sort="name", desc=True) == ALL_SORTED[::-1]


def test_the_list_shows_the_sales_rep_name(crowd, admin):
    with session_scope() as session:
        rows = fetch_page(session, CLIENTS_LIST, ListQuery(), admin).rows
    assert {row["name"]: row["sales_rep"] for row in rows}["Dupont Voyages"] == "Jean Un"


def test_the_search_ignores_accents(crowd, admin):
    assert listed(admin, search="ecole") == ["Ecole Arago", "École Jules Ferry"]
    assert listed(admin, search="ÉCOLE ferry") == ["École Jules Ferry"]


def test_the_search_looks_at_the_city(crowd, admin):
    assert listed(admin, search="bastia") == ["Dupont Voyages"]


@pytest.mark.parametrize(
    ("filters", "names"),
    [
        ({"client_type": "scolaire"}, ["Ecole Arago", "École Jules Ferry"]),
        ({"status": "client"}, ["Dupont Voyages", "Ecole Arago"]),
        ({"department": "2B"}, ["Dupont Voyages"]),
        ({"department": "37"}, ["École Jules Ferry", "Fromagerie"]),
        ({"city": "tou"}, ["Ecole Arago", "École Jules Ferry"]),
        ({"city": " TOURS "}, ["École Jules Ferry"]),
        ({"city": "ours"}, []),
        ({"visited_since": "2026-01-01"}, ["École Jules Ferry", "Fromagerie"]),
        ({"visited_until": "2025-12-31"}, ["Ecole Arago"]),
        (
            {"visited_since": "2025-12-31", "visited_until": "2026-01-01"},
            ["Ecole Arago", "École Jules Ferry"],
        ),
        ({"revenue_min": "1 000,50"}, ["Dupont Voyages", "École Jules Ferry"]),
        ({"revenue_min": "1000.5"}, ["Dupont Voyages", "École Jules Ferry"]),
        ({"revenue_max": "1\u202f000,49"}, ["Ecole Arago", "Fromagerie"]),
        ({"revenue_min": "beaucoup"}, ALL_SORTED),
        ({"client_type": "inconnu"}, ALL_SORTED),
        ({"visited_since": "hier"}, ALL_SORTED),
    ],
)
def test_the_list_filters(crowd, admin, filters, names):
    assert listed(admin, **filters) == names


def test_the_list_filters_by_sales_rep(crowd, admin):
    assert listed(admin, sales_rep=str(crowd["rep_one"])) == [
        "Dupont Voyages",
        "École Jules Ferry",
    ]
    assert listed(admin, sales_rep=str(crowd["rep_two"])) == ["Ecole Arago"]


def test_the_list_filters_by_category(crowd, admin):
    assert listed(admin, category=str(crowd["schools"])) == ["École Jules Ferry"]
    assert listed(admin, category=str(crowd["food"])) == ["Fromagerie"]


def test_the_list_filters_by_tag(crowd, admin):
    assert listed(admin, tag=str(crowd["fidele"])) == ["École Jules Ferry"]
    assert listed(admin, tag=str(crowd["printemps"])) == ["Dupont Voyages"]


def test_filters_combine(crowd, admin):
    assert listed(admin, client_type="scolaire", department="37") == ["École Jules Ferry"]


def test_the_filter_options_come_from_the_database(crowd, session):
    filters = {flt.key: flt for flt in CLIENTS_LIST.filters}
    assert [label for _, label in filters["department"].choices(session)] == ["2B", "31", "37"]
    assert {label for _, label in filters["tag"].choices(session)} == {"fidèle", "printemps"}
    reps = {value for value, _ in filters["sales_rep"].choices(session)}
    assert {str(crowd["rep_one"]), str(crowd["rep_two"])} <= reps
    inactive = session.get(User, crowd["rep_two"])
    inactive.active = False
    session.add(inactive)
    session.commit()
    assert str(crowd["rep_two"]) not in {v for v, _ in filters["sales_rep"].choices(session)}


def test_a_name_typed_through_the_form_is_found_without_accents(admin):
    save(admin, {**SCHOOL, "name": "Comité d'Entreprise — SNCF"})
    assert listed(admin, search="comite d'entreprise") == ["Comité d'Entreprise — SNCF"]
    assert listed(admin, search="COMITE") == ["Comité d'Entreprise — SNCF"]


def test_tags_differing_only_by_the_case_of_an_accented_letter_share_one_row(admin):
    first = save(admin, {**SCHOOL, "tags": "ÉTÉ"})
    second = save(admin, {**SCHOOL, "name": "Lycée Balzac", "tags": "été"})
    assert count(Tag) == 1
    assert tags(first.id) == tags(second.id) == {"ÉTÉ"}
