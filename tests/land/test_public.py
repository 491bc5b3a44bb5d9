"""The public lookup a citizen uses without logging in: by sheet and parcel number, by code, by
coordinates (WGS84 and VN-2000), by tapping the map (tiles, visible-area GeoJSON), the sheet with
plan zones, price and split answer, its PDF with a QR code, and the GeoJSON API."""

import pytest
from django.urls import reverse

from government.land.geo import to_vn2000
from tests.land.factories import wgs84_centre

pytestmark = pytest.mark.django_db


def test_lookup_by_sheet_and_number_opens_the_sheet(client, parcel):
    response = client.get(reverse("land:lookup"), {"by": "sheet", "commune": 5977, "sheet": 1, "number": 1})
    assert response.status_code == 302 and response["Location"] == reverse("land:parcel", args=[parcel.code])
    page = client.get(response["Location"]).content.decode()
    assert "05977-1-1" in page and "Đất ở tại đô thị" in page and "400,0 m²" in page


def test_lookup_by_code_and_not_found_keeps_what_was_typed(client, parcel):
    assert client.get(reverse("land:lookup"), {"by": "code", "code": " 05977-1-1 "})["Location"].endswith("/05977-1-1/")
    page = client.get(reverse("land:lookup"), {"by": "code", "code": "05977-9-99"}).content.decode()
    assert "Không tìm thấy thửa đất" in page and 'value="05977-9-99"' in page
    page = client.get(reverse("land:lookup"), {"by": "code", "code": "thửa số 5"}).content.decode()
    assert "Mã thửa có dạng" in page


def test_lookup_by_wgs84_and_vn2000_coordinates(client, parcel):
    lon, lat = wgs84_centre(parcel)
    response = client.get(reverse("land:lookup"), {"by": "coords", "system": "wgs84", "first": lat, "second": lon})
    assert response["Location"].endswith(f"/{parcel.code}/")
    # Vietnamese decimal commas are accepted too.
    response = client.get(
        reverse("land:lookup"),
        {
            "by": "coords",
            "system": "wgs84",
            "first": f"{lat:.7f}".replace(".", ","),
            "second": f"{lon:.7f}".replace(".", ","),
        },
    )
    assert response["Location"].endswith(f"/{parcel.code}/")
    from django.contrib.gis.geos import Point

    point = Point(lon, lat, srid=4326)
    point.transform(to_vn2000())
    response = client.get(
        reverse("land:lookup"), {"by": "coords", "system": "vn2000", "first": point.y, "second": point.x}
    )
    assert response["Location"].endswith(f"/{parcel.code}/")
    page = client.get(
        reverse("land:lookup"), {"by": "coords", "system": "wgs84", "first": 10.8, "second": 106.6}
    ).content.decode()
    assert "nằm ngoài tỉnh Lạng Sơn" in page


def test_vn2000_control_point():
    """106.76 E, 21.85 N → X 2,417,141 m, Y 449,159 m in Lạng Sơn's TM-3 zone (STACK-NOTES)."""
    from django.contrib.gis.geos import Point

    point = Point(106.76, 21.85, srid=4326)
    point.transform(to_vn2000())
    assert abs(point.x - 449_159) < 1 and abs(point.y - 2_417_141) < 1


def test_sheet_shows_plan_zone_shares_price_and_split(client, parcel):
    page = client.get(reverse("land:parcel", args=[parcel.code])).content.decode()
    assert page.count("50,0%") == 2  # half the parcel in each plan zone
    assert "15.000.000" in page and "6.000.000.000" in page  # 15 M/m² × 400 m²
    assert "Đủ diện tích để tách thửa" in page and "40 m²" in page


