"""English in a real Chromium on a 360 px phone: a visitor switches the language in the header, finds
the public statistics in the menu, reads them in English on a page that still fits the screen, and
switches back; a province leader reaches the operations centre from the first menu entry."""

import pytest

from tests.browser.conftest import MOBILE, axe_check, browser_login
from tests.conftest import DEMO_PASSWORD, TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_screen(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def menu_is_one_row(page) -> bool:
    # The menu scrolls sideways inside its own row rather than wrapping into a tall block.
    return page.evaluate(
        """() => { const nav = document.querySelector('nav.pillars');
                   const link = nav.querySelector('a');
                   return nav.getBoundingClientRect().height < 3 * link.getBoundingClientRect().height; }"""
    )


def test_visitor_switches_to_english_and_reads_the_statistics(live_server, reference_data, browser_page):
    page = browser_page
    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    menu = page.get_by_role("navigation", name="Pillars")
    assert menu.get_by_role("link", name="Digital government").is_visible()
    assert fits_the_screen(page) and menu_is_one_row(page)

    menu.get_by_role("link", name="Statistics").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Lạng Sơn digital transformation statistics"
    assert "Open data" in page.inner_text("main")
    assert menu.get_by_role("link", name="Statistics").get_attribute("aria-current") == "page"
    assert fits_the_screen(page)
    axe_check(page)

    # Back to Vietnamese from the same header, on the same page.
    page.get_by_role("button", name="Tiếng Việt").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", level=1).inner_text() == "Số liệu chuyển đổi số tỉnh Lạng Sơn"


def test_leader_reaches_the_operations_centre_from_the_first_menu_entry(
    live_server, reference_data, province_leader, browser_page
):
    page = browser_page
    page.set_viewport_size(MOBILE)
    browser_login(page, live_server, "leader@langson.gov.vn", DEMO_PASSWORD, TOTP_SECRET)
    first = page.get_by_role("navigation", name="Trụ cột").get_by_role("link").first
    assert first.inner_text() == "Trung tâm điều hành"
    assert first.is_visible()  # visible at 360 px without scrolling the menu
    first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/government/operations-centre/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Trung tâm điều hành thông minh")
