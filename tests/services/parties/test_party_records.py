"""The records inside a client's or supplier's file (contacts, addresses, preferential rates,
framework contracts): attached to their file, reached only through it, changed with the right
to edit the file."""

from __future__ import annotations

import itertools
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
    ClientContract,
    ClientDiscount,
    Contact,
    PartyDocument,
    ProductType,
    Supplier,
)
from agence.models.base import utcnow
from agence.services.common import formats, records
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
from agence.services.common.records import RecordNotFound
from agence.services.common.text import normalize_text
from agence.services.parties.clients import CLIENTS
from agence.services.parties.party_records import (
    CLIENT_ADDRESSES,
    CLIENT_CONTACTS,
    CLIENT_CONTRACTS,
    CLIENT_DISCOUNTS,
    SUPPLIER_ADDRESSES,
    SUPPLIER_CONTACTS,
    contacts_of,
)
from tests.factories import actor_for, make_profile, make_user

_codes = itertools.count(1)

ANNE = {"civility": "Mme", "first_name": "Anne", "last_name": "Durand", "role": "Directrice"}
PAUL = {"civility": "M.", "first_name": "Paul", "last_name": "Martin"}
TOURS = {
    "kind": "facturation",
    "line1": "12 rue Nationale",
    "postcode": "37000",
    "city": "Tours",
    "country": "FR",
    "is_default": "on",
}
BASTIA = {**TOURS, "line1": "1 boulevard Paoli", "postcode": "20200", "city": "Bastia"}


# --- Helpers -----------------------------------------------------------------------------------


def tiers(*actions: Action) -> set[Right]:
    return {Right(Module.THIRD_PARTIES, action) for action in actions}


def make_actor(
    session: Session,
    rights: set[Right] | frozenset[Right] = frozenset(ALL_RIGHTS),
    *,
    own_clients_only: bool = False,
) -> Actor:
    profile = make_profile(session, rights)
    if own_clients_only:
        profile.own_clients_only = True
        session.add(profile)
        session.commit()
    user = make_user(session, profile=profile)
    user.is_sales_rep = True
    session.add(user)
    session.commit()
    return actor_for(user)


def add_client(session: Session, name: str, sales_rep_id: int | None = None) -> int:
    client = Client(
        name=name,
        search_name=normalize_text(name),
        client_type="ce",
        account_code=f"411{next(_codes):05d}",
        sales_rep_id=sales_rep_id,
    )
    session.add(client)
    session.commit()
    return client.id or 0


def add_supplier(session: Session, name: str) -> int:
    supplier = Supplier(
        name=name,
        search_name=normalize_text(name),
        supplier_type="hebergement",
        account_code=f"401{next(_codes):05d}",
    )
    session.add(supplier)
    session.commit()
    return supplier.id or 0


def add_document(session: Session, client_id: int, title: str, deleted: bool = False) -> int:
    document = PartyDocument(
        client_id=client_id,
        title=title,
        file_name=f"{title}.pdf",
        stored_name=f"documents/{title}.pdf",
        mime_type="application/pdf",
        size=10,
        sha256="0" * 64,
        deleted_at=utcnow() if deleted else None,
    )
    session.add(document)
    session.commit()
    return document.id or 0


def save(actor: Actor, resource, parent_id: int | None, data: dict, record_id: int | None = None):
    with session_scope() as session:
        return records.save(session, actor, resource, record_id, data, parent_id=parent_id)


def refused(actor: Actor, resource, parent_id: int, data: dict, record_id: int | None = None):
    with pytest.raises(FormErrors) as failure:
        save(actor, resource, parent_id, data, record_id)
    return failure.value.errors


def delete(actor: Actor, resource, parent_id: int | None, record_id: int) -> None:
    with session_scope() as session:
        records.delete(session, actor, resource, record_id, parent_id=parent_id)


def form(actor: Actor, resource, parent_id: int | None, record_id: int | None) -> dict[str, str]:
    with session_scope() as session:
        return records.form_for(session, actor, resource, record_id, parent_id=parent_id)


def stored(model, record_id: int):
    with session_scope() as session:
        return session.get(model, record_id)


