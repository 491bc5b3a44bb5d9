"""An incoming document in a real browser, on a 360 px phone: the clerk registers it with its scan,
the leader assigns it with a deadline and a direction note, the handler takes it on and reports, the
leader closes it; each sees the state the others left."""

import datetime as dt

import pytest
from django.core.management import call_command

from tests.browser.conftest import MOBILE, browser_login, signed_in_phone
from tests.conftest import DEMO_PASSWORD, TOTP_SECRET, make_user

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock);
# the live server shares this process's clock, and what the browser is checked for is rendered by it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("calm_clock")]


@pytest.fixture
def people(transactional_db, settings, tmp_path):
    call_command("load_reference_data", verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "media"
    from core.agencies.models import Agency

    agency = Agency.objects.get(code="so-khcn")

    def official(email, name, *extra):
        return make_user(email, roles=["department_official", *extra], full_name=name, agency=agency, totp=True)

    return (
        official("vanthu@langson.gov.vn", "Nông Thị Văn Thư", "document_clerk"),
        official("giamdoc@langson.gov.vn", "Hoàng Văn Giám Đốc", "agency_leader"),
        official("chuyenvien@langson.gov.vn", "Chu Văn Chuyên"),
    )


def _no_sideways_scroll(page):
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(e => e.scrollWidth > e.clientWidth + 1
              && getComputedStyle(e).overflowX === 'visible')
              .slice(-3).map(e => e.tagName + (e.id ? '#' + e.id : '') + ': ' + e.textContent.slice(0, 80))"""
    )
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360, wide


def test_registration_assignment_handling_and_closure(browser, browser_page, live_server, people, tmp_path):
    clerk, leader, handler = people
    from tests.documents.conftest import pdf_bytes

    scan = tmp_path / "cong-van-125.pdf"
    scan.write_bytes(pdf_bytes("Công văn 125"))

    page = browser_page
    page.set_viewport_size(MOBILE)
    browser_login(page, live_server, clerk.email, DEMO_PASSWORD, totp_secret=TOTP_SECRET)
    page.goto(f"{live_server.url}/van-ban/den/vao-so/")
    page.select_option("select[name=doc_type]", "CV")
    page.fill("input[name=number_symbol]", "125/UBND-KT")
    page.fill("input[name=issued_on]", "2026-11-20")
    page.fill("input[name=issuing_body]", "Ủy ban nhân dân tỉnh Lạng Sơn")
    page.fill("textarea[name=abstract]", "Về việc triển khai nền tảng số tại các xã biên giới")
    page.click("#register")  # no file yet: refused, what was typed is kept
    assert page.input_value("input[name=number_symbol]") == "125/UBND-KT"
    assert "Trường này là bắt buộc" in page.inner_text("main")
    page.set_input_files("input[name=main_file]", str(scan))
    page.click("#register")
    page.wait_for_selector("#arrival-number")
    assert "Đã vào sổ văn bản đến, số đến 1" in page.inner_text("main")
    assert page.inner_text("#document-status") == "Đã vào sổ, chờ phân công"
    _no_sideways_scroll(page)
    url = page.url

    boss = signed_in_phone(browser, live_server, leader)
    boss.goto(f"{live_server.url}/van-ban/tim-kiem/?q=bien+gioi")  # found without diacritics
    boss.click("text=125/UBND-KT")
    boss.wait_for_selector("#action-assign")
    deadline = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    boss.select_option("select[name=assign-handler]", str(handler.pk))
    boss.fill("input[name=assign-handling_unit]", "Phòng Quản lý công nghệ")
    boss.fill("input[name=assign-deadline]", deadline)
    boss.fill("textarea[name=assign-direction_note]", "Giao phòng QLCN chủ trì, báo cáo trước hạn.")
    boss.click("#action-assign button[type=submit]")
    boss.wait_for_selector("text=Đã phân công xử lý.")
    assert "Giao phòng QLCN chủ trì" in boss.inner_text("#direction-note")
    _no_sideways_scroll(boss)

    worker = signed_in_phone(browser, live_server, handler)
    worker.goto(f"{live_server.url}/van-ban/")
    assert "Văn bản giao bạn xử lý: 1" in worker.inner_text("#inbox-counts")
    worker.goto(url)
    worker.click("#action-start button[type=submit]")
    worker.wait_for_selector("text=Đã nhận xử lý văn bản.")
    worker.click("#action-report button[type=submit]")  # no result written: refused
    assert "Hãy nêu kết quả xử lý." in worker.inner_text("#action-report")
    worker.fill("textarea[name=report-note]", "Đã rà soát 24 xã biên giới, dự thảo kế hoạch kèm theo.")
    worker.click("#action-report button[type=submit]")
    worker.wait_for_selector("text=Đã báo cáo kết quả xử lý.")
    assert worker.inner_text("#document-status") == "Đã xử lý, chờ kết thúc"

    boss.goto(url)
    assert "Đã rà soát 24 xã biên giới" in boss.inner_text("#result-note")
    boss.click("#action-close button[type=submit]")
    boss.wait_for_selector("text=Đã kết thúc văn bản.")
    assert boss.inner_text("#document-status") == "Đã kết thúc"
    history = boss.inner_text("#history")
    # The history names each step in words, never by its code.
    for step in ("Vào sổ văn bản đến", "Phân công xử lý", "Bắt đầu xử lý", "Báo cáo kết quả xử lý", "Kết thúc"):
        assert step in history
    assert "register" not in history and "assign" not in history


def test_drafted_signed_issued_and_received_at_a_commune(
    browser, browser_page, live_server, people, celery_eager, tmp_path
):
    """An outgoing decision from draft to issue on phones, then its arrival at a commune on the portal with
    its two signatures checked, registered there in the commune's own incoming book."""
    from core.agencies.models import Agency
    from tests.conftest import COMMUNE_A
    from tests.documents.conftest import pdf_bytes

    clerk, leader, drafter = people
    commune = Agency.objects.get(code=f"ubnd-xa-{COMMUNE_A}")
    commune_clerk = make_user(
        "vanthu.xa@langson.gov.vn", roles=["commune_official", "document_clerk"], full_name="Lộc Thị Xã",
        agency=commune, totp=True,
    )  # fmt: skip
    page = browser_page
    page.set_viewport_size(MOBILE)
    browser_login(page, live_server, drafter.email, DEMO_PASSWORD, totp_secret=TOTP_SECRET)
    page.goto(f"{live_server.url}/van-ban/di/du-thao/")
    page.select_option("select[name=doc_type]", "QĐ")
    page.fill("textarea[name=abstract]", "Quyết định phê duyệt kế hoạch chuyển đổi số năm 2027")
    page.check(f"input[name=recipients][value='{commune.pk}']")
    page.click("#save-draft")  # no file: refused, the choices kept
    assert "Trường này là bắt buộc" in page.inner_text("main")
    assert page.is_checked(f"input[name=recipients][value='{commune.pk}']")
    draft = tmp_path / "du-thao-quyet-dinh.pdf"
    draft.write_bytes(pdf_bytes("Quyết định phê duyệt kế hoạch"))
    page.set_input_files("input[name=main_file]", str(draft))
    page.click("#save-draft")
    page.wait_for_selector("#action-submit")
    assert page.inner_text("#document-status") == "Dự thảo"
    url = page.url
    page.select_option("select[name=submit-reviewer]", str(clerk.pk))
    page.select_option("select[name=submit-signer]", str(leader.pk))
    page.click("#action-submit button[type=submit]")
    page.wait_for_selector("text=Đã trình dự thảo.")
    _no_sideways_scroll(page)

    reviewer = signed_in_phone(browser, live_server, clerk)
    reviewer.goto(url)
    reviewer.click("#action-approve button[type=submit]")
    reviewer.wait_for_selector("text=Đã duyệt, chuyển người ký.")

    signer = signed_in_phone(browser, live_server, leader)
    signer.goto(url)
    signer.click("#action-sign button[type=submit]")
    signer.wait_for_selector("text=Đã ký số văn bản.")
    assert signer.inner_text("#document-status") == "Đã ký, chờ phát hành"

    reviewer.goto(url)
    reviewer.click("#action-issue button[type=submit]")
    reviewer.wait_for_selector("#number-symbol")
    assert reviewer.inner_text("#number-symbol") == "01/QĐ-SKHCN"
    assert reviewer.inner_text("#document-status") == "Đã phát hành"
    _no_sideways_scroll(reviewer)

    there = signed_in_phone(browser, live_server, commune_clerk)
    there.goto(f"{live_server.url}/van-ban/tim-kiem/?direction=in")
    there.click("text=01/QĐ-SKHCN")
    there.wait_for_selector("#signature")
    assert there.inner_text("#signature").startswith("Hợp lệ: 2 chữ ký (Hoàng Văn Giám Đốc, ")
    there.click("#action-receive button[type=submit]")
    there.wait_for_selector("text=Đã vào sổ văn bản đến.")
    assert there.inner_text("#arrival-number") == "1"
    history = there.inner_text("#history")
    for step in ("Nhận qua cổng", "Kiểm tra chữ ký số", "Vào sổ văn bản nhận trên cổng"):
        assert step in history
    _no_sideways_scroll(there)
