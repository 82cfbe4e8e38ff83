"""The costing screen's business: the typed costing priced live (the spec's worked example from
the strings the page holds), lines taken from the catalogue with the tariff of the day and group
size and the client's preferential rate, refreshed when the group, the date or the client
changes, and saved all or nothing, audited, within the user's rights and clients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from agence.db import session_scope
from agence.models import AuditEntry, ClientDiscount
from agence.models.base import utcnow
from agence.models.catalogue import Costing, CostingLine, NegotiatedPrice, Product, Rate
from agence.services.catalogue.costings import (
    COSTINGS_LIST,
    LineResult,
    blank_line,
    client_choices,
    costing_values,
    default_header,
    edit_line,
    evaluate,
    get_costing,
    line_from_product,
    no_rate_message,
    refresh_catalogue_lines,
    save_costing,
    search_products,
)
from agence.services.common import formats
from agence.services.common.forms import REQUIRED, FormErrors
from agence.services.common.listing import ListQuery, fetch_page
from agence.services.common.permissions import AccessDenied, Action, Actor, Module, Right
from agence.services.common.records import RecordNotFound
from tests.factories import (
    make_actor,
    make_client,
    make_product,
    make_rate,
    make_supplier,
    product_type_id,
    reference_data,
    vat_rate_id,
)

ON = "on"
YEAR_START = date(2026, 1, 1)
YEAR_END = date(2026, 12, 31)
FRIDAY = "2026-06-05"


def euros(amount: str) -> str:
    return formats.money(Decimal(amount))


# --- The worked example of the spec, as the page types it -----------------------------------------


def worked_example_header(**values) -> dict[str, str]:
    header = default_header()
    header.update(
        name="Journée châteaux de la Loire",
        paying="20",
        staff="1",
        client_free="1",
        client_free_per="20",
        markup_percent="18",
        fee_per_group="30",
        rounding="0.50",
        grid="20, 30, 40",
    )
    header.update(values)
    return header


def typed_line(label: str, basis: str, unit_cost: str, **values) -> dict[str, str]:
    line = blank_line(label)
    line.update(basis=basis, unit_cost=unit_cost, **values)
    return line


def worked_example_lines() -> list[dict[str, str]]:
    return [
        typed_line("Autocar", "group", "950.00", for_staff=ON),
        typed_line("Entrée château", "person", "13.00", supplier_free="1", supplier_free_per="20"),
        typed_line(
            "Déjeuner",
            "person",
            "28,00",
            for_staff=ON,
            supplier_free="1",
            supplier_free_per="20",
        ),
        typed_line("Guide conférencier", "group", "180.00", capacity="30"),
    ]


def test_the_worked_example_is_priced_from_what_the_page_holds():
    result = evaluate(worked_example_header(), worked_example_lines())
    assert result.header_errors == {}
    assert result.line_errors == ["", "", "", ""]
    assert result.summary.group == "20 payants + 1 gratuit + 1 accompagnateur"
    assert result.summary.total_cost == euros("1978.00")
    assert result.summary.price_per_paying == euros("118.50")
    assert result.summary.total_sale == euros("2370.00")
    assert result.summary.margin == euros("392.00")
    assert result.summary.margin_vat == euros("65.33")
    assert result.summary.normal_vat == euros("0")


def test_the_worked_example_grid_gives_the_three_rows_of_the_spec():
    rows = evaluate(worked_example_header(), worked_example_lines()).grid
    assert [
        (row.paying, row.free, row.staff, row.total_cost, row.price_per_paying) for row in rows
    ] == [
        ("20", "1", "1", euros("1978.00"), euros("118.50")),
        ("30", "1", "1", euros("2568.00"), euros("102.50")),
        ("40", "2", "1", euros("2978.00"), euros("89.00")),
    ]
    assert [row.total_sale for row in rows] == [
        euros("2370.00"),
        euros("3075.00"),
        euros("3560.00"),
    ]
    assert [row.margin for row in rows] == [euros("392.00"), euros("507.00"), euros("582.00")]
    assert [row.current for row in rows] == [True, False, False]


def test_the_worked_example_lines_show_their_cost_and_consumers():
    lines = evaluate(worked_example_header(), worked_example_lines()).line_results
    assert [(line.cost, line.detail) for line in lines] == [
        (euros("950.00"), "1 unité"),
        (euros("260.00"), "21 pers. − 1 gratuité"),
        (euros("588.00"), "22 pers. − 1 gratuité"),
        (euros("180.00"), "1 unité"),
    ]


def test_a_bad_line_is_reported_and_nothing_is_priced():
    lines = worked_example_lines()
    lines[1]["unit_cost"] = "treize"
    result = evaluate(worked_example_header(), lines)
    assert result.line_errors[1] == "Coût unitaire TTC : Nombre invalide (exemple : 12,50)."
    assert result.summary is None and result.grid == []
    assert result.line_results == [LineResult()] * 4


def test_a_line_for_nobody_is_reported():
    lines = worked_example_lines()
    lines[0].update(for_paying="", for_free="", for_staff="")
    result = evaluate(worked_example_header(), lines)
    assert result.line_errors[0] == "Payants : Cochez au moins un type de participants."


def test_a_client_free_rule_needs_both_numbers():
    result = evaluate(worked_example_header(client_free_per=""), worked_example_lines())
    assert result.header_errors == {"client_free_per": "Indiquez les deux nombres (ex. 1 pour 20)."}


def test_a_bad_grid_is_reported():
    result = evaluate(worked_example_header(grid="20, vingt"), worked_example_lines())
    assert result.header_errors == {
        "grid": "« vingt » : un nombre de payants entre 1 et 10 000 attendu."
    }


def test_a_costing_for_a_client_is_priced_like_any_other():
    with_client = evaluate(worked_example_header(client_id="7"), worked_example_lines())
    assert with_client.header_errors == {}
    assert with_client.summary.price_per_paying == euros("118.50")


# --- The catalogue --------------------------------------------------------------------------------


@dataclass
class Catalogue:
    visit: Product
    coach: Product
    escort: Product
    tasting: Product
    small_groups: Rate
    groups: Rate


@pytest.fixture
def admin(session: Session) -> Actor:
    reference_data()
    return make_actor(session)


@pytest.fixture
def catalogue(session: Session, admin: Actor) -> Catalogue:
    castle = make_supplier(session, "Château royal d'Amboise")
    coaches = make_supplier(session, "Autocars Touraine Évasion", supplier_type="transport")
    cellar = make_supplier(session, "Cave Monmousseau")
    visit = make_product(
        session,
        "Visite du château royal d'Amboise",
        supplier=castle,
        vat_rate_id=vat_rate_id(session, "20"),
        free_places=1,
        free_places_per=20,
    )
    small_groups = make_rate(session, visit, YEAR_START, YEAR_END, "15.50", max_group=19)
    groups = make_rate(session, visit, YEAR_START, YEAR_END, "13.00", min_group=20)
    coach = make_product(
        session,
        "Autocar grand tourisme (journée)",
        type_code="TRANSPORT",
        supplier=coaches,
        basis="unite",
        unit_capacity=53,
        vat_rate_id=vat_rate_id(session, "10"),
    )
    make_rate(session, coach, YEAR_START, YEAR_END, "950.00")
    escort = make_product(
        session,
        "Accompagnement par un animateur de l'agence",
        type_code="DIVERS",
        basis="groupe",
        vat_regime="normal",
        vat_rate_id=vat_rate_id(session, "20"),
    )
    make_rate(session, escort, YEAR_START, YEAR_END, "150.00", markup="20")
    tasting = make_product(
        session, "Dégustation de vins en cave", type_code="ACTIVITE", supplier=cellar
    )
    make_rate(session, tasting, YEAR_START, YEAR_END, "12.00", sale="16.00")
    return Catalogue(visit, coach, escort, tasting, small_groups, groups)


def header_for(**values) -> dict[str, str]:
    header = default_header()
    header.update(name="Sortie scolaire", service_date=FRIDAY, paying="15")
    header.update(values)
    return header


def from_product(product: Product, header: dict[str, str]) -> dict[str, str]:
    with session_scope() as s:
        return line_from_product(s, product.id or 0, header)


def refresh(header: dict[str, str], *lines: dict[str, str]) -> list[dict[str, str]]:
    with session_scope() as s:
        return refresh_catalogue_lines(s, header, list(lines))


def negotiate(session: Session, client_id: int, product: Product, price: str) -> None:
    session.add(
        NegotiatedPrice(client_id=client_id, product_id=product.id, unit_price=Decimal(price))
    )
    session.commit()


def discount(session: Session, client_id: int, percent: str, type_code: str | None = None):
    session.add(
        ClientDiscount(
            client_id=client_id,
            product_type_id=product_type_id(session, type_code) if type_code else None,
            percent=Decimal(percent),
        )
    )
    session.commit()


@pytest.fixture
def school(session: Session, catalogue: Catalogue) -> str:
    """A client with a negotiated price of 14 € for the castle visit."""
    client = make_client(session, "Collège Anatole-France")
    negotiate(session, client.id, catalogue.visit, "14.00")
    return str(client.id)


@pytest.fixture
def works_council(session: Session, catalogue: Catalogue) -> str:
    """A client with 10 % off visits and 5 % off everything."""
    client = make_client(session, "CSE Michelin")
    discount(session, client.id, "10", "VISITE")
    discount(session, client.id, "5")
    return str(client.id)


# --- A line from a product ------------------------------------------------------------------------


def test_a_line_from_a_product_takes_the_tariff_of_the_day_and_group_size(catalogue):
    line = from_product(catalogue.visit, header_for(paying="15"))
    assert line["label"] == "Visite du château royal d'Amboise"
    assert (line["unit_cost"], line["rate_id"]) == ("15,5", str(catalogue.small_groups.id))
    assert line["cost_from_rate"] == ON and line["flag"] == ""
    assert (line["unit_sale_price"], line["markup_percent"], line["discount_percent"]) == (
        "",
        "",
        "",
    )


def test_a_line_from_a_product_takes_its_basis_vat_and_supplier_terms(catalogue):
    line = from_product(catalogue.visit, header_for())
    assert (line["basis"], line["capacity"], line["vat_rate"], line["regime"]) == (
        "person",
        "",
        "20",
        "margin",
    )
    assert (line["supplier_free"], line["supplier_free_per"]) == ("1", "20")
    assert line["supplier"] == "Château royal d'Amboise"
    assert line["product_id"] == str(catalogue.visit.id)
    assert line["product_type_id"] == str(catalogue.visit.product_type_id)
    assert line["for_paying"] == line["for_free"] == ON and line["for_staff"] == ""


def test_a_product_sold_per_unit_makes_a_group_line_with_its_capacity(catalogue):
    line = from_product(catalogue.coach, header_for())
    assert (line["basis"], line["capacity"], line["vat_rate"], line["unit_cost"]) == (
        "group",
        "53",
        "10",
        "950",
    )


def test_an_agency_service_is_a_normal_vat_line_with_its_tariffs_markup(catalogue):
    line = from_product(catalogue.escort, header_for())
    assert (line["basis"], line["regime"], line["supplier"]) == ("group", "normal", "Agence")
    assert (line["unit_cost"], line["markup_percent"]) == ("150", "20")


def test_a_tariffs_sale_price_comes_with_the_line(catalogue):
    line = from_product(catalogue.tasting, header_for())
    assert (line["unit_cost"], line["unit_sale_price"]) == ("12", "16")


def test_a_product_without_a_tariff_for_the_date_is_flagged(catalogue):
    line = from_product(catalogue.visit, header_for(service_date="2027-06-04"))
    assert line["flag"] == "Aucun tarif valable le 04/06/2027 pour 15 payants."
    assert line["flag"] == no_rate_message(date(2027, 6, 4), 15)
    assert (line["rate_id"], line["unit_cost"]) == ("", "0")


def test_a_deleted_product_gives_no_line(session, catalogue):
    catalogue.visit.deleted_at = utcnow()
    session.add(catalogue.visit)
    session.commit()
    with pytest.raises(RecordNotFound):
        from_product(catalogue.visit, header_for())


def test_a_line_for_a_client_takes_his_negotiated_price_with_a_note(catalogue, school):
    line = from_product(catalogue.visit, header_for(client_id=school))
    assert (line["unit_sale_price"], line["price_from_client"]) == ("14", ON)
    assert line["price_note"] == f"Prix négocié client : {euros('14')}"
    assert line["unit_cost"] == "15,5"


def test_a_line_for_a_client_takes_his_discount_on_the_type(catalogue, works_council):
    line = from_product(catalogue.visit, header_for(client_id=works_council))
    assert (line["discount_percent"], line["price_from_client"]) == ("10", ON)
    assert line["price_note"] == "Remise client 10 % (visite)"
    assert line["unit_sale_price"] == ""


def test_a_line_for_a_client_takes_his_discount_on_everything_otherwise(catalogue, works_council):
    line = from_product(catalogue.coach, header_for(client_id=works_council))
    assert line["discount_percent"] == "5"
    assert line["price_note"] == "Remise client 5 % (toutes prestations)"


def test_a_negotiated_price_shows_on_the_priced_line(catalogue, school):
    header = header_for(client_id=school, paying="20", markup_percent="50")
    result = evaluate(header, [from_product(catalogue.visit, header)])
    assert result.header_errors == {} and result.line_errors == [""]
    assert result.line_results[0].sale == euros(str(20 * 14))


# --- Refreshing the catalogue lines ---------------------------------------------------------------


def test_a_group_crossing_a_tier_takes_the_next_tiers_cost(catalogue):
    line = from_product(catalogue.visit, header_for(paying="19"))
    (line,) = refresh(header_for(paying="20"), line)
    assert (line["unit_cost"], line["rate_id"]) == ("13", str(catalogue.groups.id))
    (line,) = refresh(header_for(paying="19"), line)
    assert (line["unit_cost"], line["rate_id"]) == ("15,5", str(catalogue.small_groups.id))


def test_a_cost_typed_by_hand_no_longer_follows_the_tariff(catalogue):
    line = edit_line(from_product(catalogue.visit, header_for(paying="15")), "unit_cost", "14,2")
    assert line["cost_from_rate"] == ""
    (line,) = refresh(header_for(paying="30"), line)
    assert line["unit_cost"] == "14,2"
    assert line["rate_id"] == str(catalogue.groups.id)


def test_a_date_without_a_tariff_flags_the_line_and_a_valid_date_clears_the_flag(catalogue):
    line = from_product(catalogue.visit, header_for())
    (line,) = refresh(header_for(service_date="2027-01-04"), line)
    assert line["flag"] == no_rate_message(date(2027, 1, 4), 15)
    (line,) = refresh(header_for(service_date="2026-12-31", paying="20"), line)
    assert line["flag"] == "" and line["rate_id"] == str(catalogue.groups.id)
    assert line["unit_cost"] == "13"


def test_a_flagged_line_keeps_the_figures_of_the_tariff_it_shows(catalogue):
    line = from_product(catalogue.tasting, header_for())
    (flagged,) = refresh(header_for(service_date="2027-01-04"), line)
    assert (flagged["unit_cost"], flagged["unit_sale_price"]) == ("12", "16")
    assert flagged["rate_id"] == line["rate_id"]


def test_a_client_chosen_while_the_line_is_flagged_applies_once_a_tariff_is_found(
    session, catalogue
):
    client = make_client(session, "Amicale des anciens")
    negotiate(session, client.id, catalogue.tasting, "15.00")
    line = from_product(catalogue.tasting, header_for())
    (line,) = refresh(header_for(service_date="2027-01-04"), line)
    (line,) = refresh(header_for(service_date="2027-01-04", client_id=str(client.id)), line)
    (line,) = refresh(header_for(client_id=str(client.id)), line)
    assert (line["unit_sale_price"], line["price_from_client"], line["flag"]) == ("15", ON, "")


def test_a_line_typed_freely_is_left_alone(catalogue):
    free = typed_line("Pourboires", "group", "50")
    (line,) = refresh(header_for(client_id=""), free)
    assert line == {**free, "flag": ""}


def test_choosing_a_client_applies_his_negotiated_price(catalogue, school):
    line = from_product(catalogue.visit, header_for())
    (line,) = refresh(header_for(client_id=school), line)
    assert (line["unit_sale_price"], line["price_from_client"]) == ("14", ON)
    assert line["price_note"].startswith("Prix négocié client")


def test_changing_the_client_replaces_his_preference_by_the_new_ones(
    catalogue, school, works_council
):
    line = from_product(catalogue.visit, header_for(client_id=school))
    (line,) = refresh(header_for(client_id=works_council), line)
    assert (line["unit_sale_price"], line["discount_percent"]) == ("", "10")
    assert line["price_note"] == "Remise client 10 % (visite)"
    (line,) = refresh(header_for(client_id=school), line)
    assert (line["unit_sale_price"], line["discount_percent"]) == ("14", "")


def test_removing_the_client_removes_his_preference(catalogue, school, works_council):
    for client in (school, works_council):
        line = from_product(catalogue.visit, header_for(client_id=client))
        (line,) = refresh(header_for(client_id=""), line)
        assert (line["unit_sale_price"], line["discount_percent"]) == ("", "")
        assert (line["price_from_client"], line["price_note"]) == ("", "")


def test_removing_the_client_gives_back_the_tariffs_sale_price(session, catalogue):
    client = make_client(session, "Amicale des anciens")
    negotiate(session, client.id, catalogue.tasting, "15.00")
    line = from_product(catalogue.tasting, header_for(client_id=str(client.id)))
    assert line["unit_sale_price"] == "15"
    (line,) = refresh(header_for(client_id=""), line)
    assert (line["unit_sale_price"], line["price_note"]) == ("16", "")


def test_a_discount_after_a_negotiated_price_keeps_the_tariffs_markup(session, catalogue):
    """The negotiated price replaced the markup of the tariff; a discount applies on top of it."""
    negotiated = make_client(session, "Mairie de Tours")
    negotiate(session, negotiated.id, catalogue.escort, "200.00")
    discounted = make_client(session, "Office de tourisme")
    discount(session, discounted.id, "5")
    line = from_product(catalogue.escort, header_for(client_id=str(negotiated.id)))
    assert (line["unit_sale_price"], line["markup_percent"]) == ("200", "")
    (line,) = refresh(header_for(client_id=str(discounted.id)), line)
    assert (line["unit_sale_price"], line["markup_percent"], line["discount_percent"]) == (
        "",
        "20",
        "5",
    )


def test_a_sale_price_typed_by_hand_is_kept_when_the_client_changes(catalogue, school):
    line = edit_line(from_product(catalogue.visit, header_for()), "unit_sale_price", "18")
    (line,) = refresh(header_for(client_id=school), line)
    assert (line["unit_sale_price"], line["price_from_client"], line["price_note"]) == (
        "18",
        "",
        "",
    )


def test_a_sale_price_typed_by_hand_replaces_the_clients_and_stays(catalogue, school):
    line = from_product(catalogue.visit, header_for(client_id=school))
    line = edit_line(line, "unit_sale_price", "17")
    assert (line["price_from_client"], line["price_note"]) == ("", "")
    (line,) = refresh(header_for(client_id=school, paying="25"), line)
    assert (line["unit_sale_price"], line["price_from_client"]) == ("17", "")
    assert line["unit_cost"] == "13"


def test_a_sale_price_typed_by_hand_is_kept_when_the_group_size_changes(catalogue):
    line = edit_line(from_product(catalogue.tasting, header_for()), "unit_sale_price", "18")
    (line,) = refresh(header_for(paying="30"), line)
    assert line["unit_sale_price"] == "18"


def test_a_markup_typed_by_hand_is_kept_when_the_group_size_changes(catalogue):
    line = edit_line(from_product(catalogue.escort, header_for()), "markup_percent", "35")
    (line,) = refresh(header_for(paying="30"), line)
    assert line["markup_percent"] == "35"


def test_a_discount_typed_by_hand_is_kept_when_the_client_changes(catalogue, school):
    line = edit_line(from_product(catalogue.visit, header_for()), "discount_percent", "3")
    (line,) = refresh(header_for(client_id=school), line)
    assert (line["discount_percent"], line["unit_sale_price"], line["price_note"]) == ("3", "", "")


def test_editing_a_field_the_line_does_not_have_changes_nothing(catalogue):
    line = from_product(catalogue.visit, header_for())
    assert edit_line(line, "product_id", "999") is line


# --- Searching the catalogue ----------------------------------------------------------------------


def test_products_are_searched_by_name(catalogue):
    with session_scope() as s:
        found = search_products(s, "amboise")
    assert [(row.name, row.supplier, row.basis) for row in found] == [
        ("Visite du château royal d'Amboise", "Château royal d'Amboise", "Par personne")
    ]


def test_products_are_searched_by_type_and_supplier(session, catalogue):
    with session_scope() as s:
        by_type = search_products(s, "", product_type=str(product_type_id(s, "TRANSPORT")))
        by_supplier = search_products(s, "", supplier=str(catalogue.tasting.supplier_id))
        agency = search_products(s, "animateur")
    assert [row.name for row in by_type] == ["Autocar grand tourisme (journée)"]
    assert [row.name for row in by_supplier] == ["Dégustation de vins en cave"]
    assert [(row.supplier, row.product_type) for row in agency] == [("Agence", "Divers")]


def test_inactive_and_deleted_products_are_not_offered(session, catalogue):
    catalogue.coach.active = False
    catalogue.tasting.deleted_at = utcnow()
    session.add(catalogue.coach)
    session.add(catalogue.tasting)
    session.commit()
    with session_scope() as s:
        names = [row.name for row in search_products(s, "")]
    assert names == [
        "Accompagnement par un animateur de l'agence",
        "Visite du château royal d'Amboise",
    ]


# --- Saving and reading back ----------------------------------------------------------------------


def save(
    actor: Actor,
    header: dict[str, str],
    lines: list[dict[str, str]],
    costing_id: int | None = None,
) -> Costing:
    with session_scope() as s:
        return save_costing(s, actor, costing_id, header, lines)


def refused(actor: Actor, header, lines, costing_id: int | None = None) -> dict[str, str]:
    with pytest.raises(FormErrors) as failure:
        save(actor, header, lines, costing_id)
    return failure.value.errors


def values_of(actor: Actor, costing_id: int):
    with session_scope() as s:
        return costing_values(s, actor, costing_id)


def count(model, *conditions) -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(model).where(*conditions)).one()


def stored_lines(costing_id: int) -> list[CostingLine]:
    with session_scope() as s:
        return list(
            s.exec(
                select(CostingLine)
                .where(CostingLine.costing_id == costing_id)
                .order_by(CostingLine.position)
            )
        )


def catalogue_costing(catalogue: Catalogue, **header_values) -> tuple[dict, list[dict]]:
    header = header_for(**header_values)
    lines = [from_product(product, header) for product in (catalogue.coach, catalogue.visit)]
    lines[0]["for_staff"] = ON
    lines.append(typed_line("Pourboires", "group", "40"))
    return header, lines


def test_a_costing_is_saved_with_its_lines_in_order(admin, catalogue):
    header, lines = catalogue_costing(catalogue, markup_percent="15", notes="Bus à 8 h")
    costing = save(admin, header, lines)
    assert (costing.name, costing.service_date, costing.paying) == (
        "Sortie scolaire",
        date(2026, 6, 5),
        15,
    )
    assert costing.created_by_id == admin.user_id and not costing.is_template
    saved = stored_lines(costing.id)
    assert [(line.position, line.label) for line in saved] == [
        (1, "Autocar grand tourisme (journée)"),
        (2, "Visite du château royal d'Amboise"),
        (3, "Pourboires"),
    ]
    coach, visit, tips = saved
    assert (coach.product_id, coach.basis, coach.capacity, coach.for_staff) == (
        catalogue.coach.id,
        "group",
        53,
        True,
    )
    assert (visit.rate_id, visit.unit_cost, visit.cost_from_rate) == (
        catalogue.small_groups.id,
        Decimal("15.5"),
        True,
    )
    assert (visit.supplier_free, visit.supplier_free_per, visit.supplier_id) == (
        1,
        20,
        catalogue.visit.supplier_id,
    )
    assert (tips.product_id, tips.rate_id, tips.cost_from_rate) == (None, None, False)


def test_a_saved_costing_reads_back_as_it_was_typed(admin, catalogue, school):
    header, lines = catalogue_costing(
        catalogue, client_id=school, markup_percent="12,5", fee_per_person="2", rounding="0.10"
    )
    costing = save(admin, header, lines)
    back_header, back_lines = values_of(admin, costing.id)
    for name in ("name", "client_id", "service_date", "paying", "markup_percent", "rounding"):
        assert back_header[name] == header[name], name
    assert back_header["fee_per_person"] == "2"
    assert back_header["grid"] == "20, 25, 30, 35, 40, 45, 50"
    assert back_header["client_free"] == back_header["client_free_per"] == ""
    for typed, read in zip(lines, back_lines, strict=True):
        for name in (
            "label",
            "basis",
            "unit_cost",
            "vat_rate",
            "regime",
            "for_paying",
            "for_free",
            "for_staff",
            "unit_sale_price",
            "markup_percent",
            "discount_percent",
            "product_id",
            "rate_id",
            "supplier",
            "cost_from_rate",
            "price_from_client",
            "price_note",
        ):
            assert read[name] == typed[name], (typed["label"], name)
        assert read["flag"] == ""
    assert back_lines[1]["price_note"] == f"Prix négocié client : {euros('14')}"
    assert evaluate(back_header, back_lines).summary == evaluate(header, lines).summary


def test_the_worked_example_saved_and_read_back_gives_the_same_price(admin):
    costing = save(admin, worked_example_header(), worked_example_lines())
    header, lines = values_of(admin, costing.id)
    assert header["client_free"] == "1" and header["client_free_per"] == "20"
    assert evaluate(header, lines).summary.price_per_paying == euros("118.50")


def test_a_saved_line_without_a_tariff_for_the_date_is_flagged_when_read(session, admin, catalogue):
    header, lines = catalogue_costing(catalogue)
    costing = save(admin, header, lines)
    rate = session.get(Rate, catalogue.small_groups.id)
    rate.valid_to = date(2026, 5, 31)
    session.add(rate)
    session.commit()
    _, back = values_of(admin, costing.id)
    assert [line["flag"] for line in back] == ["", no_rate_message(date(2026, 6, 5), 15), ""]
    assert back[1]["unit_cost"] == "15,5"


def test_a_costing_without_a_date_reads_back_without_flags(admin, catalogue):
    header, lines = catalogue_costing(catalogue)
    costing = save(admin, {**header, "service_date": ""}, lines)
    _, back = values_of(admin, costing.id)
    assert [line["flag"] for line in back] == ["", "", ""]


def test_saving_again_replaces_the_lines(admin, catalogue):
    header, lines = catalogue_costing(catalogue)
    costing = save(admin, header, lines)
    again = save(admin, {**header, "paying": "25"}, lines[1:], costing.id)
    assert again.id == costing.id
    assert [line.label for line in stored_lines(costing.id)] == [
        "Visite du château royal d'Amboise",
        "Pourboires",
    ]
    assert count(Costing) == 1 and count(CostingLine) == 2


def test_creating_and_changing_a_costing_is_audited(admin, catalogue):
    header, lines = catalogue_costing(catalogue)
    costing = save(admin, header, lines)
    save(admin, header, lines[:2], costing.id)
    with session_scope() as s:
        entries = list(
            s.exec(
                select(AuditEntry)
                .where(AuditEntry.entity_type == "cotation")
                .order_by(AuditEntry.id)
            )
        )
    assert [(entry.action, entry.entity_id, entry.entity_label) for entry in entries] == [
        ("creation", str(costing.id), "Sortie scolaire"),
        ("modification", str(costing.id), "Sortie scolaire"),
    ]
    assert "lignes" in entries[1].changes


def test_one_bad_line_writes_nothing(admin, catalogue):
    header, lines = catalogue_costing(catalogue)
    lines[1]["quantity"] = "0"
    errors = refused(admin, header, lines)
    assert errors == {"lines": "Ligne 2 : Quantité : La valeur doit être au moins 0,01."}
    assert count(Costing) == count(CostingLine) == count(AuditEntry) == 0


def test_one_bad_line_leaves_a_saved_costing_as_it_was(admin, catalogue):
    header, lines = catalogue_costing(catalogue)
    costing = save(admin, header, lines)
    bad = [*lines[:1], {**lines[2], "unit_cost": "beaucoup"}]
    errors = refused(admin, {**header, "name": "Renommée"}, bad, costing.id)
    assert errors["lines"].startswith("Ligne 2 : Coût unitaire TTC")
    with session_scope() as s:
        assert s.get(Costing, costing.id).name == "Sortie scolaire"
    assert len(stored_lines(costing.id)) == 3


def test_header_errors_are_reported_by_field(admin, catalogue):
    header, lines = catalogue_costing(catalogue)
    errors = refused(admin, {**header, "name": "", "paying": "0"}, lines)
    assert errors == {"name": REQUIRED, "paying": "La valeur doit être au moins 1."}
    assert count(Costing) == 0


def test_an_unknown_client_is_refused(admin, catalogue):
    header, lines = catalogue_costing(catalogue)
    assert refused(admin, {**header, "client_id": "999999"}, lines) == {
        "client_id": "Client introuvable."
    }


# --- Rights and the own-clients scope -------------------------------------------------------------


def catalogue_rights(*actions: Action) -> set[Right]:
    return {Right(Module.CATALOGUE, action) for action in actions}


def test_a_profile_without_the_catalogue_create_right_cannot_save_a_costing(session, catalogue):
    reader = make_actor(session, catalogue_rights(Action.SEE))
    header, lines = catalogue_costing(catalogue)
    with pytest.raises(AccessDenied):
        save(reader, header, lines)
    assert count(Costing) == 0


def test_changing_a_costing_needs_the_catalogue_edit_right(session, admin, catalogue):
    header, lines = catalogue_costing(catalogue)
    costing = save(admin, header, lines)
    creator = make_actor(session, catalogue_rights(Action.SEE, Action.CREATE))
    with pytest.raises(AccessDenied):
        save(creator, header, lines[:1], costing.id)
    assert len(stored_lines(costing.id)) == 3


def test_reading_a_costing_needs_the_catalogue_see_right(session, admin, catalogue):
    header, lines = catalogue_costing(catalogue)
    costing = save(admin, header, lines)
    outsider = make_actor(session, {Right(Module.THIRD_PARTIES, Action.SEE)})
    with pytest.raises(AccessDenied):
        values_of(outsider, costing.id)


@dataclass
class Reps:
    paul: Actor
    mine: int
    others: int
    no_client: int


@pytest.fixture
def reps(session: Session, admin: Actor, catalogue: Catalogue) -> Reps:
    """Paul, limited to his clients; a costing for his client, one for Lise's, one for nobody."""
    paul = make_actor(session, own_clients_only=True)
    lise = make_actor(session)
    his = make_client(session, "Client de Paul", sales_rep_id=paul.user_id)
    hers = make_client(session, "Client de Lise", sales_rep_id=lise.user_id)
    header, lines = catalogue_costing(catalogue)
    mine = save(admin, {**header, "name": "Pour Paul", "client_id": str(his.id)}, lines)
    others = save(admin, {**header, "name": "Pour Lise", "client_id": str(hers.id)}, lines)
    no_client = save(admin, {**header, "name": "Sans client"}, lines)
    return Reps(paul, mine.id, others.id, no_client.id)