def count(model) -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def audit_entries(entity_type: str) -> list[AuditEntry]:
    with session_scope() as session:
        return list(
            session.exec(
                select(AuditEntry)
                .where(AuditEntry.entity_type == entity_type)
                .order_by(AuditEntry.id)
            )
        )


def children(resource, column, parent_id: int, actor: Actor | None = None) -> list[dict]:
    with session_scope() as session:
        page = fetch_page(
            session,
            resource.list_spec(),
            ListQuery(page_size=50),
            actor,
            conditions=(column == parent_id,),
        )
    return page.rows


@pytest.fixture
def admin(session) -> Actor:
    return make_actor(session)


@pytest.fixture
def two_clients(session) -> tuple[int, int]:
    return add_client(session, "Comité SNCF"), add_client(session, "École Jules Ferry")


# --- Contacts: attached to their file ----------------------------------------------------------


def test_a_contact_is_attached_to_its_client(admin, two_clients):
    client, _ = two_clients
    contact = stored(Contact, save(admin, CLIENT_CONTACTS, client, ANNE).id)
    assert (contact.client_id, contact.supplier_id) == (client, None)
    assert (contact.civility, contact.first_name, contact.last_name, contact.role) == (
        "Mme",
        "Anne",
        "Durand",
        "Directrice",
    )
    [entry] = audit_entries("contact")
    assert (entry.action, entry.entity_label) == ("creation", "Anne Durand")


def test_a_contact_is_attached_to_its_supplier(admin, session):
    supplier = add_supplier(session, "Hôtel de l'Univers")
    contact = stored(Contact, save(admin, SUPPLIER_CONTACTS, supplier, ANNE).id)
    assert (contact.client_id, contact.supplier_id) == (None, supplier)


def test_a_contact_needs_a_last_name(admin, two_clients):
    client, _ = two_clients
    assert refused(admin, CLIENT_CONTACTS, client, {**ANNE, "last_name": ""}) == {
        "last_name": REQUIRED
    }
    assert count(Contact) == 0


def test_a_contact_cannot_be_saved_without_its_file(admin, two_clients):
    with pytest.raises(RecordNotFound):
        save(admin, CLIENT_CONTACTS, None, ANNE)
    with pytest.raises(RecordNotFound):
        save(admin, CLIENT_CONTACTS, 999999, ANNE)
    assert count(Contact) == 0


def test_a_contact_cannot_be_added_to_a_deleted_client(admin, two_clients):
    client, _ = two_clients
    with session_scope() as session:
        records.delete(session, admin, CLIENTS, client)
    with pytest.raises(RecordNotFound):
        save(admin, CLIENT_CONTACTS, client, ANNE)


def test_a_contact_is_not_found_under_another_client(admin, two_clients):
    client, other = two_clients
    contact = save(admin, CLIENT_CONTACTS, client, ANNE)
    with pytest.raises(RecordNotFound):
        form(admin, CLIENT_CONTACTS, other, contact.id)
    with pytest.raises(RecordNotFound):
        save(admin, CLIENT_CONTACTS, other, {**ANNE, "last_name": "Volé"}, contact.id)
    with pytest.raises(RecordNotFound):
        delete(admin, CLIENT_CONTACTS, other, contact.id)
    kept = stored(Contact, contact.id)
    assert (kept.client_id, kept.last_name, kept.deleted_at) == (client, "Durand", None)


def test_a_supplier_contact_is_not_found_through_a_client(admin, session, two_clients):
    client, _ = two_clients
    supplier = add_supplier(session, "Hôtel de l'Univers")
    contact = save(admin, SUPPLIER_CONTACTS, supplier, ANNE)
    with pytest.raises(RecordNotFound):
        form(admin, CLIENT_CONTACTS, client, contact.id)
    with pytest.raises(RecordNotFound):
        save(admin, CLIENT_CONTACTS, client, ANNE, contact.id)


