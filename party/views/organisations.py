"""The Party organisation tree and members: pages for Party officials only (members of an
organisation only to its officials and those above it: party.selectors.access)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError, apply_to_form
from core.permissions import role_required
from party.forms import MemberForm, MemberSearchForm, PositionForm
from party.models import PartyMember, PartyOrganisation
from party.permissions import PARTY_ROLES
from party.selectors import access
from party.selectors import organisations as org_selectors
from party.services import organisations as org_services


@role_required(*PARTY_ROLES)
def organisation_list(request):
    mine = access.officer_organisations(request.user)
    return render(
        request,
        "party/organisations.html",
        {"rows": org_selectors.tree_rows(request.user), "mine": mine},
    )


@role_required(*PARTY_ROLES)
def organisation_detail(request, pk: int):
    org = get_object_or_404(PartyOrganisation.objects.select_related("parent"), pk=pk)
    sees_members = access.in_scope(request.user, org)
    form = MemberSearchForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    page = None
    if sees_members:
        page = Paginator(org_selectors.members_of(request.user, org, q=q), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "party/organisation_detail.html",
        {
            "org": org,
            "children": org.children.filter(is_active=True).order_by("name"),
            "sees_members": sees_members,
            "page": page,
            "form": form,
            "officers": org.officers.filter(is_active=True).select_related("user") if sees_members else [],
        },
    )


def _member_form_view(request, *, org: PartyOrganisation, member: PartyMember | None):
    cells = org_selectors.cells_in_scope(request.user)
    form = MemberForm(request.POST or None, instance_member=member, cells=cells, initial_cell=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = org_services.member_save(actor=request.user, member=member, **data)
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin đảng viên."))
            return redirect("party:organisation-detail", pk=saved.organisation_id)
    context = {"form": form, "org": org, "member": member}
    if member is not None:
        context["position_form"] = PositionForm(
            organisations=org_selectors.organisations_for_positions(request.user, member)
        )
        context["positions"] = member.positions.select_related("organisation")
    return render(request, "party/member_form.html", context)


@role_required(*PARTY_ROLES)
def member_create(request, pk: int):
    org = get_object_or_404(PartyOrganisation, pk=pk, level=PartyOrganisation.Level.CELL)
    if not access.in_scope(request.user, org):
        raise Http404
    return _member_form_view(request, org=org, member=None)


@role_required(*PARTY_ROLES)
def member_edit(request, pk: int):
    # Out of scope answers 404: a member's existence is itself Party data.
    member = get_object_or_404(access.members_visible_to(request.user), pk=pk)
    return _member_form_view(request, org=member.organisation, member=member)


@require_POST
@role_required(*PARTY_ROLES)
def member_position(request, pk: int):
    member = get_object_or_404(access.members_visible_to(request.user), pk=pk)
    form = PositionForm(request.POST, organisations=org_selectors.organisations_for_positions(request.user, member))
    if form.is_valid():
        try:
            org_services.position_assign(actor=request.user, member=member, **form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Đã giao chức vụ."))
    else:
        messages.error(request, "; ".join(m for msgs in form.errors.values() for m in msgs))
    return redirect("party:member-edit", pk=member.pk)
