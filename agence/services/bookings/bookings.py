"""Dossiers: creation (à la carte or from a catalogue dossier, shifted to the chosen dates),
numbering per site and year, the general form, status changes with their history, amendments
as new versions of the costing and the programme, and the dossiers' list.

A dossier always has a costing (the current version's): its group is the dossier's, and the
price it gives is what the client is quoted (kept on the dossier when the costing is saved)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import exists, func, orm
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from agence.models import (
    AgencySite,
    Booking,
    BookingCounter,
    BookingEvent,
    BookingProgrammeItem,
    BookingType,
    BookingVersion,
    CatalogueDossier,
    CatalogueProgrammeItem,
    Client,
    Contact,
    Costing,
    CostingLine,
    Guide,
    GuideAssignment,
    Product,
    User,
)
from agence.models.base import utcnow
from agence.services.billing import outstanding
from agence.services.bookings import availability, lifecycle, sold_lines
from agence.services.bookings.lifecycle import (
    AMENDABLE,
    OPEN,
    STATUS_LABELS,
    Status,
    TransitionRefused,
    allowed_transitions,
    audit_booking,
    check,
    record_event,
)
from agence.services.bookings.vocabulary import SupplierStatus
from agence.services.catalogue import costings
from agence.services.common import formats, identifiers
from agence.services.common.audit import AuditAction
from agence.services.common.coded_lists import CodedListResource
from agence.services.common.forms import FieldSpec, FormErrors, parse_form, read_times
from agence.services.common.listing import (
    ChoiceFilter,
    Column,
    DateFilter,
    ListSpec,
)
from agence.services.common.permissions import Action, Actor, Module
from agence.services.common.records import RecordNotFound, Resource
from agence.services.common.text import normalize_text
from agence.services.parties.clients import (
    DELETE_GUARDS,
    LANGUAGES,
    sales_rep_options,
    visible_clients,
)
from agence.services.parties.suppliers import cancellation_percent

MAX_DAYS = 60
_Statement = TypeVar("_Statement", bound=sa.Select[*tuple[Any, ...]])
"""A query on the dossiers, of any columns, narrowed by `scope` to the same query."""


class BookingTypeResource(CodedListResource):
    model = BookingType
    entity = "type de dossier"
    new_title = "Nouveau type de dossier"
    list_name = "Types de dossiers"

    def delete_problem(self, session: Session, record: BookingType) -> str | None:
        used = session.exec(
            select(func.count()).select_from(Booking).where(Booking.booking_type_id == record.id)
        ).one()
        if used:
            return f"Ce type sert à {used} dossier(s) : désactivez-le plutôt."
        return None


BOOKING_TYPES = BookingTypeResource()


# --- Numbering --------------------------------------------------------------------------------


def next_number(session: Session, site_id: int, year: int) -> int:
    """The next number of the site's year, taken under a row lock (PostgreSQL): two dossiers
    created at once get two numbers, and a failed creation rolls its number back."""
    statement = (
        select(BookingCounter)
        .where(BookingCounter.site_id == site_id, BookingCounter.year == year)
        .with_for_update()
    )
    counter = session.exec(statement).first()
    if counter is None:
        savepoint = session.begin_nested()
        try:
            session.add(BookingCounter(site_id=site_id, year=year, last_number=0))
            savepoint.commit()
        except IntegrityError:
            savepoint.rollback()
        counter = session.exec(statement).one()
    counter.last_number += 1
    session.add(counter)
    session.flush()
    return counter.last_number


def reference_of(site_code: str, year: int, number: int) -> str:
    return f"{site_code}-{year}-{number:04d}"


# --- Access -----------------------------------------------------------------------------------


def scope(statement: _Statement, actor: Actor) -> _Statement:
    """A rep limited to his clients sees the dossiers of his clients only."""
    if not actor.own_clients_only:
        return statement
    return statement.where(col(Booking.client_id).in_(visible_clients(select(Client.id), actor)))


def get_booking(
    session: Session, actor: Actor, booking_id: int, *, for_update: bool = False
) -> Booking:
    """The dossier within the actor's reach. `for_update` locks its row until the transaction
    ends (PostgreSQL): a status change or an amendment starts from the status and version a
    colleague's simultaneous change left, never from the ones it is replacing."""
    actor.require(Module.BOOKINGS, Action.SEE)
    booking = session.get(
        Booking, booking_id, with_for_update=for_update or None, populate_existing=for_update
    )
    if booking is None or booking.deleted_at is not None:
        raise RecordNotFound("dossier", booking_id)
    visible = session.exec(scope(select(Booking.id).where(Booking.id == booking_id), actor)).first()
    if visible is None:
        raise RecordNotFound("dossier", booking_id)
    return booking


