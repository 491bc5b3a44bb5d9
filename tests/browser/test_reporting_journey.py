"""Periodic reporting in a real browser on a 360 px phone: a commune official fills the monthly report
(a bad figure is refused by field and what was typed is kept), saves a draft, submits; the collecting
department returns it with a reason; the commune sees the reason, corrects and submits again; the
department accepts it. No page scrolls sideways."""

import pytest
from django.core.management import call_command

from tests.browser.conftest import signed_in_phone
from tests.conftest import COMMUNE_A, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people_and_period(transactional_db):
    from datetime import timedelta

    from django.utils import timezone

    from core.agencies.models import Agency
    from core.geo.models import AdministrativeUnit
    from government.reporting import services
    from government.reporting.models import ReportForm, ReportPeriod

    call_command("load_reference_data", verbosity=0)
    commune = make_user(
        "vanphong.xa@langson.gov.vn",
        roles=["commune_official"],
        full_name="Vi Thị Xã",
        agency=Agency.objects.get(code=f"ubnd-xa-{COMMUNE_A}"),
        admin_unit=AdministrativeUnit.objects.get(code=COMMUNE_A, structure="2025"),
        totp=True,
    )
    reviewer = make_user(
        "tonghop.khcn@langson.gov.vn",
        roles=["department_official"],
        full_name="Chu Văn Sở",
        agency=Agency.objects.get(code="so-khcn"),
        totp=True,
    )
    form = ReportForm.objects.get(code="cds-xa-hang-thang")
    period = services.period_get_or_create(form=form, year=2026, number=10)
    ReportPeriod.objects.filter(pk=period.pk).update(
        deadline=timezone.now() + timedelta(days=3), locked_at=None, reopened_until=None
    )
    return commune, reviewer, period


def _fits(page):
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360, page.url


def _fill_good(page, *, online="120"):
    page.fill("[name=ho-so-truc-tuyen]", online)
    page.fill("[name=ty-le-truc-tuyen]", "85,5")
    page.fill("[name=to-cong-nghe]", "12")
    page.fill("[name=luot-ho-tro]", "340")
    page.fill("[name=ho-cua-hang-so]", "1250")
    page.select_option("[name=ket-noi-mang]", label="Tốt")


def test_a_commune_files_the_province_returns_the_commune_corrects(browser, live_server, people_and_period):
    commune, reviewer, period = people_and_period

    page = signed_in_phone(browser, live_server, commune)
    page.goto(f"{live_server.url}/")
    page.click("[data-panel='core.official_work'] >> text=Báo cáo định kỳ")  # found on the home page
    page.wait_for_selector("main h1")
    _fits(page)
    page.goto(f"{live_server.url}/bao-cao/ky/{period.pk}/nop/")
    _fill_good(page)
    page.fill("[name=ty-le-truc-tuyen]", "150")  # a share above 100 %
    page.click("button[name=submit]")
    assert "Tỷ lệ phải từ 0 đến 100." in page.inner_text("main")
    assert page.input_value("[name=ho-so-truc-tuyen]") == "120"  # what was typed is kept
    _fits(page)
    page.fill("[name=ty-le-truc-tuyen]", "85,5")
    page.click("button[name=save]")
    page.wait_for_selector("text=Đã lưu bản nháp.")
    assert "Đang soạn" in page.inner_text("main")
    page.click("button[name=submit]")
    page.wait_for_selector("text=Đã nộp báo cáo.")
    assert "Đã nộp, chờ duyệt" in page.inner_text("main")

    boss = signed_in_phone(browser, live_server, reviewer)
    boss.goto(f"{live_server.url}/bao-cao/ky/{period.pk}/")
    boss.click(f"table >> text={commune.agency.name}")  # the commune's report in the period's table
    boss.wait_for_selector("textarea[name=reason]")
    _fits(boss)
    boss.click("text=Trả lại để sửa")  # no reason: refused by field
    assert boss.locator("textarea[name=reason]").count() == 1 and "bắt buộc" in boss.inner_text("main")
    boss.fill("textarea[name=reason]", "Số hồ sơ trực tuyến chưa khớp với Cổng dịch vụ công, đề nghị rà soát.")
    boss.click("text=Trả lại để sửa")
    boss.wait_for_selector("text=Đã trả lại báo cáo để đơn vị sửa.")
    assert "Bị trả lại để sửa" in boss.inner_text("main")

    page.goto(f"{live_server.url}/bao-cao/ky/{period.pk}/nop/")
    assert "Số hồ sơ trực tuyến chưa khớp" in page.inner_text("main")  # the reason reaches the commune
    page.fill("[name=ho-so-truc-tuyen]", "118")
    page.click("button[name=submit]")
    page.wait_for_selector("text=Đã nộp báo cáo.")
    assert "Đã nộp, chờ duyệt" in page.inner_text("main")

    boss.reload()
    boss.click("button:has-text('Duyệt')")
    boss.wait_for_selector("text=Đã duyệt báo cáo.")
    assert "118" in boss.inner_text("main")
    _fits(boss)
