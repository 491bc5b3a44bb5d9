"""Access rules of meetings (tests/url_matrix.py): officials who keep an agency's documents; a meeting
is a 404 for those who neither sit in it nor work at its host agency."""

from tests.url_matrix import SKIP, Rule, roles

MEETING_ROLES = roles(
    "commune_official", "department_official", "province_leader", "party_official", "document_clerk", "agency_leader"
)


def _meeting(personas):
    import datetime as dt

    from django.utils import timezone

    from government.meetings.models import Meeting, Participant

    official = personas["department_official"]
    start = timezone.now() + dt.timedelta(days=1)
    m = Meeting.objects.create(
        agency=official.agency,
        title="Họp thử",
        agenda="Nội dung",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        chair=official,
        organiser=official,
    )
    Participant.objects.create(meeting=m, user=official, agency=official.agency)
    return {"uid": m.uid}


RULES = [
    Rule("meetings:calendar", MEETING_ROLES),
    Rule("meetings:new", MEETING_ROLES, overrides={"sysadmin": 403}),
    Rule("meetings:calendar-ics", MEETING_ROLES),
    Rule("meetings:calendar-feeds", MEETING_ROLES),
    Rule(
        "meetings:calendar-feed",
        SKIP("a secret per-person token URL without sign-in; tests/meetings/test_calendar_feeds.py"),
    ),
    Rule(
        "meetings:ics",
        MEETING_ROLES,
        kwargs=_meeting,
        overrides={"commune_official": 404, "province_leader": 404, "party_official": 404, "sysadmin": 404},
    ),
    Rule(
        "meetings:detail",
        MEETING_ROLES,
        kwargs=_meeting,
        overrides={"commune_official": 404, "province_leader": 404, "party_official": 404, "sysadmin": 404},
    ),
    Rule("meetings:file", SKIP("a file download for those who may see the meeting; tests/meetings/")),
    Rule(
        "meetings:linked-file",
        SKIP("a linked document's file for those who may see the meeting; tests/meetings/test_linked_documents.py"),
    ),
]
