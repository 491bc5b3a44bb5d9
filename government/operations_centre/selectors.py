"""Reads of the operations centre, already scoped to what the user may see. They read only the
registry (metadata), the snapshots every pillar shares (core.indicators.selectors) and the operations
centre's own targets and DTI self-assessment: never a pillar's own tables."""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.errors import NotAllowedError, NotFoundError
from core.geo.models import AdministrativeUnit as Unit
from core.indicators import registry
from core.indicators.registry import LOCAL
from core.indicators.selectors import Period, commune_values, latest_values, series
from core.indicators.services import cache_key, generation
from core.users import roles
from government.operations_centre.models import DtiAssessment, DtiEntry, DtiNode, IndicatorTarget
from government.operations_centre.targets import TargetStatus, evaluate

PILLARS = [
    ("party", gettext_lazy("Cơ quan Đảng")),
    ("government", gettext_lazy("Chính quyền số")),
    ("economy", gettext_lazy("Kinh tế số")),
    ("society", gettext_lazy("Xã hội số")),
    ("border_gate", gettext_lazy("Cửa khẩu số")),
]
PILLAR_LABELS = dict(PILLARS)
# Who opens the operations centre (the site menu shows it to the same roles: core.users.roles).
ROLES = roles.OPERATIONS_CENTRE_ROLES
PROVINCE_ROLES = {roles.PROVINCE_LEADER, roles.DEPARTMENT_OFFICIAL, roles.PARTY_OFFICIAL, roles.SYSTEM_ADMIN}
CACHE_SECONDS = 300


# --- scope -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a user sees: the whole province, or one commune (commune officials, or a drill-down)."""

    commune_code: int | None = None
    commune_name: str = ""
    locked: bool = False  # a commune official cannot leave their commune

    @property
    def is_province(self) -> bool:
        return self.commune_code is None

    @property
    def key(self) -> str:
        return "province" if self.is_province else f"commune-{self.commune_code}"


def commune_names() -> dict[int, str]:
    names = cache.get(cache_key("commune-names"))
    if names is None:
        names = dict(
            Unit.objects.filter(structure=Unit.Structure.CURRENT, level=Unit.Level.COMMUNE).values_list("code", "name")
        )
        cache.set(cache_key("commune-names"), names, 3600)
    return names


def scope_for(user, commune_code: int | None = None) -> Scope:
    """The scope a user may see. Province roles see the province, or any commune they drill into;
    a commune official sees only their own commune. Raises NotAllowedError for anyone else, and
    NotFoundError for an unknown commune (or another commune than the official's own)."""
    if not user.is_authenticated:
        raise NotAllowedError
    if user.is_superuser or user.has_role(*PROVINCE_ROLES):
        if commune_code is None:
            return Scope()
        names = commune_names()
        if commune_code not in names:
            raise NotFoundError
        return Scope(commune_code, names[commune_code])
    if user.has_role(roles.COMMUNE_OFFICIAL):
        unit = user.admin_unit
        if unit is None or unit.structure != Unit.Structure.CURRENT or unit.level != Unit.Level.COMMUNE:
            raise NotAllowedError
        if commune_code is not None and commune_code != unit.code:
            raise NotFoundError
        return Scope(unit.code, unit.name, locked=True)
    raise NotAllowedError


# --- periods ---------------------------------------------------------------------------------------------


ROLLING = {
    "7d": (7, gettext_lazy("7 ngày")),
    "30d": (30, gettext_lazy("30 ngày")),
    "90d": (90, gettext_lazy("90 ngày")),
    "365d": (365, gettext_lazy("12 tháng")),
}
DEFAULT_PERIOD = "90d"
FIRST_YEAR = 2021  # Resolution 49-NQ/TU, 28 September 2021


def period_choices(now: datetime | None = None) -> list[tuple[str, object]]:
    now = now or timezone.now()
    years = range(now.astimezone(LOCAL).year, FIRST_YEAR - 1, -1)
    return [(k, label) for k, (_days, label) in ROLLING.items()] + [(str(y), str(y)) for y in years]


