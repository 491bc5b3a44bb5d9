"""The indicators registry. Each pillar's `indicators.py` calls `register(Indicator(...))` at start-up;
the operations centre and the public statistics read only from here (core imports no pillar).

The compute contract (ADR 0501), so every pillar's figures mean the same thing on the dashboard:

- `compute(period_start, period_end, commune_code=None)` receives timezone-aware datetimes bounding a
  half-open period `[period_start, period_end)`: one hour for `frequency="hourly"` indicators, one local
  day (Asia/Ho_Chi_Minh midnight to midnight) for the others. The snapshot job calls it with the period
  just ended, and with the current, still-open period when an official refreshes on demand (then
  `period_end` may be in the future).
- A *flow* indicator (trucks cleared, visits, dossiers received) counts what happened inside the period;
  a *stock* indicator (share of households with a digital shop, schools on the platform) returns the
  state as of `period_end` (records that existed before it).
- `commune_code` is a 2025-structure commune code (AdministrativeUnit.code, e.g. 5977); None means the
  whole province. Return None when there is no data (shown as "no data", never as 0).
- `compute_by_commune(period_start, period_end)` returns `{commune_code: value}` in one query; the
  snapshot job prefers it to 65 calls of `compute`.
- Compute functions only read; the snapshot job (core.indicators.services) stores the results, keeps
  history and evaluates targets (IndicatorTarget rows, reference data in core/indicators/reference/).
"""

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
