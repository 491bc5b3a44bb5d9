"""Reads of the land platform. Public reads return public attributes only: the owner table is
touched by `owners_of` and `owner_search`, which check the caller is a land official and audit the
access. Map reads (tiles, visible-area GeoJSON) are single SQL statements over the GiST index and
never return more than a tile or a capped page.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum

from core.audit.services import audit_record
from core.errors import NotAllowedError
from core.geo.models import AdministrativeUnit
from government.land.geo import VN2000_SRID, WGS84_SRID
from government.land.models import (
    ErrorReport,
    LandUseCode,
    Parcel,
    ParcelImport,
    ParcelOwner,
    ParcelVersion,
    PlanZone,
    PriceZone,
    SplitRule,
)
from government.land.permissions import land_scope, may_handle_parcel

# Fields a public page, API, PDF or tile may read. Everything else stays in the database.
PUBLIC_FIELDS = (
    "id",
    "code",
    "commune__code",
    "commune__name",
    "commune__division_type",
    "legacy_commune__name",
    "sheet",
    "number",
    "land_use__code",
    "land_use__name",
    "land_use__name_en",
    "area_m2",
    "address",
    "use_form",
    "use_term",
    "origin",
    "version",
    "updated_at",
)
MAP_MIN_ZOOM = 15  # below it the map shows no parcels (a province of 2.3 M would not fit anyway)
BBOX_MAX_DEG2 = 0.0004  # ~2 km × 2 km: the largest visible area served as GeoJSON
PAGE_CAP = 500


def communes() -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.filter(structure="2025", level="commune").order_by("name")


_COMMUNE_CHOICES: tuple[float, list[tuple[int, str]]] = (0.0, [])
COMMUNE_CHOICES_SECONDS = 300


def commune_choices() -> list[tuple[int, str]]:
    """(code, name) of the 65 communes for the lookup form, kept per process for a few minutes:
    every lookup renders or validates that form, and the list is reference data."""
    global _COMMUNE_CHOICES
    stamp, choices = _COMMUNE_CHOICES
    if not choices or time.monotonic() - stamp > COMMUNE_CHOICES_SECONDS:
        choices = list(communes().values_list("code", "name"))
        _COMMUNE_CHOICES = (time.monotonic(), choices)
    return choices


def _public() -> QuerySet[Parcel]:
    return Parcel.objects.select_related("commune", "legacy_commune", "land_use").only(*PUBLIC_FIELDS, "geom")


def _one(qs):
    """The first row without `.first()`'s ORDER BY id: with LIMIT 1, that ordering made the planner
    walk the primary key in order looking for the code (38 ms at 2.3 M parcels) instead of probing
    the code's (or the geometry's) index (0.1 ms). Codes are unique; a point on a shared edge may
    touch two parcels, and either answer is right."""
    return next(iter(qs[:1]), None)


def parcel_by_code(code: str) -> Parcel | None:
    return _one(_public().filter(code=code.strip()))


def parcel_exists(code: str) -> bool:
    return Parcel.objects.filter(code=(code or "").strip()).exists()


def parcel_code(code: str) -> str | None:
    """The code if such a parcel exists: the lookup form only redirects to the sheet, so it reads
    one indexed column instead of the parcel with its commune, land-use row and geometry."""
    return _one(Parcel.objects.filter(code=(code or "").strip()).values_list("code", flat=True))


def parcel_code_by_sheet(*, commune_code: int, sheet: int, number: int) -> str | None:
    return parcel_code(Parcel.make_code(commune_code, sheet, number))


def sheets_for_dossier(dossier) -> list[Sheet]:
    """The sheets of the parcels a dossier's declaration attaches (its fields of type `parcel`),
    for the official handling it (government's dossier page calls this, not the land models)."""
    names = [spec["name"] for spec in dossier.procedure.form_fields if spec.get("type") == "parcel"]
    sheets = []
    for name in names:
        parcel = parcel_by_code(str(dossier.data.get(name) or ""))
        if parcel is not None:
            sheets.append(parcel_sheet(parcel))
    return sheets


def land_procedures() -> list:
    """The online procedures of the catalogue whose declaration attaches a parcel by its code (land
    registration, certificate re-issue...), for the sheet's links to the land public services."""
    from government.selectors import procedure_list

    return list(procedure_list().filter(form_fields__contains=[{"type": "parcel"}]))


def parcel_code_at(point: Point) -> str | None:
    return _one(Parcel.objects.filter(geom__intersects=point).values_list("code", flat=True))


def plan_zones_at(point: Point) -> list[PlanZone]:
    return list(PlanZone.objects.filter(geom__intersects=point).select_related("planned_use").order_by("code")[:20])


@dataclass
class SplitAnswer:
    possible: bool | None  # None: no rule for this land type and unit kind
    min_area_m2: int | None
    max_parts: int
    legal_source: str


@dataclass
class Sheet:
    parcel: Parcel
    plan_zones: list[dict]
    price_zone: PriceZone | None
    indicative_value: int | None
    split: SplitAnswer
    geojson: str  # EPSG:4326
    centre_lonlat: tuple[float, float]
    centre_vn2000: tuple[float, float]  # (X north, Y east), the Vietnamese cadastral order


def _unit_kind(parcel: Parcel) -> str:
    return "phuong" if "phường" in parcel.commune.division_type.lower() else "xa"


def parcel_sheet(parcel: Parcel) -> Sheet:
    """Everything the public parcel sheet shows, in three statements."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT ST_AsGeoJSON(ST_Transform(p.geom, {WGS84_SRID}), 6),
                   ST_X(c), ST_Y(c), ST_X(w), ST_Y(w), ST_Area(p.geom)
              FROM land_parcel p,
                   LATERAL ST_PointOnSurface(p.geom) AS c,
                   LATERAL ST_Transform(c, {WGS84_SRID}) AS w
             WHERE p.id = %s
            """,  # noqa: S608  # nosec B608: built from module constants and numbers, values are parameters
            [parcel.pk],
        )
        geojson, cx, cy, lon, lat, _geom_area = cursor.fetchone()
        cursor.execute(
            """
            SELECT z.id, ST_Area(ST_Intersection(z.geom, p.geom)) / NULLIF(ST_Area(p.geom), 0)
              FROM land_planzone z JOIN land_parcel p ON ST_Intersects(z.geom, p.geom)
             WHERE p.id = %s
            """,
            [parcel.pk],
        )
        shares = {zone_id: share for zone_id, share in cursor.fetchall() if share and share > 0.0005}
    zones = PlanZone.objects.filter(pk__in=shares).select_related("planned_use")
    plan = sorted(({"zone": z, "share": round(100 * shares[z.pk], 1)} for z in zones), key=lambda item: -item["share"])
    centre = Point(cx, cy, srid=VN2000_SRID)
    price = (
        PriceZone.objects.filter(geom__intersects=centre, land_use_id=parcel.land_use_id)
        .select_related("land_use")
        .order_by("position")
        .first()
    )
    value = int(price.price_per_m2 * parcel.area_m2) if price else None
    rule = SplitRule.objects.filter(land_use_id=parcel.land_use_id, unit_kind=_unit_kind(parcel)).first()
    if rule is None:
        split = SplitAnswer(None, None, 0, "")
    else:
        parts = int(Decimal(parcel.area_m2) // rule.min_area_m2)
        split = SplitAnswer(parts >= 2, rule.min_area_m2, parts, rule.legal_source)
    return Sheet(
        parcel=parcel,
        plan_zones=plan,
        price_zone=price,
        indicative_value=value,
        split=split,
        geojson=geojson,
        centre_lonlat=(round(lon, 6), round(lat, 6)),
        centre_vn2000=(round(cy, 2), round(cx, 2)),
    )


# --- map -----------------------------------------------------------------------------------------


def tile_mvt(z: int, x: int, y: int) -> bytes:
    """A Mapbox vector tile of the parcels (layer `parcels`: code, land-use code) for z ≥ 14;
    an empty tile below (the province at low zoom is drawn from the commune boundaries). Low zooms
    come from the tile cache (government/land/tiles.py)."""
    from government.land import tiles

    return tiles.tile(z, x, y)


class BBoxTooLargeError(ValueError):
    pass


def parcels_in_bbox(bbox: tuple[float, float, float, float], *, page: int = 1, limit: int = PAGE_CAP) -> dict:
    """A GeoJSON FeatureCollection of the parcels intersecting a WGS84 bbox (public attributes),
    simplified to about a screen pixel at that size, `limit` (≤ PAGE_CAP) per page. Raises
    BBoxTooLargeError when the box is larger than BBOX_MAX_DEG2 (about 2 km × 2 km)."""
    west, south, east, north = bbox
    if (east - west) * (north - south) > BBOX_MAX_DEG2:
        raise BBoxTooLargeError
    limit = max(1, min(int(limit), PAGE_CAP))
    page = max(1, int(page))
    # A tolerance of ~1/1000 of the box width, in metres (1° ≈ 104 km at this latitude).
    tolerance = max((east - west) * 104_000 / 1000, 0.05)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH box AS (SELECT ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, {WGS84_SRID}), {VN2000_SRID}) AS b)
            SELECT p.code, p.land_use_id, p.area_m2,
                   ST_AsGeoJSON(ST_Transform(ST_SimplifyPreserveTopology(p.geom, %s), {WGS84_SRID}), 6)
              FROM land_parcel p, box
             WHERE p.geom && box.b
             ORDER BY p.id
             LIMIT %s OFFSET %s
            """,  # noqa: S608  # nosec B608: built from module constants and numbers, values are parameters
            [west, south, east, north, tolerance, limit + 1, (page - 1) * limit],
        )
        rows = cursor.fetchall()
    has_next = len(rows) > limit
    features = [
        {
            "type": "Feature",
            "id": code,
            "geometry": json.loads(geometry),
            "properties": {"code": code, "land_use": land_use, "area_m2": float(area)},
        }
        for code, land_use, area, geometry in rows[:limit]
    ]
    return {"type": "FeatureCollection", "features": features, "page": page, "has_next": has_next}


def parcel_feature(parcel: Parcel) -> dict:
    """One parcel as a GeoJSON Feature (EPSG:4326), public attributes only."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ST_AsGeoJSON(ST_Transform(geom, {WGS84_SRID}), 6) FROM land_parcel WHERE id = %s",  # noqa: S608  # nosec B608: constant SRID
            [parcel.pk],
        )
        geometry = json.loads(cursor.fetchone()[0])
    return {
        "type": "Feature",
        "id": parcel.code,
        "geometry": geometry,
        "properties": public_attributes(parcel),
    }


