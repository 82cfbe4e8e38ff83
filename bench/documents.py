"""Documents and e-mail benchmarks: a quote, a contract and a voucher of the demo dossier made
(database read + templates + PDF) and rendered alone (PDF only), and 200 e-mails, each with the
quote attached, sent by the background job's batch to a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import io
import threading
import time
from dataclasses import replace
from datetime import date

EMAILS = 200


def _pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def documents_benchmarks(actor, timed) -> dict[str, object]:
    from sqlmodel import select

    from agence.db import session_scope
    from agence.models import Client
    from agence.services.bookings import bookings
    from agence.services.bookings.lifecycle import Status
    from agence.services.documents import builder, correspondence, issuing, render
    from agence.services.documents.content import DocumentKind
    from agence.services.settings import mail_settings
    from tests.smtp_server import running_smtp

    with session_scope() as session:
        client = session.exec(select(Client).where(Client.name == "Collège Anatole-France")).one()
        data = {
            **bookings.creation_defaults(session, actor),
            "client_id": str(client.id),
            "starts_on": "2027-05-12",
            "catalogue_dossier_id": bookings.creation_choices(session)["catalogue_dossier_id"][0][
                0
            ],
        }
        booking_id = bookings.create_booking(session, actor, data).id or 0
    with session_scope() as session:
        bookings.change_status(session, actor, booking_id, Status.CONFIRMED)
    with session_scope() as session:
        booking = bookings.get_booking(session, actor, booking_id)
        supplier_id = builder.suppliers_of(session, booking)[0].id

    requests = {
        "quote_with_grid": issuing.DocumentRequest(DocumentKind.QUOTE, "fr", with_grid=True),
        "contract": issuing.DocumentRequest(DocumentKind.CONTRACT, "fr"),
        "voucher": issuing.DocumentRequest(DocumentKind.VOUCHER, "fr", supplier_id=supplier_id),
    }
    results: dict[str, object] = {}
    for name, request in requests.items():

        def make(request=request):
            with session_scope() as session:
                return issuing.make_document(session, actor, booking_id, request)

        made = make()
        results[f"document_{name}_made"] = {
            **timed(make, repeat=10),
            "pages": _pages(made.data),
            "kib": round(len(made.data) / 1024, 1),
        }
    # The PDF alone, on the quote's content with a long programme: three pages.
    with session_scope() as session:
        booking = bookings.get_booking(session, actor, booking_id)
        content = builder.client_document(session, booking, DocumentKind.QUOTE, "fr")
    days = tuple(replace(content.programme[0], day=date(2027, 5, 12 + n)) for n in range(4))
    long_quote = replace(content, programme=days * 2)
    data = render.render_client_document(long_quote)
    results["document_quote_rendered_pdf_only"] = {
        **timed(lambda: render.render_client_document(long_quote), repeat=10),
        "pages": _pages(data),
    }

    with running_smtp() as server:
        with session_scope() as session:
            mail_settings.save(
                session,
                actor,
                {
                    "host": "127.0.0.1",
                    "port": str(server.port),
                    "security": "none",
                    "sender_address": "resa@escapades-loire.fr",
                    "timeout_seconds": "10",
                },
            )
        with session_scope() as session:
            made = issuing.make_document(session, actor, booking_id, requests["quote_with_grid"])
            document = issuing.keep_document(session, actor, booking_id, made)
            ids = [
                correspondence.record_message(
                    session,
                    actor,
                    booking_id=booking_id,
                    kind="devis",
                    to=[f"client{n}@example.fr"],
                    subject=f"Votre devis n° {n}",
                    body="Bonjour,\n\nveuillez trouver notre devis ci-joint.\n",
                    document_ids=[document.id or 0],
                ).id
                or 0
                for n in range(EMAILS)
            ]
        outcome: dict[str, object] = {}

        def job() -> None:  # as the background event runs it: in a thread of its own
            outcome["messages"] = correspondence.send_batch(ids)

        start = time.perf_counter()
        worker = threading.Thread(target=job)
        worker.start()
        worker.join()
        seconds = time.perf_counter() - start
        received = len(server.received)
    sent = sum(1 for m in outcome["messages"] if m.status == correspondence.SENT)  # type: ignore[attr-defined]
    results["emails_batch_to_local_smtp"] = {
        "messages": EMAILS,
        "sent": sent,
        "received_by_server": received,
        "seconds": round(seconds, 2),
        "messages_per_second": round(EMAILS / seconds, 1),
        "attachment_kib": round(len(made.data) / 1024, 1),
    }
    return results
