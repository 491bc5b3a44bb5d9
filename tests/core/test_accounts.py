"""Accounts, HTTP level: registration with email confirmation, login/logout, TOTP at every official
login, enrolment before any official page, lockout, the Django admin's login, admin-created officials."""

import datetime
import re
import time

import pyotp
import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from core.audit.models import AuditLog
from core.users.models import User
from tests.conftest import DEMO_PASSWORD, TOTP_SECRET, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
NEW_PASSWORD = "Lang-Son-2026-an-toan"


def post_login(client, email, password=DEMO_PASSWORD, **extra):
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def signed_in_user(client):
    from django.contrib.auth import get_user

    return get_user(client)


def totp_code(secret=TOTP_SECRET):
    return pyotp.TOTP(secret).now()


# --- registration --------------------------------------------------------------------------------


def signup(client, email="dan.moi@example.vn", **overrides):
    data = {"email": email, "full_name": "Hoàng Thị Mới", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    data.update(overrides)
    return client.post(reverse("account_signup"), data)


def test_signup_page_is_vietnamese_and_asks_full_name(client):
    response = client.get(reverse("account_signup"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đăng ký tài khoản công dân" in html
    assert 'name="full_name"' in html
    assert "Mật khẩu (nhập lại)" in html  # allauth's label, from the portal's Vietnamese catalogue


def test_signup_makes_a_citizen_who_must_confirm_the_email(client):
    response = signup(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="dan.moi@example.vn")
    assert user.full_name == "Hoàng Thị Mới"
    assert user.role_names == {"citizen"}
    assert not user.is_staff and not user.is_official
    assert AuditLog.objects.filter(action="users.user.register", object_id=str(user.pk)).exists()
    assert not signed_in_user(client).is_authenticated

    # The confirmation mail, in Vietnamese, carries the confirmation link.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dan.moi@example.vn"]
    assert "Xác nhận" in message.subject or "xác nhận" in message.subject
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)

    # Before confirming, the password alone does not let them in.
    response = post_login(client, "dan.moi@example.vn", NEW_PASSWORD)
    assert not signed_in_user(client).is_authenticated
    assert not EmailAddress.objects.get(email="dan.moi@example.vn").verified

    page = client.get(link)
    assert page.status_code == 200
    assert "Xác nhận địa chỉ email" in page.content.decode()
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="dan.moi@example.vn").verified

    response = post_login(client, "dan.moi@example.vn", NEW_PASSWORD)
    assert response.status_code == 302
    assert signed_in_user(client) == user
    home = client.get("/")
    assert "Xin chào, Hoàng Thị Mới" in home.content.decode()


def test_signup_errors_are_vietnamese_field_errors_and_keep_what_was_typed(client):
    response = signup(client, email="khac@example.vn", password2="Mat-khau-khac-hẳn-2026", full_name="  ")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hai lần nhập mật khẩu phải giống nhau." in html
    assert "Vui lòng nhập họ và tên." in html
    assert 'value="khac@example.vn"' in html
    assert not User.objects.filter(email="khac@example.vn").exists()


def test_signup_with_an_existing_email_reveals_nothing_and_warns_the_owner(client, citizen):
    # allauth's enumeration protection: the page looks the same as a real sign-up; the owner of the
    # address is told by mail (in Vietnamese) that someone tried to register with it.
    response = signup(client, email="citizen@example.vn")
    assert response.status_code == 302
    assert User.objects.filter(email="citizen@example.vn").count() == 1
    assert User.objects.get(email="citizen@example.vn").full_name == "Hoàng Văn Dân"
    assert len(mail.outbox) == 1
    assert "Tài khoản đã tồn tại" in mail.outbox[0].subject
    assert "đã có một tài khoản dùng địa chỉ email này" in mail.outbox[0].body


def test_signup_cannot_grant_itself_a_role_or_staff(client):
    response = signup(client, email="tham.vong@example.vn", is_staff="on", is_superuser="on", groups="1")
    assert response.status_code == 302
    user = User.objects.get(email="tham.vong@example.vn")
    assert not user.is_staff and not user.is_superuser
    assert user.role_names == {"citizen"}


def test_double_submitted_signup_creates_one_account(client):
    signup(client, email="hai.lan@example.vn")
    again = signup(client, email="hai.lan@example.vn")
    assert again.status_code in (200, 302)
    assert User.objects.filter(email="hai.lan@example.vn").count() == 1


# --- login / logout ------------------------------------------------------------------------------


def test_login_page_is_vietnamese(client):
    html = client.get(LOGIN).content.decode()
    assert "Đăng nhập" in html and "Quên mật khẩu?" in html and 'id="login-form"' in html
    assert 'lang="vi"' in html


def test_citizen_logs_in_with_email_and_logs_out(client, citizen):
    response = post_login(client, "CITIZEN@example.vn")  # email is case-insensitive
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user(client) == citizen
    home = client.get("/")
    assert "Đăng nhập thành công" in home.content.decode()
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not signed_in_user(client).is_authenticated


def test_logout_needs_post(client, citizen, login):
    login(citizen)
    client.get(reverse("account_logout"))
    assert signed_in_user(client) == citizen


def test_wrong_password_gives_a_vietnamese_error_and_keeps_the_email(client, citizen):
    response = post_login(client, "citizen@example.vn", "sai-mat-khau")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Địa chỉ email hoặc mật khẩu bạn nhập không đúng." in html
    assert 'value="citizen@example.vn"' in html
    assert not signed_in_user(client).is_authenticated


def test_login_redirects_to_next(client, citizen):
    response = client.post(LOGIN + "?next=/accounts/profile/", {"login": citizen.email, "password": DEMO_PASSWORD})
    assert response["Location"] == "/accounts/profile/"


def test_inactive_account_cannot_log_in(client, citizen):
    User.objects.filter(pk=citizen.pk).update(is_active=False)
    post_login(client, citizen.email)
    assert not signed_in_user(client).is_authenticated


# --- officials: TOTP -----------------------------------------------------------------------------


# TOTP codes follow the clock: the tests that type one freeze it in the middle of a 30-second step.
FROZEN = datetime.datetime(2026, 12, 1, 3, 0, 10, tzinfo=datetime.UTC)


def test_official_is_asked_for_a_totp_code_at_every_login(client, border_guard):
    def login_with_code(code):
        response = post_login(client, border_guard.email)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
        assert not signed_in_user(client).is_authenticated
        page = client.get(reverse("mfa_authenticate"))
        assert "Xác thực hai lớp" in page.content.decode()
        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert "Mã không đúng." in wrong.content.decode()
        assert not signed_in_user(client).is_authenticated
        return client.post(reverse("mfa_authenticate"), {"code": code})

    with time_machine.travel(FROZEN, tick=False) as clock:
        first_code = totp_code()
        response = login_with_code(first_code)
        assert response.status_code == 302
        assert signed_in_user(client) == border_guard
        client.post(reverse("account_logout"))
        assert not signed_in_user(client).is_authenticated

        # Next login, a minute later: the code is asked again; the old one cannot be replayed.
        clock.shift(60)
        replay = login_with_code(first_code)
        assert replay.status_code == 200
        assert not signed_in_user(client).is_authenticated
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
        assert response.status_code == 302
        assert signed_in_user(client) == border_guard


def test_a_code_of_the_previous_step_is_accepted_an_older_one_is_not(client, border_guard):
    """A product decision (settings.MFA_TOTP_TOLERANCE = 1): a code typed at the very end of its
    30-second step still signs in when the request arrives in the next step; two steps old, it does not."""
    with time_machine.travel(FROZEN, tick=False):
        now = time.time()
        previous, older = pyotp.TOTP(TOTP_SECRET).at(now - 30), pyotp.TOTP(TOTP_SECRET).at(now - 60)
        post_login(client, border_guard.email)
        assert client.post(reverse("mfa_authenticate"), {"code": older}).status_code == 200
        assert not signed_in_user(client).is_authenticated
        assert client.post(reverse("mfa_authenticate"), {"code": previous}).status_code == 302
        assert signed_in_user(client) == border_guard


@pytest.fixture
def new_official(db):
    from core.agencies.models import Agency

    return make_user(
        "moi.vao@langson.gov.vn",
        roles=["department_official"],
        full_name="Cán Bộ Mới",
        agency=Agency.objects.get(code="so-khcn"),
    )


@time_machine.travel(FROZEN, tick=False)
def test_official_without_totp_is_sent_to_enrolment_then_uses_the_code(client, new_official):
    response = post_login(client, new_official.email)
    assert response.status_code == 302
    assert signed_in_user(client) == new_official  # no device yet: password only, but fenced in

    for path in ("/", "/government/", "/admin/"):
        blocked = client.get(path)
        assert blocked.status_code == 302, path
        assert blocked["Location"].startswith(reverse("mfa_activate_totp"))
    api = client.get("/api/v1/core/agencies/")
    assert api.status_code == 403
    assert "TOTP" in api.json()["detail"]
    assert client.get(reverse("users:profile")).status_code == 200  # own profile stays reachable

    # Right after typing the password to sign in, enrolment does not ask for it again (a session
    # left open for longer does: tests/core/test_session_audit.py).
    page = client.get(reverse("mfa_activate_totp"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Kích hoạt xác thực hai lớp" in html
    assert "Cán bộ, công chức phải kích hoạt xác thực hai lớp" in html
    secret = page.context["form"].secret

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "123456"})
    assert wrong.status_code == 200
    assert "Mã không đúng." in wrong.content.decode()

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=new_official, type=Authenticator.Type.TOTP).exists()
    assert client.get("/government/").status_code == 200
    codes_page = client.get(reverse("mfa_view_recovery_codes"))
    assert "Tiếp tục vào cổng" in codes_page.content.decode()

    # From now on the code is asked at login.
    client.post(reverse("account_logout"))
    response = post_login(client, new_official.email)
    assert response["Location"] == reverse("mfa_authenticate")
    assert not signed_in_user(client).is_authenticated