# --- Creation ---------------------------------------------------------------------------------

CREATION_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("client_id", "Client", "ref", required=True),
    FieldSpec("catalogue_dossier_id", "Dossier catalogue (facultatif)", "ref"),
    FieldSpec("title", "Intitulé", max_length=200, wide=True),
    FieldSpec("booking_type_id", "Type", "ref", required=True),
    FieldSpec("site_id", "Site de l'agence", "ref", required=True),
    FieldSpec("sales_rep_id", "Commercial", "ref"),
    FieldSpec("starts_on", "Arrivée / début", "date", required=True),
    FieldSpec("ends_on", "Départ / fin", "date"),
    FieldSpec("paying", "Payants", "int", required=True, min_value=1, max_value=10000),
    FieldSpec("free", "Gratuits", "int", min_value=0, max_value=10000),
    FieldSpec("staff", "Accompagnateurs / chauffeur", "int", min_value=0, max_value=1000),
)


def _site_options(session: orm.Session) -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(i), name)
        for i, name in session.execute(
            select(AgencySite.id, AgencySite.name).order_by(col(AgencySite.name))
        )
    )


def creation_choices(session: Session) -> dict[str, tuple[tuple[str, str], ...]]:
    """Options of the creation form (the client is searched, not listed)."""
    return {
        "catalogue_dossier_id": tuple(
            (str(i), name)
            for i, name in session.exec(
                select(CatalogueDossier.id, CatalogueDossier.name)
                .where(col(CatalogueDossier.deleted_at).is_(None), CatalogueDossier.active)
                .order_by(col(CatalogueDossier.name))
            )
        ),
        "booking_type_id": tuple(
            (str(i), label)
            for i, label in session.exec(
                select(BookingType.id, BookingType.label)
                .where(BookingType.active)
                .order_by(col(BookingType.position))
            )
        ),
        "site_id": _site_options(session),
        "sales_rep_id": tuple(sales_rep_options(session)),
    }


@dataclass(frozen=True)
class ClientHit:
    """A client found while creating a dossier; `rep` is its sales rep's id."""

    id: str
    name: str
    city: str
    rep: str


def search_clients(session: Session, actor: Actor, text: str, limit: int = 8) -> list[ClientHit]:
    """Clients within the actor's reach whose name starts a word with the typed text."""
    terms = normalize_text(text).split()
    statement = select(Client.id, Client.name, Client.city, Client.sales_rep_id)
    for term in terms[:5]:
        statement = statement.where(col(Client.search_text).contains(term))
    statement = visible_clients(statement.order_by(col(Client.name)).limit(limit), actor)
    return [
        ClientHit(id=str(i), name=name, city=city or "", rep=str(rep or ""))
        for i, name, city, rep in session.exec(statement)
    ]


def _type_for(session: Session, code: str) -> int | None:
    return session.exec(select(BookingType.id).where(BookingType.code == code.upper())).first()


def creation_defaults(session: Session, actor: Actor) -> dict[str, str]:
    journee = _type_for(session, "JOURNEE")
    return {
        "site_id": str(actor.site_id or ""),
        "sales_rep_id": str(actor.user_id) if actor.is_sales_rep else "",
        "booking_type_id": str(journee or ""),
        "paying": "20",
        "free": "0",
        "staff": "0",
    }


