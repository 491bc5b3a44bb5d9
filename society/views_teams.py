"""Pages of the community technology teams: members' teams and the household visit form (a phone
in the field, a weak connection: no JS, one POST, a double submit records once), and the commune
officials' pages that set teams up and manage their members."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError, apply_to_form
from core.permissions import role_required
from society import selectors, services
from society.forms import HouseholdVisitForm, TeamForm, TeamMemberForm
from society.permissions import EDIT_ROLES, can_edit_commune


@login_required
def my_teams(request):
    return render(request, "society/my_teams.html", {"teams": selectors.member_teams(request.user)})


@login_required
def household_visit_new(request, pk: int):
    team = get_object_or_404(selectors.member_teams(request.user), pk=pk)
    if request.method == "POST":
        form = HouseholdVisitForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                _visit, created = services.household_visit_record(
                    actor=request.user,
                    team=team,
                    household=data["household"],
                    visited_on=data["visited_on"],
                    help=data["help"],
                    outcome=data["outcome"],
                    note=data["note"],
                    submit_token=data["token"],
                )
            except ServiceError as exc:
                apply_to_form(form, exc)
            else:
                if created:
                    messages.success(request, _("Đã ghi lượt hỗ trợ hộ %(name)s.") % {"name": data["household"]})
                else:
                    messages.info(request, _("Lượt hỗ trợ này đã được ghi trước đó."))
                return redirect("society:household-visit-new", pk=team.pk)
    else:
        form = HouseholdVisitForm(initial={"token": uuid.uuid4()})
    recent = selectors.household_visits(team)[:10]
    return render(request, "society/household_visit_form.html", {"team": team, "form": form, "recent": recent})


# --- Setting up teams and their members (commune officials for their commune) ----------------------


@role_required(*EDIT_ROLES)
def team_new(request):
    communes = list(selectors.communes_for(request.user))
    initial = {"established_on": timezone.localdate()}
    if len(communes) == 1:
        # A commune official sets up teams only in their own commune: chosen for them, so the form
        # on a phone is three fields and a button.
        initial["commune"] = communes[0].code
    form = TeamForm(request.POST or None, communes=communes, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã lập tổ %(name)s.") % {"name": team.name})
            return redirect("society:team-members", pk=team.pk)
    return render(request, "society/team_form.html", {"form": form, "team": None})


def _editable_team(request, pk: int):
    team = get_object_or_404(selectors.teams_for(request.user), pk=pk)
    if not can_edit_commune(request.user, team.commune):
        raise PermissionDenied
    return team


@role_required(*EDIT_ROLES)
def team_edit(request, pk: int):
    team = _editable_team(request, pk)
    initial = {f: getattr(team, f) for f in ("village", "name", "members", "established_on", "is_active")}
    form = TeamForm(request.POST or None, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(actor=request.user, team=team, **form.cleaned_data)
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin tổ."))
            return redirect("society:team-members", pk=team.pk)
    return render(request, "society/team_form.html", {"form": form, "team": team})


@role_required(*EDIT_ROLES)
def team_members(request, pk: int):
    team = _editable_team(request, pk)
    form = TeamMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member, created = services.team_member_add(actor=request.user, team=team, **form.cleaned_data)
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            name = member.user.get_full_name()
            if created:
                messages.success(request, _("Đã thêm %(name)s vào tổ.") % {"name": name})
            else:
                messages.info(request, _("%(name)s đã là thành viên của tổ.") % {"name": name})
            return redirect("society:team-members", pk=team.pk)
    members = team.member_rows.select_related("user").order_by("-is_active", "-is_leader", "user__full_name")
    return render(request, "society/team_members.html", {"team": team, "form": form, "members": members})


@require_POST
@role_required(*EDIT_ROLES)
def team_member_remove(request, pk: int, member_pk: int):
    team = _editable_team(request, pk)
    member = get_object_or_404(team.member_rows, pk=member_pk)
    services.team_member_deactivate(actor=request.user, member=member)
    messages.success(request, _("%(name)s không còn là thành viên của tổ.") % {"name": member.user.get_full_name()})
    return redirect("society:team-members", pk=team.pk)
