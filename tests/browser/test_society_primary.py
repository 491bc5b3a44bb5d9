"""Primary-school pages and the commune's loudspeaker times, by their real users on a 360 px phone
with JavaScript off:
- a subject teacher writes the end-of-year remarks, one column on the phone (too long a remark is
  refused under its box and stays as typed);
- the homeroom teacher assesses one quality at mid-term I, with a remark (too long is refused
  under its box), and cannot finish the book while other items are empty;
- the principal gives the end-of-year awards (a title the result does not earn is refused);
- a commune official sets the commune's loudspeaker times (an hour of the night is refused);
- a secondary school's homeroom teacher writes the year's remarks and finishes the book."""

import pytest

from tests.browser.conftest import MOBILE, csp_refusals
from tests.conftest import DEMO_PASSWORD, TOTP_SECRET, make_user

pytestmark = [pytest.mark.browser]


def _phone(browser):
    context = browser.new_context(viewport=MOBILE, locale="vi-VN", java_script_enabled=False)
    context.set_default_timeout(90_000)
    page = context.new_page()
    page.refused = csp_refusals(page)
    return context, page


def _close(context, page):
    context.close()
    assert not page.refused, page.refused


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]


def _submit(page, name):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state("domcontentloaded")


@pytest.fixture
def school(reference_data):
    from society import assessment_primary as c27
    from society import services
    from society.models import Gradebook, School, SchoolClass, Subject
    from tests.society.conftest import build_school

    world = build_school(n_students=2)
    School.objects.filter(pk=world.school.pk).update(level="tieu_hoc", name="Trường Tiểu học Đông Kinh")
    SchoolClass.objects.filter(pk=world.school_class.pk).update(grade=5, name="5A")
    world.school_class.refresh_from_db()
    Gradebook.objects.filter(school_class=world.school_class).exclude(subject__code="toan").delete()
    world.books = {k: v for k, v in world.books.items() if k[0] == "toan"}
    ethics, _ = Subject.objects.get_or_create(code="dao-duc", defaults={"name": "Đạo đức", "assessment": "comment"})
    for term in (1, 2):
        world.books[("dao-duc", term)] = Gradebook.objects.create(
            school_class=world.school_class, subject=ethics, term=term, teacher=world.homeroom
        )
    # Levels and tests entered (the remarks are what the teacher writes on the phone below).
    for (code, _term), book in world.books.items():
        entries = {
            (s.pk, c): ("10" if c27.is_test(c) else "T")
            for s in world.students
            for c in c27.components(code, 5)
            if c != "nx"
        }
        services.gradebook_save_marks(actor=book.teacher, gradebook=book, entries=entries)
    return world


