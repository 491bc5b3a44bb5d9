"""How a resolution task stands on a day, computed from its deadline and reports (never typed in):
pure functions shared by the services, the selectors, the reminders and the indicators."""

import datetime as dt

from party.models import KeyTask

# Reminders: this many days before a deadline.
DUE_SOON_DAYS = 7


class Assessment:
    DONE = "done"
    ON_TRACK = "on_track"
    LATE = "late"


def on_track(*, status: str, progress: int, start_on: dt.date, deadline: dt.date, completed_on, on: dt.date) -> bool:
    """Whether a task is on track on day `on`: done by its deadline, or not late and at least at the
    progress a straight line from start to deadline expects (10 points of tolerance)."""
    if status == KeyTask.Status.DONE and completed_on is not None and completed_on <= on:
        return completed_on <= deadline
    if on > deadline:
        return False
    span = (deadline - start_on).days or 1
    expected = 100 * max(0, (on - start_on).days) / span
    return progress >= expected - 10


def assess(task: KeyTask, on: dt.date) -> str:
    """The task's status as the dashboard shows it: done, on track or late (from the deadline and
    the reports, never typed in)."""
    if task.status == KeyTask.Status.DONE:
        return Assessment.DONE
    good = on_track(
        status=task.status,
        progress=task.progress,
        start_on=task.start_on,
        deadline=task.deadline,
        completed_on=task.completed_on,
        on=on,
    )
    return Assessment.ON_TRACK if good else Assessment.LATE


def next_report_due(task: KeyTask) -> dt.date:
    return (task.last_reported_on or task.start_on) + dt.timedelta(days=task.report_every_days)


def report_overdue(task: KeyTask, on: dt.date) -> bool:
    return task.status != KeyTask.Status.DONE and on > next_report_due(task)
