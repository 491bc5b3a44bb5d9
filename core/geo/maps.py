"""The province drawn on the server: an SVG base map of Lạng Sơn (its outline, its 65 communes and
wards with their names, the areas of the former districts) for pages that must work without
JavaScript (the public map of soft-ATM points). Built from the boundaries `load_reference_data`
loaded into `AdministrativeUnit.geometry` (core/geo/reference/SOURCES.md: attribution to show with
the map), projected once and cached: boundaries change only when the reference data does.

The projection is equirectangular with the longitude scaled by the cosine of the province's middle
latitude (at 22° N a degree of longitude is 0.93 of a degree of latitude), which is what a
1:1,000,000 map of a province this small looks like; x grows east, y grows south, in viewBox units.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

from django.contrib.gis.db.models import Union
from django.core.cache import cache
from django.db.models import Count, Max

from core.geo.models import AdministrativeUnit as Unit

WIDTH = 1000  # viewBox width; the height follows the province's shape
PAD = 12  # viewBox units left free around the province
# Drawn at ~1000 units across ~130 km: a unit is ~130 m, under a pixel on most screens. Simplifying
# to 0.0015° (~160 m) and whole units keeps every bend a reader can see and cuts the 45,658 vertices
# of the reference boundaries to a page of a few tens of kilobytes (less once compressed).
SIMPLIFY_DEGREES = 0.0015
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Place:
    name: str
    x: float
    y: float
    code: int | None = None
    path: str = ""  # SVG path data of the unit's boundary (communes only)
    kind: str = ""  # "xã" / "phường" (communes), "" for an area label

    @property
    def label(self) -> str:
        """The name as printed on the map: "Phường Đông Kinh" → "Đông Kinh" (the title keeps it whole)."""
        for prefix in ("phường ", "xã ", "thị trấn "):  # the reference data has one "xã Bắc Sơn"
            if self.name.lower().startswith(prefix):
                return self.name[len(prefix) :]
        return self.name


@dataclass(frozen=True)
class ProvinceMap:
    """What a template draws: `outline` (the province), `communes` (each with its path and where its
    name goes), `areas` (the former districts' names, for small screens), in a `width` × `height`
    viewBox. `project(lon, lat)` places a point (WGS 84) on it."""

    width: int
    height: int
    west: float
    north: float
    scale_x: float
    scale_y: float
    outline: str = ""
    communes: tuple[Place, ...] = field(default_factory=tuple)
    areas: tuple[Place, ...] = field(default_factory=tuple)

    def project(self, lon: float, lat: float) -> tuple[float, float] | None:
        """The point's place on the map, or None when it falls outside the drawing."""
        x = round((lon - self.west) * self.scale_x, 1)
        y = round((self.north - lat) * self.scale_y, 1)
        if 0 <= x <= self.width and 0 <= y <= self.height:
            return x, y
        return None


def _path(geometry, project) -> str:
    """SVG path data of a (multi)polygon: every ring closed, in whole units, repeated points dropped."""
    parts = []
    polygons = geometry if geometry.geom_type == "MultiPolygon" else [geometry]
    for polygon in polygons:
        for ring in polygon:
            points = []
            for lon, lat in ring.coords[:-1]:
                x, y = project(lon, lat)
                point = (round(x), round(y))
                if not points or points[-1] != point:
                    points.append(point)
            if len(points) < 3:
                continue
            (x0, y0), *rest = points
            parts.append(f"M{x0} {y0}" + "".join(f"L{x} {y}" for x, y in rest) + "Z")
    return "".join(parts)


def _short(name: str) -> str:
    """A former district's name as people say it: "Huyện Bắc Sơn" → "Bắc Sơn"."""
    for prefix in ("Thành phố ", "Thị xã ", "Huyện "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


# Lạng Sơn's extent (WGS 84): the frame when no boundaries are loaded (points are still placed).
EXTENT = (106.0, 21.3, 107.4, 22.5)


def _build() -> ProvinceMap:
    communes = list(
        Unit.objects.filter(structure=Unit.Structure.CURRENT, level=Unit.Level.COMMUNE, geometry__isnull=False)
        .only("code", "name", "division_type", "geometry")
        .order_by("code")
    )
    west, south, east, north = communes[0].geometry.extent if communes else EXTENT
    for unit in communes[1:]:
        x0, y0, x1, y1 = unit.geometry.extent
        west, south, east, north = min(west, x0), min(south, y0), max(east, x1), max(north, y1)
    squeeze = math.cos(math.radians((south + north) / 2))
    scale = (WIDTH - 2 * PAD) / ((east - west) * squeeze)
    height = math.ceil((north - south) * scale + 2 * PAD)
    shape = ProvinceMap(
        width=WIDTH,
        height=height,
        west=west - PAD / (scale * squeeze),
        north=north + PAD / scale,
        scale_x=scale * squeeze,
        scale_y=scale,
    )

    def project(lon, lat):
        return (lon - shape.west) * shape.scale_x, (shape.north - lat) * shape.scale_y

    if not communes:
        return shape
    places = []
    for unit in communes:
        label = unit.geometry.point_on_surface
        x, y = project(label.x, label.y)
        simple = unit.geometry.simplify(SIMPLIFY_DEGREES, preserve_topology=True)
        places.append(Place(unit.name, round(x, 1), round(y, 1), unit.code, _path(simple, project), unit.division_type))
    union = Unit.objects.filter(pk__in=[u.pk for u in communes]).aggregate(shape=Union("geometry"))["shape"]
    outline = _path(union.simplify(SIMPLIFY_DEGREES, preserve_topology=True), project) if union else ""
    # The former districts (abolished on 1 July 2025) are still the names people place a commune by:
    # each is labelled over the communes that took over its communes.
    areas = []
    for district in Unit.objects.filter(structure=Unit.Structure.LEGACY, level=Unit.Level.DISTRICT).order_by("code"):
        successors = Unit.objects.filter(
            structure=Unit.Structure.CURRENT, predecessors__parent=district, geometry__isnull=False
        ).distinct()
        area = Unit.objects.filter(pk__in=successors.values("pk")).aggregate(shape=Union("geometry"))["shape"]
        if area is None:
            continue
        label = area.point_on_surface
        x, y = project(label.x, label.y)
        areas.append(Place(_short(district.name), round(x, 1), round(y, 1), district.code))
    return ProvinceMap(**{**shape.__dict__, "outline": outline, "communes": tuple(places), "areas": tuple(areas)})


def _signature() -> str:
    """Changes whenever the loaded boundaries may have: how many units carry one and the newest id."""
    stats = Unit.objects.filter(geometry__isnull=False).aggregate(n=Count("pk"), last=Max("pk"))
    return hashlib.sha256(f"{stats['n']}:{stats['last']}".encode()).hexdigest()[:16]


def province_map() -> ProvinceMap:
    """The province's base map (only a frame when no boundaries are loaded), from the cache when it
    holds the one of the boundaries loaded now."""
    key = f"geo:province-map:v1:{_signature()}"
    drawn = cache.get(key)
    if drawn is None:
        drawn = _build()
        cache.set(key, drawn, CACHE_SECONDS)
    return drawn
