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
- Compute functions only read; the snapshot job (core.indicators.services) stores the results and
  keeps history. The operations centre (government.operations_centre) evaluates them against its
  targets and shows them; it reads only this registry and the snapshots.

A pillar also registers the live panels it shows on the operations centre's province view (the border
gate's crossings) with `register_panel(Panel(...))`: core knows neither panels' content nor how a
pillar colours a value (an indicator's `extra["band"]`, value → CSS band name, is the pillar's rule).
And the follow-up pages linked from the dashboard for those who may open them (the documents' task
board per agency) with `register_follow_up_link(FollowUpLink(...))`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

# Local time of the compute contract: a "day" is a day in Lạng Sơn (no daylight saving time).
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


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


# --- helpers every pillar's compute functions share (one answer for the same question) -------------------


def day_after(period_end: datetime) -> date:
    """The first local day not inside a period ending at `period_end` (an exclusive bound for a stock:
    records dated before it existed at `period_end`). Midnight is the end of the day before."""
    local = period_end.astimezone(LOCAL)
    day = local.date()
    return day if local.time() == time.min else day + timedelta(days=1)


def commune_codes() -> list[int]:
    """The province's communes (2025 structure), the keys of every by-commune answer."""
    from core.geo.models import AdministrativeUnit as Unit

    return list(
        Unit.objects.filter(structure=Unit.Structure.CURRENT, level=Unit.Level.COMMUNE)
        .order_by("code")
        .values_list("code", flat=True)
    )


def every_commune(values: dict[int, float | int], fill: float | int = 0) -> dict[int, float | int]:
    """`values` with every commune of the province, `fill` for those it lacks."""
    return {**dict.fromkeys(commune_codes(), fill), **values}


def from_by_commune(
    compute_by_commune: Callable[..., dict[int, float | int]],
    *,
    province: Callable[[dict[int, float | int]], float | int | None] = lambda values: sum(values.values()),
) -> Callable[..., float | int | None]:
    """A `compute` built on `compute_by_commune`, so the two never disagree: a commune's value is the
    one `compute_by_commune` gives it (None when it gives none: no data); the province's is
    `province(values)`, by default the sum (a count over the whole province is 0 when nothing happened).
    A pillar that counts "nothing happened" as 0 in every commune says so in its `compute_by_commune`
    (`every_commune(values)`), and `compute` follows."""

    def compute(period_start, period_end, commune_code=None):
        values = compute_by_commune(period_start, period_end)
        if commune_code is not None:
            return values.get(int(commune_code))
        return province(values)

    return compute


def percent(part: float | int, whole: float | int, *, digits: int = 2) -> float | None:
    """`part` as a percentage of `whole`, rounded to `digits` decimals (2 for indicators, 1 on the
    pillars' tables); None when the whole is 0 (no data, not 0 %)."""
    return round(100.0 * part / whole, digits) if whole else None


def share_by_commune(part: dict[int, float | int], whole: dict[int, float | int]) -> dict[int, float]:
    """Per commune, `part` as a percentage of `whole` (communes whose whole is 0 have no value)."""
    return {code: percent(part.get(code, 0), total) for code, total in whole.items() if total}


def share_indicator(
    parts: Callable[..., tuple[dict[int, float | int], dict[int, float | int]]],
) -> tuple[Callable[..., float | None], Callable[..., dict[int, float]]]:
    """(compute, compute_by_commune) of a share: `parts(period_start, period_end)` returns the part and
    the whole per commune; under the key None what belongs to no commune (a department's documents or
    meetings), counted for the province only. The province's share is the sum of the parts over the
    sum of the wholes (not an average of the communes' shares)."""

    def compute_by_commune(period_start, period_end):
        part, whole = parts(period_start, period_end)
        return share_by_commune(part, {code: total for code, total in whole.items() if code is not None})

    def compute(period_start, period_end, commune_code=None):
        if commune_code is not None:
            return compute_by_commune(period_start, period_end).get(int(commune_code))
        part, whole = parts(period_start, period_end)
        return percent(sum(part.get(code, 0) for code in whole), sum(whole.values()))

    return compute, compute_by_commune


@dataclass(frozen=True)
class PanelColumn:
    """One column of a panel's live table: `key` in each row of the live feed; `band_key` names the
    row's key that holds the CSS band colouring this cell (blank: not coloured)."""

    key: str
    label: Any
    band_key: str = ""


@dataclass(frozen=True)
class Panel:
    """A live panel on the operations centre's province view: the newest snapshot of each of the
    pillar's indicators, grouped by `extra[group_key]` (named by `group_names()`), and, when
    `live_url_name` is set, the pillar's public JSON feed polled by the browser between snapshots
    (`live_rows_key`: the list of rows in it; `live_columns`: what to show of each row)."""

    code: str  # dotted, unique: "border_gate.crossings"
    pillar: str
    title: Any
    empty_text: Any = ""
    group_key: str = ""
    group_names: Callable[[], dict[str, str]] | None = None
    live_url_name: str = ""
    live_rows_key: str = ""
    live_columns: tuple[PanelColumn, ...] = ()


_panels: dict[str, Panel] = {}


def register_panel(panel: Panel) -> Panel:
    if panel.code in _panels and _panels[panel.code] is not panel:
        raise ValueError(f"panel {panel.code} registered twice")
    _panels[panel.code] = panel
    return panel


def get_panel(code: str) -> Panel:
    return _panels[code]


def all_panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda p: (p.pillar, p.code))


@dataclass(frozen=True)
class FollowUpLink:
    """A page of a pillar linked from the operations centre for the people who may open it (the
    dashboard's cached parts are shared by everyone of a scope, so these links are worked out per
    request, apart). `allowed(user)` is the page's own access rule, so link and page agree."""

    code: str  # dotted, unique: "documents.task_board"
    label: Any
    url_name: str
    allowed: Callable[[Any], bool]
    order: int = 100


_follow_up_links: dict[str, FollowUpLink] = {}


def register_follow_up_link(link: FollowUpLink) -> FollowUpLink:
    if link.code in _follow_up_links and _follow_up_links[link.code] is not link:
        raise ValueError(f"follow-up link {link.code} registered twice")
    _follow_up_links[link.code] = link
    return link


def follow_up_links_for(user) -> list[FollowUpLink]:
    """The registered links `user` may open, in order."""
    links = sorted(_follow_up_links.values(), key=lambda link: (link.order, link.code))
    return [link for link in links if link.allowed(user)]
