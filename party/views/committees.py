"""Digital-transformation steering committees: members and roles (changes audited), meetings whose
conclusions become Party documents. Seen by the register's readers; managed by the Party officials
of the leading organisation or above."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError, apply_to_form
from core.permissions import role_required
from party.forms import CommitteeLeaveForm, CommitteeMemberForm, CommitteeRoleForm, MeetingForm
from party.models import CommitteeMember, SteeringCommittee
from party.permissions import PARTY_ROLES, VIEW_ROLES
from party.selectors import access
from party.selectors import committees as committee_selectors
from party.services import committees as committee_services


@role_required(*VIEW_ROLES)
def committee_list(request):
    return render(request, "party/committees.html", {"committees": committee_selectors.committees()})


def _page(request, committee, **forms):
    can_manage = access.in_scope(request.user, committee.organisation)
    context = {
        "committee": committee,
        # One leave form per seat, each with its own prefix so field ids stay unique on the page.
        "current": [
            (
                seat,
                forms["leave_form"]
                if forms.get("form_seat") == seat.pk
                else CommitteeLeaveForm(prefix=f"seat{seat.pk}"),
            )
            for seat in committee.members.filter(until__isnull=True).order_by("role", "full_name")
        ],
        "former": committee.members.filter(until__isnull=False).order_by("-until"),
        "meetings": committee.meetings.select_related("conclusion"),
        "can_manage": can_manage,
        "member_form": forms.get("member_form") or CommitteeMemberForm(),
        "meeting_form": forms.get("meeting_form") or MeetingForm(),
        "role_form": CommitteeRoleForm(),
        "form_seat": forms.get("form_seat"),
    }
    return render(request, "party/committee_detail.html", context)


@role_required(*VIEW_ROLES)
def committee_detail(request, pk: int):
    committee = get_object_or_404(SteeringCommittee.objects.select_related("organisation"), pk=pk)
    return _page(request, committee)


@require_POST
@role_required(*PARTY_ROLES)
def committee_member_add(request, pk: int):
    committee = get_object_or_404(SteeringCommittee, pk=pk)
    form = CommitteeMemberForm(request.POST)
    if form.is_valid():
        try:
            committee_services.committee_member_add(actor=request.user, committee=committee, **form.cleaned_data)
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã bổ sung thành viên ban chỉ đạo."))
            return redirect("party:committee-detail", pk=pk)
    return _page(request, committee, member_form=form)


@require_POST
@role_required(*PARTY_ROLES)
def committee_member_change(request, pk: int, member_id: int):
    committee = get_object_or_404(SteeringCommittee, pk=pk)
    seat = get_object_or_404(CommitteeMember, pk=member_id, committee=committee)
    action = request.POST.get("action")
    if action == "leave":
        form = CommitteeLeaveForm(request.POST, prefix=f"seat{seat.pk}")
        if form.is_valid():
            try:
                committee_services.committee_member_remove(actor=request.user, member=seat, **form.cleaned_data)
            except ServiceError as exc:
                apply_to_form(form, exc)
            else:
                messages.success(request, _("Đã ghi nhận thành viên thôi nhiệm vụ."))
                return redirect("party:committee-detail", pk=pk)
        return _page(request, committee, leave_form=form, form_seat=seat.pk)
    form = CommitteeRoleForm(request.POST)
    if form.is_valid():
        try:
            committee_services.committee_member_change_role(
                actor=request.user, member=seat, role=form.cleaned_data["role"]
            )
        except ServiceError as exc:
            messages.error(request, "; ".join(m for msgs in exc.errors.values() for m in msgs) or str(exc.message))
        else:
            messages.success(request, _("Đã thay đổi vai trò thành viên."))
    return redirect("party:committee-detail", pk=pk)


@require_POST
@role_required(*PARTY_ROLES)
def committee_meeting(request, pk: int):
    committee = get_object_or_404(SteeringCommittee, pk=pk)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting = committee_services.meeting_record(actor=request.user, committee=committee, **form.cleaned_data)
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận cuộc họp; hoàn thiện và ban hành thông báo kết luận."))
            return redirect("party:document-detail", pk=meeting.conclusion_id)
    return _page(request, committee, meeting_form=form)
