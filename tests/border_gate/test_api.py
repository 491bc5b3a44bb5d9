"""The machine-to-machine API: keys hashed at rest, scoped to a crossing and to data services,
every call in the call log; reading entries, posting yard events and customs lanes."""

import pytest
from django.urls import reverse

from border_gate import services
from border_gate.models import Crossing, Entry, Yard
from core.api_clients.models import ApiCall, ApiKey
from core.audit.models import AuditLog

pytestmark = pytest.mark.django_db


YARD = "huu-nghi-xuan-cuong"


@pytest.fixture
def key_factory(sysadmin):
    """key_factory(kind=..., scopes=...) -> (key, headers). By default a yard operator of the Xuân
    Cương yard at Hữu Nghị; a customs key reads the whole crossing."""

    def make(
        crossing="huu-nghi",
        scopes=None,
        org="Xuân Cương JSC",
        kind="yard_operator",
        enterprise=None,
        yards=(YARD,),
    ):
        default_scopes = {
            "yard_operator": ["border_gate.entries", "border_gate.yard_events"],
            "customs": ["border_gate.entries", "border_gate.customs_lanes"],
            "enterprise": ["border_gate.entries"],
        }
        key, raw = services.api_key_create(
            actor=sysadmin,
            organisation=org,
            crossing=Crossing.objects.get(code=crossing),
            scopes=list(scopes or default_scopes[kind]),
            kind=kind,
            enterprise=enterprise,
            yards=Yard.objects.filter(code__in=yards) if kind == "yard_operator" else (),
        )
        return key, {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}

    return make


def test_keys_are_hashed_at_rest(key_factory):
    key, headers = key_factory()
    raw = headers["HTTP_AUTHORIZATION"].split(" ", 1)[1]
    stored = ApiKey.objects.get(pk=key.pk)
    assert raw not in str(stored.__dict__) and stored.key_hash == services.api_key_hash(raw)


def test_read_entries_scoped_to_the_keys_crossing(client, key_factory, declare):
    mine = declare()
    other = declare(crossing=Crossing.objects.get(code="chi-ma"), vehicle_plate="29C-222.22")
    key, headers = key_factory(kind="customs")
    data = client.get(reverse("border_gate-api:entries"), **headers).json()
    codes = [e["code"] for e in data["results"]]
    assert codes == [mine.code]
    detail = client.get(reverse("border_gate-api:entry", args=[mine.code]), **headers)
    assert detail.status_code == 200 and detail.json()["goods"][0]["hs_code"] == "08106000"
    assert client.get(reverse("border_gate-api:entry", args=[other.code]), **headers).status_code == 404
    # Every call is in the call log, the refused one too, with its service and result size.
    calls = ApiCall.objects.filter(client=key.client).order_by("at", "pk")
    assert [(c.service, c.status) for c in calls] == [("border_gate.entries", s) for s in (200, 200, 404)]
    assert calls[0].rows == 1 and calls[0].size_bytes > 100 and calls[0].key_prefix == key.prefix


def test_bad_or_revoked_keys_and_missing_scopes(client, key_factory, sysadmin, declare):
    url = reverse("border_gate-api:entries")
    assert client.get(url, HTTP_AUTHORIZATION="Api-Key bg_deadbeef.nope").status_code == 401
    assert client.get(url).status_code in (401, 403)
    key, headers = key_factory(scopes=["border_gate.yard_events"])
    assert client.get(url, **headers).status_code == 403
    services.api_key_revoke(actor=sysadmin, key=key)
    assert client.get(url, **headers).status_code == 401
    refused = ApiCall.objects.filter(client=None, status=401, service="border_gate.entries")
    assert {c.key_prefix for c in refused} == {"", "deadbeef", key.prefix}  # no key, a bad key, a revoked key


def test_yard_event_passes_yard_entry_and_is_idempotent(client, key_factory, declare, run_pipeline):
    entry = run_pipeline(declare(), until="yard_entry")
    _key, headers = key_factory()
    body = {"entry_code": entry.code, "yard": "huu-nghi-xuan-cuong", "kind": "in", "external_id": "XC-0001"}
    url = reverse("border_gate-api:yard-events")
    first = client.post(url, body, content_type="application/json", **headers)
    assert first.status_code == 201, first.content
    second = client.post(url, body, content_type="application/json", **headers)
    assert second.json()["id"] == first.json()["id"]
    entry.refresh_from_db()
    assert entry.current_yard.code == "huu-nghi-xuan-cuong" and entry.current_step.step.code == "plant_quarantine"
    log = AuditLog.objects.get(action="border_gate.entry.pass", object_id=str(entry.pk), after__step="yard_entry")
    assert log.actor_label.startswith("api-key:")


def test_yard_event_validation_and_scope(client, key_factory, declare):
    entry = declare(crossing=Crossing.objects.get(code="chi-ma"))
    _key, headers = key_factory()
    url = reverse("border_gate-api:yard-events")
    # Another crossing's truck does not exist for this key.
    r = client.post(
        url,
        {"entry_code": entry.code, "yard": "huu-nghi-xuan-cuong", "kind": "in"},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 404
    mine = declare(vehicle_plate="29C-111.11")
    r = client.post(
        url,
        {"entry_code": mine.code, "yard": "chi-ma-inspection", "kind": "in"},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 400 and "yard" in r.json()
    r = client.post(
        url,
        {"entry_code": mine.code, "yard": "huu-nghi-xuan-cuong", "kind": "sideways"},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 400 and "kind" in r.json()
    no_scope = key_factory(kind="customs", scopes=["border_gate.entries"])[1]
    r = client.post(
        url,
        {"entry_code": mine.code, "yard": "huu-nghi-xuan-cuong", "kind": "in"},
        content_type="application/json",
        **no_scope,
    )
    assert r.status_code == 403


def test_customs_lane_by_declaration_number(client, key_factory, declare):
    entry = declare(customs_declaration_number="305123456789")
    _key, headers = key_factory(kind="customs", scopes=["border_gate.customs_lanes"])
    url = reverse("border_gate-api:customs-lanes")
    r = client.post(
        url, {"customs_declaration_number": "305123456789", "lane": "red"}, content_type="application/json", **headers
    )
    assert r.status_code == 200 and r.json() == {"entry_code": entry.code, "lane": "red", "inspection_required": True}
    entry.refresh_from_db()
    assert entry.lane == "red"
    assert (
        client.post(
            url, {"entry_code": entry.code, "lane": "purple"}, content_type="application/json", **headers
        ).status_code
        == 400
    )
    assert AuditLog.objects.filter(action="border_gate.entry.lane", object_id=str(entry.pk)).count() == 1


def test_declarant_session_api(client, login, declare, enterprise_rep, citizen):
    entry = declare()
    login(enterprise_rep)
    data = client.get(reverse("border_gate-api:my-declarations")).json()
    assert [e["code"] for e in data["results"]] == [entry.code]
    login(citizen)
    assert client.get(reverse("border_gate-api:my-declarations")).json()["results"] == []


def test_api_in_openapi_schema(client, sysadmin, login):
    login(sysadmin)
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/border-gate/entries/",
        "/api/v1/border-gate/yard-events/",
        "/api/v1/border-gate/customs-lanes/",
    ):
        assert path in schema
    assert "ApiKeyAuth" in schema
    assert Entry.objects.count() == 0 and Yard.objects.exists()
