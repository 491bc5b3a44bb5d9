"""Parcel import from GeoJSON / GeoJSONSeq / Shapefile (anything GDAL's OGR reads), set-based:

1. **Load** — GDAL's `ogr2ogr` (C) streams the file into an UNLOGGED staging table by COPY, every
   attribute as text and the geometry as read, with `pos` = the feature's position in the file
   (from 1, assigned in file order by the table's serial). Python never touches a feature: the
   per-feature Python work was the old importer's bottleneck (≈ 235 µs per feature, ADR 1201).
2. **Check** — one `CREATE TABLE … AS SELECT` judges every feature in SQL and writes the typed row
   or the reason it is refused (missing field, unknown commune or land-use code, non-integer sheet
   or parcel number, no/empty/non-polygon geometry, coordinates outside Lạng Sơn — usually a wrong
   projection —, invalid geometry after transformation to VN-2000, a duplicate code: the later
   feature wins). The transformation to VN-2000 TM-3 happens there, in PostGIS.
3. **Upsert** — in chunks of `batch_size` positions, each its own transaction: the state a
   re-import replaces becomes a ParcelVersion, then one INSERT … ON CONFLICT (code) DO UPDATE …
   WHERE the row changed, then the owners carried by the file.

Memory stays constant: ogr2ogr streams, and Python holds one chunk's counters. A bad feature is
reported with its position and reason and skipped; the import goes on. A file that stops in the
middle (truncated) keeps what was read before the break and reports where it broke. A crash loses
at most the chunk in flight; running the import again resumes (the upsert is idempotent).

A killed import (SIGKILL, a lost worker, a power cut) cannot drop its staging tables. Each import
holds a PostgreSQL advisory lock named after its tables' suffix for as long as its session lives;
the next import (or `manage.py import_parcels --cleanup`) drops every `land_import_*` table whose
lock nobody holds (`drop_orphaned_staging`). PostgreSQL releases the lock when the session ends,
however the process died.

Input attributes (one schema, in Vietnamese like the cadastral files): `ma_xa` (2025 commune code),
`so_to`, `so_thua`, `loai_dat` (land-use code), optional `dien_tich` (m², else the geometry's
area), `dia_chi`, `hinh_thuc`, `thoi_han`, `nguon_goc`, `ma_xa_cu` (legacy commune code) and the
owner's `chu_ten`, `chu_cccd`, `chu_dia_chi` (stored in ParcelOwner only; the staging tables that
held them are dropped when the import ends). No reason, log line or message quotes an owner value.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction

from government.land.geo import PROVINCE_BBOX_VN2000, VN2000_PROJ4, VN2000_SRID

REQUIRED = ("ma_xa", "so_to", "so_thua", "loai_dat")
OPTIONAL = (
    "dien_tich",
    "dia_chi",
    "hinh_thuc",
    "thoi_han",
    "nguon_goc",
    "ma_xa_cu",
    "chu_ten",
    "chu_cccd",
    "chu_dia_chi",
)
DEFAULT_BATCH = 100_000  # features per committed chunk of the upsert
MAX_REPORTED = 1000  # problems kept in the result; the count goes on beyond it
OGR2OGR = os.environ.get("OGR2OGR", "ogr2ogr")
VN2000_ALIASES = ("vn2000", "vn-2000", str(VN2000_SRID))


class ImportAbortedError(Exception):
    """The file cannot be imported at all (unreadable, no layer, a required field absent from its
    schema, no spatial reference and none given)."""


@dataclass
class Problem:
    position: int  # feature index in the file, from 1 (0: the file as a whole)
    reason: str

    def __str__(self):
        return f"#{self.position}: {self.reason}" if self.position else self.reason


@dataclass
class ImportResult:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    truncated: bool = False
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # load / check / upsert wall seconds

    def problem(self, position: int, reason: str) -> None:
        self.skipped += position > 0
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(Problem(position, reason))


# Phases reported to a listener (the progress rows of a ParcelImport) and their bar labels.
PHASE_LABELS = {"load": "đọc tệp", "check": "kiểm tra", "save": "lưu"}
Listener = Callable[[str, float, "ImportResult"], None]


class _Progress:
    """A one-line progress bar on stderr: reading the file (ogr2ogr's own percentage), checking,
    then saving chunk by chunk (the import of 2.3 M parcels takes minutes); each step is also given
    to `listener` (phase, share 0–1, the counters so far) for the web progress page."""

    def __init__(self, stream=None, enabled: bool = True, listener: Listener | None = None, result=None):
        self.stream, self.enabled = stream or sys.stderr, enabled
        self.listener, self.result = listener, result
        self.started = time.perf_counter()

    def show(self, phase: str, share: float, detail: str = "") -> None:
        share = min(max(share, 0.0), 1.0)
        if self.listener is not None:
            self.listener(phase, share, self.result)
        if not self.enabled:
            return
        label = PHASE_LABELS.get(phase, phase)
        bar = "#" * int(share * 30)
        elapsed = time.perf_counter() - self.started
        self.stream.write(f"\r{label:<8} [{bar:<30}] {share:6.1%} {detail} {elapsed:5.0f} s   ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")


# --- 1. load: ogr2ogr → UNLOGGED staging table ----------------------------------------------------


def _resolve_srs(srs: str | None) -> tuple[int | None, str | None]:
    """--srs as a PostGIS SRID (EPSG codes and our VN-2000) or, failing that, a PROJ string."""
    if not srs:
        return None, None
    text = srs.strip()
    if text.lower() in VN2000_ALIASES:
        return VN2000_SRID, None
    number = text.upper().removeprefix("EPSG:")
    if number.isdigit():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM spatial_ref_sys WHERE srid = %s", [int(number)])
            if cursor.fetchone():
                return int(number), None
    from django.contrib.gis.gdal import GDALException, SpatialReference

    try:
        return None, SpatialReference(text).proj
    except (GDALException, TypeError) as exc:
        raise ImportAbortedError(f"unknown spatial reference {srs!r}: {exc}") from exc


def _pg_env() -> tuple[str, dict]:
    """ogr2ogr's connection: the same database as Django's connection (the test database in
    tests), credentials through libpq's environment rather than the command line."""
    conf = connection.settings_dict
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", conf.get("HOST")),
        ("PGPORT", conf.get("PORT")),
        ("PGUSER", conf.get("USER")),
        ("PGPASSWORD", conf.get("PASSWORD")),
    ):
        if value:
            env[key] = str(value)
    env["PGDATABASE"] = conf["NAME"]
    # COPY rather than INSERTs; no per-layer ANALYZE of a table we read once, sequentially.
    env.update({"PG_USE_COPY": "YES", "OGR_PG_SKIP_CONFLICTS": "NO", "CPL_LOG": os.devnull})
    return "PG:dbname='" + conf["NAME"].replace("'", "\\'") + "'", env


