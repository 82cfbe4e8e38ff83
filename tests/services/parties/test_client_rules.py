"""Rules of the client file added after review: SIREN alone, clearing the billing address,
account codes never lost, accent-blind case folding on every database."""

from __future__ import annotations

import pytest
from sqlmodel import select

from agence.db import session_scope
from agence.models import Address, Client
from agence.services.common import records
from agence.services.common.forms import FormErrors, parse_siren_or_siret
from agence.services.parties.clients import CLIENTS
from tests.factories import actor_for, make_user, reference_data

BASE = {
    "client_type": "association",
    "status": "client",
    "language": "fr",
    "name": "Amicale laïque de Joué",
}


@pytest.fixture
def admin(session):
    reference_data()
    return actor_for(make_user(session))


def _save(actor, data, record_id=None):
    with session_scope() as session:
        return records.save(session, actor, CLIENTS, record_id, data).id


def test_a_body_may_give_only_its_siren():
    assert parse_siren_or_siret("812 345 676") == "812345676"
    assert parse_siren_or_siret("81234567600017") == "81234567600017"
    with pytest.raises(ValueError, match="SIREN invalide"):
        parse_siren_or_siret("812345677")


def test_emptying_the_billing_address_removes_it(admin):
    client_id = _save(
        admin,
        {
            **BASE,
            "billing_line1": "1 rue A",
            "billing_postcode": "37300",
            "billing_city": "Joué-lès-Tours",
        },
    )
    _save(admin, {**BASE, "account_code": ""}, client_id)
    with session_scope() as session:
        client = session.get(Client, client_id)
        addresses = session.exec(select(Address).where(Address.client_id == client_id)).all()
    assert client.city == "" and all(a.deleted_at is not None for a in addresses)


def test_a_blank_account_code_keeps_the_code_already_given(admin):
    client_id = _save(admin, BASE)
    _save(admin, {**BASE, "account_code": ""}, client_id)
    with session_scope() as session:
        assert session.get(Client, client_id).account_code == "41100001"


def test_uniqueness_ignores_the_case_of_accented_capitals(admin):
    """SQLite's own lower() folds ASCII only; the app's connection folds like PostgreSQL."""
    from agence.services.settings.payment_methods import PAYMENT_METHODS

    with session_scope() as session:
        records.save(
            session,
            admin,
            PAYMENT_METHODS,
            None,
            {"code": "ETE", "label": "Chèques Été", "active": "on"},
        )
    with session_scope() as session, pytest.raises(FormErrors) as refused:
        records.save(
            session,
            admin,
            PAYMENT_METHODS,
            None,
            {"code": "ETE2", "label": "CHÈQUES ÉTÉ", "active": "on"},
        )
    assert refused.value.errors["label"] == "Cette valeur est déjà utilisée."


def test_a_new_draft_report_clears_the_reps_untouched_ones(admin):
    from agence.models import VisitReport
    from agence.services.parties import crm

    with session_scope() as session:
        empty = crm.open_draft(session, admin).id
        written = crm.open_draft(session, admin).id
        crm.save_draft_field(session, admin, written, "subject", "Salon des CE")
        crm.open_draft(session, admin)
    with session_scope() as session:
        assert session.get(VisitReport, empty).deleted_at is not None
        assert session.get(VisitReport, written).deleted_at is None
