"""« Détail des ventes par client »: each client's invoiced revenue over the period beside the
comparison period, the dossiers and participants behind it, his last dossier, and his ABC class
(the clients making the first 80 % of the revenue excluding VAT, the next 15 %, the rest).

The revenue is `revenue`'s, grouped by client (the same SQL, the same rules: credit notes on
their own date, deposits deducted once, margin-scheme HT): the report's total is the revenue
report's. Three grouped queries whatever the number of dossiers (both periods' revenue in one
pass); the ranking runs over every client's row, the details of a line (type, rep, last
dossier) are read for the lines shown (a page: its first `limit` clients).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlmodel import Session, col

from agence.models import Booking, Client, Invoice, User
from agence.services.bookings.lifecycle import Status
from agence.services.common.permissions import Actor, Module
from agence.services.common.vocabulary import Labelled
from agence.services.parties.vocabulary import ClientType
from agence.services.statistics.measures import Measure
from agence.services.statistics.report import (
    Chart,
    ChartSeries,
    Drill,
    DrillList,
    Report,
    ReportColumn,
    ReportLine,
    ReportName,
    ReportRequest,
    ReportTable,
    rate,
)
from agence.services.statistics.revenue import (
    NO_REP,
    ZERO,
    Figures,
    Grouping,
    change_rate,
    counted_invoices,
    figures_by_periods,
)

TOP = 10
A_SHARE = Decimal(80)
B_SHARE = Decimal(95)


class AbcClass(Labelled):
    A = "A", "A — les premiers 80 % du CA HT"
    B = "B", "B — les 15 % suivants"
    C = "C", "C — les autres"


@dataclass(frozen=True)
class _Client:
    id: int
    name: str
    current: Figures
    previous: Figures
    bookings: int = 0
    participants: int = 0
    client_type: str = ""
    rep: str = NO_REP
    last_reference: str = ""
    last_starts_on: date | None = None


def _bookings(session: Session, actor: Actor, request: ReportRequest) -> dict[int, tuple[int, int]]:
    """Per client: the dossiers one of whose invoices the period counts, their participants."""
    counted = counted_invoices(
        select(col(Invoice.booking_id))
        .select_from(Invoice)
        .join(Booking, col(Booking.id) == Invoice.booking_id)
        .join(Client, col(Client.id) == Invoice.client_id),
        actor,
        request.period,
        request.filters,
        request.basis,
    )
    statement = (
        select(
            col(Booking.client_id),
            func.count(),
            func.sum(Booking.paying + Booking.free + Booking.staff),
        )
        .where(col(Booking.id).in_(counted))
        .group_by(col(Booking.client_id))
    )
    return {
        client_id: (int(number), int(people or 0))
        for client_id, number, people in session.execute(statement)
    }


def _details(session: Session, client_ids: list[int]) -> dict[int, tuple]:
    """Per client of `client_ids` (the lines shown): type, rep's name, last dossier
    (reference, start), read from his own dossiers (the index on their client)."""
    if not client_ids:
        return {}
    ranked = (
        select(
            col(Booking.client_id).label("client_id"),
            col(Booking.reference).label("reference"),
            col(Booking.starts_on).label("starts_on"),
            func.row_number()
            .over(
                partition_by=col(Booking.client_id),
                order_by=(col(Booking.starts_on).desc(), col(Booking.id).desc()),
            )
            .label("rank"),
        )
        .where(
            col(Booking.deleted_at).is_(None),
            col(Booking.status) != Status.CANCELLED.value,
            col(Booking.client_id).in_(client_ids),
        )
        .subquery("ranked")
    )
    statement = (
        select(
            col(Client.id),
            col(Client.client_type),
            col(User.first_name),
            col(User.last_name),
            ranked.c.reference,
            ranked.c.starts_on,
        )
        .outerjoin(User, col(User.id) == Client.sales_rep_id)
        .outerjoin(ranked, (ranked.c.client_id == Client.id) & (ranked.c.rank == 1))
        .where(col(Client.id).in_(client_ids))
    )
    found = {}
    for client_id, client_type, first, last, reference, starts_on in session.execute(statement):
        rep = " ".join(part for part in (first, last) if part) or NO_REP
        found[client_id] = (client_type, rep, reference or "", starts_on)
    return found


def _clients(session: Session, actor: Actor, request: ReportRequest) -> list[_Client]:
    """Every client invoiced in either period, by revenue HT decreasing (without the details
    of `_details`)."""
    current, previous = figures_by_periods(
        session,
        actor,
        (request.period, request.compared),
        Grouping.CLIENT,
        request.filters,
        request.basis,
    )
    bookings = _bookings(session, actor, request)
    keys = previous.keys() | current.keys()
    # Every name the actor may read, in one plain scan: cheaper than joining the clients to
    # the invoices' sums, or than naming thousands of ids in an IN list.
    visible = select(col(Client.id), col(Client.name))
    if actor.own_clients_only:
        visible = visible.where(col(Client.sales_rep_id) == actor.user_id)
    names = dict(session.execute(visible).all())
    nothing = ("", Figures())
    clients = []
    for key in keys:
        client_id = int(key[0])
        name = names.get(client_id, "")
        number, people = bookings.get(client_id, (0, 0))
        clients.append(
            _Client(
                client_id,
                name,
                current.get(key, nothing)[1].rounded(),
                previous.get(key, nothing)[1].rounded(),
                number,
                people,
            )
        )
    clients.sort(key=lambda c: (-c.current.excl_vat, c.name.casefold(), c.id))
    return clients


def _with_details(session: Session, clients: list[_Client]) -> list[_Client]:
    details = _details(session, [client.id for client in clients])
    found = []
    for client in clients:
        client_type, rep, reference, starts_on = details.get(client.id, ("", NO_REP, "", None))
        found.append(
            replace(
                client,
                client_type=client_type,
                rep=rep,
                last_reference=reference,
                last_starts_on=starts_on,
            )
        )
    return found


def _ranked(clients: list[_Client], total: Decimal) -> list[tuple[AbcClass, Decimal | None]]:
    """Each client's class and cumulative share, in the order of `clients` (HT decreasing): a
    client is A while those before him make less than 80 % of the total, B under 95 %."""
    ranked = []
    before = ZERO
    for client in clients:
        amount = client.current.excl_vat
        if total > 0 and amount > 0:
            share_before = before * 100 / total
            grade = (
                AbcClass.A
                if share_before < A_SHARE
                else AbcClass.B
                if share_before < B_SHARE
                else AbcClass.C
            )
        else:
            grade = AbcClass.C
        before += amount
        ranked.append((grade, rate(before, total) if total > 0 else None))
    return ranked


CLIENT_COLUMNS = (
    ReportColumn("name", "Client"),
    ReportColumn("client_type", "Type", phone=False),
    ReportColumn("rep", "Commercial", phone=False),
    ReportColumn("bookings", "Dossiers", "int", Measure.CLIENT_BOOKINGS),
    ReportColumn("participants", "Participants", "int", Measure.PARTICIPANTS, phone=False),
    ReportColumn("excl_vat", "CA HT", "money", Measure.INVOICED_EXCL_VAT),
    ReportColumn("incl_vat", "CA TTC", "money", Measure.INVOICED_INCL_VAT, phone=False),
    ReportColumn("margin", "Marge brute", "money", Measure.GROSS_MARGIN),
    ReportColumn("previous_excl_vat", "CA HT N-1", "money", Measure.INVOICED_EXCL_VAT),
    ReportColumn("change", "Évolution CA HT", "percent", Measure.REVENUE_CHANGE, phone=False),
    ReportColumn("last_booking", "Dernier dossier", "text", Measure.LAST_BOOKING, phone=False),
    ReportColumn("last_starts_on", "Départ", "date", Measure.LAST_BOOKING, phone=False),
    ReportColumn("abc", "Classe", "text", Measure.ABC_CLASS),
    ReportColumn("cumulative_share", "Part cumulée", "percent", Measure.CUMULATIVE_SHARE),
)


def _client_drill(client_id: int) -> Drill:
    return Drill(DrillList.CLIENT, (("id", str(client_id)),))


def clients_report(
    session: Session, actor: Actor, request: ReportRequest, limit: int | None = None
) -> Report:
    """« Détail des ventes par client »: tables « clients » (one line per client invoiced in
    the period or the comparison period, by revenue HT decreasing; `limit` lines at most, the
    total, the ranking and the classes over all), « top » (the ten first, with the chart N
    against N-1) and « abc » (the classes' counts and revenue)."""
    actor.require(Module.STATISTICS)
    clients = _clients(session, actor, request)
    current, previous = (
        Figures(
            *(
                sum((getattr(getattr(c, side), name) for c in clients), ZERO)
                for name in ("excl_vat", "incl_vat", "margin", "margin_vat")
            )
        )
        for side in ("current", "previous")
    )
    total_excl = current.excl_vat
    ranked = _ranked(clients, total_excl)
    shown = _with_details(session, clients[:limit] if limit is not None else clients)
    lines = tuple(
        ReportLine(
            str(c.id),
            (
                c.name,
                ClientType.label_of(c.client_type, c.client_type),
                c.rep,
                c.bookings,
                c.participants,
                c.current.excl_vat,
                c.current.incl_vat,
                c.current.margin,
                c.previous.excl_vat,
                change_rate(c.current.excl_vat, c.previous.excl_vat),
                c.last_reference,
                c.last_starts_on,
                grade.value,
                share,
            ),
            _client_drill(c.id),
        )
        for c, (grade, share) in zip(shown, ranked, strict=False)
    )
    total = ReportLine(
        "total",
        (
            "Total",
            "",
            "",
            sum(c.bookings for c in clients),
            sum(c.participants for c in clients),
            current.excl_vat,
            current.incl_vat,
            current.margin,
            previous.excl_vat,
            change_rate(current.excl_vat, previous.excl_vat),
            "",
            None,
            "",
            rate(total_excl, total_excl) if total_excl > 0 else None,
        ),
    )
    clients_table = ReportTable(
        "clients",
        "Ventes par client",
        CLIENT_COLUMNS,
        lines,
        total,
        note=(
            "Les clients facturés sur la période ou sur la période de comparaison, par CA HT "
            "décroissant ; chaque ligne mène à la fiche du client. Les dossiers et participants "
            "sont ceux dont une facture compte dans le CA de la période."
            + (
                f" Les {limit} premiers sont montrés ; l'export Excel les contient tous."
                if limit is not None and len(clients) > limit
                else ""
            )
        ),
    )
    return Report(
        ReportName.CLIENTS,
        request,
        (clients_table, _top_table(clients), _abc_table(clients, ranked, total_excl)),
    )


def _top_table(clients: list[_Client]) -> ReportTable:
    top = [c for c in clients if c.current.excl_vat > 0][:TOP]
    return ReportTable(
        "top",
        f"Les {TOP} premiers clients",
        (
            ReportColumn("name", "Client"),
            ReportColumn("excl_vat", "CA HT", "money", Measure.INVOICED_EXCL_VAT),
            ReportColumn("previous_excl_vat", "CA HT N-1", "money", Measure.INVOICED_EXCL_VAT),
        ),
        tuple(
            ReportLine(
                str(c.id), (c.name, c.current.excl_vat, c.previous.excl_vat), _client_drill(c.id)
            )
            for c in top
        ),
        chart=Chart(
            "bar",
            "name",
            (ChartSeries("excl_vat", "CA HT"), ChartSeries("previous_excl_vat", "CA HT N-1")),
        ),
    )


def _abc_table(
    clients: list[_Client], ranked: list[tuple[AbcClass, Decimal | None]], total: Decimal
) -> ReportTable:
    counts = dict.fromkeys(AbcClass, 0)
    amounts = dict.fromkeys(AbcClass, ZERO)
    for client, (grade, _) in zip(clients, ranked, strict=True):
        counts[grade] += 1
        amounts[grade] += client.current.excl_vat
    return ReportTable(
        "abc",
        "Classement ABC",
        (
            ReportColumn("abc", "Classe", "text", Measure.ABC_CLASS),
            ReportColumn("clients", "Clients", "int"),
            ReportColumn("excl_vat", "CA HT", "money", Measure.INVOICED_EXCL_VAT),
            ReportColumn("share", "Part du CA HT", "percent", Measure.REVENUE_SHARE),
        ),
        tuple(
            ReportLine(
                grade.value,
                (
                    grade.label,
                    counts[grade],
                    amounts[grade],
                    rate(amounts[grade], total) if total > 0 else None,
                ),
            )
            for grade in AbcClass
        ),
        ReportLine(
            "total",
            ("Total", len(clients), total, rate(total, total) if total > 0 else None),
        ),
        note="Les lignes de la table des clients portent leur classe.",
    )
