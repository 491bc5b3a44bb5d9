"""Target status (met / on track / behind): the rules leaders read on every tile."""

from types import SimpleNamespace as T

from government.operations_centre.targets import BEHIND, MET, NO_DATA, NO_TARGET, ON_TRACK, evaluate, pick_target
from tests.operations_centre.conftest import at


def target(year, value, baseline_year=None, baseline=None):
    return T(year=year, target_value=value, baseline_year=baseline_year, baseline_value=baseline, source="NQ 49")


def test_reached_target_is_met_even_before_its_year():
    status = evaluate(value=61, targets=[target(2025, 60, 2021, 0)], as_of=at(2024, 6, 1))
    assert status.status == MET
    assert status.target_value == 60 and status.target_year == 2025


def test_on_track_when_at_or_above_the_line_from_baseline_to_target():
    # Baseline 0 at end of 2021, target 60 at end of 2025: mid-2023 (1.5/4 years) expects 22.5.
    t = [target(2025, 60, 2021, 0)]
    assert evaluate(value=23, targets=t, as_of=at(2023, 7, 2)).status == ON_TRACK
    below = evaluate(value=20, targets=t, as_of=at(2023, 7, 2))
    assert below.status == BEHIND
    assert 22 < below.expected < 23


def test_a_past_target_not_reached_is_behind():
    assert evaluate(value=59.9, targets=[target(2025, 60, 2021, 0)], as_of=at(2026, 11, 27)).status == BEHIND


def test_the_nearest_future_target_applies_and_the_previous_one_is_its_baseline():
    targets = [target(2025, 50), target(2030, 100)]
    assert pick_target(targets, at(2026, 1, 5)).year == 2030
    # From 50 at end 2025 to 100 at end 2030: end of 2026 expects 60.
    assert evaluate(value=61, targets=targets, as_of=at(2027, 1, 1)).status == ON_TRACK
    assert evaluate(value=55, targets=targets, as_of=at(2027, 1, 1)).status == BEHIND


def test_lower_is_better():
    t = [target(2026, 500, 2025, 2000)]
    assert evaluate(value=400, targets=t, as_of=at(2026, 3, 1), higher_is_better=False).status == MET
    # Expected mid-2026 ≈ 1250: 1000 is better than the line, 1800 worse.
    assert evaluate(value=1000, targets=t, as_of=at(2026, 7, 2), higher_is_better=False).status == ON_TRACK
    assert evaluate(value=1800, targets=t, as_of=at(2026, 7, 2), higher_is_better=False).status == BEHIND


def test_without_target_or_without_value():
    assert evaluate(value=10, targets=[], as_of=at(2026, 1, 1)).status == NO_TARGET
    assert evaluate(value=None, targets=[target(2025, 60)], as_of=at(2024, 1, 1)).status == NO_DATA


def test_no_baseline_and_no_earlier_target_is_behind_until_met():
    assert evaluate(value=30, targets=[target(2030, 60)], as_of=at(2026, 1, 1)).status == BEHIND
