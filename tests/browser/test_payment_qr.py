"""The VietQR code on the payment page can be scanned as rendered (issue 11): the whole code, quiet
zone included, lies inside its box on a 360 px phone and on a desktop, and a barcode reader (zbar)
decodes the screenshot to the exact payload, CRC included."""

import io

import pytest

from tests.browser.conftest import DESKTOP, MOBILE

pytestmark = [pytest.mark.browser]


@pytest.fixture
def payment(reference_data):
    from core.agencies.models import Agency
    from core.payments.registry import register_purpose, unregister_purpose
    from core.payments.services import payment_create

    register_purpose("tests.browser_qr", label="Lệ phí hồ sơ")
    yield payment_create(
        purpose="tests.browser_qr",
        amount=1_234_000,
        payer=None,
        description="Lệ phí hồ sơ 05977.H37-261127-0001",
        obj=Agency.objects.get(code="so-khcn"),
        idempotency_key="browser-qr",
    )
    unregister_purpose("tests.browser_qr")


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["phone", "desktop"])
def test_the_vietqr_code_decodes_as_rendered(browser_page, live_server, payment, viewport):
    from django.conf import settings
    from PIL import Image
    from pyzbar.pyzbar import decode

    from core.payments import vietqr

    page = browser_page
    page.set_viewport_size(viewport)
    page.goto(live_server.url + payment.get_absolute_url())
    box = page.get_by_test_id("vietqr")
    svg = box.locator("svg")
    outer, code = box.bounding_box(), svg.bounding_box()
    # The drawing is not cut by its box, and the box fits the screen.
    assert code["width"] >= 150 and abs(code["width"] - code["height"]) < 1
    assert code["x"] >= outer["x"] - 0.5 and code["x"] + code["width"] <= outer["x"] + outer["width"] + 0.5
    assert code["y"] >= outer["y"] - 0.5 and code["y"] + code["height"] <= outer["y"] + outer["height"] + 0.5
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    found = decode(Image.open(io.BytesIO(svg.screenshot())))
    assert len(found) == 1 and found[0].type == "QRCODE"
    payload = found[0].data.decode("ascii")
    assert payload == vietqr.build_payload(
        bank_bin=settings.PORTAL_PAYMENT_SANDBOX_BANK_BIN,
        account=settings.PORTAL_PAYMENT_SANDBOX_ACCOUNT,
        amount=1_234_000,
        reference=payment.reference,
    )
    assert vietqr.crc_is_valid(payload)
