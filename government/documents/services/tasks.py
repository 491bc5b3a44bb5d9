"""Tasks (giao việc) assigned from a document or a meeting, with a deadline, progress and reminders.

open ──progress──▶ in_progress ──progress 100 %──▶ done
  └──────────┴──cancel (whoever assigned it, or a leader of the assigning agency)──▶ cancelled
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import InvalidTransitionError, NotAllowedError, ServiceError
from government.documents.models import Task, TaskUpdate
from government.documents.permissions import DOCUMENT_ROLES, is_leader, may_read

S = Task.Status


def _snap(t: Task) -> dict:
    return {"status": t.status, "progress": t.progress, "deadline": t.deadline, "assignee_id": t.assignee_id}


def _audit(t: Task, *, actor, verb: str, before: dict | None, note: str = "") -> None:
    audit_record(
        actor=actor,
        action=f"documents.task.{verb}",
        obj=t,
        before=before,
        after={**_snap(t), **({"note": note} if note else {})},
    )


def task_assign(
    *,
    actor,
    assignee_id: int,
    title: str,
    description: str = "",
    deadline: dt.date | None,
    document=None,
    meeting=None,
) -> Task:
    """Assign a task. From a document: a leader of its agency who may read it, to an official of that
    agency. From a meeting: its chair, to one of its participants (government.meetings checks that
    and passes `meeting`). Audited `documents.task.assign`."""
    title = (title or "").strip()[:300]
    description = (description or "").strip()[:3000]
    errors = {}
    if not title:
        errors["title"] = [_("Hãy nhập nội dung công việc.")]
    if deadline is None:
        errors["deadline"] = [_("Hãy chọn hạn hoàn thành.")]
    elif deadline < timezone.localdate():
        errors["deadline"] = [_("Hạn hoàn thành không thể trước hôm nay.")]
    user_model = get_user_model()
    assignee = user_model.objects.filter(pk=assignee_id, is_active=True).first() if assignee_id else None
    if assignee is None or not assignee.agency_id or not assignee.has_role(*DOCUMENT_ROLES):
        errors["assignee"] = [_("Hãy chọn người thực hiện là cán bộ của một cơ quan.")]
    if document is not None:
        if not (is_leader(actor, document.agency_id) and may_read(actor, document)):
            raise NotAllowedError(_("Chỉ lãnh đạo cơ quan được giao việc từ văn bản này."))
        if assignee is not None and assignee.agency_id != document.agency_id:
            errors["assignee"] = [_("Người thực hiện phải là cán bộ của cơ quan.")]
        agency_id = document.agency_id
    elif meeting is not None:
        agency_id = meeting.agency_id
    else:
        raise ServiceError(_("Công việc phải được giao từ một văn bản hoặc một cuộc họp."))
    if errors:
        raise ServiceError(_("Thông tin giao việc chưa hợp lệ."), errors=errors)
    with transaction.atomic():
        t = Task.objects.create(
            title=title,
            description=description,
            agency_id=agency_id,
            document=document,
            **({"meeting": meeting} if meeting is not None else {}),
            assignee=assignee,
            assigned_by=actor,
            deadline=deadline,
        )
        _audit(t, actor=actor, verb="assign", before=None)
    return t


def may_manage(user, t: Task) -> bool:
    return t.assigned_by_id == user.pk or is_leader(user, t.agency_id)


def task_progress(*, task: Task, actor, progress: int, note: str = "") -> Task:
    """The assignee reports progress (0–100 %); 100 % completes the task."""
    note = (note or "").strip()[:2000]
    if progress is None or not 0 <= progress <= 100:
        msg = _("Tiến độ là số phần trăm từ 0 đến 100.")
        raise ServiceError(msg, errors={"progress": [msg]})
    with transaction.atomic():
        t = Task.objects.select_for_update().get(pk=task.pk)
        if t.assignee_id != actor.pk:
            raise NotAllowedError(_("Chỉ người thực hiện được báo cáo tiến độ."))
        if t.status not in (S.OPEN, S.IN_PROGRESS):
            raise InvalidTransitionError(_("Công việc đang ở trạng thái “%(s)s”.") % {"s": t.get_status_display()})
        if progress < t.progress:
            msg = _("Tiến độ không thể thấp hơn lần báo cáo trước (%(p)s%%).") % {"p": t.progress}
            raise ServiceError(msg, errors={"progress": [msg]})
        before = _snap(t)
        t.progress = progress
        if progress == 100:
            t.status, t.completed_at = S.DONE, timezone.now()
        else:
            t.status = S.IN_PROGRESS
        t.save()
        TaskUpdate.objects.create(task=t, actor=actor, progress=progress, note=note)
        _audit(t, actor=actor, verb="complete" if t.status == S.DONE else "progress", before=before, note=note)
    return t


def task_cancel(*, task: Task, actor, reason: str) -> Task:
    reason = (reason or "").strip()[:2000]
    if not reason:
        msg = _("Hãy nêu lý do hủy công việc.")
        raise ServiceError(msg, errors={"note": [msg]})
    with transaction.atomic():
        t = Task.objects.select_for_update().get(pk=task.pk)
        if not may_manage(actor, t):
            raise NotAllowedError(_("Chỉ người giao việc hoặc lãnh đạo cơ quan được hủy công việc."))
        if t.status not in (S.OPEN, S.IN_PROGRESS):
            raise InvalidTransitionError(_("Công việc đang ở trạng thái “%(s)s”.") % {"s": t.get_status_display()})
        before = _snap(t)
        t.status = S.CANCELLED
        t.save()
        TaskUpdate.objects.create(task=t, actor=actor, progress=t.progress, note=reason)
        _audit(t, actor=actor, verb="cancel", before=before, note=reason)
    return t


def _link(url_name: str, uid) -> str:
    """The page's address for an e-mail (there is no request in a beat job)."""
    from django.conf import settings
    from django.urls import reverse

    return settings.SITE_URL.rstrip("/") + reverse(url_name, args=[uid])