def resolve_period(key: str | None, now: datetime | None = None) -> Period:
    """A period filter value → its bounds. Unknown values fall back to the default (never a 500)."""
    now = now or timezone.now()
    key = key or DEFAULT_PERIOD
    if key in ROLLING:
        days, label = ROLLING[key]
        return Period(key, label, now - timedelta(days=days), now)
    if key.isdigit() and FIRST_YEAR <= int(key) <= now.astimezone(LOCAL).year:
        year = int(key)
        start = datetime(year, 1, 1, tzinfo=LOCAL)
        end = min(datetime(year + 1, 1, 1, tzinfo=LOCAL), now)
        return Period(key, str(year), start, end)
    return resolve_period(DEFAULT_PERIOD, now)


def targets_by_code(codes) -> dict[str, list[IndicatorTarget]]:
    out: dict[str, list] = {}
    for target in IndicatorTarget.objects.filter(indicator_code__in=list(codes)):
        out.setdefault(target.indicator_code, []).append(target)
    return out


# --- the dashboard --------------------------------------------------------------------------------------


@dataclass
class Tile:
    indicator: registry.Indicator
    value: float | None
    as_of: datetime | None
    provisional: bool
    spark: list[float | None]
    status: TargetStatus
    detail_url: str = ""
    delta: float | None = None  # change over the period (last − first point)
    computed_at: datetime | None = None

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def freshness(self) -> str:
        """What the tile says about its figure (issue 11: never a time in the future):
        "live" — the still-open period, as computed at `shown_at`; "yesterday" — a closed period that
        ended at today's midnight (the nightly figures); "closed" — an older closed period, or an
        hourly one."""
        if self.as_of is None:
            return "none"
        if self.provisional:
            return "live"
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        if timezone.localtime(self.as_of) == today:
            return "yesterday"
        return "closed"

    @property
    def period_day(self):
        """The last day the (closed) figure covers: a period ending at midnight covers the day before."""
        return timezone.localtime(self.as_of - timedelta(microseconds=1)).date() if self.as_of else None

    @property
    def shown_at(self) -> datetime | None:
        """The time the tile prints: the computation time of a live figure (a live period's end is in
        the future), else the closed period's end; never later than now."""
        if self.as_of is None:
            return None
        moment = self.computed_at if self.provisional and self.computed_at else self.as_of
        return min(moment, timezone.now())


@dataclass
class PillarBlock:
    pillar: str
    label: object
    tiles: list[Tile] = field(default_factory=list)


def visible_indicators(scope: Scope, *, public_only: bool = False) -> list[registry.Indicator]:
    """Indicators a scope can show: every one for the province; by-commune ones for a commune."""
    items = registry.all_indicators()
    if not scope.is_province:
        items = [i for i in items if i.by_commune]
    if public_only:
        items = [i for i in items if i.public]
    return items


def map_indicators() -> list[registry.Indicator]:
    return [i for i in registry.all_indicators() if i.by_commune]


def _cached_values(scope: Scope, period: Period, codes: list[str]) -> tuple[dict, dict]:
    """Latest values and sparklines, cached per snapshot generation (invalidated when a run finishes)."""
    digest = hashlib.md5(",".join(codes).encode(), usedforsecurity=False).hexdigest()[:12]
    key = cache_key(f"tiles:{generation()}:{scope.key}:{period.key}:{period.end:%Y%m%d%H}:{digest}")
    hit = cache.get(key)
    if hit is not None:
        return hit
    latest = latest_values(codes, commune_code=scope.commune_code, period=period)
    sparks = series(codes, commune_code=scope.commune_code, period=period)
    cache.set(key, (latest, sparks), CACHE_SECONDS)
    return latest, sparks