def create_booking(session: Session, actor: Actor, data: dict[str, Any]) -> Booking:
    """A new dossier (status « demande »), à la carte or from a catalogue dossier whose costing
    and programme are copied, the programme's days falling on the dossier's dates."""
    actor.require(Module.BOOKINGS, Action.CREATE)
    choices = {
        **creation_choices(session),
        "client_id": ((str(data.get("client_id") or ""), ""),),
    }
    clean, errors = parse_form(CREATION_FIELDS, data, choices)
    client = session.get(Client, clean["client_id"]) if clean.get("client_id") else None
    if (
        client is not None
        and not session.exec(
            visible_clients(select(Client.id).where(Client.id == client.id), actor)
        ).first()
    ):
        client = None
    if clean.get("client_id") and client is None:
        errors["client_id"] = "Client introuvable."
    template = (
        session.get(CatalogueDossier, clean["catalogue_dossier_id"])
        if clean.get("catalogue_dossier_id")
        else None
    )
    starts_on, ends_on = clean.get("starts_on"), clean.get("ends_on")
    if starts_on and not ends_on:
        days = template.duration_days if template else 1
        ends_on = starts_on + timedelta(days=days - 1)
    if starts_on and ends_on:
        if ends_on < starts_on:
            errors.setdefault("ends_on", "Le départ précède l'arrivée.")
        elif (ends_on - starts_on).days >= MAX_DAYS:
            errors.setdefault("ends_on", f"{MAX_DAYS} jours au plus.")
    title = clean.get("title") or (template.name if template else "")
    if not title:
        errors.setdefault("title", "Donnez un intitulé ou choisissez un dossier catalogue.")
    if errors:
        raise FormErrors(errors)
    assert client is not None and starts_on is not None and ends_on is not None
    site = session.get_one(AgencySite, clean["site_id"])  # the form took a listed site
    year = starts_on.year
    number = next_number(session, site.id or 0, year)
    booking = Booking(
        reference=reference_of(site.code, year, number),
        site_id=site.id or 0,
        year=year,
        number=number,
        title=title,
        booking_type_id=clean["booking_type_id"],
        client_id=client.id or 0,
        sales_rep_id=clean.get("sales_rep_id") or client.sales_rep_id,
        catalogue_dossier_id=template.id if template else None,
        starts_on=starts_on,
        ends_on=ends_on,
        paying=clean["paying"],
        free=clean.get("free") or 0,
        staff=clean.get("staff") or 0,
        language=client.language or "fr",
    )
    booking.search_text = _search_text(booking, client)
    session.add(booking)
    session.flush()
    costing = _first_costing(session, actor, booking, template)
    booking.costing_id = costing.id
    session.add(
        BookingVersion(
            booking_id=booking.id or 0,
            number=1,
            costing_id=costing.id,
            reason="Création",
            created_by_id=actor.user_id,
        )
    )
    if template is not None:
        _copy_programme(session, template, booking)
    record_event(session, actor, booking, "", Status.REQUEST, "Création")
    _refresh_price(session, booking)
    audit_booking(
        session,
        actor,
        booking,
        {
            "client": [None, client.name],
            "modèle": [None, template.name if template else None],
        },
        AuditAction.CREATE,
    )
    return booking


def _search_text(booking: Booking, client: Client) -> str:
    return normalize_text(f"{booking.reference} {booking.title} {client.name}")[:600]


def _first_costing(
    session: Session, actor: Actor, booking: Booking, template: CatalogueDossier | None
) -> Costing:
    source = session.get(Costing, template.costing_id) if template and template.costing_id else None
    group: dict[str, Any] = {
        "name": booking.title,
        "client_id": booking.client_id,
        "service_date": booking.starts_on,
        "paying": booking.paying,
        "free": booking.free,
        "staff": booking.staff,
        "is_template": False,
        "for_booking": True,
        "created_by_id": actor.user_id,
    }
    if source is not None:
        copy = costings.copy_costing(session, source, **group)
        # The template's figures were those of its own day and group: the dossier's tariffs
        # and the client's preferential rates apply now.
        costings.refresh_saved_costing(session, copy)
        return copy
    costing = Costing(**group)
    session.add(costing)
    session.flush()
    return costing


def _copy_programme(session: Session, template: CatalogueDossier, booking: Booking) -> None:
    """The catalogue's day 1 falls on the dossier's first day, and so on."""
    items = session.exec(
        select(CatalogueProgrammeItem)
        .where(CatalogueProgrammeItem.dossier_id == template.id)
        .order_by(
            col(CatalogueProgrammeItem.day),
            col(CatalogueProgrammeItem.start_time).is_(None),
            col(CatalogueProgrammeItem.start_time),
            col(CatalogueProgrammeItem.id),
        )
    ).all()
    for position, item in enumerate(items, start=1):
        session.add(
            BookingProgrammeItem(
                booking_id=booking.id or 0,
                version=booking.version,
                day=booking.starts_on + timedelta(days=item.day - 1),
                position=position,
                start_time=item.start_time,
                end_time=item.end_time,
                product_id=item.product_id,
                title=item.title,
                notes=item.notes,
            )
        )
    session.flush()


