"""Catalogue dossiers (pre-built products): each owns a template costing created with it; its
programme slots read times as typed (« 9h30 », « 14h »), stay within the dossier's days and take
their product's name; a new dossier starts from a copy of the costing. The demo catalogue
dossier's costing is the spec's worked example."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import CatalogueDossier, CatalogueProgrammeItem, Client
from agence.models.catalogue import Costing, CostingLine, Product
from agence.services.catalogue.catalogue_dossiers import (
    CATALOGUE_DOSSIERS,
    PROGRAMME_ITEMS,
    ProgrammeStep,
    copy_for_dossier,
    programme,
)
from agence.services.catalogue.costings import (
    COSTINGS,
    costing_values,
    default_header,
    evaluate,
    line_from_product,
)
from agence.services.common import formats, records
from agence.services.common.forms import FormErrors, parse_form
from agence.services.common.permissions import AccessDenied, Action, Actor, Module, Right
from agence.services.common.records import DUPLICATE, PARENT_KEY
from agence.services.demo import seed
from tests.factories import make_actor, make_product, reference_data

BAD_TIME = "Heure attendue, ex. 9:30 ou 14h."
WORKED_EXAMPLE = "Journée châteaux de la Loire"


@pytest.fixture
def admin(session: Session) -> Actor:
    reference_data()
    return make_actor(session)


def save_dossier(actor: Actor, record_id: int | None = None, **values) -> CatalogueDossier:
    data = {
        "name": "Week-end en Touraine",
        "dossier_type": "sejour",
        "duration_days": "2",
        "active": "on",
        "description": "Deux jours entre Loire et vignobles.",
    }
    data.update(values)
    with session_scope() as s:
        return records.save(s, actor, CATALOGUE_DOSSIERS, record_id, data)


def costing_of(dossier: CatalogueDossier) -> Costing:
    with session_scope() as s:
        dossier = s.get(CatalogueDossier, dossier.id)
        return s.get(Costing, dossier.costing_id)


@pytest.fixture
def dossier(admin: Actor) -> CatalogueDossier:
    return save_dossier(admin)


def save_item(
    actor: Actor, dossier: CatalogueDossier, record_id: int | None = None, **values
) -> CatalogueProgrammeItem:
    data = {"day": "1", "start_text": "", "end_text": "", "product_id": "", "title": "Temps libre"}
    data.update(values)
    with session_scope() as s:
        return records.save(s, actor, PROGRAMME_ITEMS, record_id, data, dossier.id)


def item_refused(actor: Actor, dossier: CatalogueDossier, **values) -> dict[str, str]:
    with pytest.raises(FormErrors) as failure:
        save_item(actor, dossier, **values)
    return failure.value.errors


# --- The dossier and its template costing ---------------------------------------------------------


def test_creating_a_catalogue_dossier_creates_its_template_costing(admin, dossier):
    costing = costing_of(dossier)
    assert (costing.name, costing.is_template) == ("Week-end en Touraine", True)
    assert costing.created_by_id == admin.user_id


def test_renaming_a_catalogue_dossier_renames_its_costing(admin, dossier):
    first = costing_of(dossier)
    save_dossier(admin, dossier.id, name="Week-end au val de Loire")
    renamed = costing_of(dossier)
    assert renamed.id == first.id
    assert renamed.name == "Week-end au val de Loire"


def test_saving_a_catalogue_dossier_again_keeps_one_costing(admin, dossier):
    save_dossier(admin, dossier.id, duration_days="3")
    with session_scope() as s:
        assert s.exec(select(func.count()).select_from(Costing)).one() == 1


def test_two_catalogue_dossiers_cannot_have_the_same_name(admin, dossier):
    with pytest.raises(FormErrors) as failure:
        save_dossier(admin, name="WEEK-END EN TOURAINE")
    assert failure.value.errors == {"name": DUPLICATE}


def test_the_costing_of_a_catalogue_dossier_cannot_be_deleted(admin, dossier):
    costing = costing_of(dossier)
    with pytest.raises(FormErrors) as failure, session_scope() as s:
        records.delete(s, admin, COSTINGS, costing.id)
    assert failure.value.errors == {
        "": "C'est la cotation du dossier catalogue « Week-end en Touraine »."
    }
    assert costing_of(dossier).deleted_at is None


def test_the_costing_of_a_deleted_catalogue_dossier_can_be_deleted(admin, dossier):
    with session_scope() as s:
        records.delete(s, admin, CATALOGUE_DOSSIERS, dossier.id)
    with session_scope() as s:
        records.delete(s, admin, COSTINGS, costing_of(dossier).id)
    assert costing_of(dossier).deleted_at is not None


def test_a_catalogue_dossier_cannot_be_shortened_below_its_programme(admin, dossier):
    save_item(admin, dossier, day="2", title="Retour")
    with pytest.raises(FormErrors) as failure:
        save_dossier(admin, dossier.id, duration_days="1")
    assert failure.value.errors == {"duration_days": "Le programme a des étapes au jour 2."}


def test_creating_a_catalogue_dossier_needs_the_catalogue_create_right(session):
    reference_data()
    reader = make_actor(session, {Right(Module.CATALOGUE, Action.SEE)})
    with pytest.raises(AccessDenied):
        save_dossier(reader)


# --- Programme slots ------------------------------------------------------------------------------


def read_slot(actor: Actor, dossier: CatalogueDossier, **values) -> tuple[dict, dict]:
    """The slot's form parsed and checked as `records.save` does, short of writing it."""
    data = {"day": "1", "title": "Temps libre", **values}
    with session_scope() as s:
        clean, errors = parse_form(PROGRAMME_ITEMS.fields, data, PROGRAMME_ITEMS.choices(s))
        clean[PARENT_KEY] = dossier.id
        PROGRAMME_ITEMS.validate(s, actor, None, clean, errors)
    return clean, errors


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9h30", time(9, 30)),
        ("14h", time(14, 0)),
        ("9:30", time(9, 30)),
        ("09:05", time(9, 5)),
        ("18 h", time(18, 0)),
        ("0h", time(0, 0)),
        ("23h59", time(23, 59)),
    ],
)
def test_a_time_is_read_as_typed(admin, dossier, typed, expected):
    clean, errors = read_slot(admin, dossier, start_text=typed, end_text=typed)
    assert errors == {}
    assert clean["start_time"] == clean["end_time"] == expected