def _load(path: str, stage: str, *, assign_none: bool, skip_failures: bool, bar: _Progress) -> tuple[int, str]:
    """Stream the file into `stage` with ogr2ogr (its percentage drives the bar); returns
    ogr2ogr's exit status and first error line."""
    dsn, env = _pg_env()
    command = [
        OGR2OGR,
        "-f",
        "PostgreSQL",
        dsn,
        path,
        "-nln",
        stage,
        "-lco",
        "UNLOGGED=ON",
        "-lco",
        "SPATIAL_INDEX=NONE",
        "-lco",
        "GEOMETRY_NAME=geom",
        "-lco",
        "FID=pos",
        "-nlt",
        "GEOMETRY",
        "-dim",
        "XY",
        "-mapFieldType",
        "All=String",
        "-gt",
        "65536",
        "-progress",
    ]
    if skip_failures:
        # The slow path for a damaged file: one transaction per feature (about 15 times slower),
        # so a feature GDAL cannot read is skipped and what came before the break is kept.
        command.append("-skipfailures")
    if assign_none:
        command += ["-a_srs", "None"]  # the --srs given replaces whatever the file says
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=env)  # noqa: S603
        done = 0
        while chunk := process.stdout.read1(64):
            # "0...10...20...": a number every 10 %, a dot every 2.5 %.
            for token in re.findall(rb"\d+|\.", chunk):
                done = int(token) if token != b"." else done + 2.5
                bar.show("load", done / 100)
        returncode = process.wait()
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    return returncode, _gdal_error(stderr)


