"""Pages of broadcasts to citizens: write (from a template), submit, a leader approves or
rejects, and the per-recipient delivery status."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.errors import ServiceError, apply_to_form
from core.permissions import role_required, user_has_role
from core.users import roles
from society import selectors
from society.forms import BroadcastForm, DecisionForm, LoudspeakerSlotsForm
from society.permissions import commune_scope
from society.services import broadcasts as service

ROLES = (*service.AUTHOR_ROLES,)


@role_required(*ROLES)
def broadcast_list(request):
    page = Paginator(selectors.broadcasts_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "society/broadcasts.html", {"page": page, "query": ""})


@role_required(*ROLES)
def broadcast_new(request):
    communes = selectors.communes_for(request.user)
    # A commune official writes only to their own commune: it comes chosen.
    initial = {"communes": list(communes)} if commune_scope(request.user) is not None else {}
    form = BroadcastForm(request.POST or None, communes=communes, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            broadcast = service.broadcast_create(
                actor=request.user,
                title=d["title"],
                body=d["body"],
                communes=d["communes"],
                group=d["group"],
                channels=d["channels"],
                template=d["template"],
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            return redirect("society:broadcast-detail", pk=broadcast.pk)
    return render(request, "society/broadcast_form.html", {"form": form})


@role_required(*ROLES)
def broadcast_detail(request, pk: int):
    broadcast = get_object_or_404(selectors.broadcasts_for(request.user), pk=pk)
    deliveries = Paginator(broadcast.deliveries.select_related("user").order_by("pk"), 50).get_page(
        request.GET.get("page")
    )
    context = {
        "broadcast": broadcast,
        "counts": service.delivery_counts(broadcast),
        "max_attempts": service.MAX_ATTEMPTS,
        "page": deliveries,
        "query": "",
        "can_submit": broadcast.created_by_id == request.user.pk and broadcast.status == "draft",
        "can_decide": user_has_role(request.user, *service.APPROVER_ROLES)
        and broadcast.status == "submitted"
        and broadcast.created_by_id != request.user.pk,
        "decision_form": DecisionForm(),
        "undecidable": service.undecidable_deliveries(broadcast).order_by("pk")[:100],
        "preview": service.render_body(broadcast.body, name="Nguyễn Văn A", commune=_("xã của người nhận")),
    }
    return render(request, "society/broadcast_detail.html", context)


@require_POST
@role_required(*ROLES)
def broadcast_action(request, pk: int, action: str):
    broadcast = get_object_or_404(selectors.broadcasts_for(request.user), pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    try:
        if action == "submit":
            service.broadcast_submit(actor=request.user, broadcast=broadcast)
        elif action == "approve":
            service.broadcast_approve(actor=request.user, broadcast=broadcast, note=note)
        elif action == "reject":
            service.broadcast_reject(actor=request.user, broadcast=broadcast, note=note)
        else:
            raise PermissionDenied
    except ServiceError as exc:
        messages.error(request, " ".join(m for msgs in exc.as_dict().values() for m in msgs))
    else:
        messages.success(request, _("Đã cập nhật thông báo."))
    return redirect("society:broadcast-detail", pk=broadcast.pk)


@require_POST
@role_required(*ROLES)
def broadcast_resend(request, pk: int):
    """Send again deliveries the provider could not confirm; the form names each delivery with
    the number of attempts the official saw, so a second press sends nothing more."""
    broadcast = get_object_or_404(selectors.broadcasts_for(request.user), pk=pk)
    ids, attempts = request.POST.getlist("delivery"), request.POST.getlist("attempts")
    try:
        seen = {int(i): int(n) for i, n in zip(ids, attempts, strict=True)}
    except ValueError:
        seen = {}
    try:
        resent = service.deliveries_resend(actor=request.user, broadcast=broadcast, seen=seen)
    except ServiceError as exc:
        messages.error(request, " ".join(m for msgs in exc.as_dict().values() for m in msgs))
    else:
        if resent:
            messages.success(request, _("Đã gửi lại %(n)s lượt.") % {"n": resent})
        else:
            messages.info(request, _("Không còn lượt nào chờ gửi lại: có thể đã được gửi lại trước đó."))
    return redirect("society:broadcast-detail", pk=broadcast.pk)


@role_required(*ROLES)
def loudspeaker_schedule(request):
    """The commune radio's schedule: approved announcements by slot, from today on, and the
    commune's daily slots (its own, or the default)."""
    today = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time()))
    items = selectors.loudspeaker_schedule(request.user, since=today)
    scope = commune_scope(request.user)
    slots = service.DEFAULT_LOUDSPEAKER_SLOTS
    if scope is not None:
        slots = selectors.loudspeaker_slots([scope.pk]).get(scope.pk, slots)
    context = {
        "items": items,
        "slots": slots,
        "commune": scope,
        "can_set_slots": scope is not None and user_has_role(request.user, roles.COMMUNE_OFFICIAL),
    }
    return render(request, "society/loudspeaker_schedule.html", context)


@role_required(roles.COMMUNE_OFFICIAL)
def loudspeaker_slots(request):
    """A commune official sets their own commune's daily loudspeaker slots (no other commune's:
    the commune is the official's, never a parameter)."""
    commune = request.user.admin_unit
    if commune is None:
        raise PermissionDenied
    current = selectors.loudspeaker_slots([commune.pk]).get(commune.pk, service.DEFAULT_LOUDSPEAKER_SLOTS)
    form = LoudspeakerSlotsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            row = service.loudspeaker_slots_set(actor=request.user, commune=commune, times=form.times())
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã lưu giờ phát loa truyền thanh của %(xa)s.") % {"xa": commune.name})
            if row.moved:
                messages.info(
                    request,
                    ngettext(
                        "%(n)s thông báo chưa phát được chuyển sang giờ phát mới.",
                        "%(n)s thông báo chưa phát được chuyển sang giờ phát mới.",
                        row.moved,
                    )
                    % {"n": row.moved},
                )
            return redirect("society:loudspeaker-schedule")
    context = {
        "form": form,
        "commune": commune,
        "earliest": service.LOUDSPEAKER_EARLIEST,
        "latest": service.LOUDSPEAKER_LATEST,
        "max_slots": service.MAX_LOUDSPEAKER_SLOTS,
    }
    return render(request, "society/loudspeaker_slots.html", context)