def test_a_contact_is_edited_under_its_own_client(admin, two_clients):
    client, _ = two_clients
    contact = save(admin, CLIENT_CONTACTS, client, ANNE)
    values = form(admin, CLIENT_CONTACTS, client, contact.id)
    assert (values["last_name"], values["role"]) == ("Durand", "Directrice")
    save(admin, CLIENT_CONTACTS, client, {**values, "role": "Présidente"}, contact.id)
    assert stored(Contact, contact.id).role == "Présidente"
    assert audit_entries("contact")[-1].changes == {"role": ["Directrice", "Présidente"]}


# --- Contacts: the file must be within reach ---------------------------------------------------


@pytest.fixture
def paul_and_lise(session, admin):
    """Two reps limited to their own clients, one client each, one contact on Lise's client."""
    paul = make_actor(session, own_clients_only=True)
    lise = make_actor(session, own_clients_only=True)
    paul_client = add_client(session, "Client de Paul", paul.user_id)
    lise_client = add_client(session, "Client de Lise", lise.user_id)
    lise_contact = save(admin, CLIENT_CONTACTS, lise_client, ANNE).id
    return paul, paul_client, lise_client, lise_contact


def test_a_rep_adds_contacts_to_his_own_clients(paul_and_lise):
    paul, paul_client, *_ = paul_and_lise
    contact = save(paul, CLIENT_CONTACTS, paul_client, PAUL)
    assert stored(Contact, contact.id).client_id == paul_client


def test_a_rep_limited_to_his_clients_cannot_reach_the_contacts_of_another(paul_and_lise):
    paul, _, lise_client, lise_contact = paul_and_lise
    with pytest.raises(RecordNotFound):
        save(paul, CLIENT_CONTACTS, lise_client, PAUL)
    with pytest.raises(RecordNotFound):
        form(paul, CLIENT_CONTACTS, lise_client, None)
    with pytest.raises(RecordNotFound):
        form(paul, CLIENT_CONTACTS, lise_client, lise_contact)
    with pytest.raises(RecordNotFound):
        save(paul, CLIENT_CONTACTS, lise_client, {**ANNE, "role": "x"}, lise_contact)
    with pytest.raises(RecordNotFound):
        delete(paul, CLIENT_CONTACTS, lise_client, lise_contact)
    assert count(Contact) == 1
    assert stored(Contact, lise_contact).deleted_at is None


# --- Contacts: rights --------------------------------------------------------------------------


def test_the_records_of_a_file_are_changed_with_the_right_to_edit_it(session, two_clients):
    client, _ = two_clients
    editor = make_actor(session, tiers(Action.SEE, Action.EDIT))
    contact = save(editor, CLIENT_CONTACTS, client, ANNE)
    save(editor, CLIENT_CONTACTS, client, {**ANNE, "role": "Trésorière"}, contact.id)
    delete(editor, CLIENT_CONTACTS, client, contact.id)
    assert stored(Contact, contact.id).deleted_at is not None


def test_creating_or_deleting_in_a_file_without_the_edit_right_is_refused(
    admin, session, two_clients
):
    client, _ = two_clients
    contact = save(admin, CLIENT_CONTACTS, client, ANNE)
    no_edit = make_actor(session, tiers(Action.SEE, Action.CREATE, Action.DELETE))
    with pytest.raises(AccessDenied) as denied:
        save(no_edit, CLIENT_CONTACTS, client, PAUL)
    assert denied.value.right == Right(Module.THIRD_PARTIES, Action.EDIT)
    with pytest.raises(AccessDenied):
        save(no_edit, CLIENT_CONTACTS, client, {**ANNE, "role": "x"}, contact.id)
    with pytest.raises(AccessDenied):
        delete(no_edit, CLIENT_CONTACTS, client, contact.id)
    assert count(Contact) == 1
    assert stored(Contact, contact.id).deleted_at is None


def test_reading_the_records_of_a_file_needs_the_see_right(admin, session, two_clients):
    client, _ = two_clients
    contact = save(admin, CLIENT_CONTACTS, client, ANNE)
    assert form(make_actor(session, tiers(Action.SEE)), CLIENT_CONTACTS, client, contact.id)
    with pytest.raises(AccessDenied):
        form(make_actor(session, tiers(Action.EDIT)), CLIENT_CONTACTS, client, contact.id)