def test_a_timed_slot_is_saved_with_its_times(admin, dossier):
    item = save_item(admin, dossier, start_text="9h30", end_text="14h")
    assert (item.start_time, item.end_time) == (time(9, 30), time(14, 0))


@pytest.mark.parametrize("typed", ["24h", "9h60", "midi", "9.30", "h30"])
def test_a_time_that_is_not_one_is_refused_with_an_example(admin, dossier, typed):
    assert item_refused(admin, dossier, start_text=typed) == {"start_text": BAD_TIME}


def test_a_bad_end_time_is_reported_on_its_field(admin, dossier):
    assert item_refused(admin, dossier, start_text="9h", end_text="25h") == {"end_text": BAD_TIME}


def test_a_slot_ending_before_it_starts_is_refused(admin, dossier):
    errors = item_refused(admin, dossier, start_text="14h", end_text="12h30")
    assert errors == {"end_text": "La fin précède le début."}


def test_a_slot_on_a_day_beyond_the_duration_is_refused(admin, dossier):
    assert item_refused(admin, dossier, day="3") == {"day": "Le dossier dure 2 jour(s)."}
    assert save_item(admin, dossier, day="2").day == 2


def test_a_slot_takes_the_name_of_its_product_when_it_has_no_title(session, admin, dossier):
    product = make_product(session, "Visite du château royal d'Amboise")
    item = save_item(admin, dossier, product_id=str(product.id), title="")
    assert item.title == "Visite du château royal d'Amboise"


def test_a_slot_keeps_its_own_title_beside_a_product(session, admin, dossier):
    product = make_product(session, "Guide conférencier (journée)")
    item = save_item(admin, dossier, product_id=str(product.id), title="Visite guidée de la ville")
    assert (item.title, item.product_id) == ("Visite guidée de la ville", product.id)


def test_a_slot_needs_a_product_or_a_title(admin, dossier):
    assert item_refused(admin, dossier, title="") == {
        "title": "Choisissez une prestation ou écrivez un intitulé."
    }


def add_slot(session: Session, dossier: CatalogueDossier, day: int, title: str, *times: time):
    item = CatalogueProgrammeItem(
        dossier_id=dossier.id,
        day=day,
        title=title,
        start_time=times[0] if times else None,
        end_time=times[1] if len(times) > 1 else None,
    )
    session.add(item)
    session.commit()
    return item


def test_the_form_of_a_slot_shows_its_times(session, admin, dossier):
    item = add_slot(session, dossier, 1, "Château", time(9, 30), time(12, 0))
    with session_scope() as s:
        values = records.form_for(s, admin, PROGRAMME_ITEMS, item.id, dossier.id)
    assert (values["start_text"], values["end_text"]) == ("09:30", "12:00")


def test_clearing_the_times_of_a_slot_removes_them(admin, dossier):
    item = save_item(admin, dossier, start_text="9h30", end_text="12h")
    edited = save_item(admin, dossier, item.id, start_text="", end_text="")
    assert (edited.start_time, edited.end_time) == (None, None)