# --- History, status, versions -------------------------------------------------------------


def change_status(
    session: Session, actor: Actor, booking_id: int, target: str, comment: str = ""
) -> Booking:
    """Moves the dossier one step of its life, if that step is allowed to this user now."""
    booking = get_booking(session, actor, booking_id, for_update=True)
    try:
        step = check(actor, booking.status, target, comment)
    except TransitionRefused as refused:
        raise FormErrors({"": str(refused)}) from refused
    if amendment_open(booking) and step.target != Status.CANCELLED:
        raise FormErrors({"": "Un avenant est en cours : faites-le valider par le client d'abord."})
    today = formats.today()
    if step.target == Status.QUOTE_SENT and booking.quote_sent_on is None:
        booking.quote_sent_on = today
    if step.target == Status.CONFIRMED:
        booking.confirmed_version = booking.version
    if step.target == Status.CANCELLED:
        booking.cancellation_fee = cancellation_fee(session, booking, today)
        availability.give_back_all(session, booking)
        _cancel_supplier_bookings(session, booking)
    lifecycle.change_status(session, actor, booking, step.target, note=comment)
    return booking


def _cancel_supplier_bookings(session: Session, booking: Booking) -> None:
    """A cancelled dossier's services are cancelled with their suppliers too (to be told)."""
    if booking.costing_id is None:
        return
    for line in session.exec(
        select(CostingLine).where(
            CostingLine.costing_id == booking.costing_id,
            col(CostingLine.supplier_status).in_((SupplierStatus.OPTION, SupplierStatus.CONFIRMED)),
        )
    ):
        line.supplier_status = SupplierStatus.CANCELLED
        session.add(line)


