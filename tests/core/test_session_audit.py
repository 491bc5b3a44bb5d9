"""Officials' session limits (idle and absolute), TOTP enrolment right after the first login, and the
audit trail of sign-in events and of every change made in the Django admin."""

import time

import pyotp
import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth import get_user
from django.test import Client, override_settings
from django.urls import reverse

from core.audit.admin import AuditedAdminMixin
from core.audit.models import AuditLog
from tests.conftest import DEMO_PASSWORD, TOTP_SECRET, at_totp_step_start, make_user

pytestmark = pytest.mark.django_db

PAGE = "/government/"
MINUTE = 60


def at(offset_seconds: float):
    """Freeze the clock `offset_seconds` after the test's start (no sleeping)."""
    return time_machine.travel(START + offset_seconds, tick=False)


START = time.time()


def signed_in(client):
    return get_user(client).is_authenticated


# --- idle and absolute limits ---------------------------------------------------------------------


def test_an_official_is_signed_out_after_30_idle_minutes(client, department_official):
    with at(0):
        client.force_login(department_official)
        assert client.get(PAGE).status_code == 200
    with at(29 * MINUTE):
        assert client.get(PAGE).status_code == 200  # active: the idle clock starts again
    with at(29 * MINUTE + 29 * MINUTE):
        assert client.get(PAGE).status_code == 200
    with at(58 * MINUTE + 31 * MINUTE):
        response = client.get(PAGE)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next=%2Fgovernment%2F"
        assert not signed_in(client)
        page = client.get(response["Location"])
        assert "Phiên đăng nhập đã kết thúc do không hoạt động" in page.content.decode()
    row = AuditLog.objects.get(action="users.auth.logout", actor=department_official)
    assert row.after == {"reason": "idle"}


def test_the_api_answers_403_once_the_session_is_idle(client, department_official):
    with at(0):
        client.force_login(department_official)
        assert client.get("/api/v1/core/agencies/").status_code == 200
    with at(31 * MINUTE):
        response = client.get("/api/v1/core/agencies/")
        assert response.status_code == 403
        assert "hết hạn" in response.json()["detail"]
    with at(32 * MINUTE):
        assert client.get("/api/v1/core/agencies/").status_code == 403  # signed out, not just refused


def test_a_working_day_at_most_however_active(client, department_official):
    with at(0):
        client.force_login(department_official)
    elapsed = 0
    while elapsed + 25 * MINUTE <= 10 * 3600:
        elapsed += 25 * MINUTE
        with at(elapsed):
            assert client.get(PAGE).status_code == 200, elapsed / 3600
    with at(10 * 3600 + MINUTE):
        response = client.get(PAGE)
        assert response.status_code == 302 and not signed_in(client)
        assert "quá thời gian cho phép" in client.get(response["Location"]).content.decode()
    assert AuditLog.objects.get(action="users.auth.logout", actor=department_official).after == {"reason": "absolute"}


@override_settings(PORTAL_OFFICIAL_IDLE_MINUTES=5, PORTAL_OFFICIAL_SESSION_HOURS=1)
def test_both_limits_are_settings(client, border_guard):
    with at(0):
        client.force_login(border_guard)
    with at(4 * MINUTE):
        assert client.get("/").status_code == 200
    with at(10 * MINUTE):
        assert client.get("/").status_code == 302 and not signed_in(client)
    with at(11 * MINUTE):
        client.force_login(border_guard)
    for minute in range(15, 60, 4):
        with at(minute * MINUTE):
            assert client.get("/").status_code == 200
    with at(72 * MINUTE):
        assert client.get("/").status_code == 302 and not signed_in(client)


def test_citizens_keep_their_session(client, citizen):
    with at(0):
        client.force_login(citizen)
    with at(3 * 3600):
        assert client.get("/").status_code == 200 and signed_in(client)
    with at(13 * 3600):
        assert client.get("/").status_code == 200 and signed_in(client)


# --- TOTP enrolment right after the first login --------------------------------------------------


