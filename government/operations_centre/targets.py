"""Target status: met / on track / behind, for a value measured at a moment (pure functions).

A target is reached by the end of its year. "On track" means the value is at or beyond the straight
line from the baseline (end of the baseline year, or the previous target of the same indicator) to
the target; a past target that was not reached is "behind". Without any baseline the trajectory is
unknown, so a target not yet met counts as behind — the honest reading for a leader (ADR 0501).
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from core.indicators.registry import LOCAL

MET = "met"
ON_TRACK = "on_track"
BEHIND = "behind"
NO_TARGET = "no_target"
NO_DATA = "no_data"

LABELS = {
    MET: _("Đã đạt"),
    ON_TRACK: _("Đúng tiến độ"),
    BEHIND: _("Chậm tiến độ"),
    NO_TARGET: _("Chưa có mục tiêu"),
    NO_DATA: _("Chưa có số liệu"),
}
CSS = {MET: "ok", ON_TRACK: "ok", BEHIND: "bad", NO_TARGET: "", NO_DATA: "warn"}


@dataclass(frozen=True)
class TargetStatus:
    status: str
    target_value: float | None = None
    target_year: int | None = None
    expected: float | None = None  # where the trajectory says the value should be now
    source: str = ""

    @property
    def label(self):
        return LABELS[self.status]

    @property
    def css(self) -> str:
        return CSS[self.status]


def end_of_year(year: int) -> datetime:
    return datetime(year + 1, 1, 1, tzinfo=LOCAL)


def pick_target(targets, as_of: datetime):
    """The target that applies at `as_of`: the nearest one whose year has not ended, else the last."""
    ordered = sorted(targets, key=lambda t: t.year)
    if not ordered:
        return None
    local_year = as_of.astimezone(LOCAL).year
    for target in ordered:
        if target.year >= local_year:
            return target
    return ordered[-1]


def evaluate(*, value: float | None, targets, as_of: datetime, higher_is_better: bool = True) -> TargetStatus:
    """Status of `value` measured at `as_of` against the indicator's `targets` (IndicatorTarget-like
    objects with year, target_value, baseline_year, baseline_value, source)."""
    targets = list(targets)
    target = pick_target(targets, as_of)
    if target is None:
        return TargetStatus(NO_TARGET)
    info = {"target_value": target.target_value, "target_year": target.year, "source": target.source}
    if value is None:
        return TargetStatus(NO_DATA, **info)

    def reached(v: float, goal: float) -> bool:
        return v >= goal if higher_is_better else v <= goal

    if reached(value, target.target_value):
        return TargetStatus(MET, **info)
    deadline = end_of_year(target.year)
    if as_of >= deadline:
        return TargetStatus(BEHIND, **info)

    if target.baseline_year is not None and target.baseline_value is not None:
        base_at, base_value = end_of_year(target.baseline_year), target.baseline_value
    else:
        earlier = [t for t in targets if t.year < target.year]
        if not earlier:
            return TargetStatus(BEHIND, **info)
        previous = max(earlier, key=lambda t: t.year)
        base_at, base_value = end_of_year(previous.year), previous.target_value
    span = (deadline - base_at).total_seconds()
    elapsed = min(max((as_of - base_at).total_seconds() / span, 0.0), 1.0) if span > 0 else 1.0
    expected = base_value + (target.target_value - base_value) * elapsed
    status = ON_TRACK if reached(value, expected) else BEHIND
    return TargetStatus(status, expected=expected, **info)
