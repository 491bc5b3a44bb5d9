"""Working days for statutory deadlines.

A working day is a weekday that is not a public holiday (Labour Code 2019 art. 112, the `holidays`
package's Vietnam calendar with its lunar Tết and substitute days), corrected by the government's
yearly schedule kept as data (`CalendarOverride`: extra days off, Saturdays worked in exchange).

Counting rules (research note §2.3):
- The clock starts at receipt. A dossier received outside office hours or on a day off counts as
  received on the next working day.
- n working days: the appointment is the n-th working day after the day of receipt.
- Same-day procedures (n = 0): received before 15:00 on a working day → that day; otherwise the
  next working day.
"""

import datetime as dt
from functools import lru_cache

import holidays
from django.utils import timezone

OFFICE_CLOSES = dt.time(17, 0)
SAME_DAY_CUTOFF = dt.time(15, 0)


@lru_cache(maxsize=32)
def _base_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year)


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    from government.models import CalendarOverride

    return dict(CalendarOverride.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind"))


class WorkCalendar:
    """A calendar over a window of dates; loads the overrides once (one small query)."""

    def __init__(self, start: dt.date, end: dt.date | None = None):
        self.start = start - dt.timedelta(days=7)
        self.end = end or start + dt.timedelta(days=400)
        self.overrides = _overrides(self.start, self.end)

    def _ensure(self, day: dt.date) -> None:
        if day > self.end or day < self.start:
            self.start = min(self.start, day - dt.timedelta(days=7))
            self.end = max(self.end, day + dt.timedelta(days=400))
            self.overrides = _overrides(self.start, self.end)

    def is_working_day(self, day: dt.date) -> bool:
        self._ensure(day)
        kind = self.overrides.get(day)
        if kind == "work":
            return True
        if kind == "off":
            return False
        base = _base_holidays(day.year)
        # holidays' own list of Saturdays worked in exchange (e.g. 22/8/2026) counts too.
        if day in base.weekend_workdays:
            return True
        return day.weekday() < 5 and day not in base

    def next_working_day(self, day: dt.date) -> dt.date:
        day += dt.timedelta(days=1)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        for _i in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how far `end` is from `start` on the working clock."""
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def is_working_day(day: dt.date) -> bool:
    return WorkCalendar(day).is_working_day(day)


def receipt_day(received_at: dt.datetime, calendar: WorkCalendar | None = None) -> dt.date:
    """The working day a dossier counts as received on."""
    local = timezone.localtime(received_at)
    day = local.date()
    cal = calendar or WorkCalendar(day)
    if cal.is_working_day(day) and local.time() < OFFICE_CLOSES:
        return day
    return cal.next_working_day(day)


def appointment_date(received_at: dt.datetime, working_days: int) -> dt.date:
    """The appointment date (ngày hẹn trả) of a dossier received at `received_at`."""
    local = timezone.localtime(received_at)
    cal = WorkCalendar(local.date())
    if working_days == 0:
        if cal.is_working_day(local.date()) and local.time() < SAME_DAY_CUTOFF:
            return local.date()
        return cal.next_working_day(local.date())
    return cal.add_working_days(receipt_day(received_at, cal), working_days)


def paused_working_days(paused_from: dt.datetime, resumed_at: dt.datetime) -> int:
    """Working days the clock stood still: from the day of the request to the day of the answer.
    An answer on the same day pauses nothing; each working day passed moves the appointment by one."""
    start = timezone.localtime(paused_from).date()
    end = timezone.localtime(resumed_at).date()
    if end <= start:
        return 0
    return WorkCalendar(start, end).working_days_between(start, end)


def working_days_left(due: dt.date, today: dt.date | None = None) -> int:
    """Working days from today to the due date: 0 = due today, negative = overdue by that many."""
    today = today or timezone.localdate()
    cal = WorkCalendar(min(today, due), max(today, due))
    if due >= today:
        return cal.working_days_between(today, due)
    return -cal.working_days_between(due, today)