def cancellation_fee(session: Session, booking: Booking, on: date) -> Decimal:
    """What cancelling now costs the client: the share of the dossier's price his own terms
    ask at that many days before the start, and never less than what the suppliers charge
    the agency (each service's cost × its product's schedule; free lines have none)."""
    days_before = (booking.starts_on - on).days
    client = session.get(Client, booking.client_id)
    by_client = Decimal(0)
    if client is not None and client.cancellation_schedule:
        share = cancellation_percent(client.cancellation_schedule, days_before)
        by_client = booking.total_price * share / 100
    by_suppliers = Decimal(0)
    if booking.costing_id is not None:
        header, lines = _costing_strings(session, booking.costing_id)
        priced = costings.quote(header, lines)
        for values, line in zip(lines, priced.lines if priced else [], strict=False):
            product_id = identifiers.record_id(values.get("product_id") or "")
            product = session.get(Product, product_id) if product_id else None
            if product is not None:
                share = cancellation_percent(product.cancellation_schedule, days_before)
                by_suppliers += line.cost * share / 100
    return max(by_client, by_suppliers).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _costing_strings(
    session: Session, costing_id: int
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The saved costing as text, read without rights (the caller has checked them)."""
    return costings.saved_strings(session, session.get_one(Costing, costing_id))


def start_amendment(session: Session, actor: Actor, booking_id: int, reason: str) -> Booking:
    """A confirmed dossier changes through an amendment: a new version whose costing and
    programme start as copies of the current ones; the earlier stay readable."""
    booking = get_booking(session, actor, booking_id, for_update=True)
    actor.require(Module.BOOKINGS, Action.EDIT)
    if booking.status not in AMENDABLE:
        raise FormErrors({"": "Seul un dossier confirmé se modifie par avenant."})
    if amendment_open(booking):
        raise FormErrors(
            {"": f"L'avenant de la version {booking.version} est en cours : validez-le d'abord."}
        )
    if not reason.strip():
        raise FormErrors({"reason": "Indiquez l'objet de l'avenant."})
    current = session.get(Costing, booking.costing_id) if booking.costing_id else None
    copy = (
        costings.copy_costing(session, current, created_by_id=actor.user_id)
        if current is not None
        else None
    )
    old_version = booking.version
    booking.version += 1
    booking.costing_id = copy.id if copy else None
    session.add(
        BookingVersion(
            booking_id=booking.id or 0,
            number=booking.version,
            costing_id=booking.costing_id,
            reason=reason.strip()[:300],
            created_by_id=actor.user_id,
        )
    )
    for item in session.exec(
        select(BookingProgrammeItem).where(
            BookingProgrammeItem.booking_id == booking.id,
            BookingProgrammeItem.version == old_version,
        )
    ).all():
        data = item.model_dump(exclude={"id", "created_at", "updated_at"})
        data["version"] = booking.version
        item_copy = BookingProgrammeItem(**data)
        session.add(item_copy)
        session.flush()
        # The guides stay on the new version's slots (the old version's slots keep none).
        for assignment in session.exec(
            select(GuideAssignment).where(GuideAssignment.programme_item_id == item.id)
        ):
            assignment.programme_item_id = item_copy.id or 0
            session.add(assignment)
    booking.updated_at = utcnow()
    session.add(booking)
    record_event(
        session,
        actor,
        booking,
        booking.status,
        booking.status,
        f"Avenant n° {booking.version - 1} : {reason.strip()}",
    )
    audit_booking(session, actor, booking, {"version": [old_version, booking.version]})
    session.flush()
    return booking


def is_editable(booking: Booking) -> bool:
    """Whether the current version's services and programme may still change: before
    confirmation, or an amendment being prepared (a version after the one confirmed)."""
    if booking.status in OPEN:
        return True
    return booking.status in AMENDABLE and booking.version > booking.confirmed_version


def closed_reason(booking: Booking) -> str:
    """Why the current version cannot change, in the words the pages show."""
    if booking.status in AMENDABLE:
        return "Version confirmée : ouvrez un avenant pour la modifier."
    return f"Dossier « {STATUS_LABELS[booking.status]} » : il n'est plus modifiable."


def amendment_open(booking: Booking) -> bool:
    return booking.status in AMENDABLE and booking.version > booking.confirmed_version


def validate_amendment(session: Session, actor: Actor, booking_id: int) -> Booking:
    """The client agreed to the amendment: its version becomes the confirmed one (frozen)."""
    booking = get_booking(session, actor, booking_id, for_update=True)
    actor.require(Module.BOOKINGS, Action.VALIDATE)
    if not amendment_open(booking):
        raise FormErrors({"": "Aucun avenant en cours sur ce dossier."})
    booking.confirmed_version = booking.version
    booking.updated_at = utcnow()
    session.add(booking)
    record_event(
        session,
        actor,
        booking,
        booking.status,
        booking.status,
        f"Avenant n° {booking.version - 1} validé (version {booking.version})",
    )
    audit_booking(
        session, actor, booking, {"version confirmée": [booking.version - 1, booking.version]}
    )
    return booking


def _refresh_price(session: Session, booking: Booking) -> None:
    """Keeps on the dossier what its current costing quotes (list, outstanding, board)."""
    if booking.costing_id is None:
        return
    header, lines = _costing_strings(session, booking.costing_id)
    priced = costings.quote(header, lines)
    booking.price_per_paying = priced.price_per_paying if priced else Decimal(0)
    booking.total_price = priced.total_sale if priced else Decimal(0)
    if priced is not None:
        booking.free = priced.group.free  # the client's free-place rule may have set it
    sold_lines.keep(session, booking, priced, lines)  # its cost and services, for statistics
    session.add(booking)


def save_costing_of(
    session: Session,
    actor: Actor,
    booking_id: int,
    costing_id: int,
    header: dict[str, str],
    lines: list[dict[str, str]],
) -> Costing:
    """Saves the costing of the dossier's current version, if it may still change now (a
    colleague may have confirmed the dossier or opened an amendment since the page opened);
    the dossier's group, quoted price and held places follow."""
    booking = get_booking(session, actor, booking_id, for_update=True)
    actor.require(Module.BOOKINGS, Action.EDIT)
    if booking.costing_id != costing_id:
        raise FormErrors({"": "Une autre version du dossier est en cours : rechargez la page."})
    if not is_editable(booking):
        raise FormErrors({"": closed_reason(booking)})
    costing = costings.save_costing(session, actor, costing_id, header, lines, Module.BOOKINGS)
    booking.paying, booking.free, booking.staff = costing.paying, costing.free, costing.staff
    _refresh_price(session, booking)
    availability.resync(session, booking)
    return costing


def sync_costing_group(session: Session, booking: Booking) -> None:
    """The costing's group, title, client and date follow the dossier's general form."""
    costing = session.get(Costing, booking.costing_id) if booking.costing_id else None
    if costing is None:
        return
    costing.name = booking.title
    costing.client_id = booking.client_id
    costing.service_date = booking.starts_on
    costing.paying, costing.free, costing.staff = booking.paying, booking.free, booking.staff
    session.add(costing)
    session.flush()
    _refresh_price(session, booking)
    availability.resync(session, booking)