def _gdal_error(stderr: str) -> str:
    """GDAL's first error line, shortened (it names a file or a parse position, never a value)."""
    lines = [line.strip() for line in stderr.splitlines() if line.startswith(("ERROR", "FAILURE"))]
    return lines[0][:200] if lines else ""


def _columns(cursor, table: str) -> set[str]:
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped",
        [table],
    )
    return {name for (name,) in cursor.fetchall()}


def _complete_part(path: str) -> tuple[str, bool]:
    """(what to give GDAL, whether the file was cut). A GeoJSONSeq file that ends inside a record
    (an interrupted copy) is read up to its last complete line through GDAL's /vsisubfile/: GDAL
    would otherwise fail on the broken record and roll back the features read before it."""
    import json

    with open(path, "rb") as handle:
        head = handle.read(4096).lstrip(b"\x1e \t\r\n\xef\xbb\xbf")
        first = head.split(b"\n", 1)[0]
        if not (first.startswith(b"{") and b'"Feature"' in first and b'"FeatureCollection"' not in first):
            return path, False  # not GeoJSONSeq
        size = os.path.getsize(path)
        start = max(0, size - 1_000_000)
        handle.seek(start)
        tail = handle.read()
    end = len(tail.rstrip(b"\r\n \t"))
    last_break = tail.rfind(b"\n", 0, end)
    last = tail[last_break + 1 : end].strip().strip(b"\x1e")
    try:
        json.loads(last)
    except ValueError:
        return f"/vsisubfile/0_{start + last_break + 1},{path}", True
    return path, False


# --- 2. check: one statement judges every feature ----------------------------------------------------

# A text that is a whole positive number (7, 7.0, " 7 "), as integer, else NULL.
_INT = r"""CASE WHEN {v} ~ '^\s*[0-9]{{1,9}}(\.0*)?\s*$' THEN nullif(split_part(btrim({v}), '.', 1)::integer, 0) END"""
# A decimal number (comma or point), else NULL; the caller tells 'absent' from 'not a number'.
_NUM = r"""CASE WHEN replace(btrim({v}), ',', '.') ~ '^[+-]?([0-9]{{1,11}}(\.[0-9]*)?|\.[0-9]+)$'
                THEN round(replace(btrim({v}), ',', '.')::numeric, 1) END"""

