from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.landing import Service, pillar_landing
from core.permissions import role_required, user_has_role
from society import selectors, services
from society.forms import SchoolFilterForm, TeamFilterForm, VisitForm
from society.permissions import EDIT_ROLES, VIEW_ROLES, can_edit_commune

# What the pillar offers, shown on its landing page (core.landing).
SERVICES = [
    Service(gettext_lazy("Trường học và học bạ số"), "society:schools", VIEW_ROLES),
    Service(gettext_lazy("Tổ công nghệ số cộng đồng và các buổi hỗ trợ"), "society:teams", VIEW_ROLES),
    Service(
        gettext_lazy("Thông báo đến người dân (SMS, Zalo, thư điện tử, loa truyền thanh)"),
        "society:broadcasts",
        VIEW_ROLES,
    ),
    # School staff, students and parents, and team members are ordinary accounts (no portal role).
    Service(gettext_lazy("Học bạ số: sổ điểm, lớp học, học bạ của học sinh"), "society:school-home", None),
    Service(gettext_lazy("Tổ công nghệ của tôi: ghi lượt hỗ trợ hộ gia đình"), "society:my-teams", None),
]


def index(request):
    return pillar_landing(request, pillar="society", title=gettext_lazy("Xã hội số"), services=SERVICES)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@role_required(*VIEW_ROLES)
def schools(request):
    form = SchoolFilterForm(request.GET or None, communes=selectors.communes_for(request.user))
    f = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.schools_for(
        request.user, commune_code=f.get("commune"), level=f.get("level", ""), on_platform=f.get("on_platform")
    )
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(request, "society/schools.html", {"form": form, "page": page, "query": _query_without_page(request)})


@role_required(*VIEW_ROLES)
def teams(request):
    form = TeamFilterForm(request.GET or None, communes=selectors.communes_for(request.user))
    f = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.teams_for(request.user, commune_code=f.get("commune"), q=f.get("q", ""))
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": _query_without_page(request)}
    context["can_create"] = user_has_role(request.user, *EDIT_ROLES)
    return render(request, "society/teams.html", context)


@role_required(*VIEW_ROLES)
def team_detail(request, pk: int):
    # A team of another commune is not found for a commune official (scoped selector).
    team = get_object_or_404(selectors.teams_for(request.user), pk=pk)
    can_record = user_has_role(request.user, *EDIT_ROLES) and can_edit_commune(request.user, team.commune)
    form = VisitForm(request.POST or None)
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if form.is_valid():
            try:
                _visit, created = services.visit_record(actor=request.user, team=team, **form.cleaned_data)
            except services.SocietyError:
                form.add_error(None, _("Không ghi nhận được buổi hỗ trợ này."))
            else:
                if created:
                    messages.success(request, _("Đã ghi nhận buổi hỗ trợ."))
                else:
                    messages.info(request, _("Buổi hỗ trợ này đã được ghi nhận trước đó."))
                return redirect("society:team-detail", pk=team.pk)
    visits = Paginator(selectors.visits_for(request.user, team=team), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "society/team_detail.html",
        {"team": team, "form": form, "can_record": can_record, "page": visits, "query": ""},
    )