# --- Contacts: main contact, deletion, listing -------------------------------------------------


def test_a_main_contact_makes_the_other_contacts_of_its_client_not_main(admin, two_clients):
    client, other = two_clients
    anne = save(admin, CLIENT_CONTACTS, client, {**ANNE, "is_main": "on"})
    elsewhere = save(admin, CLIENT_CONTACTS, other, {**ANNE, "is_main": "on"})
    paul = save(admin, CLIENT_CONTACTS, client, {**PAUL, "is_main": "on"})
    assert stored(Contact, anne.id).is_main is False
    assert stored(Contact, paul.id).is_main is True
    assert stored(Contact, elsewhere.id).is_main is True


def test_making_an_existing_contact_main_moves_the_flag(admin, two_clients):
    client, _ = two_clients
    anne = save(admin, CLIENT_CONTACTS, client, {**ANNE, "is_main": "on"})
    paul = save(admin, CLIENT_CONTACTS, client, PAUL)
    save(admin, CLIENT_CONTACTS, client, {**PAUL, "is_main": "on"}, paul.id)
    assert (stored(Contact, anne.id).is_main, stored(Contact, paul.id).is_main) == (False, True)


def test_the_main_contact_of_a_supplier_leaves_the_clients_alone(admin, session, two_clients):
    client, _ = two_clients
    supplier = add_supplier(session, "Hôtel de l'Univers")
    anne = save(admin, CLIENT_CONTACTS, client, {**ANNE, "is_main": "on"})
    save(admin, SUPPLIER_CONTACTS, supplier, {**PAUL, "is_main": "on"})
    assert stored(Contact, anne.id).is_main is True


def test_deleting_a_contact_keeps_it_with_a_deletion_date_and_audits_it(admin, two_clients):
    client, _ = two_clients
    contact = save(admin, CLIENT_CONTACTS, client, ANNE)
    delete(admin, CLIENT_CONTACTS, client, contact.id)
    assert stored(Contact, contact.id).deleted_at is not None
    entry = audit_entries("contact")[-1]
    assert (entry.action, entry.entity_id, entry.entity_label) == (
        "suppression",
        str(contact.id),
        "Anne Durand",
    )
    with pytest.raises(RecordNotFound):
        form(admin, CLIENT_CONTACTS, client, contact.id)
    with session_scope() as session:
        assert contacts_of(session, client) == []


def test_the_contacts_of_a_client_are_listed_without_the_deleted_ones(admin, two_clients):
    client, other = two_clients
    save(admin, CLIENT_CONTACTS, client, ANNE)
    gone = save(admin, CLIENT_CONTACTS, client, {**ANNE, "last_name": "Parti"})
    save(admin, CLIENT_CONTACTS, client, PAUL)
    save(admin, CLIENT_CONTACTS, other, {**PAUL, "last_name": "Ailleurs"})
    delete(admin, CLIENT_CONTACTS, client, gone.id)
    rows = children(CLIENT_CONTACTS, Contact.client_id, client)
    assert [row["name"] for row in rows] == ["Durand Anne", "Martin Paul"]
    assert {row["parent_id"] for row in rows} == {client}


def test_contacts_of_lists_the_main_contact_first(admin, two_clients):
    client, _ = two_clients
    anne = save(admin, CLIENT_CONTACTS, client, ANNE)
    paul = save(admin, CLIENT_CONTACTS, client, {**PAUL, "is_main": "on"})
    with session_scope() as session:
        assert contacts_of(session, client) == [(paul.id, "Paul Martin"), (anne.id, "Anne Durand")]


# --- Addresses ---------------------------------------------------------------------------------


def test_an_address_is_attached_to_its_client(admin, two_clients):
    client, _ = two_clients
    address = stored(Address, save(admin, CLIENT_ADDRESSES, client, TOURS).id)
    assert (address.client_id, address.supplier_id, address.kind) == (client, None, "facturation")


@pytest.mark.parametrize("postcode", ["", "3700", "37OOO"])
def test_a_french_address_needs_a_five_digit_postcode(admin, two_clients, postcode):
    client, _ = two_clients
    errors = refused(admin, CLIENT_ADDRESSES, client, {**TOURS, "postcode": postcode})
    assert errors == {"postcode": "Code postal français : 5 chiffres."}


