"""Costing (cotation): the specification's worked example, then each rule on its own."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal as D

import pytest

from agence.services.catalogue.pricing import (
    Basis,
    Consumer,
    Costing,
    FreeRule,
    Group,
    Line,
    PricingError,
    Regime,
    group_for,
    price,
    price_grid,
    price_jumps,
    round_up,
)
from agence.services.catalogue.vat import MARGIN_SCHEME_RATE, cents, margin_vat, vat_included

EVERYONE = frozenset(Consumer)
PAYING_AND_FREE = frozenset({Consumer.PAYING, Consumer.FREE})


def worked_example() -> Costing:
    """Day trip of the specification: 1 client free per 20, markup 18 %, 30 € per group, 0.50."""
    return Costing(
        lines=(
            Line("Autocar", D("950.00"), Basis.GROUP, applies_to=EVERYONE),
            Line(
                "Entrée château",
                D("13.00"),
                Basis.PERSON,
                applies_to=PAYING_AND_FREE,
                supplier_free_rule=FreeRule(1, 20),
            ),
            Line(
                "Déjeuner",
                D("28.00"),
                Basis.PERSON,
                applies_to=EVERYONE,
                supplier_free_rule=FreeRule(1, 20),
            ),
            Line(
                "Guide conférencier",
                D("180.00"),
                Basis.GROUP,
                applies_to=PAYING_AND_FREE,
                capacity=30,
            ),
        ),
        markup_percent=D(18),
        fee_per_group=D(30),
        rounding=D("0.50"),
        client_free_rule=FreeRule(1, 20),
    )


def one_line(line: Line, **settings) -> Costing:
    return Costing(lines=(line,), **settings)


# --- The worked example --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paying", "free", "staff", "total_cost", "per_paying", "total_sale", "margin", "vat"),
    [
        (20, 1, 1, "1978.00", "118.50", "2370.00", "392.00", "65.33"),
        (30, 1, 1, "2568.00", "102.50", "3075.00", "507.00", "84.50"),
        (40, 2, 1, "2978.00", "89.00", "3560.00", "582.00", "97.00"),
    ],
)
def test_worked_example_reproduces_every_column_of_the_specification(
    paying, free, staff, total_cost, per_paying, total_sale, margin, vat
):
    (priced,) = price_grid(worked_example(), [paying], staff=1)

    assert (priced.group.paying, priced.group.free, priced.group.staff) == (paying, free, staff)
    assert priced.total_cost == D(total_cost)
    assert priced.price_per_paying == D(per_paying)
    assert priced.total_sale == D(total_sale)
    assert priced.margin == D(margin)
    assert priced.margin_vat == D(vat)
    assert priced.normal_vat == {}
    assert priced.total_vat == D(vat)


def test_worked_example_lines_at_40_paying():
    priced = price(worked_example(), Group(paying=40, free=2, staff=1))

    coach, entry, lunch, guide = priced.lines
    assert (coach.consumers, coach.units, coach.cost) == (43, 1, D("950.00"))
    assert (entry.consumers, entry.supplier_free, entry.units, entry.cost) == (42, 2, 40, D(520))
    assert (lunch.consumers, lunch.supplier_free, lunch.units, lunch.cost) == (43, 2, 41, D(1148))
    assert (guide.consumers, guide.units, guide.cost) == (42, 2, D(360))
    assert sum(line.sale for line in priced.lines) == D("3514.04")
    assert priced.raw_price == D("88.601")
    assert priced.price_per_paying == D("89.00")
    assert priced.margin_rate == D(582) / D(3560)
    assert all(line.markup_percent == D(18) for line in priced.lines)


def test_worked_example_needs_a_second_guide_from_30_paying():
    assert price_jumps(price_grid(worked_example(), [20, 30, 40], staff=1)) == {30}


# --- Supplier free places ------------------------------------------------------------------


@pytest.mark.parametrize(("consumers", "supplier_free"), [(20, 0), (21, 1), (41, 1), (42, 2)])
def test_supplier_free_place_one_per_20_counts_the_whole_group_free_places_included(
    consumers, supplier_free
):
    line = Line("Entrée", D("13.00"), supplier_free_rule=FreeRule(1, 20))

    (priced,) = price(one_line(line), Group(paying=consumers)).lines

    assert priced.supplier_free == supplier_free
    assert priced.units == consumers - supplier_free
    assert priced.cost == (consumers - supplier_free) * D("13.00")


def test_supplier_rule_of_several_free_places_grants_them_by_blocks_of_n_plus_k():
    line = Line("Hôtel", D(50), supplier_free_rule=FreeRule(2, 10))

    assert price(one_line(line), Group(paying=23)).lines[0].supplier_free == 2
    assert price(one_line(line), Group(paying=24)).lines[0].supplier_free == 4


def test_supplier_free_places_are_counted_on_the_line_consumers_only():
    line = Line("Déjeuner", D(28), applies_to=EVERYONE, supplier_free_rule=FreeRule(1, 20))
    paying_only = Line(
        "Entrée", D(13), applies_to={Consumer.PAYING}, supplier_free_rule=FreeRule(1, 20)
    )
    group = Group(paying=20, free=0, staff=1)

    assert price(one_line(line), group).lines[0].supplier_free == 1
    assert price(one_line(paying_only), group).lines[0].supplier_free == 0


def test_person_line_cost_multiplies_consumers_by_quantity_and_unit_cost():
    line = Line("Nuit d'hôtel", D("45.50"), quantity=D(3))

    assert price(one_line(line), Group(paying=10, free=2)).total_cost == 12 * 3 * D("45.50")


def test_staff_consume_only_the_lines_that_name_them():
    entry = Line("Entrée", D(10))
    lunch = Line("Déjeuner", D(20), applies_to=EVERYONE)

    priced = price(Costing(lines=(entry, lunch)), Group(paying=10, free=1, staff=2))

    assert [line.consumers for line in priced.lines] == [11, 13]


# --- Group lines and capacity --------------------------------------------------------------


@pytest.mark.parametrize(("consumers", "units"), [(30, 1), (31, 2), (60, 2), (61, 3)])
def test_group_line_with_capacity_takes_one_unit_per_capacity_consumers(consumers, units):
    guide = Line("Guide", D(180), Basis.GROUP, capacity=30)

    (priced,) = price(one_line(guide), Group(paying=consumers)).lines

    assert priced.units == units
    assert priced.cost == units * D(180)


def test_group_line_without_capacity_is_one_unit_whatever_the_size():
    coach = Line("Autocar", D(950), Basis.GROUP, quantity=D(2))

    for paying in (1, 45, 200):
        (priced,) = price(one_line(coach), Group(paying=paying)).lines
        assert (priced.units, priced.cost) == (1, D(1900))


def test_group_line_with_capacity_and_nobody_consuming_it_costs_nothing():
    escort_room = Line(
        "Chambre chauffeur", D(80), Basis.GROUP, applies_to={Consumer.STAFF}, capacity=2
    )

    (priced,) = price(one_line(escort_room), Group(paying=30, staff=0)).lines

    assert (priced.consumers, priced.units, priced.cost) == (0, 0, D(0))


# --- Client free places --------------------------------------------------------------------


@pytest.mark.parametrize(("paying", "free"), [(19, 0), (20, 1), (39, 1), (40, 2), (41, 2)])
def test_client_rule_one_free_per_20_paying_gives_floor_of_paying_over_20(paying, free):
    costing = Costing(lines=(), client_free_rule=FreeRule(1, 20))

    assert group_for(costing, paying, free=7, staff=1) == Group(paying, free, 1)


def test_without_client_rule_the_free_places_given_are_kept():
    assert group_for(Costing(lines=()), 25, free=3, staff=2) == Group(25, 3, 2)


def test_client_free_places_consume_but_only_paying_people_pay():
    line = Line("Entrée", D(10))

    priced = price(one_line(line), Group(paying=10, free=2))

    assert priced.total_cost == D(120)
    assert priced.price_per_paying == D(12)


def test_price_grid_prices_each_size_in_the_order_given():
    grid = price_grid(worked_example(), [40, 20], staff=1)

    assert [p.group for p in grid] == [Group(40, 2, 1), Group(20, 1, 1)]


# --- Markup, fees, rounding ----------------------------------------------------------------


def test_global_markup_applies_to_lines_without_their_own():
    priced = price(one_line(Line("Entrée", D(100)), markup_percent=D(18)), Group(paying=1))

    assert priced.lines[0].sale == D(118)
    assert priced.lines[0].markup_percent == D(18)


def test_line_markup_overrides_the_global_markup_even_when_zero():
    lines = (Line("Musée", D(100), markup_percent=D(25)), Line("Taxe", D(100), markup_percent=D(0)))

    priced = price(Costing(lines=lines, markup_percent=D(18)), Group(paying=1))

    assert [line.sale for line in priced.lines] == [D(125), D(100)]
    assert [line.markup_percent for line in priced.lines] == [D(25), D(0)]


def test_fee_per_group_is_shared_by_the_paying_people():
    priced = price(one_line(Line("Entrée", D(10)), fee_per_group=D(30)), Group(paying=10, free=5))

    assert priced.raw_price == D(18)


def test_fee_per_person_is_added_to_the_price_of_each_paying_person():
    costing = one_line(Line("Entrée", D(10)), fee_per_group=D(30), fee_per_person=D("2.50"))

    assert price(costing, Group(paying=10)).raw_price == D("15.50")


@pytest.mark.parametrize(
    ("step", "expected"),
    [("0.01", "88.61"), ("0.10", "88.70"), ("0.50", "89.00"), ("1.00", "89.00")],
)
def test_price_per_paying_is_rounded_up_to_the_step(step, expected):
    costing = worked_example()
    costing = Costing(
        lines=costing.lines,
        markup_percent=D(18),
        fee_per_group=D(30),
        rounding=D(step),
        client_free_rule=costing.client_free_rule,
    )

    priced = price(costing, Group(40, 2, 1))

    assert priced.raw_price == D("88.601")
    assert priced.price_per_paying == D(expected)
    assert priced.total_sale == D(expected) * 40


@pytest.mark.parametrize("step", ["0.10", "0.50", "1.00"])
def test_price_already_on_the_step_stays_as_it_is(step):
    costing = one_line(Line("Entrée", D(100)), rounding=D(step))

    assert price(costing, Group(paying=7)).price_per_paying == D(100)


def test_round_up_goes_up_to_the_next_multiple_only():
    assert round_up(D("10.01"), D("0.50")) == D("10.50")
    assert round_up(D("10.50"), D("0.50")) == D("10.50")
    assert round_up(D(100) / 3, D("0.01")) == D("33.34")


def test_margin_rate_keeps_full_precision_and_is_none_when_nothing_is_sold():
    priced = price(worked_example(), Group(20, 1, 1))
    free_of_charge = price(one_line(Line("Offert", D(0))), Group(paying=10))

    assert priced.margin_rate == D(392) / D(2370)
    assert free_of_charge.total_sale == 0
    assert free_of_charge.margin_rate is None


# --- VAT -----------------------------------------------------------------------------------


def test_vat_helpers_round_half_up_to_the_cent():
    assert cents(D("2.675")) == D("2.68")
    assert cents(D("0.005")) == D("0.01")
    assert vat_included(D(120), D(20)) == D(20)
    assert vat_included(D("105.50"), D("5.5")) == D("5.50")
    assert margin_vat(D(392)) == D("65.33")
    assert D(20) == MARGIN_SCHEME_RATE


def test_margin_vat_is_zero_when_margin_negative():
    assert margin_vat(D("-150")) == D("0.00")

    costing = one_line(Line("Hôtel", D(100)), markup_percent=D(-20))
    priced = price(costing, Group(paying=10))

    assert priced.margin == D(-200)
    assert priced.margin_scheme_margin == D(-200)
    assert priced.margin_vat == 0
    assert priced.total_vat == 0


def test_normal_lines_carry_vat_at_their_rate_and_the_rest_is_margin_scheme():
    costing = Costing(
        lines=(
            Line("Hôtel", D(50)),
            Line("Transfert agence", D(110), Basis.GROUP, vat_rate=D(10), regime=Regime.NORMAL),
            Line("Accompagnement agence", D(120), Basis.GROUP, regime=Regime.NORMAL),
        ),
        markup_percent=D(10),
    )

    priced = price(costing, Group(paying=10))

    assert priced.total_sale == D(803)
    assert priced.normal_vat == {D(10): D("11.00"), D(20): D("22.00")}
    assert priced.margin_scheme_margin == D(803) - D(121) - D(132) - D(500)
    assert priced.margin_vat == D("8.33")
    assert priced.total_vat == D("41.33")


def test_rounding_surplus_of_the_price_falls_in_the_margin_scheme():
    costing = Costing(
        lines=(
            Line("Hôtel", D(50)),
            Line("Transfert agence", D(110), Basis.GROUP, vat_rate=D(10), regime=Regime.NORMAL),
        ),
        markup_percent=D(10),
        rounding=D(1),
    )

    priced = price(costing, Group(paying=10))

    assert priced.price_per_paying == D(68)
    assert priced.normal_vat == {D(10): D("11.00")}
    assert priced.margin_scheme_margin == D(680) - D(121) - D(500)


def test_normal_vat_is_computed_per_rate_on_the_sum_of_its_lines():
    lines = tuple(
        Line(f"Frais {n}", D("0.10"), Basis.GROUP, regime=Regime.NORMAL) for n in range(3)
    )

    priced = price(Costing(lines=lines), Group(paying=1))

    assert priced.normal_vat == {D(20): D("0.05")}


def test_normal_line_cost_does_not_reduce_the_margin_scheme_margin():
    costing = Costing(
        lines=(Line("Conférence agence", D(100), Basis.GROUP, regime=Regime.NORMAL),),
        fee_per_group=D(60),
    )

    priced = price(costing, Group(paying=1))

    assert priced.margin_scheme_margin == D(60)
    assert priced.margin_vat == D("10.00")
    assert priced.normal_vat == {D(20): D("16.67")}


# --- Extensions: fixed sale price, client discount -----------------------------------------


def test_unit_sale_price_bills_every_consumer_while_supplier_free_places_lower_the_cost():
    line = Line(
        "Entrée négociée",
        D(13),
        supplier_free_rule=FreeRule(1, 20),
        markup_percent=D(50),
        unit_sale_price=D(15),
        note="Prix négocié client",
    )

    (priced,) = price(one_line(line, markup_percent=D(18)), Group(paying=21)).lines

    assert (priced.cost, priced.sale) == (D(260), D(315))
    assert priced.markup_percent is None
    assert priced.note == "Prix négocié client"


def test_unit_sale_price_on_a_group_line_bills_its_units():
    guide = Line("Guide", D(180), Basis.GROUP, quantity=D(2), capacity=30, unit_sale_price=D(200))

    (priced,) = price(one_line(guide), Group(paying=31)).lines

    assert (priced.units, priced.cost, priced.sale) == (2, D(720), D(800))


def test_discount_applies_to_the_line_sale_after_markup():
    line = Line("Hôtel", D(100), discount_percent=D(10))

    (priced,) = price(one_line(line, markup_percent=D(20)), Group(paying=1)).lines

    assert priced.sale == D(108)


def test_discount_applies_to_a_fixed_sale_price_too():
    line = Line("Hôtel", D(80), unit_sale_price=D(100), discount_percent=D("12.5"))

    assert price(one_line(line), Group(paying=2)).lines[0].sale == D(175)


# --- Validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Group(paying=0), "Le nombre de payants doit être au moins 1."),
        (lambda: Group(paying=10, free=-1), "Le nombre de gratuits ne peut pas être négatif."),
        (lambda: Group(paying=10, staff=-1), "personnel (chauffeur, accompagnateur)"),
        (lambda: Group(paying=D(10)), "Le nombre de payants doit être un nombre entier."),
        (lambda: Line("Hôtel", D(-1)), "Ligne « Hôtel » : le coût unitaire ne peut pas"),
        (lambda: Line("Hôtel", D(1), quantity=D(-2)), "la quantité ne peut pas être négative"),
        (lambda: Line("Hôtel", 1.5), "Ligne « Hôtel », coût unitaire : valeur décimale"),
        (lambda: Line("Hôtel", D(1), vat_rate=D(120)), "taux de TVA doit être compris"),
        (lambda: Line("Guide", D(1), Basis.GROUP, capacity=0), "capacité doit être d'au moins 1"),
        (lambda: Line("Guide", D(1), capacity=30), "capacité ne s'applique qu'à une prestation"),
        (lambda: Line("Hôtel", D(1), applies_to=frozenset()), "indiquez qui consomme"),
        (lambda: Line("Hôtel", D(1), applies_to={"pilot"}), "consommateurs inconnus"),
        (
            lambda: Line("Car", D(1), Basis.GROUP, supplier_free_rule=FreeRule(1, 20)),
            "par personne",
        ),
        (lambda: Line("Hôtel", D(1), markup_percent=D(-101)), "inférieure à -100 %"),
        (lambda: Line("Hôtel", D(1), unit_sale_price=D(-1)), "prix de vente unitaire"),
        (lambda: Line("Hôtel", D(1), discount_percent=D(101)), "la remise doit être comprise"),
        (lambda: Line("Hôtel", D(1), basis="day"), "base « day » inconnue"),
        (lambda: FreeRule(0, 20), "au moins 1 gratuité"),
        (lambda: FreeRule(1, 0), "au moins 1 payant"),
        (lambda: Costing(lines=(), rounding=D(0)), "Le pas d'arrondi doit être positif"),
        (lambda: Costing(lines=(), rounding=D("-0.5")), "Le pas d'arrondi doit être positif"),
        (lambda: Costing(lines=(), fee_per_group=D(-1)), "frais de dossier par groupe"),
        (lambda: Costing(lines=(), fee_per_person=D(-1)), "frais de dossier par personne"),
        (lambda: Costing(lines=(), markup_percent=D(-150)), "inférieure à -100 %"),
        (lambda: Costing(lines=(), markup_percent=None), "Majoration : valeur obligatoire."),
        (lambda: Line("Hôtel", None), "Ligne « Hôtel », coût unitaire : valeur obligatoire."),
        (lambda: group_for(Costing(lines=()), 0), "Le nombre de payants doit être au moins 1."),
    ],
)
def test_invalid_costings_are_refused_with_a_french_message(build, message):
    with pytest.raises(PricingError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build()


def test_pricing_error_is_a_value_error():
    assert issubclass(PricingError, ValueError)


def test_codes_and_strings_are_turned_into_enums_and_decimals():
    line = Line("Guide", "180.00", "group", quantity=2, regime="normal", applies_to=["paying"])

    assert (line.basis, line.regime, line.applies_to) == (
        Basis.GROUP,
        Regime.NORMAL,
        frozenset({Consumer.PAYING}),
    )
    assert line.unit_cost == D("180.00") and isinstance(line.quantity, D)


# --- Price jumps ---------------------------------------------------------------------------


def test_price_jumps_are_the_sizes_where_a_group_line_needs_one_more_unit():
    costing = Costing(
        lines=(
            Line("Autocar", D(950), Basis.GROUP, applies_to=EVERYONE, capacity=50),
            Line("Guide", D(180), Basis.GROUP, capacity=30),
            Line("Entrée", D(13)),
        )
    )

    grid = price_grid(costing, [10, 20, 30, 31, 40, 50, 51, 60, 61], staff=1)

    assert price_jumps(grid) == {31, 50, 61}
    assert price_jumps(list(reversed(grid))) == {31, 50, 61}


def test_person_lines_never_make_a_price_jump():
    grid = price_grid(one_line(Line("Entrée", D(13))), [10, 20, 30])

    assert price_jumps(grid) == set()
    assert price_jumps([]) == set()


# --- Purity --------------------------------------------------------------------------------


def test_pricing_imports_neither_reflex_nor_the_database_and_the_cli_no_reflex():
    code = (
        "import sys\n"
        "import agence.services.catalogue.pricing, agence.services.catalogue.vat\n"
        "import agence.services.catalogue.costing_json\n"
        "roots = {name.split('.')[0] for name in sys.modules}\n"
        "print(sorted(roots & {'reflex', 'sqlmodel', 'sqlalchemy'}))\n"
        "import agence.cli\n"
        "print('reflex' in sys.modules)\n"
    )

    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout

    assert out.split() == ["[]", "False"]