def public_attributes(parcel: Parcel) -> dict:
    return {
        "code": parcel.code,
        "commune_code": parcel.commune.code,
        "commune": parcel.commune.name,
        "legacy_commune": parcel.legacy_commune.name if parcel.legacy_commune_id else None,
        "sheet": parcel.sheet,
        "number": parcel.number,
        "land_use": parcel.land_use_id,
        "land_use_name": parcel.land_use.name,
        "area_m2": float(parcel.area_m2),
        "address": parcel.address,
        "use_form": parcel.use_form,
        "use_term": parcel.use_term,
        "origin": parcel.origin,
        "version": parcel.version,
    }


# --- land officials -------------------------------------------------------------------------------


def owners_of(user, parcel: Parcel) -> list[ParcelOwner]:
    """The parcel's land users, for a land official whose scope covers the parcel; audited."""
    if not may_handle_parcel(user, parcel):
        raise NotAllowedError
    owners = list(parcel.owners.order_by("id"))
    audit_record(actor=user, action="land.owner.view", obj=parcel, after={"owners": len(owners)})
    return owners


def owner_search(user, *, query: str, limit: int = 50) -> list[ParcelOwner]:
    """Land users whose name contains `query` or whose ID number equals it, within the official's
    scope. Every search is audited (who, what was searched, how many rows came back)."""
    scope = land_scope(user)
    if scope is None:
        raise NotAllowedError
    query = query.strip()
    qs = ParcelOwner.objects.select_related("parcel", "parcel__commune")
    if query.isdigit():
        qs = qs.filter(id_number=query)
    else:
        qs = qs.filter(full_name__icontains=query)
    if scope != "province":
        qs = qs.filter(parcel__commune=scope)
    rows = list(qs.order_by("full_name", "id")[:limit])
    audit_record(
        actor=user,
        action="land.owner.search",
        object_type="land.parcelowner",
        after={"query": query, "results": len(rows), "scope": "province" if scope == "province" else scope.code},
    )
    return rows


