"""The API-client pages in a real browser on a 360 px phone: an agency's administrator finds them in
the menu, issues a key for the agency's own e-office system (a missing field refused, what was typed
kept), copies the key shown once, rotates it with an overlap (both keys work), then revokes the old
one (it stops working at once) — checked against the live documents API with each key."""

import json
import re
import urllib.error
import urllib.request

import pytest
from django.core.management import call_command

from tests.browser.conftest import MOBILE, browser_login
from tests.conftest import DEMO_PASSWORD, TOTP_SECRET, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def admin(transactional_db):
    from django.contrib.auth.models import Permission

    from core.agencies.models import Agency

    call_command("load_reference_data", verbosity=0)
    user = make_user(
        "quantri.khcn@langson.gov.vn",
        roles=["department_official"],
        full_name="Lăng Văn Kết",
        agency=Agency.objects.get(code="so-khcn"),
        totp=True,
    )
    user.user_permissions.add(Permission.objects.get(codename="manage_api_clients"))
    return user


def _status(live_server, raw: str) -> int:
    request = urllib.request.Request(
        f"{live_server.url}/api/lgsp/v1/documents/", headers={"Authorization": f"Api-Key {raw}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            json.loads(response.read())
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


WIDEST = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > 360)
  .map(e => e.tagName + ' ' + Math.round(e.getBoundingClientRect().right) + ' ' + e.outerHTML.slice(0, 120))
  .slice(-3)"""


def _fits(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, (page.url, page.evaluate(WIDEST))


def test_issue_rotate_and_revoke_a_key_on_a_phone(browser, live_server, admin):
    context = browser.new_context(viewport=MOBILE, locale="vi-VN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    browser_login(page, live_server, admin.email, DEMO_PASSWORD, totp_secret=TOTP_SECRET)
    page.goto(f"{live_server.url}/")
    page.click("[data-panel='core.official_work'] >> text=Kết nối API")
    page.wait_for_selector("main h1")
    _fits(page)
    page.click("text=Hệ thống của chính cơ quan (quản lý văn bản, lịch họp)")
    page.fill("[name=name]", "Hệ thống quản lý văn bản của Sở")
    page.check("input[name=services][value='government.documents']")
    page.click("text=Cấp hệ thống và khóa")  # no organisation: refused by field, input kept
    assert "Trường này là bắt buộc" in page.inner_text("main")
    assert page.input_value("[name=name]") == "Hệ thống quản lý văn bản của Sở"
    _fits(page)
    page.fill("[name=organisation]", "Sở Khoa học và Công nghệ")
    if not page.is_checked("input[name=services][value='government.documents']"):
        page.check("input[name=services][value='government.documents']")
    page.click("text=Cấp hệ thống và khóa")
    first = page.inner_text("#new-key").strip()
    assert re.fullmatch(r"ls_[0-9a-f]{8}\.[\w-]+", first)
    _fits(page)
    assert _status(live_server, first) == 200

    page.click("text=Về trang hệ thống kết nối")
    page.fill("input[name=overlap_hours]", "2")
    page.click("button:has-text('Đổi khóa')")
    second = page.inner_text("#new-key").strip()
    assert second != first and "vẫn dùng được đến" in page.inner_text("main")
    assert _status(live_server, first) == 200 and _status(live_server, second) == 200  # no downtime

    page.click("text=Về trang hệ thống kết nối")
    _fits(page)
    prefix = first.split(".")[0][3:]
    key_row = page.locator("tr", has_text=f"{prefix}…").first  # the keys table (the call log below too)
    key_row.locator("button:has-text('Thu hồi khóa')").click()
    page.wait_for_load_state()
    assert "Đã thu hồi" in page.locator("tr", has_text=f"{prefix}…").first.inner_text()
    assert _status(live_server, first) == 401 and _status(live_server, second) == 200
    context.close()
