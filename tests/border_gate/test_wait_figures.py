"""The waiting-time figures agree (issue 11): the crossing board's average wait, the operations
centre's indicator over the same hours and the daily figure are one computation
(selectors.average_wait_minutes), and the board and the driver's estimate say which period they
cover."""

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from border_gate import selectors
from border_gate.models import Entry
from core.indicators import registry


def _waited(entry, *, called_ago: int, waited: int, now):
    """The truck arrived, waited `waited` minutes and was called `called_ago` minutes before `now`."""
    called = now - datetime.timedelta(minutes=called_ago)
    Entry.objects.filter(pk=entry.pk).update(arrived_at=called - datetime.timedelta(minutes=waited), called_at=called)


def test_board_indicator_and_daily_figure_are_the_same_number(declare, huu_nghi):
    now = timezone.now()
    _waited(declare(vehicle_plate="12C-111.11"), called_ago=20, waited=30, now=now)
    _waited(declare(vehicle_plate="12C-222.22"), called_ago=90, waited=61, now=now)
    # called four hours ago: outside the board's three hours, inside a whole day
    _waited(declare(vehicle_plate="12C-333.33"), called_ago=240, waited=200, now=now)

    board = selectors.board_compute(huu_nghi, now=now)
    export = next(d for d in board["directions"] if d["direction"] == "export")
    window = datetime.timedelta(hours=board["window_hours"])
    assert board["window_hours"] == 3
    assert export["avg_wait_minutes"] == 45.5  # (30 + 61) / 2: the truck of four hours ago is not in it
    indicator = registry.get("border_gate.average_wait_minutes")
    assert indicator.compute(now - window, now) == export["avg_wait_minutes"]
    day = selectors.average_wait_minutes(now - datetime.timedelta(hours=24), now)
    assert day == indicator.compute(now - datetime.timedelta(hours=24), now) == round((30 + 61 + 200) / 3, 1)


def test_the_board_and_the_drivers_page_say_which_period(declare, huu_nghi):
    now = timezone.now()
    _waited(declare(vehicle_plate="12C-111.11"), called_ago=20, waited=30, now=now)
    waiting = declare(vehicle_plate="12C-444.44")
    Entry.objects.filter(pk=waiting.pk).update(status=Entry.Status.IN_PROGRESS, arrived_at=now)
    board = Client().get(reverse("border_gate:crossing-board", kwargs={"code": huu_nghi.code})).content.decode()
    assert "các xe được gọi trong 3 giờ qua" in board and "30,0 phút" in board
    waiting.refresh_from_db()
    status = selectors.driver_status(waiting)
    assert status["position"] == 1 and status["window_hours"] == 3
    page = Client().get(reverse("border_gate:driver", kwargs={"token": waiting.token})).content.decode()
    assert "Ước tính theo số xe được gọi qua trong 3 giờ qua." in page