def parcel_versions(user, parcel: Parcel) -> list[ParcelVersion]:
    if not may_handle_parcel(user, parcel):
        raise NotAllowedError
    return list(parcel.versions.select_related("changed_by").order_by("-version")[:50])


def report_queue(user, *, status: str = "") -> QuerySet[ErrorReport]:
    scope = land_scope(user)
    if scope is None:
        raise NotAllowedError
    qs = ErrorReport.objects.select_related("parcel", "parcel__commune")
    if scope != "province":
        qs = qs.filter(parcel__commune=scope)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at")


def report_for_official(user, uid) -> ErrorReport | None:
    return report_queue(user).filter(uid=uid).first()


def my_reports(user) -> QuerySet[ErrorReport]:
    return ErrorReport.objects.filter(reporter=user).select_related("parcel").order_by("-created_at")


def is_land_user_of(user, parcel: Parcel) -> bool:
    """Whether the signed-in citizen is a land user of the parcel (by citizen ID number)."""
    if not user.is_authenticated or not getattr(user, "citizen_id", ""):
        return False
    return ParcelOwner.objects.filter(parcel=parcel, id_number=user.citizen_id).exists()


# --- statistics (indicators and the officials' page) ----------------------------------------------


def unit_kind_expression():
    """`_unit_kind` as a database expression (the same rule: a ward when its type says "phường")."""
    from django.db.models import Case, Value, When

    return Case(When(commune__division_type__icontains="phường", then=Value("phuong")), default=Value("xa"))


