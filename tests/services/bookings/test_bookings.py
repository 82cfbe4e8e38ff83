"""Dossiers on a real database: created à la carte or from a catalogue dossier (its programme
falls on the dossier's dates, its costing is copied for the dossier and its price is what the
client is quoted), numbered per site and year, seen by a rep limited to his clients only when
they are his, moved through their life with history and audit, cancelled with the fee of the
products' schedules, amended as new versions that leave the earlier ones readable, and edited
through the general form whose group follows into the costing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import (
    AgencySite,
    AuditEntry,
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
)
from agence.models.base import utcnow
from agence.services.billing.outstanding import outstanding_for
from agence.services.bookings import bookings
from agence.services.bookings.bookings import (
    BOOKING_TYPES,
    BOOKINGS,
    BOOKINGS_LIST,
    cancellation_fee,
    change_status,
    closed_reason,
    contact_choices,
    create_booking,
    creation_defaults,
    get_booking,
    history,
    is_editable,
    next_number,
    reference_of,
    search_clients,
    start_amendment,
    validate_amendment,
    versions,
)
from agence.services.bookings.lifecycle import Status, confirmed_once
from agence.services.catalogue import costings
from agence.services.catalogue.costings import (
    COSTINGS_LIST,
    blank_line,
    costing_values,
    get_costing,
    save_costing,
)
from agence.services.common import formats, records
from agence.services.common.forms import REQUIRED, FormErrors
from agence.services.common.listing import ChoiceFilter, ListQuery, fetch_page
from agence.services.common.permissions import AccessDenied, Action, Actor, Module, Right
from agence.services.common.records import RecordNotFound
from agence.services.demo import seed
from agence.services.parties.clients import CLIENTS
from tests.factories import (
    booking_type_id,
    make_actor,
    make_booking,
    make_client,
    make_product,
    make_site,
    reference_data,
)

ON = "on"
JUNE_5 = date(2026, 6, 5)
REASON = "Le groupe passe de 20 à 25 personnes."
CANCEL_REASON = "Le client renonce au voyage."
NOT_ITS_CONTACT = "Ce contact n'est pas celui du client."
FROZEN = "il n'est plus modifiable."


def booking_rights(*actions: Action) -> set[Right]:
    return {Right(Module.BOOKINGS, action) for action in actions}


@pytest.fixture
def admin(session: Session) -> Actor:
    reference_data()
    return make_actor(session)


@pytest.fixture
def site(session: Session, admin: Actor) -> AgencySite:
    return make_site(session, "VDL", name="Tours")


@pytest.fixture
def client(session: Session, admin: Actor) -> Client:
    return make_client(session, "CSE Michelin")


def create(actor: Actor, client: Client, site: AgencySite, **values) -> Booking:
    return make_booking(actor, client, site, **values)


def refused(actor: Actor, client: Client | None, site: AgencySite, **values) -> dict[str, str]:
    with pytest.raises(FormErrors) as failure:
        if client is None:
            values.setdefault("client_id", "")
            client = Client(id=0, name="")
        create(actor, client, site, **values)
    return failure.value.errors


def reload(booking: Booking) -> Booking:
    with session_scope() as s:
        return s.get(Booking, booking.id)


def count(model, *conditions) -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(model).where(*conditions)).one()


def lines_of(costing_id: int) -> list[tuple[str, Decimal]]:
    with session_scope() as s:
        return [
            (line.label, line.unit_cost)
            for line in s.exec(
                select(CostingLine)
                .where(CostingLine.costing_id == costing_id)
                .order_by(CostingLine.position)
            )
        ]


def programme_of(booking: Booking, version: int | None = None) -> list[tuple]:
    with session_scope() as s:
        items = s.exec(
            select(BookingProgrammeItem)
            .where(
                BookingProgrammeItem.booking_id == booking.id,
                BookingProgrammeItem.version == (version or booking.version),
            )
            .order_by(BookingProgrammeItem.position)
        ).all()
    return [(item.position, item.day, item.start_time, item.title) for item in items]


def move(actor: Actor, booking: Booking, *targets: Status, comment: str = "") -> Booking:
    for target in targets:
        with session_scope() as s:
            booking = change_status(s, actor, booking.id, target, comment)
    return booking


def confirm(actor: Actor, booking: Booking) -> Booking:
    return move(actor, booking, Status.CONFIRMED)


def amend(actor: Actor, booking: Booking, reason: str = REASON) -> Booking:
    with session_scope() as s:
        return start_amendment(s, actor, booking.id, reason)


def save_lines(actor: Actor, booking: Booking, lines: list[dict[str, str]], **header) -> Booking:
    """The dossier's costing saved as the costing screen of a dossier does."""
    with session_scope() as s:
        booking = s.get(Booking, booking.id)
        current, _ = costing_values(s, actor, booking.costing_id, Module.BOOKINGS)
        current.update(header)
        bookings.save_costing_of(s, actor, booking.id, booking.costing_id, current, lines)
        return s.get(Booking, booking.id)


def typed_line(label: str, basis: str, unit_cost: str, **values) -> dict[str, str]:
    line = blank_line(label)
    line.update(basis=basis, unit_cost=unit_cost, **values)
    return line


# --- Creation à la carte --------------------------------------------------------------------------


def test_a_dossier_a_la_carte_starts_as_a_request_numbered_for_its_site_and_year(
    admin, client, site
):
    booking = create(admin, client, site, title="Sortie au Futuroscope")
    assert (booking.reference, booking.site_id, booking.year, booking.number) == (
        "VDL-2026-0001",
        site.id,
        2026,
        1,
    )
    assert (booking.status, booking.title, booking.client_id) == (
        Status.REQUEST,
        "Sortie au Futuroscope",
        client.id,
    )
    assert (booking.version, booking.catalogue_dossier_id) == (1, None)


def test_a_dossier_without_an_end_date_lasts_one_day(admin, client, site):
    booking = create(admin, client, site, starts_on="2026-06-05")
    assert (booking.starts_on, booking.ends_on) == (JUNE_5, JUNE_5)


def test_a_dossier_takes_the_group_typed_at_creation(admin, client, site):
    booking = create(admin, client, site, paying="32", free="2", staff="1")
    assert (booking.paying, booking.free, booking.staff) == (32, 2, 1)


def test_a_dossier_a_la_carte_gets_an_empty_costing_of_its_own_group(admin, client, site):
    booking = create(admin, client, site, title="Sortie au Futuroscope", paying="32", staff="1")
    with session_scope() as s:
        costing = s.get(Costing, booking.costing_id)
    assert (costing.name, costing.client_id, costing.service_date) == (
        "Sortie au Futuroscope",
        client.id,
        JUNE_5,
    )
    assert (costing.paying, costing.free, costing.staff) == (32, 0, 1)
    assert (costing.for_booking, costing.is_template, costing.created_by_id) == (
        True,
        False,
        admin.user_id,
    )
    assert lines_of(costing.id) == []
    assert (booking.price_per_paying, booking.total_price) == (Decimal(0), Decimal(0))
    assert programme_of(booking) == []


def test_a_new_dossier_has_version_one_and_a_creation_event(admin, client, site):
    booking = create(admin, client, site)
    with session_scope() as s:
        (version,) = s.exec(select(BookingVersion).where(BookingVersion.booking_id == booking.id))
        (event,) = s.exec(select(BookingEvent).where(BookingEvent.booking_id == booking.id))
    assert (version.number, version.costing_id, version.reason, version.created_by_id) == (
        1,
        booking.costing_id,
        "Création",
        admin.user_id,
    )
    assert (event.from_status, event.to_status, event.comment, event.user_id) == (
        "",
        Status.REQUEST,
        "Création",
        admin.user_id,
    )
    assert event.user_label == admin.display_name