def test_citizens_are_not_forced_to_enrol(client, citizen, login):
    login(citizen)
    assert client.get("/").status_code == 200


def test_admin_login_form_is_replaced_by_the_portal_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    # The password-only admin form would skip TOTP: it must not authenticate anyone.
    client.post("/admin/login/", {"username": "admin@langson.gov.vn", "password": DEMO_PASSWORD})
    assert not signed_in_user(client).is_authenticated


# --- lockout (django-axes) -----------------------------------------------------------------------


def test_five_failures_lock_the_account_from_that_address_with_a_vietnamese_page(client, citizen):
    for _ in range(4):
        response = post_login(client, citizen.email, "sai-mat-khau")
        assert response.status_code == 200
    locked = post_login(client, citizen.email, "sai-mat-khau")
    assert locked.status_code == 429
    # Even the right password is refused while locked.
    locked = post_login(client, citizen.email)
    html = locked.content.decode()
    assert locked.status_code == 429
    assert "Tài khoản tạm bị khóa" in html
    assert "5 lần" in html
    assert 'lang="vi"' in html
    assert not signed_in_user(client).is_authenticated
    # Lockout is per username + IP: the same person from another address, and another account from
    # this address, still get in.
    post_login(client, citizen.email, REMOTE_ADDR="10.1.2.3")
    assert signed_in_user(client) == citizen


