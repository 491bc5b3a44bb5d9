"""A citizen who reads English walks the level-4 journey on a 360 px phone (issue 11): switches the
language with the header's button, files a household-business registration, pays once — the VietQR
code on the payment page decodes as rendered, and the payment page shows neither a QR code nor a pay
button once the fee is paid —, downloads the signed e-receipt and, once the commune has decided, the
signed result, whose signature the public page says is valid. No Vietnamese is left on any page of
the way (apart from names: what the citizen typed, places, the legal sources quoted as they are)."""

import io

import pytest
from django.core.management import call_command

from tests.browser.conftest import MOBILE, axe_check, browser_login
from tests.browser.test_accounts import BUDGET_BYTES, _first_load_bytes
from tests.conftest import DEMO_PASSWORD, make_user
from tests.government.test_english_journey import vietnamese_left

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOUSEHOLD_BUSINESS = "1.001612"  # commune, 150.000 đ
TYPED = {
    "#id_ten_ho_kinh_doanh": "Tạp hóa Đông Kinh",
    "#id_dia_diem": "Số 5 Lê Lợi, phường Đông Kinh",
    "#id_nganh_nghe": "Bán lẻ hàng tạp hóa",
    "#id_von_kinh_doanh": "50000000",
    "#id_so_lao_dong": "2",
    "#id_dien_thoai": "0912345678",
}