def test_creating_a_dossier_is_audited(admin, client, site):
    booking = create(admin, client, site, title="Sortie au Futuroscope")
    with session_scope() as s:
        (entry,) = s.exec(select(AuditEntry).where(AuditEntry.entity_type == "dossier"))
    assert (entry.action, entry.entity_id, entry.entity_label) == (
        "creation",
        str(booking.id),
        "VDL-2026-0001 Sortie au Futuroscope",
    )
    assert entry.changes == {"client": [None, "CSE Michelin"], "modèle": [None, None]}


def test_a_dossier_takes_the_clients_sales_rep_and_language_unless_another_rep_is_chosen(
    session, admin, site
):
    paul = make_actor(session)
    lise = make_actor(session)
    client = make_client(session, "Tour-opérateur de Munich", sales_rep_id=paul.user_id)
    client.language = "de"
    session.add(client)
    session.commit()
    by_default = create(admin, client, site)
    chosen = create(admin, client, site, sales_rep_id=str(lise.user_id))
    assert (by_default.sales_rep_id, by_default.language) == (paul.user_id, "de")
    assert chosen.sales_rep_id == lise.user_id


def test_a_dossier_is_found_by_its_reference_title_and_client(admin, client, site):
    booking = create(admin, client, site, title="Séminaire à Amboise")
    assert booking.search_text == "vdl 2026 0001 seminaire a amboise cse michelin"


def test_the_creation_form_proposes_the_users_site_a_day_trip_and_a_group_of_twenty(session, admin):
    site = make_site(session, "PAR")
    user = session.get(bookings.User, admin.user_id)
    user.site_id = site.id
    session.add(user)
    session.commit()
    rep = make_actor(session)
    with session_scope() as s:
        rep = bookings.Actor(**{**rep.__dict__, "site_id": site.id})
        defaults = creation_defaults(s, rep)
        journee = booking_type_id(s, "JOURNEE")
    assert defaults == {
        "site_id": str(site.id),
        "sales_rep_id": str(rep.user_id),
        "booking_type_id": str(journee),
        "paying": "20",
        "free": "0",
        "staff": "0",
    }


# --- Creation from a catalogue dossier ------------------------------------------------------------


@pytest.fixture
def tour(session: Session, admin: Actor) -> CatalogueDossier:
    """A three-day catalogue dossier with a costing (coach and lunch) and its programme."""
    costing = Costing(
        name="Week-end en Touraine",
        is_template=True,
        paying=30,
        markup_percent=Decimal(18),
        fee_per_group=Decimal(30),
        rounding=Decimal("0.50"),
    )
    session.add(costing)
    session.flush()
    session.add(
        CostingLine(
            costing_id=costing.id,
            position=1,
            label="Autocar",
            basis="group",
            unit_cost=Decimal(950),
            for_staff=True,
        )
    )
    session.add(
        CostingLine(costing_id=costing.id, position=2, label="Déjeuner", unit_cost=Decimal(28))
    )
    dossier = CatalogueDossier(
        name="Week-end en Touraine", dossier_type="sejour", duration_days=3, costing_id=costing.id
    )
    session.add(dossier)
    session.flush()
    for day, start, end, title in (
        (3, time(17, 0), None, "Retour"),
        (1, None, None, "Installation à l'hôtel"),
        (2, time(10, 0), time(11, 0), "Dégustation en cave"),
        (1, time(9, 30), time(12, 0), "Visite d'Amboise"),
    ):
        session.add(
            CatalogueProgrammeItem(
                dossier_id=dossier.id, day=day, start_time=start, end_time=end, title=title
            )
        )
    session.commit()
    return dossier


def from_tour(actor, client, site, tour, **values) -> Booking:
    values = {"title": "", "starts_on": "2026-09-10", **values}
    return create(actor, client, site, catalogue_dossier_id=str(tour.id), **values)


def test_a_dossier_from_the_catalogue_takes_its_name_and_lasts_its_duration(
    admin, client, site, tour
):
    booking = from_tour(admin, client, site, tour)
    assert booking.title == "Week-end en Touraine"
    assert (booking.starts_on, booking.ends_on) == (date(2026, 9, 10), date(2026, 9, 12))
    assert booking.catalogue_dossier_id == tour.id


def test_a_title_typed_at_creation_wins_over_the_catalogues_name(admin, client, site, tour):
    booking = from_tour(admin, client, site, tour, title="Touraine pour le CSE")
    assert booking.title == "Touraine pour le CSE"


def test_the_catalogue_programme_falls_on_the_dossiers_days_in_time_order(
    admin, client, site, tour
):
    booking = from_tour(admin, client, site, tour)
    assert programme_of(booking) == [
        (1, date(2026, 9, 10), time(9, 30), "Visite d'Amboise"),
        (2, date(2026, 9, 10), None, "Installation à l'hôtel"),
        (3, date(2026, 9, 11), time(10, 0), "Dégustation en cave"),
        (4, date(2026, 9, 12), time(17, 0), "Retour"),
    ]


def test_the_catalogue_costing_is_copied_for_the_dossier_and_left_as_it_was(
    admin, client, site, tour
):
    booking = from_tour(admin, client, site, tour, paying="25", staff="1")
    assert booking.costing_id != tour.costing_id
    with session_scope() as s:
        copy = s.get(Costing, booking.costing_id)
        template = s.get(Costing, tour.costing_id)
    assert (copy.for_booking, copy.is_template, copy.name, copy.client_id) == (
        True,
        False,
        "Week-end en Touraine",
        client.id,
    )
    assert (copy.paying, copy.staff, copy.service_date, copy.markup_percent) == (
        25,
        1,
        date(2026, 9, 10),
        Decimal(18),
    )
    assert lines_of(copy.id) == [("Autocar", Decimal(950)), ("Déjeuner", Decimal(28))]
    assert (template.for_booking, template.is_template, template.paying) == (False, True, 30)
    assert template.client_id is None
    assert lines_of(template.id) == [("Autocar", Decimal(950)), ("Déjeuner", Decimal(28))]


def test_the_price_of_the_copied_costing_is_kept_on_the_dossier(admin, client, site, tour):
    booking = from_tour(admin, client, site, tour, paying="25", staff="1")
    with session_scope() as s:
        header, lines = costing_values(s, admin, booking.costing_id, Module.BOOKINGS)
    priced = costings.quote(header, lines)
    assert booking.price_per_paying == priced.price_per_paying > 0
    assert booking.total_price == priced.total_sale == booking.price_per_paying * 25


def test_a_dossier_from_the_demo_catalogue_is_quoted_the_worked_example(session):
    with session_scope() as s:
        assert seed.seed_demo(s)
    admin = make_actor(session)
    with session_scope() as s:
        template = s.exec(
            select(CatalogueDossier).where(CatalogueDossier.name == "Journée châteaux de la Loire")
        ).one()
        client = s.exec(select(Client).where(Client.name == "École élémentaire Jules-Ferry")).one()
        school = s.exec(select(Client).where(Client.name == "Collège Anatole-France")).one()
        tours = s.exec(select(AgencySite).where(AgencySite.code == "VDL")).one()
    booking = create(
        admin,
        client,
        tours,
        title="",
        catalogue_dossier_id=str(template.id),
        starts_on="2026-10-06",
        paying="20",
        staff="1",
    )
    assert (booking.title, booking.ends_on) == ("Journée châteaux de la Loire", date(2026, 10, 6))
    assert (booking.paying, booking.free, booking.staff) == (20, 1, 1)
    assert booking.price_per_paying == Decimal("118.50")
    assert booking.total_price == Decimal("2370.00")
    # the college's negotiated price for the castle (14,00 €) applies to its own dossier
    negotiated = create(
        admin,
        school,
        tours,
        title="",
        catalogue_dossier_id=str(template.id),
        starts_on="2026-10-06",
        paying="20",
        staff="1",
    )
    assert negotiated.price_per_paying == Decimal("118.00")
    assert [title for _, _, _, title in programme_of(booking)][:3] == [
        "Départ de Tours en autocar",
        "Visite du château royal d'Amboise",
        "Déjeuner menu groupe à L'Orangerie",
    ]


