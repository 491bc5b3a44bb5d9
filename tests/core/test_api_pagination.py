"""core.apis' pagination (total read with the page: COUNT(*) OVER ()) and filter backend (skipped when
only pagination parameters are given) answer exactly what DRF's own classes answer, in fewer queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.pagination import LimitOffsetPagination

from core.apis import AdministrativeUnitViewSet, AgencyViewSet

pytestmark = pytest.mark.django_db
UNITS = "/api/v1/core/admin-units/"
AGENCIES = "/api/v1/core/agencies/"

CASES = [
    {},
    {"limit": 20},
    {"limit": 7, "offset": 14},
    {"limit": 5, "offset": 100000},  # past the end: empty page, true total
    {"limit": 1000},
    {"kind": "commune", "limit": 3, "offset": 2},
    {"crossing": "huu-nghi"},
    {"crossing": "no-such-crossing"},  # nothing matches: count 0
    {"crossing": "no-such-crossing", "offset": 10},
]
# DRF reads `limit=abc` or `offset=-5` as the default; the portal's pagination answers 400 as its
# schema says (core.api.PortalPagination, tests/core/test_input_limits.py).


@pytest.fixture
def drf_stock(monkeypatch):
    """Switch the two viewsets back to DRF's and django-filter's own classes."""
    from django_filters.rest_framework import DjangoFilterBackend

    def use_stock():
        for viewset in (AgencyViewSet, AdministrativeUnitViewSet):
            monkeypatch.setattr(viewset, "pagination_class", LimitOffsetPagination)
            monkeypatch.setattr(viewset, "filter_backends", [DjangoFilterBackend])

    return use_stock


@pytest.mark.parametrize("params", CASES)
def test_agencies_answer_exactly_what_drf_answers(client, login, citizen, drf_stock, params):
    login(citizen)
    ours = client.get(AGENCIES, params)
    drf_stock()
    stock = client.get(AGENCIES, params)
    assert ours.status_code == stock.status_code == 200
    assert ours.json() == stock.json()


@pytest.mark.parametrize("params", [{"limit": 30, "offset": 60}, {"structure": "legacy", "level": "district"}])
def test_units_answer_exactly_what_drf_answers(client, login, citizen, drf_stock, params):
    login(citizen)
    ours = client.get(UNITS, params).json()
    drf_stock()
    assert ours == client.get(UNITS, params).json()


def test_a_page_costs_one_query_and_no_count(client, login, citizen):
    login(citizen)
    client.get(AGENCIES, {"limit": 20})
    with CaptureQueriesContext(connection) as captured:
        data = client.get(AGENCIES, {"limit": 20}).json()
    page_queries = [q["sql"] for q in captured if "agencies_agency" in q["sql"]]
    assert len(page_queries) == 1 and "OVER ()" in page_queries[0]
    assert not any(q["sql"].lstrip().upper().startswith("SELECT COUNT(") for q in captured)
    assert data["count"] > 20 and len(data["results"]) == 20 and data["next"]


def test_an_invalid_filter_value_is_still_a_400(client, login, citizen):
    login(citizen)
    response = client.get(AGENCIES, {"kind": "galaxy", "limit": 5})
    assert response.status_code == 400 and "kind" in response.json()


def test_the_list_serialises_rows_exactly_as_the_models_serialise(client, login, citizen):
    """The list reads plain rows (selectors.agency_rows); every agency, inactive ones aside, comes out
    exactly as the model-based serialisation of selectors.agency_list gives it, in the same order,
    with and without an administrative unit."""
    from core import selectors
    from core.agencies.models import Agency
    from core.apis import AgencySerializer

    Agency.objects.filter(code="so-khcn").update(is_active=False)
    Agency.objects.filter(pk=Agency.objects.filter(is_active=True).order_by("code").first().pk).update(admin_unit=None)
    login(citizen)
    listed = client.get(AGENCIES, {"limit": 1000}).json()["results"]
    expected = AgencySerializer(selectors.agency_list(), many=True).data
    assert listed == expected
    assert any(a["admin_unit"] is None for a in listed) and any(a["admin_unit"] for a in listed)
    assert "so-khcn" not in {a["code"] for a in listed}
    detail = client.get(f"{AGENCIES}{listed[0]['id']}/").json()
    assert detail == listed[0]