@pytest.fixture
def people(transactional_db, settings, tmp_path, celery_eager):
    call_command("load_reference_data", verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "media"
    from core.agencies.models import Agency
    from core.geo.models import AdministrativeUnit
    from tests.government.conftest import grant_leader

    unit = AdministrativeUnit.objects.get(structure="2025", level="commune", code=5977)
    agency = Agency.objects.get(code="ubnd-xa-5977")
    citizen = make_user(
        "dan@example.vn",
        roles=["citizen"],
        full_name="Hoàng Văn Dân",
        phone="0912345678",
        citizen_id="020090000123",
        admin_unit=unit,
    )
    official = make_user(
        "motcua@langson.gov.vn", roles=["commune_official"], full_name="Vi Thị Xã", agency=agency, admin_unit=unit
    )
    leader = grant_leader(
        make_user(
            "chutich@langson.gov.vn",
            roles=["commune_official"],
            full_name="Hoàng Chủ Tịch",
            agency=agency,
            admin_unit=unit,
        )
    )
    return citizen, official, leader


def _names() -> list[str]:
    from core.geo.models import AdministrativeUnit
    from government.models import Procedure

    sources = [s for p in Procedure.objects.filter(code=HOUSEHOLD_BUSINESS) for s in p.sources]
    return [*AdministrativeUnit.objects.values_list("name", flat=True), *sources, *TYPED.values(), "Hoàng Văn Dân"]


def assert_english(page, extra=()):
    assert page.locator("html").get_attribute("lang") == "en", page.url
    left = vietnamese_left(page.content(), [*_names(), *extra])
    assert not left, f"Vietnamese on {page.url}: {' '.join(left)}"


def _signed_pdf(data: bytes) -> bytes:
    assert data.startswith(b"%PDF-") and b"/ByteRange" in data and b"/Sig" in data
    return data


def test_an_english_reader_files_pays_once_and_gets_the_signed_receipt_and_result(
    browser, browser_page, live_server, people, tmp_path
):
    from PIL import Image
    from pyzbar.pyzbar import decode

    from core.payments.models import Payment
    from government import services
    from government.models import Dossier
    from tests.government.conftest import pdf_bytes

    _citizen, official, leader = people
    page = browser_page
    page.set_viewport_size(MOBILE)
    browser_login(page, live_server, "dan@example.vn", DEMO_PASSWORD)

    # The language switch in the header (a form: no JavaScript needed).
    page.click("button[name=language][value=en]")
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("html").get_attribute("lang") == "en"

    page.goto(f"{live_server.url}/government/thu-tuc/{HOUSEHOLD_BUSINESS}/")
    assert_english(page)
    page.click("text=File online")
    page.click("button:has-text('Start the dossier')")
    assert_english(page)
    for selector, value in TYPED.items():
        page.fill(selector, value)
    attachment = tmp_path / "request.pdf"
    attachment.write_bytes(pdf_bytes())
    page.set_input_files("#id_doc_giay-de-nghi", str(attachment))
    page.click("button[value=submit]")
    assert "Awaiting fee payment" in page.inner_text("#dossier-status")
    assert_english(page)
    dossier_url = page.url

    # The payment page: English, and its VietQR code decodes as rendered on the phone.
    page.click("#pay-button")
    assert_english(page)
    assert "150,000" in page.inner_text("[data-testid=amount]") or "150.000" in page.inner_text("[data-testid=amount]")
    found = decode(Image.open(io.BytesIO(page.get_by_test_id("vietqr").locator("svg").screenshot())))
    assert len(found) == 1 and found[0].type == "QRCODE"
    payment = Payment.objects.get()
    payload = found[0].data.decode("ascii")
    assert payment.reference in payload and "150000" in payload
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    axe_check(page)
    payment_url = page.url
    page.click("button:has-text('Pay (sandbox)')")
    page.wait_for_selector("#dossier-status")
    assert "Awaiting reception" in page.inner_text("#dossier-status")
    assert_english(page)

    # Paid once: the dossier offers no second payment, and the payment page shows no QR code and
    # no pay button any more, only the receipt.
    assert page.locator("#pay-button").count() == 0
    page.goto(payment_url)
    assert page.get_by_test_id("vietqr").count() == 0
    assert page.locator("button:has-text('Pay (sandbox)')").count() == 0
    assert page.get_by_test_id("receipt-link").count() == 1
    assert_english(page)
    assert Payment.objects.filter(status="paid").count() == 1

    # The signed e-receipt, found again from the dossier page.
    page.goto(dossier_url)
    href = page.get_by_test_id("fee-receipt").get_attribute("href")
    receipt = page.context.request.get(href if href.startswith("http") else live_server.url + href)
    assert receipt.ok and receipt.headers["content-type"] == "application/pdf"
    _signed_pdf(receipt.body())

    # The commune decides (its own journey is tested elsewhere) and the citizen gets the result.
    dossier = Dossier.objects.get()
    services.dossier_claim(dossier=dossier, actor=official)
    services.dossier_forward(dossier=dossier, actor=official, note="Đủ hồ sơ")
    services.dossier_claim(dossier=dossier, actor=official)
    services.dossier_forward(dossier=dossier, actor=official, note="Đủ điều kiện")
    services.dossier_approve(dossier=Dossier.objects.get(), actor=leader)
    services.dossier_issue_result(dossier=Dossier.objects.get(), actor=official)

    page.goto(dossier_url)
    assert "Result issued" in page.inner_text("#dossier-status")
    assert_english(page)
    with page.expect_download() as result:
        page.click("#result-download")
    _signed_pdf(open(result.value.path(), "rb").read())
    page.click("#result-verify")
    assert "Valid digital signature" in page.inner_text("[data-testid=verdict]")
    # The verification page quotes the signed document's title and the signer's legal name and
    # organisation as they are in the (Vietnamese) PDF and certificate: data, not interface.
    signed = Dossier.objects.get().result_document
    assert_english(page, extra=[signed.title, signed.signer_name, page.inner_text("[data-testid=signer]")])
    assert Payment.objects.filter(status="paid").count() == 1

    # The dossier and payment pages stay within the first-load budget of a phone.
    state = page.context.storage_state()
    for url in (dossier_url, payment_url):
        total, resources = _first_load_bytes(browser, url, storage_state=state)
        assert 0 < total <= BUDGET_BYTES, f"{url}: {total} bytes: {resources}"