def test_an_inactive_or_deleted_catalogue_dossier_is_not_a_template(
    session, admin, client, site, tour
):
    tour.active = False
    session.add(tour)
    session.commit()
    errors = refused(admin, client, site, catalogue_dossier_id=str(tour.id))
    assert errors == {"catalogue_dossier_id": "Choix invalide."}
    tour.active, tour.deleted_at = True, utcnow()
    session.add(tour)
    session.commit()
    errors = refused(admin, client, site, catalogue_dossier_id=str(tour.id))
    assert errors == {"catalogue_dossier_id": "Choix invalide."}


# --- Numbering ------------------------------------------------------------------------------------


def test_references_follow_each_other_within_a_site_and_a_year(admin, client, site):
    references = [create(admin, client, site).reference for _ in range(3)]
    assert references == ["VDL-2026-0001", "VDL-2026-0002", "VDL-2026-0003"]


def test_each_site_and_each_year_has_its_own_sequence(session, admin, client, site):
    paris = make_site(session, "PAR", name="Paris")
    assert create(admin, client, site).reference == "VDL-2026-0001"
    assert create(admin, client, paris).reference == "PAR-2026-0001"
    assert create(admin, client, site, starts_on="2027-01-04").reference == "VDL-2027-0001"
    assert create(admin, client, site, starts_on="2026-12-31").reference == "VDL-2026-0002"
    assert create(admin, client, paris, starts_on="2027-03-01").reference == "PAR-2027-0001"
    with session_scope() as s:
        counters = {
            (c.site_id, c.year): c.last_number for c in s.exec(select(BookingCounter)).all()
        }
    assert counters == {
        (site.id, 2026): 2,
        (site.id, 2027): 1,
        (paris.id, 2026): 1,
        (paris.id, 2027): 1,
    }


def test_the_year_of_the_reference_is_the_year_the_dossier_starts(admin, client, site):
    booking = create(admin, client, site, starts_on="2027-12-30", ends_on="2028-01-02")
    assert (booking.reference, booking.year) == ("VDL-2027-0001", 2027)


def test_a_refused_creation_takes_no_number(admin, client, site):
    refused(admin, client, site, title="", paying="0")
    assert create(admin, client, site).reference == "VDL-2026-0001"


def test_a_creation_rolled_back_gives_its_number_back(admin, client, site):
    with pytest.raises(RuntimeError), session_scope() as s:
        data = {
            "client_id": str(client.id),
            "title": "Annulée en route",
            "booking_type_id": str(booking_type_id(s)),
            "site_id": str(site.id),
            "starts_on": "2026-06-05",
            "paying": "20",
        }
        create_booking(s, admin, data)
        raise RuntimeError("la suite de l'action échoue")
    assert count(Booking) == 0
    assert create(admin, client, site).reference == "VDL-2026-0001"


def test_the_first_number_of_a_year_creates_its_counter(site):
    with session_scope() as s:
        assert next_number(s, site.id, 2031) == 1
        assert next_number(s, site.id, 2031) == 2
    with session_scope() as s:
        assert s.get(BookingCounter, (site.id, 2031)).last_number == 2


def test_a_reference_has_four_digits_at_least():
    assert reference_of("VDL", 2026, 142) == "VDL-2026-0142"
    assert reference_of("PAR", 2027, 12345) == "PAR-2027-12345"


# --- Validation -----------------------------------------------------------------------------------


def test_a_dossier_needs_a_client(admin, site):
    assert refused(admin, None, site) == {"client_id": REQUIRED}


def test_an_unknown_client_is_refused(admin, site):
    assert refused(admin, None, site, client_id="999999") == {"client_id": "Client introuvable."}


def test_a_deleted_client_is_refused(session, admin, client, site):
    client.deleted_at = utcnow()
    session.add(client)
    session.commit()
    assert refused(admin, client, site) == {"client_id": "Client introuvable."}


def test_a_rep_limited_to_his_clients_cannot_open_a_dossier_for_another_reps_client(
    session, admin, site
):
    paul = make_actor(session, own_clients_only=True)
    lise = make_actor(session)
    hers = make_client(session, "Client de Lise", sales_rep_id=lise.user_id)
    mine = make_client(session, "Client de Paul", sales_rep_id=paul.user_id)
    assert refused(paul, hers, site) == {"client_id": "Client introuvable."}
    assert count(Booking) == 0
    assert create(paul, mine, site).client_id == mine.id


def test_a_dossier_cannot_end_before_it_starts(admin, client, site):
    errors = refused(admin, client, site, starts_on="2026-06-05", ends_on="2026-06-04")
    assert errors == {"ends_on": "Le départ précède l'arrivée."}


def test_a_dossier_lasts_sixty_days_at_most(admin, client, site):
    errors = refused(admin, client, site, starts_on="2026-06-01", ends_on="2026-07-31")
    assert errors == {"ends_on": "60 jours au plus."}
    longest = create(admin, client, site, starts_on="2026-06-01", ends_on="2026-07-30")
    assert (longest.ends_on - longest.starts_on).days == 59


def test_a_dossier_needs_a_title_or_a_catalogue_dossier(admin, client, site):
    errors = refused(admin, client, site, title="  ")
    assert errors == {"title": "Donnez un intitulé ou choisissez un dossier catalogue."}


def test_a_dossier_needs_a_start_date_a_type_a_site_and_paying_people(admin, client):
    errors = refused(
        admin,
        client,
        AgencySite(id=None, code="", name=""),
        site_id="",
        starts_on="",
        booking_type_id="",
        paying="",
    )
    assert errors == {
        "starts_on": REQUIRED,
        "booking_type_id": REQUIRED,
        "site_id": REQUIRED,
        "paying": REQUIRED,
    }


def test_bad_values_are_reported_by_field_in_french(admin, client, site):
    errors = refused(
        admin,
        client,
        site,
        starts_on="31/02/2026",
        paying="0",
        free="-1",
        booking_type_id="999999",
        site_id="999999",
    )
    assert errors == {
        "starts_on": "Date invalide (exemple : 29/11/2026).",
        "paying": "La valeur doit être au moins 1.",
        "free": "La valeur doit être au moins 0.",
        "booking_type_id": "Choix invalide.",
        "site_id": "Choix invalide.",
    }


def test_an_inactive_type_is_not_offered(session, admin, client, site):
    with session_scope() as s:
        visit = s.exec(select(BookingType).where(BookingType.code == "VISITE")).one()
        visit.active = False
        s.add(visit)
    errors = refused(admin, client, site, booking_type_id=str(visit.id))
    assert errors == {"booking_type_id": "Choix invalide."}


def test_every_problem_is_reported_at_once_and_nothing_is_written(admin, site):
    errors = refused(admin, None, site, client_id="999999", title="", ends_on="2026-06-01")
    assert errors == {
        "client_id": "Client introuvable.",
        "ends_on": "Le départ précède l'arrivée.",
        "title": "Donnez un intitulé ou choisissez un dossier catalogue.",
    }
    for model in (Booking, Costing, BookingVersion, BookingEvent, BookingCounter, AuditEntry):
        assert count(model) == 0, model.__name__


# --- Rights and the reach of a rep limited to his clients -----------------------------------------


