"""Pages of documents and direction: thin views over selectors (what the person may read) and
services (each action one transaction). A document nobody let this person read is a 404."""

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.action_pages import binder, posted_action, run_posted_action
from core.errors import ServiceError, apply_to_form
from core.indicators.registry import percent
from core.permissions import role_required
from government.documents import selectors, services
from government.documents.forms import (
    AssignForm,
    NoteForm,
    OutgoingForm,
    ProgressForm,
    RegisterForm,
    SearchForm,
    SubmitForm,
    TaskBoardForm,
    TaskForm,
)
from government.documents.models import Status, Task
from government.documents.permissions import DOCUMENT_ROLES, is_clerk, is_document_user, is_leader

document_page = role_required(*DOCUMENT_ROLES)


@functools.lru_cache(maxsize=8)
def _choice_labels(language: str | None) -> dict:
    """Every choice label of the rows and the search form as text in `language`, worked out once per
    language and process: Django's get_FOO_display() and str() of a lazy label run gettext on each
    call (60 calls a search page), and the labels only change with the language (the catalogues are
    loaded once per process)."""
    from government.documents.models import Direction, DocumentType

    return {
        "types": {value: str(label) for value, label in DocumentType.choices},
        "statuses": {value: str(label) for value, label in Status.choices},
        "books": {value: str(label) for value, label in Direction.choices},
    }


def _with_labels(rows: list[dict]) -> list[dict]:
    """Rows (selectors.search_page's dictionaries) with what documents/_rows.html shows worked out once
    per request, so that each cell of the table is one variable: Django's get_FOO_display() translates
    every choice of the field on each call (a page of 20 rows cost 60 ms of gettext in the profile),
    and a `{% url %}`, `date`, `truncatechars` or `default` per row were a third of the page's
    rendering (the search benchmark, docs/benchmarks.md)."""
    import uuid

    from django.utils.text import Truncator

    from government.documents.models import INCOMING_OPEN, Direction

    labels = _choice_labels(get_language())
    types, statuses, books = labels["types"], labels["statuses"], labels["books"]
    no_number = _("(chưa có số)")
    placeholder = str(uuid.UUID(int=0))
    detail = reverse("documents:detail", args=[placeholder])
    today = timezone.localdate()
    for d in rows:
        abstract, deadline = d["abstract"], d["deadline"]
        d["type_label"], d["status_label"] = types[d["doc_type"]], statuses[d["status"]]
        d["book_label"] = books[d["direction"]]
        d["url"] = detail.replace(placeholder, str(d["uid"]))
        d["number_text"] = d["number_symbol"] or no_number
        d["body"] = d["issuing_body"] or d["agency__name"]
        d["abstract_short"] = abstract if len(abstract) <= 160 else Truncator(abstract).chars(160)
        d["deadline_text"] = deadline.strftime("%d/%m/%Y") if deadline else "—"
        d["overdue"] = bool(
            d["direction"] == Direction.INCOMING and deadline and d["status"] in INCOMING_OPEN and deadline < today
        )
    return rows


def _search_choices(form) -> dict:
    """The search form's three lists as their <option>s, the chosen one selected (_options_html)."""
    data = form.data if form.is_bound else {}
    language = get_language()
    return {
        "direction_options": _options_html(language, "books", data.get("direction", "")),
        "type_options": _options_html(language, "types", data.get("doc_type", "")),
        "status_options": _options_html(language, "statuses", data.get("status", "")),
    }


def _options_html(language: str | None, kind: str, chosen: str) -> str:
    choices = _choice_labels(language)[kind]
    # Only a real choice reaches the cache key: whatever else is typed in the address selects nothing.
    return _options_for(language, kind, chosen if chosen in choices else "")


@functools.lru_cache(maxsize=128)
def _options_for(language: str | None, kind: str, chosen: str) -> str:
    """One list's <option>s in `language` with `chosen` selected, worked out once per language and
    choice: every search page shows the same few lists, and the template's loop over their 29 options,
    a test each, was a quarter of the form's rendering."""
    from django.utils.html import format_html_join

    choices = _choice_labels(language)[kind]
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == chosen else "", label) for value, label in choices.items()),
    )


def _require_agency(request):
    if not is_document_user(request.user):
        raise PermissionDenied


@document_page
@require_GET
def index(request):
    _require_agency(request)
    user = request.user
    return render(
        request,
        "documents/index.html",
        {
            "counts": selectors.inbox_counts(user),
            "form": SearchForm(),
            "recent": _with_labels(selectors.search_page(user, size=10)[0]),
            "is_clerk": is_clerk(user, user.agency_id),
            "is_leader": is_leader(user, user.agency_id),
        },
    )