_CHECK = """
CREATE UNLOGGED TABLE {rows} AS
SELECT s.pos, p.code, u.id AS commune_id, lu.id AS legacy_commune_id, f.sheet, f.number,
       c.code AS land_use_id, coalesce(f.area_m2, round(ST_Area(g.geom)::numeric, 1)) AS area_m2,
       left(btrim(coalesce({dia_chi}, '')), 255) AS address,
       CASE WHEN btrim({hinh_thuc}) = ANY(%(forms)s) THEN btrim({hinh_thuc}) ELSE '' END AS use_form,
       left(btrim(coalesce({thoi_han}, '')), 60) AS use_term,
       left(btrim(coalesce({nguon_goc}, '')), 255) AS origin,
       nullif(left(btrim({chu_ten}), 150), '') AS owner_name,
       nullif(left(btrim({chu_cccd}), 12), '') AS owner_id,
       nullif(left(btrim({chu_dia_chi}), 255), '') AS owner_address,
       g.geom, coalesce(p.problem, q.problem) AS problem
  FROM {stage} s
  CROSS JOIN LATERAL (
    SELECT {int_commune} AS commune_code, {int_sheet} AS sheet, {int_number} AS number,
           {num_area} AS area_m2,
           concat_ws(', ',
             CASE WHEN nullif(btrim(s.ma_xa), '') IS NULL THEN 'ma_xa' END,
             CASE WHEN nullif(btrim(s.so_to), '') IS NULL THEN 'so_to' END,
             CASE WHEN nullif(btrim(s.so_thua), '') IS NULL THEN 'so_thua' END,
             CASE WHEN nullif(btrim(s.loai_dat), '') IS NULL THEN 'loai_dat' END) AS missing
  ) f
  LEFT JOIN geo_administrativeunit u ON u.structure = '2025' AND u.level = 'commune' AND u.code = f.commune_code
  LEFT JOIN geo_administrativeunit lu ON lu.structure = 'legacy' AND lu.level = 'commune' AND lu.code = {int_legacy}
  LEFT JOIN land_landusecode c ON c.code = upper(btrim(s.loai_dat))
  -- Each LATERAL step is fenced (OFFSET 0) so its result is computed once per feature, not once
  -- per reference (PostgreSQL would otherwise inline the expression everywhere it is used).
  CROSS JOIN LATERAL (
    SELECT CASE WHEN u.id IS NOT NULL AND f.sheet IS NOT NULL AND f.number IS NOT NULL THEN
                CASE WHEN length(u.code::text) < 5 THEN lpad(u.code::text, 5, '0') ELSE u.code::text END
                || '-' || f.sheet || '-' || f.number END AS code,
           CASE
             WHEN f.missing <> '' THEN 'missing field(s): ' || f.missing
             WHEN u.id IS NULL THEN format('unknown 2025 commune code ma_xa=%%L', btrim(s.ma_xa))
             WHEN f.sheet IS NULL OR f.number IS NULL THEN
                  format('so_to/so_thua must be positive integers (so_to=%%L, so_thua=%%L)', s.so_to, s.so_thua)
             WHEN c.code IS NULL THEN format('unknown land-use code loai_dat=%%L', btrim(s.loai_dat))
             WHEN s.geom IS NULL THEN 'no geometry'
             WHEN GeometryType(s.geom) NOT IN ('POLYGON', 'MULTIPOLYGON')
                  THEN 'geometry is a ' || replace(ST_GeometryType(s.geom), 'ST_', '') || ', not a polygon'
             WHEN ST_IsEmpty(s.geom) THEN 'empty geometry'
             WHEN nullif(btrim({dien_tich}), '') IS NOT NULL AND f.area_m2 IS NULL
                  THEN format('dien_tich is not a number: %%L', {dien_tich})
             WHEN f.area_m2 <= 0 THEN format('dien_tich must be positive: %%L', {dien_tich})
             WHEN NOT (ST_SetSRID(s.geom, 0) && %(src_box)s::geometry)
                  THEN 'geometry outside Lạng Sơn after transformation (wrong projection?)'
           END AS problem
    OFFSET 0
  ) p
  CROSS JOIN LATERAL (SELECT CASE WHEN p.problem IS NULL THEN ST_Multi({transform}) END AS geom OFFSET 0) g
  CROSS JOIN LATERAL (
    SELECT CASE
             WHEN g.geom IS NULL THEN NULL
             WHEN NOT ST_Intersects(g.geom, %(box)s::geometry)
                  THEN 'geometry outside Lạng Sơn after transformation (wrong projection?)'
             WHEN NOT ST_IsValid(g.geom) THEN 'invalid geometry: ' || ST_IsValidReason(g.geom)
             WHEN f.area_m2 IS NULL AND ST_Area(g.geom) < 0.05 THEN 'the geometry has no area'
           END AS problem
    OFFSET 0
  ) q
"""


def _transform_sql(srid: int | None, proj: str | None) -> tuple[str, str]:
    """(SQL turning the staged `s.geom` into VN-2000, SQL turning the VN-2000 box `b` into the source's coordinates)."""
    if srid == VN2000_SRID or proj == VN2000_PROJ4:
        return f"ST_SetSRID(s.geom, {VN2000_SRID})", "b"
    if srid:
        return f"ST_Transform(ST_SetSRID(s.geom, {int(srid)}), {VN2000_SRID})", f"ST_Transform(b, {int(srid)})"
    return f"ST_Transform(ST_SetSRID(s.geom, 0), %(proj)s, {VN2000_SRID})", "ST_Transform(b, %(proj)s)"


