"""Browser journeys of the community technology teams and broadcasts, on a 360 px phone:
- a commune official, on a phone with JavaScript off, sets up a team (their commune comes chosen)
  and adds a member; the member logs a household visit on a phone with JavaScript off (a weak
  connection): a name, a tick and one button; a double submit records once; the commune's
  indicator counts the visit;
- a department official sends an announcement to two chosen communes, a province leader approves
  it, the official follows the per-channel delivery status and, for an e-mail whose sending was
  interrupted and that the provider cannot confirm, presses "send again" (a second press sends
  nothing more)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.browser.conftest import DESKTOP, MOBILE, csp_refusals
from tests.conftest import COMMUNE_A, COMMUNE_B, DEMO_PASSWORD, TOTP_SECRET, make_user

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock);
# the live server shares this process's clock, and what the browser is checked for is rendered by it.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("calm_clock")]


def _context(browser, *, viewport, javascript=True):
    context = browser.new_context(viewport=viewport, locale="vi-VN", java_script_enabled=javascript)
    # Generous: the machine is shared, and the first pages of a live server are slow.
    context.set_default_timeout(90_000)
    page = context.new_page()
    page.refused = csp_refusals(page)
    return context, page


def _close(context, page):
    context.close()
    assert not page.refused, page.refused


def _fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _submit(page, name):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state("domcontentloaded")


@pytest.fixture
def people(reference_data, settings, tmp_path):
    from core.agencies.models import Agency
    from core.geo.models import AdministrativeUnit as Unit

    settings.PORTAL_OUTBOX_PATH = tmp_path / "outbox"
    settings.PORTAL_SMS_FILE_PATH = tmp_path / "sms"
    commune = Unit.objects.get(structure="2025", level="commune", code=COMMUNE_A)
    other = Unit.objects.get(structure="2025", level="commune", code=COMMUNE_B)
    official = make_user(
        "canbo.xa@langson.gov.vn",
        roles=["commune_official"],
        full_name="Lộc Thị Xã",
        agency=Agency.objects.get(code=f"ubnd-xa-{COMMUNE_A}"),
        admin_unit=commune,
        totp=True,
    )
    department = make_user(
        "so.khcn@langson.gov.vn",
        roles=["department_official"],
        full_name="Nông Văn Sở",
        agency=Agency.objects.get(code="so-khcn"),
        totp=True,
    )
    leader = make_user("lanhdao@langson.gov.vn", roles=["province_leader"], full_name="Vi Văn Lãnh", totp=True)
    member = make_user("thanhvien.to@example.vn", full_name="Bế Thị Hoa", phone="0912000111")
    citizen = make_user(
        "dan@example.vn", roles=["citizen"], full_name="Hoàng Văn Dân", phone="0912345678", admin_unit=commune
    )
    citizen_b = make_user(
        "dan.b@example.vn", roles=["citizen"], full_name="Lăng Thị Bình", phone="0912345679", admin_unit=other
    )
    return {
        "commune": commune,
        "other": other,
        "official": official,
        "department": department,
        "leader": leader,
        "member": member,
        "citizen": citizen,
        "citizen_b": citizen_b,
    }


def test_an_official_sets_up_a_team_and_a_member_logs_a_visit_on_a_phone(
    browser, live_server, people, browser_login, axe_check
):
    from core.indicators import registry
    from core.indicators.registry import LOCAL
    from society.models import HouseholdVisit, TechTeam

    # The commune official, on a phone with JavaScript off, sets up the team: their commune is
    # already chosen, so village, name, head count and a date are all it takes.
    context, page = _context(browser, viewport=MOBILE, javascript=False)
    browser_login(page, live_server, people["official"].email, DEMO_PASSWORD, TOTP_SECRET)
    page.goto(f"{live_server.url}/society/tech-teams/")
    page.get_by_role("link", name="Lập tổ mới").click()
    page.wait_for_load_state("domcontentloaded")
    _fits(page, MOBILE["width"])
    assert page.locator("select[name=commune]").input_value() == str(COMMUNE_A)
    assert page.locator("input[name=established_on]").input_value() == timezone.localdate().isoformat()
    page.fill("input[name=village]", "Thôn Nà Chuông")
    page.fill("input[name=name]", "Tổ công nghệ số thôn Nà Chuông")
    page.fill("input[name=members]", "5")
    # A date in the future is refused under its field; what was typed stays.
    page.fill("input[name=established_on]", (timezone.localdate() + dt.timedelta(days=3)).isoformat())
    _submit(page, "Lưu")
    assert "Ngày thành lập không được sau hôm nay." in page.locator("form[novalidate]").inner_text()
    assert page.locator("input[name=village]").input_value() == "Thôn Nà Chuông"
    assert not TechTeam.objects.exists()
    page.fill("input[name=established_on]", "2025-02-10")
    _submit(page, "Lưu")
    assert "Đã lập tổ Tổ công nghệ số thôn Nà Chuông." in page.locator(".messages").inner_text()
    _fits(page, MOBILE["width"])
    # The member is added by the phone number of their portal account.
    page.fill("input[name=account]", "0912000111")
    _submit(page, "Thêm vào tổ")
    assert "Đã thêm Bế Thị Hoa vào tổ." in page.locator(".messages").inner_text()
    assert "Bế Thị Hoa" in page.locator("table").inner_text()
    _fits(page, MOBILE["width"])
    _close(context, page)
    team = TechTeam.objects.get(name="Tổ công nghệ số thôn Nà Chuông")
    assert team.commune == people["commune"] and team.members == 5

    # The member, on a 360 px phone with JavaScript off, logs a household visit: today's date and
    # "done" come filled in, so a name, a tick and one button are the whole form.
    context, page = _context(browser, viewport=MOBILE, javascript=False)
    browser_login(page, live_server, people["member"].email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/society/tech-teams/mine/")
    page.get_by_role("link", name="Tổ công nghệ số thôn Nà Chuông").click()
    page.wait_for_load_state("domcontentloaded")
    _fits(page, MOBILE["width"])
    assert page.locator("input[name=visited_on]").input_value() == timezone.localdate().isoformat()
    assert page.get_by_label("Đã làm xong").is_checked()
    page.fill("input[name=household]", "Hộ ông Lương Văn Sáng")
    page.get_by_label("Kích hoạt định danh điện tử VNeID").check()
    page.get_by_label("Phòng chống lừa đảo trên mạng").check()
    token = page.locator("input[name=token]").input_value()
    form = {
        "csrfmiddlewaretoken": page.locator("form[novalidate] input[name=csrfmiddlewaretoken]").input_value(),
        "household": "Hộ ông Lương Văn Sáng",
        "visited_on": timezone.localdate().isoformat(),
        "help": "vneid",
        "outcome": "done",
        "token": token,
    }
    _submit(page, "Ghi lại")
    assert "Đã ghi lượt hỗ trợ hộ Hộ ông Lương Văn Sáng." in page.locator(".messages").inner_text()
    assert "Hộ ông Lương Văn Sáng" in page.locator("main").inner_text()
    _fits(page, MOBILE["width"])
    # The same form sent again (a weak connection, the button pressed twice) records nothing more.
    again = page.request.post(
        page.url, form=form, headers={"Referer": page.url}, max_redirects=0, fail_on_status_code=False
    )
    assert again.status == 302
    assert HouseholdVisit.objects.filter(team=team).count() == 1
    # A form sent without a household keeps what was ticked and says what is missing.
    page.get_by_label("Thanh toán điện tử").check()
    _submit(page, "Ghi lại")
    assert page.get_by_label("Thanh toán điện tử").is_checked()
    assert "This field is required" not in page.locator("form[novalidate]").inner_text()
    assert page.locator("#id_household_error, .errorlist").count() >= 1
    assert HouseholdVisit.objects.filter(team=team).count() == 1
    _close(context, page)
    context, page = _context(browser, viewport=MOBILE)
    browser_login(page, live_server, people["member"].email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/society/tech-teams/{team.pk}/household-visits/new/")
    axe_check(page)
    _close(context, page)

    visit = HouseholdVisit.objects.get(team=team)
    assert visit.help == ["fraud", "vneid"] and visit.member == people["member"]
    start = dt.datetime.combine(timezone.localdate(), dt.time(), tzinfo=LOCAL)
    indicator = registry.get("society.tech_teams.vneid")
    assert indicator.compute_by_commune(start, start + dt.timedelta(days=1)) == {COMMUNE_A: 1}


def test_a_commune_official_writes_an_announcement_on_a_phone_without_javascript(
    browser, live_server, people, browser_login, axe_check, celery_eager
):
    from society.models import Broadcast

    context, page = _context(browser, viewport=MOBILE, javascript=False)
    browser_login(page, live_server, people["official"].email, DEMO_PASSWORD, TOTP_SECRET)
    page.goto(f"{live_server.url}/society/broadcasts/new/")
    _fits(page, MOBILE["width"])
    # Their own commune comes chosen: the only one they may write to.
    assert page.locator("select[name=communes] option:checked").all_inner_texts() == [people["commune"].name]
    page.fill("input[name=title]", "Lịch tiêm phòng cho trẻ")
    page.fill("textarea[name=body]", "Kính gửi {ten}: {xa} tổ chức tiêm phòng ngày {ngay}.")
    page.get_by_label("SMS").check()
    _submit(page, "Lưu bản nháp")
    # An unknown placeholder is refused under the text, which stays as typed.
    assert "{ten}" in page.locator("form[novalidate]").inner_text()
    assert page.locator("textarea[name=body]").input_value().startswith("Kính gửi {ten}")
    assert page.get_by_label("SMS").is_checked()
    page.fill("textarea[name=body]", "Kính gửi {ho_ten}: {xa} tổ chức tiêm phòng ngày {ngay} tại trạm y tế.")
    _submit(page, "Lưu bản nháp")
    assert "Kính gửi Nguyễn Văn A" in page.locator("blockquote").inner_text()
    _submit(page, "Trình lãnh đạo duyệt")
    assert page.locator(".broadcast-status").inner_text() == "Chờ lãnh đạo duyệt"
    _fits(page, MOBILE["width"])
    _close(context, page)
    broadcast = Broadcast.objects.get(title="Lịch tiêm phòng cho trẻ")
    assert list(broadcast.communes.all()) == [people["commune"]]


def test_an_announcement_to_chosen_communes_is_approved_and_its_delivery_followed(
    browser, live_server, people, browser_login, axe_check, celery_eager, tmp_path
):
    from society.models import Broadcast, BroadcastDelivery
    from society.services import broadcasts

    # A department official chooses two communes and three channels on a phone without JavaScript
    # (one sign-in for the whole test: a second TOTP sign-in in the same 30 s is refused as a replay).
    department, page = _context(browser, viewport=MOBILE, javascript=False)
    browser_login(page, live_server, people["department"].email, DEMO_PASSWORD, TOTP_SECRET)
    page.goto(f"{live_server.url}/society/broadcasts/new/")
    _fits(page, MOBILE["width"])
    page.fill("input[name=title]", "Lịch tiêm phòng cho trẻ")
    page.fill("textarea[name=body]", "Kính gửi {ho_ten}: {xa} tổ chức tiêm phòng ngày {ngay} tại trạm y tế.")
    page.select_option("select[name=communes]", [str(people["commune"].pk), str(people["other"].pk)])
    page.get_by_label("SMS").check()
    page.get_by_label("Zalo OA").check()
    page.get_by_label("Thư điện tử").check()
    _submit(page, "Lưu bản nháp")
    _submit(page, "Trình lãnh đạo duyệt")
    broadcast_url = page.url
    department_page = page

    context, page = _context(browser, viewport=DESKTOP)
    browser_login(page, live_server, people["leader"].email, DEMO_PASSWORD, TOTP_SECRET)
    page.goto(broadcast_url)
    _submit(page, "Duyệt và gửi")
    _close(context, page)
    broadcast = Broadcast.objects.get(title="Lịch tiêm phòng cho trẻ")
    deliveries = broadcast.deliveries.all()
    assert {(d.user.email, d.channel, d.status) for d in deliveries} == {
        (people[who].email, channel, "sent") for who in ("citizen", "citizen_b") for channel in ("sms", "zalo", "email")
    }
    # Each citizen's message names their own commune.
    sms_b = deliveries.get(channel="sms", user=people["citizen_b"])
    assert people["other"].name in sms_b.body and "Lăng Thị Bình" in sms_b.body

    # An SMS whose worker died mid-send, after the gateway took it: the beat job finds it in the
    # provider's records and marks it sent, never sending it twice. An e-mail interrupted the same
    # way cannot be confirmed by the provider (SMTP): it waits for an official.
    sms = deliveries.get(channel="sms", user=people["citizen"])
    mail = deliveries.get(channel="email", user=people["citizen"])
    BroadcastDelivery.objects.filter(pk__in=[sms.pk, mail.pk]).update(
        status="sending", claimed_at=timezone.now() - dt.timedelta(minutes=10), provider_id=""
    )
    broadcasts.broadcasts_recover()
    sms.refresh_from_db()
    mail.refresh_from_db()
    assert sms.status == "sent" and sms.attempts == 1
    sms_lines = [line for p in (tmp_path / "sms").glob("sms-*.jsonl") for line in p.read_text().splitlines()]
    assert sum(1 for line in sms_lines if people["citizen"].phone in line) == 1
    assert mail.status == "unknown" and mail.attempts == 1

    page = department_page
    page.goto(broadcast_url)
    counts = page.locator(".delivery-counts").inner_text()
    assert "SMS: Đã gửi 2" in counts and "Zalo OA: Đã gửi 2" in counts
    assert re.search(r"Thư điện tử: Đã gửi 1; Không rõ, nhà cung cấp không xác nhận được", counts)
    # The deliveries needing an official are listed apart, with the citizen's address.
    needing = page.locator(".deliveries-unknown")
    assert "dan@example.vn" in needing.inner_text()
    _fits(page, MOBILE["width"])
    csrf = page.locator(".deliveries-unknown input[name=csrfmiddlewaretoken]").first.input_value()
    resend = page.locator(".deliveries-unknown form").first
    action = live_server.url + resend.get_attribute("action")
    fields = {
        name: page.locator(f".deliveries-unknown form input[name={name}]").first.input_value()
        for name in ("delivery", "attempts")
    }
    _submit(page, "Gửi lại")
    assert "Đã gửi lại 1 lượt." in page.locator(".messages").inner_text()
    mail.refresh_from_db()
    assert mail.status == "sent" and mail.attempts == 2
    assert "Thư điện tử: Đã gửi 2" in page.locator(".delivery-counts").inner_text()
    assert page.locator(".deliveries-unknown").count() == 0
    # The same button pressed again (the page sent twice) sends nothing more.
    again = page.request.post(
        action,
        form={"csrfmiddlewaretoken": csrf, **fields},
        headers={"Referer": broadcast_url},
        max_redirects=0,
        fail_on_status_code=False,
    )
    assert again.status == 302
    mail.refresh_from_db()
    assert mail.attempts == 2
    _close(department, page)

    # The commune's official follows it too (a second TOTP sign-in of the department official
    # within the same 30 s window would be refused as a replay).
    context, page = _context(browser, viewport=MOBILE)
    browser_login(page, live_server, people["official"].email, DEMO_PASSWORD, TOTP_SECRET)
    page.goto(broadcast_url)
    assert "0912345678" in page.locator("table").inner_text()
    _fits(page, MOBILE["width"])
    axe_check(page)
    _close(context, page)
