"""Parcel import from GeoJSON / GeoJSONSeq / Shapefile (anything GDAL's OGR reads), streamed:

1. OGR reads one feature at a time; the geometry is transformed to VN-2000 TM-3 in C (GDAL) and
   the attributes checked against the reference codes kept in memory;
2. every `batch_size` rows go by COPY into a temporary staging table (psycopg 3 `copy`),
3. where the database checks validity and the province bounds (a wrong projection lands far away)
   and reports the bad rows with their position, then
4. one INSERT … ON CONFLICT (code) DO UPDATE upserts the batch: a re-import updates the parcels
   whose content changed (their previous state goes to ParcelVersion) instead of duplicating them.

Memory stays constant (one batch). A bad feature is reported with its position (the feature's
index in the file, from 1) and reason, then skipped; the import goes on. A file that stops in the
middle (truncated) keeps what was read before the break and reports where it broke.

Input attributes (one schema, in Vietnamese like the cadastral files): `ma_xa` (2025 commune code),
`so_to`, `so_thua`, `loai_dat` (land-use code), optional `dien_tich` (m², else the geometry's
area), `dia_chi`, `hinh_thuc`, `thoi_han`, `nguon_goc`, `ma_xa_cu` (legacy commune code) and the
owner's `chu_ten`, `chu_cccd`, `chu_dia_chi` (stored in ParcelOwner only).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.gis.gdal import (
    CoordTransform,
    DataSource,
    GDALException,
    OGRGeometry,
    OGRGeomType,
    SpatialReference,
)
from django.contrib.gis.gdal.prototypes import ds as ogr_capi
from django.db import connection, transaction

from government.land.geo import PROVINCE_BBOX_VN2000, VN2000_SRID, vn2000_srs

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
MAX_REPORTED = 1000  # problems kept in the result; the count goes on beyond it

STAGE_COLUMNS = (
    "pos",
    "code",
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
    "owner_name",
    "owner_id",
    "owner_address",
    "geom",
)


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

    def problem(self, position: int, reason: str) -> None:
        self.skipped += position > 0
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(Problem(position, reason))


def _source_srs(layer, srs: str | None):
    if srs:
        if srs.lower() in ("vn2000", "vn-2000", str(VN2000_SRID)):
            return vn2000_srs()
        try:
            return SpatialReference(srs)
        except (GDALException, TypeError) as exc:
            raise ImportAbortedError(f"unknown spatial reference {srs!r}: {exc}") from exc
    if layer.srs is None:
        raise ImportAbortedError("the file has no spatial reference: give one with --srs (e.g. 4326 or vn2000)")
    return layer.srs


def _int(value) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        number = int(text)
    except ValueError:
        try:
            as_float = float(text)  # a numeric field written as real (7.0)
        except ValueError:
            return None
        if not as_float.is_integer():
            return None
        number = int(as_float)
    return number if number > 0 else None


def _text(value, limit: int) -> str:
    return "" if value is None else str(value).strip()[:limit]


class _Progress:
    """A one-line progress bar on stderr (the import of 2.3 M parcels takes minutes)."""

    def __init__(self, total: int | None, stream=None, enabled: bool = True):
        self.total, self.stream, self.enabled = total, stream or sys.stderr, enabled
        self.started = time.perf_counter()

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        rate = done / max(time.perf_counter() - self.started, 1e-6)
        if self.total:
            share = min(done / self.total, 1.0)
            bar = "#" * int(share * 30)
            self.stream.write(f"\r[{bar:<30}] {share:6.1%} {done:,}/{self.total:,} ({rate:,.0f}/s)")
        else:
            self.stream.write(f"\r{done:,} features ({rate:,.0f}/s)")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")


def import_parcels(
    path: str,
    *,
    srs: str | None = None,
    batch_size: int = 10_000,
    progress: bool = False,
    on_batch: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Import (insert or update) the parcels of `path`. Each batch commits on its own, so a crash
    loses at most one batch and re-running the import resumes where it stopped (upserts are
    idempotent). Raises ImportAbortedError when the file cannot be read at all."""
    from core.geo.models import AdministrativeUnit as Unit
    from government.land.models import LandUseCode, Parcel

    started = time.perf_counter()
    try:
        source = DataSource(str(path))
    except GDALException as exc:
        raise ImportAbortedError(f"GDAL cannot read {path}: {exc}") from exc
    if not len(source):
        raise ImportAbortedError("the file has no layer")
    layer = source[0]
    missing = [name for name in REQUIRED if name not in layer.fields]
    if missing:
        raise ImportAbortedError(f"required fields missing from the file: {', '.join(missing)}")
    field_names = list(layer.fields)
    indexes = {name: field_names.index(name) for name in (*REQUIRED, *OPTIONAL) if name in field_names}
    transform = CoordTransform(_source_srs(layer, srs), vn2000_srs())

    communes = dict(Unit.objects.filter(structure="2025", level="commune").values_list("code", "id"))
    legacy = dict(Unit.objects.filter(structure="legacy", level="commune").values_list("code", "id"))
    land_uses = set(LandUseCode.objects.values_list("code", flat=True))
    use_forms = set(Parcel.UseForm.values)
    multipolygon = OGRGeomType("MultiPolygon")

    result = ImportResult()
    try:
        total = layer.num_feat
    except GDALException:
        total = None
    bar = _Progress(total, enabled=progress)
    rows: list[tuple] = []

    features = iter(layer)
    position = 0
    while True:
        try:
            feature = next(features)
        except StopIteration:
            break
        except GDALException as exc:
            result.truncated = True
            result.problem(0, f"the file breaks after feature #{position} (truncated or corrupt): {exc}")
            break
        position += 1
        result.read += 1
        try:
            row = _row(feature, position, transform, indexes, communes, legacy, land_uses, use_forms, multipolygon)
        except (GDALException, ValueError, TypeError) as exc:
            result.problem(position, str(exc) or exc.__class__.__name__)
            continue
        if isinstance(row, str):
            result.problem(position, row)
            continue
        rows.append(row)
        if len(rows) >= batch_size:
            _flush(rows, result)
            rows = []
            bar.update(result.read)
            if on_batch:
                on_batch(result)
    if source.driver.name == "GeoJSONSeq" and not _last_line_complete(path):
        # GDAL's GeoJSONSeq reader silently drops an incomplete last record.
        result.truncated = True
        result.problem(0, f"the file ends inside a record after feature #{position} (truncated)")
    if result.read == 0 and total:
        # GDAL counted features but could not hand out one: the file is broken before the first.
        result.truncated = True
        result.problem(0, "no feature could be read from the file (truncated or corrupt)")
    if rows:
        _flush(rows, result)
    bar.update(result.read)
    bar.close()
    result.seconds = time.perf_counter() - started
    return result


