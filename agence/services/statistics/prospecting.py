"""« Détail des démarchages »: what each sales rep did over the period — the visits, calls,
e-mails and other contacts of his validated visit reports, the prospects created and those
converted since, the quotes sent and the dossiers confirmed — and the funnel from the clients
met to those with a quote sent, then a dossier confirmed, per rep and per département.

A contact is a validated visit report (a draft never counts) dated in the period, counted for
its author; a prospect counts for the rep of its file; a quote or a confirmation for the rep of
the dossier. Every figure is a grouped SQL query; the funnel's stages are nested (a client
counts at a stage only if he reached the previous one), each client once per line.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy import case, func, or_, select
from sqlmodel import Session, col

from agence.models import Booking, BookingEvent, Client, ClientCategoryLink, User, VisitReport
from agence.services.bookings.lifecycle import Status, confirmed_once
from agence.services.common.permissions import Actor, Module
from agence.services.parties.clients import visible_clients
from agence.services.parties.vocabulary import ReportKind, ReportStatus
from agence.services.statistics.measures import Measure
from agence.services.statistics.report import (
    Chart,
    ChartSeries,
    Drill,
    DrillList,
    Report,
    ReportColumn,
    ReportFilters,
    ReportLine,
    ReportName,
    ReportRequest,
    ReportTable,
    rate,
)
from agence.services.statistics.revenue import NO_REP, in_local_days

UNKNOWN_DEPARTMENT = "Inconnu"
MET_IN_PERSON = tuple(kind.value for kind in ReportKind if kind.met_in_person)
_KIND_COLUMNS = {
    ReportKind.VISIT.value: "visits",
    ReportKind.CALL.value: "calls",
    ReportKind.EMAIL.value: "emails",
}
"""Report kinds with their own column; the others (meetings, fairs) are « other »."""


# --- Scope and filters -------------------------------------------------------------------------


def _client_clauses(filters: ReportFilters) -> list[Any]:
    """The report's filters that read the client (joined): type and category."""
    clauses: list[Any] = [col(Client.deleted_at).is_(None)]
    if filters.client_type is not None:
        clauses.append(col(Client.client_type) == filters.client_type)
    if filters.client_category_id is not None:
        clauses.append(
            sa.exists().where(
                col(ClientCategoryLink.client_id) == col(Client.id),
                col(ClientCategoryLink.category_id) == filters.client_category_id,
            )
        )
    return clauses


def _reports(actor: Actor, request: ReportRequest, kinds: tuple[str, ...] = ()) -> list[Any]:
    """Conditions over `VisitReport` (its client joined): validated, dated in the period, of
    the filtered rep and clients; a rep limited to his clients sees the reports he wrote and
    those of his clients, as the reports' list shows them."""
    period, filters = request.period, request.filters
    clauses: list[Any] = [
        col(VisitReport.status) == ReportStatus.VALIDATED.value,
        col(VisitReport.deleted_at).is_(None),
        col(VisitReport.visit_on) >= period.start,
        col(VisitReport.visit_on) <= period.end,
        *_client_clauses(filters),
    ]
    if kinds:
        clauses.append(col(VisitReport.kind).in_(kinds))
    if filters.rep_id is not None:
        clauses.append(col(VisitReport.sales_rep_id) == filters.rep_id)
    if actor.own_clients_only:
        clauses.append(
            or_(
                col(VisitReport.sales_rep_id) == actor.user_id,
                col(Client.sales_rep_id) == actor.user_id,
            )
        )
    return clauses


def _bookings(actor: Actor, filters: ReportFilters) -> list[Any]:
    """Conditions over `Booking` and its `Client`: live dossiers of the filters and scope."""
    clauses = [col(Booking.deleted_at).is_(None), *filters.booking_clauses()]
    if actor.own_clients_only:
        clauses.append(col(Client.sales_rep_id) == actor.user_id)
    return clauses


def _confirmed_ever() -> Any:
    """The client (outer `Client`) has a dossier that was confirmed once, whenever."""
    return (
        select(col(Booking.id))
        .where(
            col(Booking.client_id) == col(Client.id),
            col(Booking.deleted_at).is_(None),
            confirmed_once(),
        )
        .exists()
    )


# --- The reps' activity ------------------------------------------------------------------------


