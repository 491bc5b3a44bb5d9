"""Accounts and the base layout in a real Chromium: citizen and official (TOTP) logins, pages that
work without JavaScript at 360 px, axe-core on the main pages, and the 150 KB first-load budget."""

import pyotp
import pytest

from tests.browser.conftest import DESKTOP, MOBILE, axe_check, browser_login
from tests.conftest import DEMO_PASSWORD, TOTP_SECRET, at_totp_step_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/government/",
    "/border-gate/",
    "/economy/",
    "/society/",
    "/party/",
]
BUDGET_BYTES = 150 * 1024


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_citizen_logs_in_and_out(live_server, reference_data, citizen, browser_page):
    page = browser_page
    page.set_viewport_size(MOBILE)
    browser_login(page, live_server, "citizen@example.vn", DEMO_PASSWORD)
    assert page.url == f"{live_server.url}/"
    assert page.get_by_role("heading", level=1).inner_text() == "Xin chào, Hoàng Văn Dân"
    assert "Đăng nhập thành công" in page.inner_text("main")
    assert no_horizontal_scroll(page)
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Đăng nhập").first.is_visible()


def test_official_logs_in_with_a_totp_code(live_server, reference_data, border_guard, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(border_guard.email)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    assert page.get_by_role("heading", level=1).inner_text() == "Xác thực hai lớp"
    with at_totp_step_start():  # the live server runs in this process: it reads the same clock
        page.fill("#mfa-authenticate-form input[name=code]", pyotp.TOTP(TOTP_SECRET).now())
        page.locator("#mfa-authenticate-form button[type=submit]").first.click()
        page.wait_for_url(f"{live_server.url}/")
    assert "Công việc của tôi" in page.inner_text("main")
    assert "Cán bộ lực lượng cửa khẩu" in page.inner_text("main")


def test_login_and_profile_work_without_javascript(live_server, reference_data, citizen, browser):
    context = browser.new_context(viewport=MOBILE, java_script_enabled=False)
    page = context.new_page()
    try:
        browser_login(page, live_server, "citizen@example.vn", DEMO_PASSWORD)
        page.goto(f"{live_server.url}/accounts/profile/")
        page.get_by_label("Số điện thoại di động").fill("0123")
        page.get_by_role("button", name="Lưu thông tin").click()
        page.wait_for_load_state()
        assert "Số điện thoại di động Việt Nam không hợp lệ" in page.inner_text("main")
        assert page.get_by_label("Số điện thoại di động").input_value() == "0123"
        page.get_by_label("Số điện thoại di động").fill("+84 98 765 4320")
        page.get_by_role("button", name="Lưu thông tin").click()
        page.wait_for_load_state()
        assert "Đã lưu thông tin cá nhân." in page.inner_text("main")
        assert page.get_by_label("Số điện thoại di động").input_value() == "0987654320"
        # language switch, without JavaScript too
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "Profile"
        assert no_horizontal_scroll(page)
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["360px", "desktop"])
def test_main_pages_have_no_serious_accessibility_violations(live_server, reference_data, citizen, browser, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        for path in PUBLIC_PAGES:
            page.goto(f"{live_server.url}{path}")
            axe_check(page)
            assert no_horizontal_scroll(page), path
        # a form showing its errors
        page.goto(f"{live_server.url}/accounts/signup/")
        page.locator("#signup-form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(".errorlist").count() > 0
        axe_check(page)
        # signed-in pages
        browser_login(page, live_server, "citizen@example.vn", DEMO_PASSWORD)
        for path in ("/", "/accounts/profile/"):
            page.goto(f"{live_server.url}{path}")
            axe_check(page)
            assert no_horizontal_scroll(page), path
    finally:
        context.close()


def _first_load_bytes(browser, url: str, storage_state=None) -> tuple[int, list[str]]:
    """Bytes transferred (headers + body as sent on the wire, so gzip counts) for a first visit with
    an empty cache, from the Performance API; and the resources loaded."""
    context = browser.new_context(viewport=MOBILE, storage_state=storage_state)
    page = context.new_page()
    try:
        page.goto(url, wait_until="load")
        entries = page.evaluate(
            """() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
                 .map(e => ({name: e.name, size: e.transferSize || e.encodedBodySize || 0}))"""
        )
    finally:
        context.close()
    return sum(e["size"] for e in entries), [e["name"] for e in entries]


def test_citizen_pages_weigh_at_most_150_kb_on_first_load(live_server, reference_data, citizen, browser):
    # The test server does not compress static files (WhiteNoise does in production), so these
    # figures over-estimate what a phone downloads: passing here passes there.
    for path in [*PUBLIC_PAGES[:4], "/government/"]:
        total, resources = _first_load_bytes(browser, f"{live_server.url}{path}")
        assert 0 < total <= BUDGET_BYTES, f"{path}: {total} bytes: {resources}"
        assert not [r for r in resources if r.endswith(".js")], f"{path} loads JavaScript: {resources}"

    context = browser.new_context(viewport=MOBILE)
    page = context.new_page()
    browser_login(page, live_server, "citizen@example.vn", DEMO_PASSWORD)
    state = context.storage_state()
    context.close()
    for path in ("/", "/accounts/profile/"):
        total, resources = _first_load_bytes(browser, f"{live_server.url}{path}", storage_state=state)
        assert 0 < total <= BUDGET_BYTES, f"{path}: {total} bytes: {resources}"


def test_axe_check_really_fails_on_violations(browser_page):
    # Guards every accessibility test above from passing vacuously (e.g. if axe failed to load).
    browser_page.set_content('<html><body><img src="x.png"><button></button></body></html>')
    with pytest.raises(pytest.fail.Exception, match="button-name"):
        axe_check(browser_page)
