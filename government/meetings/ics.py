"""iCalendar (RFC 5545) export of meetings with the `icalendar` library: one meeting (to add it to a
phone's or Outlook's calendar) and an official's or agency's calendar. Times are written in UTC
(every calendar program converts them to the reader's zone); the event's UID is the meeting's, so
importing the file again updates the event instead of duplicating it."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//UBND tinh Lang Son//Cong chuyen doi so//VI"
UID_DOMAIN = "congcds.langson.gov.vn"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    return cal


def _event(m, *, url: str, public: bool = False) -> Event:
    """One meeting as an event. `public`: for a subscription read by calendar servers outside the
    portal (ADR 1604) — the agenda and the video room's link are left out, the page's link says where
    to read them after signing in."""
    from government.meetings.models import Meeting

    e = Event()
    e.add("uid", f"meeting-{m.uid}@{UID_DOMAIN}")
    e.add("dtstamp", timezone.now().astimezone(dt.UTC))
    e.add("last-modified", m.updated_at.astimezone(dt.UTC))
    e.add("dtstart", m.starts_at.astimezone(dt.UTC))
    e.add("dtend", m.ends_at.astimezone(dt.UTC))
    e.add("summary", m.title)
    parts = [] if public else [m.agenda]
    if m.video_url and not public:
        parts.append(_("Phòng họp trực tuyến: %(url)s") % {"url": m.video_url})
    elif m.video_url:
        parts.append(_("Họp trực tuyến: liên kết phòng họp trên trang cuộc họp (cần đăng nhập)."))
    parts.append(_("Chủ trì: %(name)s — %(agency)s") % {"name": m.chair.get_full_name(), "agency": m.agency.name})
    parts.append(url)
    e.add("description", "\n\n".join(parts))
    location = m.location or ("" if public else m.video_url)
    if location:
        e.add("location", location)
    e.add("url", url)
    e.add("status", "CANCELLED" if m.status == Meeting.Status.CANCELLED else "CONFIRMED")
    if not public:  # the chair's name is in the description; their address stays off calendar servers
        organiser = vCalAddress(f"mailto:{m.chair.email}")
        organiser.params["cn"] = vText(m.chair.get_full_name())
        e.add("organizer", organiser)
    return e


def meeting_ics(m, *, url: str) -> bytes:
    """One meeting as a calendar file."""
    cal = _calendar(m.title)
    cal.add_component(_event(m, url=url))
    return cal.to_ical()


def calendar_ics(meetings, *, name: str, url_for, public: bool = False) -> bytes:
    """Several meetings (an official's or an agency's) as one calendar file; `url_for(meeting)` gives
    each meeting's page; `public` as for `_event` (a subscription)."""
    cal = _calendar(name)
    if public:
        # Calendar programs poll a subscription; ask them to refresh it every hour.
        cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT1H")
    for m in meetings:
        cal.add_component(_event(m, url=url_for(m), public=public))
    return cal.to_ical()
