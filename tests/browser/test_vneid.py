"""A citizen signs in with VNeID in Chromium on a 360 px phone, without JavaScript, through the local
test identity provider: the login page's button, the provider's page, back to the portal signed in,
the verified identity on the profile. axe-core on each page; a refused link is readable too."""

import copy

import pytest
from django.conf import settings as django_settings

from core.users.models import User
from tests.browser.conftest import MOBILE, axe_check, browser_login, csp_refusals
from tests.conftest import DEMO_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def vneid(live_server, settings, reference_data):
    issuer = f"{live_server.url}/dev/vneid"
    providers = copy.deepcopy(django_settings.SOCIALACCOUNT_PROVIDERS)
    providers["openid_connect"]["APPS"][0]["settings"]["server_url"] = issuer
    settings.SOCIALACCOUNT_PROVIDERS = providers
    settings.PORTAL_VNEID_ISSUER = issuer
    return live_server


def fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_citizen_signs_in_with_vneid_on_a_phone_without_javascript(vneid, browser):
    context = browser.new_context(viewport=MOBILE, java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    refused = csp_refusals(page)
    page.goto(f"{vneid.url}/accounts/login/")
    assert fits(page)
    page.get_by_role("button", name="Đăng nhập bằng VNeID").click()
    page.wait_for_url("**/dev/vneid/authorize/**")
    assert page.get_by_role("heading", level=1).inner_text() == "VNeID thử nghiệm"
    assert fits(page)
    page.get_by_label("Nguyễn Thị Lan — 020190000123").check()
    page.get_by_role("button", name="Xác thực và quay lại cổng").click()
    page.wait_for_url(f"{vneid.url}/")
    assert "Nguyễn Thị Lan" in page.inner_text("header")
    page.goto(f"{vneid.url}/accounts/profile/")
    main = page.inner_text("main")
    assert "đã được xác thực qua VNeID" in main and "12-05-1990" in main
    assert page.get_by_label("Số căn cước công dân (CCCD)").input_value() == "020190000123"
    assert page.get_by_label("Số căn cước công dân (CCCD)").is_disabled()
    assert fits(page)
    context.close()
    assert not refused, refused
    assert User.objects.get(citizen_id="020190000123").identity_verified


def test_vneid_pages_pass_axe_and_a_mismatch_is_explained(vneid, browser_page):
    page = browser_page
    page.set_viewport_size(MOBILE)
    page.goto(f"{vneid.url}/accounts/login/")
    axe_check(page)
    make_user("tuan@example.vn", roles=["citizen"], full_name="Tuấn", citizen_id="020190000999")
    browser_login(page, vneid, "tuan@example.vn", DEMO_PASSWORD)
    page.goto(f"{vneid.url}/accounts/profile/")
    axe_check(page)
    page.get_by_role("button", name="Liên kết VNeID").click()
    page.wait_for_url("**/dev/vneid/authorize/**")
    axe_check(page)
    page.get_by_label("Nguyễn Thị Lan — 020190000123").check()
    page.get_by_role("button", name="Xác thực và quay lại cổng").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Không đăng nhập được bằng VNeID"
    assert "khác số CCCD đã lưu trong tài khoản này" in page.get_by_role("alert").inner_text()
    assert fits(page)
    axe_check(page)