@pytest.fixture
def new_official(db):
    from core.agencies.models import Agency

    return make_user(
        "moi.vao@langson.gov.vn",
        roles=["department_official"],
        full_name="Cán Bộ Mới",
        agency=Agency.objects.get(code="so-khcn"),
    )


def post_login(client, email, password=DEMO_PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def test_first_enrolment_does_not_ask_for_the_password_again(client, new_official, django_capture_on_commit_callbacks):
    with at(0):
        post_login(client, new_official.email)
        assert client.get("/").headers["Location"].startswith(reverse("mfa_activate_totp"))
        page = client.get(reverse("mfa_activate_totp"))
        assert page.status_code == 200
        assert "Kích hoạt xác thực hai lớp" in page.content.decode()
        secret = page.context["form"].secret
        with django_capture_on_commit_callbacks(execute=True):  # allauth signals after the commit
            response = client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
        assert response.status_code == 302
    assert Authenticator.objects.filter(user=new_official, type="totp").exists()
    added = AuditLog.objects.filter(action="users.mfa.add", actor=new_official)
    assert {row.after["type"] for row in added} == {"totp", "recovery_codes"}


def test_a_session_left_open_still_asks_for_the_password_before_enrolment(client, new_official):
    with at(0):
        post_login(client, new_official.email)
    with at(6 * MINUTE):
        response = client.get(reverse("mfa_activate_totp"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_removing_the_second_factor_asks_for_the_password_and_is_audited(client, department_official):
    with at(0):
        client.force_login(department_official)
        response = client.post(reverse("mfa_deactivate_totp"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        client.post(response["Location"], {"password": DEMO_PASSWORD})
        client.post(reverse("mfa_deactivate_totp"))
    assert not Authenticator.objects.filter(user=department_official, type="totp").exists()
    assert AuditLog.objects.get(action="users.mfa.remove", actor=department_official).after["type"] == "totp"


# --- sign-in events in the audit log ---------------------------------------------------------------


@override_settings(PORTAL_TRUSTED_PROXY_COUNT=1)
def test_sign_in_failure_lockout_and_sign_out_are_audited_with_the_clients_address(client, border_guard):
    behind_balancer = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    post_login(client, border_guard.email, "sai-mat-khau", **behind_balancer)
    failed = AuditLog.objects.get(action="users.auth.login_failed")
    assert failed.actor is None and failed.actor_label == border_guard.email
    assert failed.object_id == str(border_guard.pk) and failed.ip == "203.0.113.9"
    assert failed.agency_id == border_guard.agency_id  # the official's agency may read it

    # Password then a wrong code, then the right one: a second-factor failure, then a sign-in.
    post_login(client, border_guard.email, **behind_balancer)
    client.post(reverse("mfa_authenticate"), {"code": "000000"}, **behind_balancer)
    assert AuditLog.objects.filter(action="users.auth.mfa_failed", object_id=str(border_guard.pk)).count() == 1
    assert not AuditLog.objects.filter(action="users.auth.login").exists()  # the password alone is no sign-in
    with at_totp_step_start():
        client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(TOTP_SECRET).now()}, **behind_balancer)
    login = AuditLog.objects.get(action="users.auth.login")
    assert login.actor == border_guard and login.ip == "203.0.113.9"

    client.post(reverse("account_logout"), **behind_balancer)
    logout = AuditLog.objects.get(action="users.auth.logout")
    assert logout.actor == border_guard and logout.after is None

    other = Client()
    for _ in range(5):
        post_login(other, "ai.do@example.vn", "doan-mo", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.4")
    lockout = AuditLog.objects.get(action="users.auth.lockout")
    assert lockout.actor_label == "ai.do@example.vn" and lockout.after == {"ip": "198.51.100.4"}
    assert AuditLog.objects.filter(action="users.auth.login_failed", actor_label="ai.do@example.vn").count() == 5


# --- every change made in the Django admin -----------------------------------------------------------


def test_every_admin_registration_is_audited():
    assert admin.site._registry
    missing = [m._meta.label for m, ma in admin.site._registry.items() if not isinstance(ma, AuditedAdminMixin)]
    assert not missing


def form_data(response) -> dict:
    """What the browser would post back from an admin change form as it was rendered."""
    data = {}

    def add(form, prefix=""):
        for name, field in form.fields.items():
            if field.disabled:
                continue
            value = field.prepare_value(form[name].value())
            key = f"{prefix}{name}"
            if isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif value is True:
                data[key] = "on"
            elif value not in (None, False):
                data[key] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for i, form in enumerate(formset.forms):
            add(form, f"{formset.prefix}-{i}-")
    return data


def admin_change(client, url, **changes):
    page = client.get(url)
    assert page.status_code == 200, url
    data = form_data(page)
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return response


def test_admin_changes_to_fees_keys_enterprises_and_roles_are_audited(client, sysadmin, citizen):
    from django.contrib.auth.models import Group

    from border_gate.models import Enterprise, FeeRate

    client.force_login(sysadmin)

    rate = FeeRate.objects.order_by("pk").first()
    admin_change(client, f"/admin/border_gate/feerate/{rate.pk}/change/", amount_vnd=str(rate.amount_vnd + 1000))
    row = AuditLog.objects.get(action="admin.change", object_type="border_gate.feerate")
    assert row.actor == sysadmin and row.object_id == str(rate.pk)
    assert row.before == {"amount_vnd": rate.amount_vnd}
    assert row.after["amount_vnd"] == rate.amount_vnd + 1000

    tariff = rate.tariff
    admin_change(client, f"/admin/border_gate/feetariff/{tariff.pk}/change/", title="Biểu phí sửa đổi")
    assert AuditLog.objects.get(action="admin.change", object_type="border_gate.feetariff").after["title"] == (
        "Biểu phí sửa đổi"
    )

    enterprise = Enterprise.objects.create(tax_code="0101234567", name="Công ty Xuất Nhập Khẩu Đông Bắc")
    admin_change(client, f"/admin/border_gate/enterprise/{enterprise.pk}/change/", is_verified="on")
    row = AuditLog.objects.get(action="admin.change", object_type="border_gate.enterprise")
    assert row.before == {"is_verified": False} and row.after["is_verified"] is True

    leader = Group.objects.get(name="province_leader")
    admin_change(client, f"/admin/users/user/{citizen.pk}/change/", groups=[str(leader.pk)])
    row = AuditLog.objects.get(action="admin.change", object_type="users.user", object_id=str(citizen.pk))
    assert row.before == {"groups": ["citizen"]} and row.after["groups"] == ["province_leader"]

    # A deletion through the admin's bulk action is audited too, one row per object.
    response = client.post(
        "/admin/border_gate/enterprise/",
        {"action": "delete_selected", "_selected_action": [enterprise.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="admin.delete", object_id=str(enterprise.pk)).count() == 1


def test_admin_inline_and_list_edits_are_audited(client, sysadmin):
    from border_gate.models import FeeRate

    client.force_login(sysadmin)
    rate = FeeRate.objects.order_by("pk").first()
    changelist = client.get("/admin/border_gate/feerate/")
    assert changelist.status_code == 200
    formset = changelist.context["cl"].formset
    data = {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
    for i, form in enumerate(formset.forms):
        data[f"{formset.prefix}-{i}-id"] = form.instance.pk
        data[f"{formset.prefix}-{i}-amount_vnd"] = form.instance.amount_vnd + (500 if form.instance == rate else 0)
        data[f"{formset.prefix}-{i}-confidence"] = form.instance.confidence
    data["_save"] = "Save"
    assert client.post("/admin/border_gate/feerate/", data).status_code == 302
    row = AuditLog.objects.get(action="admin.change", object_type="border_gate.feerate")
    assert row.object_id == str(rate.pk) and row.after["amount_vnd"] == rate.amount_vnd + 500
