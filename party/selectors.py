"""Reads of the party agencies pillar (visible to party officials, province leaders, administrators:
the views check the roles; no commune scoping, the tasks are provincial)."""

import datetime as dt

from django.db.models import QuerySet

from party.models import KeyTask, KeyTaskUpdate, PartyDocument
from party.services import on_track


def documents(*, kind: str = "", q: str = "") -> QuerySet[PartyDocument]:
    docs = PartyDocument.objects.select_related("issuer")
    if kind:
        docs = docs.filter(kind=kind)
    if q:
        docs = docs.filter(title__icontains=q) | docs.filter(number__icontains=q)
    return docs.order_by("-issued_on", "number")


def tasks(*, status: str = "", owner_id: int | None = None, document_id: int | None = None) -> QuerySet[KeyTask]:
    items = KeyTask.objects.select_related("owner", "document")
    if status:
        items = items.filter(status=status)
    if owner_id:
        items = items.filter(owner_id=owner_id)
    if document_id:
        items = items.filter(document_id=document_id)
    return items.order_by("deadline", "code")


def task_rows(queryset, on: dt.date) -> list[dict]:
    return [
        {
            "task": t,
            "on_track": on_track(
                status=t.status,
                progress=t.progress,
                start_on=t.start_on,
                deadline=t.deadline,
                completed_on=t.completed_on,
                on=on,
            ),
        }
        for t in queryset
    ]


def tasks_on_track_rate(on: dt.date) -> float | None:
    """Share (%) of the tasks already started before `on` that were on track that day, each task
    taken in the state of its last progress report before `on` (history, not today's state)."""
    started = list(KeyTask.objects.filter(start_on__lt=on).values("id", "start_on", "deadline"))
    if not started:
        return None
    latest: dict[int, KeyTaskUpdate] = {}
    for update in KeyTaskUpdate.objects.filter(task_id__in=[t["id"] for t in started], reported_on__lt=on).order_by(
        "task_id", "reported_on", "id"
    ):
        latest[update.task_id] = update
    good = 0
    for t in started:
        u = latest.get(t["id"])
        status = u.status if u else KeyTask.Status.NOT_STARTED
        good += on_track(
            status=status,
            progress=u.progress if u else 0,
            start_on=t["start_on"],
            deadline=t["deadline"],
            completed_on=u.reported_on if u and status == KeyTask.Status.DONE else None,
            on=on,
        )
    return round(100.0 * good / len(started), 2)


def digital_documents_rate(on: dt.date) -> float | None:
    docs = PartyDocument.objects.filter(issued_on__lt=on)
    total = docs.count()
    return round(100.0 * docs.filter(is_digital=True).count() / total, 2) if total else None
