"""The .ics export: one meeting, and an official's or agency's calendar, read back with the icalendar
library as a calendar program would; only meetings the person may see."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from government.meetings import services
from tests.meetings.test_meetings import _meeting, _tomorrow_at

pytestmark = pytest.mark.django_db


def _events(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_one_meeting_as_ics(clerk, leader, commune_leader, commune_clerk, login):
    m = _meeting(clerk, leader, [commune_leader.email])
    events = _events(login(commune_leader).get(reverse("meetings:ics", args=[m.uid])))
    assert len(events) == 1
    e = events[0]
    assert str(e["summary"]) == "Giao ban chuyển đổi số tháng 12"
    assert e.decoded("dtstart") == m.starts_at and e.decoded("dtend") == m.ends_at
    assert e.decoded("dtstart").utcoffset() == dt.timedelta(0)  # written in UTC
    assert "https://meet.langson.gov.vn/giao-ban-12" in str(e["description"])
    assert str(e["location"]) == "Phòng họp tầng 3" and str(e["status"]) == "CONFIRMED"
    assert str(e["uid"]) == f"meeting-{m.uid}@congcds.langson.gov.vn"  # re-import updates, not duplicates
    assert str(e["organizer"]) == f"mailto:{leader.email}"
    assert str(e["url"]).endswith(reverse("meetings:detail", args=[m.uid]))
    # Someone who may not see the meeting gets a 404, not the file.
    assert login(commune_clerk, Client()).get(reverse("meetings:ics", args=[m.uid])).status_code == 404


def test_a_cancelled_meeting_says_so(clerk, leader, login):
    m = _meeting(clerk, leader, [])
    services.meeting_cancel(meeting=m, actor=clerk, reason="Lãnh đạo đi công tác")
    (e,) = _events(login(clerk).get(reverse("meetings:ics", args=[m.uid])))
    assert str(e["status"]) == "CANCELLED"


def test_calendars_of_an_official_and_of_an_agency(clerk, leader, department_official, commune_leader, login):
    mine = _meeting(clerk, leader, [commune_leader.email], title="Họp với xã")
    _meeting(clerk, leader, [], title="Họp nội bộ sở", starts_at=_tomorrow_at(14), ends_at=_tomorrow_at(15))
    own = _events(login(commune_leader).get(reverse("meetings:calendar-ics")))
    assert [str(e["uid"]) for e in own] == [f"meeting-{mine.uid}@congcds.langson.gov.vn"]
    agency = _events(login(department_official, Client()).get(reverse("meetings:calendar-ics"), {"scope": "agency"}))
    assert {str(e["summary"]) for e in agency} == {"Họp với xã", "Họp nội bộ sở"}
    # The commune's calendar holds the meeting it sends someone to, not the department's internal one.
    commune = _events(login(commune_leader, Client()).get(reverse("meetings:calendar-ics"), {"scope": "agency"}))
    assert {str(e["summary"]) for e in commune} == {"Họp với xã"}