def _check(cursor, stage: str, rows: str, *, srid: int | None, proj: str | None) -> None:
    from government.land.models import Parcel

    present = _columns(cursor, stage)
    transform, box_to_source = _transform_sql(srid, proj)
    x0, y0, x1, y1 = PROVINCE_BBOX_VN2000
    # The province box, and the same box in the file's coordinates (densified: its edges curve
    # there), computed once and passed as constants (as a CTE, the planner inlined the transformation
    # into every row: 0.7 ms per feature).
    boxes = (
        f"SELECT ST_AsEWKT(b), ST_AsEWKT(ST_SetSRID({box_to_source}, 0)) "  # noqa: S608  # nosec B608: module constants
        f"FROM ST_Segmentize(ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, {VN2000_SRID}), 2000) AS b"
    )
    cursor.execute(
        boxes,
        {"x0": x0, "y0": y0, "x1": x1, "y1": y1, "proj": proj},
    )
    box, src_box = cursor.fetchone()
    # An optional attribute absent from the file's schema reads as NULL.
    cols = {name: (f's."{name}"' if name in present else "NULL::text") for name in OPTIONAL}
    sql = _CHECK.format(
        rows=rows,
        stage=stage,
        transform=transform,
        int_commune=_INT.format(v="s.ma_xa"),
        int_sheet=_INT.format(v="s.so_to"),
        int_number=_INT.format(v="s.so_thua"),
        int_legacy=_INT.format(v=cols["ma_xa_cu"]),
        num_area=_NUM.format(v=cols["dien_tich"]),
        **cols,
    )
    # JIT compiling this one-off statement costs more than it saves (1.3 s measured on 10,000
    # rows); Memoize would hash each feature's whole reason expression for no hit.
    cursor.execute("SET LOCAL jit = off")
    cursor.execute("SET LOCAL enable_memoize = off")
    params = {"forms": list(Parcel.UseForm.values), "proj": proj, "box": box, "src_box": src_box}
    cursor.execute(sql, params)  # nosec B608: table names are the importer's own staging tables, values are parameters
    # The last occurrence of a code in the file wins (ON CONFLICT cannot touch a row twice).
    cursor.execute(
        f"""
        UPDATE {rows} r SET problem = 'same commune, sheet and parcel number as a later feature: the later one is kept'
          FROM (SELECT pos, row_number() OVER (PARTITION BY code ORDER BY pos DESC) AS n
                  FROM {rows} WHERE problem IS NULL) d
         WHERE d.n > 1 AND r.pos = d.pos
        """  # noqa: S608  # nosec B608: table names are generated here, values are parameters
    )
    cursor.execute(f"CREATE INDEX ON {rows} (pos) WHERE problem IS NULL")
    cursor.execute(f"ANALYZE {rows}")


# --- 3. upsert, chunk by chunk ----------------------------------------------------------------------

_ATTRS = (
    "commune_id",
    "legacy_commune_id",
    "sheet",
    "number",
    "land_use_id",
    "area_m2",
    "address",
    "use_form",
    "use_term",
    "origin",
)


def _changed(old: str, new: str) -> str:
    """SQL: the staged row differs from the stored one (so unchanged parcels keep their version)."""
    attrs = " OR ".join(f"{old}.{a} IS DISTINCT FROM {new}.{a}" for a in _ATTRS)
    return f"({attrs} OR NOT ST_OrderingEquals({old}.geom, {new}.geom))"


def _upsert(cursor, rows: str, first: int, last: int, result: ImportResult) -> None:
    chunk = f"(SELECT * FROM {rows} WHERE pos >= {int(first)} AND pos <= {int(last)} AND problem IS NULL)"  # noqa: S608  # nosec B608: a generated name and integers
    changed = _changed("p", "s")
    # History first: the state a re-import replaces becomes a version of the parcel.
    cursor.execute(
        f"""
        INSERT INTO land_parcelversion (parcel_id, version, attributes, geom, reason, changed_at)
        SELECT p.id, p.version,
               jsonb_build_object('land_use', p.land_use_id, 'area_m2', p.area_m2, 'address', p.address,
                                  'use_form', p.use_form, 'use_term', p.use_term, 'origin', p.origin,
                                  'sheet', p.sheet, 'number', p.number),
               p.geom, 'import', now()
          FROM land_parcel p JOIN {chunk} s ON s.code = p.code
         WHERE {changed}
        """  # noqa: S608  # nosec B608: built from module constants and numbers
    )
    cols = ", ".join(_ATTRS)
    updates = ", ".join(f"{a} = EXCLUDED.{a}" for a in (*_ATTRS, "geom"))
    cursor.execute(
        f"""
        WITH up AS (
            INSERT INTO land_parcel (code, {cols}, geom, version, updated_at)
            SELECT code, {cols}, geom, 1, now() FROM {chunk} s
            ON CONFLICT (code) DO UPDATE SET {updates}, version = land_parcel.version + 1, updated_at = now()
             WHERE {_changed("land_parcel", "EXCLUDED")}
            RETURNING (xmax = 0) AS new
        )
        SELECT count(*) FILTER (WHERE new), count(*) FILTER (WHERE NOT new),
               (SELECT count(*) FROM {chunk} c) FROM up
        """  # noqa: S608  # nosec B608: built from module constants and numbers
    )
    inserted, updated, staged = cursor.fetchone()
    result.inserted += inserted
    result.updated += updated
    result.unchanged += staged - inserted - updated
    # Owners: a feature that carries an owner replaces the parcel's owners with it.
    cursor.execute(
        f"""
        DELETE FROM land_parcelowner o USING land_parcel p, {chunk} s
         WHERE o.parcel_id = p.id AND p.code = s.code AND s.owner_name IS NOT NULL
        """  # noqa: S608  # nosec B608: built from module constants and numbers
    )
    cursor.execute(
        f"""
        INSERT INTO land_parcelowner (parcel_id, full_name, id_number, address, share)
        SELECT p.id, s.owner_name, coalesce(s.owner_id, ''), coalesce(s.owner_address, ''), ''
          FROM {chunk} s JOIN land_parcel p ON p.code = s.code
         WHERE s.owner_name IS NOT NULL
        """  # noqa: S608  # nosec B608: built from module constants and numbers
    )


