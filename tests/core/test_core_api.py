"""Core read API: administrative units and agencies (DRF, read-only, signed-in users)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db
UNITS = "/api/v1/core/admin-units/"
AGENCIES = "/api/v1/core/agencies/"


def test_anonymous_is_refused(client):
    for url in (UNITS, AGENCIES):
        assert client.get(url).status_code in (401, 403)


def test_units_filter_by_structure_and_level(client, login, citizen):
    login(citizen)
    data = client.get(UNITS, {"structure": "2025", "level": "commune", "limit": 100}).json()
    assert data["count"] == 65
    assert {u["structure"] for u in data["results"]} == {"2025"}
    data = client.get(UNITS, {"structure": "legacy", "level": "district"}).json()
    assert data["count"] == 11


def test_units_filter_by_parent_and_legacy_successors(client, login, citizen):
    from core.geo.models import AdministrativeUnit

    login(citizen)
    district = AdministrativeUnit.objects.filter(structure="legacy", level="district").first()
    data = client.get(UNITS, {"parent": district.pk, "limit": 200}).json()
    assert data["count"] == district.children.count() > 0
    legacy = data["results"][0]
    assert legacy["parent"]["id"] == district.pk
    assert legacy["successors"], "a legacy commune names the 2025 commune(s) that absorbed it"
    successor_ids = {s["id"] for s in legacy["successors"]}
    assert set(AdministrativeUnit.objects.get(pk=legacy["id"]).successors.values_list("id", flat=True)) == successor_ids


def test_units_are_paginated_and_the_query_count_does_not_grow_with_the_page(client, login, citizen):
    login(citizen)
    client.get(UNITS, {"limit": 5})  # warm the session
    with CaptureQueriesContext(connection) as small:
        page = client.get(UNITS, {"limit": 5}).json()
    with CaptureQueriesContext(connection) as big:
        client.get(UNITS, {"limit": 200})
    assert len(page["results"]) == 5 and page["next"]
    assert len(big) == len(small)
    assert not any("geometry" in q["sql"] for q in big.captured_queries)


def test_invalid_filter_is_a_400_not_a_500(client, login, citizen):
    login(citizen)
    response = client.get(UNITS, {"level": "galaxy"})
    assert response.status_code == 400
    assert "level" in response.json()


def test_agencies_filter_by_kind_and_crossing(client, login, citizen):
    login(citizen)
    data = client.get(AGENCIES, {"crossing": "huu-nghi"}).json()
    assert data["count"] == 10  # the ten forces at the crossing
    assert {a["kind"] for a in data["results"]} == {"border_force"}
    assert "customs" in {a["force"] for a in data["results"]}
    communes = client.get(AGENCIES, {"kind": "commune", "limit": 1}).json()
    assert communes["count"] == 65
    assert communes["results"][0]["admin_unit"]["name"]


def test_agency_detail_and_unknown_id(client, login, citizen):
    from core.agencies.models import Agency

    login(citizen)
    agency = Agency.objects.get(code="so-khcn")
    assert client.get(f"{AGENCIES}{agency.pk}/").json()["code"] == "so-khcn"
    assert client.get(f"{AGENCIES}999999999/").status_code == 404


def test_api_is_read_only(client, login, citizen):
    login(citizen)
    assert client.post(AGENCIES, {"code": "x"}).status_code == 405


def test_schema_documents_the_core_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/core/admin-units/" in schema and "/api/v1/core/agencies/" in schema
