"""Machine clients (core.api_clients, ADR 1603): a client limited to its data services and units,
keys rotated with an overlap and revoked, the rate limit, the call log and who may read it, and the
portal page on which an agency's administrators issue, rotate and revoke keys."""

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from core.api_clients import services
from core.api_clients.models import ApiCall, ApiClient, ApiKey
from core.audit.models import AuditLog
from tests.conftest import COMMUNE_A, COMMUNE_B, _agency, _unit, make_user

pytestmark = pytest.mark.django_db

UNITS = reverse("lgsp:admin-units")
STATS = reverse("lgsp:statistics")
DOSSIER = reverse("lgsp:dossier-status")
TRAFFIC = reverse("lgsp:border-traffic")


def grant(user):
    user.user_permissions.add(Permission.objects.get(codename="manage_api_clients"))
    for attr in ("_perm_cache", "_user_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)
    return user


@pytest.fixture
def dost_admin(db):
    """An administrator of the Department of Science and Technology, which runs the LGSP platform."""
    return grant(
        make_user(
            "lgsp.admin@langson.gov.vn",
            roles=["department_official"],
            full_name="Lăng Văn Kết",
            agency=_agency("so-khcn"),
            totp=True,
        )
    )


@pytest.fixture
def gate_board_admin(db):
    return grant(
        make_user(
            "bqlck.huunghi@langson.gov.vn",
            roles=["border_officer"],
            full_name="Hoàng Thị Ban",
            agency=_agency("huu-nghi-gate_board"),
            totp=True,
        )
    )


@pytest.fixture
def lgsp_client(dost_admin):
    """make(services=..., units=..., all_units=...) -> (client, headers)."""

    def make(services_=("core.admin_units", "core.statistics", "government.dossier_status"), units=(COMMUNE_A,), **kw):
        client, raw = services.client_create(
            actor=dost_admin,
            name="Hệ thống báo cáo của Bộ",
            organisation="Bộ Nội vụ",
            kind="lgsp",
            services=list(services_),
            owner_agency=dost_admin.agency,
            units=[_unit(code) for code in units],
            **kw,
        )
        return client, {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}

    return make


def make_dossier(code: str, commune: int):
    from government.models import Dossier, Procedure

    return Dossier.objects.create(
        code=code,
        procedure=Procedure.objects.order_by("pk").first(),
        agency=_agency(f"ubnd-xa-{commune}"),
        admin_unit=_unit(commune),
        applicant_name="Hoàng Văn Dân",
        applicant_id_number="020090000123",
        status="processing",
        submitted_at=timezone.now(),
    )


# --- scopes and units -----------------------------------------------------------------------------


def test_a_client_uses_only_its_services_and_sees_only_its_units(client, lgsp_client):
    mine = make_dossier("H37.A-0001", COMMUNE_A)
    other = make_dossier("H37.B-0001", COMMUNE_B)
    _c, headers = lgsp_client()

    body = client.get(DOSSIER, {"code": mine.code}, **headers).json()
    assert body["status"] == "processing" and body["commune"] == COMMUNE_A
    assert "applicant" not in str(body) and "020090000123" not in str(body)
    # Another commune's dossier is as unknown as a code that does not exist.
    assert client.get(DOSSIER, {"code": other.code}, **headers).status_code == 404
    assert client.get(DOSSIER, {"code": "nope"}, **headers).status_code == 404

    # Statistics: its commune yes, another commune no, the province only for a province-wide client.
    assert client.get(STATS, {"commune": COMMUNE_A}, **headers).status_code == 200
    assert client.get(STATS, {"commune": COMMUNE_B}, **headers).status_code == 403
    response = client.get(STATS, **headers)
    assert response.status_code == 400 and "commune" in response.json()

    # A service it was not given: refused, whoever serves it.
    assert client.get(TRAFFIC, {"date_from": "2026-01-01", "date_to": "2026-01-31"}, **headers).status_code == 403
    units = client.get(UNITS, {"structure": "2025", "level": "commune"}, **headers).json()
    assert units["count"] == 65

    _c, province = lgsp_client(services_=("core.statistics", "government.dossier_status"), units=(), all_units=True)
    assert client.get(STATS, **province).status_code == 200
    assert client.get(DOSSIER, {"code": other.code}, **province).status_code == 200
    assert client.get(UNITS, **province).status_code == 403


def test_bad_parameters_are_field_errors_in_vietnamese(client, lgsp_client):
    _c, headers = lgsp_client(services_=("core.statistics",), units=(), all_units=True)
    response = client.get(STATS, {"commune": "abc"}, **headers)
    assert response.status_code == 400 and "commune" in response.json()
    assert response.json()["commune"] == ["Mã xã, phường phải là một số."]


def test_what_a_client_may_be_given_is_checked(dost_admin, gate_board_admin):
    with pytest.raises(services.ServiceError) as error:
        services.client_create(
            actor=dost_admin,
            name="",
            organisation="Bộ Tài chính",
            kind="lgsp",
            services=["border_gate.yard_events"],
            owner_agency=dost_admin.agency,
        )
    assert set(error.value.errors) == {"name", "services", "units"}
    # The gate board does not issue LGSP clients, and a department does not issue yard keys.
    with pytest.raises(services.ServiceError) as error:
        services.client_create(
            actor=gate_board_admin,
            name="X",
            organisation="X",
            kind="lgsp",
            services=["core.admin_units"],
            owner_agency=gate_board_admin.agency,
            all_units=True,
        )
    assert "kind" in error.value.errors
    # Nobody issues for another agency.
    with pytest.raises(services.NotAllowedError):
        services.client_create(
            actor=gate_board_admin,
            name="X",
            organisation="X",
            kind="lgsp",
            services=["core.admin_units"],
            owner_agency=dost_admin.agency,
            all_units=True,
        )
    assert not ApiClient.objects.exists()


# --- keys: rotation and revocation -----------------------------------------------------------------


def test_rotation_keeps_both_keys_valid_during_the_overlap(client, lgsp_client, dost_admin):
    api_client, old_headers = lgsp_client()
    old = api_client.keys.get()
    _new, raw = services.key_rotate(actor=dost_admin, key=old, overlap_hours=24)
    new_headers = {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}
    assert client.get(UNITS, **old_headers).status_code == 200
    assert client.get(UNITS, **new_headers).status_code == 200
    # A second rotation of the same key (a double submit) issues nothing more.
    with pytest.raises(services.InvalidTransitionError):
        services.key_rotate(actor=dost_admin, key=old, overlap_hours=24)
    assert api_client.keys.count() == 2

    # The overlap ends: the old key stops, the new one goes on.
    ApiKey.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(UNITS, **old_headers).status_code == 401
    assert client.get(UNITS, **new_headers).status_code == 200
    assert AuditLog.objects.filter(action="api_clients.key.rotate", object_id=str(api_client.pk)).count() == 1


def test_revoking_a_key_or_the_client(client, lgsp_client, dost_admin):
    api_client, headers = lgsp_client()
    _new, raw = services.key_rotate(actor=dost_admin, key=api_client.keys.get(), overlap_hours=1)
    new_headers = {"HTTP_AUTHORIZATION": f"Api-Key {raw}"}
    services.key_revoke(actor=dost_admin, key=api_client.keys.get(pk=api_client.keys.last().pk))
    assert client.get(UNITS, **headers).status_code == 401
    assert client.get(UNITS, **new_headers).status_code == 200
    services.client_revoke(actor=dost_admin, client=api_client)
    assert client.get(UNITS, **new_headers).status_code == 401
    assert AuditLog.objects.filter(action="api_clients.client.revoke").count() == 1


def test_keys_are_stored_hashed_and_shown_once(lgsp_client):
    api_client, headers = lgsp_client()
    raw = headers["HTTP_AUTHORIZATION"].split(" ", 1)[1]
    key = api_client.keys.get()
    assert raw not in str(key.__dict__) and key.key_hash == services.key_hash(raw)
    assert raw not in str(AuditLog.objects.filter(action="api_clients.client.create").values())


def test_the_rate_limit_is_per_client(client, lgsp_client):
    _c, limited = lgsp_client(rate_limit_per_minute=2)
    _c, other = lgsp_client()
    # The clock goes to the start of the next minute and ticks on: the fixed one-minute window cannot
    # roll over in the middle of the test, however slow the machine (it used to skip near :58).
    now = time.time()
    with time_machine.travel(now - now % 60 + 60, tick=True):
        assert [client.get(UNITS, **limited).status_code for _ in range(3)] == [200, 200, 429]
        assert client.get(UNITS, **other).status_code == 200
    refused = ApiCall.objects.get(status=429)
    assert refused.client_id == _c.pk or refused.client.rate_limit_per_minute == 2


# --- the call log ----------------------------------------------------------------------------------


def test_every_call_is_logged_and_searchable_by_the_owning_agency(
    client, login, lgsp_client, dost_admin, gate_board_admin
):
    api_client, headers = lgsp_client()
    client.get(UNITS, {"structure": "2025", "level": "commune", "limit": "5"}, **headers)
    client.get(STATS, {"commune": COMMUNE_B}, **headers)
    call = ApiCall.objects.get(status=200)
    assert call.client == api_client and call.service == "core.admin_units" and call.rows == 5
    assert call.params == {"structure": ["2025"], "level": ["commune"], "limit": ["5"]} and call.size_bytes > 0

    login(dost_admin)
    page = client.get(reverse("api_clients:calls"), {"status": "refused"})
    assert page.status_code == 200
    table = page.content.decode().split("</form>")[-1]
    assert "<code>core.statistics</code>" in table and "<code>core.admin_units</code>" not in table

    # Another agency's administrator sees none of these calls and cannot open the client.
    login(gate_board_admin)
    table = client.get(reverse("api_clients:calls")).content.decode().split("</form>")[-1]
    assert "<code>core.statistics</code>" not in table and "Chưa có lượt gọi nào." in table
    assert client.get(reverse("api_clients:detail", args=[api_client.pk])).status_code == 404
    assert client.get(reverse("api_clients:calls"), {"client": api_client.pk}).status_code == 404


def test_an_official_without_the_permission_manages_nothing(client, login, lgsp_client, department_official):
    api_client, _h = lgsp_client()  # owned by so-khcn, department_official's own agency
    login(department_official)
    assert client.get(reverse("api_clients:detail", args=[api_client.pk])).status_code == 404
    key = api_client.keys.get()
    assert client.post(reverse("api_clients:key-revoke", args=[key.pk])).status_code == 404
    assert ApiKey.objects.get(pk=key.pk).revoked_at is None


# --- the portal page -------------------------------------------------------------------------------


def test_the_gate_board_issues_a_yard_key_on_the_portal(client, login, gate_board_admin):
    from border_gate.models import Yard

    login(gate_board_admin)
    listing = client.get(reverse("api_clients:list")).content.decode()
    assert "border_gate.yard_operator" in listing and "kind=lgsp" not in listing
    url = reverse("api_clients:create") + "?kind=border_gate.yard_operator"
    form = client.get(url)
    assert form.status_code == 200
    token = form.context["form"]["request_token"].value()
    data = {
        "request_token": token,
        "name": "Phần mềm bãi Xuân Cương",
        "organisation": "Công ty CP Xuân Cương",
        "services": ["border_gate.entries", "border_gate.yard_events"],
        "rate_limit_per_minute": "60",
    }
    # No yard chosen: a Vietnamese field error, and what was typed is kept.
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Chọn ít nhất một bãi." in response.content.decode()
    assert 'value="Phần mềm bãi Xuân Cương"' in response.content.decode()
    assert not ApiClient.objects.exists()

    yard = Yard.objects.get(code="huu-nghi-xuan-cuong")
    response = client.post(url, {**data, "binding-yards": [yard.pk]})
    assert response.status_code == 200
    raw = re.search(r'id="new-key">([^<]+)<', response.content.decode()).group(1)
    created = ApiClient.objects.get()
    assert created.owner_agency == gate_board_admin.agency
    assert list(created.border_gate_binding.yards.all()) == [yard]
    # A double submit issues nothing more.
    again = client.post(url, {**data, "binding-yards": [yard.pk]})
    assert again.status_code == 302 and ApiClient.objects.count() == 1

    # The key works against the border gate's API, bound to its yard.
    entries = client.get(reverse("border_gate-api:entries"), HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert entries.status_code == 200 and entries.json()["results"] == []

    # Rotate on the page: the new key is shown once, the old one keeps working for the overlap.
    key = created.keys.get()
    response = client.post(reverse("api_clients:key-rotate", args=[key.pk]), {"overlap_hours": "2"})
    new_raw = re.search(r'id="new-key">([^<]+)<', response.content.decode()).group(1)
    for secret in (raw, new_raw):
        assert client.get(reverse("border_gate-api:entries"), HTTP_AUTHORIZATION=f"Api-Key {secret}").status_code == 200
    response = client.post(
        reverse("api_clients:key-rotate", args=[created.keys.get(prefix=services.key_prefix_of(new_raw)).pk]),
        {"overlap_hours": "-3"},
    )
    assert response.status_code == 302
    client.post(reverse("api_clients:key-revoke", args=[key.pk]))
    assert client.get(reverse("border_gate-api:entries"), HTTP_AUTHORIZATION=f"Api-Key {raw}").status_code == 401


def test_the_schema_documents_the_lgsp_namespace(client, sysadmin, login):
    login(sysadmin)
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    for path in (
        "/api/lgsp/v1/admin-units/",
        "/api/lgsp/v1/statistics/",
        "/api/lgsp/v1/dossier-status/",
        "/api/lgsp/v1/border-traffic/",
    ):
        assert path in schema["paths"]
        assert schema["paths"][path]["get"]["security"] == [{"ApiKeyAuth": []}]
