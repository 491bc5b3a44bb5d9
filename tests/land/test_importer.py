"""The importer (manage.py import_parcels) against good and malformed files: broken geometry, a
wrong projection, missing fields, a truncated file; a re-import updates instead of duplicating."""

import json
import subprocess

import pytest
from django.core.management import CommandError, call_command

from government.land.importer import ImportAbortedError, import_parcels
from government.land.models import Parcel, ParcelOwner, ParcelVersion
from tests.land.factories import commune_anchor

pytestmark = pytest.mark.django_db


def _lonlat_square(lon, lat, d=0.0002):
    return [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]


def _feature(number, coords, *, kind="Polygon", **props):
    base = {"ma_xa": 5977, "so_to": 7, "so_thua": number, "loai_dat": "ONT", "dia_chi": "Khối 1"}
    base.update(props)
    return {"type": "Feature", "properties": base, "geometry": {"type": kind, "coordinates": coords}}


def _write(tmp_path, features, name="parcels.geojson", crs=None):
    data = {"type": "FeatureCollection", "features": features}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


LON, LAT = 106.7608, 21.8532  # inside Phường Đông Kinh


def test_good_file_imports_and_reimport_updates_without_duplicates(tmp_path):
    features = [
        _feature(n, _lonlat_square(LON + n * 0.0003, LAT), chu_ten="Vi Văn Chủ", chu_cccd="020111222333")
        for n in (1, 2, 3)
    ]
    path = _write(tmp_path, features)
    result = import_parcels(str(path))
    assert (result.inserted, result.updated, result.skipped) == (3, 0, 0)
    parcel = Parcel.objects.get(code="05977-7-2")
    assert parcel.land_use_id == "ONT" and 300 < float(parcel.area_m2) < 600  # ~21 m × 22 m, computed in m²
    assert ParcelOwner.objects.filter(parcel=parcel, id_number="020111222333").count() == 1

    features[1]["properties"]["loai_dat"] = "CLN"
    result = import_parcels(str(_write(tmp_path, features)))
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 2)
    assert Parcel.objects.filter(code__startswith="05977-7-").count() == 3
    parcel.refresh_from_db()
    assert parcel.land_use_id == "CLN" and parcel.version == 2
    assert ParcelVersion.objects.get(parcel=parcel).attributes["land_use"] == "ONT"
    assert ParcelOwner.objects.filter(parcel=parcel).count() == 1  # replaced, not duplicated


def test_bad_features_are_reported_with_position_and_skipped(tmp_path):
    bowtie = [[[LON, LAT], [LON + 0.0002, LAT + 0.0002], [LON + 0.0002, LAT], [LON, LAT + 0.0002], [LON, LAT]]]
    features = [
        _feature(1, _lonlat_square(LON, LAT)),
        _feature(2, bowtie),  # self-intersecting
        _feature(3, _lonlat_square(LON + 0.001, LAT), loai_dat="XYZ"),
        _feature(4, _lonlat_square(LON + 0.002, LAT), so_thua=None),
        _feature(5, _lonlat_square(LON + 0.003, LAT), ma_xa=99999),
        _feature(6, [LON, LAT], kind="Point"),
        _feature(7, _lonlat_square(LON + 0.004, LAT)),
    ]
    result = import_parcels(str(_write(tmp_path, features)))
    assert result.inserted == 2 and result.skipped == 5
    reasons = {p.position: p.reason for p in result.problems}
    assert "invalid geometry" in reasons[2] and "Self-intersection" in reasons[2]
    assert "loai_dat" in reasons[3]
    assert "so_thua" in reasons[4]
    assert "ma_xa" in reasons[5]
    assert "Point" in reasons[6]
    assert set(Parcel.objects.values_list("number", flat=True)) == {1, 7}


def test_wrong_projection_is_caught(tmp_path):
    # VN-2000 metres in a file that says nothing (GeoJSON means WGS84): far outside the province.
    x, y = commune_anchor(5977)
    metres = [[[x, y], [x + 20, y], [x + 20, y + 20], [x, y + 20], [x, y]]]
    result = import_parcels(str(_write(tmp_path, [_feature(1, metres)])))
    assert result.inserted == 0 and result.skipped == 1
    assert "wrong projection" in result.problems[0].reason or "transform" in result.problems[0].reason.lower()
    # Declared correctly, the same file imports.
    result = import_parcels(str(_write(tmp_path, [_feature(1, metres)])), srs="vn2000")
    assert result.inserted == 1
    assert Parcel.objects.get(code="05977-7-1").area_m2 == 400


