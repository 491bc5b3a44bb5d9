"""One export truck through the digital border gate in a real browser: declared by the enterprise,
corrected on the way, taken and passed by each force's officer at their step, called from the yard,
crossed; the driver follows it on their phone without logging in."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import DEMO_PASSWORD, TOTP_SECRET, make_user

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_export_truck_from_declaration_to_crossed(live_server, browser, browser_page, browser_login):
    from border_gate.models import Crossing, Entry
    from core.agencies.models import Agency

    call_command("load_reference_data", verbosity=0)
    Crossing.objects.filter(code="huu-nghi").update(random_inspection_share=0)  # no random draw in this story
    make_user("xuatkhau@example.vn", roles=["enterprise_representative"], full_name="Nông Văn Xuất")
    officers = {}
    for force in ("gate_board", "health_quarantine", "plant_quarantine", "customs", "immigration", "border_guard"):
        officers[force] = make_user(
            f"{force}@langson.gov.vn",
            roles=["border_officer"],
            agency=Agency.objects.get(code=f"huu-nghi-{force}"),
            full_name=f"Cán bộ {force}",
            totp=True,
        )

    # 1. The enterprise declares before arrival.
    page = browser_page
    browser_login(page, live_server, "xuatkhau@example.vn", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/border-gate/declarations/new/")
    arrival = (timezone.localtime() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#id_expected_arrival", arrival)
    page.fill("#id_vehicle_plate", "12C-123.45")
    page.fill("#id_containers", "CSQU3054383:40")
    page.fill("#id_driver_name", "Hoàng Văn Lái")
    page.fill("#id_driver_id_number", "020090000999")
    page.fill("#id_driver_phone", "0912 000 111")
    page.fill("#id_goods-0-hs_code", "0810.60.00")
    page.fill("#id_goods-0-description", "Sầu riêng tươi")
    page.select_option("#id_goods-0-goods_type", "fresh_fruit")
    page.fill("#id_goods-0-weight_kg", "20000")
    page.fill("#id_goods-0-value_vnd", "900000000")
    page.check("#id_goods-0-perishable")
    page.click("text=Gửi khai báo")
    page.wait_for_selector("text=Đã khai báo")
    entry = Entry.objects.get()
    assert page.locator(".qr svg").count() == 1 and entry.code in page.content()

    # 2. A correction of one field on the way (the driver's phone), without redoing the rest.
    page.click("text=Sửa một thông tin")
    page.get_by_role("link", name="Sửa Điện thoại lái xe").click()  # each field has its own link
    assert page.locator("#id_value").get_attribute("type") == "tel"
    page.fill("#id_value", "0988777666")
    page.fill("#id_reason", "Đổi số điện thoại lái xe")
    page.click("text=Lưu phiên bản mới")
    page.wait_for_selector("text=Đã lưu phiên bản 2")
    assert "0988777666" in page.content()

    def officer(force):
        context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="vi-VN")
        context.set_default_timeout(15_000)
        p = context.new_page()
        browser_login(p, live_server, officers[force].email, DEMO_PASSWORD, TOTP_SECRET)
        return p

    def take_and_decide(p, fill=None):
        p.goto(f"{live_server.url}/border-gate/officer/")
        p.fill("#q", entry.code)  # what a QR scanner types
        p.click("form[role=search] button[type=submit]")
        p.click(f"a:text('{entry.code}')")
        p.click("text=Nhận xử lý")
        p.wait_for_selector("text=Trả lại hàng chờ")  # the page of a truck the officer holds
        for selector, value in (fill or {}).items():
            if selector.startswith("select"):
                p.select_option(selector.split(" ", 1)[1], label=value)
            else:
                p.fill(selector, value)
        p.click("text=Ghi quyết định")
        p.wait_for_selector("text=Đã ghi quyết định")

    gate = officer("gate_board")
    take_and_decide(gate)  # arrival check-in
    # The officers at the next step see the correction as a diff.
    health = officer("health_quarantine")
    health.goto(f"{live_server.url}/border-gate/officer/entries/{entry.code}/")
    assert health.locator("del", has_text="0912000111").count() and health.locator("ins", has_text="0988777666").count()
    take_and_decide(health)
    take_and_decide(gate, {"select #id_yard": "Bãi Xuân Cương"})
    take_and_decide(officer("plant_quarantine"), {"#id_certificate_number": "KDTV-HN-2026-0042"})
    customs = officer("customs")
    customs.goto(f"{live_server.url}/border-gate/officer/entries/{entry.code}/")
    customs.click("text=Nhận xử lý")
    customs.wait_for_selector("text=Trả lại hàng chờ")
    # Green lane recorded and passed with one submission of the decision form.
    customs.check("form[action$='/decide/'] input[name=lane][value=green]")
    customs.click("text=Ghi quyết định")
    customs.wait_for_selector("text=Đã ghi quyết định")
    take_and_decide(gate, {"#id_receipt_number": "BL-000123"})
    # Immigration decides straight from the entry page: the truck is taken with the decision.
    immigration = officer("immigration")
    immigration.goto(f"{live_server.url}/border-gate/officer/entries/{entry.code}/")
    assert immigration.locator("text=Nhận xử lý").count() == 1
    immigration.click("text=Ghi quyết định")
    immigration.wait_for_selector("text=Đã ghi quyết định")

    # The driver's page (no login, from the QR code): in the queue, with a position.
    driver = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN").new_page()
    driver.goto(f"{live_server.url}/border-gate/d/{entry.token}/")
    assert driver.locator("text=Vị trí trong hàng chờ").count() == 1

    # The yard calls the next vehicles; the border guard's exit control; crossed.
    gate.goto(f"{live_server.url}/border-gate/officer/board/")
    gate.fill("#id_count", "1")
    gate.click("text=Gọi xe tiếp theo")
    gate.wait_for_selector("text=Đã gọi 1 xe")
    take_and_decide(officer("border_guard"))
    entry.refresh_from_db()
    assert entry.status == "crossed" and entry.version == 2
    immigration_step = entry.steps.get(step__code="immigration")
    assert immigration_step.taken_by == officers["immigration"] == immigration_step.decided_by
    driver.reload()
    assert "Đã qua cửa khẩu" in driver.content()
    # At 360 px the driver's page does not scroll sideways.
    assert driver.evaluate("document.documentElement.scrollWidth") <= 360