def dashboard_tiles(*, scope: Scope, period: Period, public_only: bool = False) -> list[PillarBlock]:
    """KPI tiles per pillar: latest value, sparkline, target status, link to the pillar's page."""
    from django.urls import NoReverseMatch, reverse

    indicators = visible_indicators(scope, public_only=public_only)
    codes = [i.code for i in indicators]
    latest, sparks = _cached_values(scope, period, codes)
    targets = targets_by_code(codes)
    blocks = {p: PillarBlock(p, label) for p, label in PILLARS}
    for indicator in indicators:
        point = latest.get(indicator.code) or {}
        value, as_of = point.get("value"), point.get("as_of")
        spark = [v for _end, v in sparks.get(indicator.code, [])]
        known = [v for v in spark if v is not None]
        detail_url = ""
        if indicator.detail_url_name and not public_only:
            try:
                detail_url = reverse(indicator.detail_url_name)
            except NoReverseMatch:
                detail_url = ""
        tile = Tile(
            indicator=indicator,
            value=value,
            as_of=as_of,
            provisional=bool(point.get("provisional")),
            spark=spark,
            status=evaluate(
                value=value,
                targets=targets.get(indicator.code, []) if scope.is_province else [],
                as_of=min(as_of or period.end, period.end),
                higher_is_better=indicator.higher_is_better,
            ),
            detail_url=detail_url,
            delta=(known[-1] - known[0]) if len(known) >= 2 else None,
            computed_at=point.get("computed_at"),
        )
        blocks.setdefault(indicator.pillar, PillarBlock(indicator.pillar, indicator.pillar)).tiles.append(tile)
    return [b for b in blocks.values() if b.tiles]


def commune_ranking(code: str, *, period: Period) -> list[dict]:
    """Communes ordered best first for one by-commune indicator (province scope only)."""
    indicator = registry.get(code)
    data = commune_values(code, period=period)
    names = commune_names()
    rows = [{"code": c, "name": names.get(c, str(c)), "value": v} for c, v in data["values"].items() if v is not None]
    rows.sort(key=lambda r: r["value"], reverse=indicator.higher_is_better)
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def geojson_communes() -> str:
    """The 65 commune polygons as a GeoJSON FeatureCollection (from PostGIS; cached: boundaries change
    only when the reference data does)."""
    key = cache_key("communes-geojson:v1")
    text = cache.get(key)
    if text is not None:
        return text
    sql = """
        SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
            'type', 'Feature', 'id', code,
            'properties', json_build_object('code', code, 'name', name, 'kind', division_type),
            'geometry', ST_AsGeoJSON(geometry, 5)::json) ORDER BY code), '[]'::json))::text
        FROM geo_administrativeunit
        WHERE structure = %s AND level = %s AND geometry IS NOT NULL
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [Unit.Structure.CURRENT, Unit.Level.COMMUNE])
        text = cursor.fetchone()[0]
    cache.set(key, text, 24 * 3600)
    return text


# --- the pillars' live panels -----------------------------------------------------------------------------


def panel_groups(panel: registry.Panel, *, now: datetime | None = None) -> list[dict]:
    """A registered panel's figures: the newest snapshot of each of its pillar's indicators (the live
    refresh writes provisional points every few minutes), grouped by `extra[panel.group_key]`, the
    ungrouped ones first. Each item carries the band the pillar gives its value (extra["band"])."""
    now = now or timezone.now()
    indicators = registry.all_indicators(panel.pillar)
    period = Period("live", "", now - timedelta(days=2), now)
    latest = latest_values([i.code for i in indicators], commune_code=None, period=period)
    names = panel.group_names() if panel.group_names else {}
    groups: dict[str, dict] = {}
    for indicator in indicators:
        key = str(indicator.extra.get(panel.group_key) or "") if panel.group_key else ""
        point = latest.get(indicator.code) or {}
        value = point.get("value")
        band_of = indicator.extra.get("band")
        band = band_of(value) if value is not None and callable(band_of) else ""
        group = groups.setdefault(key, {"label": names.get(key, key), "items": []})
        group["items"].append({"indicator": indicator, "value": value, "as_of": point.get("as_of"), "band": band})
    return sorted(groups.values(), key=lambda g: (g["label"] != "", g["label"]))


def panels(*, now: datetime | None = None) -> list[dict]:
    """Every registered panel with its groups, and its live feed's URL and columns for the page's script."""
    from django.urls import NoReverseMatch, reverse

    out = []
    for panel in registry.all_panels():
        try:
            live_url = reverse(panel.live_url_name) if panel.live_url_name else ""
        except NoReverseMatch:
            live_url = ""
        out.append(
            {
                "panel": panel,
                "groups": panel_groups(panel, now=now),
                "live": {
                    "url": live_url,
                    "rows": panel.live_rows_key,
                    "columns": [{"key": c.key, "label": str(c.label), "band": c.band_key} for c in panel.live_columns],
                },
            }
        )
    return out


# --- DTI ------------------------------------------------------------------------------------------------


@dataclass
class DtiScore:
    node: DtiNode
    score: float
    max_points: float
    value: float | None = None
    source: str = ""  # portal | manual | ""
    entry: DtiEntry | None = None
    children: list["DtiScore"] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        return self.score / self.max_points if self.max_points else None


def _sub_score(node: DtiNode, value: float | None) -> float:
    if value is None:
        return 0.0
    if node.formula == DtiNode.Formula.BOOLEAN:
        fraction = 1.0 if value >= 1 else 0.0
    elif node.formula == DtiNode.Formula.TIERED:
        fraction = 1.0 if value >= 1 else 0.5 if value >= 0.5 else 0.0
    else:
        full = node.full_score_at or 100.0
        fraction = min(max(value / full, 0.0), 1.0)
    return fraction * node.max_points


def dti_assessment(framework, year: int) -> DtiAssessment:
    """The year's assessment, or an unsaved one when nobody has entered a value for the year yet:
    reading the page opens nothing (the first value entered does, services.dti_value_enter)."""
    return framework.assessments.filter(year=year).first() or DtiAssessment(framework=framework, year=year)


def dti_entries(assessment: DtiAssessment):
    """The assessment's entries, none for an assessment not opened yet."""
    if assessment.pk is None:
        return DtiEntry.objects.none()
    return DtiEntry.objects.filter(assessment=assessment)


