"""The indicators registry. Each pillar's `indicators.py` calls `register(Indicator(...))` at start-up;
the operations centre and the public statistics read only from here (core imports no pillar)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Indicator:
    code: str  # dotted, unique: "government.dossiers.on_time_rate"
    pillar: str  # party | government | economy | society | border_gate
    name: Any  # lazy-translated label
    unit: str  # "%", "hồ sơ", "xe", "VND" ...
    # compute(period_start, period_end, commune_code=None) -> number | None
    compute: Callable[..., float | int | None]
    by_commune: bool = False
    # compute_by_commune(period_start, period_end) -> {commune_code: value}; faster than calling
    # compute once per commune when set.
    compute_by_commune: Callable[..., dict[int, float | int]] | None = None
    higher_is_better: bool = True
    frequency: str = "daily"  # "hourly" for operational figures, "daily" for the rest
    detail_url_name: str = ""  # the pillar's own detail page
    public: bool = False  # shown on the public statistics page (no personal data)
    description: Any = ""
    extra: dict = field(default_factory=dict)


_registry: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    if indicator.code in _registry and _registry[indicator.code] is not indicator:
        raise ValueError(f"indicator {indicator.code} registered twice")
    _registry[indicator.code] = indicator
    return indicator


def get(code: str) -> Indicator:
    return _registry[code]


def all_indicators(pillar: str | None = None) -> list[Indicator]:
    items = sorted(_registry.values(), key=lambda i: (i.pillar, i.code))
    return [i for i in items if pillar is None or i.pillar == pillar]
