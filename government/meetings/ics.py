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


def _event(m, *, url: str) -> Event:
    from government.meetings.models import Meeting

    e = Event()
    e.add("uid", f"meeting-{m.uid}@{UID_DOMAIN}")
    e.add("dtstamp", timezone.now().astimezone(dt.UTC))
    e.add("last-modified", m.updated_at.astimezone(dt.UTC))
    e.add("dtstart", m.starts_at.astimezone(dt.UTC))
    e.add("dtend", m.ends_at.astimezone(dt.UTC))
    e.add("summary", m.title)
    parts = [m.agenda]
    if m.video_url:
        parts.append(_("Phòng họp trực tuyến: %(url)s") % {"url": m.video_url})
    parts.append(_("Chủ trì: %(name)s — %(agency)s") % {"name": m.chair.get_full_name(), "agency": m.agency.name})
    parts.append(url)
    e.add("description", "\n\n".join(parts))
    location = m.location or m.video_url
    if location:
        e.add("location", location)
    e.add("url", url)
    e.add("status", "CANCELLED" if m.status == Meeting.Status.CANCELLED else "CONFIRMED")
    organiser = vCalAddress(f"mailto:{m.chair.email}")
    organiser.params["cn"] = vText(m.chair.get_full_name())
    e.add("organizer", organiser)
    return e


def meeting_ics(m, *, url: str) -> bytes:
    """One meeting as a calendar file."""
    cal = _calendar(m.title)
    cal.add_component(_event(m, url=url))
    return cal.to_ical()


def calendar_ics(meetings, *, name: str, url_for) -> bytes:
    """Several meetings (an official's or an agency's) as one calendar file; `url_for(meeting)` gives
    each meeting's page."""
    cal = _calendar(name)
    for m in meetings:
        cal.add_component(_event(m, url=url_for(m)))
    return cal.to_ical()
