"""Meetings: scheduled with participants from several agencies and a video room link, invitations,
attendance, minutes, tasks assigned to participants, calendars per official and per agency, and who
may see and run what."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.audit.models import AuditLog
from core.errors import InvalidTransitionError, NotAllowedError, ServiceError
from core.notifications.models import Notification
from government.meetings import selectors, services
from government.meetings.models import Meeting, Participant

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]


def _tomorrow_at(hour):
    day = timezone.localdate() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _meeting(clerk, leader, emails, **extra):
    values = {
        "title": "Giao ban chuyển đổi số tháng 12",
        "agenda": "1. Kết quả tháng 11\n2. Nhiệm vụ tháng 12",
        "starts_at": _tomorrow_at(8),
        "ends_at": _tomorrow_at(10),
        "location": "Phòng họp tầng 3",
        "video_url": "https://meet.langson.gov.vn/giao-ban-12",
        "chair_id": leader.pk,
        "participant_emails": emails,
    }
    values.update(extra)
    return services.meeting_create(actor=clerk, **values)


def test_a_meeting_from_invitation_to_minutes_and_tasks(clerk, leader, department_official, commune_leader):
    m = _meeting(clerk, leader, [department_official.email, commune_leader.email.upper()])
    assert m.status == Meeting.Status.SCHEDULED and m.video_provider == "link"
    seats = {p.user: p for p in m.participants.select_related("user")}
    assert set(seats) == {leader, department_official, commune_leader}
    assert seats[commune_leader].agency == commune_leader.agency  # a participant from another agency
    invited = Notification.objects.filter(event="meetings.meeting.invite")
    assert invited.count() == 3 and "Giao ban chuyển đổi số" in invited.first().subject
    services.meeting_invite(meeting=m, actor=clerk, emails=[department_official.email])  # already in: nothing new
    assert invited.count() == 3

    with pytest.raises(ServiceError):
        services.meeting_assign_task(
            meeting=m, actor=leader, assignee_id=commune_leader.pk, title="x", description="", deadline=None
        )  # not started yet
    services.meeting_start(meeting=m, actor=leader)
    services.meeting_attendance(
        meeting=m,
        actor=clerk,
        marks={seats[commune_leader].pk: "online", seats[department_official].pk: "excused", 999999: "present"},
    )
    assert Participant.objects.get(pk=seats[commune_leader].pk).attendance == "online"
    task = services.meeting_assign_task(
        meeting=m,
        actor=leader,
        assignee_id=commune_leader.pk,
        title="Báo cáo tiến độ số hóa hồ sơ của xã",
        description="",
        deadline=timezone.localdate() + dt.timedelta(days=10),
    )
    assert task.meeting == m and task.agency == m.agency and task.assignee == commune_leader
    with pytest.raises(NotAllowedError):
        services.meeting_assign_task(
            meeting=m, actor=clerk, assignee_id=leader.pk, title="x", description="", deadline=timezone.localdate()
        )  # only the chair
    with pytest.raises(ServiceError) as refused:
        services.meeting_conclude(meeting=m, actor=leader, minutes=" ")
    assert "minutes" in refused.value.errors
    services.meeting_conclude(meeting=m, actor=leader, minutes="Thống nhất giao các xã báo cáo trước 15/12.")
    m.refresh_from_db()
    assert m.status == Meeting.Status.CONCLUDED
    with pytest.raises(InvalidTransitionError):
        services.meeting_cancel(meeting=m, actor=leader, reason="x")
    verbs = set(AuditLog.objects.filter(object_type="meetings.meeting").values_list("action", flat=True))
    assert {"meetings.meeting.schedule", "meetings.meeting.start", "meetings.meeting.conclude"} <= verbs


def test_bad_input_names_each_field(clerk, department_official):
    with pytest.raises(ServiceError) as refused:
        _meeting(
            clerk,
            department_official,  # not a leader
            ["khong-co@langson.gov.vn"],
            video_url="http://insecure.example/room",
            ends_at=_tomorrow_at(7),
            title="",
        )
    assert set(refused.value.errors) == {"chair", "participants", "video_url", "ends_at", "title"}
    assert "khong-co@langson.gov.vn" in refused.value.errors["participants"][0]


def test_jitsi_provider_names_a_room(clerk, leader, settings):
    settings.PORTAL_VIDEO_PROVIDER = "jitsi"
    settings.PORTAL_JITSI_URL = "https://jitsi.langson.gov.vn"
    m = _meeting(clerk, leader, [], video_url="")
    assert m.video_provider == "jitsi" and m.video_url.startswith("https://jitsi.langson.gov.vn/LangSon-")


def test_calendars_and_who_sees_what(clerk, leader, department_official, commune_leader, commune_clerk):
    m = _meeting(clerk, leader, [commune_leader.email])
    day = timezone.localtime(m.starts_at).date()
    mine = selectors.calendar_month(commune_leader, year=day.year, month=day.month, scope="me")
    assert mine == [(day, [m])]
    # The commune's calendar shows it (one of its people sits in); the commune clerk does not sit in it.
    assert selectors.calendar_month(commune_clerk, year=day.year, month=day.month, scope="agency") == [(day, [m])]
    assert selectors.calendar_month(commune_clerk, year=day.year, month=day.month, scope="me") == []
    assert selectors.meeting_for(commune_clerk, m.uid) is None
    assert selectors.meeting_for(department_official, m.uid) is not None  # an official of the host agency


def test_meeting_pages(clerk, leader, commune_leader, commune_clerk, login, client):
    from django.test import Client

    c = login(clerk)
    bad = c.post(
        reverse("meetings:new"),
        {"title": "Họp", "agenda": "", "starts_at": "2020-01-01T08:00", "ends_at": "2020-01-01T09:00", "chair": ""},
    )
    assert bad.status_code == 200 and 'value="Họp"' in bad.content.decode()
    start = _tomorrow_at(14)
    ok = c.post(
        reverse("meetings:new"),
        {
            "title": "Họp triển khai LGSP",
            "agenda": "Kết nối các hệ thống",
            "starts_at": timezone.localtime(start).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": timezone.localtime(start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "video_url": "https://meet.langson.gov.vn/lgsp",
            "chair": str(leader.pk),
            "participants": f"{commune_leader.email}\n",
        },
    )
    assert ok.status_code == 302
    m = Meeting.objects.get(title="Họp triển khai LGSP")
    page = login(commune_leader, Client()).get(reverse("meetings:detail", args=[m.uid]))
    assert page.status_code == 200 and "https://meet.langson.gov.vn/lgsp" in page.content.decode()
    assert "action-start" not in page.content.decode()  # a participant does not run the meeting
    assert login(commune_clerk, Client()).get(reverse("meetings:detail", args=[m.uid])).status_code == 404
    cal = login(commune_leader, Client()).get(
        reverse("meetings:calendar"), {"month": timezone.localtime(start).strftime("%Y-%m")}
    )
    assert "Họp triển khai LGSP" in cal.content.decode()
    again = c.post(reverse("meetings:detail", args=[m.uid]), {"action": "start"})
    assert again.status_code == 302
    twice = c.post(reverse("meetings:detail", args=[m.uid]), {"action": "start"}, follow=True)
    assert "không còn áp dụng" in twice.content.decode()  # a double submit is harmless


def test_reminders_once(clerk, leader, department_official):
    _meeting(clerk, leader, [department_official.email])
    today = timezone.localdate()
    assert services.meetings_remind(today=today) == 2
    services.meetings_remind(today=today)
    assert Notification.objects.filter(event="meetings.meeting.reminder").count() == 2
