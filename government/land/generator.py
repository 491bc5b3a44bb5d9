"""Synthetic land data drawn inside the real 2025 commune boundaries (core.geo), in PostGIS itself:
a square grid per commune (ST_SquareGrid in VN-2000 metres) clipped to the boundary, so the parcels
tessellate each commune without gaps or overlaps; plan zones and price zones on coarser grids.

- `province`: 60 m cells over the whole province: about 2.3 million parcels (the seed's figure);
  one commune per statement, so memory stays flat and progress is logged per commune.
- `small`: a 400 m × 400 m patch of 40 m cells around a point inside each commune: about 6,500 parcels.

Idempotent: parcels, zones and owners already present (by code) are left as they are. Owners are
invented (names from a list, ID numbers with the province prefix 020 and a 9 series that no real
card uses here) for one parcel in `owner_every`.
"""

from collections.abc import Callable

from django.db import connection, transaction

from government.land.geo import VN2000_SRID

CELL_M = {"small": 40, "province": 60}
PATCH_HALF_M = {"small": 200, "province": None}  # None: the whole commune
SHEET_CELLS = 16  # a map sheet covers 16 × 16 cells
OWNER_EVERY = {"small": 1, "province": 50}

# The share of each land-use type, as cumulative percentiles over a hash of the cell: forest and
# perennial crops dominate a mountainous province; residential land sits in the wards.
LAND_USE_BUCKETS = [
    (12, "ONT"),
    (20, "LUC"),
    (26, "LUK"),
    (34, "BHK"),
    (48, "CLN"),
    (76, "RSX"),
    (88, "RPH"),
    (92, "NTS"),
    (96, "DGT"),
    (100, "NCS"),
]
WARD_BUCKETS = [(55, "ODT"), (62, "TMD"), (70, "CLN"), (78, "LUK"), (84, "DGT"), (90, "DGD"), (100, "BHK")]
PLAN_USES = ["ONT", "CLN", "RSX", "RPH", "LUC", "SKC", "DGT", "ODT", "TMD"]

SURNAMES = ["Hoàng", "Nông", "Lương", "Vi", "Lường", "Triệu", "Hà", "Lý", "Chu", "Đinh", "Nguyễn", "Lộc"]
GIVEN = [
    "Văn An",
    "Thị Bình",
    "Văn Cường",
    "Thị Dung",
    "Văn Đức",
    "Thị Hạnh",
    "Văn Hùng",
    "Thị Lan",
    "Văn Minh",
    "Thị Nga",
]


def _case(buckets, expr: str) -> str:
    parts = " ".join(f"WHEN {expr} < {limit} THEN '{code}'" for limit, code in buckets)
    return f"CASE {parts} END"


def generate(*, scale: str, log: Callable[[str], None] = print, commune_codes: list[int] | None = None) -> int:
    """Write the synthetic parcels, plan zones and price zones; returns the number of parcels added."""
    from core.geo.models import AdministrativeUnit as Unit

    units = Unit.objects.filter(structure="2025", level="commune", geometry__isnull=False).order_by("code")
    if commune_codes:
        units = units.filter(code__in=commune_codes)
    cell, half = CELL_M[scale], PATCH_HALF_M[scale]
    added = 0
    for unit in units.values("id", "code", "name", "division_type"):
        with transaction.atomic(), connection.cursor() as cursor:
            added += _commune(cursor, unit, cell=cell, half=half, owner_every=OWNER_EVERY[scale])
        log(f"land: commune {unit['code']} {unit['name']}: {added:,} parcels added so far")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE land_parcel; ANALYZE land_planzone; ANALYZE land_pricezone")
    return added