def test_a_rep_limited_to_his_clients_cannot_see_the_costing_of_another_reps_client(reps):
    with pytest.raises(RecordNotFound):
        values_of(reps.paul, reps.others)
    with session_scope() as s, pytest.raises(RecordNotFound):
        get_costing(s, reps.paul, reps.others)
    assert values_of(reps.paul, reps.mine)[0]["name"] == "Pour Paul"
    assert values_of(reps.paul, reps.no_client)[0]["name"] == "Sans client"


def test_a_rep_limited_to_his_clients_cannot_save_the_costing_of_another_reps_client(reps):
    header, lines = values_of(reps.paul, reps.mine)
    with pytest.raises(RecordNotFound):
        save(reps.paul, {**header, "name": "Volée"}, lines, reps.others)
    with session_scope() as s:
        assert s.get(Costing, reps.others).name == "Pour Lise"


def test_a_rep_limited_to_his_clients_cannot_quote_for_another_reps_client(session, reps):
    header, lines = values_of(reps.paul, reps.mine)
    hers = session.get(Costing, reps.others).client_id
    errors = refused(reps.paul, {**header, "client_id": str(hers)}, lines)
    assert errors == {"client_id": "Client introuvable."}
    errors = refused(reps.paul, {**header, "client_id": str(hers)}, lines, reps.mine)
    assert errors == {"client_id": "Client introuvable."}


def test_the_costings_list_hides_the_costings_of_another_reps_clients(reps, admin):
    with session_scope() as s:
        paul_sees = fetch_page(s, COSTINGS_LIST, ListQuery(sort="name"), reps.paul)
        admin_sees = fetch_page(s, COSTINGS_LIST, ListQuery(sort="name"), admin)
    assert [row["name"] for row in paul_sees.rows] == ["Pour Paul", "Sans client"]
    assert paul_sees.total == 2
    assert [row["name"] for row in admin_sees.rows] == ["Pour Lise", "Pour Paul", "Sans client"]


def test_a_rep_limited_to_his_clients_is_offered_his_clients_only(reps):
    with session_scope() as s:
        assert [name for _, name in client_choices(s, reps.paul)] == ["Client de Paul"]


def test_the_costings_list_leaves_out_the_catalogue_dossiers_costings(session, admin):
    session.add(Costing(name="Modèle", is_template=True))
    session.add(Costing(name="Rapide"))
    session.commit()
    with session_scope() as s:
        page = fetch_page(s, COSTINGS_LIST, ListQuery(), admin)
    assert [row["name"] for row in page.rows] == ["Rapide"]
