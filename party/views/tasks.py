"""Resolution tasks: the list with each task's computed status, the rollups by resolution and by
agency, a task's page where its owner agency reports progress with evidence files."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.agencies.models import Agency
from core.errors import ServiceError, apply_to_form
from core.permissions import role_required
from party import selectors
from party.forms import DocumentFilterForm, ProgressForm, TaskFilterForm
from party.models import TaskEvidence
from party.permissions import TASK_ROLES, VIEW_ROLES
from party.selectors import access
from party.selectors import documents as doc_selectors
from party.services import tasks as task_services


@role_required(*TASK_ROLES)
def tasks(request):
    visible = selectors.tasks(request.user)
    owners = Agency.objects.filter(pk__in=visible.values("owner_id")).order_by("name")
    form = TaskFilterForm(request.GET or None, owners=owners)
    f = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    rows = selectors.task_rows(
        selectors.tasks(request.user, status=f.get("status", ""), owner_id=f.get("owner")), today
    )
    counts = {k: sum(r["assessment"] == k for r in rows) for k in ("done", "on_track", "late")}
    return render(
        request,
        "party/tasks.html",
        {"form": form, "rows": rows, "counts": counts, "on_track": counts["done"] + counts["on_track"], "today": today},
    )


@role_required(*TASK_ROLES)
def task_rollup(request):
    rows = selectors.task_rows(selectors.tasks(request.user), timezone.localdate())
    return render(
        request,
        "party/task_rollup.html",
        {
            "by_resolution": selectors.rollup(
                rows, lambda t: (t.document_id, f"{t.document.number} — {t.document.title}")
            ),
            "by_agency": selectors.rollup(rows, lambda t: (t.owner_id, t.owner.name)),
        },
    )


@role_required(*TASK_ROLES)
def task_detail(request, pk: int):
    task = get_object_or_404(selectors.tasks(request.user), pk=pk)
    can_report = access.can_report_on(request.user, task)
    form = ProgressForm(request.POST or None, request.FILES or None, initial={"progress": task.progress})
    if request.method == "POST":
        if not can_report:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if form.is_valid():
            try:
                task_services.key_task_report_progress(
                    task=task,
                    actor=request.user,
                    progress=form.cleaned_data["progress"],
                    note=form.cleaned_data["note"],
                    files=form.cleaned_data["files"] or [],
                )
            except ServiceError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(request, _("Đã gửi báo cáo tiến độ nhiệm vụ."))
                return redirect("party:task-detail", pk=task.pk)
    row = selectors.task_rows([task], timezone.localdate())[0]
    updates = Paginator(task.updates.select_related("reported_by", "agency").prefetch_related("evidence"), 20)
    return render(
        request,
        "party/task_detail.html",
        {
            "task": task,
            "row": row,
            "form": form,
            "can_report": can_report,
            "updates": updates.get_page(request.GET.get("page")),
        },
    )


@role_required(*TASK_ROLES)
def task_evidence(request, pk: int, evidence_id: int):
    task = get_object_or_404(selectors.tasks(request.user), pk=pk)
    evidence = get_object_or_404(TaskEvidence, pk=evidence_id, update__task=task)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=evidence.name)


@role_required(*VIEW_ROLES)
def documents(request):
    form = DocumentFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    page = Paginator(doc_selectors.register(request.user, kind=f.get("kind", ""), q=f.get("q", "")), 50).get_page(
        request.GET.get("page")
    )
    can_draft = bool(access.officer_organisations(request.user))
    return render(request, "party/documents.html", {"form": form, "page": page, "can_draft": can_draft})
