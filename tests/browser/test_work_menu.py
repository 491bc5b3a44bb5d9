"""The official's work menu on a 360 px phone (issue 16): documents, tasks, meetings and periodic
reporting are reached from the header, not only from the home page. The pillar menu keeps its seven
entries; the work menu is a second row that scrolls on its own, so the page never scrolls sideways.
Each entry opens (no 403), and the leader reaches the task board (from the tasks page and from the
operations centre) and the calendar subscription page."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import MOBILE, axe_check, browser_login
from tests.conftest import COMMUNE_A, DEMO_PASSWORD, TOTP_SECRET, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def commune_leader(transactional_db):
    from core.agencies.models import Agency
    from core.geo.models import AdministrativeUnit

    call_command("load_reference_data", verbosity=0)
    return make_user(
        "chutich.xa@langson.gov.vn",
        roles=["commune_official", "agency_leader"],
        full_name="Chu Văn Chủ Tịch",
        agency=Agency.objects.get(code=f"ubnd-xa-{COMMUNE_A}"),
        admin_unit=AdministrativeUnit.objects.get(code=COMMUNE_A, structure="2025"),
        totp=True,
    )


def _fits(page):
    assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"], page.url


def test_the_work_menu_on_a_phone(browser, live_server, commune_leader):
    context = browser.new_context(viewport=MOBILE, locale="vi-VN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    browser_login(page, live_server, commune_leader.email, DEMO_PASSWORD, totp_secret=TOTP_SECRET)
    page.goto(f"{live_server.url}/")
    work = page.locator('nav[aria-label="Công việc của tôi"]')
    assert work.locator("a").all_inner_texts() == ["Văn bản", "Công việc", "Lịch họp", "Báo cáo định kỳ"]
    pillars = page.locator("nav.pillars:not(.work) a")
    assert pillars.count() <= 7
    _fits(page)
    # The last entry is off screen at 360 px: the row scrolls sideways by itself and the link still works.
    work.get_by_role("link", name="Báo cáo định kỳ").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("h1").first.inner_text().strip() != ""
    assert work.locator('a[aria-current="page"]').inner_text() == "Báo cáo định kỳ"
    _fits(page)
    for label, heading in [
        ("Văn bản", "Văn bản"),
        ("Lịch họp", "Lịch họp"),
        ("Công việc", "Công việc"),
    ]:
        work.get_by_role("link", name=label, exact=True).click()
        page.wait_for_load_state("domcontentloaded")
        assert heading in page.locator("h1").first.inner_text(), (label, page.url)
        assert work.locator('a[aria-current="page"]').inner_text() == label
        _fits(page)
    # From the tasks page the leader opens the board of their agency.
    page.get_by_role("link", name="Tiến độ công việc theo cơ quan").click()
    page.wait_for_selector("#task-board")
    _fits(page)
    axe_check(page)
    # The operations centre links the same board for them (a follow-up link, apart from its shared parts).
    page.goto(f"{live_server.url}/government/operations-centre/")
    page.locator("#ioc-follow-up").get_by_role("link", name="Tiến độ công việc theo cơ quan").click()
    page.wait_for_selector("#task-board")
    # From the calendar, the subscription page: a new link is shown once, in a field that fits.
    work.get_by_role("link", name="Lịch họp", exact=True).click()
    page.get_by_role("link", name="Đăng ký lịch tự cập nhật (webcal)").click()
    page.locator("#feed-me").get_by_role("button", name="Tạo liên kết đăng ký").click()
    page.wait_for_selector("#webcal-me")
    assert page.input_value("#webcal-me").startswith("webcal://")
    _fits(page)
    axe_check(page)
    context.close()


def test_citizens_have_no_work_menu(browser, live_server, transactional_db):
    call_command("load_reference_data", verbosity=0)
    citizen = make_user("dan@example.vn", roles=["citizen"], full_name="Nguyễn Văn Dân")
    context = browser.new_context(viewport=MOBILE, locale="vi-VN")
    page = context.new_page()
    browser_login(page, live_server, citizen.email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/")
    assert page.locator('nav[aria-label="Công việc của tôi"]').count() == 0
    _fits(page)
    context.close()
