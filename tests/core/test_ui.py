"""Error pages in the portal's look, the production deploy check, and the demo personas."""

import base64
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import translation

from core import views

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_404_page_is_in_the_portal_look(client):
    response = client.get("/khong-co-trang-nay/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang" in html and 'class="site-header"' in html and 'lang="vi"' in html


@pytest.mark.django_db
def test_403_page_is_in_the_portal_look(client, login, citizen):
    login(citizen)
    response = client.get("/admin/login/")  # signed in, not staff: allauth's secure admin login refuses
    assert response.status_code == 403
    html = response.content.decode()
    assert "Bạn không có quyền truy cập trang này" in html and 'class="site-header"' in html


@pytest.mark.django_db
def test_400_page():
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    # Outside a request cycle the thread keeps whatever language an earlier test activated.
    with translation.override("vi"):
        response = views.error_400(request)
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


def test_500_page_renders_without_database_or_user():
    # No `user`, no session, no database: the page must still render (the failure may be the DB).
    request = RequestFactory().get("/")
    response = views.error_500(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in html and "css/portal.css" in html


def test_error_handlers_are_wired():
    from lang_son_portal import urls

    assert urls.handler500 == "core.views.error_500"
    assert urls.handler404 == "core.views.error_404"


def test_check_deploy_with_production_settings_has_no_warnings():
    env = dict(os.environ)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright by the test suite, never in production
    env.update(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=base64.b64encode(os.urandom(48)).decode(),
        PORTAL_PAYMENT_CALLBACK_SECRET=base64.b64encode(os.urandom(48)).decode(),
        PORTAL_SIGNING_KEY_PASSPHRASE=base64.b64encode(os.urandom(48)).decode(),
        DJANGO_ALLOWED_HOSTS="portal.langson.gov.vn",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- demo personas ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_accounts_are_created_once_with_their_roles(client):
    from allauth.mfa.models import Authenticator

    from core.demo import generators
    from core.users.demo import DEMO_PASSWORD, PERSONAS
    from core.users.models import User

    generator = next(g for g in generators() if g.name == "core.users")
    assert generator.order == 10
    generator.func(scale="small", log=lambda *a: None)
    generator.func(scale="small", log=lambda *a: None)  # idempotent
    users = User.objects.filter(email__in=[p.email for p in PERSONAS])
    # One per role, and a second Party official: the office of a commune Party committee (party pillar).
    assert users.count() == len(PERSONAS) == 10
    roles_seen = {name for u in users for name in u.role_names}
    assert roles_seen == {
        "citizen",
        "enterprise_representative",
        "commune_official",
        "department_official",
        "province_leader",
        "border_officer",
        "party_official",
        "system_administrator",
    }
    guard = users.get(email="bienphong@demo.langson.vn")
    assert guard.agency.code == "huu-nghi-border_guard"
    assert users.get(email="canbo.xa@demo.langson.vn").admin_unit.code == 5977
    assert users.get(email="congdan@demo.langson.vn").admin_unit.code == 5977
    # Officials enrol TOTP themselves on first login (the real flow).
    assert not Authenticator.objects.filter(user__in=users).exists()

    response = client.post("/accounts/login/", {"login": "congdan@demo.langson.vn", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": "lanhdao@demo.langson.vn", "password": DEMO_PASSWORD})
    assert client.get("/").headers["Location"].startswith("/accounts/2fa/totp/activate/")


@pytest.mark.django_db
def test_demo_accounts_command_prints_the_table():
    from core.users.demo import PERSONAS, ensure_demo_accounts

    ensure_demo_accounts(log=lambda *a: None)
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    for persona in PERSONAS:
        assert persona.email in text
    assert "province_leader" in text and "not created yet" not in text