def test_creating_a_dossier_needs_the_dossiers_create_right(session, client, site):
    reference_data()
    reader = make_actor(session, booking_rights(Action.SEE, Action.EDIT, Action.VALIDATE))
    with pytest.raises(AccessDenied) as denied:
        create(reader, client, site)
    assert denied.value.right == Right(Module.BOOKINGS, Action.CREATE)
    assert count(Booking) == count(BookingCounter) == 0


def test_opening_a_dossier_needs_the_dossiers_see_right(session, admin, client, site):
    booking = create(admin, client, site)
    outsider = make_actor(session, {Right(Module.THIRD_PARTIES, Action.SEE)})
    with pytest.raises(AccessDenied), session_scope() as s:
        get_booking(s, outsider, booking.id)


def test_a_deleted_or_unknown_dossier_is_not_found(session, admin, client, site):
    booking = create(admin, client, site)
    with session_scope() as s:
        s.get(Booking, booking.id).deleted_at = utcnow()
    with pytest.raises(RecordNotFound), session_scope() as s:
        get_booking(s, admin, booking.id)
    with pytest.raises(RecordNotFound), session_scope() as s:
        get_booking(s, admin, 999999)


@dataclass
class Reps:
    paul: Actor
    lise: Actor
    his: Booking
    hers: Booking


@pytest.fixture
def reps(session: Session, admin: Actor, site: AgencySite) -> Reps:
    """Paul is limited to his clients; Lise's client has a dossier, so has Paul's."""
    paul = make_actor(session, own_clients_only=True)
    lise = make_actor(session)
    his = make_client(session, "Amicale de Paul", sales_rep_id=paul.user_id)
    hers = make_client(session, "Collège de Lise", sales_rep_id=lise.user_id)
    for searched in (his, hers):
        searched.search_text = searched.search_name
        session.add(searched)
    session.commit()
    return Reps(
        paul,
        lise,
        create(admin, his, site, title="Sortie de l'amicale"),
        create(admin, hers, site, title="Voyage du collège"),
    )


def test_a_rep_limited_to_his_clients_opens_their_dossiers_only(reps):
    with session_scope() as s:
        assert get_booking(s, reps.paul, reps.his.id).title == "Sortie de l'amicale"
    with pytest.raises(RecordNotFound), session_scope() as s:
        get_booking(s, reps.paul, reps.hers.id)


def test_a_rep_does_not_see_the_dossier_of_another_reps_client_even_if_it_names_him(session, reps):
    with session_scope() as s:
        hers = s.get(Booking, reps.hers.id)
        hers.sales_rep_id = reps.paul.user_id
    with pytest.raises(RecordNotFound), session_scope() as s:
        get_booking(s, reps.paul, reps.hers.id)


def test_a_rep_without_the_limit_opens_every_dossier(reps):
    with session_scope() as s:
        assert get_booking(s, reps.lise, reps.his.id).id == reps.his.id


def test_a_rep_limited_to_his_clients_cannot_touch_another_reps_dossier(reps):
    actions = (
        lambda s: change_status(s, reps.paul, reps.hers.id, Status.QUOTE_SENT),
        lambda s: start_amendment(s, reps.paul, reps.hers.id, REASON),
        lambda s: records.form_for(s, reps.paul, BOOKINGS, reps.hers.id),
        lambda s: records.save(s, reps.paul, BOOKINGS, reps.hers.id, {"title": "Volé"}),
    )
    for action in actions:
        with pytest.raises(RecordNotFound), session_scope() as s:
            action(s)
    assert reload(reps.hers).status == Status.REQUEST
    assert reload(reps.hers).title == "Voyage du collège"


def test_the_dossiers_list_shows_a_limited_rep_his_clients_dossiers_only(reps, admin):
    with session_scope() as s:
        paul_sees = fetch_page(s, BOOKINGS_LIST, ListQuery(sort="title"), reps.paul)
        admin_sees = fetch_page(s, BOOKINGS_LIST, ListQuery(sort="title"), admin)
    assert [row["title"] for row in paul_sees.rows] == ["Sortie de l'amicale"]
    assert paul_sees.total == 1
    assert [row["title"] for row in admin_sees.rows] == [
        "Sortie de l'amicale",
        "Voyage du collège",
    ]


def test_a_limited_rep_is_offered_his_clients_only_when_creating(reps):
    with session_scope() as s:
        assert [row.name for row in search_clients(s, reps.paul, "")] == ["Amicale de Paul"]
        assert [row.name for row in search_clients(s, reps.lise, "coll")] == ["Collège de Lise"]


# --- The list -------------------------------------------------------------------------------------


@pytest.fixture
def listed(session: Session, admin: Actor, client: Client, site: AgencySite) -> dict[str, int]:
    """Four dossiers of two sites, types, reps and dates; one confirmed, one under option."""
    paris = make_site(session, "PAR", name="Paris")
    other = make_client(session, "Lycée Balzac")
    rep = make_actor(session)
    with session_scope() as s:
        school = booking_type_id(s, "SCOLAIRE")
    ids = {
        "amboise": create(admin, client, site, title="Amboise", starts_on="2026-05-10").id,
        "chambord": create(
            admin,
            other,
            site,
            title="Chambord",
            starts_on="2026-06-20",
            sales_rep_id=str(rep.user_id),
        ).id,
        "louvre": create(
            admin, other, paris, title="Louvre", starts_on="2026-07-01", booking_type_id=str(school)
        ).id,
        "versailles": create(admin, client, paris, title="Versailles", starts_on="2026-08-15").id,
    }
    confirm(admin, reload_id(ids["chambord"]))
    move(admin, reload_id(ids["louvre"]), Status.OPTION)
    with session_scope() as s:
        s.get(Booking, ids["louvre"]).option_until = date(2026, 6, 1)
    ids.update(site=site.id, paris=paris.id, rep=rep.user_id, school=school)
    return ids


def reload_id(booking_id: int) -> Booking:
    with session_scope() as s:
        return s.get(Booking, booking_id)


def titles(actor: Actor, search: str = "", **filters: str) -> list[str]:
    query = ListQuery(search=search, sort="starts_on", filters=filters)
    with session_scope() as s:
        return [row["title"] for row in fetch_page(s, BOOKINGS_LIST, query, actor).rows]


def test_the_list_shows_the_latest_start_first_by_default(admin, listed):
    with session_scope() as s:
        page = fetch_page(s, BOOKINGS_LIST, ListQuery(), admin)
    assert [row["title"] for row in page.rows] == ["Versailles", "Louvre", "Chambord", "Amboise"]
    row = page.rows[0]
    assert (row["reference"], row["client"], row["status"], row["booking_type"]) == (
        "PAR-2026-0002",
        "CSE Michelin",
        Status.REQUEST,
        "Journée",
    )


def test_the_list_filters_by_status_type_site_and_rep(admin, listed):
    assert titles(admin, status=Status.CONFIRMED) == ["Chambord"]
    assert titles(admin, booking_type=str(listed["school"])) == ["Louvre"]
    assert titles(admin, site=str(listed["paris"])) == ["Louvre", "Versailles"]
    assert titles(admin, sales_rep=str(listed["rep"])) == ["Chambord"]


def test_a_link_may_filter_the_list_by_client_without_a_control_for_it(admin, client, listed):
    found = next(f for f in BOOKINGS_LIST.filters if f.key == "client")
    assert isinstance(found, ChoiceFilter) and not found.shown
    assert titles(admin, client=str(client.id)) == ["Amboise", "Versailles"]
    assert titles(admin, client="abc") == titles(admin)  # an unreadable value filters nothing


