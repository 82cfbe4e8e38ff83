"""Invoicing benchmarks (figures only: nothing here asserts a time).

1. Issuing 1 000 invoices one by one, each in its own transaction as the « Émettre » button
   does: the figures computed again, the number, the PDF with its Factur-X XML (checked
   against the XSD), the file kept. The drafts are prepared beforehand through the services,
   as an agency invoices: some 340 dossiers of the demo clients from the catalogue, confirmed,
   each with a 30 % and a 20 % deposit and its final invoice deducting them. Per invoice: median,
   min, max and the share of numbering, PDF + Factur-X and storing; invoices per second.
2. The unpaid-invoices list (`payments.UNPAID_LIST` through `listing.fetch_page`: query +
   count, as the page asks them) over 500 000 issued invoices inserted in bulk: deposits,
   final invoices deducting them and credit notes of the bench's dossiers, issued over the
   past three years, mostly paid, some partly, the recent ones often not yet. First page,
   « en retard » only, a search on the client's name.
3. The last twenty drafts or so (whole dossiers) issued after that load: numbering then
   reads a year's series of tens of thousands of invoices.

The bulk invoices continue the series after the 1 000 issued first (their dates are earlier):
the list does not read the numbers' order, and issuing first measures it on a database the
size of a real agency's.
"""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from agence.services.billing.vocabulary import ChorusStatus, InvoiceKind, InvoiceStatus
from agence.services.bookings.lifecycle import Status

UNPAID_INVOICES = 500_000
ISSUES = 1_000
AFTER_LOAD = 20
DEPOSITS = ("30", "20")
"""The deposits of each dossier (%), drafted before its final invoice."""
CHUNK = 5_000
MIN_BOOKINGS = 100_000
"""Below this many invoiceable dossiers (the section run alone), dossiers are added first."""
CENT = Decimal("0.01")
ZERO = Decimal(0)
PAYABLE_STATUSES = (Status.CONFIRMED, Status.DONE, Status.INVOICED, Status.SETTLED)
TERMS = (
    (0, "À réception de facture", 35),
    (30, "30 jours date de facture", 50),
    (45, "45 jours fin de mois", 15),
)
"""(days, the terms in words, weight): the demo agency's payment terms, as clients have them."""


# --- Bulk data -----------------------------------------------------------------------------------


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def _invoiceable_bookings(session, today: date) -> list[tuple]:
    """(id, client id, client name, site id, site code, starts, ends, price) of the dossiers
    that were confirmed once, start within three years before today or a year after, and
    have no invoice yet."""
    from sqlmodel import col, select

    from agence.models import AgencySite, Booking, Client, Invoice

    return list(
        session.exec(
            select(
                Booking.id,
                Booking.client_id,
                Client.name,
                Booking.site_id,
                AgencySite.code,
                Booking.starts_on,
                Booking.ends_on,
                Booking.total_price,
            )
            .join(Client, Client.id == Booking.client_id)  # type: ignore[arg-type]
            .join(AgencySite, AgencySite.id == Booking.site_id)  # type: ignore[arg-type]
            .where(
                col(Booking.status).in_(PAYABLE_STATUSES),
                Booking.starts_on >= today - timedelta(days=3 * 365),
                Booking.starts_on <= today + timedelta(days=365),
                Booking.total_price > 0,
                col(Booking.id).not_in(select(Invoice.booking_id)),
            )
            .order_by(Booking.id)
        ).all()
    )


