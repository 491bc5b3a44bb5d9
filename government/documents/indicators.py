"""Indicators of documents and direction for the operations centre, registered with core's registry
(core.indicators.registry; compute contract of ADR 0501). Per commune: the documents and tasks of
that commune's agencies (an agency's `admin_unit`, 2025 structure); the province's figure counts
every agency, departments included.

- on-time handling rate (flow): of the incoming documents whose handling deadline fell in the period,
  the share whose handler reported the result (or a leader closed it) on or before the deadline; one
  still open, or handled late, counts as late;
- overdue incoming documents (stock): registered, not yet handled, deadline passed, at the period's end;
- overdue tasks (stock): tasks from documents and meetings not done, deadline passed, at the period's end.
"""

from django.db.models import Count, Min, Q
from django.utils.translation import gettext_lazy as _

from core.indicators.registry import (
    LOCAL,
    FollowUpLink,
    Indicator,
    day_after,
    from_by_commune,
    register,
    register_follow_up_link,
    share_indicator,
)

COMMUNE = "agency__admin_unit__code"


def _in_2025(prefix: str = "") -> Q:
    """The agency is a commune's (its unit a 2025 commune; a department's unit is the province)."""
    return Q(**{f"{prefix}agency__admin_unit__structure": "2025", f"{prefix}agency__admin_unit__level": "commune"})


def on_time_parts(period_start, period_end) -> tuple[dict[int, int], dict[int, int]]:
    """(handled on time, due) per commune for incoming documents due in the period; the key None
    gathers the agencies outside any commune (departments, the province)."""
    from government.documents.models import Direction, Document, Status

    # The local days [first, after) of the period: a deadline is a day.
    first, after = day_after(period_start), day_after(period_end)
    due = Document.objects.filter(
        direction=Direction.INCOMING,
        deadline__gte=first,
        deadline__lt=after,
    ).exclude(status__in=(Status.RECEIVED, Status.REFUSED))
    rows = due.annotate(handled_at=Min("events__at", filter=Q(events__verb__in=("report", "close")))).values_list(
        COMMUNE, "agency__admin_unit__structure", "agency__admin_unit__level", "deadline", "handled_at"
    )
    part: dict[int, int] = {}
    whole: dict[int, int] = {}
    for code, structure, level, deadline, handled_at in rows:
        code = code if (structure, level) == ("2025", "commune") else None  # a department: the province's only
        whole[code] = whole.get(code, 0) + 1
        if handled_at is not None and handled_at.astimezone(LOCAL).date() <= deadline:
            part[code] = part.get(code, 0) + 1
    return part, whole


_on_time, _on_time_by_commune = share_indicator(on_time_parts)


# Not yet handled: registered, assigned or in progress (a processed document waits only for its closure,
# its handler reported the result: the on-time rate counts it handled).
UNHANDLED = ("registered", "assigned", "in_progress")

# Overdue at the period's end (midnight starting `day`): the deadline is a day before it, as
# Document.is_overdue and Task.is_overdue say at any moment.


def overdue_documents_by_commune(period_start, period_end) -> dict[int, int]:
    from government.documents.models import Direction, Document

    day = day_after(period_end)
    rows = (
        Document.objects.filter(_in_2025(), direction=Direction.INCOMING, status__in=UNHANDLED, deadline__lt=day)
        .values(COMMUNE)
        .annotate(n=Count("pk"))
    )
    return {r[COMMUNE]: r["n"] for r in rows}


def overdue_tasks_by_commune(period_start, period_end) -> dict[int, int]:
    from government.documents.models import Task

    day = day_after(period_end)
    rows = (
        Task.objects.filter(_in_2025(), status__in=(Task.Status.OPEN, Task.Status.IN_PROGRESS), deadline__lt=day)
        .values(COMMUNE)
        .annotate(n=Count("pk"))
    )
    return {r[COMMUNE]: r["n"] for r in rows}


def _all_overdue_documents(period_end):
    from government.documents.models import Direction, Document

    day = day_after(period_end)
    return Document.objects.filter(direction=Direction.INCOMING, status__in=UNHANDLED, deadline__lt=day).count()


def _all_overdue_tasks(period_end):
    from government.documents.models import Task

    day = day_after(period_end)
    return Task.objects.filter(status__in=(Task.Status.OPEN, Task.Status.IN_PROGRESS), deadline__lt=day).count()


def _with_province_total(by_commune, total):
    """`compute`: a commune's value from `by_commune`, the province's from `total` (departments too)."""
    per_commune = from_by_commune(by_commune)

    def compute(period_start, period_end, commune_code=None):
        if commune_code is not None:
            return per_commune(period_start, period_end, commune_code)
        return total(period_end)

    return compute


register(
    Indicator(
        code="government.documents.on_time_rate",
        pillar="government",
        name=_("Văn bản đến được xử lý đúng hạn"),
        unit="%",
        compute=_on_time,
        by_commune=True,
        compute_by_commune=_on_time_by_commune,
        detail_url_name="documents:index",
        description=_(
            "Văn bản đến có hạn xử lý trong kỳ được báo cáo kết quả hoặc kết thúc trước hoặc đúng hạn / "
            "số văn bản đến hạn trong kỳ (văn bản chưa xử lý tính là trễ)."
        ),
    )
)
register(
    Indicator(
        code="government.documents.overdue",
        pillar="government",
        name=_("Văn bản đến quá hạn xử lý"),
        unit=_("văn bản đến"),
        compute=_with_province_total(overdue_documents_by_commune, _all_overdue_documents),
        by_commune=True,
        compute_by_commune=overdue_documents_by_commune,
        higher_is_better=False,
        detail_url_name="documents:index",
        description=_("Văn bản đến đã vào sổ, chưa xử lý xong và đã qua hạn xử lý, vào cuối kỳ."),
    )
)
register(
    Indicator(
        code="government.tasks.overdue",
        pillar="government",
        name=_("Công việc được giao quá hạn"),
        unit=_("công việc"),
        compute=_with_province_total(overdue_tasks_by_commune, _all_overdue_tasks),
        by_commune=True,
        compute_by_commune=overdue_tasks_by_commune,
        higher_is_better=False,
        detail_url_name="documents:tasks",
        description=_(
            "Công việc giao từ văn bản và cuộc họp chưa hoàn thành, đã qua hạn, vào cuối kỳ, theo cơ quan giao việc."
        ),
    )
)


def _may_see_task_board(user) -> bool:
    from government.documents.selectors import may_see_task_board

    return may_see_task_board(user)


# The overdue-task tile counts every agency's tasks; its follow-up, agency by agency, is the task board:
# linked on the dashboard for the province's leaders (every agency) and an agency's leaders (theirs).
register_follow_up_link(
    FollowUpLink(
        code="documents.task_board",
        label=_("Tiến độ công việc theo cơ quan"),
        url_name="documents:task-board",
        allowed=_may_see_task_board,
    )
)
