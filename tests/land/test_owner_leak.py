"""Owner data never leaks: with a parcel whose land user is known (name, ID number, address), walk
every public output — pages, lookups, API, schema, PDF, tiles, visible-area GeoJSON, error pages,
logs — as anonymous and as signed-in people who are not land officials, and fail on any trace."""

import io
import logging
import math

import pytest
from django.urls import reverse

from tests.land.factories import OWNER_ADDRESS, OWNER_ID, OWNER_NAME, wgs84_centre

pytestmark = pytest.mark.django_db

SECRETS = [OWNER_NAME, OWNER_ID, OWNER_ADDRESS, "Bí Mật", OWNER_ID[-6:]]


def _text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row)
    if response.get("Content-Type", "").startswith("application/pdf"):
        from pypdf import PdfReader

        return "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", errors="replace")


def _public_urls(parcel):
    lon, lat = wgs84_centre(parcel)
    urls = [
        reverse("land:index"),
        reverse("land:parcel", args=[parcel.code]),
        reverse("land:parcel-pdf", args=[parcel.code]),
        reverse("land:communes"),
        reverse("land:lookup") + f"?by=code&code={parcel.code}",
        reverse("land:lookup") + f"?by=coords&system=wgs84&first={lat}&second={lon}",
        reverse("land:lookup") + f"?by=code&code={OWNER_ID}",  # searching by the owner's ID finds nothing
        reverse("land:lookup") + "?by=sheet&commune=5977&sheet=1&number=1",
        reverse("land-api:parcel-detail", args=[parcel.code]),
        reverse("land-api:parcel-list") + f"?bbox={lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}",
        reverse("land-api:plan-zones") + f"?lon={lon}&lat={lat}",
        reverse("land-api:parcel-list") + "?bbox=oops",  # an error answer
        reverse("land-api:parcel-detail", args=[OWNER_ID]),  # a 404 answer
        reverse("land:parcel", args=[OWNER_NAME]),  # a 404 page
        "/api/schema/?format=json",
        # The statistics (leaders; others are sent to sign in or refused) and the exports and open
        # data the land indicators feed.
        reverse("land:statistics"),
        reverse("operations_centre:public"),
        reverse("operations_centre:public-csv"),
        reverse("operations_centre:public-json"),
        reverse("operations_centre:export-xlsx"),
        reverse("operations_centre:export-pdf"),
    ]
    for z in (14, 16, 18):
        n = 2**z
        x = int((lon + 180) / 360 * n)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        urls.append(reverse("land:tile", args=[z, x, y]))
    return urls


@pytest.mark.parametrize("who", ["anonymous", "citizen2", "department_official", "province_leader", "commune_official"])
def test_no_public_output_contains_owner_data(who, request, client, parcel, caplog):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    caplog.set_level(logging.DEBUG)
    checked = 0
    for url in _public_urls(parcel):
        response = client.get(url, follow=True)
        assert response.status_code < 500, url
        text = _text_of(response)
        for secret in SECRETS:
            if secret in url:
                continue  # what the visitor typed is echoed back to them (the language switch's `next`)
            assert secret not in text, f"{who}: {url} shows owner data {secret!r}"
        checked += 1
    # The tile is binary: make sure it was not empty, so the check above meant something.
    assert checked == len(_public_urls(parcel))
    logs = "\n".join(r.getMessage() for r in caplog.records)
    for secret in SECRETS:
        assert secret not in logs


def test_owner_pages_refuse_people_who_are_not_land_officials(client, parcel, department_official, commune_official):
    for user in (None, department_official, commune_official):
        if user:
            client.force_login(user)
        for url in (reverse("land:owner-search") + f"?q={OWNER_ID}", reverse("land:official")):
            response = client.get(url)
            assert response.status_code in (302, 403)
            assert OWNER_NAME not in response.content.decode()


def test_the_land_official_sees_the_owner_and_the_access_is_audited(client, parcel, land_official):
    from core.audit.models import AuditLog

    client.force_login(land_official)
    page = client.get(reverse("land:parcel", args=[parcel.code])).content.decode()
    assert OWNER_NAME in page and OWNER_ID in page
    entry = AuditLog.objects.get(action="land.owner.view")
    assert entry.actor == land_official and entry.object_id == str(parcel.pk)
    # The audit row itself records that owners were read, not who they are.
    assert OWNER_NAME not in str(entry.after)