def _plan(rng: random.Random, bookings: list[tuple], count: int, today: date) -> list[list]:
    """The invoices to insert, as compact rows [issued_on, kind, booking index, total, VAT,
    deducted, key of the corrected invoice, own key], never issued after `today`: a deposit
    of 30 % three months before the trip, sometimes a second one, the final invoice a month
    before it (or just after it), now and then a credit note on the final invoice. Dossiers
    are taken in a random order, again if needed (further instalments), until `count`."""
    planned: list[list] = []
    order = list(range(len(bookings)))
    rng.shuffle(order)
    instalment = 0
    while len(planned) < count:
        for index in order:
            _id, _client, _name, _site, _code, starts, ends, price = bookings[index]
            price = Decimal(price)
            vat = _cents(price * Decimal("0.012")) if rng.random() < 0.15 else ZERO
            deposits = ZERO
            for days_before, chance in ((90 + instalment * 7, 0.85), (45, 0.35 / (1 + instalment))):
                issued = starts - timedelta(days=days_before + rng.randint(0, 20))
                if rng.random() < chance and issued <= today:
                    amount = _cents(price * Decimal("0.3"))
                    share = _cents(vat * Decimal("0.3"))
                    planned.append(
                        [issued, InvoiceKind.DEPOSIT, index, amount, share, ZERO, None, None]
                    )
                    deposits += amount
            if instalment == 0:
                issued = (
                    ends + timedelta(days=rng.randint(1, 10))
                    if rng.random() < 0.4
                    else starts - timedelta(days=rng.randint(20, 35))
                )
                deposits = min(deposits, price)
                if issued <= today:
                    key = len(planned)
                    planned.append(
                        [issued, InvoiceKind.FINAL, index, price, vat, deposits, None, key]
                    )
                    credit_on = issued + timedelta(days=rng.randint(5, 60))
                    if rng.random() < 0.06 and credit_on <= today:
                        amount = _cents(min(price - deposits, price * Decimal("0.1")))
                        if amount > 0:
                            planned.append(
                                [
                                    credit_on,
                                    InvoiceKind.CREDIT_NOTE,
                                    index,
                                    -amount,
                                    ZERO,
                                    ZERO,
                                    key,
                                    None,
                                ]
                            )
            if len(planned) >= count:
                break
        instalment += 1
    return planned[:count]


def _due(rng: random.Random, issued: date, kind: InvoiceKind) -> tuple[date | None, str]:
    if kind == InvoiceKind.CREDIT_NOTE:
        return None, ""
    days, label, _ = rng.choices(TERMS, [weight for *_, weight in TERMS])[0]
    due = issued + timedelta(days=days)
    if days == 45:  # end of the month after 45 days
        due = (due.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return due, label


def _paid_share(rng: random.Random, due: date, today: date) -> Decimal:
    """How much of an invoice its client paid: almost everything long past due, a part of
    what is late by less than two months, a third of what is not yet due."""
    late = (today - due).days
    if late > 60:
        chances = (0.97, 0.015)
    elif late > 0:
        chances = (0.70, 0.10)
    else:
        chances = (0.33, 0.07)
    draw = rng.random()
    if draw < chances[0]:
        return Decimal(1)
    if draw < chances[0] + chances[1]:
        return Decimal(rng.choice((25, 30, 40, 50, 60))) / 100
    return ZERO


def _bump_sequence(session, table: str) -> None:
    """Ids given explicitly: PostgreSQL's sequence must continue after them."""
    from sqlalchemy import text

    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
        )