def _contacts(session: Session, actor: Actor, request: ReportRequest) -> dict[Any, dict[str, int]]:
    statement = (
        select(col(VisitReport.sales_rep_id), col(VisitReport.kind), func.count())
        .select_from(VisitReport)
        .join(Client, col(Client.id) == VisitReport.client_id)
        .where(*_reports(actor, request))
        .group_by(col(VisitReport.sales_rep_id), col(VisitReport.kind))
    )
    found: dict[Any, dict[str, int]] = {}
    for rep_id, kind, number in session.execute(statement):
        column = _KIND_COLUMNS.get(kind, "other")
        counts = found.setdefault(rep_id, {})
        counts[column] = counts.get(column, 0) + int(number)
    return found


def _prospects(session: Session, actor: Actor, request: ReportRequest) -> dict[Any, dict[str, int]]:
    filters = request.filters
    statement = visible_clients(
        select(
            col(Client.sales_rep_id),
            func.count(),
            func.coalesce(func.sum(case((_confirmed_ever(), 1), else_=0)), 0),
        )
        .select_from(Client)
        .where(*in_local_days(col(Client.created_at), request.period), *_client_clauses(filters)),
        actor,
    ).group_by(col(Client.sales_rep_id))
    if filters.rep_id is not None:
        statement = statement.where(col(Client.sales_rep_id) == filters.rep_id)
    return {
        rep_id: {"prospects_created": int(created), "prospects_converted": int(converted)}
        for rep_id, created, converted in session.execute(statement)
    }


def _quotes(session: Session, actor: Actor, request: ReportRequest) -> dict[Any, dict[str, int]]:
    confirmed = confirmed_once()
    period = request.period
    statement = (
        select(
            col(Booking.sales_rep_id),
            func.count(),
            func.coalesce(func.sum(case((confirmed, 1), else_=0)), 0),
        )
        .select_from(Booking)
        .join(Client, col(Client.id) == Booking.client_id)
        .where(
            col(Booking.quote_sent_on) >= period.start,
            col(Booking.quote_sent_on) <= period.end,
            *_bookings(actor, request.filters),
        )
        .group_by(col(Booking.sales_rep_id))
    )
    return {
        rep_id: {"quotes_sent": int(sent), "quotes_confirmed": int(won)}
        for rep_id, sent, won in session.execute(statement)
    }


def _confirmations(
    session: Session, actor: Actor, request: ReportRequest
) -> dict[Any, dict[str, int]]:
    statement = (
        select(col(Booking.sales_rep_id), func.count(func.distinct(Booking.id)))
        .select_from(BookingEvent)
        .join(Booking, col(Booking.id) == BookingEvent.booking_id)
        .join(Client, col(Client.id) == Booking.client_id)
        .where(
            col(BookingEvent.to_status) == Status.CONFIRMED.value,
            *in_local_days(col(BookingEvent.at), request.period),
            *_bookings(actor, request.filters),
        )
        .group_by(col(Booking.sales_rep_id))
    )
    return {rep_id: {"confirmed": int(number)} for rep_id, number in session.execute(statement)}


def _rep_names(session: Session, rep_ids: set[Any]) -> dict[Any, str]:
    ids = [rep_id for rep_id in rep_ids if rep_id is not None]
    names: dict[Any, str] = {None: NO_REP}
    if ids:
        for rep_id, first, last in session.execute(
            select(col(User.id), col(User.first_name), col(User.last_name)).where(
                col(User.id).in_(ids)
            )
        ):
            names[rep_id] = " ".join(part for part in (first, last) if part)
    return names


def _by_name(names: dict[Any, str]):
    return lambda rep_id: (rep_id is None, names.get(rep_id, "").casefold(), rep_id or 0)


REP_COLUMNS = (
    ReportColumn("rep", "Commercial"),
    ReportColumn("visits", "Visites", "int", Measure.VISITS),
    ReportColumn("calls", "Appels", "int", Measure.CALLS),
    ReportColumn("emails", "E-mails", "int", Measure.EMAILS),
    ReportColumn("other", "Autres", "int", Measure.OTHER_CONTACTS, phone=False),
    ReportColumn("prospects_created", "Prospects créés", "int", Measure.PROSPECTS_CREATED),
    ReportColumn("prospects_converted", "Prospects convertis", "int", Measure.PROSPECTS_CONVERTED),
    ReportColumn(
        "prospect_rate",
        "Conversion prospects",
        "percent",
        Measure.PROSPECT_CONVERSION_RATE,
        phone=False,
    ),
    ReportColumn("quotes_sent", "Devis envoyés", "int", Measure.QUOTES_SENT),
    ReportColumn("confirmed", "Dossiers confirmés", "int", Measure.BOOKINGS_CONFIRMED),
    ReportColumn("conversion_rate", "Taux de transformation", "percent", Measure.CONVERSION_RATE),
)
_COUNTS = (
    "visits",
    "calls",
    "emails",
    "other",
    "prospects_created",
    "prospects_converted",
    "quotes_sent",
    "quotes_confirmed",
    "confirmed",
)


