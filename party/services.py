"""Writes of the party agencies pillar: keyword-only functions, one transaction each, audited."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import ServiceError
from party.models import KeyTask, KeyTaskUpdate


class PartyError(ServiceError):
    """A refused action of the party agencies pillar, with a message for the user (translated)."""


def key_task_report_progress(
    *, task: KeyTask, actor, progress: int, note: str = "", reported_on: dt.date | None = None
) -> KeyTask:
    """Report a task's progress. The state follows from it through named transitions:
    not_started → in_progress (0 < progress < 100), → done (100; completed_on = report date),
    done → in_progress (reopened with progress < 100, a note required). Reporting the same progress
    and status again changes nothing (a double submit is harmless). Raises PartyError."""
    reported_on = reported_on or timezone.localdate()
    if not 0 <= progress <= 100:
        raise PartyError(_("Tiến độ từ 0 đến 100 %."), errors={"progress": [_("Tiến độ từ 0 đến 100 %.")]})
    if reported_on > timezone.localdate():
        raise PartyError(
            _("Ngày báo cáo không được ở tương lai."),
            errors={"reported_on": [_("Ngày báo cáo không được ở tương lai.")]},
        )
    with transaction.atomic():
        task = KeyTask.objects.select_for_update().get(pk=task.pk)
        if progress == 100:
            status = KeyTask.Status.DONE
        elif progress > 0 or task.status == KeyTask.Status.DONE:
            status = KeyTask.Status.IN_PROGRESS
        else:
            status = task.status
        if task.status == KeyTask.Status.DONE and status != KeyTask.Status.DONE and not note.strip():
            raise PartyError(
                _("Mở lại nhiệm vụ đã hoàn thành cần ghi rõ lý do."),
                errors={"note": [_("Mở lại nhiệm vụ đã hoàn thành cần ghi rõ lý do.")]},
            )
        if status == task.status and progress == task.progress:
            return task
        before = {"status": task.status, "progress": task.progress}
        task.progress = progress
        task.status = status
        task.completed_on = reported_on if status == KeyTask.Status.DONE else None
        task.save(update_fields=["progress", "status", "completed_on"])
        KeyTaskUpdate.objects.create(
            task=task, reported_on=reported_on, progress=progress, status=status, note=note, reported_by=actor
        )
        audit_record(
            actor=actor,
            action="party.key_task.report",
            obj=task,
            before=before,
            after={"status": status, "progress": progress, "reported_on": reported_on},
        )
    return task


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