def add_issued_invoices(session, count: int, today: date, seed: int = 29) -> dict[str, int]:
    """Inserts `count` issued invoices with their payments in SQL (not through the service,
    no PDF), numbered per site and year in the order of their dates, the series' counters
    left where an issue would continue them. Returns what was inserted."""
    from sqlalchemy import func, insert
    from sqlmodel import select

    from agence.models import (
        Booking,
        Client,
        Invoice,
        InvoiceCounter,
        Payment,
        PaymentAllocation,
        PaymentMethod,
    )
    from agence.models.base import utcnow
    from agence.services.billing import settlements
    from bench.data import add_bookings, add_clients

    rng = random.Random(seed)
    bookings = _invoiceable_bookings(session, today)
    if len(bookings) < MIN_BOOKINGS:
        if session.exec(select(func.count()).select_from(Client)).one() < 50_000:
            add_clients(session, 50_000)
        add_bookings(session, 3 * MIN_BOOKINGS, today, years=(today.year - 3, today.year + 1))
        bookings = _invoiceable_bookings(session, today)
    planned = _plan(rng, bookings, count, today)
    planned.sort(key=lambda row: row[0])
    methods = session.exec(select(PaymentMethod.id)).all() or [None]
    counters = {c.series: c.last_number for c in session.exec(select(InvoiceCounter)).all()}
    invoice_id = (session.exec(select(func.max(Invoice.id))).one() or 0) + 1
    payment_id = (session.exec(select(func.max(Payment.id))).one() or 0) + 1
    now = utcnow()
    ids: dict[int, int] = {}
    credited: dict[int, Decimal] = {}
    for row in planned:  # what credit notes take off each final invoice (by its plan key)
        if row[6] is not None:
            credited[row[6]] = credited.get(row[6], ZERO) - row[3]
    invoices: list[dict[str, Any]] = []
    money: list[tuple[dict[str, Any], dict[str, Any]]] = []
    inserted = {"invoices": 0, "credit_notes": 0, "payments": 0, "partly_paid": 0}

    def flush() -> None:
        if invoices:
            session.execute(insert(Invoice.__table__), invoices)  # type: ignore[attr-defined]
            invoices.clear()
        if money:
            session.execute(insert(Payment.__table__), [p for p, _ in money])  # type: ignore[attr-defined]
            session.execute(
                insert(PaymentAllocation.__table__),  # type: ignore[attr-defined]
                [a for _, a in money],
            )
            money.clear()

    for issued, kind, index, total, vat, deducted, corrects, key in planned:
        booking_id, client_id, client_name, site_id, code, starts, ends, _ = bookings[index]
        series = f"FA-{code}-{issued.year}"
        sequence = counters[series] = counters.get(series, 0) + 1
        due, terms = _due(rng, issued, kind)
        if key is not None:
            ids[key] = invoice_id
        amount_due = total - deducted
        margin = _cents((total - vat) * Decimal("0.12"))
        invoices.append(
            {
                "id": invoice_id,
                "kind": kind,
                "status": InvoiceStatus.ISSUED,
                "number": f"{series}-{sequence:06d}",
                "series": series,
                "sequence": sequence,
                "booking_id": booking_id,
                "client_id": client_id,
                "site_id": site_id,
                "corrects_id": ids.get(corrects) if corrects is not None else None,
                "issued_on": issued,
                "due_on": due,
                "service_from": starts,
                "service_to": ends,
                "deposit_percent": Decimal(30) if kind == InvoiceKind.DEPOSIT else None,
                "client_name": client_name[:200],
                "client_address": "",
                "client_siren": "",
                "client_vat_number": "",
                "client_is_company": True,
                "total_excl_vat": total - vat,
                "total_vat": vat,
                "total_incl_vat": total,
                "deposits_deducted": deducted,
                "amount_due": amount_due,
                "margin_base": margin,
                "margin_vat": _cents(margin / 6),
                "margin_estimated": kind == InvoiceKind.DEPOSIT,
                "payment_terms": terms,
                "buyer_reference": "",
                "engagement_number": "",
                "notes": "",
                "document_id": None,
                "created_by_id": None,
                "issued_by_id": None,
                "issued_at": now,
                "chorus_flow": "",
                "chorus_status": ChorusStatus.NOT_SENT,
                "chorus_status_at": None,
                "chorus_message": "",
                "created_at": now,
                "updated_at": now,
            }
        )
        inserted["credit_notes" if kind == InvoiceKind.CREDIT_NOTE else "invoices"] += 1
        if kind != InvoiceKind.CREDIT_NOTE and due is not None:
            left = amount_due - credited.get(key, ZERO) if key is not None else amount_due
            paid = _cents(left * _paid_share(rng, due, today))
            received = min(today, due + timedelta(days=rng.randint(-20, 15)))
            if paid > 0:
                money.append(
                    (
                        {
                            "id": payment_id,
                            "client_id": client_id,
                            "received_on": max(received, issued),
                            "amount": paid,
                            "payment_method_id": rng.choice(methods),
                            "bank_reference": f"VIR{payment_id:08d}",
                            "payer": client_name[:200],
                            "notes": "",
                            "is_refund": False,
                            "created_by_id": None,
                            "created_at": now,
                            "updated_at": now,
                        },
                        {
                            "payment_id": payment_id,
                            "invoice_id": invoice_id,
                            "amount": paid,
                            "created_at": now,
                            "created_by_id": None,
                        },
                    )
                )
                payment_id += 1
                inserted["payments"] += 1
                inserted["partly_paid"] += paid < left
        invoice_id += 1
        if len(invoices) >= CHUNK:
            flush()
    flush()
    for series, last in counters.items():
        counter = session.get(InvoiceCounter, series) or InvoiceCounter(series=series)
        counter.last_number = last
        session.add(counter)
    for table in ("invoices", "payments"):
        _bump_sequence(session, table)
    session.flush()
    settlements.fill_missing(session)  # as billing keeps them when it issues and allocates
    inserted["dossiers"] = len({row[2] for row in planned})
    inserted["bookings_total"] = session.exec(select(func.count()).select_from(Booking)).one()
    return inserted