def _last_line_complete(path) -> bool:
    import json
    import os

    with open(path, "rb") as handle:
        handle.seek(max(0, os.path.getsize(path) - 1_000_000))
        lines = [line for line in handle.read().splitlines() if line.strip().strip(b"\x1e")]
    if not lines:
        return True
    try:
        json.loads(lines[-1].strip().strip(b"\x1e"))
    except ValueError:
        return False
    return True


def _values(feature, indexes: dict[str, int]) -> dict:
    """The feature's attributes as text, one OGR call per field: GeoDjango's Feature.get() builds a
    Field object per value, which was half the importer's CPU time (profiled on 5,000 features)."""
    ptr = feature.ptr
    values = {}
    for name, index in indexes.items():
        if not ogr_capi.is_field_set(ptr, index):
            values[name] = None
            continue
        raw = ogr_capi.get_field_as_string(ptr, index)
        values[name] = raw.decode(feature.encoding or "utf-8", "replace") if isinstance(raw, bytes) else raw
    return values


def _row(feature, position, transform, indexes, communes, legacy, land_uses, use_forms, multipolygon):
    """One staging row, or a string saying why the feature is refused."""
    values = _values(feature, indexes)
    missing = [name for name in REQUIRED if values[name] in (None, "")]
    if missing:
        return f"missing field(s): {', '.join(missing)}"
    commune_code, sheet, number = _int(values["ma_xa"]), _int(values["so_to"]), _int(values["so_thua"])
    if commune_code not in communes:
        return f"unknown 2025 commune code ma_xa={values['ma_xa']!r}"
    if sheet is None or number is None:
        return f"so_to/so_thua must be positive integers (so_to={values['so_to']!r}, so_thua={values['so_thua']!r})"
    land_use = str(values["loai_dat"]).strip().upper()
    if land_use not in land_uses:
        return f"unknown land-use code loai_dat={values['loai_dat']!r}"
    geom = feature.geom
    if geom is None:
        return "no geometry"
    kind = geom.geom_type.name
    if kind not in ("Polygon", "MultiPolygon", "Polygon25D", "MultiPolygon25D"):
        return f"geometry is a {kind}, not a polygon"
    if kind.startswith("Polygon"):
        multi = OGRGeometry(multipolygon)
        multi.add(geom)
        geom = multi
    if geom.is_3d:
        geom.set_3d(False)
    if geom.empty:
        return "empty geometry"
    try:
        geom.transform(transform)
    except GDALException:
        return "coordinates cannot be transformed from the file's projection (wrong projection? use --srs)"
    area = values.get("dien_tich")
    if area in (None, ""):
        area_value = None
    else:
        try:
            area_value = Decimal(str(area).replace(",", ".")).quantize(Decimal("0.1"))
        except InvalidOperation:
            return f"dien_tich is not a number: {area!r}"
        if area_value <= 0:
            return f"dien_tich must be positive: {area!r}"
    legacy_id = legacy.get(_int(values.get("ma_xa_cu")) or -1)
    use_form = _text(values.get("hinh_thuc"), 20)
    if use_form and use_form not in use_forms:
        use_form = ""
    from government.land.models import Parcel

    return (
        position,
        Parcel.make_code(commune_code, sheet, number),
        communes[commune_code],
        legacy_id,
        sheet,
        number,
        land_use,
        area_value,
        _text(values.get("dia_chi"), 255),
        use_form,
        _text(values.get("thoi_han"), 60),
        _text(values.get("nguon_goc"), 255),
        _text(values.get("chu_ten"), 150) or None,
        _text(values.get("chu_cccd"), 12) or None,
        _text(values.get("chu_dia_chi"), 255) or None,
        geom.hex.decode("ascii") if isinstance(geom.hex, bytes) else geom.hex,
    )


