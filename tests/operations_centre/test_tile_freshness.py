"""The leader's tiles say whether a figure is live or yesterday's and never print a time in the future
(issue 11): a live (provisional) figure of the open day shows when it was computed, the nightly figure
says "yesterday" with its date, an older closed one its end."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.indicators.registry import LOCAL

# Figures here depend on the calendar: the clock starts at a calm moment (tests/conftest.py, calm_clock).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("calm_clock")]
DASHBOARD = reverse("operations_centre:dashboard")


def _tile(html: str, code: str) -> str:
    return re.search(rf'<li class="tile" data-indicator="{re.escape(code)}">(.*?)</li>', html, re.S).group(1)


def _times(text: str) -> list:
    """Every "HH:MM dd/mm" or "dd/mm/YYYY HH:MM" the tile prints, as aware datetimes."""
    now = timezone.localtime()
    found = []
    for hh, mi, dd, mo in re.findall(r"(\d\d):(\d\d) (\d\d)/(\d\d)(?!/)", text):
        found.append(now.replace(month=int(mo), day=int(dd), hour=int(hh), minute=int(mi), second=0, microsecond=0))
    for dd, mo, yy, hh, mi in re.findall(r"(\d\d)/(\d\d)/(\d{4}) (\d\d):(\d\d)", text):
        found.append(now.replace(year=int(yy), month=int(mo), day=int(dd), hour=int(hh), minute=int(mi), second=0))
    return found


def test_live_and_yesterday_are_labelled_and_no_time_is_in_the_future(
    client, login, province_leader, fake_registry, snapshot
):
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow = midnight + timezone.timedelta(days=1)
    # the open day's live figure: its period ends at tonight's midnight, in the future
    snapshot("test.share", tomorrow, 55.0, provisional=True)
    # last night's figure for yesterday
    snapshot("test.count", midnight, 31.0)
    # an hourly figure closed at the top of the hour
    snapshot("test.waiting", now.replace(minute=0, second=0, microsecond=0), 1200.0, hours=1)
    login(province_leader)
    html = client.get(DASHBOARD).content.decode()

    live = _tile(html, "test.share")
    assert "Số liệu trực tiếp" in live and "tạm tính, cập nhật lúc" in live
    yesterday = _tile(html, "test.count")
    yesterday_date = (midnight - timezone.timedelta(days=1)).astimezone(LOCAL).strftime("%d/%m/%Y")
    assert "Số liệu hôm qua" in yesterday and yesterday_date in yesterday
    hourly = _tile(html, "test.waiting")
    assert "Số liệu đã chốt đến" in hourly
    printed = [t for code in ("test.share", "test.count", "test.waiting") for t in _times(_tile(html, code))]
    assert printed, "the tiles print their times"
    assert all(t <= now + timezone.timedelta(minutes=1) for t in printed), printed
    assert tomorrow.strftime("%d/%m/%Y") + " 00:00" not in html  # the live period's end is never shown
