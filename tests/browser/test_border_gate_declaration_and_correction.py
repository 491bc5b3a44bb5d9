"""An enterprise declares a truck and corrects it on a 360 px phone without JavaScript (issue 11):
every problem of the declaration is listed at the top in one round (before, the driver's ID, phone
and arrival time were refused only after the other fields were fixed), and a correction gives the
chosen field its own input (a date-time picker, a number field) instead of free text typed in a
format. axe-core on the refused pages."""

import datetime

import pytest
from django.utils import timezone

from tests.browser.conftest import MOBILE, axe_check, csp_refusals
from tests.browser.test_accounts import BUDGET_BYTES, _first_load_bytes
from tests.conftest import DEMO_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def _login(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "xuatkhau@example.vn")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form#login-form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")


def _fill_declaration(page, *, plate, driver_id, phone, arrival):
    page.fill("#id_expected_arrival", arrival)
    page.fill("#id_vehicle_plate", plate)
    page.fill("#id_driver_name", "Hoàng Văn Lái")
    page.fill("#id_driver_id_number", driver_id)
    page.fill("#id_driver_phone", phone)
    page.fill("#id_goods-0-hs_code", "0810.60.00")
    page.fill("#id_goods-0-description", "Sầu riêng tươi")
    page.select_option("#id_goods-0-goods_type", "fresh_fruit")
    page.fill("#id_goods-0-weight_kg", "20000")
    page.fill("#id_goods-0-value_vnd", "900000000")


def test_declare_in_one_round_and_correct_with_the_fields_own_input_without_javascript(
    live_server, browser, reference_data
):
    from border_gate.models import Entry

    make_user("xuatkhau@example.vn", roles=["enterprise_representative"], full_name="Nông Văn Xuất")
    context = browser.new_context(viewport=MOBILE, java_script_enabled=False, locale="vi-VN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    refused = csp_refusals(page)
    _login(page, live_server)

    # 1. Four mistakes of different kinds, all answered at once, listed first on the page.
    page.goto(f"{live_server.url}/border-gate/declarations/new/")
    past = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    _fill_declaration(page, plate="ABC", driver_id="123", phone="12345", arrival=past)
    page.click("text=Gửi khai báo")
    summary = page.locator(".error-summary")
    assert summary.count() == 1
    listed = summary.inner_text()
    for label in ("Biển số xe", "Số giấy tờ", "Điện thoại lái xe", "Dự kiến đến cửa khẩu"):
        assert label in listed, listed
    assert "Thời gian dự kiến đến không được ở quá khứ." in listed
    # The summary comes before the form's heading and links to each field.
    assert page.evaluate(
        "() => document.querySelector('.error-summary').compareDocumentPosition(document.querySelector('h1'))"
        " & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    assert summary.locator('a[href="#id_driver_id_number"]').count() == 1
    assert page.input_value("#id_vehicle_plate") == "ABC"  # what was typed stays
    assert fits(page)

    # 2. Fixed in one more round.
    arrival = (timezone.localtime() + datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    _fill_declaration(page, plate="12C-123.45", driver_id="020090000999", phone="0912000111", arrival=arrival)
    page.click("text=Gửi khai báo")
    page.wait_for_selector("text=Đã khai báo")
    entry = Entry.objects.get()

    # 3. The arrival time is corrected with a date-time picker, not typed as "YYYY-MM-DD HH:MM".
    page.click("text=Sửa một thông tin")
    page.wait_for_selector("h1:has-text('Sửa một thông tin của khai báo')")  # the click only starts the navigation
    assert fits(page)
    page.get_by_role("link", name="Sửa Dự kiến đến cửa khẩu").click()
    assert page.locator("#id_value").get_attribute("type") == "datetime-local"
    later = (timezone.localtime() + datetime.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#id_value", later)
    page.fill("#id_reason", "Xe xuất phát muộn")
    page.click("text=Lưu phiên bản mới")
    page.wait_for_selector("text=Đã lưu phiên bản 2")
    entry.refresh_from_db()
    assert timezone.localtime(entry.expected_arrival).strftime("%Y-%m-%dT%H:%M") == later
    history = page.locator("text=Lịch sử sửa đổi").locator("xpath=following::table[1]").inner_text()
    assert "Dự kiến đến cửa khẩu" in history and "expected_arrival" not in history

    # 4. A goods line's weight with a number field; a bad value answered on the field, kept.
    page.click("text=Sửa một thông tin")
    page.wait_for_selector("h1:has-text('Sửa một thông tin của khai báo')")  # the click only starts the navigation
    page.get_by_role("link", name="Sửa Dòng hàng 1: Khối lượng (kg)").click()
    assert page.locator("#id_value").get_attribute("type") == "number"
    assert page.input_value("#id_value") == "20000"
    page.fill("#id_value", "200000")
    page.fill("#id_reason", "Cân lại")
    page.click("text=Lưu phiên bản mới")
    assert "Khối lượng từ 1 đến 100.000 kg." in page.locator(".error-summary").inner_text()
    assert page.input_value("#id_value") == "200000"
    assert fits(page)
    context.close()
    assert not refused, refused
    assert Entry.objects.get().version == 2

    # The refused correction page, with JavaScript (axe needs it), passes axe.
    context = browser.new_context(viewport=MOBILE, locale="vi-VN")
    page = context.new_page()
    _login(page, live_server)
    page.goto(f"{live_server.url}/border-gate/declarations/{entry.code}/correct/?field=goods.weight_kg&line=1")
    axe_check(page)
    page.goto(f"{live_server.url}/border-gate/declarations/new/")
    page.click("text=Gửi khai báo")
    # The static script moves the focus to the summary once the page has loaded.
    page.wait_for_function("() => document.activeElement.classList.contains('error-summary')")
    axe_check(page)
    context.close()

    # The driver's page (public; its refresh script is an extra, the page works without it) stays
    # within a phone's first-load budget.
    total, resources = _first_load_bytes(browser, f"{live_server.url}/border-gate/d/{entry.token}/")
    assert 0 < total <= BUDGET_BYTES, f"{total} bytes: {resources}"