def test_a_foreign_address_keeps_its_own_postcode(admin, two_clients):
    client, _ = two_clients
    data = {**TOURS, "postcode": "1000", "city": "Bruxelles", "country": "be"}
    address = stored(Address, save(admin, CLIENT_ADDRESSES, client, data).id)
    assert (address.country, address.postcode) == ("BE", "1000")


def test_an_address_needs_its_kind_line_city_and_country(admin, two_clients):
    client, _ = two_clients
    errors = refused(admin, CLIENT_ADDRESSES, client, {"postcode": "37000"})
    assert {"kind", "line1", "city", "country"} <= set(errors)


def test_the_default_billing_address_gives_the_client_its_city(admin, two_clients):
    client, _ = two_clients
    save(admin, CLIENT_ADDRESSES, client, BASTIA)
    saved = stored(Client, client)
    assert (saved.city, saved.postcode, saved.department) == ("Bastia", "20200", "2B")


def test_a_new_default_address_unsets_the_other_default_of_the_same_kind(admin, two_clients):
    client, other = two_clients
    tours = save(admin, CLIENT_ADDRESSES, client, TOURS)
    delivery = save(admin, CLIENT_ADDRESSES, client, {**TOURS, "kind": "livraison"})
    elsewhere = save(admin, CLIENT_ADDRESSES, other, TOURS)
    bastia = save(admin, CLIENT_ADDRESSES, client, BASTIA)
    assert stored(Address, tours.id).is_default is False
    assert stored(Address, bastia.id).is_default is True
    assert stored(Address, delivery.id).is_default is True
    assert stored(Address, elsewhere.id).is_default is True
    assert stored(Client, client).city == "Bastia"
    assert stored(Client, other).city == "Tours"


def test_a_delivery_address_does_not_change_the_client_city(admin, two_clients):
    client, _ = two_clients
    save(admin, CLIENT_ADDRESSES, client, TOURS)
    save(admin, CLIENT_ADDRESSES, client, {**BASTIA, "kind": "livraison"})
    assert stored(Client, client).city == "Tours"


def test_editing_the_billing_address_refreshes_the_client_city(admin, two_clients):
    client, _ = two_clients
    address = save(admin, CLIENT_ADDRESSES, client, TOURS)
    values = form(admin, CLIENT_ADDRESSES, client, address.id)
    save(
        admin,
        CLIENT_ADDRESSES,
        client,
        {**values, "postcode": "97400", "city": "Saint-Denis"},
        address.id,
    )
    saved = stored(Client, client)
    assert (saved.city, saved.department) == ("Saint-Denis", "974")


def test_deleting_an_address_keeps_it_with_a_deletion_date_and_audits_it(admin, two_clients):
    client, _ = two_clients
    address = save(admin, CLIENT_ADDRESSES, client, {**TOURS, "kind": "livraison"})
    delete(admin, CLIENT_ADDRESSES, client, address.id)
    assert stored(Address, address.id).deleted_at is not None
    entry = audit_entries("adresse")[-1]
    assert (entry.action, entry.entity_label) == ("suppression", "12 rue Nationale, 37000 Tours")
    assert children(CLIENT_ADDRESSES, Address.client_id, client) == []


def test_deleting_the_billing_address_refreshes_the_client_city(admin, two_clients):
    """The client's city, postcode and department follow its billing address (filters,
    duplicates): once that address is deleted they follow the next one, or become empty."""
    client, _ = two_clients
    tours = save(admin, CLIENT_ADDRESSES, client, {**TOURS, "is_default": ""})
    bastia = save(admin, CLIENT_ADDRESSES, client, BASTIA)
    assert stored(Client, client).city == "Bastia"
    delete(admin, CLIENT_ADDRESSES, client, bastia.id)
    assert stored(Client, client).city == "Tours"
    delete(admin, CLIENT_ADDRESSES, client, tours.id)
    saved = stored(Client, client)
    assert (saved.city, saved.postcode, saved.department) == ("", "", "")