# --- The general form ---------------------------------------------------------------------------


class BookingResource(Resource[Booking]):
    model = Booking
    module = Module.BOOKINGS
    entity = "dossier"
    new_title = "Nouveau dossier"
    deletable = False
    fields = (
        FieldSpec("title", "Intitulé", required=True, max_length=200, wide=True, section="Dossier"),
        FieldSpec("booking_type_id", "Type", "ref", required=True),
        FieldSpec("contact_id", "Contact du client", "ref"),
        FieldSpec("sales_rep_id", "Commercial", "ref"),
        FieldSpec("option_until", "Option du client jusqu'au", "date"),
        FieldSpec("starts_on", "Arrivée / début", "date", required=True, section="Dates et groupe"),
        FieldSpec("ends_on", "Départ / fin", "date", required=True),
        FieldSpec("start_text", "Heure d'arrivée", max_length=5, placeholder="9:30"),
        FieldSpec("end_text", "Heure de départ", max_length=5, placeholder="18:00"),
        FieldSpec("paying", "Payants", "int", required=True, min_value=1, max_value=10000),
        FieldSpec("free", "Gratuits", "int", min_value=0, max_value=10000),
        FieldSpec("staff", "Accompagnateurs / chauffeur", "int", min_value=0, max_value=1000),
        FieldSpec("language", "Langue", "choice", required=True, choices=tuple(LANGUAGES.items())),
        FieldSpec("nationality", "Nationalité", max_length=60),
        FieldSpec(
            "meeting_place", "Lieu de rendez-vous", max_length=300, wide=True, section="Logistique"
        ),
        FieldSpec("coach_company", "Autocariste", max_length=200),
        FieldSpec("driver_phone", "Téléphone du chauffeur", "phone", max_length=30),
        FieldSpec("reduced_mobility", "Personnes à mobilité réduite (PMR)", "bool"),
        FieldSpec("dietary_needs", "Régimes alimentaires", "textarea", max_length=1000, wide=True),
        FieldSpec("internal_notes", "Notes internes", "textarea", max_length=4000, wide=True),
    )

    def list_spec(self) -> ListSpec:
        return BOOKINGS_LIST

    def describe(self, record: Booking) -> str:
        return f"{record.reference} — {record.title}"

    def accessible(self, session: Session, actor: Actor, record: Booking) -> bool:
        found = session.exec(scope(select(Booking.id).where(Booking.id == record.id), actor))
        return found.first() is not None

    def choices(
        self, session: Session, parent_id: int | None = None
    ) -> dict[str, tuple[tuple[str, str], ...]]:
        options = creation_choices(session)
        return {
            "booking_type_id": options["booking_type_id"],
            "sales_rep_id": options["sales_rep_id"],
            "contact_id": (),
        }

    def form_values(self, session: Session, record: Booking) -> dict[str, str]:
        values = super().form_values(session, record)
        values["start_text"] = formats.clock(record.start_time)
        values["end_text"] = formats.clock(record.end_time)
        return values

    def parse_extra(self, session, data, clean, errors) -> None:
        # The contact's options are the dossier's client's, which `choices` cannot know: the
        # id is read here and `validate` checks it against the client.
        raw_contact = str(data.get("contact_id") or "").strip()
        errors.pop("contact_id", None)
        clean["contact_id"] = identifiers.record_id(raw_contact)
        if raw_contact and clean["contact_id"] is None:
            errors["contact_id"] = "Choix invalide."
        read_times(clean, errors, order_message=None)  # several days: any times

    def validate(self, session, actor, record, clean, errors) -> None:
        if record is None:
            errors[""] = "Un dossier se crée par « Nouveau dossier »."
            return
        start, end = clean.get("starts_on"), clean.get("ends_on")
        if start and end and end < start:
            errors.setdefault("ends_on", "Le départ précède l'arrivée.")
        arrival, departure = clean.get("start_time"), clean.get("end_time")
        if start and start == end and arrival and departure and departure < arrival:
            errors.setdefault("end_text", "Sur une journée, le départ précède l'arrivée.")
        if start and end and (end - start).days >= MAX_DAYS:
            errors.setdefault("ends_on", f"{MAX_DAYS} jours au plus.")
        contact_id = clean.get("contact_id")
        if contact_id is not None:
            contact = session.get(Contact, contact_id)
            if (
                contact is None
                or contact.client_id != record.client_id
                or contact.deleted_at is not None
            ):
                errors.setdefault("contact_id", "Ce contact n'est pas celui du client.")
        if not is_editable(record):
            for name in ("paying", "free", "staff"):
                if (clean.get(name) or 0) != getattr(record, name):
                    errors.setdefault(name, closed_reason(record))

    def apply(self, session: Session, record: Booking, clean: dict[str, Any]) -> None:
        super().apply(session, record, clean)
        record.start_time, record.end_time = clean.get("start_time"), clean.get("end_time")
        record.free = clean.get("free") or 0
        record.staff = clean.get("staff") or 0
        client = session.get(Client, record.client_id)
        if client is not None:
            record.search_text = _search_text(record, client)

    def after_save(self, session, actor, record, clean, created) -> dict[str, Any]:
        if is_editable(record):
            sync_costing_group(session, record)
        return {}