def test_the_list_filters_by_start_dates_and_option_deadline(admin, listed):
    assert titles(admin, starts_since="2026-06-20", starts_until="2026-07-31") == [
        "Chambord",
        "Louvre",
    ]
    assert titles(admin, option_until="2026-06-30") == ["Louvre"]
    assert titles(admin, option_until="2026-05-31") == []


def test_the_list_searches_reference_title_and_client_without_accents(admin, listed):
    assert titles(admin, "balzac") == ["Chambord", "Louvre"]
    assert titles(admin, "par-2026-0001") == ["Louvre"]
    assert titles(admin, "VERSAILLES") == ["Versailles"]
    assert titles(admin, "lycee") == ["Chambord", "Louvre"]


# --- Status changes -------------------------------------------------------------------------------


@pytest.fixture
def booking(admin: Actor, client: Client, site: AgencySite) -> Booking:
    return create(admin, client, site, title="Sortie au Futuroscope")


def test_each_step_writes_the_history_newest_first(admin, booking):
    move(admin, booking, Status.QUOTE_SENT, Status.OPTION, Status.CONFIRMED)
    with session_scope() as s:
        steps = history(s, booking.id)
    assert [(step.source, step.target, step.comment) for step in steps] == [
        ("Option", "Confirmé", ""),
        ("Devis envoyé", "Option", ""),
        ("Demande", "Devis envoyé", ""),
        ("", "Demande", "Création"),
    ]
    assert {step.user for step in steps} == {admin.display_name}
    assert all(step.at for step in steps)


def test_a_step_is_audited_with_the_two_statuses(admin, booking):
    move(admin, booking, Status.QUOTE_SENT)
    with session_scope() as s:
        entry = s.exec(
            select(AuditEntry)
            .where(AuditEntry.entity_type == "dossier", AuditEntry.action == "modification")
            .order_by(AuditEntry.id.desc())
        ).first()
    assert (entry.entity_id, entry.user_id) == (str(booking.id), admin.user_id)
    assert entry.changes == {"statut": ["Demande", "Devis envoyé"]}


def test_sending_the_quote_records_the_day_it_was_first_sent(admin, booking):
    sent = move(admin, booking, Status.QUOTE_SENT)
    assert sent.quote_sent_on == formats.today()
    with session_scope() as s:
        s.get(Booking, booking.id).quote_sent_on = date(2026, 1, 15)
    again = move(admin, booking, Status.REQUEST, Status.QUOTE_SENT)
    assert again.quote_sent_on == date(2026, 1, 15)


def confirmed_once_per_history(booking: Booking) -> tuple[bool, bool]:
    """(what `confirmed_once` says of the dossier, whether its history has a confirmation)."""
    with session_scope() as s:
        said = s.exec(
            select(confirmed_once()).select_from(Booking).where(Booking.id == booking.id)
        ).one()
        steps = s.exec(
            select(func.count())
            .select_from(BookingEvent)
            .where(BookingEvent.booking_id == booking.id, BookingEvent.to_status == "confirme")
        ).one()
    return bool(said), steps > 0


def test_a_dossier_confirmed_once_stays_so_whatever_becomes_of_it(admin, booking):
    # The statistics read the confirmed version, not the history: both say the same.
    assert confirmed_once_per_history(move(admin, booking, Status.QUOTE_SENT)) == (False, False)
    assert confirmed_once_per_history(confirm(admin, booking)) == (True, True)
    cancelled = move(admin, booking, Status.CANCELLED, comment=CANCEL_REASON)
    assert confirmed_once_per_history(cancelled) == (True, True)


def test_a_forbidden_step_is_refused_in_french_and_changes_nothing(admin, booking):
    events, entries = count(BookingEvent), count(AuditEntry)
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        change_status(s, admin, booking.id, Status.DONE)
    assert failure.value.errors == {"": "Un dossier « Demande » ne peut pas passer à « Réalisé »."}
    assert reload(booking).status == Status.REQUEST
    assert (count(BookingEvent), count(AuditEntry)) == (events, entries)


def test_a_status_that_does_not_exist_is_refused(admin, booking):
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        change_status(s, admin, booking.id, "perdu")
    assert failure.value.errors == {"": "Un dossier « Demande » ne peut pas passer à « perdu »."}


def test_a_cancellation_without_a_reason_is_refused(admin, booking):
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        change_status(s, admin, booking.id, Status.CANCELLED, "  ")
    assert failure.value.errors == {"": "Indiquez le motif."}
    assert reload(booking).status == Status.REQUEST


def test_a_cancellation_keeps_its_reason_in_the_history(admin, booking):
    move(admin, booking, Status.CANCELLED, comment=CANCEL_REASON)
    with session_scope() as s:
        latest = history(s, booking.id)[0]
    assert (latest.source, latest.target, latest.comment) == (
        "Demande",
        "Annulé",
        CANCEL_REASON,
    )


def test_confirming_needs_the_validate_right(session, booking):
    editor = make_actor(session, booking_rights(Action.SEE, Action.EDIT))
    with pytest.raises(AccessDenied), session_scope() as s:
        change_status(s, editor, booking.id, Status.CONFIRMED)
    assert move(editor, booking, Status.OPTION).status == Status.OPTION
    assert reload(booking).status == Status.OPTION


def test_cancelling_needs_the_validate_right(session, booking):
    editor = make_actor(session, booking_rights(Action.SEE, Action.EDIT))
    with pytest.raises(AccessDenied), session_scope() as s:
        change_status(s, editor, booking.id, Status.CANCELLED, CANCEL_REASON)


def test_a_validator_without_the_edit_right_cannot_send_the_quote(session, booking):
    validator = make_actor(session, booking_rights(Action.SEE, Action.VALIDATE))
    with pytest.raises(AccessDenied), session_scope() as s:
        change_status(s, validator, booking.id, Status.QUOTE_SENT)
    assert confirm(validator, booking).status == Status.CONFIRMED


def test_a_dossier_goes_all_the_way_to_settled(admin, booking):
    done = move(admin, booking, Status.CONFIRMED, Status.DONE, Status.INVOICED, Status.SETTLED)
    assert done.status == Status.SETTLED
    with pytest.raises(FormErrors), session_scope() as s:
        change_status(s, admin, booking.id, Status.CANCELLED, CANCEL_REASON)


# --- Cancellation fee -----------------------------------------------------------------------------


@dataclass
class Priced:
    booking: Booking
    visit_cost: Decimal
    """20 payants × 13 €: the one line whose product has « 30:30 ; 7:100 »."""


@pytest.fixture
def priced(session: Session, admin: Actor, client: Client, site: AgencySite) -> Priced:
    """A dossier of 20 payants: a visit (schedule 30 % from D-30, 100 % from D-7), a coach
    whose product has no schedule, and a tip typed freely."""
    visit = make_product(
        session,
        "Visite du château royal d'Amboise",
        cancellation_schedule=[{"days": 30, "percent": "30"}, {"days": 7, "percent": "100"}],
    )
    coach = make_product(session, "Autocar grand tourisme (journée)", type_code="TRANSPORT")
    booking = create(admin, client, site, starts_on="2026-06-05")
    lines = [
        typed_line("Entrée château", "person", "13", product_id=str(visit.id)),
        typed_line("Autocar", "group", "950", product_id=str(coach.id)),
        typed_line("Pourboires", "group", "40"),
    ]
    return Priced(save_lines(admin, booking, lines, markup_percent="10"), Decimal("260.00"))


def fee(priced: Priced, on: date) -> Decimal:
    with session_scope() as s:
        return cancellation_fee(s, s.get(Booking, priced.booking.id), on)


