"""The soft-ATM journey in a real browser: a customer cashes in at an agent's counter, transfers to
another wallet on a phone, submits a dossier and pays its fee from the wallet through the payment
page, and the receipt appears."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import MOBILE, browser_login
from tests.conftest import DEMO_PASSWORD
from tests.economy.counter_world import counter_world
from tests.economy.ledger_cleanup import ledger_tables  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def soft_atm(ledger_tables, settings, tmp_path, celery_eager):  # noqa: F811
    call_command("load_reference_data", verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "media"
    world = counter_world(emoney=10_000_000, cash=2_000_000)
    return world["own"], world["other"]


def _pdf(tmp_path, name):
    from tests.government.conftest import pdf_bytes

    path = tmp_path / name
    path.write_bytes(pdf_bytes())
    return str(path)


def test_cash_in_transfer_and_pay_a_dossier_fee_from_the_wallet(browser, browser_page, live_server, soft_atm, tmp_path):
    own, other = soft_atm
    # The customer hands 500,000 đ to the clerk, who credits the wallet at the counter.
    context = browser.new_context(locale="vi-VN")
    context.set_default_timeout(20_000)
    counter = context.new_page()
    browser_login(counter, live_server, "quay@example.vn", DEMO_PASSWORD)
    counter.goto(f"{live_server.url}/economy/counter/")
    counter.fill("#id_in-wallet", own.number)
    counter.fill("#id_in-amount", "500000")
    counter.click("button:has-text('Nhận tiền, nộp vào ví')")
    assert "Đã nộp 500.000 đ vào ví" in counter.inner_text(".messages")

    # On the phone: the balance, then a transfer to another wallet.
    page = browser_page
    page.set_viewport_size(MOBILE)
    browser_login(page, live_server, "dan@example.vn", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/economy/wallet/")
    assert page.get_by_test_id("wallet-balance").inner_text() == "500.000 đ"
    page.fill("#id_to_wallet", other.number)
    page.fill("#id_amount", "100000")
    page.click("button:has-text('Chuyển tiền')")
    assert "Đã chuyển 100.000 đ" in page.inner_text(".messages")
    assert page.get_by_test_id("wallet-balance").inner_text() == "400.000 đ"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # A dossier with a fee, paid from the wallet through the payment page.
    page.goto(f"{live_server.url}/government/thu-tuc/?q=hộ+kinh+doanh")
    page.click("text=Đăng ký thành lập hộ kinh doanh")
    page.click("text=Nộp hồ sơ trực tuyến")
    page.click("button:has-text('Bắt đầu khai hồ sơ')")
    page.fill("#id_ten_ho_kinh_doanh", "Tạp hóa Đông Kinh")
    page.fill("#id_dia_diem", "Số 5 Lê Lợi, phường Đông Kinh")
    page.fill("#id_nganh_nghe", "Bán lẻ hàng tạp hóa")
    page.fill("#id_von_kinh_doanh", "50000000")
    page.fill("#id_so_lao_dong", "2")
    page.fill("#id_dien_thoai", "0912345678")
    page.set_input_files("#id_doc_giay-de-nghi", _pdf(tmp_path, "giay-de-nghi.pdf"))
    page.click("button[value=submit]")
    assert "Chờ nộp lệ phí" in page.inner_text("#dossier-status")
    page.click("#pay-button")
    page.click("[data-testid=pay-alternative]:has-text('Trả bằng ví điện tử')")
    assert page.get_by_test_id("pay-amount").inner_text() == "150.000 đ"
    page.check("#id_confirm")
    page.click("button:has-text('Thanh toán từ ví')")
    assert page.get_by_test_id("status").inner_text() == "Đã thanh toán"
    receipt_number = page.get_by_test_id("receipt-number").inner_text()
    assert receipt_number in page.inner_text(".messages")
    href = page.get_by_test_id("receipt-link").get_attribute("href")
    receipt = page.request.get(live_server.url + href)
    assert receipt.status == 200 and receipt.body().startswith(b"%PDF-")

    page.goto(f"{live_server.url}/economy/wallet/")
    assert page.get_by_test_id("wallet-balance").inner_text() == "250.000 đ"
    assert "Thanh toán phí, lệ phí" in page.inner_text("table")
    context.close()