BOOKINGS = BookingResource()


def contact_choices(session: Session, client_id: int) -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(i), f"{first} {last}".strip())
        for i, first, last in session.exec(
            select(Contact.id, Contact.first_name, Contact.last_name)
            .where(Contact.client_id == client_id, col(Contact.deleted_at).is_(None))
            .order_by(col(Contact.last_name))
        )
    )


# --- The list -----------------------------------------------------------------------------------


def _bookings_query():
    return (
        sa.select(
            col(Booking.id).label("id"),
            col(Booking.reference).label("reference"),
            col(Booking.title).label("title"),
            col(Client.name).label("client"),
            col(Booking.starts_on).label("starts_on"),
            col(Booking.ends_on).label("ends_on"),
            col(Booking.status).label("status"),
            col(BookingType.label).label("booking_type"),
            col(Booking.paying).label("paying"),
            col(Booking.total_price).label("total_price"),
            (col(User.first_name) + " " + col(User.last_name)).label("sales_rep"),
            col(Booking.option_until).label("option_until"),
        )
        .join(Client, col(Client.id) == col(Booking.client_id))
        .join(BookingType, col(BookingType.id) == col(Booking.booking_type_id))
        .outerjoin(User, col(User.id) == col(Booking.sales_rep_id))
        .where(col(Booking.deleted_at).is_(None))
    )


def _type_options(session: orm.Session) -> list[tuple[str, str]]:
    return [
        (str(i), label)
        for i, label in session.execute(
            select(BookingType.id, BookingType.label).order_by(col(BookingType.position))
        )
    ]


def _guide_options(session: orm.Session) -> list[tuple[str, str]]:
    return [
        (str(i), name)
        for i, name in session.execute(
            select(Guide.id, Guide.name)
            .where(col(Guide.deleted_at).is_(None))
            .order_by(col(Guide.name))
        )
    ]


def _with_guide(guide_id: int) -> sa.Exists:
    return exists().where(
        col(GuideAssignment.booking_id) == col(Booking.id),
        col(GuideAssignment.guide_id) == guide_id,
    )


