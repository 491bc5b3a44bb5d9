"""Profile (full name, phone, CCCD, language) and the language switch, at the HTTP level."""

import pytest
from django.urls import reverse

from core.audit.models import AuditLog
from core.users.models import User
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
PROFILE = "/accounts/profile/"


def profile_data(**overrides):
    data = {
        "full_name": "Hoàng Văn Dân",
        "phone": "0912345678",
        "citizen_id": "020090000123",
        "preferred_language": "vi",
    }
    data.update(overrides)
    return data


def test_profile_needs_login(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_shows_the_current_values(client, citizen, login):
    login(citizen)
    html = client.get(PROFILE).content.decode()
    assert 'value="0912345678"' in html and 'value="020090000123"' in html and "citizen@example.vn" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "0123456", "Số điện thoại di động Việt Nam không hợp lệ"),
        ("phone", "0212345678", "Số điện thoại di động Việt Nam không hợp lệ"),  # landline prefix
        ("phone", "09123456789", "Số điện thoại di động Việt Nam không hợp lệ"),  # 11 digits
        ("citizen_id", "12345", "Số CCCD phải gồm đúng 12 chữ số."),
        ("citizen_id", "02009000012a", "Số CCCD phải gồm đúng 12 chữ số."),
        ("citizen_id", "999090000123", "Ba chữ số đầu của CCCD phải là mã tỉnh"),
        ("full_name", "   ", "Vui lòng nhập họ và tên."),
    ],
)
def test_bad_values_give_vietnamese_field_errors_and_keep_what_was_typed(client, citizen, login, field, value, message):
    login(citizen)
    typed = profile_data(full_name="Tên Mới Gõ", phone="0987 000 111", citizen_id="020195000999")
    typed[field] = value
    response = client.post(PROFILE, typed)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    # the error is attached to its field (Django renders it with the field's id)
    assert f'id="id_{field}_error"' in html
    for name, kept in typed.items():
        if name != "preferred_language" and kept.strip():
            assert f'value="{kept}"' in html, name
    citizen.refresh_from_db()
    assert citizen.full_name == "Hoàng Văn Dân" and citizen.phone == "0912345678"
    assert not AuditLog.objects.filter(action="users.profile.update").exists()


def test_valid_profile_is_saved_normalised_and_audited(client, citizen, login):
    login(citizen)
    response = client.post(
        PROFILE, profile_data(full_name="  Hoàng   Văn  Dân ", phone="+84 98-765 4320", citizen_id="020 090 000 777")
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.phone == "0987654320"
    assert citizen.citizen_id == "020090000777"
    assert citizen.full_name == "Hoàng Văn Dân"
    entry = AuditLog.objects.get(action="users.profile.update", object_id=str(citizen.pk))
    assert entry.actor == citizen
    assert set(entry.after) == {"phone", "citizen_id"}
    assert entry.after["citizen_id"].endswith("777") and "020090000777" not in str(entry.after)
    page = client.get(response["Location"])
    assert "Đã lưu thông tin cá nhân." in page.content.decode()


def test_saving_twice_is_harmless(client, citizen, login):
    login(citizen)
    data = profile_data(phone="0987654320")
    client.post(PROFILE, data)
    client.post(PROFILE, data)
    assert AuditLog.objects.filter(action="users.profile.update").count() == 1


def test_a_cccd_of_another_account_is_refused(client, citizen, citizen2, login):
    login(citizen)
    response = client.post(PROFILE, profile_data(citizen_id=citizen2.citizen_id))
    assert response.status_code == 200
    assert "Số CCCD này đã được dùng cho một tài khoản khác." in response.content.decode()


def test_empty_phone_and_cccd_are_allowed(client, citizen, login):
    login(citizen)
    response = client.post(PROFILE, profile_data(phone="", citizen_id=""))
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.phone == "" and citizen.citizen_id == ""


# --- language ------------------------------------------------------------------------------------


def test_language_switch_gives_an_english_ui(client):
    response = client.post(reverse("users:switch-language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Lạng Sơn Digital Transformation Portal" in html
    assert "Sign in" in html and "Digital government" in html
    assert "Đăng nhập" not in html
    login_page = client.get(reverse("account_login")).content.decode()
    assert "Forgot your password?" in login_page
    client.post(reverse("users:switch-language"), {"language": "vi", "next": "/"})
    assert "Đăng nhập" in client.get("/").content.decode()


def test_switching_language_signed_in_saves_it_on_the_account(client, citizen, login):
    login(citizen)
    client.post(reverse("users:switch-language"), {"language": "en", "next": "/"})
    citizen.refresh_from_db()
    assert citizen.preferred_language == "en"
    assert AuditLog.objects.filter(action="users.profile.set_language", object_id=str(citizen.pk)).exists()


def test_language_chosen_in_the_profile_is_applied_at_the_next_login(client, citizen, login):
    login(citizen)
    response = client.post(PROFILE, profile_data(preferred_language="en"))
    assert User.objects.get(pk=citizen.pk).preferred_language == "en"
    assert response.cookies["portal_language"].value == "en"
    assert "Your profile has been saved." in client.get(PROFILE).content.decode()

    # A fresh browser (no language cookie) gets the saved language at login.
    client.post(reverse("account_logout"))
    client.cookies.clear()
    assert 'lang="vi"' in client.get("/").content.decode()
    response = client.post(reverse("account_login"), {"login": citizen.email, "password": DEMO_PASSWORD})
    assert response.cookies["portal_language"].value == "en"
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert "Hello, Hoàng Văn Dân" in html


def test_unknown_language_is_ignored(client, citizen, login):
    login(citizen)
    client.post(reverse("users:switch-language"), {"language": "fr", "next": "/"})
    citizen.refresh_from_db()
    assert citizen.preferred_language == "vi"
    assert 'lang="vi"' in client.get("/").content.decode()


def test_language_switch_never_redirects_off_site(client):
    response = client.post(reverse("users:switch-language"), {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")
