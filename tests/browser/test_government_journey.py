"""The level-4 journey in a real browser: a citizen submits a household-business registration with a
file and pays the fee in the sandbox; the one-stop official accepts it and asks for a document; the
citizen adds it; the specialist sends it to the leader, who approves and signs; the citizen
downloads the signed result and the public verification page says the signature is valid."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import MOBILE, browser_login
from tests.conftest import DEMO_PASSWORD, TOTP_SECRET, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(transactional_db, settings, tmp_path, celery_eager):
    call_command("load_reference_data", verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.contrib.auth.models import Permission

    from core.agencies.models import Agency
    from core.geo.models import AdministrativeUnit

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
        "motcua@langson.gov.vn",
        roles=["commune_official"],
        full_name="Vi Thị Xã",
        agency=agency,
        admin_unit=unit,
        totp=True,
    )
    leader = make_user(
        "chutich@langson.gov.vn",
        roles=["commune_official"],
        full_name="Hoàng Chủ Tịch",
        agency=agency,
        admin_unit=unit,
        totp=True,
    )
    leader.user_permissions.add(Permission.objects.get(codename="approve_dossier"))
    return citizen, official, leader


def _pdf(tmp_path, name):
    from tests.government.conftest import pdf_bytes

    path = tmp_path / name
    path.write_bytes(pdf_bytes())
    return str(path)


def _new_page(browser, live_server, email, totp=None):
    context = browser.new_context(locale="vi-VN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    browser_login(page, live_server, email, DEMO_PASSWORD, totp)
    return page


def test_citizen_to_signed_result(browser, browser_page, live_server, people, tmp_path):
    citizen_page = browser_page
    citizen_page.set_viewport_size(MOBILE)  # the citizen's side at 360 px
    browser_login(citizen_page, live_server, "dan@example.vn", DEMO_PASSWORD)

    # The citizen finds the procedure in the catalogue and starts a dossier.
    citizen_page.goto(f"{live_server.url}/government/thu-tuc/?q=hộ+kinh+doanh")
    citizen_page.click("text=Đăng ký thành lập hộ kinh doanh")
    citizen_page.click("text=Nộp hồ sơ trực tuyến")
    citizen_page.click("button:has-text('Bắt đầu khai hồ sơ')")
    citizen_page.fill("#id_ten_ho_kinh_doanh", "Tạp hóa Đông Kinh")
    citizen_page.fill("#id_dia_diem", "Số 5 Lê Lợi, phường Đông Kinh")
    citizen_page.fill("#id_nganh_nghe", "Bán lẻ hàng tạp hóa")
    citizen_page.fill("#id_von_kinh_doanh", "50000000")
    citizen_page.fill("#id_so_lao_dong", "2")
    citizen_page.fill("#id_dien_thoai", "0912345678")
    citizen_page.set_input_files("#id_doc_giay-de-nghi", _pdf(tmp_path, "giay-de-nghi.pdf"))
    citizen_page.click("button[value=submit]")
    code = citizen_page.inner_text("#dossier-code")
    assert code.startswith("05977.H37-")
    assert "Chờ nộp lệ phí" in citizen_page.inner_text("#dossier-status")

    # Pays in the sandbox: the payment page, the sandbox bank's button, back to the dossier.
    citizen_page.click("#pay-button")
    assert "150.000" in citizen_page.content()
    citizen_page.click("button:has-text('Thanh toán (sandbox)')")
    citizen_page.wait_for_selector("#dossier-status")
    assert "Chờ tiếp nhận" in citizen_page.inner_text("#dossier-status")
    dossier_url = citizen_page.url

    # The one-stop official accepts it and asks for a document.
    official_page = _new_page(browser, live_server, "motcua@langson.gov.vn", TOTP_SECRET)
    official_page.goto(f"{live_server.url}/government/xu-ly/")
    official_page.click(f"text={code}")
    official_page.click("#action-forward")
    assert "Đang thẩm định" in official_page.inner_text("#dossier-status")
    official_page.fill("#id_supplement-reason", "Bổ sung biên bản họp thành viên hộ gia đình")
    official_page.click("#action-supplement")
    assert "Chờ bổ sung hồ sơ" in official_page.inner_text("#dossier-status")

    # The citizen adds it on the same dossier.
    citizen_page.goto(dossier_url)
    assert "Bổ sung biên bản họp thành viên hộ gia đình" in citizen_page.inner_text("#supplement")
    citizen_page.set_input_files("#id_file", _pdf(tmp_path, "bien-ban-hop.pdf"))
    citizen_page.click("button[value=send]")
    assert "Đang thẩm định" in citizen_page.inner_text("#dossier-status")

    # The specialist sends it to the leader, who approves and signs the result.
    official_page.reload()
    official_page.click("#action-forward")
    assert "Chờ lãnh đạo phê duyệt" in official_page.inner_text("#dossier-status")
    leader_page = _new_page(browser, live_server, "chutich@langson.gov.vn", TOTP_SECRET)
    leader_page.goto(official_page.url)
    leader_page.click("#action-approve")
    leader_page.click("#action-issue")
    assert "Đã trả kết quả" in leader_page.inner_text("#dossier-status")

    # The citizen downloads the signed result and checks the signature.
    citizen_page.goto(dossier_url)
    with citizen_page.expect_download() as download_info:
        citizen_page.click("#result-download")
    signed = open(download_info.value.path(), "rb").read()
    assert signed.startswith(b"%PDF-") and b"/ByteRange" in signed
    citizen_page.click("#result-verify")
    assert "Chữ ký số hợp lệ" in citizen_page.inner_text("[data-testid=verdict]")

    # And rates the service.
    citizen_page.goto(dossier_url)
    citizen_page.check("input[name=score][value='3']")
    citizen_page.click("#rating button[type=submit]")
    assert "Rất hài lòng" in citizen_page.inner_text("#rating")