BOOKINGS_LIST = ListSpec(
    name="Dossiers",
    query=_bookings_query,
    columns=(
        Column("reference", "Référence", Booking.reference, width=16),
        Column("title", "Intitulé", Booking.title, width=36),
        Column("client", "Client", Client.name, width=30),
        Column("starts_on", "Début", Booking.starts_on, kind="date", width=12),
        Column("ends_on", "Fin", Booking.ends_on, kind="date", width=12, phone=False),
        Column("status", "Statut", Booking.status, width=14, labels=STATUS_LABELS),
        Column("booking_type", "Type", BookingType.label, width=14, phone=False),
        Column("paying", "Payants", Booking.paying, kind="int", width=9, phone=False),
        Column("total_price", "Montant", Booking.total_price, kind="money", width=14, phone=False),
        Column("sales_rep", "Commercial", User.last_name, width=22, phone=False),
        Column(
            "option_until",
            "Option jusqu'au",
            Booking.option_until,
            kind="date",
            width=12,
            phone=False,
        ),
    ),
    normalized_search=(Booking.search_text,),
    filters=(
        ChoiceFilter("status", "Statut", Booking.status, tuple(STATUS_LABELS.items())),
        ChoiceFilter(
            "booking_type",
            "Type",
            Booking.booking_type_id,
            options_query=_type_options,
            value_type=int,
        ),
        ChoiceFilter(
            "site",
            "Site",
            Booking.site_id,
            options_query=lambda session: list(_site_options(session)),
            value_type=int,
        ),
        ChoiceFilter(
            "sales_rep",
            "Commercial",
            Booking.sales_rep_id,
            options_query=sales_rep_options,
            value_type=int,
        ),
        ChoiceFilter(
            "guide",
            "Guide",
            Booking.id,
            options_query=_guide_options,
            value_type=int,
            match=_with_guide,
        ),
        # Any client's id, as a link sets it: no control, too many clients to list.
        ChoiceFilter("client", "Client", Booking.client_id, value_type=int, shown=False),
        DateFilter("starts_since", "Début à partir du", Booking.starts_on, is_datetime=False),
        DateFilter("starts_until", "Début jusqu'au", Booking.starts_on, "until", is_datetime=False),
        DateFilter("created_since", "Ouvert à partir du", Booking.created_at),
        DateFilter("created_until", "Ouvert jusqu'au", Booking.created_at, "until"),
        DateFilter(
            "quote_sent_since", "Devis envoyé à partir du", Booking.quote_sent_on, is_datetime=False
        ),
        DateFilter(
            "quote_sent_until",
            "Devis envoyé jusqu'au",
            Booking.quote_sent_on,
            "until",
            is_datetime=False,
        ),
        DateFilter(
            "option_until", "Option échue au", Booking.option_until, "until", is_datetime=False
        ),
    ),
    default_sort="starts_on",
    default_desc=True,
    tie_breaker=Booking.id,
    scope=scope,
    # Clients, types and users are joined for display only (every dossier has a client and a
    # type): the count of 300 000 dossiers skips them.
    count_query=lambda: select(Booking.id).where(col(Booking.deleted_at).is_(None)),
)


@dataclass(frozen=True)
class StepOffer:
    """A status change the dossier's header offers as a button."""

    target: str
    label: str
    needs_comment: bool


def offered_steps(actor: Actor, booking: Booking) -> list[StepOffer]:
    """The steps of its life the dossier offers this actor now."""
    return [
        StepOffer(target=str(step.target), label=step.label, needs_comment=step.needs_comment)
        for step in allowed_transitions(actor, booking.status)
    ]


@dataclass(frozen=True)
class HistoryRow:
    """A step of the dossier's history: from and to as status labels."""

    at: str
    user: str
    source: str
    target: str
    comment: str


def history(session: Session, booking_id: int) -> list[HistoryRow]:
    return [
        HistoryRow(
            at=formats.moment(event.at),
            user=event.user_label,
            source=STATUS_LABELS.get(event.from_status, ""),
            target=STATUS_LABELS.get(event.to_status, event.to_status),
            comment=event.comment,
        )
        for event in session.exec(
            select(BookingEvent)
            .where(BookingEvent.booking_id == booking_id)
            .order_by(col(BookingEvent.at).desc(), col(BookingEvent.id).desc())
        )
    ]


@dataclass(frozen=True)
class VersionRow:
    """A version of the dossier (the first, then one per amendment)."""

    number: str
    costing_id: str
    reason: str
    at: str


def versions(session: Session, booking_id: int) -> list[VersionRow]:
    return [
        VersionRow(
            number=str(version.number),
            costing_id=str(version.costing_id or ""),
            reason=version.reason,
            at=formats.moment(version.created_at),
        )
        for version in session.exec(
            select(BookingVersion)
            .where(BookingVersion.booking_id == booking_id)
            .order_by(col(BookingVersion.number))
        )
    ]


# --- Links with the client file and the outstanding --------------------------------------------


def _client_has_bookings(session: Session, client_id: int) -> str | None:
    count = session.exec(
        select(func.count())
        .select_from(Booking)
        .where(Booking.client_id == client_id, col(Booking.deleted_at).is_(None))
    ).one()
    return f"Ce client a {count} dossier(s)." if count else None


if _client_has_bookings not in DELETE_GUARDS:
    DELETE_GUARDS.append(_client_has_bookings)
# Each confirmed dossier's price less what its issued invoices already bill.
outstanding.register_source(
    "dossiers", "Dossiers confirmés non facturés", outstanding.confirmed_not_invoiced
)