def test_an_address_is_not_found_under_another_client(admin, two_clients):
    client, other = two_clients
    address = save(admin, CLIENT_ADDRESSES, client, TOURS)
    with pytest.raises(RecordNotFound):
        save(admin, CLIENT_ADDRESSES, other, BASTIA, address.id)
    with pytest.raises(RecordNotFound):
        delete(admin, CLIENT_ADDRESSES, other, address.id)
    assert stored(Address, address.id).city == "Tours"


def test_the_address_of_a_supplier_gives_the_supplier_its_city(admin, session):
    supplier = add_supplier(session, "Hôtel de l'Univers")
    address = save(admin, SUPPLIER_ADDRESSES, supplier, BASTIA)
    assert stored(Address, address.id).supplier_id == supplier
    saved = stored(Supplier, supplier)
    assert (saved.city, saved.postcode, saved.department) == ("Bastia", "20200", "2B")


def test_deleting_the_address_of_a_supplier_refreshes_the_supplier_city(admin, session):
    supplier = add_supplier(session, "Hôtel de l'Univers")
    address = save(admin, SUPPLIER_ADDRESSES, supplier, BASTIA)
    delete(admin, SUPPLIER_ADDRESSES, supplier, address.id)
    saved = stored(Supplier, supplier)
    assert (saved.city, saved.postcode, saved.department) == ("", "", "")


def test_the_addresses_of_a_client_are_listed_by_condition(admin, session, two_clients):
    client, other = two_clients
    save(admin, CLIENT_ADDRESSES, client, TOURS)
    save(admin, CLIENT_ADDRESSES, client, {**BASTIA, "kind": "livraison"})
    save(admin, CLIENT_ADDRESSES, other, TOURS)
    rows = children(CLIENT_ADDRESSES, Address.client_id, client)
    assert sorted(row["city"] for row in rows) == ["Bastia", "Tours"]


# --- Preferential rates ------------------------------------------------------------------------


@pytest.fixture
def visits(session) -> int:
    product_type = ProductType(code="VISITE", label="Visite guidée")
    session.add(product_type)
    session.commit()
    return product_type.id or 0


def test_a_discount_is_attached_to_its_client(admin, two_clients, visits):
    client, _ = two_clients
    data = {"product_type_id": str(visits), "percent": "7,5", "valid_from": "2026-01-01"}
    discount = stored(ClientDiscount, save(admin, CLIENT_DISCOUNTS, client, data).id)
    assert (discount.client_id, discount.product_type_id, discount.percent) == (
        client,
        visits,
        Decimal("7.5"),
    )
    assert discount.valid_from == date(2026, 1, 1)


def test_a_discount_on_every_service_has_no_product_type(admin, two_clients):
    client, _ = two_clients
    discount = stored(ClientDiscount, save(admin, CLIENT_DISCOUNTS, client, {"percent": "5"}).id)
    assert discount.product_type_id is None
    [row] = children(CLIENT_DISCOUNTS, ClientDiscount.client_id, client)
    assert CLIENT_DISCOUNTS.list_spec().column("product_type").shown(row["product_type"]) is None
    assert CLIENT_DISCOUNTS.list_spec().column("product_type").render(None) == (
        "Toutes les prestations"
    )


@pytest.mark.parametrize(
    ("percent", "message"),
    [
        ("0", "La remise doit être positive."),
        ("-5", "Un pourcentage ne peut pas être négatif."),
        ("100,01", "La valeur doit être au plus 100."),
        ("", REQUIRED),
    ],
)
def test_a_discount_is_above_zero_and_at_most_100_percent(admin, two_clients, percent, message):
    client, _ = two_clients
    assert refused(admin, CLIENT_DISCOUNTS, client, {"percent": percent}) == {"percent": message}


def test_a_discount_of_100_percent_is_accepted(admin, two_clients):
    client, _ = two_clients
    assert save(admin, CLIENT_DISCOUNTS, client, {"percent": "100"}).percent == Decimal(100)