@pytest.mark.parametrize(
    ("days_before", "share"),
    [(45, "0"), (31, "0"), (30, "0.30"), (10, "0.30"), (8, "0.30"), (7, "1"), (0, "1")],
)
def test_the_cancellation_fee_follows_each_products_schedule(priced, days_before, share):
    on = JUNE_5 - timedelta(days=days_before)
    assert fee(priced, on) == (priced.visit_cost * Decimal(share)).quantize(Decimal("0.01"))


def test_ten_days_before_the_fee_is_thirty_percent_of_the_scheduled_costs(priced):
    assert fee(priced, date(2026, 5, 26)) == Decimal("78.00")


def test_a_dossier_without_costing_lines_costs_nothing_to_cancel(admin, booking):
    with session_scope() as s:
        assert cancellation_fee(s, s.get(Booking, booking.id), JUNE_5) == Decimal(0)


def test_cancelling_keeps_the_fee_of_the_day_on_the_dossier(session, admin, priced):
    with session_scope() as s:
        s.get(Booking, priced.booking.id).starts_on = formats.today() + timedelta(days=10)
    cancelled = move(admin, confirm(admin, priced.booking), Status.CANCELLED, comment=CANCEL_REASON)
    assert (cancelled.status, cancelled.cancellation_fee) == (Status.CANCELLED, Decimal("78.00"))
    assert reload(priced.booking).cancellation_fee == Decimal("78.00")


def test_a_dossier_not_cancelled_has_no_fee(admin, priced):
    assert confirm(admin, priced.booking).cancellation_fee is None


# --- Amendments -----------------------------------------------------------------------------------


def amendment_refused(actor: Actor, booking: Booking, reason: str = REASON) -> dict[str, str]:
    with pytest.raises(FormErrors) as failure:
        amend(actor, booking, reason)
    return failure.value.errors


@pytest.mark.parametrize("status", [Status.REQUEST, Status.QUOTE_SENT, Status.OPTION])
def test_only_a_confirmed_dossier_is_amended(admin, booking, status):
    targets = {
        Status.REQUEST: (),
        Status.QUOTE_SENT: (Status.QUOTE_SENT,),
        Status.OPTION: (Status.OPTION,),
    }[status]
    booking = move(admin, booking, *targets)
    errors = amendment_refused(admin, booking)
    assert errors == {"": "Seul un dossier confirmé se modifie par avenant."}
    assert reload(booking).version == 1


@pytest.mark.parametrize("status", [Status.DONE, Status.CANCELLED])
def test_a_done_or_cancelled_dossier_is_not_amended(admin, booking, status):
    confirm(admin, booking)
    booking = move(admin, booking, status, comment=CANCEL_REASON)
    assert amendment_refused(admin, booking) == {
        "": "Seul un dossier confirmé se modifie par avenant."
    }


def test_an_amendment_needs_its_reason(admin, booking):
    confirm(admin, booking)
    assert amendment_refused(admin, booking, " ") == {"reason": "Indiquez l'objet de l'avenant."}
    assert count(BookingVersion) == 1


def test_an_amendment_needs_the_edit_right(session, admin, booking):
    confirm(admin, booking)
    validator = make_actor(session, booking_rights(Action.SEE, Action.VALIDATE))
    with pytest.raises(AccessDenied):
        amend(validator, booking)


@pytest.fixture
def confirmed(admin: Actor, client: Client, site: AgencySite, tour: CatalogueDossier) -> Booking:
    """A confirmed three-day dossier from the catalogue: costing and programme of version 1."""
    return confirm(admin, from_tour(admin, client, site, tour))


def test_an_amendment_makes_version_two_with_copies_of_the_costing_and_programme(admin, confirmed):
    amended = amend(admin, confirmed)
    assert (amended.version, amended.status) == (2, Status.CONFIRMED)
    assert amended.costing_id not in (None, confirmed.costing_id)
    with session_scope() as s:
        copy = s.get(Costing, amended.costing_id)
    assert (copy.for_booking, copy.is_template, copy.created_by_id) == (True, False, admin.user_id)
    assert lines_of(amended.costing_id) == lines_of(confirmed.costing_id)
    assert programme_of(amended, 2) == programme_of(confirmed, 1)
    assert len(programme_of(amended, 2)) == 4


def test_an_amendment_is_listed_with_its_reason_after_the_first_version(admin, confirmed):
    amended = amend(admin, confirmed)
    with session_scope() as s:
        listed = versions(s, confirmed.id)
    assert [(v.number, v.costing_id, v.reason) for v in listed] == [
        ("1", str(confirmed.costing_id), "Création"),
        ("2", str(amended.costing_id), REASON),
    ]


def test_an_amendment_writes_the_history_and_the_audit(admin, confirmed):
    amend(admin, confirmed)
    with session_scope() as s:
        latest = history(s, confirmed.id)[0]
        entry = s.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (latest.source, latest.target, latest.comment) == (
        "Confirmé",
        "Confirmé",
        f"Avenant n° 1 : {REASON}",
    )
    assert (entry.entity_type, entry.changes) == ("dossier", {"version": [1, 2]})


def validate(actor: Actor, booking: Booking) -> Booking:
    with session_scope() as s:
        return validate_amendment(s, actor, booking.id)


def test_a_second_amendment_makes_version_three(admin, confirmed):
    amend(admin, confirmed)
    validate(admin, confirmed)
    third = amend(admin, confirmed, "Déjeuner remplacé par un pique-nique.")
    assert third.version == 3
    with session_scope() as s:
        assert [v.number for v in versions(s, confirmed.id)] == ["1", "2", "3"]
        assert history(s, confirmed.id)[0].comment.startswith("Avenant n° 2 : ")
    assert programme_of(third, 3) == programme_of(confirmed, 1)


def test_the_first_version_stays_readable_and_unchanged_once_the_new_one_is_edited(
    admin, confirmed
):
    before = confirmed.total_price
    amended = amend(admin, confirmed)
    save_lines(
        admin,
        amended,
        [typed_line("Autocar", "group", "1100", for_staff=ON), typed_line("Dîner", "person", "35")],
    )
    with session_scope() as s:
        first_version = versions(s, confirmed.id)[0]
        header, lines = costing_values(s, admin, int(first_version.costing_id), Module.BOOKINGS)
    assert [line["label"] for line in lines] == ["Autocar", "Déjeuner"]
    assert header["name"] == "Week-end en Touraine"
    assert lines_of(confirmed.costing_id) == [("Autocar", Decimal(950)), ("Déjeuner", Decimal(28))]
    assert lines_of(amended.costing_id) == [("Autocar", Decimal(1100)), ("Dîner", Decimal(35))]
    now = reload(confirmed)
    assert now.total_price != before and now.total_price > 0


def test_editing_the_new_programme_leaves_the_first_one_as_it_was(admin, confirmed):
    amended = amend(admin, confirmed)
    with session_scope() as s:
        item = s.exec(
            select(BookingProgrammeItem).where(
                BookingProgrammeItem.booking_id == amended.id, BookingProgrammeItem.version == 2
            )
        ).first()
        item.title = "Visite de Chenonceau"
    assert programme_of(amended, 1)[0][3] == "Visite d'Amboise"
    assert programme_of(amended, 2)[0][3] == "Visite de Chenonceau"


# --- The general form -----------------------------------------------------------------------------


def form_of(actor: Actor, booking: Booking) -> dict[str, str]:
    with session_scope() as s:
        return records.form_for(s, actor, BOOKINGS, booking.id)


def save_form(actor: Actor, booking: Booking, **changes: str) -> Booking:
    data = {**form_of(actor, booking), **changes}
    with session_scope() as s:
        return records.save(s, actor, BOOKINGS, booking.id, data)


def form_refused(actor: Actor, booking: Booking, **changes: str) -> dict[str, str]:
    with pytest.raises(FormErrors) as failure:
        save_form(actor, booking, **changes)
    return failure.value.errors


