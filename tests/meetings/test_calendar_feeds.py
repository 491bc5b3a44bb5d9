"""Calendar subscriptions (webcal://, ADR 1604): a secret per-person link a calendar program polls
without signing in. Stored hashed, shown once, replaced or revoked on a page; it serves only the
meetings its owner may see, without the agenda or the video room; a forged, revoked or replaced token,
or an owner who lost the calendar, gets a 404."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from core.audit.models import AuditLog
from government.meetings.models import CalendarFeed
from government.meetings.selectors import feed_token_hash
from tests.meetings.test_meetings import _meeting, _tomorrow_at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]
FEEDS = reverse("meetings:calendar-feeds")


def _issue(client, scope="me"):
    response = client.post(FEEDS, {"action": "issue", "issue-scope": scope}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    webcal = re.search(rf'id="webcal-{scope}" type="text" readonly value="([^"]+)"', html).group(1)
    https = re.search(rf'id="https-{scope}" type="text" readonly value="([^"]+)"', html).group(1)
    assert webcal.startswith("webcal://") and webcal[len("webcal://") :] == https[len("http://") :]
    return https.split("testserver", 1)[1], html


def _feed(path):
    """What a calendar program gets: a fresh client, no session, no cookie."""
    return Client().get(path)


def _titles(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return {str(e["summary"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}


def test_a_subscription_serves_my_meetings_without_the_agenda_or_the_room(clerk, leader, commune_leader, login):
    mine = _meeting(clerk, leader, [commune_leader.email], title="Họp với xã")
    _meeting(clerk, leader, [], title="Họp nội bộ sở", starts_at=_tomorrow_at(14), ends_at=_tomorrow_at(15))
    path, html = _issue(login(commune_leader))
    assert "chỉ hiển thị một lần" in html
    response = _feed(path)
    assert _titles(response) == {"Họp với xã"}  # not the department's internal meeting
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["location"]) == "Phòng họp tầng 3"
    assert str(event["uid"]) == f"meeting-{mine.uid}@congcds.langson.gov.vn"
    body = response.content.decode()
    assert "meet.langson.gov.vn" not in body and "Kết quả tháng 11" not in body  # room and agenda stay inside
    assert "ORGANIZER" not in body and leader.email not in body
    assert response["Cache-Control"] == "private, no-store"
    # The token is not stored, only its hash; the page shows it once, then only its first characters.
    token = path.split("/")[-2]
    feed = CalendarFeed.objects.get(user=commune_leader)
    assert feed.token_hash == feed_token_hash(token) and token not in feed.token_hash
    again = login(commune_leader).get(FEEDS).content.decode()
    assert token not in again and feed.prefix in again
    assert "Ứng dụng lịch lấy lần gần nhất" in again


def test_the_agency_calendar_and_its_limits(clerk, leader, department_official, commune_leader, login):
    _meeting(clerk, leader, [commune_leader.email], title="Họp với xã")
    _meeting(clerk, leader, [], title="Họp nội bộ sở", starts_at=_tomorrow_at(14), ends_at=_tomorrow_at(15))
    path, _ = _issue(login(department_official), "agency")
    assert _titles(_feed(path)) == {"Họp với xã", "Họp nội bộ sở"}
    # The commune's agency calendar holds only what the commune attends.
    commune_path, _ = _issue(login(commune_leader, Client()), "agency")
    assert _titles(_feed(commune_path)) == {"Họp với xã"}
    # An official who moves to another agency: the old agency's feed stops.
    department_official.agency = commune_leader.agency
    department_official.save()
    assert _feed(path).status_code == 404


def test_forged_revoked_and_replaced_tokens_get_nothing(clerk, leader, commune_leader, login):
    _meeting(clerk, leader, [commune_leader.email], title="Họp với xã")
    client = login(commune_leader)
    first, _ = _issue(client)
    assert _feed(first).status_code == 200
    # forged: a token of the right shape that was never issued, one character changed, far too long
    token = first.split("/")[-2]
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (forged, "x" * 43, "a" * 500):
        assert _feed(reverse("meetings:calendar-feed", args=[bad])).status_code == 404
    # replaced: the new link works, the old one stops
    second, _ = _issue(client)
    assert second != first and _feed(first).status_code == 404 and _feed(second).status_code == 200
    assert CalendarFeed.objects.filter(user=commune_leader, revoked_at__isnull=True).count() == 1
    # revoked
    live = CalendarFeed.objects.get(user=commune_leader, revoked_at__isnull=True)
    response = client.post(FEEDS, {"action": "revoke", "feed": live.pk}, follow=True)
    assert "Đã thu hồi liên kết." in response.content.decode()
    assert _feed(second).status_code == 404
    # a double submit of the revocation is harmless
    assert client.post(FEEDS, {"action": "revoke", "feed": live.pk}).status_code == 302
    actions = list(
        AuditLog.objects.filter(action__startswith="meetings.calendar_feed.").values_list("action", flat=True)
    )
    assert actions.count("meetings.calendar_feed.issue") == 2 and actions.count("meetings.calendar_feed.revoke") == 2


def test_someone_else_cannot_revoke_my_link(clerk, commune_leader, login):
    path, _ = _issue(login(commune_leader))
    feed = CalendarFeed.objects.get(user=commune_leader)
    response = login(clerk, Client()).post(FEEDS, {"action": "revoke", "feed": feed.pk})
    assert response.status_code == 200 and "Không tìm thấy liên kết đăng ký này." in response.content.decode()
    assert _feed(path).status_code == 200


def test_an_owner_who_loses_the_calendar_stops_the_feed(commune_leader, login):
    path, _ = _issue(login(commune_leader))
    commune_leader.is_active = False
    commune_leader.save()
    assert _feed(path).status_code == 404
    commune_leader.is_active = True
    commune_leader.save()
    assert _feed(path).status_code == 200
    commune_leader.groups.clear()
    assert _feed(path).status_code == 404


def test_a_bad_scope_is_answered_on_the_page(commune_leader, login):
    response = login(commune_leader).post(FEEDS, {"action": "issue", "issue-scope": "province"})
    assert response.status_code == 200
    assert "Chọn lịch của tôi hoặc của cơ quan." in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_the_token_never_reaches_the_request_log(commune_leader, login, caplog):
    path, _ = _issue(login(commune_leader))
    token = path.split("/")[-2]
    with caplog.at_level("INFO", logger="portal.request"):
        assert _feed(path).status_code == 200
    logged = [r.path for r in caplog.records if r.name == "portal.request"]
    assert logged and all(token not in p for p in logged) and "[token]" in logged[-1]


def test_citizens_have_no_subscription_page(citizen, login):
    assert login(citizen).get(FEEDS).status_code == 403
