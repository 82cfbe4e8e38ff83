"""Invoice numbers: one chronological, continuous sequence per series (CGI annexe II art. 242
nonies A, 7°): « FA-VDL-2026-000123 ».

Deposit invoices and final invoices share the site's yearly series (a deposit invoice is an
invoice: french-rules 2.2). Credit notes either follow in that same series or have their own
« AV-VDL-2026 » one: the agency chooses once (an application setting) and keeps to it, since
separate series must be used consistently.

A number is taken inside the issuing transaction, under the series counter's row lock: a
second issue of the same series waits until the first commits or rolls back, so numbers never
repeat, and an issue that fails rolls its number back with everything else — no gap.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from agence.models import AppSetting, Invoice, InvoiceCounter
from agence.services.billing.vocabulary import InvoiceKind
from agence.services.common import audit, formats
from agence.services.common.audit import AuditAction
from agence.services.common.forms import FormErrors
from agence.services.common.permissions import Action, Actor, Module

CREDIT_NOTE_SERIES_KEY = "facturation.serie_avoirs"
INVOICE_PREFIX = "FA"
CREDIT_NOTE_PREFIX = "AV"
DIGITS = 6


class CreditNoteSeries(StrEnum):
    SHARED = "commune"
    OWN = "propre"


CREDIT_NOTE_SERIES_LABELS: dict[str, str] = {
    CreditNoteSeries.SHARED: "Dans la série des factures (FA)",
    CreditNoteSeries.OWN: "Série propre aux avoirs (AV)",
}


# --- The setting -----------------------------------------------------------------------------


def credit_note_series_mode(session: Session) -> CreditNoteSeries:
    """How credit notes are numbered; « commune » until the agency chose otherwise."""
    setting = session.get(AppSetting, CREDIT_NOTE_SERIES_KEY)
    try:
        return CreditNoteSeries(setting.value) if setting else CreditNoteSeries.SHARED
    except ValueError:
        return CreditNoteSeries.SHARED


def set_credit_note_series_mode(session: Session, actor: Actor, mode: str) -> CreditNoteSeries:
    actor.require(Module.PARAMETERS, Action.EDIT)
    try:
        chosen = CreditNoteSeries(str(mode).strip())
    except ValueError:
        raise FormErrors({"mode": "Choisissez « commune » ou « propre »."}) from None
    setting = session.get(AppSetting, CREDIT_NOTE_SERIES_KEY) or AppSetting(
        key=CREDIT_NOTE_SERIES_KEY
    )
    previous = setting.value or CreditNoteSeries.SHARED.value
    setting.value = chosen.value
    session.add(setting)
    audit.record(
        session,
        actor,
        AuditAction.UPDATE,
        entity_type="paramètre",
        entity_id=CREDIT_NOTE_SERIES_KEY,
        entity_label="Facturation : numérotation des avoirs",
        changes={"valeur": [previous, chosen.value]},
    )
    return chosen


# --- Series ------------------------------------------------------------------------------------


def invoice_series(site_code: str, year: int) -> str:
    """Deposit and final invoices of a site's year."""
    return f"{INVOICE_PREFIX}-{site_code}-{year}"


def series_for(session: Session, kind: str, site_code: str, year: int) -> str:
    """The series an invoice of `kind` (acompte / solde / avoir) is numbered in."""
    if kind == InvoiceKind.CREDIT_NOTE and credit_note_series_mode(session) == CreditNoteSeries.OWN:
        return f"{CREDIT_NOTE_PREFIX}-{site_code}-{year}"
    return invoice_series(site_code, year)


def number_text(series: str, sequence: int) -> str:
    return f"{series}-{sequence:0{DIGITS}d}"


# --- Taking a number ---------------------------------------------------------------------------


def _ensure_counter(session: Session, series: str) -> None:
    """The series' counter row exists (a new year, a new site) without a savepoint: two first
    issues at once both insert « nothing or the row », the second one waiting on the first's
    row until it commits or rolls back."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(InvoiceCounter)
        .values(series=series, last_number=0)
        .on_conflict_do_nothing(index_elements=["series"])
    )
    session.execute(statement)


def last_issued_on(session: Session, series: str) -> date | None:
    """The date of the series' last number: numbers are chronological, so the highest one
    carries the latest date — read through the (series, sequence) unique index, not a scan
    of the year's invoices."""
    return session.exec(
        select(col(Invoice.issued_on))
        .where(Invoice.series == series, col(Invoice.sequence).is_not(None))
        .order_by(col(Invoice.sequence).desc())
        .limit(1)
    ).first()


def take_number(session: Session, series: str, on: date | None = None) -> tuple[int, str]:
    """The next number of `series` as (sequence, text), inside the caller's transaction.

    The counter row is locked (SELECT … FOR UPDATE on PostgreSQL; on SQLite the first write
    takes the database's write lock) until the transaction ends. Given the issue date `on`,
    refuses a date before the series' last issued invoice: the sequence is chronological.
    """
    _ensure_counter(session, series)
    counter = session.exec(
        select(InvoiceCounter)
        .where(InvoiceCounter.series == series)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if on is not None:
        latest = last_issued_on(session, series)
        if latest is not None and on < latest:
            raise FormErrors(
                {
                    "issued_on": (
                        f"La série {series} a déjà une facture du {formats.day(latest)} : "
                        f"une facture ne peut pas être datée d'avant ({formats.day(on)})."
                    )
                }
            )
    counter.last_number += 1
    session.add(counter)
    session.flush()
    return counter.last_number, number_text(series, counter.last_number)
