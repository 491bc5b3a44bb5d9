"""Resolution tasks: progress reports by the owner agency only, the computed assessment (on track,
late, done) and the reminders before deadlines and for overdue reports."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import NotAllowedError
from core.files import random_file_name
from core.uploads import check_upload
from party.assessment import DUE_SOON_DAYS, next_report_due, on_track, report_overdue  # noqa: F401 (on_track: public)
from party.models import KeyTask, KeyTaskUpdate, TaskEvidence
from party.selectors.access import can_report_on
from party.services.errors import PartyError

EVIDENCE_TYPES = ["pdf", "jpg", "png", "docx"]
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAX_FILES = 5


def _check_evidence(files) -> list:
    errors = []
    if len(files) > EVIDENCE_MAX_FILES:
        raise PartyError(
            _("Tối đa %(n)s tệp minh chứng mỗi báo cáo.") % {"n": EVIDENCE_MAX_FILES},
            errors={"files": [_("Tối đa %(n)s tệp minh chứng mỗi báo cáo.") % {"n": EVIDENCE_MAX_FILES}]},
        )
    checked = []
    for f in files:
        try:
            checked.append((f, check_upload(f, accepted_types=EVIDENCE_TYPES, max_size_bytes=EVIDENCE_MAX_BYTES)))
        except ValidationError as exc:
            errors.extend(f"{f.name}: {m}" for m in exc.messages)
    if errors:
        raise PartyError(_("Tệp minh chứng không hợp lệ."), errors={"files": errors})
    return checked


def key_task_report_progress(
    *,
    task: KeyTask,
    actor,
    progress: int,
    note: str = "",
    reported_on: dt.date | None = None,
    files=(),
) -> KeyTask:
    """Record the owner agency's progress report (percent, text, evidence files). Only officials of
    the owner agency may report (NotAllowedError otherwise, whatever their Party role). The state
    follows through named transitions: not_started → in_progress (progress > 0), → done (100;
    completed_on = report date), done → in_progress (reopened below 100, a note required).
    A periodic report with unchanged progress is still recorded (it answers the reporting period);
    the same report submitted twice is recorded once. Audited `party.key_task.report`.
    Raises PartyError for bad input."""
    if not can_report_on(actor, task):
        raise NotAllowedError(_("Chỉ cơ quan chủ trì nhiệm vụ được báo cáo tiến độ."))
    today = timezone.localdate()
    reported_on = reported_on or today
    note = (note or "").strip()
    errors: dict[str, list] = {}
    if progress is None or not 0 <= progress <= 100:
        errors["progress"] = [_("Tiến độ từ 0 đến 100 %.")]
    if reported_on > today:
        errors["reported_on"] = [_("Ngày báo cáo không được ở tương lai.")]
    elif reported_on < task.start_on:
        errors["reported_on"] = [_("Ngày báo cáo trước ngày bắt đầu nhiệm vụ.")]
    if errors:
        raise PartyError(_("Vui lòng kiểm tra các mục được đánh dấu."), errors=errors)
    checked = _check_evidence(list(files))
    with transaction.atomic():
        task = KeyTask.objects.select_for_update().get(pk=task.pk)
        if progress == 100:
            status = KeyTask.Status.DONE
        elif progress > 0 or task.status == KeyTask.Status.DONE:
            status = KeyTask.Status.IN_PROGRESS
        else:
            status = task.status
        if task.status == KeyTask.Status.DONE and status != KeyTask.Status.DONE and not note:
            raise PartyError(
                _("Mở lại nhiệm vụ đã hoàn thành cần ghi rõ lý do."),
                errors={"note": [_("Mở lại nhiệm vụ đã hoàn thành cần ghi rõ lý do.")]},
            )
        latest = task.updates.order_by("-id").first()
        if (
            latest is not None
            and (latest.reported_on, latest.progress, latest.note) == (reported_on, progress, note)
            and not checked
        ):
            return task  # a double submit
        before = {"status": task.status, "progress": task.progress, "last_reported_on": task.last_reported_on}
        task.progress = progress
        task.status = status
        task.completed_on = reported_on if status == KeyTask.Status.DONE else None
        task.last_reported_on = max(filter(None, [task.last_reported_on, reported_on]))
        task.save(update_fields=["progress", "status", "completed_on", "last_reported_on"])
        update = KeyTaskUpdate.objects.create(
            task=task,
            reported_on=reported_on,
            progress=progress,
            status=status,
            note=note,
            reported_by=actor,
            agency_id=actor.agency_id,
        )
        for upload, info in checked:
            evidence = TaskEvidence(update=update, name=upload.name[:200], size=info.size, sha256=info.sha256)
            evidence.file.save(random_file_name(upload.name), File(upload), save=False)
            evidence.save()
        audit_record(
            actor=actor,
            action="party.key_task.report",
            obj=task,
            before=before,
            after={
                "status": status,
                "progress": progress,
                "reported_on": reported_on,
                "evidence": [e.sha256 for e in update.evidence.all()],
            },
        )
    return task


def _owner_officials(agency_id: int):
    from core.users import roles
    from core.users.models import User

    return User.objects.filter(
        agency_id=agency_id, is_active=True, groups__name__in=sorted(roles.OFFICIAL_ROLES)
    ).distinct()


def key_task_reminders_send(*, on: dt.date | None = None) -> int:
    """Remind each owner agency's officials of their open tasks: due within DUE_SOON_DAYS (once per
    deadline), past their deadline, or with a progress report overdue (each once per week). The
    dedupe keys make a re-run, or two beats on the same day, send nothing twice. Returns how many
    (task, person) reminders were recorded or already there."""
    from core.notifications.services import notify

    on = on or timezone.localdate()
    count = 0
    open_tasks = KeyTask.objects.exclude(status=KeyTask.Status.DONE).select_related("owner", "document")
    week = on.isocalendar()
    for task in open_tasks.iterator(chunk_size=200):
        reasons = []
        if task.deadline < on:
            reasons.append(
                (
                    f"overdue.{week.year}-{week.week}",
                    _("Nhiệm vụ %(code)s đã quá hạn hoàn thành (%(deadline)s)"),
                )
            )
        elif task.deadline <= on + dt.timedelta(days=DUE_SOON_DAYS):
            reasons.append((f"due-soon.{task.deadline.isoformat()}", _("Nhiệm vụ %(code)s sắp đến hạn (%(deadline)s)")))
        if report_overdue(task, on):
            reasons.append(
                (
                    f"report.{next_report_due(task).isoformat()}.{week.year}-{week.week}",
                    _("Nhiệm vụ %(code)s chưa có báo cáo tiến độ kỳ này"),
                )
            )
        for key, subject in reasons:
            text = subject % {"code": task.code, "deadline": task.deadline.strftime("%d/%m/%Y")}
            body = f"{task.document.number} — {task.code}: {task.title}\n" + _(
                "Tiến độ: %(p)s%%. Hạn: %(d)s. Báo cáo gần nhất: %(r)s."
            ) % {
                "p": task.progress,
                "d": task.deadline.strftime("%d/%m/%Y"),
                "r": task.last_reported_on.strftime("%d/%m/%Y") if task.last_reported_on else "—",
            }
            for person in _owner_officials(task.owner_id):
                notify(
                    event="party.key_task.reminder",
                    subject=text,
                    body=body,
                    user=person,
                    channels=("email",),
                    dedupe_key=f"party.task.{task.pk}.{key}.{person.pk}",
                )
                count += 1
    return count