# --- staging tables of killed imports ------------------------------------------------------------

STAGE_PREFIX = "land_import_"
_STAGE_NAME = re.compile(r"^land_import_([0-9a-f]{12})(_rows)?$")
# The first key of the two-int advisory locks that mark a live import (the number, so no
# other lock of the portal can share it); the second key comes from the staging tables' suffix.
STAGE_LOCK_CLASS = 1202


def _lock_key(token: str) -> int:
    return int(token[:8], 16) - 2**31  # a signed int4


def hold(token: str) -> None:
    """Mark the import `token` as live for as long as this session lasts (or until `release`).
    Re-entrant: each hold needs its release."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [STAGE_LOCK_CLASS, _lock_key(token)])


def release(token: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [STAGE_LOCK_CLASS, _lock_key(token)])


def staging_alive(token: str) -> bool:
    """Whether the import with this token still runs: its session holds the advisory lock. (Asked
    from the importing session itself, PostgreSQL's re-entrant lock would answer False: call it
    from any other session, as the web pages and the next import do.)"""
    if not token:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [STAGE_LOCK_CLASS, _lock_key(token)])
        if not cursor.fetchone()[0]:
            return True
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [STAGE_LOCK_CLASS, _lock_key(token)])
    return False


def staging_tables() -> dict[str, list[str]]:
    """The importer's staging tables in the current schema, by token."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace"
            " AND relname ~ %s",
            [_STAGE_NAME.pattern],
        )
        names = [name for (name,) in cursor.fetchall()]
    tables: dict[str, list[str]] = {}
    for name in names:
        if match := _STAGE_NAME.match(name):
            tables.setdefault(match.group(1), []).append(name)
    return tables


def drop_orphaned_staging() -> list[str]:
    """Drop the staging tables of imports that no longer run (their lock is free: the process was
    killed before its own clean-up). Returns the dropped tables' names. Tables of a running import
    are left alone. Run at the start of every import and by `import_parcels --cleanup`."""
    dropped = []
    for token, tables in sorted(staging_tables().items()):
        with connection.cursor() as cursor:
            # Held while dropping, so an import cannot start with this token meanwhile (it cannot:
            # tokens are random, but the lock costs nothing).
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [STAGE_LOCK_CLASS, _lock_key(token)])
            if not cursor.fetchone()[0]:
                continue
            try:
                for table in tables:
                    cursor.execute(f'DROP TABLE IF EXISTS "{table}"')  # a name matched by _STAGE_NAME
                    dropped.append(table)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [STAGE_LOCK_CLASS, _lock_key(token)])
    return dropped


def new_token() -> str:
    return uuid.uuid4().hex[:12]


# --- the whole import ---------------------------------------------------------------------------------


