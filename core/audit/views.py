from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.audit.forms import AuditSearchForm
from core.audit.selectors import audit_diff, audit_object_types, audit_search, audit_sees_everything
from core.permissions import role_required
from core.users import roles

PAGE_SIZE = 50


@require_GET
@role_required(*roles.OFFICIAL_ROLES)
def audit_log(request):
    """Search the audit log (officials; what each one sees is decided in core.audit.selectors)."""
    form = AuditSearchForm(request.GET or None)
    entries = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        qs = audit_search(
            user=request.user,
            object_type=data["object_type"],
            object_id=data["object_id"],
            actor=data["actor"],
            action_prefix=data["action"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    elif not form.is_bound:
        qs = audit_search(user=request.user)
    else:
        qs = None
    if qs is not None:
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        entries = [(entry, audit_diff(entry)) for entry in page.object_list]
    else:
        page = None
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "entries": entries,
        "query": query.urlencode(),
        "sees_everything": audit_sees_everything(request.user),
        "object_types": audit_object_types(request.user),
    }
    return render(request, "audit/log.html", context)
