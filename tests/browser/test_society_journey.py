"""Browser journey of digital transcripts: a subject teacher enters marks on a phone and finishes
the gradebook; the homeroom teacher and the principal sign the class; a parent downloads the
transcript, opens the link of its QR code and sees it valid; a tampered copy shows as invalid."""

import io
import re

import pytest

from tests.browser.conftest import MOBILE
from tests.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser]


@pytest.fixture
def school(reference_data, settings, live_server, celery_eager):
    settings.SITE_URL = live_server.url  # the QR code printed on the PDF points at this server
    from society import services
    from tests.society.conftest import build_school
    from tests.society.test_transcripts import complete_class

    world = build_school()
    complete_class(world)
    # Reopen the maths term II gradebook and clear it: the teacher enters it in the browser.
    book = world.books[("toan", 2)]
    services.gradebook_unlock(actor=world.school_admin, gradebook=book, reason="Nhập lại điểm trên trình duyệt")
    services.gradebook_save_marks(
        actor=world.math_teacher,
        gradebook=book,
        entries={(s.pk, c): "" for s in world.students for c in ("tx1", "tx2", "gk", "ck")},
    )
    return world


def _login(browser, live_server, user, *, mobile=False):
    from tests.browser.conftest import browser_login

    context = browser.new_context(viewport=MOBILE if mobile else {"width": 1280, "height": 800}, locale="vi-VN")
    context.set_default_timeout(30_000)
    page = context.new_page()
    browser_login(page, live_server, user.email, DEMO_PASSWORD)
    return context, page


def test_marks_to_signed_transcript_to_public_check(browser, live_server, school, tmp_path, axe_check):
    world = school
    book = world.books[("toan", 2)]

    # 1. The maths teacher enters the term II marks on a phone and finishes the gradebook.
    context, page = _login(browser, live_server, world.math_teacher, mobile=True)
    page.goto(f"{live_server.url}/society/hoc-ba/gradebooks/{book.pk}/")
    for s in world.students:
        for component, value in (("tx1", "8"), ("tx2", "9,5"), ("gk", "7"), ("ck", "8,5")):
            page.fill(f"input[name=m_{s.pk}_{component}]", value)
    axe_check(page)
    page.get_by_role("button", name="Lưu điểm").click()
    page.wait_for_load_state("domcontentloaded")
    assert "Đã lưu điểm" in page.locator(".messages").inner_text()
    # (8 + 9.5 + 14 + 25.5) / 7 = 8.14 → 8.1
    assert page.locator("td.result").first.inner_text().strip() in ("8,1", "8.1")
    page.get_by_role("button", name="Hoàn thành và khóa sổ").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator(".gradebook-status").inner_text() == "Đã khóa"
    context.close()

    # 2. The homeroom teacher signs the class; 3. the principal signs it.
    class_url = f"{live_server.url}/society/hoc-ba/classes/{world.school_class.pk}/"
    for signer, button in (
        (world.homeroom, "Ký học bạ cả lớp (giáo viên chủ nhiệm)"),
        (world.principal, "Ký học bạ cả lớp (hiệu trưởng)"),
    ):
        context, page = _login(browser, live_server, signer)
        page.goto(class_url)
        page.get_by_role("button", name=button).click()
        page.wait_for_load_state("domcontentloaded")
        page.locator(".job-done").wait_for()
        assert f"Đã ký {len(world.students)}/{len(world.students)} học bạ" in page.locator(".job-progress").inner_text()
        context.close()

    # 4. A parent downloads their child's transcript and follows the link its QR code carries.
    context, page = _login(browser, live_server, world.parent, mobile=True)
    child = world.students[0]
    page.goto(f"{live_server.url}/society/hoc-ba/students/{child.pk}/")
    href = page.get_by_role("link", name="Tải học bạ (PDF)").get_attribute("href")
    pdf = page.request.get(live_server.url + href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    data = pdf.body()
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    url = re.search(r"(http://\S+/society/hoc-ba/verify/[0-9A-Z]+/)", text).group(1)
    assert child.full_name in text
    page.goto(url)
    assert "HỢP LỆ: học bạ do cổng cấp" in page.locator("#verdict").inner_text()
    assert "Hoàng Thị Chủ Nhiệm" in page.content() and "Nông Văn Hiệu" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(page)

    # 5. A copy with one byte changed inside the signed content is shown as not valid.
    index = data.index(b"stream\n", 1000) + 50
    tampered = tmp_path / "hoc-ba-sua.pdf"
    tampered.write_bytes(data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :])
    page.set_input_files("input[type=file]", str(tampered))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.wait_for_load_state("domcontentloaded")
    assert "KHÔNG HỢP LỆ" in page.locator("#upload-verdict").inner_text()
    # And the genuine copy passes.
    genuine = tmp_path / "hoc-ba.pdf"
    genuine.write_bytes(data)
    page.set_input_files("input[type=file]", str(genuine))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("#upload-verdict").inner_text().startswith("HỢP LỆ")
    context.close()