def _drop(*tables: str) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def import_parcels(
    path: str,
    *,
    srs: str | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress: bool = False,
    listener: Listener | None = None,
    token: str | None = None,
) -> ImportResult:
    """Import (insert or update) the parcels of `path`. Each chunk of `batch_size` features
    commits on its own. Raises ImportAbortedError when the file cannot be read at all. Side
    effects: drops the staging tables killed imports left; two UNLOGGED staging tables
    `land_import_<token>…` exist while it runs, under an advisory lock of this session; `listener`
    is called with each step of progress (phase "load" | "check" | "save", share 0–1, counters)."""
    started = time.perf_counter()
    path = str(path)
    if not os.path.isfile(path) or not os.access(path, os.R_OK):
        raise ImportAbortedError(f"GDAL cannot read {path}: no such readable file")
    srid, proj = _resolve_srs(srs)
    drop_orphaned_staging()
    token = token or new_token()
    if not re.fullmatch(r"[0-9a-f]{12}", token):
        raise ValueError("token: 12 hexadecimal digits")
    stage, rows = f"{STAGE_PREFIX}{token}", f"{STAGE_PREFIX}{token}_rows"
    result = ImportResult()
    bar = _Progress(enabled=progress, listener=listener, result=result)
    hold(token)
    try:
        bar.show("load", 0.0)
        source, cut = _complete_part(path)
        returncode, gdal_error = _load(source, stage, assign_none=bool(srs), skip_failures=False, bar=bar)
        if returncode != 0:
            # GDAL stopped on something it could not read; its open transaction (up to 65,536
            # features) was rolled back. Load again, feature by feature, to keep all it can read.
            _drop(stage)
            returncode, gdal_error = _load(source, stage, assign_none=bool(srs), skip_failures=True, bar=bar)
        result.phases["load"] = time.perf_counter() - started
        bar.show("load", 1.0)
        with connection.cursor() as cursor:
            present = _columns(cursor, stage)
            if not present:
                raise ImportAbortedError(f"GDAL cannot read {path}: {gdal_error or 'no layer found'}")
            missing = [name for name in REQUIRED if name not in present]
            if missing:
                raise ImportAbortedError(f"required fields missing from the file: {', '.join(missing)}")
            cursor.execute(f"SELECT count(*), coalesce(max(pos), 0) FROM {stage}")  # noqa: S608  # nosec B608: stage is our generated table name
            result.read, last = cursor.fetchone()
            if not srs:
                cursor.execute("SELECT Find_SRID('public', %s, 'geom')", [stage])
                srid = cursor.fetchone()[0] or None
                if srid is None:
                    raise ImportAbortedError(
                        "the file has no spatial reference: give one with --srs (e.g. 4326 or vn2000)"
                    )
        if returncode != 0 or gdal_error:
            # GDAL could not read part of the file: what came before the break is kept.
            result.truncated = True
            result.problem(
                0, f"the file breaks after feature #{last} (truncated or corrupt): {gdal_error or 'GDAL error'}"
            )
        elif cut:
            result.truncated = True
            result.problem(0, f"the file ends inside a record after feature #{last} (truncated)")
        bar.show("check", 0.0, f"{result.read:,}")
        mark = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            _check(cursor, stage, rows, srid=srid, proj=proj)
            cursor.execute(f"DROP TABLE {stage}")
            cursor.execute(f"SELECT pos, problem FROM {rows} WHERE problem IS NOT NULL ORDER BY pos")  # noqa: S608  # nosec B608: generated table name
            while batch := cursor.fetchmany(1000):
                for pos, reason in batch:
                    result.problem(pos, reason)
        result.phases["check"] = time.perf_counter() - mark
        bar.show("check", 1.0, f"{result.read:,}")
        mark = time.perf_counter()
        size = max(1, int(batch_size))
        for first in range(1, last + 1, size):
            with transaction.atomic(), connection.cursor() as cursor:
                _upsert(cursor, rows, first, first + size - 1, result)
            done = min(first + size - 1, last)
            bar.show("save", done / last, f"{done:,}/{last:,}")
        if result.inserted or result.updated:
            from government.land import tiles

            tiles.invalidate_all()  # stored map tiles may show parcels that changed
        result.phases["upsert"] = time.perf_counter() - mark
    finally:
        _drop(stage, rows)
        release(token)
        bar.close()
    result.seconds = time.perf_counter() - started
    return result
