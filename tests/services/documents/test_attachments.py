"""Private documents of a client or supplier: checked on the way in, kept once by content in the
private folder, read only by whoever may see their file."""

from __future__ import annotations

import hashlib
import itertools
import os
import uuid

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import AuditEntry, Client, PartyDocument, Supplier
from agence.services.common.forms import FormErrors
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
from agence.services.documents import attachments
from agence.services.documents.attachments import MAX_BYTES
from agence.settings import get_settings
from tests.factories import actor_for, make_profile, make_user

_codes = itertools.count(1)


def pdf() -> bytes:
    """A PDF-looking file whose content is new to this test run (files outlive the database)."""
    return b"%PDF-1.7\n" + uuid.uuid4().hex.encode() + b"\n%%EOF\n"


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + uuid.uuid4().bytes


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
    return actor_for(make_user(session, profile=profile))


def add_client(session: Session, name: str, rep: Actor | None = None) -> int:
    client = Client(
        name=name,
        search_name=normalize_text(name),
        client_type="ce",
        account_code=f"411{next(_codes):05d}",
        sales_rep_id=rep.user_id if rep else None,
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


def store(
    actor: Actor,
    parent_id: int,
    file_name: str,
    data: bytes,
    title: str = "",
    parent_field: str = "client_id",
) -> PartyDocument:
    with session_scope() as session:
        return attachments.store_document(
            session, actor, parent_field, parent_id, file_name, data, title
        )


def store_refused(actor: Actor, parent_id: int, file_name: str, data: bytes) -> dict[str, str]:
    with pytest.raises(FormErrors) as failure:
        store(actor, parent_id, file_name, data)
    return failure.value.errors


def remove(actor: Actor, parent_id: int, document_id: int, parent_field: str = "client_id"):
    with session_scope() as session:
        attachments.remove_document(session, actor, parent_field, parent_id, document_id)


def read(actor: Actor, document_id: int):
    with session_scope() as session:
        return attachments.readable_document(session, actor, document_id)


def stored(document_id: int) -> PartyDocument:
    with session_scope() as session:
        return session.get(PartyDocument, document_id)


def count() -> int:
    with session_scope() as session:
        return session.exec(select(func.count()).select_from(PartyDocument)).one()


def audit_entries() -> list[AuditEntry]:
    with session_scope() as session:
        return list(session.exec(select(AuditEntry).order_by(AuditEntry.id)))


@pytest.fixture
def admin(session) -> Actor:
    return make_actor(session)


@pytest.fixture
def client_id(session) -> int:
    return add_client(session, "Comité SNCF")


# --- Storing -----------------------------------------------------------------------------------


def test_a_pdf_is_kept_in_the_private_folder_under_its_sha256(admin, client_id):
    data = pdf()
    document = stored(store(admin, client_id, "Contrat signé.pdf", data).id)
    digest = hashlib.sha256(data).hexdigest()
    assert document.stored_name == f"documents/{digest}.pdf"
    assert (document.sha256, document.size, document.mime_type) == (
        digest,
        len(data),
        "application/pdf",
    )
    assert (document.file_name, document.title) == ("Contrat signé.pdf", "Contrat signé")
    assert (document.client_id, document.supplier_id, document.uploaded_by_id) == (
        client_id,
        None,
        admin.user_id,
    )
    path = get_settings().files_dir / document.stored_name
    assert path.read_bytes() == data
    assert get_settings().files_dir == get_settings().data_dir / "fichiers"


def test_a_png_is_accepted_whatever_the_case_of_its_extension(admin, client_id):
    document = store(admin, client_id, "plan.PNG", png(), title="  Plan d'accès  ")
    assert (document.mime_type, document.title) == ("image/png", "Plan d'accès")
    assert document.stored_name.endswith(".png")


def test_a_document_of_a_supplier_is_attached_to_the_supplier(admin, session):
    supplier = add_supplier(session, "Hôtel de l'Univers")
    document = store(admin, supplier, "tarifs.pdf", pdf(), parent_field="supplier_id")
    assert (document.client_id, document.supplier_id) == (None, supplier)


def test_only_the_file_name_is_kept_not_its_folders(admin, client_id):
    document = store(admin, client_id, "../../etc/contrat.pdf", pdf())
    assert document.file_name == "contrat.pdf"
    assert document.stored_name.startswith("documents/")


def test_a_right_to_left_override_cannot_disguise_the_extension_of_a_kept_file(admin, client_id):
    """With the override, « contrat‮fdp.docx » shows as « contratxcod.pdf »: a Word file
    passing for a PDF in the list, the e-mails and the downloads."""
    data = b"PK\x03\x04" + uuid.uuid4().bytes
    document = store(admin, client_id, "contrat\u202efdp.docx", data)
    assert document.file_name == "contratfdp.docx"
    assert document.title == "contratfdp"


def test_invisible_characters_are_taken_out_of_a_kept_file_name(admin, client_id):
    document = store(admin, client_id, "contrat\u200e sign\u00e9\u2067.pdf\u2069", pdf())
    assert (document.file_name, document.title) == ("contrat signé.pdf", "contrat signé")


@pytest.mark.parametrize("file_name", ["script.exe", "page.html", "contrat", "archive.pdf.zip"])
def test_an_unknown_extension_is_refused(admin, client_id, file_name):
    assert store_refused(admin, client_id, file_name, pdf()) == {
        "document": "Format refusé : PDF, image, Word, Excel, OpenDocument ou texte."
    }
    assert count() == 0


def test_an_empty_file_is_refused(admin, client_id):
    assert store_refused(admin, client_id, "vide.pdf", b"") == {"document": "Fichier vide."}


def test_a_file_over_10_mb_is_refused(admin, client_id):
    data = b"%PDF" + b"0" * (MAX_BYTES - 3)
    assert store_refused(admin, client_id, "lourd.pdf", data) == {
        "document": "Fichier trop lourd : 10 Mo au plus."
    }
    assert count() == 0


def test_a_file_of_exactly_10_mb_is_accepted(admin, client_id):
    data = b"%PDF" + uuid.uuid4().hex.encode() + b"0" * (MAX_BYTES - 36)
    assert len(data) == MAX_BYTES
    assert store(admin, client_id, "juste.pdf", data).size == MAX_BYTES


@pytest.mark.parametrize(
    ("file_name", "data"),
    [
        ("faux.pdf", b"<html>pas un PDF</html>"),
        ("faux.png", b"%PDF-1.7 un PDF deguise"),
        ("faux.jpg", b"GIF89a"),
        ("faux.docx", b"%PDF-1.7"),
    ],
)
def test_a_file_whose_content_does_not_match_its_extension_is_refused(
    admin, client_id, file_name, data
):
    assert store_refused(admin, client_id, file_name, data) == {
        "document": "Le contenu du fichier ne correspond pas à son extension."
    }
    assert count() == 0


def test_a_text_file_has_no_signature_to_check(admin, client_id):
    data = f"Conditions {uuid.uuid4()}".encode()
    assert store(admin, client_id, "conditions.txt", data).mime_type == "text/plain"


def test_the_same_content_stored_twice_is_written_once(admin, session, client_id):
    other = add_client(session, "École Jules Ferry")
    data = pdf()
    first = store(admin, client_id, "contrat.pdf", data)
    path = get_settings().files_dir / first.stored_name
    os.utime(path, (1_000_000_000, 1_000_000_000))
    second = store(admin, other, "copie.pdf", data)
    assert second.stored_name == first.stored_name
    assert path.stat().st_mtime == 1_000_000_000
    assert count() == 2
    assert len(list(path.parent.glob(f"{hashlib.sha256(data).hexdigest()}*"))) == 1


def test_storing_a_document_is_audited_on_its_client(admin, client_id):
    store(admin, client_id, "contrat.pdf", pdf(), title="Contrat 2026")
    [entry] = audit_entries()
    assert (entry.action, entry.entity_type, entry.entity_id, entry.entity_label) == (
        "fichier",
        "client",
        str(client_id),
        "Comité SNCF",
    )
    assert entry.changes == {"document": [None, "Contrat 2026"]}


def test_storing_a_document_needs_the_edit_right(session, client_id):
    actor = make_actor(
        session, {Right(Module.THIRD_PARTIES, a) for a in (Action.SEE, Action.CREATE)}
    )
    with pytest.raises(AccessDenied):
        store(actor, client_id, "contrat.pdf", pdf())
    assert count() == 0


def test_a_document_cannot_be_stored_on_a_client_out_of_reach(session, client_id):
    limited = make_actor(session, own_clients_only=True)
    with pytest.raises(RecordNotFound):
        store(limited, client_id, "contrat.pdf", pdf())
    with pytest.raises(RecordNotFound):
        store(limited, 999999, "contrat.pdf", pdf())
    assert count() == 0


# --- Removing ----------------------------------------------------------------------------------


def test_removing_a_document_keeps_its_row_with_a_deletion_date(admin, client_id):
    document = store(admin, client_id, "contrat.pdf", pdf(), title="Contrat")
    remove(admin, client_id, document.id)
    assert stored(document.id).deleted_at is not None
    entry = audit_entries()[-1]
    assert (entry.action, entry.entity_type, entry.changes) == (
        "suppression",
        "client",
        {"document": ["Contrat", None]},
    )


def test_a_document_is_removed_only_through_its_own_client(admin, session, client_id):
    other = add_client(session, "École Jules Ferry")
    document = store(admin, client_id, "contrat.pdf", pdf())
    with pytest.raises(RecordNotFound):
        remove(admin, other, document.id)
    with pytest.raises(RecordNotFound):
        remove(admin, client_id, 999999)
    assert stored(document.id).deleted_at is None


def test_a_removed_document_cannot_be_removed_again(admin, client_id):
    document = store(admin, client_id, "contrat.pdf", pdf())
    remove(admin, client_id, document.id)
    with pytest.raises(RecordNotFound):
        remove(admin, client_id, document.id)


def test_removing_a_document_needs_the_edit_right(admin, session, client_id):
    document = store(admin, client_id, "contrat.pdf", pdf())
    actor = make_actor(
        session, {Right(Module.THIRD_PARTIES, a) for a in (Action.SEE, Action.DELETE)}
    )
    with pytest.raises(AccessDenied):
        remove(actor, client_id, document.id)
    assert stored(document.id).deleted_at is None


# --- Reading -----------------------------------------------------------------------------------


def test_a_document_is_read_by_a_user_who_may_see_its_client(admin, session, client_id):
    data = pdf()
    document = store(admin, client_id, "contrat.pdf", data)
    reader = make_actor(session, {Right(Module.THIRD_PARTIES, Action.SEE)})
    path, found = read(reader, document.id)
    assert path.read_bytes() == data
    assert found.id == document.id
    assert path.is_relative_to(get_settings().files_dir)


def test_a_supplier_document_is_read_through_its_supplier(admin, session):
    supplier = add_supplier(session, "Hôtel de l'Univers")
    data = pdf()
    document = store(admin, supplier, "tarifs.pdf", data, parent_field="supplier_id")
    path, _ = read(admin, document.id)
    assert path.read_bytes() == data


def test_reading_a_document_needs_the_see_right(admin, session, client_id):
    document = store(admin, client_id, "contrat.pdf", pdf())
    with pytest.raises(AccessDenied):
        read(make_actor(session, {Right(Module.CATALOGUE, Action.SEE)}), document.id)


def test_a_removed_document_cannot_be_read(admin, client_id):
    document = store(admin, client_id, "contrat.pdf", pdf())
    remove(admin, client_id, document.id)
    with pytest.raises(RecordNotFound):
        read(admin, document.id)
    with pytest.raises(RecordNotFound):
        read(admin, 999999)


def test_a_document_of_a_client_out_of_reach_cannot_be_read(admin, session):
    limited = make_actor(session, own_clients_only=True)
    his = add_client(session, "Le sien", limited)
    theirs = add_client(session, "Pas le sien")
    readable = store(admin, his, "a.pdf", pdf())
    hidden = store(admin, theirs, "b.pdf", pdf())
    assert read(limited, readable.id)[1].client_id == his
    with pytest.raises(RecordNotFound):
        read(limited, hidden.id)


def test_a_document_whose_file_is_missing_is_not_found(admin, client_id):
    document = store(admin, client_id, "contrat.pdf", pdf())
    (get_settings().files_dir / document.stored_name).unlink()
    with pytest.raises(RecordNotFound):
        read(admin, document.id)


def test_a_document_of_a_deleted_client_cannot_be_read(admin, session, client_id):
    document = store(admin, client_id, "contrat.pdf", pdf())
    client = session.get(Client, client_id)
    client.deleted_at = client.updated_at
    session.add(client)
    session.commit()
    with pytest.raises(RecordNotFound):
        read(admin, document.id)


def test_a_product_document_needs_the_catalogue_rights_not_the_third_parties_ones(session):
    from tests.factories import make_product, reference_data

    reference_data()
    product_id = make_product(session, "Visite de Blois").id or 0
    catalogue_only = make_actor(session, {r for r in ALL_RIGHTS if r.module == Module.CATALOGUE})
    document = store(catalogue_only, product_id, "brochure.pdf", pdf(), parent_field="product_id")
    assert stored(document.id).product_id == product_id
    assert read(catalogue_only, document.id)[1].title == "brochure"
    third_parties_only = make_actor(
        session, {r for r in ALL_RIGHTS if r.module == Module.THIRD_PARTIES}
    )
    with pytest.raises(AccessDenied):
        read(third_parties_only, document.id)
    with pytest.raises(AccessDenied):
        store(third_parties_only, product_id, "tarifs.pdf", pdf(), parent_field="product_id")


def test_a_dossier_document_follows_the_dossiers_rights_and_scope(session):
    from agence.services.bookings.bookings import create_booking, creation_defaults
    from tests.factories import make_client, make_site, reference_data

    reference_data()
    site = make_site(session, "VDL")
    admin = make_actor(session)
    client = make_client(session, "CSE Michelin")
    with session_scope() as work:
        booking = create_booking(
            work,
            admin,
            {
                **creation_defaults(work, admin),
                "client_id": str(client.id),
                "site_id": str(site.id),
                "title": "Séminaire",
                "starts_on": "2027-03-01",
            },
        )
    document = store(admin, booking.id, "rooming.pdf", pdf(), parent_field="booking_id")
    assert stored(document.id).booking_id == booking.id
    rep = make_actor(session, own_clients_only=True)
    with pytest.raises(RecordNotFound):
        read(rep, document.id)
