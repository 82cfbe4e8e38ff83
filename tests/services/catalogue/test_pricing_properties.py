"""Costing invariants that hold for any valid costing and group, checked on generated ones."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from agence.services.catalogue.pricing import (
    Basis,
    Consumer,
    Costing,
    FreeRule,
    Group,
    Line,
    Regime,
    price,
)

SETTINGS = settings(max_examples=200, deadline=None)


def amounts(max_value: int, places: int = 2) -> st.SearchStrategy[Decimal]:
    return st.decimals(
        min_value=0, max_value=max_value, places=places, allow_nan=False, allow_infinity=False
    )


free_rules = st.builds(FreeRule, free=st.integers(1, 3), per_paying=st.integers(1, 30)) | st.none()


@st.composite
def lines(draw: st.DrawFn) -> Line:
    basis = draw(st.sampled_from(Basis))
    group_line = basis is Basis.GROUP
    return Line(
        label=draw(st.sampled_from(["Autocar", "Hôtel", "Guide", "Déjeuner"])),
        unit_cost=draw(amounts(3000)),
        basis=basis,
        quantity=draw(amounts(10, places=1)),
        vat_rate=draw(st.sampled_from([Decimal(0), Decimal("2.1"), Decimal("5.5"), 10, 20])),
        regime=draw(st.sampled_from(Regime)),
        applies_to=draw(st.frozensets(st.sampled_from(Consumer), min_size=1)),
        capacity=draw(st.integers(1, 60) | st.none()) if group_line else None,
        supplier_free_rule=None if group_line else draw(free_rules),
        markup_percent=draw(st.decimals(-100, 200, places=1) | st.none()),
        unit_sale_price=draw(amounts(3000) | st.none()),
        discount_percent=draw(st.decimals(0, 100, places=1) | st.none()),
    )


costings = st.builds(
    Costing,
    lines=st.lists(lines(), max_size=8).map(tuple),
    markup_percent=st.decimals(-100, 200, places=1),
    fee_per_group=amounts(500),
    fee_per_person=amounts(50),
    rounding=st.sampled_from([Decimal("0.01"), Decimal("0.10"), Decimal("0.50"), Decimal(1)])
    | st.decimals(min_value=Decimal("0.01"), max_value=20, places=2),
    client_free_rule=free_rules,
)
groups = st.builds(
    Group, paying=st.integers(1, 200), free=st.integers(0, 20), staff=st.integers(0, 5)
)


@SETTINGS
@given(costing=costings, group=groups, extra=lines())
def test_adding_a_line_never_lowers_the_total_cost(costing, group, extra):
    before = price(costing, group)
    after = price(replace(costing, lines=(*costing.lines, extra)), group)

    assert after.total_cost >= before.total_cost


@SETTINGS
@given(costing=costings, group=groups)
def test_price_per_paying_is_the_raw_price_rounded_up_by_less_than_one_step(costing, group):
    priced = price(costing, group)

    assert priced.raw_price <= priced.price_per_paying < priced.raw_price + costing.rounding
    assert priced.price_per_paying % costing.rounding == 0


@SETTINGS
@given(costing=costings, group=groups)
def test_total_sale_is_the_price_per_paying_times_the_paying_people(costing, group):
    priced = price(costing, group)

    assert priced.total_sale == priced.price_per_paying * group.paying


@SETTINGS
@given(costing=costings, group=groups)
def test_margin_is_sale_minus_cost_and_its_vat_never_negative(costing, group):
    priced = price(costing, group)

    assert priced.margin == priced.total_sale - priced.total_cost
    assert priced.total_cost == sum((line.cost for line in priced.lines), Decimal(0))
    assert priced.margin_vat >= 0
    assert priced.total_vat == priced.margin_vat + sum(priced.normal_vat.values(), Decimal(0))