def _rep_cells(label: str, counts: dict[str, int]) -> tuple:
    get = counts.get
    return (
        label,
        get("visits", 0),
        get("calls", 0),
        get("emails", 0),
        get("other", 0),
        get("prospects_created", 0),
        get("prospects_converted", 0),
        rate(get("prospects_converted", 0), get("prospects_created", 0)),
        get("quotes_sent", 0),
        get("confirmed", 0),
        rate(get("quotes_confirmed", 0), get("quotes_sent", 0)),
    )


def _reports_drill(request: ReportRequest, rep_id: Any = None, exact: bool = True) -> Drill:
    """The validated reports of the period (of the rep); not exact when the report's filters
    read the clients (the list cannot)."""
    pairs = [
        ("status", ReportStatus.VALIDATED.value),
        ("since", request.period.start.isoformat()),
        ("until", request.period.end.isoformat()),
    ]
    filters = request.filters
    rep = rep_id if rep_id is not None else filters.rep_id
    if rep is not None:
        pairs.append(("sales_rep", str(rep)))
    if filters.client_type is not None or filters.client_category_id is not None:
        exact = False
    return Drill(DrillList.VISIT_REPORTS, tuple(pairs), exact)


def _reps_table(session: Session, actor: Actor, request: ReportRequest) -> ReportTable:
    parts = (
        _contacts(session, actor, request),
        _prospects(session, actor, request),
        _quotes(session, actor, request),
        _confirmations(session, actor, request),
    )
    merged: dict[Any, dict[str, int]] = {}
    for part in parts:
        for rep_id, counts in part.items():
            merged.setdefault(rep_id, {}).update(counts)
    names = _rep_names(session, set(merged))
    lines = tuple(
        ReportLine(
            "" if rep_id is None else str(rep_id),
            _rep_cells(names.get(rep_id, ""), merged[rep_id]),
            _reports_drill(request, rep_id, exact=rep_id is not None),
        )
        for rep_id in sorted(merged, key=_by_name(names))
    )
    totals = {key: sum(counts.get(key, 0) for counts in merged.values()) for key in _COUNTS}
    return ReportTable(
        "reps",
        "Activité par commercial",
        REP_COLUMNS,
        lines,
        ReportLine("total", _rep_cells("Total", totals), _reports_drill(request)),
        Chart(
            "bar",
            "rep",
            (
                ChartSeries("visits", "Visites"),
                ChartSeries("calls", "Appels"),
                ChartSeries("emails", "E-mails"),
                ChartSeries("other", "Autres"),
            ),
        ),
        "Les contacts comptent pour l'auteur du compte rendu, les prospects pour le commercial "
        "de la fiche, les devis et confirmations pour celui du dossier. Les filtres de site, de "
        "type de dossier, de prestation et de fournisseur ne s'appliquent qu'aux devis et aux "
        "dossiers. Une ligne mène aux comptes rendus validés du commercial sur la période.",
    )


# --- The funnel ----------------------------------------------------------------------------------


def _funnel_stages(actor: Actor, request: ReportRequest) -> tuple[Any, Any]:
    """(quoted, confirmed): conditions on the outer `Client` — a dossier of his with its quote
    sent in the period; one confirmed in the period."""
    period = request.period
    # The rep filter reads the visits' author; the dossiers' other filters hold.
    booking_clauses = _bookings(actor, replace(request.filters, rep_id=None))
    quoted = (
        select(col(Booking.id))
        .where(
            col(Booking.client_id) == col(Client.id),
            col(Booking.quote_sent_on) >= period.start,
            col(Booking.quote_sent_on) <= period.end,
            *booking_clauses,
        )
        .exists()
    )
    confirmed = (
        select(col(BookingEvent.id))
        .join(Booking, col(Booking.id) == BookingEvent.booking_id)
        .where(
            col(Booking.client_id) == col(Client.id),
            col(BookingEvent.to_status) == Status.CONFIRMED.value,
            *in_local_days(col(BookingEvent.at), period),
            *booking_clauses,
        )
        .exists()
    )
    return quoted, confirmed