# --- Issuing ------------------------------------------------------------------------------------


@contextmanager
def _timing(parts: dict[str, list[float]]):
    """Times, per call, what issuing delegates: the number, the PDF with its Factur-X XML,
    keeping the file (the rest is computing the figures and the database)."""
    from agence.services.billing import facturx, invoicing, numbering

    originals = (numbering.take_number, facturx.invoice_pdf, invoicing.keep_pdf)

    def timed(name: str, function: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                parts[name].append((time.perf_counter() - start) * 1000)

        return wrapper

    numbering.take_number = timed("numbering", originals[0])
    facturx.invoice_pdf = timed("pdf_and_factur_x", originals[1])
    invoicing.keep_pdf = timed("storing", originals[2])
    try:
        yield
    finally:
        numbering.take_number, facturx.invoice_pdf, invoicing.keep_pdf = originals


def _demo_clients(session) -> list[tuple[int, bool]]:
    """(id, needs an engagement number) of the demo agency's clients."""
    from sqlmodel import col, select

    from agence.models import Client
    from agence.services.demo.parties import CLIENTS, PEOPLE

    names = [row[0] for row in CLIENTS if row[2] == "client"]
    names += [f"{last} {first}" for last, first, *_ in PEOPLE]
    return list(
        session.exec(
            select(Client.id, Client.chorus_engagement_required)
            .where(col(Client.name).in_(names))
            .order_by(Client.id)
        ).all()
    )


def _prepare_drafts(actor, count: int, today: date) -> list[int]:
    """At least `count` drafts, dossier by dossier (its deposits, then its final invoice): a
    dossier of a demo client from the catalogue, confirmed, one transaction each; a public
    client's invoices carry their engagement number."""
    from agence.db import session_scope
    from agence.services.billing import invoicing
    from agence.services.bookings import bookings
    from agence.services.bookings.lifecycle import Status

    with session_scope() as session:
        clients = _demo_clients(session)
        template = bookings.creation_choices(session)["catalogue_dossier_id"][0][0]
        defaults = bookings.creation_defaults(session, actor)
    last_day = date(2027, 12, 31)  # the demo catalogue's tariffs run to the end of 2027
    drafts: list[int] = []
    n = 0
    while len(drafts) < count:
        client_id, public = clients[n % len(clients)]
        starts = min(last_day, today + timedelta(days=20 + n % 180))
        with session_scope() as session:
            booking = bookings.create_booking(
                session,
                actor,
                {
                    **defaults,
                    "client_id": str(client_id),
                    "catalogue_dossier_id": template,
                    "starts_on": starts.isoformat(),
                    "paying": str(15 + n % 35),
                    "free": str(1 + n % 2),
                },
            )
            booking_id = booking.id or 0
            bookings.change_status(session, actor, booking_id, Status.CONFIRMED)
            made = [
                invoicing.create_deposit(session, actor, booking_id, percent=percent)
                for percent in DEPOSITS
            ]
            made.append(invoicing.create_final(session, actor, booking_id))
            for draft in made:
                if public:
                    number = {"engagement_number": f"EJ{n:010d}"}
                    invoicing.update_draft(session, actor, draft.id or 0, number)
                drafts.append(draft.id or 0)
        n += 1
    return drafts


def _issue_all(actor, drafts: list[int], today: date) -> dict[str, object]:
    """Issues the drafts one by one (one transaction each) and describes the times."""
    from sqlmodel import col, func, select

    from agence.db import session_scope
    from agence.models import Invoice, PartyDocument
    from agence.services.billing import invoicing

    parts: dict[str, list[float]] = {"numbering": [], "pdf_and_factur_x": [], "storing": []}
    durations = []
    with _timing(parts):
        begin = time.perf_counter()
        for draft_id in drafts:
            start = time.perf_counter()
            with session_scope() as session:
                invoicing.issue(session, actor, draft_id, today)
            durations.append((time.perf_counter() - start) * 1000)
        seconds = time.perf_counter() - begin
    with session_scope() as session:
        sizes = session.exec(
            select(PartyDocument.size)
            .join(Invoice, Invoice.document_id == PartyDocument.id)  # type: ignore[arg-type]
            .where(col(Invoice.id).in_(drafts))
        ).all()
        kinds = dict(
            session.exec(
                select(Invoice.kind, func.count())
                .where(col(Invoice.id).in_(drafts))
                .group_by(Invoice.kind)
            ).all()
        )
        first, last = session.exec(
            select(func.min(Invoice.number), func.max(Invoice.number)).where(
                col(Invoice.id).in_(drafts)
            )
        ).one()
    durations.sort()
    return {
        "invoices": len(durations),
        "by_kind": kinds,
        "median_ms": round(statistics.median(durations), 1),
        "min_ms": round(durations[0], 1),
        "max_ms": round(durations[-1], 1),
        "p95_ms": round(durations[math.ceil(len(durations) * 0.95) - 1], 1),
        "invoices_per_second": round(len(durations) / seconds, 2),
        "of_which_median_ms": {
            name: round(statistics.median(values), 1) for name, values in parts.items()
        },
        "pdf_kib_median": round(statistics.median(sizes) / 1024, 1),
        "numbers": f"{first} … {last}",
    }


# --- The unpaid list ---------------------------------------------------------------------------


def _measured(function: Callable, repeat: int) -> dict[str, float]:
    """Median, min and max of `repeat` calls (the caller warmed the cache first)."""
    durations = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        durations.append((time.perf_counter() - start) * 1000)
    return {
        "median_ms": round(statistics.median(durations), 1),
        "min_ms": round(min(durations), 1),
        "max_ms": round(max(durations), 1),
        "runs": repeat,
    }


def _unpaid_list_benchmarks(admin, today: date) -> dict[str, object]:
    from sqlmodel import func, select, text

    from agence.db import session_scope
    from agence.models import Invoice
    from agence.services.billing import payments
    from agence.services.common import listing
    from agence.services.common.listing import ListQuery

    start = time.perf_counter()
    with session_scope() as session:
        inserted = add_issued_invoices(session, UNPAID_INVOICES, today)
    generated_in = time.perf_counter() - start
    with session_scope() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ANALYZE"))  # what autovacuum does within a minute of a load
        issued = session.exec(select(func.count()).select_from(Invoice)).one()
    results: dict[str, object] = {
        "unpaid_data": {
            **inserted,
            "issued_invoices_in_database": issued,
            "generated_in_s": round(generated_in, 1),
            "today": today.isoformat(),
        }
    }
    cases = {
        "first_page": ListQuery(),
        "late_only": ListQuery(filters={"late": "1"}),
        "search_client_name": ListQuery(search="dubois"),
    }
    for name, query in cases.items():

        def page(query=query):
            with session_scope() as session:
                return listing.fetch_page(session, payments.UNPAID_LIST, query, admin)

        def count_only(query=query):
            with session_scope() as session:
                statement = listing.filtered_query(payments.UNPAID_LIST, query, admin)
                return listing.count(session, statement)

        first = page()  # warms the cache; gives the total
        results[f"unpaid_list_{name}"] = {
            **_measured(page, repeat=2),
            "of_which_count_ms": _measured(count_only, repeat=1)["median_ms"],
            "total": first.total,
            "rows_on_page": len(first.rows),
        }
    return results


def invoicing_benchmarks(admin) -> dict[str, object]:
    from agence.services.common import formats

    today = formats.today()
    start = time.perf_counter()
    drafts = _prepare_drafts(admin, ISSUES + AFTER_LOAD, today)
    prepared_in = time.perf_counter() - start
    issued = _issue_all(admin, drafts[:ISSUES], today)
    results: dict[str, object] = {
        "invoices_issued_one_by_one": {
            **issued,
            "drafts_prepared_in_s": round(prepared_in, 1),
            "dossiers": len(drafts) // (len(DEPOSITS) + 1),
        }
    }
    results.update(_unpaid_list_benchmarks(admin, today))
    results["invoices_issued_after_the_bulk_load"] = _issue_all(admin, drafts[ISSUES:], today)
    return results