def make_contact(session: Session, client: Client, last_name: str, **values) -> Contact:
    contact = Contact(client_id=client.id, first_name="Anne", last_name=last_name, **values)
    session.add(contact)
    session.commit()
    return contact


def test_the_form_reads_and_saves_arrival_and_departure_times_as_typed(admin, booking):
    saved = save_form(admin, booking, start_text="9h30", end_text="18 h")
    assert (saved.start_time, saved.end_time) == (time(9, 30), time(18, 0))
    values = form_of(admin, booking)
    assert (values["start_text"], values["end_text"]) == ("09:30", "18:00")
    cleared = save_form(admin, booking, start_text="", end_text="")
    assert (cleared.start_time, cleared.end_time) == (None, None)


def test_a_time_that_is_not_one_is_refused_with_an_example(admin, booking):
    assert form_refused(admin, booking, start_text="midi") == {
        "start_text": "Heure attendue, ex. 9:30 ou 14h."
    }


def test_the_form_refuses_an_end_before_the_start(admin, booking):
    assert form_refused(admin, booking, ends_on="2026-06-04") == {
        "ends_on": "Le départ précède l'arrivée."
    }


def test_the_contact_of_the_dossier_is_one_of_the_clients_contacts(session, admin, client, booking):
    anne = make_contact(session, client, "Durand")
    saved = save_form(admin, booking, contact_id=str(anne.id))
    assert saved.contact_id == anne.id
    assert form_of(admin, booking)["contact_id"] == str(anne.id)
    assert save_form(admin, booking, contact_id="").contact_id is None


def test_a_contact_that_is_not_an_id_is_refused(admin, booking):
    assert form_refused(admin, booking, contact_id="Durand") == {"contact_id": "Choix invalide."}
    assert form_refused(admin, booking, contact_id="9" * 30) == {"contact_id": "Choix invalide."}


def test_the_contact_of_another_client_is_refused(session, admin, booking):
    stranger = make_contact(session, make_client(session, "Lycée Balzac"), "Martin")
    assert form_refused(admin, booking, contact_id=str(stranger.id)) == {
        "contact_id": NOT_ITS_CONTACT
    }
    assert form_refused(admin, booking, contact_id="999999") == {"contact_id": NOT_ITS_CONTACT}
    assert reload(booking).contact_id is None


def test_a_deleted_contact_is_refused(session, admin, client, booking):
    gone = make_contact(session, client, "Parti", deleted_at=utcnow())
    assert form_refused(admin, booking, contact_id=str(gone.id)) == {"contact_id": NOT_ITS_CONTACT}


def test_the_clients_contacts_are_offered_without_the_deleted_ones(session, client):
    make_contact(session, client, "Durand")
    make_contact(session, client, "Parti", deleted_at=utcnow())
    make_contact(session, make_client(session, "Autre"), "Martin")
    with session_scope() as s:
        assert [label for _, label in contact_choices(s, client.id)] == ["Anne Durand"]


def test_saving_the_form_brings_the_costing_along_with_the_dossier(admin, priced):
    before = reload(priced.booking)
    saved = save_form(
        admin,
        before,
        title="Sortie des retraités",
        starts_on="2026-06-12",
        ends_on="2026-06-12",
        paying="30",
        staff="2",
    )
    with session_scope() as s:
        costing = s.get(Costing, saved.costing_id)
    assert (costing.name, costing.service_date, costing.client_id) == (
        "Sortie des retraités",
        date(2026, 6, 12),
        before.client_id,
    )
    assert (costing.paying, costing.free, costing.staff) == (30, 0, 2)
    with session_scope() as s:
        header, lines = costing_values(s, admin, saved.costing_id, Module.BOOKINGS)
    priced_now = costings.quote(header, lines)
    after = reload(priced.booking)
    assert after.total_price == priced_now.total_sale != before.total_price
    assert after.price_per_paying == priced_now.price_per_paying


def test_the_form_is_audited(admin, booking):
    save_form(admin, booking, internal_notes="Prévoir un fauteuil roulant.")
    with session_scope() as s:
        entry = s.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.entity_type, entry.entity_label) == (
        "dossier",
        "VDL-2026-0001 — Sortie au Futuroscope",
    )
    assert entry.changes["internal_notes"] == ["", "Prévoir un fauteuil roulant."]


@pytest.mark.parametrize("status", [Status.DONE, Status.CANCELLED])
def test_the_group_of_a_closed_dossier_is_frozen(admin, booking, status):
    confirm(admin, booking)
    move(admin, booking, status, comment=CANCEL_REASON)
    errors = form_refused(admin, booking, paying="25", free="1", staff="1")
    assert set(errors) == {"paying", "free", "staff"}
    assert all(message.endswith(FROZEN) for message in errors.values())
    noted = save_form(admin, booking, internal_notes="Groupe ravi.")
    assert (noted.paying, noted.internal_notes) == (20, "Groupe ravi.")


def test_emptying_the_free_places_of_a_closed_dossier_does_not_reset_them(admin, client, site):
    booking = create(admin, client, site, free="2", staff="1")
    move(admin, confirm(admin, booking), Status.DONE)
    errors = form_refused(admin, booking, free="", staff="")
    assert set(errors) == {"free", "staff"}
    assert all(message.endswith(FROZEN) for message in errors.values())
    assert (reload(booking).free, reload(booking).staff) == (2, 1)


def test_a_closed_dossiers_costing_and_price_do_not_follow_the_form(admin, priced):
    booking = move(admin, confirm(admin, priced.booking), Status.DONE)
    save_form(
        admin, booking, title="Renommé après coup", starts_on="2026-06-06", ends_on="2026-06-06"
    )
    after = reload(booking)
    with session_scope() as s:
        costing = s.get(Costing, after.costing_id)
    assert (after.title, costing.name, costing.service_date) == (
        "Renommé après coup",
        "Sortie du comité d'entreprise",
        JUNE_5,
    )
    assert after.total_price == booking.total_price


def test_editing_a_dossier_needs_the_dossiers_edit_right(session, booking):
    reader = make_actor(session, booking_rights(Action.SEE, Action.CREATE))
    with pytest.raises(AccessDenied):
        save_form(reader, booking, title="Renommé")


def test_a_dossier_is_not_created_through_the_general_form(admin, booking):
    data = form_of(admin, booking)
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        records.save(s, admin, BOOKINGS, None, data)
    assert failure.value.errors == {"": "Un dossier se crée par « Nouveau dossier »."}
    assert count(Booking) == 1


def test_a_dossier_is_never_deleted_through_the_form(admin, booking):
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        records.delete(s, admin, BOOKINGS, booking.id)
    assert failure.value.errors == {"": "Cet élément ne peut pas être supprimé."}


# --- Types of dossiers ----------------------------------------------------------------------------


def test_a_type_used_by_a_dossier_cannot_be_deleted(admin, booking):
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        records.delete(s, admin, BOOKING_TYPES, booking.booking_type_id)
    assert failure.value.errors == {"": "Ce type sert à 1 dossier(s) : désactivez-le plutôt."}


def test_an_unused_type_can_be_deleted(admin):
    with session_scope() as s:
        incentive = booking_type_id(s, "INCENTIVE")
        records.delete(s, admin, BOOKING_TYPES, incentive)
    assert count(BookingType, BookingType.id == incentive) == 0


# --- The client file and his outstanding ----------------------------------------------------------


def test_a_client_with_dossiers_cannot_be_deleted(admin, client, booking):
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        records.delete(s, admin, CLIENTS, client.id)
    assert failure.value.errors == {
        "": "Ce client a 1 dossier(s). Passez plutôt le client au statut « Inactif »."
    }
    assert reload_client(client).deleted_at is None


