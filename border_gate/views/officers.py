"""The forces' desks: steps, entries, decisions, lanes and the yard board."""

import uuid

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from border_gate import selectors, services
from border_gate.forms import (
    CallNextForm,
    DecisionForm,
    LaneForm,
)
from border_gate.models import Crossing, EntryStep, StepDefinition
from border_gate.views.public import _board_fragment
from core.errors import NotFoundError, ServiceError, apply_to_form
from core.permissions import role_required
from core.users import roles


def _scope(request) -> services.OfficerScope:
    scope = services.officer_scope(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


@role_required(roles.BORDER_OFFICER)
def officer_home(request):
    scope = _scope(request)
    query = request.GET.get("q", "")
    results = selectors.find_for_officer(request.user, query) if "q" in request.GET else None
    # A scanned QR code names exactly one truck: open it, as an officer with a scanner expects.
    if results and len(results) == 1 and selectors.driver_token_in(query) == results[0].token:
        return redirect("border_gate:officer-entry", results[0].code)
    steps = selectors.officer_steps(request.user)
    counts = selectors.queue_counts(steps)
    return render(
        request,
        "border_gate/officer/home.html",
        {
            "scope": scope,
            "steps": [(s, counts.get(s.pk, 0)) for s in steps],
            "taken": selectors.taken_by(request.user),
            "query": query,
            "results": results,
        },
    )


def _officer_step(request, step_id) -> StepDefinition:
    step = get_object_or_404(StepDefinition.objects.select_related("crossing"), pk=step_id)
    if not _scope(request).allows(step):
        raise Http404
    return step


@role_required(roles.BORDER_OFFICER)
def officer_step(request, step_id):
    step = _officer_step(request, step_id)
    return render(request, "border_gate/officer/step.html", {"step": step, "queue": selectors.step_queue(step)})


@role_required(roles.BORDER_OFFICER)
@require_POST
def officer_take_next(request, step_id):
    step = _officer_step(request, step_id)
    es = services.step_take_next(officer=request.user, step=step)
    if es is None:
        messages.info(request, _("Không còn xe nào chờ ở bước này."))
        return redirect("border_gate:officer-step", step_id=step.pk)
    return redirect("border_gate:officer-entry", code=es.entry.code)


def _officer_entry(request, code):
    entry = selectors.entries_for_officer(request.user).filter(code=code).first()
    if entry is None:
        raise Http404
    return entry


def _officer_entry_page(request, entry, *, form=None, status=200):
    scope = _scope(request)
    current = entry.current_step
    # A refused decision is shown in its form, with the reason, whoever posted it.
    mine = current is not None and (scope.allows(current.step) or form is not None)
    taken_by_me = mine and current.status == EntryStep.Status.TAKEN and current.taken_by_id == request.user.pk
    if form is None:
        # Not taken yet: the decision form takes the step in the same request (`take`), so an
        # officer who decides at once needs one request instead of two; "Nhận xử lý" stays for
        # reserving the truck while inspecting it.
        form = DecisionForm(
            crossing_id=entry.crossing_id,
            initial={"entry_step": getattr(current, "pk", None), "take": mine and not taken_by_me},
        )
    else:
        form.set_crossing(entry.crossing_id)
    versions = selectors.entry_versions(entry)
    return render(
        request,
        "border_gate/officer/entry.html",
        {
            "entry": entry,
            "current": current,
            "mine": mine,
            "taken_by_me": taken_by_me,
            "form": form,
            "lane_form": LaneForm(initial={"lane": entry.lane or None}, auto_id="id_laneform_%s"),
            "versions": versions,
            "corrections": [ver for ver in versions if ver.number > 1],
            "steps": selectors.entry_steps(entry),
            "history": selectors.entry_history(entry),
        },
        status=status,
    )


@role_required(roles.BORDER_OFFICER)
def officer_entry(request, code):
    return _officer_entry_page(request, _officer_entry(request, code))


@role_required(roles.BORDER_OFFICER)
@require_POST
def officer_take(request, code):
    entry = _officer_entry(request, code)
    if entry.current_step is None:
        messages.error(request, _("Lượt xe không còn bước nào chờ xử lý."))
    else:
        try:
            services.step_take(officer=request.user, entry_step=entry.current_step)
        except ServiceError as e:
            messages.error(request, e.as_text())
    return redirect("border_gate:officer-entry", code=entry.code)


@role_required(roles.BORDER_OFFICER)
@require_POST
def officer_release(request, code):
    entry = _officer_entry(request, code)
    if entry.current_step is not None:
        services.step_release(officer=request.user, entry_step=entry.current_step)
    return redirect("border_gate:officer-home")


@role_required(roles.BORDER_OFFICER)
@require_POST
def officer_lane(request, code):
    _scope(request)
    form = LaneForm(request.POST)
    if form.is_valid():
        try:
            entry = services.customs_assign_lane(actor=request.user, code=code, lane=form.cleaned_data["lane"])
            if entry.inspection_required:
                messages.warning(request, _("Xe phải kiểm tra thực tế trước khi cho qua."))
        except NotFoundError:
            raise  # not an entry of this officer's crossing: the 404 page
        except ServiceError as e:
            messages.error(request, e.as_text())
    else:
        _officer_entry(request, code)  # 404 for an entry the officer may not see
        messages.error(request, _("Chọn luồng."))
    return redirect("border_gate:officer-entry", code=code)


@role_required(roles.BORDER_OFFICER)
@require_POST
def officer_decide(request, code):
    """One POST per step: the service finds the entry by its code within the officer's crossing
    and locks it in one statement (the full entry is loaded only to re-render a refused form)."""
    scope = _scope(request)
    form = DecisionForm(request.POST, crossing_id=scope.crossing.pk if scope.crossing else None)
    if form.is_valid():
        d = form.cleaned_data
        data = {k: d[k] for k in ("certificate_number", "inspection_result", "receipt_number", "note")}
        data["yard"] = d["yard"].pk if d["yard"] else None
        try:
            if d["lane"]:
                # Committed first, in its own transaction: a pass refused below (the lane or the
                # random draw requires an inspection) must not roll the lane back, or submitting
                # again would draw the random inspection again.
                services.customs_assign_lane(actor=request.user, code=code, lane=d["lane"])
            es = services.step_decide(
                actor=request.user,
                code=code,
                entry_step_id=d["entry_step"],
                decision=d["decision"],
                data=data,
                reason=d["reason"],
                take=d["take"],
            )
        except ServiceError as e:
            apply_to_form(form, e)  # a NotFoundError (not this officer's entry or step) goes on: 404
        else:
            messages.success(request, _("Đã ghi quyết định cho %(code)s.") % {"code": code})
            return redirect("border_gate:officer-step", step_id=es.step_id)
    # Re-render with the officer's input and field errors (nothing was recorded: one transaction).
    return _officer_entry_page(request, _officer_entry(request, code), form=form, status=400)


@role_required(roles.BORDER_OFFICER)
def officer_board(request):
    scope = _scope(request)
    crossings = [scope.crossing] if scope.crossing else list(Crossing.objects.filter(is_active=True))
    code = request.GET.get("crossing")
    crossing = next((c for c in crossings if c.code == code), crossings[0])
    board = selectors.board(crossing)
    if request.htmx:
        return _board_fragment(crossing, board, public=False)
    context = {
        "crossing": crossing,
        "crossings": crossings,
        "board": board,
        "public": False,
        "call_form": CallNextForm(initial={"call_key": uuid.uuid4().hex, "count": 5}),
        "can_call": scope.force in (None, "gate_board", "border_guard"),
    }
    return render(request, "border_gate/officer/board.html", context)


@role_required(roles.BORDER_OFFICER)
@require_POST
def officer_call_next(request, code):
    crossing = get_object_or_404(Crossing, code=code)
    form = CallNextForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chọn chiều và số xe (1–50)."))
    elif not cache.add(f"border_gate:call:{request.user.pk}:{form.cleaned_data['call_key']}", 1, timeout=600):
        messages.info(request, _("Lệnh gọi xe này đã được thực hiện."))  # double submit
    else:
        try:
            called = services.queue_call_next(
                actor=request.user,
                crossing=crossing,
                direction=form.cleaned_data["direction"],
                count=form.cleaned_data["count"],
            )
            messages.success(
                request,
                _("Đã gọi %(n)d xe: %(plates)s")
                % {"n": len(called), "plates": ", ".join(e.vehicle.plate_display for e in called)},
            )
        except ServiceError as e:
            messages.error(request, e.as_text())
    return redirect(f"{reverse('border_gate:officer-board')}?crossing={crossing.code}")


# -- reports ---------------------------------------------------------------------------------------
