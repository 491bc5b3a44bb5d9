"""Writes the request paths of the land benchmark from the parcels in the database (random sample):
lookups by commune/sheet/parcel, point-in-parcel lookups (WGS84 centres), tiles at zooms 14-18 over
those parcels, and parcel sheets. Usage: python bench/land/paths.py <out-dir> [sample]"""

import math
import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lang_son_portal.settings")
django.setup()

from django.db import connection  # noqa: E402


def tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def main() -> None:
    out = Path(sys.argv[1])
    sample = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    out.mkdir(parents=True, exist_ok=True)
    with connection.cursor() as cursor:
        # TABLESAMPLE: a random spread over the whole province without sorting 2.3 M rows.
        cursor.execute(
            """
            SELECT c.code, p.sheet, p.number, p.code, ST_X(w), ST_Y(w)
              FROM land_parcel p TABLESAMPLE SYSTEM (1) JOIN geo_administrativeunit c ON c.id = p.commune_id,
                   LATERAL ST_Transform(ST_PointOnSurface(p.geom), 4326) AS w
             LIMIT %s
            """,
            [sample],
        )
        rows = cursor.fetchall()
    lookups = [f"/dat-dai/tra-cuu/?by=sheet&commune={c}&sheet={s}&number={n}" for c, s, n, _code, _x, _y in rows]
    points = [f"/dat-dai/tra-cuu/?by=coords&system=wgs84&first={y:.7f}&second={x:.7f}" for *_r, x, y in rows]
    sheets = [f"/dat-dai/thua/{code}/" for _c, _s, _n, code, _x, _y in rows]
    (out / "lookups.txt").write_text("\n".join(lookups) + "\n")
    (out / "points.txt").write_text("\n".join(points) + "\n")
    (out / "sheets.txt").write_text("\n".join(sheets) + "\n")
    for z in range(14, 19):
        tiles = [f"/dat-dai/tiles/{z}/{tx}/{ty}.pbf" for tx, ty in (tile(x, y, z) for *_r, x, y in rows)]
        (out / f"tiles-{z}.txt").write_text("\n".join(tiles) + "\n")
    print(f"{len(rows)} parcels sampled into {out}")


if __name__ == "__main__":
    main()
