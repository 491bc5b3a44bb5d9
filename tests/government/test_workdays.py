"""Deadline arithmetic in working days: weekends, Tết, the government's swaps, office hours."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from government import workdays
from government.models import CalendarOverride

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db
d = dt.date


def t(*args):
    return dt.datetime(*args, tzinfo=VN)


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        (t(2026, 11, 25, 9, 0), 3, d(2026, 11, 30)),  # Wed + 3 → Thu, Fri, Mon
        (t(2026, 11, 27, 9, 0), 1, d(2026, 11, 30)),  # Friday + 1 skips the weekend
        (t(2026, 11, 28, 9, 0), 1, d(2026, 12, 1)),  # received Saturday: counts from Monday
        (t(2026, 11, 27, 17, 30), 1, d(2026, 12, 1)),  # after office hours on Friday: from Monday
        (t(2026, 11, 23, 9, 0), 1, d(2026, 11, 25)),  # Tuesday 24/11 is Vietnam Culture Day
        # Tết Bính Ngọ: off Mon 16/02 – Fri 20/02/2026 (with weekends 14/02 – 22/02)
        (t(2026, 2, 13, 10, 0), 1, d(2026, 2, 23)),
        (t(2026, 2, 17, 10, 0), 0, d(2026, 2, 23)),  # same-day procedure filed on Tết: first day back
        # Hùng Kings: Sun 26/04/2026 → substitute Mon 27/04; 30/04 and 01/05 off
        (t(2026, 4, 24, 9, 0), 3, d(2026, 5, 4)),  # Fri → Tue 28, Wed 29, Mon 4/5
        # Quốc khánh swap: Sat 22/08/2026 is worked, Mon 31/08 off, 1–2/09 off
        (t(2026, 8, 21, 9, 0), 1, d(2026, 8, 22)),
        (t(2026, 8, 28, 9, 0), 1, d(2026, 9, 3)),
        # same-day rule: before 15:00 the same day, after it the next working day
        (t(2026, 11, 26, 14, 59), 0, d(2026, 11, 26)),
        (t(2026, 11, 26, 15, 0), 0, d(2026, 11, 27)),
        (t(2026, 11, 27, 16, 0), 0, d(2026, 11, 30)),
    ],
)
def test_appointment_dates(received, days, due):
    assert workdays.appointment_date(received, days) == due


def test_tet_count_in_detail():
    # Received Thu 12/02/2026: working days after it are Fri 13, (Tết 14–22), Mon 23, Tue 24, Wed 25, Thu 26.
    assert workdays.appointment_date(t(2026, 2, 12, 10, 0), 5) == d(2026, 2, 26)


def test_tet_2027_from_the_package_calendar():
    # Mùng 1 Tết Đinh Mùi is Sat 06/02/2027; the package estimates the days off 04/02 – 10/02.
    assert not workdays.is_working_day(d(2027, 2, 4))
    assert not workdays.is_working_day(d(2027, 2, 10))
    assert workdays.appointment_date(t(2027, 2, 3, 9, 0), 1) == d(2027, 2, 11)


def test_government_schedule_as_data_overrides_the_package():
    # The Prime Minister's 2027 schedule (hypothetical here) adds a bridge day and a make-up Saturday.
    CalendarOverride.objects.create(date=d(2027, 2, 11), kind="off", name="Nghỉ bù Tết (giả định)")
    CalendarOverride.objects.create(date=d(2027, 2, 20), kind="work", name="Làm bù (giả định)")
    assert not workdays.is_working_day(d(2027, 2, 11))
    assert workdays.is_working_day(d(2027, 2, 20))
    assert workdays.appointment_date(t(2027, 2, 3, 9, 0), 1) == d(2027, 2, 12)


def test_reference_calendar_is_loaded():
    assert CalendarOverride.objects.filter(date=d(2026, 8, 22), kind="work").exists()
    assert CalendarOverride.objects.filter(date=d(2026, 8, 31), kind="off").exists()


@pytest.mark.parametrize(
    ("start", "end", "paused"),
    [
        (t(2026, 11, 25, 9, 0), t(2026, 11, 25, 16, 0), 0),  # answered the same day
        (t(2026, 11, 27, 9, 0), t(2026, 11, 30, 9, 0), 1),  # over a weekend: Monday only
        (t(2026, 2, 13, 9, 0), t(2026, 2, 23, 9, 0), 1),  # over Tết: Monday 23/02 only
        (t(2026, 11, 23, 9, 0), t(2026, 11, 25, 9, 0), 1),  # across the Culture Day holiday
    ],
)
def test_paused_working_days(start, end, paused):
    assert workdays.paused_working_days(start, end) == paused


def test_working_days_left():
    assert workdays.working_days_left(d(2026, 11, 30), today=d(2026, 11, 27)) == 1
    assert workdays.working_days_left(d(2026, 11, 27), today=d(2026, 11, 27)) == 0
    assert workdays.working_days_left(d(2026, 11, 26), today=d(2026, 11, 30)) == -2