def dti_score(assessment: DtiAssessment) -> dict:
    """The province's computed DTI for one assessment: per node (score, maximum, source of the value),
    per pillar and in total. A sub-indicator linked to a portal indicator takes that indicator's latest
    province snapshot inside the assessment year; the others take the newest manual entry."""
    nodes = list(assessment.framework.nodes.all().order_by("order"))
    latest_entry: dict[int, DtiEntry] = {}
    for entry in dti_entries(assessment).select_related("entered_by").order_by("entered_at", "id"):
        latest_entry[entry.node_id] = entry
    year_end = datetime(assessment.year + 1, 1, 1, tzinfo=LOCAL)
    period = Period(str(assessment.year), str(assessment.year), datetime(assessment.year, 1, 1, tzinfo=LOCAL), year_end)
    linked = [n.portal_indicator_code for n in nodes if n.portal_indicator_code]
    portal = latest_values(linked, commune_code=None, period=period)

    scores: dict[int, DtiScore] = {}
    for node in nodes:
        scores[node.pk] = DtiScore(node=node, score=0.0, max_points=node.max_points)
    roots = []
    for node in nodes:
        item = scores[node.pk]
        if node.parent_id:
            scores[node.parent_id].children.append(item)
        else:
            roots.append(item)
        if node.kind != DtiNode.Kind.SUB:
            continue
        point = portal.get(node.portal_indicator_code) if node.portal_indicator_code else None
        if point and point["value"] is not None:
            item.value, item.source = point["value"], "portal"
        elif node.pk in latest_entry:
            item.entry = latest_entry[node.pk]
            item.value, item.source = item.entry.value, "manual"
        item.score = _sub_score(node, item.value)

    def roll_up(item: DtiScore) -> None:
        if item.children:
            for child in item.children:
                roll_up(child)
            item.score = sum(c.score for c in item.children)
            item.max_points = sum(c.max_points for c in item.children)

    for root in roots:
        roll_up(root)
    total = sum(r.score for r in roots)
    total_max = sum(r.max_points for r in roots)
    mains = [s for s in scores.values() if s.node.kind == DtiNode.Kind.MAIN]
    foundation = [m for m in mains if not m.node.pillar]
    pillars = []
    for code, label in DtiNode.Pillar.choices:
        if not code:
            continue
        own = [m for m in mains if m.node.pillar == code]
        parts = foundation + own
        maximum = sum(m.max_points for m in parts)
        score = sum(m.score for m in parts)
        pillars.append(
            {
                "code": code,
                "label": label,
                "score": score,
                "max": maximum,
                "index": score / maximum if maximum else None,
            }
        )
    subs = [s for s in scores.values() if s.node.kind == DtiNode.Kind.SUB]
    return {
        "roots": roots,
        "total": total,
        "max": total_max,
        "index": total / total_max if total_max else None,
        "pillars": pillars,
        "missing": [s for s in subs if s.value is None],
        "subs": subs,
    }