def test_missing_required_field_in_the_schema_aborts_with_a_message(tmp_path):
    feature = _feature(1, _lonlat_square(LON, LAT))
    del feature["properties"]["loai_dat"]
    path = _write(tmp_path, [feature])
    with pytest.raises(ImportAbortedError, match="loai_dat"):
        import_parcels(str(path))
    with pytest.raises(CommandError, match="loai_dat"):
        call_command("import_parcels", str(path), "--no-progress")


def test_truncated_file_keeps_what_was_read_or_reports_the_break(tmp_path):
    features = [_feature(n, _lonlat_square(LON + n * 0.0003, LAT)) for n in range(1, 40)]
    seq = tmp_path / "parcels.geojsonl"
    lines = [json.dumps(f, ensure_ascii=False) for f in features]
    text = "\n".join(lines)
    seq.write_text(text[: len(text) - 60], encoding="utf-8")  # cut inside the last feature
    result = import_parcels(str(seq))
    assert result.inserted >= 30
    assert result.truncated or result.skipped >= 1
    # A truncated GeoJSON document: GDAL cannot parse it at all; the import refuses with a reason.
    whole = _write(tmp_path, features)
    whole.write_text(whole.read_text(encoding="utf-8")[:-300], encoding="utf-8")
    try:
        result = import_parcels(str(whole))
    except ImportAbortedError as exc:
        assert "GDAL" in str(exc)
    else:
        assert result.truncated or result.skipped


def test_shapefile_through_ogr(tmp_path):
    geojson = _write(tmp_path, [_feature(n, _lonlat_square(LON + n * 0.0003, LAT)) for n in (1, 2)])
    shp = tmp_path / "thua.shp"
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", str(shp), str(geojson)], check=True, capture_output=True)
    call_command("import_parcels", str(shp), "--no-progress")
    assert Parcel.objects.filter(code__in=["05977-7-1", "05977-7-2"]).count() == 2


def test_generator_tessellates_a_commune_idempotently():
    from government.land.generator import generate

    added = generate(scale="small", commune_codes=[6184], log=lambda m: None)
    assert added > 50
    assert generate(scale="small", commune_codes=[6184], log=lambda m: None) == 0
    from django.db import connection

    with connection.cursor() as cursor:
        # No overlaps between generated parcels: the summed area equals the area of their union.
        cursor.execute("SELECT sum(ST_Area(geom)), ST_Area(ST_Union(geom)) FROM land_parcel")
        summed, union = cursor.fetchone()
    assert abs(summed - union) < 1.0


def _staging_tables() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'land_import_%%'")
        return cursor.fetchone()[0]


def test_duplicates_bad_area_and_no_leftover_staging_tables(tmp_path):
    # Other tests' staging tables reappear when their transaction rolls back the DROP: to this
    # import they are a killed import's leftovers, and it drops them too.
    features = [
        _feature(1, _lonlat_square(LON, LAT), dia_chi="Bản cũ"),
        _feature(2, _lonlat_square(LON + 0.0005, LAT), dien_tich="khoảng 300"),
        _feature(3, _lonlat_square(LON + 0.001, LAT), dien_tich="-5"),
        _feature(1, _lonlat_square(LON, LAT), dia_chi="Bản mới"),  # the same parcel again: the later wins
    ]
    result = import_parcels(str(_write(tmp_path, features)))
    reasons = {p.position: p.reason for p in result.problems}
    assert result.inserted == 1 and result.skipped == 3
    assert "later one is kept" in reasons[1]
    assert "dien_tich is not a number" in reasons[2] and "dien_tich must be positive" in reasons[3]
    assert Parcel.objects.get(code="05977-7-1").address == "Bản mới"
    assert _staging_tables() == 0


def test_legacy_commune_is_kept_and_shown_on_the_sheet(tmp_path, client):
    """Old records name the commune before the 2025 merger: `ma_xa_cu` is kept beside the 2025 commune
    and the sheet shows both; an unknown legacy code is ignored, not a reason to refuse the parcel."""
    features = [
        _feature(1, _lonlat_square(LON, LAT), ma_xa_cu=5977),  # Phường Vĩnh Trại before 1 July 2025
        _feature(2, _lonlat_square(LON + 0.0005, LAT), ma_xa_cu=99999),
    ]
    result = import_parcels(str(_write(tmp_path, features)))
    assert result.inserted == 2 and result.skipped == 0
    first, second = Parcel.objects.get(code="05977-7-1"), Parcel.objects.get(code="05977-7-2")
    assert first.legacy_commune.name == "Phường Vĩnh Trại" and second.legacy_commune is None
    from django.urls import reverse

    page = client.get(reverse("land:parcel", args=[first.code])).content.decode()
    assert "trước 01/7/2025:" in page and "Phường Vĩnh Trại" in page
