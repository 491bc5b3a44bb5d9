"""Reads of the resolution tasks (scoped by party.selectors.access) and their indicators."""

import datetime as dt
from collections import defaultdict

from django.db.models import Q, QuerySet

from core.indicators.registry import percent
from party.assessment import Assessment, assess, next_report_due, on_track, report_overdue
from party.models import KeyTask, KeyTaskUpdate, PartyDocument


def tasks(user, *, status: str = "", owner_id: int | None = None, document_id: int | None = None) -> QuerySet[KeyTask]:
    from party.selectors.access import tasks_visible_to

    items = tasks_visible_to(user).select_related("owner", "document")
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
            "assessment": assess(t, on),
            "on_track": assess(t, on) != Assessment.LATE,
            "report_overdue": report_overdue(t, on),
            "next_report": next_report_due(t),
        }
        for t in queryset
    ]


def rollup(rows: list[dict], key) -> list[dict]:
    """Counts of done / on track / late tasks and the mean progress, grouped by `key(task)`
    (its resolution or its owner agency)."""
    groups: dict = defaultdict(lambda: {"done": 0, "on_track": 0, "late": 0, "overdue_reports": 0, "progress": 0})
    labels: dict = {}
    for r in rows:
        k, label = key(r["task"])
        labels[k] = label
        g = groups[k]
        g[r["assessment"]] += 1
        g["overdue_reports"] += r["report_overdue"]
        g["progress"] += r["task"].progress
    out = []
    for k, g in groups.items():
        total = g["done"] + g["on_track"] + g["late"]
        out.append({"key": k, "label": labels[k], "total": total, **g, "progress": round(g["progress"] / total, 1)})
    return sorted(out, key=lambda g: (-g["late"], str(g["label"])))


def _states_before(on: dt.date) -> list[tuple[dict, KeyTaskUpdate | None]]:
    """Each task started before `on` with its last progress report before `on` (history, not today's
    state: the snapshot of a past day must not change when a report arrives later)."""
    started = list(KeyTask.objects.filter(start_on__lt=on).values("id", "start_on", "deadline", "owner_id"))
    latest: dict[int, KeyTaskUpdate] = {}
    for update in KeyTaskUpdate.objects.filter(task_id__in=[t["id"] for t in started], reported_on__lt=on).order_by(
        "task_id", "reported_on", "id"
    ):
        latest[update.task_id] = update
    return [(t, latest.get(t["id"])) for t in started]


def _good(t: dict, u: KeyTaskUpdate | None, on: dt.date) -> bool:
    status = u.status if u else KeyTask.Status.NOT_STARTED
    return on_track(
        status=status,
        progress=u.progress if u else 0,
        start_on=t["start_on"],
        deadline=t["deadline"],
        completed_on=u.reported_on if u and status == KeyTask.Status.DONE else None,
        on=on,
    )


def tasks_on_track_rate(on: dt.date) -> float | None:
    """Share (%) of the tasks already started before `on` that were on track that day, each task
    taken in the state of its last progress report before `on`."""
    states = _states_before(on)
    if not states:
        return None
    return percent(sum(_good(t, u, on) for t, u in states), len(states))


def tasks_late_count(on: dt.date) -> int | None:
    states = _states_before(on)
    if not states:
        return None
    return sum(not _good(t, u, on) for t, u in states)


def tasks_done_rate(on: dt.date) -> float | None:
    states = _states_before(on)
    if not states:
        return None
    done = sum(1 for _t, u in states if u is not None and u.status == KeyTask.Status.DONE)
    return percent(done, len(states))


def tasks_late_by_commune(on: dt.date) -> dict[int, int]:
    """Late tasks per 2025 commune, for tasks owned by an agency of a commune (its People's or Party
    committee): the map of the operations centre."""
    from core.agencies.models import Agency

    states = _states_before(on)
    owners = {t["owner_id"] for t, _u in states}
    communes = dict(
        Agency.objects.filter(pk__in=owners, admin_unit__level="commune", admin_unit__structure="2025").values_list(
            "pk", "admin_unit__code"
        )
    )
    out: dict[int, int] = {}
    for t, u in states:
        code = communes.get(t["owner_id"])
        if code is not None:
            out[code] = out.get(code, 0) + (not _good(t, u, on))
    return out


def digital_documents_rate(on: dt.date) -> float | None:
    docs = PartyDocument.objects.filter(status=PartyDocument.Status.ISSUED, issued_on__lt=on)
    total = docs.count()
    return percent(docs.filter(is_digital=True).count(), total)


def unread_distributions_count(on: dt.date) -> int:
    """Distributions sent before `on` and not acknowledged by then (read receipts as of a day)."""
    from core.indicators.registry import LOCAL
    from party.models import Distribution

    end = dt.datetime.combine(on, dt.time.min, tzinfo=LOCAL)
    return Distribution.objects.filter(sent_at__lt=end).filter(Q(read_at__isnull=True) | Q(read_at__gte=end)).count()
