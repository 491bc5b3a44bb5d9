"""The compute helpers every pillar shares (core.indicators.registry): one answer for the same
question in every pillar — a commune without data is "no data" (None), never 0, and a commune's
value from `compute` is the one `compute_by_commune` gives."""

import datetime as dt

import pytest

from core.indicators import registry
from core.indicators.registry import (
    LOCAL,
    commune_codes,
    day_after,
    every_commune,
    from_by_commune,
    percent,
    share_indicator,
)
from tests.operations_centre.conftest import COMMUNE_A, COMMUNE_B


def test_a_period_ending_at_midnight_ends_with_the_day_before():
    assert day_after(dt.datetime(2026, 5, 1, tzinfo=LOCAL)) == dt.date(2026, 5, 1)
    assert day_after(dt.datetime(2026, 5, 1, 0, 0, 1, tzinfo=LOCAL)) == dt.date(2026, 5, 2)
    # 17:00 UTC is midnight in Lạng Sơn: the local calendar decides, not UTC's
    assert day_after(dt.datetime(2026, 4, 30, 17, tzinfo=dt.UTC)) == dt.date(2026, 5, 1)


def test_counts_by_commune_give_the_province_sum_and_none_for_a_commune_without_data():
    compute = from_by_commune(lambda start, end: {COMMUNE_A: 3, 5983: 4})
    assert compute(None, None) == 7
    assert compute(None, None, COMMUNE_A) == 3
    assert compute(None, None, COMMUNE_B) is None
    assert from_by_commune(lambda start, end: {})(None, None) == 0  # nothing counted in the province
    assert from_by_commune(lambda start, end: {}, province=lambda v: sum(v.values()) or None)(None, None) is None


@pytest.mark.django_db
def test_a_pillar_that_counts_nothing_as_zero_lists_every_commune():
    values = every_commune({COMMUNE_A: 3})
    assert values[COMMUNE_A] == 3 and values[COMMUNE_B] == 0 and len(values) == len(commune_codes()) == 65


def test_a_share_of_the_province_weighs_communes_by_their_size():
    compute, by_commune = share_indicator(
        lambda start, end: ({COMMUNE_A: 1, COMMUNE_B: 30}, {COMMUNE_A: 10, COMMUNE_B: 40, 6185: 0})
    )
    assert by_commune(None, None) == {COMMUNE_A: 10.0, COMMUNE_B: 75.0}
    assert compute(None, None) == 62.0  # 31 of 50, not the mean of 10 % and 75 %
    assert compute(None, None, COMMUNE_B) == 75.0
    assert compute(None, None, 6185) is None  # no household there: no data, not 0 %
    assert percent(0, 0) is None and percent(0, 5) == 0.0


def test_the_pillars_tables_and_the_indicators_share_one_percentage_rule():
    # economy's commune table and the documents' task board print one decimal, indicators keep two;
    # both say "no data" (None), not 0 %, when there is nothing to divide by.
    assert percent(1, 3) == 33.33 and percent(1, 3, digits=1) == 33.3
    assert percent(0, 0, digits=1) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "indicator", [i for i in registry.all_indicators() if i.compute_by_commune], ids=lambda i: i.code
)
def test_every_pillar_gives_a_commune_one_answer(indicator):
    """compute() for one commune is what compute_by_commune() says of it, in every pillar: None ("no
    data") when it says nothing, or the 0 of a pillar that lists every commune (government's counts)."""
    start = dt.datetime(2026, 5, 1, tzinfo=LOCAL)
    end = start + dt.timedelta(days=1)
    values = indicator.compute_by_commune(start, end)
    assert indicator.compute(start, end, COMMUNE_B) == values.get(COMMUNE_B)
    assert values.get(COMMUNE_B) in (0, None)  # nothing in the database