def test_lockout_does_not_spill_over_to_other_accounts(client, citizen, citizen2):
    for _ in range(5):
        post_login(client, citizen.email, "sai-mat-khau")
    post_login(client, citizen2.email)
    assert signed_in_user(client) == citizen2


# --- administrators create officials -------------------------------------------------------------


def test_administrator_creates_an_official_in_the_admin(client, sysadmin, login):
    from core.agencies.models import Agency

    login(sysadmin)
    agency = Agency.objects.get(code="so-khcn")
    group = Group.objects.get(name="department_official")
    response = client.post(
        "/admin/users/user/add/",
        {
            "email": "Can.Bo.Moi@LangSon.gov.vn",
            "full_name": "Nguyễn Văn Mới",
            "agency": agency.pk,
            "admin_unit": "",
            "groups": [group.pk],
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(email="can.bo.moi@langson.gov.vn")
    assert user.agency == agency and user.role_names == {"department_official"}
    assert EmailAddress.objects.get(user=user).verified  # the administrator vouches for the address
    entry = AuditLog.objects.get(action="users.user.create", object_id=str(user.pk))
    assert entry.actor == sysadmin and entry.after["roles"] == ["department_official"]

    # The new official can log in at once, and is sent to TOTP enrolment.
    client.post(reverse("account_logout"))
    post_login(client, user.email, NEW_PASSWORD)
    assert signed_in_user(client) == user
    assert client.get("/").headers["Location"].startswith(reverse("mfa_activate_totp"))


def test_admin_user_list_and_change_page_render(client, sysadmin, citizen, login):
    login(sysadmin)
    assert client.get("/admin/users/user/").status_code == 200
    assert client.get(f"/admin/users/user/{citizen.pk}/change/").status_code == 200


def test_non_staff_cannot_open_the_admin(client, province_leader, login):
    login(province_leader)
    assert client.get("/admin/").status_code in (302, 403)
