"""Browser journey of the core services: a driver without an account pays a fee on a phone
(VietQR page, sandbox bank button, e-receipt), then a citizen checks a signed document on the
public verification page and uploads a tampered copy."""

import pytest

from tests.browser.conftest import MOBILE

pytestmark = [pytest.mark.browser]


@pytest.fixture
def fee_purpose():
    from core.payments.registry import register_purpose, unregister_purpose

    register_purpose("tests.browser_fee", label="Phí sử dụng bãi xe", return_url=lambda p: p.get_absolute_url())
    yield
    unregister_purpose("tests.browser_fee")


def test_pay_a_fee_without_an_account_on_a_phone(browser_page, live_server, reference_data, fee_purpose, axe_check):
    from core.agencies.models import Agency
    from core.payments.services import payment_create

    payment = payment_create(
        purpose="tests.browser_fee",
        amount=1_234_000,
        payer=None,
        description="Xe 12C-123.45 — bãi Hữu Nghị",
        obj=Agency.objects.get(code="huu-nghi-customs"),
        idempotency_key="browser-1",
        payer_name="Tài xế Nông Văn Xe",
    )
    page = browser_page
    page.set_viewport_size(MOBILE)
    page.goto(live_server.url + payment.get_absolute_url())
    assert page.get_by_test_id("amount").inner_text().strip() == "1.234.000 ₫"
    assert page.get_by_test_id("reference").inner_text() == payment.reference
    assert page.get_by_test_id("status").inner_text() == "Chờ thanh toán"
    qr = page.locator(".vietqr svg")
    assert qr.is_visible() and qr.bounding_box()["width"] <= 360
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(page)

    page.get_by_role("button", name="Thanh toán (sandbox)").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_test_id("status").inner_text() == "Đã thanh toán"
    payment.refresh_from_db()
    assert payment.is_paid
    assert page.get_by_test_id("receipt-number").inner_text() == payment.receipt_number
    assert payment.receipt_number in page.locator(".messages").inner_text()

    href = page.get_by_test_id("receipt-link").get_attribute("href")
    receipt = page.request.get(live_server.url + href)
    assert receipt.status == 200 and receipt.headers["content-type"] == "application/pdf"
    assert receipt.body().startswith(b"%PDF-")


def test_verify_a_signed_document_and_a_tampered_copy(browser_page, live_server, reference_data, tmp_path, axe_check):
    from core.agencies.models import Agency
    from core.pdf import render_pdf
    from core.signing.services import sign_pdf

    agency = Agency.objects.get(code="so-khcn")
    signed = sign_pdf(
        pdf_bytes=render_pdf("core/pdf/document.html", {"title": "GIẤY PHÉP", "paragraphs": ["Nội dung"]}),
        title="Giấy phép hoạt động",
        signer_agency=agency,
    )
    page = browser_page
    page.goto(live_server.url + signed.get_verification_url())
    assert page.get_by_test_id("verdict").inner_text() == "Chữ ký số hợp lệ"
    assert agency.name in page.get_by_test_id("signer").inner_text()
    assert page.get_by_test_id("sha256").inner_text() == signed.sha256
    axe_check(page)

    data = signed.file.read()
    index = data.index(b"stream", len(data) // 4) + 20
    tampered = tmp_path / "ban-sao.pdf"
    tampered.write_bytes(data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :])
    page.set_input_files("input[name=file]", str(tampered))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_test_id("verdict").inner_text() in {"Chữ ký số KHÔNG hợp lệ", "Không đọc được tệp PDF"}

    original = tmp_path / "ban-goc.pdf"
    original.write_bytes(data)
    page.set_input_files("input[name=file]", str(original))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_test_id("verdict").inner_text() == "Chữ ký số hợp lệ"
