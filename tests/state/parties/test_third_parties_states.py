"""Third parties and CRM through their states: rights, scoping, duplicates, children, drafts."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from agence import routes
from agence.models import AuditEntry, Client, Contact, PartyDocument, Profile, VisitReport
from agence.services.common import formats
from agence.services.common.permissions import (
    ALL_RIGHTS,
    AccessDenied,
    Action,
    Module,
    Right,
)
from agence.state.parties.clients import (
    ClientContactsState,
    ClientDocumentsState,
    ClientFormState,
    ClientsListState,
)
from agence.state.parties.crm import FollowUpsState, ReportFormState, ToVisitState
from agence.state.parties.imports import ImportState
from tests.factories import make_user, reference_data
from tests.state.common.listing import rows_of

EVERYTHING = set(ALL_RIGHTS)


def _without(module: Module, action: Action) -> set[Right]:
    return {r for r in ALL_RIGHTS if r != Right(module, action)}


def _client(session, name="Collège Rabelais", rep=None, **values) -> Client:
    client = Client(
        name=name,
        search_name=name.lower(),
        client_type="scolaire",
        status=values.pop("status", "prospect"),
        account_code=values.pop("account_code", f"411{abs(hash(name)) % 10**5:05d}"),
        sales_rep_id=rep.id if rep else None,
        **values,
    )
    session.add(client)
    session.commit()
    return client


def _count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def _open_client(browser, client_id) -> None:
    browser.visit(
        routes.record_route(routes.TIERS_CLIENTS),
        routes.record_url(routes.TIERS_CLIENTS, client_id),
        record_id=str(client_id),
    )


def _restricted_rep(session, rights=EVERYTHING):
    user = make_user(session, rights)
    profile = session.get(Profile, user.profile_id)
    profile.own_clients_only = True
    session.add(profile)
    user.is_sales_rep = True
    session.add(user)
    session.commit()
    return user


def test_the_client_list_needs_the_see_right(browser, session):
    reference_data()
    browser.sign_in(make_user(session, _without(Module.THIRD_PARTIES, Action.SEE)))
    with pytest.raises(AccessDenied):
        browser.run(ClientsListState, "load_list")


def test_a_rep_limited_to_his_clients_sees_and_opens_only_them(browser, session):
    reference_data()
    rep = _restricted_rep(session)
    other = make_user(session)
    mine = _client(session, "Mon école", rep)
    theirs = _client(session, "Leur école", other)
    browser.sign_in(rep)
    browser.run(ClientsListState, "open_clients")
    browser.run(ClientsListState, "load_list")
    names = [row["name"] for row in rows_of(browser.state(ClientsListState))]
    assert names == ["Mon école"]
    assert browser.state(ClientsListState).can_assign is False
    _open_client(browser, theirs.id)
    browser.run(ClientFormState, "load")
    assert browser.state(ClientFormState).not_found is True
    _open_client(browser, mine.id)
    browser.run(ClientFormState, "load")
    assert browser.state(ClientFormState).title == "Mon école"


def test_a_duplicate_is_shown_with_a_link_and_created_only_when_confirmed(browser, session):
    reference_data()
    existing = _client(session, "Lycée Balzac", email="contact@balzac.fr")
    browser.sign_in(make_user(session))
    _open_client(browser, "nouveau")
    browser.run(ClientFormState, "load")
    data = {
        "client_type": "scolaire",
        "status": "prospect",
        "language": "fr",
        "name": "Lycée H. de Balzac",
        "email": "CONTACT@balzac.fr",
    }
    before = _count(session, Client)
    browser.run(ClientFormState, "save", data)
    state = browser.state(ClientFormState)
    assert [(d.client_id, d.reason) for d in state.duplicates] == [(existing.id, "même e-mail")]
    assert _count(session, Client) == before
    events = browser.run(ClientFormState, "save", {**data, "confirm_duplicate": "on"})
    assert _count(session, Client) == before + 1
    created = session.exec(select(Client).where(Client.name == "Lycée H. de Balzac")).one()
    assert routes.record_url(routes.TIERS_CLIENTS, created.id) in str(events)


def test_a_prospect_is_converted_into_a_client(browser, session):
    reference_data()
    client = _client(session)
    browser.sign_in(make_user(session))
    _open_client(browser, client.id)
    browser.run(ClientFormState, "load")
    browser.run(ClientFormState, "convert_to_client")
    session.refresh(client)
    assert client.status == "client"
    assert browser.state(ClientFormState).values["status"] == "client"


def test_converting_needs_the_edit_right(browser, session):
    reference_data()
    client = _client(session)
    browser.sign_in(make_user(session, _without(Module.THIRD_PARTIES, Action.EDIT)))
    _open_client(browser, client.id)
    browser.run(ClientFormState, "load")
    with pytest.raises(AccessDenied):
        browser.run(ClientFormState, "convert_to_client")
    with pytest.raises(AccessDenied):
        browser.run(
            ClientFormState,
            "save_next_action",
            {"next_action_kind": "appel", "next_action_on": "2030-01-01"},
        )
    session.refresh(client)
    assert client.status == "prospect" and client.next_action_kind == ""


def test_contacts_are_added_edited_and_removed_in_the_client_page(browser, session):
    reference_data()
    client = _client(session)
    browser.sign_in(make_user(session))
    _open_client(browser, client.id)
    browser.run(ClientContactsState, "load_children")
    browser.run(ClientContactsState, "open_new")
    state = browser.state(ClientContactsState)
    assert state.dialog_open is True
    browser.run(ClientContactsState, "save_child", {"last_name": "", "email": "faux"})
    assert set(state.errors) >= {"last_name", "email"}
    browser.run(
        ClientContactsState,
        "save_child",
        {"first_name": "Anne", "last_name": "Morel", "email": "anne@college.fr", "is_main": "on"},
    )
    assert state.dialog_open is False and state.total == 1
    contact_id = state.rows[0].id
    browser.run(ClientContactsState, "open_existing", contact_id)
    assert state.values["last_name"] == "Morel"
    browser.run(ClientContactsState, "delete_child")
    assert state.total == 0
    deleted = session.get(Contact, int(contact_id))
    session.refresh(deleted)
    assert deleted.deleted_at is not None


def test_contacts_cannot_be_changed_without_the_edit_right(browser, session):
    reference_data()
    client = _client(session)
    browser.sign_in(make_user(session, _without(Module.THIRD_PARTIES, Action.EDIT)))
    _open_client(browser, client.id)
    browser.run(ClientContactsState, "load_children")
    with pytest.raises(AccessDenied):
        browser.run(ClientContactsState, "open_new")
    with pytest.raises(AccessDenied):
        browser.run(ClientContactsState, "save_child", {"last_name": "Morel"})
    assert _count(session, Contact) == 0


def test_the_contacts_of_a_client_out_of_reach_are_not_listed(browser, session):
    reference_data()
    rep = _restricted_rep(session)
    theirs = _client(session, "Leur école", make_user(session))
    session.add(Contact(client_id=theirs.id, last_name="Secret"))
    session.commit()
    browser.sign_in(rep)
    _open_client(browser, theirs.id)
    browser.run(ClientContactsState, "load_children")
    assert browser.state(ClientContactsState).rows == []
    browser.run(ClientContactsState, "open_new")
    assert browser.state(ClientContactsState).dialog_open is False


class _Upload:
    def __init__(self, name: str, data: bytes) -> None:
        self.filename, self._data = name, data

    async def read(self, size: int = -1) -> bytes:
        return self._data


def test_documents_are_uploaded_and_removed_with_the_edit_right_only(browser, session):
    reference_data()
    client = _client(session)
    browser.sign_in(make_user(session, _without(Module.THIRD_PARTIES, Action.EDIT)))
    _open_client(browser, client.id)
    browser.run(ClientDocumentsState, "load_documents")
    with pytest.raises(AccessDenied):
        browser.run(
            ClientDocumentsState, "upload_document", [_Upload("contrat.pdf", b"%PDF-1.4 test")]
        )
    assert _count(session, PartyDocument) == 0

    browser.sign_in(make_user(session))
    browser.run(ClientDocumentsState, "load_documents")
    browser.run(
        ClientDocumentsState,
        "upload_document",
        [_Upload("contrat.pdf", b"%PDF-1.4 test"), _Upload("virus.exe", b"MZ")],
    )
    state = browser.state(ClientDocumentsState)
    assert state.total == 1 and "virus.exe" in state.document_error
    browser.run(ClientDocumentsState, "remove_document", state.rows[0].id)
    assert state.total == 0


def test_a_visit_report_draft_survives_a_reload_and_is_then_validated(browser, session):
    reference_data()
    rep = make_user(session)
    client = _client(session, "CSE Michelin", rep)
    contact = Contact(client_id=client.id, last_name="Durand", first_name="Paul")
    session.add(contact)
    session.commit()
    browser.sign_in(rep)
    browser.visit(
        routes.record_route(routes.TIERS_REPORTS),
        routes.record_url(routes.TIERS_REPORTS, "nouveau"),
        record_id="nouveau",
        client=str(client.id),
    )
    events = browser.run(ReportFormState, "open_report")
    report = session.exec(select(VisitReport)).one()
    assert f"/tiers/comptes-rendus/{report.id}" in str(events)
    state = browser.state(ReportFormState)
    assert state.client_name == "CSE Michelin" and state.contact_options[0].label == "Paul Durand"
    browser.run(ReportFormState, "keep", "subject", "Programme printemps")
    browser.run(ReportFormState, "keep", "body", "Intéressés par Chambord.")
    browser.run(ReportFormState, "toggle_contact", str(contact.id))
    browser.run(ReportFormState, "keep", "next_action_on", "2026-13-45")
    assert "Date invalide" in state.errors["next_action_on"]

    reloaded = type(browser)()  # the page reloaded: a new state tree
    reloaded.sign_in(rep)
    reloaded.visit(
        routes.record_route(routes.TIERS_REPORTS),
        routes.record_url(routes.TIERS_REPORTS, report.id),
        record_id=str(report.id),
    )
    reloaded.run(ReportFormState, "open_report")
    again = reloaded.state(ReportFormState)
    assert again.draft["subject"] == "Programme printemps"
    assert again.draft["contacts"] == str(contact.id)
    reloaded.run(ReportFormState, "keep", "next_action_kind", "devis")
    reloaded.run(ReportFormState, "validate")
    assert "next_action_on" in again.errors
    reloaded.run(ReportFormState, "keep", "next_action_on", "2030-01-15")
    reloaded.run(ReportFormState, "validate")
    session.refresh(report)
    session.refresh(client)
    assert report.status == "valide"
    assert client.last_visit_on == report.visit_on and client.next_action_kind == "devis"


def test_validating_an_incomplete_report_toasts_to_complete_the_fields(browser, session):
    reference_data()
    rep = make_user(session)
    client = _client(session, "CSE Michelin", rep)
    browser.sign_in(rep)
    browser.visit(
        routes.record_route(routes.TIERS_REPORTS),
        routes.record_url(routes.TIERS_REPORTS, "nouveau"),
        record_id="nouveau",
        client=str(client.id),
    )
    browser.run(ReportFormState, "open_report")
    events = browser.run(ReportFormState, "validate")
    assert "Complétez les champs signalés." in str(events)
    assert "subject" in browser.state(ReportFormState).errors


def test_writing_a_report_needs_the_create_right(browser, session):
    reference_data()
    browser.sign_in(make_user(session, _without(Module.THIRD_PARTIES, Action.CREATE)))
    browser.visit(
        routes.record_route(routes.TIERS_REPORTS),
        routes.record_url(routes.TIERS_REPORTS, "nouveau"),
        record_id="nouveau",
    )
    with pytest.raises(AccessDenied):
        browser.run(ReportFormState, "open_report")
    assert _count(session, VisitReport) == 0


def test_reassigning_clients_in_bulk(browser, session):
    reference_data()
    admin = make_user(session)
    rep = make_user(session, set())
    rep.is_sales_rep = True
    session.add(rep)
    session.commit()
    first, second = _client(session, "A"), _client(session, "B")
    browser.sign_in(admin)
    browser.run(ClientsListState, "open_clients")
    browser.run(ClientsListState, "load_list")
    browser.run(ClientsListState, "toggle_page")
    state = browser.state(ClientsListState)
    assert set(state.selected) == {str(first.id), str(second.id)}
    browser.run(ClientsListState, "assign_selected", {"sales_rep_id": ""})
    assert state.assign_error == "Choisissez un commercial."
    browser.run(ClientsListState, "assign_selected", {"sales_rep_id": str(rep.id)})
    session.refresh(first)
    session.refresh(second)
    assert first.sales_rep_id == second.sales_rep_id == rep.id
    assert state.selected == []
    audits = session.exec(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_type == "client")
    ).one()
    assert audits >= 2


def test_reassigning_needs_the_edit_right(browser, session):
    reference_data()
    client = _client(session)
    browser.sign_in(make_user(session, _without(Module.THIRD_PARTIES, Action.EDIT)))
    browser.run(ClientsListState, "load_list")
    browser.run(ClientsListState, "toggle_row", str(client.id))
    with pytest.raises(AccessDenied):
        browser.run(ClientsListState, "assign_selected", {"sales_rep_id": "1"})


def test_a_segment_is_saved_then_reapplied(browser, session):
    reference_data()
    _client(session, "École A", status="client")
    _client(session, "École B", status="prospect")
    browser.sign_in(make_user(session))
    browser.run(ClientsListState, "open_clients")
    browser.run(ClientsListState, "load_list")
    browser.run(ClientsListState, "save_segment", {"segment_name": "Prospects"})
    state = browser.state(ClientsListState)
    assert "segment_name" in state.segment_errors  # nothing filtered yet
    browser.run(ClientsListState, "filter_changed", "status", "prospect")
    browser.run(ClientsListState, "save_segment", {"segment_name": "Prospects"})
    assert [(s.name, s.shared, s.mine) for s in state.segments] == [("Prospects", False, True)]
    browser.run(ClientsListState, "clear_filters")
    assert state.total == 2
    browser.run(ClientsListState, "apply_segment", state.segments[0].id)
    assert state.total == 1 and state.filters == {"status": "prospect"}
    browser.run(ClientsListState, "delete_segment", state.segments[0].id)
    assert state.segments == []


def test_another_users_private_segment_is_refused_with_the_reason(browser, session):
    reference_data()
    _client(session, "École B", status="prospect")
    browser.sign_in(make_user(session))
    browser.run(ClientsListState, "open_clients")
    browser.run(ClientsListState, "filter_changed", "status", "prospect")
    browser.run(ClientsListState, "save_segment", {"segment_name": "Mes prospects"})
    segment_id = browser.state(ClientsListState).segments[0].id

    other = type(browser)()
    other.sign_in(make_user(session))
    other.run(ClientsListState, "open_clients")
    assert "Segment introuvable." in str(other.run(ClientsListState, "apply_segment", segment_id))
    refused = other.run(ClientsListState, "delete_segment", segment_id)
    assert "Seul l'auteur d'un segment peut le supprimer." in str(refused)


def test_follow_ups_and_clients_to_visit_show_the_reps_own_clients(browser, session):
    from datetime import timedelta

    reference_data()
    rep = make_user(session)
    _client(
        session,
        "À relancer",
        rep,
        status="client",
        next_action_kind="appel",
        next_action_on=formats.today() - timedelta(days=2),
    )
    _client(session, "Jamais vu", rep, status="client")
    _client(
        session,
        "D'un autre",
        make_user(session),
        status="client",
        next_action_kind="appel",
        next_action_on=formats.today(),
    )
    browser.sign_in(rep)
    browser.run(FollowUpsState, "open_follow_ups")
    browser.run(FollowUpsState, "load_list")
    assert [r["name"] for r in rows_of(browser.state(FollowUpsState))] == ["À relancer"]
    browser.run(ToVisitState, "open_to_visit")
    browser.run(ToVisitState, "load_list")
    assert {r["name"] for r in rows_of(browser.state(ToVisitState))} == {"À relancer", "Jamais vu"}
    with pytest.raises(AccessDenied):
        browser.sign_in(make_user(session, _without(Module.PARAMETERS, Action.EDIT)))
        browser.run(ToVisitState, "set_months", {"months": "3"})


def test_an_import_file_is_read_and_its_columns_guessed(browser, session):
    reference_data()
    browser.sign_in(make_user(session))
    browser.run(ImportState, "open_import")
    csv = (
        "Raison sociale;Type;Code postal;Ville;Adresse;Mail\nÉcole Jean-Zay;Scolaire;37000;"
        "Tours;1 rue X;jz@ecole.fr\n".encode()
    )
    browser.run(ImportState, "upload_file", [_Upload("clients.csv", csv)])
    state = browser.state(ImportState)
    assert state.row_count == 1 and state.headers[0] == "Raison sociale"
    assert state.mapping["0"] == "name" and state.mapping["5"] == "email"
    browser.run(ImportState, "map_column", "5", "not_a_field")
    assert state.mapping["5"] == "email"
    browser.run(ImportState, "upload_file", [_Upload("clients.pdf", b"%PDF")])
    assert "xlsx" in state.file_error


def test_importing_needs_the_create_right(browser, session):
    reference_data()
    browser.sign_in(make_user(session, _without(Module.THIRD_PARTIES, Action.CREATE)))
    with pytest.raises(AccessDenied):
        browser.run(ImportState, "open_import")
    with pytest.raises(AccessDenied):
        browser.run(ImportState, "upload_file", [_Upload("c.csv", b"a;b\n1;2\n")])
