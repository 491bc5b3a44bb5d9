"""Reads of meetings with who-may-see-what applied: participants, organiser and chair, and the
officials of the host agency."""

import calendar
import datetime as dt
import hashlib

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


# --- calendar subscriptions (ADR 1604) ---------------------------------------------------------------

# How long a token may be: token_urlsafe(32) gives 43 characters; anything much longer is not ours
# and is refused before it is hashed.
MAX_FEED_TOKEN = 64
FEED_USED_KEY = "meetings:feed:used:{pk}"


def feed_token_hash(token: str) -> str:
    """What is stored of a subscription token: its SHA-256 (a 256-bit random token cannot be guessed,
    so a fast hash is enough, as for API keys in core.api_clients)."""
    return hashlib.sha256(token.encode()).hexdigest()


def feed_for_token(token: str):
    """The live subscription whose token is `token`, or None — unknown, forged, revoked, or its owner
    no longer keeps a meeting calendar there (deactivated, role removed, moved out of the agency for an
    agency feed): a calendar program then receives nothing, whatever link it holds."""
    from government.documents.permissions import is_document_user
    from government.meetings.models import CalendarFeed

    if not token or len(token) > MAX_FEED_TOKEN:
        return None
    feed = (
        CalendarFeed.objects.select_related("user", "user__agency")
        .filter(token_hash=feed_token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        return None
    user = feed.user
    if not user.is_active or not is_document_user(user):
        return None
    if feed.scope == CalendarFeed.Scope.AGENCY and (
        feed.agency_id != user.agency_id or not works_at(user, user.agency_id)
    ):
        return None
    return feed


def feed_mark_used(feed) -> None:
    """Remember when a calendar program last fetched the feed — in the cache, not the database: a GET
    writes nothing (tests/get_writes.py), and "last fetched" is a hint for the owner, not a record."""
    from django.core.cache import cache

    cache.set(FEED_USED_KEY.format(pk=feed.pk), timezone.now().isoformat(), 90 * 24 * 3600)


def live_feeds(user) -> list:
    """The person's live subscription links, each with `last_used` (an ISO time or None)."""
    from django.core.cache import cache

    from government.meetings.models import CalendarFeed

    feeds = list(CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).order_by("scope"))
    used = cache.get_many([FEED_USED_KEY.format(pk=f.pk) for f in feeds]) if feeds else {}
    for f in feeds:
        raw = used.get(FEED_USED_KEY.format(pk=f.pk))
        f.last_used = dt.datetime.fromisoformat(raw) if raw else None
    return feeds
