from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.agencies.models import Agency
from core.errors import apply_to_form
from core.landing import Service, pillar_landing
from core.permissions import role_required, user_has_role
from party import selectors, services
from party.forms import DocumentFilterForm, ProgressForm, TaskFilterForm
from party.models import KeyTask
from party.permissions import REPORT_ROLES, VIEW_ROLES

# What the pillar offers, shown on its landing page (core.landing).
SERVICES = [
    Service(gettext_lazy("Nhiệm vụ trọng tâm Nghị quyết 49-NQ/TU"), "party:tasks", VIEW_ROLES),
    Service(gettext_lazy("Văn bản Đảng"), "party:documents", VIEW_ROLES),
]


def index(request):
    return pillar_landing(request, pillar="party", title=gettext_lazy("Cơ quan Đảng"), services=SERVICES)


@role_required(*VIEW_ROLES)
def tasks(request):
    owners = Agency.objects.filter(pk__in=KeyTask.objects.values("owner_id")).order_by("name")
    form = TaskFilterForm(request.GET or None, owners=owners)
    f = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    rows = selectors.task_rows(selectors.tasks(status=f.get("status", ""), owner_id=f.get("owner")), today)
    on_track = sum(r["on_track"] for r in rows)
    return render(request, "party/tasks.html", {"form": form, "rows": rows, "on_track": on_track, "today": today})


@role_required(*VIEW_ROLES)
def task_detail(request, pk: int):
    task = get_object_or_404(selectors.tasks(), pk=pk)
    can_report = user_has_role(request.user, *REPORT_ROLES)
    form = ProgressForm(request.POST or None, initial={"progress": task.progress})
    if request.method == "POST":
        if not can_report:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if form.is_valid():
            try:
                services.key_task_report_progress(task=task, actor=request.user, **form.cleaned_data)
            except services.PartyError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(request, _("Đã cập nhật tiến độ nhiệm vụ."))
                return redirect("party:task-detail", pk=task.pk)
    row = selectors.task_rows([task], timezone.localdate())[0]
    return render(
        request,
        "party/task_detail.html",
        {"task": task, "row": row, "form": form, "can_report": can_report, "updates": task.updates.all()[:50]},
    )


@role_required(*VIEW_ROLES)
def documents(request):
    form = DocumentFilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    page = Paginator(selectors.documents(kind=f.get("kind", ""), q=f.get("q", "")), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "party/documents.html", {"form": form, "page": page})
