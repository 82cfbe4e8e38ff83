"""« Détail des démarchages » over March 2030, far from the demo's own reports and dossiers.

Anne (limited to her clients) follows two prospects created in March (B at 00:30 on 1 March,
Paris time, still 28 February in UTC); Bruno an older client, C. Reports (validated unless
said): Anne visits A on 2 March, calls A on the 3rd, e-mails B on the 4th, meets B on the 12th,
drafts a visit to B on the 10th (a draft: not counted) and visited A on 27 February (before the
period); Bruno visits C on the 15th, meets him at a fair on the 16th, calls him on the 20th.
Dossiers: A's quote sent 6 March, confirmed 20 March; B's quote sent 10 February, confirmed
25 March; C's quote sent 18 March, not confirmed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import Booking, BookingEvent, User, VisitReport
from agence.services.bookings.bookings import change_status
from agence.services.bookings.lifecycle import Status
from agence.services.parties.vocabulary import ReportKind, ReportStatus
from agence.services.statistics.prospecting import prospecting_report
from agence.services.statistics.report import DrillList, Period, ReportName, ReportRequest
from tests.factories import demo_admin, demo_dossier, make_actor, make_client
from tests.services.statistics.test_clients_sales import check_drills
from tests.worlds import shared_world

D = Decimal
MARCH = Period(date(2030, 3, 1), date(2030, 3, 31))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def booking(admin, client_id: int, rep_id: int, quote_on: str, confirmed_at: str | None) -> None:
    made = demo_dossier(admin, "2027-05-12", client_id=client_id, sales_rep_id=rep_id)
    steps = [Status.QUOTE_SENT] + ([Status.CONFIRMED] if confirmed_at else [])
    for step in steps:
        with session_scope() as s:
            change_status(s, admin, made.id, step)
    with session_scope() as s:
        row = s.get(Booking, made.id)
        row.quote_sent_on = date.fromisoformat(quote_on)
        s.add(row)
        for event in s.exec(
            select(BookingEvent).where(
                BookingEvent.booking_id == made.id, BookingEvent.to_status == Status.CONFIRMED
            )
        ):
            event.at = at(confirmed_at or "")
            s.add(event)


def build_field(session: Session) -> dict:
    admin = demo_admin(session)
    anne = make_actor(session, own_clients_only=True)
    bruno = make_actor(session)
    clients = {}
    for key, rep, created, department in (
        ("A", anne, "2030-03-05T10:00:00", "37"),
        ("B", anne, "2030-02-28T23:30:00", ""),
        ("C", bruno, "2029-06-01T10:00:00", "41"),
    ):
        client = make_client(session, f"Prospect {key}", rep.user_id)
        client.created_at = at(created)
        client.department = department
        session.add(client)
        session.commit()
        clients[key] = client.id
    reports = (
        (anne, "A", ReportKind.VISIT, "2030-03-02", ReportStatus.VALIDATED),
        (anne, "A", ReportKind.CALL, "2030-03-03", ReportStatus.VALIDATED),
        (anne, "B", ReportKind.EMAIL, "2030-03-04", ReportStatus.VALIDATED),
        (anne, "B", ReportKind.MEETING, "2030-03-12", ReportStatus.VALIDATED),
        (anne, "B", ReportKind.VISIT, "2030-03-10", ReportStatus.DRAFT),
        (anne, "A", ReportKind.VISIT, "2030-02-27", ReportStatus.VALIDATED),
        (bruno, "C", ReportKind.VISIT, "2030-03-15", ReportStatus.VALIDATED),
        (bruno, "C", ReportKind.FAIR, "2030-03-16", ReportStatus.VALIDATED),
        (bruno, "C", ReportKind.CALL, "2030-03-20", ReportStatus.VALIDATED),
    )
    for rep, client, kind, day, status in reports:
        session.add(
            VisitReport(
                client_id=clients[client],
                sales_rep_id=rep.user_id,
                kind=kind.value,
                visit_on=date.fromisoformat(day),
                subject="Présentation",
                status=status.value,
            )
        )
    session.commit()
    booking(admin, clients["A"], anne.user_id, "2030-03-06", "2030-03-20T10:00:00")
    booking(admin, clients["B"], anne.user_id, "2030-02-10", "2030-03-25T10:00:00")
    booking(admin, clients["C"], bruno.user_id, "2030-03-18", None)
    names = {}
    for key, rep in (("anne", anne), ("bruno", bruno)):
        user = session.get(User, rep.user_id)
        names[key] = f"{user.first_name} {user.last_name}"
    return {"admin": admin, "anne": anne, "bruno": bruno, "names": names}


field = shared_world(build_field, name="field")
ANNE_ACTIVITY = (1, 1, 1, 1, 2, 2, D("100.0"), 1, 2, D("100.0"))
BRUNO_ACTIVITY = (1, 1, 0, 1, 0, 0, None, 1, 0, D("0.0"))


def test_every_cell_of_the_reps_activity(field):
    with session_scope() as s:
        report = prospecting_report(s, field["admin"], ReportRequest(MARCH))
    assert report.name is ReportName.PROSPECTING
    reps = report.table("reps")
    assert [c.key for c in reps.columns] == [
        "rep", "visits", "calls", "emails", "other", "prospects_created", "prospects_converted",
        "prospect_rate", "quotes_sent", "confirmed", "conversion_rate",
    ]  # fmt: skip
    assert all(c.measure is not None for c in reps.columns[1:])
    anne, bruno = field["anne"].user_id, field["bruno"].user_id
    names = field["names"]
    expected = sorted(
        [
            (str(anne), (names["anne"], *ANNE_ACTIVITY)),
            (str(bruno), (names["bruno"], *BRUNO_ACTIVITY)),
        ],
        key=lambda pair: pair[1][0].casefold(),
    )
    assert [(line.key, line.cells) for line in reps.lines] == expected
    assert reps.total.cells == ("Total", 2, 2, 1, 2, 2, 2, D("100.0"), 2, 2, D("50.0"))
    drill = reps.line(str(anne)).drill
    assert drill is not None and drill.list is DrillList.VISIT_REPORTS and drill.exact
    assert drill.filters == (
        ("status", "valide"),
        ("since", "2030-03-01"),
        ("until", "2030-03-31"),
        ("sales_rep", str(anne)),
    )
    assert reps.chart is not None
    assert [s.column for s in reps.chart.series] == ["visits", "calls", "emails", "other"]
    check_drills(report)


def test_funnel_from_clients_met_to_quotes_and_confirmations(field):
    with session_scope() as s:
        report = prospecting_report(s, field["admin"], ReportRequest(MARCH))
    by_rep = report.table("funnel_reps")
    assert [c.key for c in by_rep.columns] == ["rep", "visited", "quoted", "confirmed"]
    anne, bruno = str(field["anne"].user_id), str(field["bruno"].user_id)
    rows = {line.key: line.cells[1:] for line in by_rep.lines}
    # Anne met A (visit) and B (meeting); only A had his quote sent in March, and confirmed.
    assert rows == {anne: (2, 1, 1), bruno: (1, 1, 0)}
    assert by_rep.total.cells == ("Total", 3, 2, 1)
    by_department = report.table("funnel_departements")
    assert [c.key for c in by_department.columns] == [
        "departement",
        "visited",
        "quoted",
        "confirmed",
    ]
    assert [line.cells for line in by_department.lines] == [
        ("37", 1, 1, 1),
        ("41", 1, 1, 0),
        ("Inconnu", 1, 0, 0),
    ]
    assert by_department.total.cells == ("Total", 3, 2, 1)
    assert all(line.drill is not None and not line.drill.exact for line in by_department.lines)


def test_rep_limited_to_his_clients_sees_only_his_figures(field):
    with session_scope() as s:
        report = prospecting_report(s, field["anne"], ReportRequest(MARCH))
    reps = report.table("reps")
    assert [line.cells for line in reps.lines] == [(field["names"]["anne"], *ANNE_ACTIVITY)]
    assert [line.cells[1:] for line in report.table("funnel_reps").lines] == [(2, 1, 1)]
    assert [line.cells for line in report.table("funnel_departements").lines] == [
        ("37", 1, 1, 1),
        ("Inconnu", 1, 0, 0),
    ]
