"""The border gate as its people meet it, in Chromium (issue 11): a driver who reads Chinese opens their
page on a 360 px phone without JavaScript; an officer scans the driver's QR code (the scanner types
the page's URL into the search field) and lands on the truck, whose page and step list fit a 360 px
phone. axe-core on each page."""

import datetime

import pytest
from django.utils import timezone

from tests.browser.conftest import MOBILE, axe_check, browser_login, csp_refusals
from tests.conftest import DEMO_PASSWORD, TOTP_SECRET, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def truck(reference_data):
    """A durian export truck declared for a driver who reads Chinese, arrived and waiting."""
    from border_gate import services
    from border_gate.models import Crossing, Entry

    rep = make_user("xuatkhau@example.vn", roles=["enterprise_representative"], full_name="Nông Văn Xuất")
    entry = services.entry_declare(
        actor=rep,
        data=services.DeclarationData(
            crossing=Crossing.objects.get(code="huu-nghi"),
            direction="export",
            regime="export",
            vehicle_plate="12C-123.45",
            driver_name="Hoàng Văn Lái",
            driver_id_kind="cccd",
            driver_id_number="020090000999",
            driver_phone="0912000111",
            expected_arrival=timezone.now() + datetime.timedelta(hours=2),
            goods=[services.GoodsData("08106000", "Sầu riêng tươi", "fresh_fruit", 20000, 900_000_000, True)],
            driver_language="zh-hans",
        ),
        enterprise=None,
    )
    Entry.objects.filter(pk=entry.pk).update(arrived_at=timezone.now())
    return Entry.objects.get(pk=entry.pk)


def test_the_driver_reads_their_page_in_chinese_on_a_phone_without_javascript(live_server, browser, truck):
    context = browser.new_context(viewport=MOBILE, java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    refused = csp_refusals(page)
    page.goto(f"{live_server.url}/border-gate/d/{truck.token}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    body = page.inner_text("main")
    assert "状态" in body and "当前步骤" in body  # status and current step, in Chinese
    assert truck.code in body and "12C-123.45" in body
    assert fits(page)
    context.close()
    assert not refused, refused
    # the same page, with JavaScript, passes axe
    context = browser.new_context(viewport=MOBILE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/border-gate/d/{truck.token}/")
    axe_check(page)
    context.close()


def test_an_officer_scans_the_drivers_qr_and_lands_on_the_truck_on_a_phone(live_server, browser_page, truck):
    from core.agencies.models import Agency

    gate = make_user(
        "gate_board@langson.gov.vn",
        roles=["border_officer"],
        agency=Agency.objects.get(code="huu-nghi-gate_board"),
        full_name="Cán bộ Ban quản lý",
        totp=True,
    )
    page = browser_page
    page.set_viewport_size(MOBILE)
    browser_login(page, live_server, gate.email, DEMO_PASSWORD, TOTP_SECRET)
    page.goto(f"{live_server.url}/border-gate/officer/")
    axe_check(page)
    # what a QR scanner types into the focused search field: the driver page's whole URL, then Enter
    page.fill("#q", f"{live_server.url}/border-gate/d/{truck.token}/")
    page.press("#q", "Enter")
    page.wait_for_url(f"**/border-gate/officer/entries/{truck.code}/")
    assert truck.code in page.inner_text("main") and "12C-123.45" in page.inner_text("main")
    assert fits(page)
    axe_check(page)
    # the step's queue page fits too: its table scrolls inside its box
    step = truck.current_step.step
    page.goto(f"{live_server.url}/border-gate/officer/steps/{step.pk}/")
    assert page.get_by_role("heading", level=1).is_visible()
    assert fits(page)
    axe_check(page)