def reload_client(client: Client) -> Client:
    with session_scope() as s:
        return s.get(Client, client.id)


def test_a_client_without_dossiers_can_be_deleted(session, admin, booking):
    lonely = make_client(session, "Sans dossier")
    with session_scope() as s:
        records.delete(s, admin, CLIENTS, lonely.id)
    assert reload_client(lonely).deleted_at is not None


def set_price(booking: Booking, total: str, status: Status) -> None:
    with session_scope() as s:
        row = s.get(Booking, booking.id)
        row.total_price, row.status = Decimal(total), status


def test_the_outstanding_counts_the_confirmed_and_done_dossiers_not_invoiced(
    session, admin, client, site
):
    for total, status in (
        ("1000.00", Status.CONFIRMED),
        ("250.50", Status.DONE),
        ("400.00", Status.REQUEST),
        ("300.00", Status.OPTION),
        ("700.00", Status.CANCELLED),
        ("900.00", Status.INVOICED),
        ("800.00", Status.SETTLED),
    ):
        set_price(create(admin, client, site), total, status)
    other = make_client(session, "Sans dossier")
    with session_scope() as s:
        balances = outstanding_for(s, [client.id, other.id])
    assert balances[client.id].parts["dossiers"] == Decimal("1250.50")
    assert balances[other.id].parts["dossiers"] == Decimal("0.00")


def test_a_confirmed_dossiers_quoted_price_enters_the_outstanding(admin, client, priced):
    confirmed = confirm(admin, priced.booking)
    assert confirmed.total_price > 0
    with session_scope() as s:
        balance = outstanding_for(s, [client.id])[client.id]
    assert balance.parts["dossiers"] == confirmed.total_price


# --- The costing of a dossier is reached through the dossiers only --------------------------------


def test_a_dossiers_costing_is_reached_through_the_dossiers_not_the_catalogue(admin, booking):
    with session_scope() as s:
        assert get_costing(s, admin, booking.costing_id, Module.BOOKINGS).for_booking
    with pytest.raises(RecordNotFound), session_scope() as s:
        get_costing(s, admin, booking.costing_id, Module.CATALOGUE)
    with pytest.raises(RecordNotFound), session_scope() as s:
        costing_values(s, admin, booking.costing_id)


def test_a_quick_or_catalogue_costing_is_not_reached_through_the_dossiers(session, admin, tour):
    quick = Costing(name="Cotation rapide")
    session.add(quick)
    session.commit()
    for costing_id in (quick.id, tour.costing_id):
        with session_scope() as s:
            assert get_costing(s, admin, costing_id, Module.CATALOGUE).id == costing_id
        with pytest.raises(RecordNotFound), session_scope() as s:
            get_costing(s, admin, costing_id, Module.BOOKINGS)


def test_a_dossiers_costing_cannot_be_saved_through_the_catalogue(admin, booking):
    with session_scope() as s:
        header, lines = costing_values(s, admin, booking.costing_id, Module.BOOKINGS)
    with pytest.raises(RecordNotFound), session_scope() as s:
        save_costing(s, admin, booking.costing_id, header, lines, Module.CATALOGUE)


def test_a_dossiers_costing_needs_the_dossiers_rights_not_the_catalogues(session, booking):
    catalogue_only = make_actor(session, {Right(Module.CATALOGUE, action) for action in Action})
    booking_only = make_actor(session, booking_rights(Action.SEE))
    with pytest.raises(AccessDenied), session_scope() as s:
        get_costing(s, catalogue_only, booking.costing_id, Module.BOOKINGS)
    with session_scope() as s:
        assert get_costing(s, booking_only, booking.costing_id, Module.BOOKINGS)


def test_a_limited_rep_cannot_reach_the_costing_of_another_reps_dossier(reps):
    with pytest.raises(RecordNotFound), session_scope() as s:
        get_costing(s, reps.paul, reps.hers.costing_id, Module.BOOKINGS)
    with session_scope() as s:
        assert get_costing(s, reps.paul, reps.his.costing_id, Module.BOOKINGS)


def test_the_dossiers_costings_stay_out_of_the_quick_costings_list(admin, booking):
    with session_scope() as s:
        page = fetch_page(s, COSTINGS_LIST, ListQuery(), admin)
    assert page.rows == [] and page.total == 0


def test_the_confirmed_version_is_frozen_until_an_amendment_is_opened(admin, confirmed):
    fresh = reload(confirmed)
    assert fresh.confirmed_version == 1 and not is_editable(fresh)
    assert "ouvrez un avenant" in closed_reason(fresh)
    amended = amend(admin, confirmed)
    assert is_editable(reload(amended))
    assert "en cours" in amendment_refused(admin, confirmed)[""]


def test_validating_an_amendment_freezes_its_version_and_needs_the_validate_right(
    admin, confirmed, session
):
    amend(admin, confirmed)
    clerk = make_actor(session, {r for r in admin.rights if r.action != Action.VALIDATE})
    with session_scope() as s, pytest.raises(AccessDenied):
        validate_amendment(s, clerk, confirmed.id)
    validated = validate(admin, confirmed)
    assert validated.confirmed_version == 2 and not is_editable(reload(validated))
    with session_scope() as s:
        assert history(s, confirmed.id)[0].comment.startswith("Avenant n° 1 validé")
    with session_scope() as s, pytest.raises(FormErrors):
        validate_amendment(s, admin, confirmed.id)


def test_the_clients_own_terms_apply_when_they_ask_more_than_the_suppliers(session, priced):
    with session_scope() as s:
        client = s.get(Client, priced.booking.client_id)
        client.cancellation_schedule = [
            {"days": 60, "percent": "10"},
            {"days": 20, "percent": "50"},
        ]
        s.add(client)
    total = reload(priced.booking).total_price
    # D-45: 10 % of the price beats the suppliers' nothing
    assert fee(priced, JUNE_5 - timedelta(days=45)) == (total / 10).quantize(Decimal("0.01"))
    # D-10: 50 % of the price
    assert fee(priced, JUNE_5 - timedelta(days=10)) == (total / 2).quantize(Decimal("0.01"))


def test_the_client_file_keeps_its_cancellation_terms(session, admin, client):
    from agence.services.common import records

    with session_scope() as s:
        values = records.form_for(s, admin, CLIENTS, client.id)
        values["cancellation_text"] = "30:50 ; 60:10"
        values["confirm_duplicate"] = "on"
        values["account_code"] = ""  # blank keeps the existing code
        records.save(s, admin, CLIENTS, client.id, values)
    with session_scope() as s:
        assert s.get(Client, client.id).cancellation_schedule == [
            {"days": 60, "percent": "10"},
            {"days": 30, "percent": "50"},
        ]
        values = records.form_for(s, admin, CLIENTS, client.id)
    assert values["cancellation_text"] == "60:10 ; 30:50"


def test_the_dossier_count_skips_the_display_joins_but_counts_the_same_rows(session, admin, site):
    from agence.services.common.listing import count, fetch_page, filtered_query

    reference_data()
    first = make_client(session, "CSE Michelin")
    second = make_client(session, "Lycée Descartes")
    for client, starts_on in ((first, "2026-06-05"), (second, "2026-07-01"), (first, "2026-08-01")):
        make_booking(admin, client, site, starts_on=starts_on)
    for query in (
        ListQuery(),
        ListQuery(search="michelin"),
        ListQuery(filters={"status": "demande", "starts_since": "2026-07-01"}),
    ):
        with session_scope() as s:
            page = fetch_page(s, BOOKINGS_LIST, query, admin)
            assert page.total == count(s, filtered_query(BOOKINGS_LIST, query, admin))
