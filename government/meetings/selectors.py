"""Reads of meetings with who-may-see-what applied: participants, organiser and chair, and the
officials of the host agency."""

import calendar
import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from government.documents.permissions import works_at
from government.meetings.models import Meeting, MeetingDocument, Participant


def visible_meetings(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return Meeting.objects.none()
    seat = Exists(Participant.objects.filter(meeting=OuterRef("pk"), user=user))
    q = Q(seat) | Q(organiser=user) | Q(chair=user)
    if user.agency_id and works_at(user, user.agency_id):
        q |= Q(agency_id=user.agency_id)
    return Meeting.objects.filter(q)


def meeting_for(user, uid) -> Meeting | None:
    return visible_meetings(user).select_related("agency", "chair", "organiser").filter(uid=uid).first()


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    first = dt.datetime(year, month, 1, tzinfo=tz)
    last_day = calendar.monthrange(year, month)[1]
    return first, dt.datetime(year, month, last_day, tzinfo=tz) + dt.timedelta(days=1)


def agency_meetings(agency_id) -> QuerySet:
    """Meetings an agency hosts or sends someone to (its calendar, and what its machine client reads)."""
    if not agency_id:
        return Meeting.objects.none()
    return Meeting.objects.filter(
        Q(agency_id=agency_id) | Q(Exists(Participant.objects.filter(meeting=OuterRef("pk"), agency_id=agency_id)))
    )


def calendar_rows(user, *, scope: str, start: dt.datetime, end: dt.datetime) -> QuerySet:
    """Meetings starting in [start, end): `me` — those the person sits in, chairs or organises;
    `agency` — those their agency hosts or sends someone to."""
    if scope == "agency" and user.agency_id:
        rows = agency_meetings(user.agency_id)
    else:
        seat = Exists(Participant.objects.filter(meeting=OuterRef("pk"), user=user))
        rows = Meeting.objects.filter(Q(seat) | Q(organiser=user) | Q(chair=user))
    return rows.filter(starts_at__gte=start, starts_at__lt=end).select_related("agency").order_by("starts_at", "id")


def calendar_month(user, *, year: int, month: int, scope: str = "me") -> list[tuple[dt.date, list[Meeting]]]:
    """The month's meetings by day (calendar_rows)."""
    start, end = month_bounds(year, month)
    days: dict[dt.date, list[Meeting]] = {}
    for m in calendar_rows(user, scope=scope, start=start, end=end):
        days.setdefault(timezone.localtime(m.starts_at).date(), []).append(m)
    return sorted(days.items())


def linked_documents(m: Meeting) -> list[MeetingDocument]:
    """The registered documents on the meeting's papers, with their main file (None when it has none)."""
    links = list(m.linked_documents.select_related("document", "document__agency").prefetch_related("document__files"))
    for link in links:
        link.main_file = next(iter(link.document.files.all()), None)  # ordered main first
    return links


def linked_main_file(m: Meeting, link_id: int):
    link = m.linked_documents.select_related("document").filter(pk=link_id).first()
    if link is None:
        return None
    return link.document.files.order_by("-is_main", "created_at").first()