def _commune(cursor, unit: dict, *, cell: int, half: int | None, owner_every: int) -> int:
    ward = "phường" in unit["division_type"].lower()
    hash_expr = "(abs(hashtext(g.i || ':' || g.j || ':' || %(code)s)) %% 100)"
    land_use = _case(WARD_BUCKETS if ward else LAND_USE_BUCKETS, hash_expr)
    area = "c.g" if half is None else f"ST_Intersection(c.g, ST_Expand(ST_PointOnSurface(c.g), {half}))"
    params = {"id": unit["id"], "code": unit["code"], "name": unit["name"], "cell": cell, "sheet": SHEET_CELLS}
    cursor.execute(
        f"""
        WITH c AS MATERIALIZED (SELECT ST_Transform(geometry, {VN2000_SRID}) AS g
                                  FROM geo_administrativeunit WHERE id = %(id)s),
        a AS MATERIALIZED (SELECT {area} AS g FROM c),
        g AS MATERIALIZED (SELECT s.i, s.j, CASE WHEN ST_Within(s.geom, a.g) THEN ST_Multi(s.geom)
                                    ELSE ST_Multi(ST_CollectionExtract(ST_Intersection(s.geom, a.g), 3)) END AS geom
                FROM a, ST_SquareGrid(%(cell)s, a.g) AS s
               WHERE ST_Intersects(s.geom, a.g)),
        n AS (SELECT g.i, g.j, g.geom,
                     dense_rank() OVER (ORDER BY floor(g.i::float / %(sheet)s), floor(g.j::float / %(sheet)s)) AS sheet,
                     {land_use} AS land_use
                FROM g WHERE NOT ST_IsEmpty(g.geom) AND ST_Area(g.geom) >= 5),
        m AS (SELECT n.*, row_number() OVER (PARTITION BY sheet ORDER BY j DESC, i) AS number FROM n)
        INSERT INTO land_parcel (code, commune_id, sheet, number, land_use_id, area_m2, address, use_form, use_term,
                                 origin, geom, version, updated_at)
        SELECT lpad(%(code)s::text, 5, '0') || '-' || sheet || '-' || number, %(id)s, sheet, number, land_use,
               round(ST_Area(geom)::numeric, 1),
               'Thôn ' || (sheet %% 12 + 1) || ', ' || %(name)s,
               CASE WHEN land_use IN ('ONT', 'ODT') THEN 'cong-nhan' ELSE 'giao-khong-thu' END,
               CASE WHEN land_use IN ('ONT', 'ODT') THEN 'Lâu dài' ELSE 'Đến ngày 15/10/2063' END,
               CASE WHEN land_use IN ('ONT', 'ODT') THEN 'Công nhận QSDĐ như giao đất có thu tiền sử dụng đất'
                    ELSE 'Nhà nước giao đất không thu tiền sử dụng đất' END,
               geom, 1, now()
          FROM m
        ON CONFLICT (code) DO NOTHING
        """,  # noqa: S608  # nosec B608: built from module constants and numbers, values are parameters
        params,
    )
    added = cursor.rowcount
    # Owners: invented, one in `owner_every` parcels; only where the parcel has none yet.
    cursor.execute(
        """
        INSERT INTO land_parcelowner (parcel_id, full_name, id_number, address, share)
        SELECT p.id,
               (ARRAY%(surnames)s)[1 + p.id %% %(ns)s] || ' ' || (ARRAY%(given)s)[1 + (p.id / 7) %% %(ng)s],
               '0209' || lpad((p.id %% 100000000)::text, 8, '0'),
               p.address, 'Sử dụng riêng'
          FROM land_parcel p
         WHERE p.commune_id = %(id)s AND p.id %% %(every)s = 0
           AND NOT EXISTS (SELECT 1 FROM land_parcelowner o WHERE o.parcel_id = p.id)
        """.replace("%(surnames)s", _array(SURNAMES)).replace("%(given)s", _array(GIVEN)),  # nosec B608: module constants
        {"id": unit["id"], "ns": len(SURNAMES), "ng": len(GIVEN), "every": owner_every},
    )
    # Plan zones on a 1,200 m grid, price zones on a 600 m grid, both clipped to the same area.
    plan_use = (
        "(ARRAY["
        + ", ".join(f"'{u}'" for u in PLAN_USES)
        + f"])[1 + abs(hashtext(s.i || '/' || s.j)) %% {len(PLAN_USES)}]"
    )
    cursor.execute(
        f"""
        WITH c AS MATERIALIZED (SELECT ST_Transform(geometry, {VN2000_SRID}) AS g
                                  FROM geo_administrativeunit WHERE id = %(id)s),
        a AS MATERIALIZED (SELECT {area} AS g FROM c)
        INSERT INTO land_planzone (code, planned_use_id, plan_period, decision, geom)
        SELECT 'QH-' || %(code)s || '-' || s.i || '-' || s.j, {plan_use}, '2021-2030',
               'Quy hoạch sử dụng đất thời kỳ 2021–2030 (dữ liệu mô phỏng, không phải quyết định thật)',
               ST_Multi(ST_CollectionExtract(ST_Intersection(s.geom, a.g), 3))
          FROM a, ST_SquareGrid(1200, a.g) AS s
         WHERE ST_Intersects(s.geom, a.g) AND ST_Area(ST_Intersection(s.geom, a.g)) > 1
        ON CONFLICT (code) DO NOTHING
        """,  # noqa: S608  # nosec B608: built from module constants and numbers, values are parameters
        params,
    )
    # Price zones on a 600 m grid, one layer per land-use type the price table prices here.
    prices = [
        ("ODT" if ward else "ONT", 12_000_000 if ward else 2_400_000),
        ("CLN", 90_000),
        ("LUK", 70_000),
        ("RSX", 20_000),
    ]
    for price_use, base in prices:
        cursor.execute(
            f"""
            WITH c AS MATERIALIZED (SELECT ST_Transform(geometry, {VN2000_SRID}) AS g
                                  FROM geo_administrativeunit WHERE id = %(id)s),
            a AS MATERIALIZED (SELECT {area} AS g FROM c)
            INSERT INTO land_pricezone (code, land_use_id, road, position, price_per_m2, price_table, geom)
            SELECT 'GIA-' || %(use)s || '-' || %(code)s || '-' || s.i || '-' || s.j, %(use)s,
                   'Khu vực ' || (abs(s.i + s.j) %% 9 + 1) || ', ' || %(name)s,
                   1 + abs(hashtext(s.j || '/' || s.i)) %% 4,
                   (%(base)s / (1 + abs(hashtext(s.j || '/' || s.i)) %% 4))::bigint / 1000 * 1000,
                   'Bảng giá đất tỉnh Lạng Sơn (dữ liệu mô phỏng, không phải bảng giá thật)',
                   ST_Multi(ST_CollectionExtract(ST_Intersection(s.geom, a.g), 3))
              FROM a, ST_SquareGrid(600, a.g) AS s
             WHERE ST_Intersects(s.geom, a.g) AND ST_Area(ST_Intersection(s.geom, a.g)) > 1
            ON CONFLICT (code) DO NOTHING
            """,  # noqa: S608  # nosec B608: built from module constants and numbers, values are parameters
            {**params, "use": price_use, "base": base},
        )
    return added


def _array(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"