def test_primary_pages_on_a_phone_without_javascript(browser, live_server, school, browser_login):
    from society.models import Mark, PrimaryAward, PrimaryQuality

    world = school
    book = world.books[("toan", 2)]
    first = world.students[0]

    # The Toán teacher writes the end-of-year remarks, the remarks column alone.
    context, page = _phone(browser)
    browser_login(page, live_server, "toan@thcs-dk.edu.vn", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/society/hoc-ba/gradebooks/{book.pk}/")
    _fits(page)  # every column: the table scrolls inside its frame, the page does not widen
    page.get_by_role("link", name="Nhận xét", exact=True).click()
    page.wait_for_load_state("domcontentloaded")
    _fits(page)
    boxes = page.locator("textarea")
    assert boxes.count() == 2
    too_long = "Em học tốt, " * 12
    boxes.nth(0).fill(too_long)
    boxes.nth(1).fill("Tính toán nhanh, chính xác.")
    _submit(page, "Lưu điểm")
    assert "Nhận xét tối đa 120 ký tự (đang có 143)." in page.locator("form[novalidate]").inner_text()
    assert page.locator("textarea").nth(0).input_value().startswith("Em học tốt, Em học tốt,")
    _fits(page)
    page.locator("textarea").nth(0).fill("Đọc, viết và giải toán thành thạo.")
    _submit(page, "Lưu điểm")
    assert "Đã lưu điểm (2 ô thay đổi)." in page.locator(".messages").inner_text()
    assert (
        Mark.objects.get(gradebook=book, student=first, component="nx").remark == "Đọc, viết và giải toán thành thạo."
    )
    _close(context, page)

    # The homeroom teacher assesses one quality at mid-term I, one item on the phone.
    context, page = _phone(browser)
    browser_login(page, live_server, "chunhiem@thcs-dk.edu.vn", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/society/hoc-ba/classes/{world.school_class.pk}/")
    page.get_by_role("link", name="Giữa học kỳ I", exact=True).click()
    page.wait_for_load_state("domcontentloaded")
    page.get_by_role("link", name="Trung thực", exact=True).click()
    page.wait_for_load_state("domcontentloaded")
    _fits(page)
    selects = page.locator("select")
    assert selects.count() == 2 and page.locator("textarea").count() == 2
    selects.nth(0).select_option("T")
    selects.nth(1).select_option("D")
    # Its remark too: too long is refused under the box, what was typed and chosen stays.
    page.locator("textarea").nth(0).fill("Trung thực " * 9)
    _submit(page, "Lưu")
    assert "Nhận xét tối đa 80 ký tự (đang có 98)." in page.locator("form[novalidate]").inner_text()
    assert page.locator("select").nth(1).input_value() == "D"
    _fits(page)
    page.locator("textarea").nth(0).fill("Luôn nói thật, nhận lỗi khi làm sai.")
    _submit(page, "Lưu")
    assert "(2 thay đổi)" in page.locator(".messages").inner_text()
    assert PrimaryQuality.objects.filter(period=3, item="trung_thuc").count() == 2
    assert PrimaryQuality.objects.get(period=3, item="trung_thuc", level="T").remark == (
        "Luôn nói thật, nhận lỗi khi làm sai."
    )
    # Finishing the mid-term book with the other items still empty is refused, and says for whom.
    _submit(page, "Hoàn thành và khóa sổ")
    assert "Chưa đánh giá đủ cho:" in page.locator(".messages").inner_text()
    assert "Sổ đánh giá đang mở" in page.locator("main").inner_text()
    _fits(page)
    _close(context, page)

    # The principal gives the awards: the year's results are all in once the books are finished
    # and the year's qualities assessed.
    from society import assessment_primary as c27
    from society import services

    for b in world.books.values():
        if b.pk != book.pk:
            remarks = {(s.pk, "nx"): "Hoàn thành tốt nội dung môn học." for s in world.students}
            services.gradebook_save_marks(actor=b.teacher, gradebook=b, entries=remarks)
        services.gradebook_finish(actor=b.teacher, gradebook=b)
    e1, e2 = world.school_class.enrollments.order_by("number")
    services.qualities_save(
        actor=world.homeroom,
        school_class=world.school_class,
        period=c27.END_OF_YEAR,
        levels={**{(e1.pk, i): "T" for i in c27.QUALITY_ITEMS}, **{(e2.pk, i): "D" for i in c27.QUALITY_ITEMS}},
    )
    context, page = _phone(browser)
    browser_login(page, live_server, "hieutruong@thcs-dk.edu.vn", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/society/hoc-ba/classes/{world.school_class.pk}/")
    page.get_by_role("link", name="Khen thưởng cuối năm").click()
    page.wait_for_load_state("domcontentloaded")
    _fits(page)
    page.locator(f"select[name=a_{e2.pk}_title]").select_option("xuat_sac")
    page.fill(f"input[name=a_{e2.pk}_other]", "Giải Ba Hội thi Viết chữ đẹp cấp xã")
    _submit(page, "Lưu khen thưởng")
    assert (
        "Danh hiệu này dành cho học sinh có kết quả cuối năm Hoàn thành xuất sắc." in page.locator("main").inner_text()
    )
    assert page.locator(f"input[name=a_{e2.pk}_other]").input_value() == "Giải Ba Hội thi Viết chữ đẹp cấp xã"
    _fits(page)
    page.locator(f"select[name=a_{e2.pk}_title]").select_option("")
    page.locator(f"select[name=a_{e1.pk}_title]").select_option("xuat_sac")
    _submit(page, "Lưu khen thưởng")
    assert "Đã lưu khen thưởng (2 học sinh thay đổi)." in page.locator(".messages").inner_text()
    assert PrimaryAward.objects.get(enrollment=e1).title == "xuat_sac"
    assert PrimaryAward.objects.get(enrollment=e2).other == "Giải Ba Hội thi Viết chữ đẹp cấp xã"
    _fits(page)
    _close(context, page)


def test_a_commune_official_sets_the_loudspeaker_times_on_a_phone(browser, live_server, reference_data, browser_login):
    import datetime as dt

    from core.agencies.models import Agency
    from core.geo.models import AdministrativeUnit as Unit
    from society.models import LoudspeakerSlots
    from tests.conftest import COMMUNE_A

    commune = Unit.objects.get(structure="2025", level="commune", code=COMMUNE_A)
    make_user(
        "loa.xa@langson.gov.vn",
        roles=["commune_official"],
        full_name="Lộc Văn Loa",
        agency=Agency.objects.get(code=f"ubnd-xa-{COMMUNE_A}"),
        admin_unit=commune,
        totp=True,
    )
    context, page = _phone(browser)
    browser_login(page, live_server, "loa.xa@langson.gov.vn", DEMO_PASSWORD, TOTP_SECRET)
    page.goto(f"{live_server.url}/society/broadcasts/loudspeakers/")
    assert "06:00, 17:00" in page.locator("main").inner_text()
    page.get_by_role("link", name="Đổi giờ phát").click()
    page.wait_for_load_state("domcontentloaded")
    _fits(page)
    page.fill("input[name=slot_1]", "04:30")
    page.fill("input[name=slot_2]", "11:15")
    _submit(page, "Lưu giờ phát")
    assert "Giờ phát từ 05:00 đến 21:00." in page.locator("form[novalidate]").inner_text()
    assert page.locator("input[name=slot_2]").input_value() == "11:15"
    assert not LoudspeakerSlots.objects.exists()
    page.fill("input[name=slot_1]", "05:30")
    _submit(page, "Lưu giờ phát")
    assert f"Đã lưu giờ phát loa truyền thanh của {commune.name}." in page.locator(".messages").inner_text()
    assert "05:30, 11:15." in page.locator("main").inner_text()
    _fits(page)
    _close(context, page)
    assert LoudspeakerSlots.objects.get(commune=commune).times == [dt.time(5, 30), dt.time(11, 15)]


def test_a_secondary_homeroom_teacher_writes_the_years_remarks_and_finishes_on_a_phone(
    browser, live_server, reference_data, browser_login
):
    """Circular 22's "Nhận xét của giáo viên chủ nhiệm", on a 360 px phone without JS: too long is
    refused under its box and kept; saved; the year's book finished, after which no box is left."""
    from society.models import Conduct, HomeroomBook
    from tests.society.conftest import build_school

    world = build_school(n_students=2)
    for e in world.school_class.enrollments.all():
        Conduct.objects.create(enrollment=e, period=0, level="T", updated_by=world.homeroom)
    context, page = _phone(browser)
    browser_login(page, live_server, "chunhiem@thcs-dk.edu.vn", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/society/hoc-ba/classes/{world.school_class.pk}/")
    page.get_by_role("link", name="Cả năm và nhận xét của giáo viên chủ nhiệm").click()
    page.wait_for_load_state("domcontentloaded")
    _fits(page)
    boxes = page.locator("textarea")
    assert boxes.count() == 2
    boxes.nth(0).fill("Chăm ngoan, học giỏi. " * 15)
    boxes.nth(1).fill("Chăm chỉ, khéo tay.")
    _submit(page, "Lưu")
    assert "Nhận xét tối đa 300 ký tự (đang có 329)." in page.locator("main").inner_text()
    assert page.locator("textarea").nth(1).input_value() == "Chăm chỉ, khéo tay."
    _fits(page)
    page.locator("textarea").nth(0).fill("Ngoan, lễ phép; cần mạnh dạn phát biểu.")
    _submit(page, "Lưu")
    assert "Đã lưu đánh giá rèn luyện (2 thay đổi)." in page.locator(".messages").inner_text()
    _submit(page, "Hoàn thành và khóa sổ")
    assert "Đã hoàn thành và khóa sổ đánh giá." in page.locator(".messages").inner_text()
    assert page.locator("textarea").count() == 0 and "Ngoan, lễ phép" in page.locator("main").inner_text()
    assert HomeroomBook.objects.get(school_class=world.school_class, period=0).status == "locked"
    _fits(page)
    _close(context, page)