def test_the_programme_reads_day_by_day_in_time_order(session, dossier):
    add_slot(session, dossier, 2, "Cave", time(9, 0))
    add_slot(session, dossier, 1, "Château", time(14, 0), time(16, 30))
    add_slot(session, dossier, 1, "Départ", time(8, 30))
    with session_scope() as s:
        assert programme(s, dossier.id) == [
            ProgrammeStep(day="1", time="08:30", title="Départ"),
            ProgrammeStep(day="1", time="14:00 – 16:30", title="Château"),
            ProgrammeStep(day="2", time="09:00", title="Cave"),
        ]


def test_programme_slots_are_changed_with_the_right_to_edit_the_catalogue(session, dossier):
    creator = make_actor(
        session, {Right(Module.CATALOGUE, Action.SEE), Right(Module.CATALOGUE, Action.CREATE)}
    )
    with pytest.raises(AccessDenied):
        save_item(creator, dossier)


# --- A dossier starts from a copy of the costing --------------------------------------------------


def test_a_dossier_starts_from_a_copy_of_the_catalogue_costing_and_its_lines(
    session, admin, dossier
):
    template = costing_of(dossier)
    template.markup_percent = Decimal(18)
    session.add(template)
    for position, (label, cost) in enumerate((("Autocar", "950"), ("Déjeuner", "28")), 1):
        session.add(
            CostingLine(
                costing_id=template.id,
                position=position,
                label=label,
                unit_cost=Decimal(cost),
                basis="group" if position == 1 else "person",
            )
        )
    session.commit()
    with session_scope() as s:
        copy = copy_for_dossier(s, s.get(CatalogueDossier, dossier.id), "Dossier Dupont")
    assert copy.id != template.id
    assert (copy.name, copy.is_template, copy.markup_percent) == (
        "Dossier Dupont",
        False,
        Decimal(18),
    )
    with session_scope() as s:
        copied = s.exec(
            select(CostingLine)
            .where(CostingLine.costing_id == copy.id)
            .order_by(CostingLine.position)
        ).all()
        kept = s.exec(select(CostingLine).where(CostingLine.costing_id == template.id)).all()
    assert [(line.position, line.label, line.unit_cost, line.basis) for line in copied] == [
        (1, "Autocar", Decimal(950), "group"),
        (2, "Déjeuner", Decimal(28), "person"),
    ]
    assert len(kept) == 2
    assert costing_of(dossier).name == "Week-end en Touraine"


def test_a_dossier_without_a_costing_gives_no_copy(session, admin):
    bare = CatalogueDossier(name="Sans cotation")
    session.add(bare)
    session.commit()
    with session_scope() as s:
        assert copy_for_dossier(s, bare, "Dossier") is None


# --- The demo catalogue ---------------------------------------------------------------------------


@pytest.fixture
def demo(session: Session) -> Actor:
    with session_scope() as s:
        assert seed.seed_demo(s)
    return make_actor(session)


def demo_dossier() -> CatalogueDossier:
    with session_scope() as s:
        return s.exec(select(CatalogueDossier).where(CatalogueDossier.name == WORKED_EXAMPLE)).one()


def test_the_demo_catalogue_dossier_prices_the_worked_example(demo):
    dossier = demo_dossier()
    with session_scope() as s:
        header, lines = costing_values(s, demo, dossier.costing_id)
    result = evaluate(header, lines)
    assert result.header_errors == {} and not any(result.line_errors)
    assert result.summary.price_per_paying == formats.money(Decimal("118.50"))
    assert result.summary.total_cost == formats.money(Decimal("1978.00"))
    assert result.summary.margin_vat == formats.money(Decimal("65.33"))
    grid = {row.paying: row.price_per_paying for row in result.grid}
    assert grid["20"] == formats.money(Decimal("118.50"))
    assert grid["30"] == formats.money(Decimal("102.50"))
    assert grid["40"] == formats.money(Decimal("89.00"))


def test_the_demo_catalogue_dossier_has_its_programme(demo):
    dossier = demo_dossier()
    with session_scope() as s:
        steps = programme(s, dossier.id)
    assert steps[0] == ProgrammeStep(day="1", time="08:30", title="Départ de Tours en autocar")
    assert [step.title for step in steps][1:3] == [
        "Visite du château royal d'Amboise",
        "Déjeuner menu groupe à L'Orangerie",
    ]


def test_the_demo_school_gets_its_negotiated_price_on_the_amboise_visit(demo):
    with session_scope() as s:
        school = s.exec(select(Client).where(Client.name == "Collège Anatole-France")).one()
        visit = s.exec(
            select(Product).where(Product.name == "Visite du château royal d'Amboise")
        ).one()
        header = {**default_header(), "service_date": "2026-10-06", "client_id": str(school.id)}
        line = line_from_product(s, visit.id, header)
    assert (line["unit_cost"], line["unit_sale_price"]) == ("13", "14")
    assert line["price_note"] == f"Prix négocié client : {formats.money(Decimal(14))}"