def reminders_send(*, today: dt.date) -> int:
    """Remind each assignee of open tasks due tomorrow or overdue, and each handler of incoming
    documents past their deadline: one e-mail per item and day (dedupe key), so a second run the same
    day sends nothing; each with the link to open it. The person who assigned a task hears once that it
    went past its deadline unfinished (a dedupe key per task). Deactivated officials get nothing.
    Returns how many items were reminded."""
    from django.db.models import Q

    from core.notifications.services import notify
    from government.documents.models import INCOMING_OPEN, Document

    count = 0
    due = Task.objects.filter(
        status__in=(S.OPEN, S.IN_PROGRESS), deadline__lte=today + dt.timedelta(days=1), assignee__is_active=True
    )
    for t in due.select_related("assignee", "assigned_by", "document").iterator(chunk_size=500):
        late = t.deadline < today
        subject = (_("Công việc quá hạn: %(t)s") if late else _("Công việc sắp đến hạn: %(t)s")) % {"t": t.title[:120]}
        lines = [_("Hạn hoàn thành: %(d)s. Tiến độ: %(p)s%%.") % {"d": f"{t.deadline:%d/%m/%Y}", "p": t.progress}]
        if t.document_id:
            lines.append(_("Từ văn bản: %(n)s") % {"n": t.document.number_symbol or t.document.abstract[:120]})
        lines.append(_("Mở công việc: %(url)s") % {"url": _link("documents:task", t.uid)})
        notify(
            event="documents.task.reminder",
            subject=subject,
            body="\n".join(lines),
            user=t.assignee,
            channels=("email",),
            dedupe_key=f"documents.task.{t.pk}.{today.isoformat()}",
        )
        boss = t.assigned_by
        if late and boss.is_active and boss.pk != t.assignee_id:
            notify(
                event="documents.task.overdue_to_assigner",
                subject=_("Công việc bạn giao đã quá hạn: %(t)s") % {"t": t.title[:120]},
                body=_("Người thực hiện: %(who)s. Hạn hoàn thành: %(d)s. Tiến độ: %(p)s%%.\nMở công việc: %(url)s")
                % {
                    "who": t.assignee.get_full_name() or t.assignee.email,
                    "d": f"{t.deadline:%d/%m/%Y}",
                    "p": t.progress,
                    "url": _link("documents:task", t.uid),
                },
                user=boss,
                channels=("email",),
                dedupe_key=f"documents.task.{t.pk}.overdue_to_assigner",
            )
        Task.objects.filter(pk=t.pk).update(last_reminded_on=today)
        count += 1
    late_docs = Document.objects.filter(
        Q(status__in=INCOMING_OPEN), deadline__lt=today, handler__isnull=False, handler__is_active=True
    ).select_related("handler")
    for d in late_docs.iterator(chunk_size=500):
        notify(
            event="documents.document.overdue",
            subject=_("Văn bản quá hạn xử lý: %(n)s") % {"n": d.number_symbol},
            body=_("%(a)s\nHạn xử lý: %(d)s") % {"a": d.abstract[:300], "d": f"{d.deadline:%d/%m/%Y}"}
            + "\n"
            + _("Mở văn bản: %(url)s") % {"url": _link("documents:detail", d.uid)},
            user=d.handler,
            channels=("email",),
            dedupe_key=f"documents.document.{d.pk}.overdue.{today.isoformat()}",
        )
        count += 1
    return count
