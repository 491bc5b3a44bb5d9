"""Vector tiles of the parcels (`ST_AsMVT`), with a cache of the low-zoom tiles.

At zoom 14 a tile covers about 2 km × 2 km — some 1,600–3,000 parcels — and PostGIS needs
50–80 ms to clip and encode them (measured on the 2.35 M-parcel benchmark set), which missed the
150 ms p95 target under load. Parcels change rarely (an official's edit, an import), so tiles at
zooms ≤ TILE_CACHE_MAX_ZOOM are kept in `land_parceltile` once rendered (or warmed ahead by
`manage.py land_tiles --warm`) and dropped when a parcel inside them changes. Zooms above it render
live: a tile there holds few parcels (≤ 400 at z16) and renders in a few milliseconds.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from government.land.geo import PROVINCE_BBOX_WGS84, VN2000_SRID, WGS84_SRID
from government.land.models import ParcelTile

MIN_ZOOM = 14  # below it a tile would carry too many parcels: the map draws communes there
TILE_CACHE_MAX_ZOOM = 15
TILE_CACHE_SECONDS = 7 * 24 * 3600  # a safety net: a stored tile is rendered again after a week


def render(z: int, x: int, y: int) -> bytes:
    """The tile as PostGIS encodes it (layer `parcels`: code, land-use code)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH env AS (SELECT ST_TileEnvelope(%s, %s, %s) AS e),
            box AS (SELECT ST_Transform(e, {VN2000_SRID}) AS b FROM env)
            SELECT ST_AsMVT(t, 'parcels', 4096, 'geom') FROM (
                SELECT p.code, p.land_use_id AS land_use,
                       ST_AsMVTGeom(ST_Transform(p.geom, 3857), env.e, 4096, 64, true) AS geom
                  FROM land_parcel p, env, box
                 WHERE p.geom && box.b
            ) AS t
            """,  # noqa: S608  # nosec B608: built from module constants and numbers, values are parameters
            [z, x, y],
        )
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] else b""


def tile(z: int, x: int, y: int) -> bytes:
    """The tile at z/x/y: empty below MIN_ZOOM, from the cache up to TILE_CACHE_MAX_ZOOM."""
    if z < MIN_ZOOM:
        return b""
    if z > TILE_CACHE_MAX_ZOOM:
        return render(z, x, y)
    fresh_after = timezone.now() - timedelta(seconds=TILE_CACHE_SECONDS)
    stored = next(
        iter(ParcelTile.objects.filter(z=z, x=x, y=y, created_at__gt=fresh_after).values_list("mvt", flat=True)[:1]),
        None,
    )
    if stored is not None:
        return bytes(stored)
    data = render(z, x, y)
    store(z, x, y, data)
    return data


def store(z: int, x: int, y: int, data: bytes) -> None:
    """Keep a rendered tile; a concurrent render of the same tile keeps the newer copy."""
    ParcelTile.objects.update_or_create(z=z, x=x, y=y, defaults={"mvt": data, "created_at": timezone.now()})


def tile_range(z: int, west: float, south: float, east: float, north: float) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1): the tiles at zoom z covering a WGS84 box (Web Mercator tiling)."""
    n = 2**z

    def tx(lon: float) -> int:
        return min(n - 1, max(0, int((lon + 180) / 360 * n)))

    def ty(lat: float) -> int:
        lat = max(min(lat, 85.05), -85.05)
        return min(n - 1, max(0, int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)))

    return tx(west), ty(north), tx(east), ty(south)


def invalidate_bbox(west: float, south: float, east: float, north: float) -> int:
    """Drop the stored tiles that cover a WGS84 box (a parcel that changed); returns how many."""
    dropped = 0
    for z in range(MIN_ZOOM, TILE_CACHE_MAX_ZOOM + 1):
        x0, y0, x1, y1 = tile_range(z, west, south, east, north)
        dropped += ParcelTile.objects.filter(z=z, x__gte=x0, x__lte=x1, y__gte=y0, y__lte=y1).delete()[0]
    return dropped


_ENVELOPE_WGS84 = (
    "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "  # noqa: S608  # nosec B608: a constant SRID
    f"FROM ST_Transform(ST_Envelope(ST_GeomFromEWKT(%s)), {WGS84_SRID}) AS e"
)


def invalidate_geometries(*geoms) -> int:
    """Drop the stored tiles over these VN-2000 geometries (a parcel before and after an edit)."""
    dropped = 0
    for geom in geoms:
        if geom is None:
            continue
        with connection.cursor() as cursor:
            cursor.execute(_ENVELOPE_WGS84, [geom.ewkt])
            dropped += invalidate_bbox(*cursor.fetchone())
    return dropped


def invalidate_all() -> None:
    """After an import that changed parcels: every stored tile may be stale."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE land_parceltile")


def warm(zooms=(MIN_ZOOM,), *, log=lambda message: None) -> int:
    """Render and store every tile over the province at `zooms` that holds parcels (a command after
    an import, so the first visitors do not pay for rendering). Returns the number stored."""
    west, south, east, north = PROVINCE_BBOX_WGS84
    stored = 0
    for z in zooms:
        if not MIN_ZOOM <= z <= TILE_CACHE_MAX_ZOOM:
            continue
        x0, y0, x1, y1 = tile_range(z, west, south, east, north)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                data = render(z, x, y)
                if data:
                    store(z, x, y, data)
                    stored += 1
            log(f"z{z}: column {x - x0 + 1}/{x1 - x0 + 1}, {stored} tiles stored")
    return stored
