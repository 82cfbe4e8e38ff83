"""Sales follow-up: next actions, « Mes relances », visit reports, clients to visit, bulk
reassignment of clients to a sales rep."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, delete, select

from agence.models import AppSetting, Client, Contact, User, VisitReport, VisitReportContact
from agence.models.base import utcnow
from agence.services.common import audit, formats, identifiers
from agence.services.common.audit import AuditAction
from agence.services.common.forms import FieldSpec, FormErrors, parse_form
from agence.services.common.listing import ChoiceFilter, Column, DateFilter, ListSpec
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import RecordNotFound, get_record, record_change
from agence.services.common.text import normalize_text
from agence.services.parties.choices import Choice
from agence.services.parties.clients import CLIENTS, sales_rep_options, visible_clients
from agence.services.parties.party_records import contacts_of
from agence.services.parties.vocabulary import (
    ClientStatus,
    Due,
    Interest,
    NextAction,
    ReportKind,
    ReportStatus,
)

VISIT_MONTHS_KEY = "clients_to_visit_months"
DEFAULT_VISIT_MONTHS = 6


# --- Next actions ------------------------------------------------------------------------------

NEXT_ACTION_FIELDS = (
    FieldSpec(
        "next_action_kind", "Prochaine action", "choice", choices=(("", "—"), *NextAction.choices())
    ),
    FieldSpec("next_action_on", "Pour le", "date"),
    FieldSpec("next_action_note", "Note", max_length=300),
)


def set_next_action(session: Session, actor: Actor, client_id: int, data: dict[str, Any]) -> None:
    """Plans (or clears, when the action is empty) the next step with a client."""
    actor.require(Module.THIRD_PARTIES, Action.EDIT)
    client = get_record(session, CLIENTS, client_id, actor)
    clean, errors = parse_form(NEXT_ACTION_FIELDS, data)
    if clean.get("next_action_kind") and not clean.get("next_action_on"):
        errors.setdefault("next_action_on", "Indiquez la date de la prochaine action.")
    if errors:
        raise FormErrors(errors)
    before = (client.next_action_kind, client.next_action_on, client.next_action_note)
    client.next_action_kind = clean.get("next_action_kind") or ""
    client.next_action_on = clean.get("next_action_on") if client.next_action_kind else None
    planned = bool(client.next_action_kind)
    client.next_action_note = (clean.get("next_action_note") or "") if planned else ""
    after = (client.next_action_kind, client.next_action_on, client.next_action_note)
    if before != after:
        record_change(
            session,
            actor,
            CLIENTS,
            client,
            {"prochaine action": [_describe_action(*before), _describe_action(*after)]},
        )


def _describe_action(kind: str, on: date | None, note: str) -> str:
    if not kind:
        return ""
    text = f"{NextAction.labels().get(kind, kind)} le {formats.day(on)}"
    return f"{text} ({note})" if note else text


def _due_query():
    return sa.select(
        col(Client.id).label("id"),
        col(Client.name).label("name"),
        col(Client.status).label("status"),
        col(Client.next_action_kind).label("next_action_kind"),
        col(Client.next_action_on).label("next_action_on"),
        col(Client.next_action_note).label("next_action_note"),
        col(Client.phone).label("phone"),
        col(Client.city).label("city"),
    ).where(col(Client.next_action_kind) != "")


def _mine(statement, actor: Actor):
    return visible_clients(statement, actor).where(Client.sales_rep_id == actor.user_id)


FOLLOW_UPS_LIST = ListSpec(
    name="Mes relances",
    query=_due_query,
    columns=(
        Column("next_action_on", "Pour le", Client.next_action_on, kind="date", width=12),
        Column("name", "Client", Client.search_name, width=34),
        Column(
            "next_action_kind",
            "Action",
            Client.next_action_kind,
            width=16,
            labels=NextAction.labels(),
        ),
        Column("next_action_note", "Note", Client.next_action_note, width=40, phone=False),
        Column(
            "status", "Statut", Client.status, width=10, labels=ClientStatus.labels(), phone=False
        ),
        Column("phone", "Téléphone", Client.phone, width=16, phone=False),
        Column("city", "Ville", Client.city, width=18, phone=False),
    ),
    search=(Client.name, Client.next_action_note, Client.city),
    filters=(
        ChoiceFilter(
            "due",
            "Échéance",
            Client.next_action_on,
            Due.choices(),
            match=lambda value: _due_clause(value),
        ),
        ChoiceFilter("next_action_kind", "Action", Client.next_action_kind, NextAction.choices()),
    ),
    default_sort="next_action_on",
    tie_breaker=Client.id,
    scope=_mine,
)


def _due_clause(value: str):
    today = formats.today()
    planned_on = col(Client.next_action_on)
    if value == Due.LATE:
        return planned_on < today
    if value == Due.TODAY:
        return planned_on == today
    if value == Due.THIS_WEEK:
        return planned_on <= today + timedelta(days=6 - today.weekday())
    return planned_on <= today


PIPELINE_LIST = ListSpec(
    name="Pipeline commercial",
    query=_due_query,
    columns=FOLLOW_UPS_LIST.columns,
    search=FOLLOW_UPS_LIST.search,
    filters=(
        *FOLLOW_UPS_LIST.filters,
        ChoiceFilter("status", "Statut", Client.status, ClientStatus.choices()),
    ),
    default_sort="next_action_on",
    tie_breaker=Client.id,
    scope=visible_clients,
)


# --- Clients to visit --------------------------------------------------------------------------


def visit_months(session: Session) -> int:
    setting = session.get(AppSetting, VISIT_MONTHS_KEY)
    try:
        return max(1, int(setting.value)) if setting else DEFAULT_VISIT_MONTHS
    except ValueError:
        return DEFAULT_VISIT_MONTHS


def set_visit_months(session: Session, actor: Actor, months_text: str) -> int:
    actor.require(Module.PARAMETERS, Action.EDIT)
    clean, errors = parse_form(
        (FieldSpec("months", "Mois", "int", required=True, min_value=1, max_value=60),),
        {"months": months_text},
    )
    if errors:
        raise FormErrors(errors)
    setting = session.get(AppSetting, VISIT_MONTHS_KEY) or AppSetting(key=VISIT_MONTHS_KEY)
    previous = setting.value
    setting.value = str(clean["months"])
    session.add(setting)
    audit.record(
        session,
        actor,
        AuditAction.UPDATE,
        entity_type="paramètre",
        entity_id=VISIT_MONTHS_KEY,
        entity_label="Clients à voir : mois sans visite",
        changes={"valeur": [previous, setting.value]},
    )
    return clean["months"]


def months_ago(today: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def _to_visit_query():
    return sa.select(
        col(Client.id).label("id"),
        col(Client.name).label("name"),
        col(Client.status).label("status"),
        col(Client.city).label("city"),
        col(Client.last_visit_on).label("last_visit_on"),
        col(Client.revenue).label("revenue"),
        col(Client.phone).label("phone"),
    ).where(col(Client.status) != ClientStatus.INACTIVE)


def visit_limit(session: Session) -> date:
    """Clients not visited since this day are « à voir »."""
    return months_ago(formats.today(), visit_months(session))


def not_visited_since(limit: date):
    return or_(col(Client.last_visit_on).is_(None), col(Client.last_visit_on) < limit)


TO_VISIT_LIST = ListSpec(
    name="Clients à voir",
    query=_to_visit_query,
    columns=(
        Column("name", "Client", Client.search_name, width=34),
        Column("revenue", "CA 12 mois", Client.revenue, kind="money", width=14),
        Column("last_visit_on", "Dernière visite", Client.last_visit_on, kind="date", width=14),
        Column(
            "status", "Statut", Client.status, width=10, labels=ClientStatus.labels(), phone=False
        ),
        Column("city", "Ville", Client.city, width=18, phone=False),
        Column("phone", "Téléphone", Client.phone, width=16, phone=False),
    ),
    search=(Client.name, Client.city),
    default_sort="revenue",
    default_desc=True,
    tie_breaker=Client.id,
    scope=_mine,
)


# --- Bulk reassignment -------------------------------------------------------------------------


def assign_sales_rep(
    session: Session, actor: Actor, client_ids: list[int], sales_rep_id: int
) -> int:
    """Gives the selected clients to a sales rep; returns how many changed."""
    actor.require(Module.THIRD_PARTIES, Action.EDIT)
    if actor.own_clients_only:
        raise FormErrors({"": "Votre profil ne permet pas de réaffecter des clients."})
    rep = session.get(User, sales_rep_id)
    if rep is None or not rep.active or not rep.is_sales_rep:
        raise FormErrors({"sales_rep_id": "Choisissez un commercial actif."})
    changed = 0
    for client_id in sorted(set(client_ids))[:1000]:
        try:
            client = get_record(session, CLIENTS, client_id, actor)
        except RecordNotFound:
            continue
        if client.sales_rep_id == sales_rep_id:
            continue
        before = client.sales_rep_id
        client.sales_rep_id = sales_rep_id
        record_change(session, actor, CLIENTS, client, {"sales_rep_id": [before, sales_rep_id]})
        changed += 1
    return changed


# --- Visit reports -----------------------------------------------------------------------------

REPORT_FIELDS = (
    FieldSpec("client_id", "Client ou prospect", "int", required=True, min_value=1),
    FieldSpec("visit_on", "Date", "date", required=True),
    FieldSpec("kind", "Type", "choice", required=True, choices=ReportKind.choices()),
    FieldSpec("subject", "Objet", required=True, max_length=200),
    FieldSpec("body", "Compte rendu", "textarea", max_length=20000),
    FieldSpec("interest", "Intérêt", "choice", choices=(("", "—"), *Interest.choices())),
    FieldSpec(
        "next_action_kind", "Prochaine action", "choice", choices=(("", "—"), *NextAction.choices())
    ),
    FieldSpec("next_action_on", "Pour le", "date"),
)
DRAFT_FIELDS = {spec.name: spec for spec in REPORT_FIELDS}


def _report(session: Session, actor: Actor, report_id: int) -> VisitReport:
    report = session.get(VisitReport, report_id)
    if report is None or report.deleted_at is not None:
        raise RecordNotFound("compte rendu", report_id)
    if report.sales_rep_id != actor.user_id:
        # Others' validated reports are readable by whoever sees the client; their drafts are
        # their own, and nobody else edits a report.
        if report.client_id is None or report.status == ReportStatus.DRAFT:
            raise RecordNotFound("compte rendu", report_id)
        get_record(session, CLIENTS, report.client_id, actor)
    return report


def open_draft(session: Session, actor: Actor, client_id: int | None = None) -> VisitReport:
    """A new draft report of the signed-in rep (dated today, for a client if given)."""
    actor.require(Module.THIRD_PARTIES, Action.CREATE)
    if client_id is not None:
        get_record(session, CLIENTS, client_id, actor)
    for untouched in session.exec(  # drafts opened and left empty do not pile up
        select(VisitReport).where(
            VisitReport.sales_rep_id == actor.user_id,
            VisitReport.status == ReportStatus.DRAFT,
            col(VisitReport.deleted_at).is_(None),
            VisitReport.subject == "",
            VisitReport.body == "",
        )
    ):
        untouched.deleted_at = utcnow()
        session.add(untouched)
    report = VisitReport(
        client_id=client_id,
        sales_rep_id=actor.user_id,
        kind=ReportKind.VISIT.value,
        visit_on=formats.today(),
        status=ReportStatus.DRAFT.value,
    )
    session.add(report)
    session.flush()
    return report


def save_draft_field(session: Session, actor: Actor, report_id: int, name: str, value: str) -> str:
    """Keeps one field of a draft as it is typed; returns the field's message ("" if fine).

    An unreadable value (a date being typed) is not kept and not an error yet: validation
    happens when the report is validated."""
    actor.require(Module.THIRD_PARTIES, Action.CREATE)
    report = _report(session, actor, report_id)
    if report.status != ReportStatus.DRAFT or report.sales_rep_id != actor.user_id:
        raise FormErrors({"": "Ce compte rendu n'est plus modifiable."})
    if name == "contacts":
        _set_contacts(session, report, value)
        report.updated_at = utcnow()
        session.add(report)
        return ""
    spec = DRAFT_FIELDS.get(name)
    if spec is None:
        return ""
    clean, errors = parse_form((spec,), {name: value})
    if name in errors and value.strip():
        return errors[name]
    if name == "client_id" and clean.get(name):
        get_record(session, CLIENTS, clean[name], actor)
        _set_contacts(session, report, "")
    setattr(
        report,
        name,
        clean.get(name)
        if clean.get(name) is not None
        else ("" if spec.kind not in ("int", "date") else None),
    )
    report.updated_at = utcnow()
    session.add(report)
    return ""


def _set_contacts(session: Session, report: VisitReport, value: str) -> None:
    ids = {found for part in value.split(",") if (found := identifiers.record_id(part))}
    session.exec(delete(VisitReportContact).where(col(VisitReportContact.report_id) == report.id))
    if not ids or report.client_id is None:
        return
    valid = session.exec(
        select(Contact.id).where(
            Contact.client_id == report.client_id,
            col(Contact.id).in_(ids),
            col(Contact.deleted_at).is_(None),
        )
    ).all()
    for contact_id in valid:  # an id read from the table is never None
        session.add(VisitReportContact(report_id=report.id or 0, contact_id=cast(int, contact_id)))


def report_contacts(session: Session, report_id: int) -> list[int]:
    return list(
        session.exec(
            select(VisitReportContact.contact_id).where(VisitReportContact.report_id == report_id)
        )
    )


def report_values(session: Session, actor: Actor, report_id: int) -> dict[str, str]:
    report = _report(session, actor, report_id)
    values = {
        "client_id": str(report.client_id or ""),
        "visit_on": report.visit_on.isoformat() if report.visit_on else "",
        "kind": report.kind,
        "subject": report.subject,
        "body": report.body,
        "interest": report.interest,
        "next_action_kind": report.next_action_kind,
        "next_action_on": report.next_action_on.isoformat() if report.next_action_on else "",
        "status": report.status,
        "contacts": ",".join(str(i) for i in report_contacts(session, report_id)),
    }
    return values


def validate_report(session: Session, actor: Actor, report_id: int) -> VisitReport:
    """Turns a draft into a report: checked, then the client's last visit and next action
    follow it."""
    actor.require(Module.THIRD_PARTIES, Action.CREATE)
    report = _report(session, actor, report_id)
    if report.status != ReportStatus.DRAFT or report.sales_rep_id != actor.user_id:
        raise FormErrors({"": "Ce compte rendu est déjà validé."})
    values = report_values(session, actor, report_id)
    clean, errors = parse_form(REPORT_FIELDS, values)
    if clean.get("next_action_kind") and not clean.get("next_action_on"):
        errors.setdefault("next_action_on", "Indiquez la date de la prochaine action.")
    if clean.get("visit_on") and clean["visit_on"] > formats.today() + timedelta(days=1):
        errors.setdefault("visit_on", "La date est dans le futur.")
    if errors:
        raise FormErrors(errors)
    client = get_record(session, CLIENTS, clean["client_id"], actor)
    report.status = ReportStatus.VALIDATED.value
    report.updated_at = utcnow()
    session.add(report)
    changes: dict[str, Any] = {}
    visit_on: date = clean["visit_on"]  # the report's date, required to validate it
    if ReportKind(report.kind).met_in_person and (
        client.last_visit_on is None or visit_on > client.last_visit_on
    ):
        changes["last_visit_on"] = [
            audit.json_safe(client.last_visit_on),
            audit.json_safe(visit_on),
        ]
        client.last_visit_on = visit_on
    if report.next_action_kind:
        changes["prochaine action"] = [
            _describe_action(
                client.next_action_kind, client.next_action_on, client.next_action_note
            ),
            _describe_action(report.next_action_kind, report.next_action_on, report.subject),
        ]
        client.next_action_kind = report.next_action_kind
        client.next_action_on = report.next_action_on
        client.next_action_note = report.subject[:300]
    if changes:
        record_change(session, actor, CLIENTS, client, changes)
    audit.record(
        session,
        actor,
        AuditAction.CREATE,
        entity_type="compte rendu",
        entity_id=report.id,
        entity_label=f"{client.name} — {report.subject}",
    )
    return report


def discard_draft(session: Session, actor: Actor, report_id: int) -> None:
    actor.require(Module.THIRD_PARTIES, Action.CREATE)
    report = _report(session, actor, report_id)
    if report.status != ReportStatus.DRAFT or report.sales_rep_id != actor.user_id:
        raise FormErrors({"": "Seul un brouillon peut être abandonné."})
    report.deleted_at = utcnow()
    session.add(report)


def _reports_query():
    rep = aliased(User, name="rep")
    return (
        sa.select(
            col(VisitReport.id).label("id"),
            col(VisitReport.visit_on).label("visit_on"),
            col(VisitReport.kind).label("kind"),
            col(Client.name).label("client"),
            col(VisitReport.subject).label("subject"),
            col(VisitReport.interest).label("interest"),
            (col(rep.first_name) + " " + col(rep.last_name)).label("sales_rep"),
            col(VisitReport.status).label("status"),
            col(VisitReport.client_id).label("client_id"),
        )
        .join(Client, col(Client.id) == VisitReport.client_id, isouter=True)
        .join(rep, col(rep.id) == VisitReport.sales_rep_id, isouter=True)
        .where(col(VisitReport.deleted_at).is_(None))
    )


def _reports_scope(statement, actor: Actor):
    """A rep sees his own drafts and the validated reports of the clients he may see."""
    visible = visible_clients(select(Client.id), actor)
    return statement.where(
        or_(
            col(VisitReport.sales_rep_id) == actor.user_id,
            (col(VisitReport.status) == ReportStatus.VALIDATED)
            & col(VisitReport.client_id).in_(visible),
        )
    )


REPORTS_LIST = ListSpec(
    name="Comptes rendus",
    query=_reports_query,
    columns=(
        Column("visit_on", "Date", VisitReport.visit_on, kind="date", width=12),
        Column("client", "Client", Client.name, width=30),
        Column("kind", "Type", VisitReport.kind, width=12, labels=ReportKind.labels(), phone=False),
        Column("subject", "Objet", VisitReport.subject, width=40),
        Column(
            "interest",
            "Intérêt",
            VisitReport.interest,
            width=10,
            labels=Interest.labels(),
            phone=False,
        ),
        Column("sales_rep", "Commercial", None, width=22, sortable=False, phone=False),
        Column("status", "État", VisitReport.status, width=10, labels=ReportStatus.labels()),
    ),
    search=(Client.name, VisitReport.subject, VisitReport.body),
    filters=(
        ChoiceFilter("status", "État", VisitReport.status, ReportStatus.choices()),
        ChoiceFilter("kind", "Type", VisitReport.kind, ReportKind.choices()),
        ChoiceFilter(
            "sales_rep",
            "Commercial",
            VisitReport.sales_rep_id,
            options_query=sales_rep_options,
            value_type=int,
        ),
        DateFilter("since", "Du", VisitReport.visit_on, "since", is_datetime=False),
        DateFilter("until", "Au", VisitReport.visit_on, "until", is_datetime=False),
    ),
    default_sort="visit_on",
    default_desc=True,
    tie_breaker=VisitReport.id,
    scope=_reports_scope,
)


def client_options(
    session: Session, actor: Actor, search: str = "", limit: int = 30
) -> list[Choice]:
    """Clients the rep may pick for a report (his first when restricted), by name."""
    statement = visible_clients(select(Client.id, Client.name, Client.city), actor)
    for term in normalize_text(search).split()[:5]:
        statement = statement.where(col(Client.search_name).like(f"%{term}%"))
    rows = session.exec(statement.order_by(Client.name).limit(limit)).all()
    return [Choice(str(i), f"{name} — {city}" if city else name) for i, name, city in rows]


def contact_options(session: Session, client_id: int) -> list[Choice]:
    """The client's contacts a report can name as met, the main one first."""
    return [Choice(str(i), name) for i, name in contacts_of(session, client_id)]


def count_due(session: Session, actor: Actor) -> int:
    statement = _mine(select(func.count()).select_from(Client), actor).where(
        col(Client.next_action_kind) != "", col(Client.next_action_on) <= formats.today()
    )
    return session.exec(statement).one()