_STAGE_DDL = f"""
CREATE TEMP TABLE IF NOT EXISTS land_parcel_stage (
    pos integer, code varchar(24), commune_id bigint, legacy_commune_id bigint, sheet integer, number integer,
    land_use_id varchar(8), area_m2 numeric(12,1), address varchar(255), use_form varchar(20),
    use_term varchar(60), origin varchar(255), owner_name varchar(150), owner_id varchar(12),
    owner_address varchar(255), geom geometry(MultiPolygon, {VN2000_SRID})
) ON COMMIT DELETE ROWS
"""

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


def _flush(rows: list[tuple], result: ImportResult) -> None:
    x0, y0, x1, y1 = PROVINCE_BBOX_VN2000
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_STAGE_DDL)
        # Empty even inside an outer transaction (ON COMMIT only empties it at the real commit).
        cursor.execute("TRUNCATE land_parcel_stage")
        raw = cursor.cursor  # the psycopg cursor: COPY is not part of Django's cursor API
        with raw.copy(f"COPY land_parcel_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        # The database judges geometry: invalid rings and features far outside the province
        # (coordinates in another projection than declared) are reported and dropped.
        cursor.execute(
            f"""
            DELETE FROM land_parcel_stage s
             WHERE NOT ST_IsValid(s.geom)
                OR NOT ST_Intersects(s.geom, ST_MakeEnvelope({x0}, {y0}, {x1}, {y1}, {VN2000_SRID}))
            RETURNING s.pos,
                CASE WHEN NOT ST_IsValid(s.geom) THEN 'invalid geometry: ' || ST_IsValidReason(s.geom)
                     ELSE 'geometry outside Lạng Sơn after transformation (wrong projection?)' END
            """  # noqa: S608  # nosec B608: built from module constants and numbers, values are parameters
        )
        for pos, reason in cursor.fetchall():
            result.problem(pos, reason)
        # The last occurrence of a code in the batch wins (ON CONFLICT cannot touch a row twice).
        cursor.execute(
            """
            DELETE FROM land_parcel_stage s USING land_parcel_stage t
             WHERE s.code = t.code AND s.pos < t.pos
            RETURNING s.pos
            """
        )
        for (pos,) in cursor.fetchall():
            result.problem(pos, "same commune, sheet and parcel number as a later feature: the later one is kept")
        cursor.execute("UPDATE land_parcel_stage SET area_m2 = round(ST_Area(geom)::numeric, 1) WHERE area_m2 IS NULL")
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
              FROM land_parcel p JOIN land_parcel_stage s ON s.code = p.code
             WHERE {changed}
            """  # noqa: S608  # nosec B608: built from module constants and numbers, values are parameters
        )
        cols = ", ".join(_ATTRS)
        updates = ", ".join(f"{a} = EXCLUDED.{a}" for a in (*_ATTRS, "geom"))
        cursor.execute(
            f"""
            INSERT INTO land_parcel (code, {cols}, geom, version, updated_at)
            SELECT code, {cols}, geom, 1, now() FROM land_parcel_stage
            ON CONFLICT (code) DO UPDATE SET {updates}, version = land_parcel.version + 1, updated_at = now()
             WHERE {_changed("land_parcel", "EXCLUDED")}
            RETURNING (xmax = 0)
            """  # noqa: S608  # nosec B608: built from module constants and numbers, values are parameters
        )
        flags = cursor.fetchall()
        inserted = sum(1 for (new,) in flags if new)
        cursor.execute("SELECT count(*) FROM land_parcel_stage")
        staged = cursor.fetchone()[0]
        result.inserted += inserted
        result.updated += len(flags) - inserted
        result.unchanged += staged - len(flags)
        # Owners: a feature that carries an owner replaces the parcel's owners with it.
        cursor.execute(
            """
            DELETE FROM land_parcelowner o USING land_parcel p, land_parcel_stage s
             WHERE o.parcel_id = p.id AND p.code = s.code AND s.owner_name IS NOT NULL
            """
        )
        cursor.execute(
            """
            INSERT INTO land_parcelowner (parcel_id, full_name, id_number, address, share)
            SELECT p.id, s.owner_name, coalesce(s.owner_id, ''), coalesce(s.owner_address, ''), ''
              FROM land_parcel_stage s JOIN land_parcel p ON p.code = s.code
             WHERE s.owner_name IS NOT NULL
            """
        )
