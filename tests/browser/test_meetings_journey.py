"""A meeting in a real browser, on a 360 px phone (issue 16): a department's clerk schedules it with its
agenda and video room, chaired by the department's leader, inviting a commune's chairman; the chairman
finds it in his own calendar, not in a colleague's; the chair starts it, takes attendance, closes it with
the minutes and assigns a task from it, which the chairman then finds in his tasks."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_check, signed_in_phone

# Calendar pages show the current month: the clock starts at a calm moment (tests/conftest.py); the
# live server shares this process's clock.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("calm_clock")]

VIDEO = "https://hop.langson.gov.vn/phong/so-khcn-123"


@pytest.fixture
def people(transactional_db, settings, tmp_path):
    from django.core.management import call_command

    call_command("load_reference_data", verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "media"
    from tests.conftest import COMMUNE_A, _agency, make_user

    dept, commune = _agency("so-khcn"), _agency(f"ubnd-xa-{COMMUNE_A}")

    def person(email, name, agency, *roles):
        return make_user(email, roles=list(roles), full_name=name, agency=agency, totp=True)

    dept_official, commune_official = "department_official", "commune_official"
    return {
        "clerk": person("vanthu.khcn@langson.gov.vn", "Nông Thị Văn Thư", dept, dept_official, "document_clerk"),
        "chair": person("giamdoc.khcn@langson.gov.vn", "Hoàng Văn Giám Đốc", dept, dept_official, "agency_leader"),
        "guest": person("chutich.xa@langson.gov.vn", "Chu Văn Chủ Tịch", commune, commune_official, "agency_leader"),
        "colleague": person("vanthu.xa@langson.gov.vn", "Lộc Thị Xã", commune, commune_official, "document_clerk"),
    }


def _fits(page):
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360


def test_schedule_attend_conclude_and_assign_on_a_phone(browser, live_server, people):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    clerk = signed_in_phone(browser, live_server, people["clerk"])
    clerk.goto(f"{live_server.url}/cuoc-hop/moi/")
    clerk.fill("input[name=title]", "Họp triển khai nền tảng số tại xã biên giới")
    clerk.fill("textarea[name=agenda]", "1. Tình hình triển khai\n2. Phân công nhiệm vụ")
    clerk.fill("input[name=starts_at]", f"{tomorrow.isoformat()}T10:00")
    clerk.fill("input[name=ends_at]", f"{tomorrow.isoformat()}T09:00")  # ends before it starts: refused
    clerk.fill("input[name=video_url]", VIDEO)
    clerk.select_option("select[name=chair]", str(people["chair"].pk))
    clerk.fill("textarea[name=participants]", "chutich.xa@langson.gov.vn")
    clerk.click("#schedule")
    clerk.wait_for_selector(".errorlist")
    assert clerk.input_value("input[name=title]") == "Họp triển khai nền tảng số tại xã biên giới"  # kept
    assert clerk.input_value("input[name=video_url]") == VIDEO
    _fits(clerk)
    clerk.fill("input[name=ends_at]", f"{tomorrow.isoformat()}T11:30")
    clerk.click("#schedule")
    clerk.wait_for_selector("#meeting-status")
    assert "Đã lên lịch cuộc họp và gửi giấy mời" in clerk.inner_text("main")
    meeting_url = clerk.url
    _fits(clerk)

    # The invited chairman finds it in his own calendar and opens the video room's link from it.
    guest = signed_in_phone(browser, live_server, people["guest"])
    guest.goto(f"{live_server.url}/cuoc-hop/")
    guest.click("text=Họp triển khai nền tảng số tại xã biên giới")
    guest.wait_for_selector("#video-url")
    assert guest.get_attribute("#video-url a", "href") == VIDEO
    assert "Chu Văn Chủ Tịch" in guest.inner_text("#participants")
    _fits(guest)
    axe_check(guest)
    # His commune's clerk, who does not sit in it, has nothing in her own calendar and cannot open it.
    colleague = signed_in_phone(browser, live_server, people["colleague"])
    colleague.goto(f"{live_server.url}/cuoc-hop/?scope=me")
    assert "Họp triển khai" not in colleague.inner_text("#calendar")
    assert colleague.goto(meeting_url).status == 404

    # The chair starts it, takes attendance, closes it with the minutes and assigns a task from it.
    chair = signed_in_phone(browser, live_server, people["chair"])
    chair.goto(meeting_url)
    chair.click("#action-start button[type=submit]")
    chair.wait_for_selector("#action-attendance")
    assert chair.inner_text("#meeting-status") == "Đang họp"
    chair.select_option("#action-attendance select", "online")
    chair.click("#action-attendance button[type=submit]")
    chair.wait_for_selector("#action-conclude")
    assert "Dự trực tuyến" in chair.inner_text("#participants")
    chair.click("#action-conclude button[type=submit]")  # no minutes: refused, the meeting still open
    chair.wait_for_selector("#action-conclude .errorlist")
    assert chair.inner_text("#meeting-status") == "Đang họp"
    chair.fill("textarea[name=conclude-minutes]", "Thống nhất triển khai tổ công nghệ số cộng đồng tại 5 thôn.")
    chair.click("#action-conclude button[type=submit]")
    chair.wait_for_selector("#minutes")
    chair.select_option("select[name=task-assignee]", str(people["guest"].pk))
    chair.fill("input[name=task-title]", "Báo cáo danh sách tổ công nghệ số cộng đồng")
    chair.fill("input[name=task-deadline]", (tomorrow + dt.timedelta(days=14)).isoformat())
    chair.click("#action-task button[type=submit]")
    chair.wait_for_selector("#tasks")
    assert "Báo cáo danh sách tổ công nghệ số cộng đồng" in chair.inner_text("#tasks")
    _fits(chair)
    axe_check(chair)

    # The chairman reads the minutes and finds the task among his own.
    guest.goto(meeting_url)
    assert "tổ công nghệ số cộng đồng tại 5 thôn" in guest.inner_text("#minutes")
    assert "Dự trực tuyến" in guest.inner_text("#participants")
    guest.goto(f"{live_server.url}/van-ban/cong-viec/")
    assert "Báo cáo danh sách tổ công nghệ số cộng đồng" in guest.inner_text("main")
    _fits(guest)