def test_sheet_pdf_has_a_qr_code_back_to_the_sheet(client, parcel):
    response = client.get(reverse("land:parcel-pdf", args=[parcel.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(__import__("io").BytesIO(response.content)).pages)
    assert "05977-1-1" in text and "/dat-dai/thua/05977-1-1/" in text


def test_tiles_and_visible_area_only(client, parcel):
    import math

    lon, lat = wgs84_centre(parcel)
    z = 17
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    tile = client.get(reverse("land:tile", args=[z, x, y]))
    assert tile.status_code == 200 and tile["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert b"parcels" in tile.content and parcel.code.encode() in tile.content
    assert client.get(reverse("land:tile", args=[10, x >> 7, y >> 7])).content == b""  # no parcels at low zoom
    bbox = f"{lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}"
    data = client.get(reverse("land-api:parcel-list"), {"bbox": bbox}).json()
    assert [f["id"] for f in data["features"]] == [parcel.code]
    too_big = client.get(reverse("land-api:parcel-list"), {"bbox": "106.0,21.3,107.3,22.4"})
    assert too_big.status_code == 400 and "bbox" in too_big.json()


def test_api_parcel_by_code_and_plan_zones_at_point(client, parcel):
    feature = client.get(reverse("land-api:parcel-detail", args=[parcel.code])).json()
    assert feature["type"] == "Feature" and feature["properties"]["land_use"] == "ODT"
    assert feature["geometry"]["type"] == "MultiPolygon"
    lon, lat = feature["geometry"]["coordinates"][0][0][0]
    assert 106 < lon < 108 and 21 < lat < 23
    assert client.get(reverse("land-api:parcel-detail", args=["05977-9-9"])).status_code == 404
    lon, lat = wgs84_centre(parcel)
    zones = client.get(reverse("land-api:plan-zones"), {"lon": lon, "lat": lat}).json()["features"]
    assert {z["properties"]["planned_use"] for z in zones} <= {"ODT", "DGT"} and zones


def test_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert {"/api/v1/land/parcels/", "/api/v1/land/parcels/{code}/", "/api/v1/land/plan-zones/"} <= set(schema["paths"])


def test_index_works_without_javascript_and_loads_only_static_scripts(client):
    page = client.get(reverse("land:index")).content.decode()
    assert 'action="/dat-dai/tra-cuu/"' in page and 'name="by" value="coords"' in page
    assert "<script>" not in page and " onclick=" not in page
    assert (
        "/static/land/map.js" in page
        and "leaflet.js" in page
        and "http://" not in page.split("<body")[1].split("data-")[0]
    )


def _tile_of(parcel, z):
    import math

    lon, lat = wgs84_centre(parcel)
    n = 2**z
    return z, int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def test_low_zoom_tiles_are_stored_and_redrawn_after_an_official_edit(
    client, parcel, land_official, django_capture_on_commit_callbacks
):
    """A z14 tile is rendered once and kept; when an official changes the parcel's land use, the map
    shows the new code (the stored tile over it is dropped), not the old one."""
    from government.land import services
    from government.land.models import ParcelTile

    z, x, y = _tile_of(parcel, 14)
    first = client.get(reverse("land:tile", args=[z, x, y])).content
    assert b"ODT" in first and ParcelTile.objects.filter(z=z, x=x, y=y).exists()
    assert client.get(reverse("land:tile", args=[z, x, y])).content == first
    with django_capture_on_commit_callbacks(execute=True):
        services.parcel_edit(
            parcel=parcel,
            actor=land_official,
            reason="Chuyển mục đích theo QĐ 12",
            expected_version=1,
            changes={"land_use": "ONT"},
        )
    assert not ParcelTile.objects.filter(z=z, x=x, y=y).exists()
    redrawn = client.get(reverse("land:tile", args=[z, x, y])).content
    assert b"ONT" in redrawn and b"ODT" not in redrawn


def test_warming_stores_the_province_tiles_that_hold_parcels(parcel):
    from django.core.management import call_command

    from government.land.models import ParcelTile

    call_command("land_tiles", "--warm", "--zoom", "14")
    z, x, y = _tile_of(parcel, 14)
    assert list(ParcelTile.objects.values_list("z", "x", "y")) == [(z, x, y)]  # empty tiles are not stored
    call_command("land_tiles", "--clear")
    assert not ParcelTile.objects.exists()


def test_visible_area_is_paginated_and_capped(client, parcel):
    from government.land.selectors import PAGE_CAP
    from tests.land.factories import make_parcel

    for n in range(2, 6):
        make_parcel(sheet=1, number=n, offset=(25 * n, 0), owner=False)
    lon, lat = wgs84_centre(parcel)
    bbox = f"{lon - 0.002},{lat - 0.002},{lon + 0.003},{lat + 0.002}"
    url = reverse("land-api:parcel-list")
    first = client.get(url, {"bbox": bbox, "limit": 2}).json()
    second = client.get(url, {"bbox": bbox, "limit": 2, "page": 2}).json()
    last = client.get(url, {"bbox": bbox, "limit": 2, "page": 3}).json()
    codes = [f["id"] for page in (first, second, last) for f in page["features"]]
    assert len(codes) == 5 == len(set(codes)) and (first["has_next"], last["has_next"]) == (True, False)
    assert client.get(url, {"bbox": bbox, "limit": PAGE_CAP + 1}).status_code == 400  # the cap holds
    assert all(set(f["properties"]) == {"code", "land_use", "area_m2"} for f in first["features"])
