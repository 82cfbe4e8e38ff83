"""The dossier's « Documents » tab: a document kept as it is (an issued invoice's PDF) is
refused with its reason, never announced as « Document retiré. »; an uploaded one goes."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlmodel import select

from agence import routes
from agence.db import session_scope
from agence.models import Booking, PartyDocument, User
from agence.services.admin import auth
from agence.services.billing import invoicing
from agence.services.bookings.bookings import change_status
from agence.services.bookings.lifecycle import Status
from agence.services.common.permissions import Action, Module, Right
from agence.services.demo.seed import seed_demo
from agence.services.documents import attachments
from agence.state.bookings.dossier import BookingDocumentsState
from tests.factories import demo_dossier, make_user
from tests.state.common.listing import rows_of


@pytest.fixture
def demo(session):
    seed_demo(session)
    session.commit()
    return session


@pytest.fixture
def confirmed(demo) -> Booking:
    admin = demo.exec(select(User).where(User.email == "admin@escapades-loire.fr")).one()
    actor = auth.load_actor(demo, admin.id)
    booking = demo_dossier(actor, "2027-05-12")
    with session_scope() as s:
        return change_status(s, actor, booking.id, Status.CONFIRMED)


def _issued_invoice_document(session, booking: Booking) -> int:
    admin = session.exec(select(User).where(User.email == "admin@escapades-loire.fr")).one()
    actor = auth.load_actor(session, admin.id)
    with session_scope() as s:
        draft = invoicing.create_deposit(s, actor, booking.id, percent="30")
    with session_scope() as s:
        return invoicing.issue(s, actor, draft.id, date(2027, 3, 1)).document_id


def _toast(result) -> str:
    """« error » or « success »: the kind of toast a handler answered with."""
    text = str(result)
    return "error" if '["error"]' in text else "success" if '["success"]' in text else ""


def _removed(session, document_id: int) -> bool:
    session.expire_all()
    return session.get(PartyDocument, document_id).deleted_at is not None


def test_removing_an_issued_invoice_pdf_shows_the_refusal_not_document_removed(
    browser, demo, confirmed
):
    document_id = _issued_invoice_document(demo, confirmed)
    editor = make_user(demo, {Right(Module.BOOKINGS, a) for a in (Action.SEE, Action.EDIT)})
    browser.sign_in(editor)
    browser.visit(
        routes.record_route(routes.BOOKINGS),
        routes.record_url(routes.BOOKINGS, confirmed.id),
        record_id=str(confirmed.id),
    )
    browser.run(BookingDocumentsState, "load_documents")
    answer = browser.run(BookingDocumentsState, "remove_document", str(document_id))
    assert _toast(answer) == "error"
    assert "Document retiré" not in str(answer)
    assert not _removed(demo, document_id)
    state = browser.state(BookingDocumentsState)
    [row] = [row for row in rows_of(state) if row["id"] == str(document_id)]
    assert row["kept"] == "Oui"  # the tab offers no « Retirer » on it


def test_removing_an_uploaded_document_of_the_dossier_says_it_is_removed(browser, demo, confirmed):
    editor = make_user(demo, {Right(Module.BOOKINGS, a) for a in (Action.SEE, Action.EDIT)})
    with session_scope() as s:
        document = attachments.store_document(
            s,
            auth.load_actor(s, editor.id),
            "booking_id",
            confirmed.id,
            "rooming.pdf",
            b"%PDF-1.7\n" + uuid.uuid4().hex.encode(),
        )
    browser.sign_in(editor)
    browser.visit(
        routes.record_route(routes.BOOKINGS),
        routes.record_url(routes.BOOKINGS, confirmed.id),
        record_id=str(confirmed.id),
    )
    browser.run(BookingDocumentsState, "load_documents")
    state = browser.state(BookingDocumentsState)
    assert [row["kept"] for row in rows_of(state) if row["id"] == str(document.id)] == [""]
    answer = browser.run(BookingDocumentsState, "remove_document", str(document.id))
    assert _toast(answer) == "success"
    assert _removed(demo, document.id)
    assert all(row.id != str(document.id) for row in state.rows)
