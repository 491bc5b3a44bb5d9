"""The Party pillar in a real Chromium: the provincial committee's official drafts a notice, signs
and issues it to a commune's Party committee; that committee's official acknowledges it from the
inbox and the issuer sees it read; then the owner agency of a late Resolution 49 task reports
progress with an evidence file, and the operations centre's dashboard shows the task no longer late."""

import datetime as dt

import pytest
from django.core.management import call_command

from tests.browser.conftest import MOBILE, axe_check
from tests.conftest import DEMO_PASSWORD, TOTP_SECRET, make_user

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock);
# the live server shares this process's clock, and what the browser is checked for is rendered by it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("calm_clock")]
LATE = "party.tasks.late_count"


@pytest.fixture
def party_world(transactional_db):
    call_command("load_reference_data", verbosity=0)
    from core.agencies.models import Agency
    from party.models import KeyTask, PartyOrganisation
    from party.services.documents import document_record

    agency = Agency.objects.get
    people = {
        "issuer": make_user(
            "dang.tinh@langson.gov.vn",
            roles=["party_official"],
            full_name="Lý Văn Đảng",
            agency=agency(code="tinh-uy"),
            totp=True,
        ),
        "reader": make_user(
            "dang.xa@langson.gov.vn",
            roles=["party_official"],
            full_name="Nông Thị Đảng Ủy",
            agency=agency(code="dang-uy-xa-5977"),
            totp=True,
        ),
        "owner": make_user(
            "khcn@langson.gov.vn",
            roles=["department_official"],
            full_name="Chu Văn Sở",
            agency=agency(code="so-khcn"),
            totp=True,
        ),
        "leader": make_user(
            "leader@langson.gov.vn",
            roles=["province_leader"],
            full_name="Lãnh Đạo Tỉnh",
            agency=agency(code="ubnd-tinh"),
            totp=True,
        ),
    }
    resolution = document_record(
        organisation=PartyOrganisation.objects.get(code="tinh-uy"),
        kind="nghi_quyet",
        sequence=49,
        number="49-NQ/TU",
        title="Về chuyển đổi số tỉnh Lạng Sơn đến năm 2025, định hướng đến năm 2030",
        issued_on=dt.date(2021, 9, 28),
    )
    today = dt.date.today()
    # Half-way through its time with nothing reported: late.
    people["task"] = KeyTask.objects.create(
        document=resolution,
        code="NV-01",
        title="Trung tâm thông tin chỉ đạo điều hành thông minh (IOC)",
        owner=agency(code="so-khcn"),
        start_on=today - dt.timedelta(days=100),
        deadline=today + dt.timedelta(days=100),
    )
    return people


def _login(browser, live_server, user):
    from tests.browser.conftest import DESKTOP, browser_login

    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    browser_login(page, live_server, user.email, DEMO_PASSWORD, TOTP_SECRET)
    return context, page, errors


def _late_tile(page, live_server):
    """Recompute the late-task indicator from the dashboard, as an official does, and read its tile."""
    from django.urls import reverse

    dashboard = live_server.url + reverse("operations_centre:dashboard")
    page.goto(dashboard)
    tile = page.locator(f"li.tile[data-indicator='{LATE}']")
    tile.locator("button", has_text="Tính lại").click()
    page.wait_for_url("**/runs/**")
    page.goto(dashboard)
    return page.locator(f"li.tile[data-indicator='{LATE}'] .value").inner_text().split()[0]


def test_issue_distribute_acknowledge_and_report(browser, live_server, party_world, celery_eager):
    people = party_world
    # 1. The provincial committee drafts, signs and issues a notice to Đông Kinh's Party committee.
    ctx, page, errors = _login(browser, live_server, people["issuer"])
    page.goto(f"{live_server.url}/party/documents/new/")
    page.select_option("#id_kind", "thong_bao")
    page.fill("#id_title", "Triển khai sổ tay đảng viên điện tử")
    page.fill("#id_summary", "Các đảng ủy hướng dẫn đảng viên cài đặt sổ tay điện tử.")
    page.click("form button[type=submit]:has-text('Lưu dự thảo')")
    page.wait_for_selector("#issue-form")
    assert page.locator("#doc-status").inner_text() == "Dự thảo"
    page.select_option("#id_recipients", label="Đảng ủy Phường Đông Kinh")
    page.fill("#id_signer_title", "T/M Ban Thường vụ — Phó Bí thư")
    page.click("#issue-form button[type=submit]")
    page.wait_for_selector("#receipt-summary")
    assert "Số 1-TB/TU" in page.locator("h1").inner_text()
    assert page.locator("#receipt-summary").inner_text() == "0/1 nơi nhận đã xác nhận đọc."
    assert page.locator("#receipts tr.unread").inner_text().startswith("Đảng ủy Phường Đông Kinh")
    axe_check(page)
    document_url = page.url

    # 2. The commune committee's official acknowledges it from the inbox, on a phone.
    ctx2, inbox, errors2 = _login(browser, live_server, people["reader"])
    inbox.set_viewport_size(MOBILE)
    inbox.goto(f"{live_server.url}/party/inbox/")
    assert "1 văn bản chưa xác nhận đọc" in inbox.locator("#unread-count").inner_text()
    row = inbox.locator("tr.unread", has_text="1-TB/TU")
    row.locator("button", has_text="Xác nhận đã đọc").click()
    inbox.wait_for_selector("#unread-count:has-text('0 văn bản')")
    axe_check(inbox)

    # 3. The issuer sees it read.
    page.goto(document_url)
    assert page.locator("#receipt-summary").inner_text() == "1/1 nơi nhận đã xác nhận đọc."
    assert "Nông Thị Đảng Ủy" in page.locator("#receipts tr.read").inner_text()

    # 4. The dashboard counts one late key task.
    ctx3, ioc, errors3 = _login(browser, live_server, people["leader"])
    assert _late_tile(ioc, live_server) == "1"

    # 5. The owner agency reports 60 % with evidence: the task is on track again.
    ctx4, owner, errors4 = _login(browser, live_server, people["owner"])
    owner.goto(f"{live_server.url}/party/tasks/{people['task'].pk}/")
    assert "Chậm tiến độ" in owner.locator("#task-status").inner_text()
    from tests.government.conftest import pdf_bytes

    owner.fill("#id_progress", "60")
    owner.fill("#id_note", "Đã vận hành thử IOC, kết nối 12 sở, ngành.")
    owner.set_input_files(
        "#id_files", files=[{"name": "bien-ban.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    owner.click("form button[type=submit]:has-text('Gửi báo cáo')")
    owner.wait_for_selector("text=Đã gửi báo cáo tiến độ nhiệm vụ.")
    assert "Đúng tiến độ" in owner.locator("#task-status").inner_text()
    assert owner.locator("a", has_text="bien-ban.pdf").count() == 1

    # 6. The dashboard now counts none.
    assert _late_tile(ioc, live_server) == "0"
    for c in (ctx, ctx2, ctx3, ctx4):
        c.close()
    assert not (errors + errors2 + errors3 + errors4)