def test_a_discount_period_must_end_after_it_starts(admin, two_clients):
    client, _ = two_clients
    data = {"percent": "5", "valid_from": "2026-06-30", "valid_to": "2026-06-01"}
    assert refused(admin, CLIENT_DISCOUNTS, client, data) == {
        "valid_to": "La fin précède le début."
    }
    assert save(admin, CLIENT_DISCOUNTS, client, {**data, "valid_to": "2026-06-30"}).id


def test_a_discount_on_an_inactive_product_type_is_refused(admin, session, two_clients, visits):
    client, _ = two_clients
    product_type = session.get(ProductType, visits)
    product_type.active = False
    session.add(product_type)
    session.commit()
    data = {"product_type_id": str(visits), "percent": "5"}
    assert refused(admin, CLIENT_DISCOUNTS, client, data) == {"product_type_id": "Choix invalide."}


def test_a_discount_is_not_found_under_another_client(admin, two_clients):
    client, other = two_clients
    discount = save(admin, CLIENT_DISCOUNTS, client, {"percent": "5"})
    with pytest.raises(RecordNotFound):
        save(admin, CLIENT_DISCOUNTS, other, {"percent": "50"}, discount.id)
    with pytest.raises(RecordNotFound):
        delete(admin, CLIENT_DISCOUNTS, other, discount.id)
    delete(admin, CLIENT_DISCOUNTS, client, discount.id)
    assert stored(ClientDiscount, discount.id).deleted_at is not None


# --- Framework contracts -----------------------------------------------------------------------


CONTRACT = {"reference": "CC-2026-01", "invoicing_mode": "mensuelle", "starts_on": "2026-01-01"}


def test_a_contract_may_point_to_a_signed_document_of_its_client(admin, session, two_clients):
    client, _ = two_clients
    document = add_document(session, client, "Contrat signé")
    contract = save(admin, CLIENT_CONTRACTS, client, {**CONTRACT, "document_id": str(document)})
    saved = stored(ClientContract, contract.id)
    assert (saved.client_id, saved.document_id, saved.invoicing_mode) == (
        client,
        document,
        "mensuelle",
    )
    [row] = children(CLIENT_CONTRACTS, ClientContract.client_id, client)
    assert (row["reference"], row["document"]) == ("CC-2026-01", "Contrat signé")


def test_the_document_of_another_client_cannot_be_a_contract(admin, session, two_clients):
    client, other = two_clients
    foreign = add_document(session, other, "Contrat d'un autre")
    data = {**CONTRACT, "document_id": str(foreign)}
    assert refused(admin, CLIENT_CONTRACTS, client, data) == {"document_id": "Choix invalide."}
    assert count(ClientContract) == 0


def test_a_removed_document_cannot_be_a_contract(admin, session, two_clients):
    client, _ = two_clients
    removed = add_document(session, client, "Retiré", deleted=True)
    data = {**CONTRACT, "document_id": str(removed)}
    assert refused(admin, CLIENT_CONTRACTS, client, data) == {"document_id": "Choix invalide."}


def test_the_document_choices_of_a_contract_are_the_documents_of_its_client(session, two_clients):
    client, other = two_clients
    mine = add_document(session, client, "Mien")
    add_document(session, other, "Autre")
    add_document(session, client, "Retiré", deleted=True)
    assert CLIENT_CONTRACTS.choices(session, client) == {"document_id": ((str(mine), "Mien"),)}


def test_a_contract_needs_its_reference_mode_and_start(admin, two_clients):
    client, _ = two_clients
    errors = refused(admin, CLIENT_CONTRACTS, client, {})
    assert errors == {"reference": REQUIRED, "invoicing_mode": REQUIRED, "starts_on": REQUIRED}


def test_a_contract_ends_after_it_starts(admin, two_clients):
    client, _ = two_clients
    data = {**CONTRACT, "ends_on": "2025-12-31"}
    assert refused(admin, CLIENT_CONTRACTS, client, data) == {"ends_on": "La fin précède le début."}


def test_a_new_contract_form_starts_today_invoiced_per_dossier(admin, two_clients):
    client, _ = two_clients
    assert form(admin, CLIENT_CONTRACTS, client, None) == {
        "invoicing_mode": "par_dossier",
        "starts_on": formats.today().isoformat(),
    }