@document_page
@require_GET
def search(request):
    _require_agency(request)
    form = SearchForm(request.GET or None)
    page = None
    if form.is_valid() or not form.is_bound:
        data = form.cleaned_data if form.is_bound else {}
        number = data.get("page") or 1
        items, has_next = selectors.search_page(
            request.user,
            page=number,
            q=data.get("q", ""),
            direction=data.get("direction", ""),
            doc_type=data.get("doc_type", ""),
            status=data.get("status", ""),
            year=data.get("year"),
            overdue=data.get("overdue", False),
        )
        # The rows are rendered apart, with only their own context: inside the page every one of their
        # ~240 variable lookups walked the request context's dictionaries (menu, user, messages, csrf,
        # ...) before finding the row, a third of the page's rendering (docs/benchmarks.md, issue 16).
        rows_html = render_to_string("documents/_rows.html", {"rows": _with_labels(items)})
        page = {"rows_html": rows_html, "number": number, "has_next": has_next, "has_previous": number > 1}
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "documents/search.html",
        {"form": form, "page": page, "query": query.urlencode(), **_search_choices(form)},
    )


@document_page
@require_http_methods(["GET", "POST"])
def incoming_new(request):
    _require_agency(request)
    if not is_clerk(request.user, request.user.agency_id):
        raise PermissionDenied
    form = RegisterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            d = services.document_register(
                actor=request.user,
                doc_type=data["doc_type"],
                number_symbol=data["number_symbol"],
                issued_on=data["issued_on"],
                issuing_body=data["issuing_body"],
                abstract=data["abstract"],
                urgency=data["urgency"],
                confidentiality=data["confidentiality"],
                deadline=data["deadline"],
                main_file=data["main_file"],
                attachments=[data["attachment"]] if data.get("attachment") else [],
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã vào sổ văn bản đến, số đến %(n)s.") % {"n": d.arrival_number})
            return redirect("documents:detail", uid=d.uid)
    return render(request, "documents/incoming_new.html", {"form": form})


@document_page
@require_http_methods(["GET", "POST"])
def outgoing_new(request):
    _require_agency(request)
    form = OutgoingForm(request.POST or None, request.FILES or None, agency_id=request.user.agency_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            d = services.outgoing_create(
                actor=request.user,
                doc_type=data["doc_type"],
                abstract=data["abstract"],
                urgency=data["urgency"],
                confidentiality=data["confidentiality"],
                drafting_unit=data["drafting_unit"],
                recipients=list(data["recipients"]),
                main_file=data["main_file"],
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã lưu dự thảo."))
            return redirect("documents:detail", uid=d.uid)
    return render(request, "documents/outgoing_form.html", {"form": form, "d": None})


@document_page
@require_http_methods(["GET", "POST"])
def outgoing_edit(request, uid):
    d = selectors.document_for(request.user, uid)
    if d is None:
        raise Http404
    if d.drafter_id != request.user.pk or d.status != Status.DRAFT:
        raise PermissionDenied
    initial = {
        "doc_type": d.doc_type,
        "abstract": d.abstract,
        "drafting_unit": d.drafting_unit,
        "urgency": d.urgency,
        "confidentiality": d.confidentiality,
        "recipients": list(d.recipients.all()),
    }
    form = OutgoingForm(
        request.POST or None, request.FILES or None, agency_id=d.agency_id, file_required=False, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.outgoing_update(
                document=d,
                actor=request.user,
                doc_type=data["doc_type"],
                abstract=data["abstract"],
                urgency=data["urgency"],
                confidentiality=data["confidentiality"],
                drafting_unit=data["drafting_unit"],
                recipients=list(data["recipients"]),
                main_file=data["main_file"],
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã lưu dự thảo."))
            return redirect("documents:detail", uid=d.uid)
    return render(request, "documents/outgoing_form.html", {"form": form, "d": d})


def _forms_for(request, d, bound):
    """The action forms this person may use on this document now (`bound`: core.action_pages)."""
    user = request.user
    staff = selectors.colleagues(d.agency_id)
    leaders = selectors.colleagues(d.agency_id, leaders_only=True)
    S = Status  # noqa: N806 - reads like the model's own name
    forms = {}
    leader, clerk = is_leader(user, d.agency_id), is_clerk(user, d.agency_id)
    if d.is_incoming:
        if clerk and d.status == S.RECEIVED:
            forms["receive"] = NoteForm(bound("receive"), prefix="receive")
            forms["refuse"] = NoteForm(bound("refuse"), prefix="refuse")
        if leader and d.status in (S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS):
            initial = {"handler": d.handler_id, "handling_unit": d.handling_unit, "deadline": d.deadline}
            forms["assign"] = AssignForm(bound("assign"), people=staff, initial=initial, prefix="assign")
        if leader and d.status in (S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS, S.PROCESSED):
            forms["direct"] = NoteForm(bound("direct"), prefix="direct", initial={"note": d.direction_note})
        if d.handler_id == user.pk and d.status == S.ASSIGNED:
            forms["start"] = NoteForm(bound("start"), prefix="start")
        if d.handler_id == user.pk and d.status in (S.ASSIGNED, S.IN_PROGRESS):
            forms["report"] = NoteForm(bound("report"), prefix="report")
        if (d.status == S.PROCESSED and (leader or clerk)) or (
            leader and d.status in (S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS)
        ):
            forms["close"] = NoteForm(bound("close"), prefix="close")
    else:
        if d.drafter_id == user.pk and d.status == S.DRAFT:
            forms["submit"] = SubmitForm(bound("submit"), people=staff, leaders=leaders, prefix="submit")
        if d.reviewer_id == user.pk and d.status == S.IN_REVIEW:
            forms["approve"] = NoteForm(bound("approve"), prefix="approve")
        if (d.status == S.IN_REVIEW and d.reviewer_id == user.pk) or (
            d.status == S.AWAITING_SIGNATURE and d.signer_id == user.pk
        ):
            forms["return"] = NoteForm(bound("return"), prefix="return")
        if d.signer_id == user.pk and d.status == S.AWAITING_SIGNATURE:
            forms["sign"] = NoteForm(bound("sign"), prefix="sign")
        if clerk and d.status == S.SIGNED:
            forms["issue"] = NoteForm(bound("issue"), prefix="issue")
    if leader and d.status not in (S.CLOSED, S.REFUSED, S.DRAFT, S.RECEIVED):
        forms["task"] = TaskForm(bound("task"), people=staff, prefix="task")
    return forms


def _run(request, d, action, form):
    """The one service the posted action calls."""
    user, data = request.user, form.cleaned_data
    note = data.get("note", "")
    calls = {
        "receive": lambda: services.document_receive(document=d, actor=user),
        "refuse": lambda: services.document_refuse(document=d, actor=user, reason=note),
        "assign": lambda: services.document_assign(
            document=d,
            actor=user,
            handler_id=data["handler"],
            handling_unit=data["handling_unit"],
            deadline=data["deadline"],
            direction_note=data["direction_note"],
        ),
        "direct": lambda: services.document_direct(document=d, actor=user, note=note),
        "start": lambda: services.document_start(document=d, actor=user),
        "report": lambda: services.document_report(document=d, actor=user, result_note=note),
        "close": lambda: services.document_close(document=d, actor=user, note=note),
        "submit": lambda: services.outgoing_submit(
            document=d, actor=user, reviewer_id=data["reviewer"], signer_id=data["signer"]
        ),
        "approve": lambda: services.outgoing_approve(document=d, actor=user, note=note),
        "return": lambda: services.outgoing_return(document=d, actor=user, note=note),
        "sign": lambda: services.outgoing_sign(document=d, actor=user),
        "issue": lambda: services.outgoing_issue(document=d, actor=user),
        "task": lambda: services.task_assign(
            actor=user,
            assignee_id=data["assignee"],
            title=data["title"],
            description=data["description"],
            deadline=data["deadline"],
            document=d,
        ),
    }
    return calls[action]()


ACTION_LABELS = {
    "receive": gettext_lazy("Vào sổ văn bản đến"),
    "refuse": gettext_lazy("Trả lại nơi gửi"),
    "assign": gettext_lazy("Phân công xử lý"),
    "direct": gettext_lazy("Ý kiến chỉ đạo"),
    "start": gettext_lazy("Nhận xử lý"),
    "report": gettext_lazy("Báo cáo kết quả xử lý"),
    "close": gettext_lazy("Kết thúc văn bản"),
    "submit": gettext_lazy("Trình dự thảo"),
    "approve": gettext_lazy("Duyệt, chuyển người ký"),
    "return": gettext_lazy("Trả lại dự thảo"),
    "sign": gettext_lazy("Ký số"),
    "issue": gettext_lazy("Cấp số và phát hành"),
    "task": gettext_lazy("Giao việc"),
}

DONE_MESSAGES = {
    "receive": gettext_lazy("Đã vào sổ văn bản đến."),
    "refuse": gettext_lazy("Đã trả lại văn bản cho nơi gửi."),
    "assign": gettext_lazy("Đã phân công xử lý."),
    "direct": gettext_lazy("Đã lưu ý kiến chỉ đạo."),
    "start": gettext_lazy("Đã nhận xử lý văn bản."),
    "report": gettext_lazy("Đã báo cáo kết quả xử lý."),
    "close": gettext_lazy("Đã kết thúc văn bản."),
    "submit": gettext_lazy("Đã trình dự thảo."),
    "approve": gettext_lazy("Đã duyệt, chuyển người ký."),
    "return": gettext_lazy("Đã trả lại dự thảo."),
    "sign": gettext_lazy("Đã ký số văn bản."),
    "issue": gettext_lazy("Đã cấp số và phát hành văn bản."),
    "task": gettext_lazy("Đã giao việc."),
}


@document_page
@require_http_methods(["GET", "POST"])
def detail(request, uid):
    d = selectors.document_for(request.user, uid)
    if d is None:
        raise Http404
    action = posted_action(request)
    forms = _forms_for(request, d, binder(request, action))
    finished = run_posted_action(
        request,
        action,
        forms,
        lambda name, form: _run(request, d, name, form),
        done=lambda name: DONE_MESSAGES[name],
        stale=_("Thao tác này không còn áp dụng cho văn bản ở trạng thái hiện tại."),
        url=reverse("documents:detail", kwargs={"uid": d.uid}),
    )
    if finished:
        return finished
    return render(
        request,
        "documents/detail.html",
        {
            "d": d,
            "actions": [(name, ACTION_LABELS[name], form) for name, form in forms.items()],
            "files": list(d.files.all()),
            "events": list(d.events.select_related("actor")),
            "tasks": list(d.tasks.select_related("assignee")),
            "recipients": list(d.recipients.all()) if not d.is_incoming else [],
            "deliveries": list(d.deliveries.select_related("agency")) if not d.is_incoming else [],
        },
    )


@document_page
@require_GET
def file(request, uid, file_id):
    d = selectors.document_for(request.user, uid)
    if d is None:
        raise Http404
    f = d.files.filter(pk=file_id).first()
    if f is None:
        raise Http404
    return FileResponse(f.file.open("rb"), as_attachment=True, filename=f.name, content_type="application/octet-stream")


@document_page
@require_GET
def tasks(request):
    rows = selectors.visible_tasks(request.user)
    status = request.GET.get("status", "")
    if status in Task.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows.order_by("deadline", "id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/tasks.html",
        {
            "page": page,
            "status": status,
            "statuses": Task.Status.choices,
            "may_see_board": selectors.may_see_task_board(request.user),
        },
    )


@document_page
@require_GET
def task_board(request):
    """Tasks per assigning agency — overdue, open, finished on time and late — for the province's
    leaders (every agency) and an agency's leaders (their own); anyone else gets 403."""
    if not selectors.may_see_task_board(request.user):
        raise PermissionDenied
    form = TaskBoardForm(request.GET or None)
    year = timezone.localdate().year
    if form.is_bound and form.is_valid() and form.cleaned_data["year"]:
        year = form.cleaned_data["year"]
    rows = selectors.task_board(request.user, year=year) if not form.errors else []
    totals = {
        key: sum(r[key] for r in rows) for key in ("total", "open", "overdue", "done", "done_on_time", "done_late")
    }
    totals["on_time_rate"] = percent(totals["done_on_time"], totals["done"], digits=1)
    return render(
        request,
        "documents/task_board.html",
        {"form": form, "year": year, "rows": rows, "totals": totals},
    )


@document_page
@require_http_methods(["GET", "POST"])
def task_detail(request, uid):
    t = selectors.task_for(request.user, uid)
    if t is None:
        raise Http404
    action = posted_action(request)
    bound = binder(request, action)
    open_ = t.status in (Task.Status.OPEN, Task.Status.IN_PROGRESS)
    progress_form = (
        ProgressForm(bound("progress"), initial={"progress": t.progress})
        if open_ and t.assignee_id == request.user.pk
        else None
    )
    cancel_form = (
        NoteForm(bound("cancel"), prefix="cancel") if open_ and services.tasks.may_manage(request.user, t) else None
    )
    forms = {name: form for name, form in (("progress", progress_form), ("cancel", cancel_form)) if form is not None}

    def run(name, form):
        data = form.cleaned_data
        if name == "progress":
            return services.task_progress(task=t, actor=request.user, progress=data["progress"], note=data["note"])
        return services.task_cancel(task=t, actor=request.user, reason=data["note"])

    finished = run_posted_action(
        request,
        action,
        forms,
        run,
        done=_("Đã cập nhật công việc."),
        stale=_("Thao tác này không còn áp dụng cho công việc ở trạng thái hiện tại."),
        url=reverse("documents:task", kwargs={"uid": t.uid}),
    )
    if finished:
        return finished
    return render(
        request,
        "documents/task.html",
        {"t": t, "progress_form": progress_form, "cancel_form": cancel_form, "updates": list(t.updates.all())},
    )