def split_minimum_expression():
    """The parcel's minimum area after a split, from the split rules (NULL: no rule for its type).
    The dozen rules are written into the statement as a CASE: a correlated subquery per parcel took
    31 s over the province's 2.35 M parcels."""
    from django.db.models import Case, IntegerField, Value, When

    rules = SplitRule.objects.values_list("land_use_id", "unit_kind", "min_area_m2").order_by("pk")
    whens = [When(land_use_id=land_use, unit_kind=kind, then=Value(minimum)) for land_use, kind, minimum in rules]
    if not whens:
        return Value(None, output_field=IntegerField())
    return Case(*whens, default=Value(None), output_field=IntegerField())


def statistics(commune_code: int | None = None) -> list[dict]:
    """Parcels and area per commune and land-use type, and how many of them the split rule lets be
    split (area ≥ twice the minimum for their type and unit kind, as the parcel sheet answers),
    counted over every parcel in the database, not a sample."""
    from django.db.models import F

    qs = Parcel.objects.all()
    if commune_code is not None:
        qs = qs.filter(commune__code=commune_code)
    return list(
        qs.annotate(unit_kind=unit_kind_expression(), split_min=split_minimum_expression())
        .values("commune__code", "commune__name", "land_use_id", "land_use__name")
        .annotate(
            parcels=Count("id"),
            total_area_m2=Sum("area_m2"),
            with_rule=Count("id", filter=Q(split_min__isnull=False)),
            splittable=Count("id", filter=Q(area_m2__gte=2 * F("split_min"))),
        )
        .order_by("commune__name", "land_use_id")
    )


STATISTICS_CACHE_SECONDS = 600
DATA_VERSION_KEY = "land:data-version"


def statistics_cached(commune_code: int | None = None) -> tuple[list[dict], bool]:
    """`statistics`, kept for up to ten minutes: over the province's 2.35 M parcels the grouping
    takes seconds (19 s measured at load 11). The key changes with every import and official's edit
    (`services` bump the data version) and with the newest parcel, so a change shows at once.
    Returns (rows, whether they came from the cache)."""
    from django.core.cache import cache

    newest = Parcel.objects.order_by("-id").values_list("id", flat=True)[:1]
    key = f"land:statistics:{commune_code}:{cache.get(DATA_VERSION_KEY, 0)}:{next(iter(newest), 0)}"
    rows = cache.get(key)
    if rows is not None:
        return rows, True
    rows = statistics(commune_code)
    cache.set(key, rows, STATISTICS_CACHE_SECONDS)
    return rows, False


def statistics_totals(rows: list[dict]) -> dict:
    """The province (or commune) line under the statistics table."""
    keys = ("parcels", "total_area_m2", "with_rule", "splittable")
    return {key: sum((row[key] or 0) for row in rows) for key in keys}


def split_rules_verified() -> bool:
    """Whether the split figures are the province's decision (the reference file says so)."""
    import json
    from pathlib import Path

    path = Path(__file__).parent / "reference" / "split-rules.json"
    return bool(json.loads(path.read_text(encoding="utf-8")).get("verified"))


def land_use_codes() -> QuerySet[LandUseCode]:
    return LandUseCode.objects.filter(is_active=True)


def geometry_from_geojson(text: str) -> GEOSGeometry:
    return GEOSGeometry(text, srid=WGS84_SRID)


def communes_overview_geojson() -> str:
    """The communes as one small FeatureCollection (simplified to ~0.001°), cached for an hour."""
    from django.core.cache import cache

    cached = cache.get("land:communes-overview")
    if cached:
        return cached
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
                'type', 'Feature', 'id', code, 'properties', json_build_object('code', code, 'name', name),
                'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology(geometry, 0.001), 5)::json)), '[]'::json))::text
              FROM geo_administrativeunit
             WHERE structure = '2025' AND level = 'commune' AND geometry IS NOT NULL
            """
        )
        text = cursor.fetchone()[0]
    cache.set("land:communes-overview", text, 3600)
    return text


# --- imports -------------------------------------------------------------------------------------


def imports_for(user) -> QuerySet[ParcelImport]:
    """The import runs, for province-wide land officials only (the files hold the whole province)."""
    if land_scope(user) != "province":
        raise NotAllowedError
    return ParcelImport.objects.select_related("created_by").order_by("-created_at")


def import_alive(record: ParcelImport) -> bool:
    """Whether a "running" import still has a live process (its staging lock is held). A killed
    one is shown as stopped until the next import or `import_parcels --cleanup` marks it failed."""
    from government.land.importer import staging_alive

    return record.status == ParcelImport.Status.RUNNING and staging_alive(record.token)