def _funnel(
    session: Session, actor: Actor, request: ReportRequest, by_rep: bool
) -> dict[Any, tuple[int, int, int]]:
    keys: list[Any] = [col(VisitReport.sales_rep_id).label("group_key")] if by_rep else []
    visited = (
        select(*keys, col(VisitReport.client_id).label("client_id"))
        .select_from(VisitReport)
        .join(Client, col(Client.id) == VisitReport.client_id)
        .where(*_reports(actor, request, MET_IN_PERSON))
        .distinct()
        .subquery("visited")
    )
    quoted, confirmed = _funnel_stages(actor, request)
    group = visited.c.group_key if by_rep else col(Client.department)
    statement = (
        select(
            group,
            func.count(),
            func.coalesce(func.sum(case((quoted, 1), else_=0)), 0),
            func.coalesce(func.sum(case((quoted & confirmed, 1), else_=0)), 0),
        )
        .select_from(visited)
        .join(Client, col(Client.id) == visited.c.client_id)
        .group_by(group)
    )
    return {
        key: (int(met), int(with_quote), int(won))
        for key, met, with_quote, won in session.execute(statement)
    }


FUNNEL_COLUMNS = (
    ReportColumn("visited", "Clients rencontrés", "int", Measure.CLIENTS_VISITED),
    ReportColumn("quoted", "Avec devis", "int", Measure.CLIENTS_QUOTED),
    ReportColumn("confirmed", "Avec dossier confirmé", "int", Measure.CLIENTS_CONFIRMED),
)


def _funnel_table(
    key: str,
    title: str,
    label: ReportColumn,
    rows: list[tuple[str, str, tuple[int, int, int], Drill]],
    request: ReportRequest,
) -> ReportTable:
    totals = tuple(sum(stages[i] for _, _, stages, _ in rows) for i in range(3))
    return ReportTable(
        key,
        title,
        (label, *FUNNEL_COLUMNS),
        tuple(ReportLine(k, (text, *stages), drill) for k, text, stages, drill in rows),
        ReportLine("total", ("Total", *totals), _reports_drill(request, exact=False)),
        Chart(
            "bar",
            label.key,
            (
                ChartSeries("visited", "Rencontrés"),
                ChartSeries("quoted", "Devis"),
                ChartSeries("confirmed", "Confirmés"),
            ),
        ),
        "Les clients rencontrés sur la période (visite, réunion, salon), puis ceux d'entre eux "
        "dont un dossier a eu son devis envoyé sur la période, puis ceux d'entre eux dont un "
        "dossier a été confirmé sur la période ; chaque client une fois par ligne. Une ligne "
        "mène aux comptes rendus validés de la période (tous types).",
    )


def _department_key(code: str | None):
    return (not code, code or "")


def prospecting_report(session: Session, actor: Actor, request: ReportRequest) -> Report:
    """« Détail des démarchages »: tables « reps » (each rep's contacts, prospects, quotes and
    confirmations), « funnel_reps » and « funnel_departements » (clients met → with a quote
    sent → with a dossier confirmed)."""
    actor.require(Module.STATISTICS)
    by_rep = _funnel(session, actor, request, by_rep=True)
    names = _rep_names(session, set(by_rep))
    rep_rows = [
        (
            "" if rep_id is None else str(rep_id),
            names.get(rep_id, ""),
            by_rep[rep_id],
            _reports_drill(request, rep_id, exact=False),
        )
        for rep_id in sorted(by_rep, key=_by_name(names))
    ]
    by_department = _funnel(session, actor, request, by_rep=False)
    department_rows = [
        (
            code or "",
            code or UNKNOWN_DEPARTMENT,
            by_department[code],
            _reports_drill(request, exact=False),
        )
        for code in sorted(by_department, key=_department_key)
    ]
    return Report(
        ReportName.PROSPECTING,
        request,
        (
            _reps_table(session, actor, request),
            _funnel_table(
                "funnel_reps",
                "Entonnoir par commercial",
                ReportColumn("rep", "Commercial"),
                rep_rows,
                request,
            ),
            _funnel_table(
                "funnel_departements",
                "Entonnoir par département",
                ReportColumn("departement", "Département"),
                department_rows,
                request,
            ),
        ),
    )
