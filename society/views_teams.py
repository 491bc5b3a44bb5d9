"""Pages of the community technology teams' members: their teams and the household visit form
(a phone in the field, a weak connection: no JS, one POST, a double submit records once)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.errors import ServiceError, apply_to_form
from society import selectors, services
from society.forms import HouseholdVisitForm


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
