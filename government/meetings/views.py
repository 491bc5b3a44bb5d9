"""Pages of meetings: the calendar (mine or my agency's), scheduling, and one meeting's page with the
actions its organiser and chair may take. A meeting this person may not see is a 404."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.action_pages import binder, posted_action, run_posted_action
from core.errors import ServiceError, apply_to_form
from core.permissions import role_required
from government.documents import selectors as document_selectors
from government.documents.permissions import DOCUMENT_ROLES, is_document_user, works_at
from government.meetings import selectors, services
from government.meetings.forms import (
    AttendanceForm,
    CancelForm,
    FeedIssueForm,
    FeedRevokeForm,
    FileForm,
    InviteForm,
    LinkDocumentForm,
    MeetingForm,
    MeetingTaskForm,
    MinutesForm,
    MonthForm,
)
from government.meetings.models import CalendarFeed, Meeting

meeting_page = role_required(*DOCUMENT_ROLES)
S = Meeting.Status


@meeting_page
def calendar_view(request):
    form = MonthForm(request.GET or None)
    first = form.month_or_now()
    scope = request.GET.get("scope") if request.GET.get("scope") in ("me", "agency") else "me"
    days = selectors.calendar_month(request.user, year=first.year, month=first.month, scope=scope)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "meetings/calendar.html",
        {
            "days": days,
            "first": first,
            "scope": scope,
            "previous": previous.strftime("%Y-%m"),
            "following": following.strftime("%Y-%m"),
            "current": first.strftime("%Y-%m"),
            "may_schedule": is_document_user(request.user),
        },
    )


@meeting_page
def new(request):
    if not is_document_user(request.user):
        raise PermissionDenied
    leaders = document_selectors.colleagues(request.user.agency_id, leaders_only=True)
    form = MeetingForm(request.POST or None, leaders=leaders)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            m = services.meeting_create(
                actor=request.user,
                title=data["title"],
                agenda=data["agenda"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                location=data["location"],
                video_url=data["video_url"],
                chair_id=data["chair"],
                participant_emails=data["participants"],
            )
        except ServiceError as exc:
            apply_to_form(form, exc)
        else:
            messages.success(request, _("Đã lên lịch cuộc họp và gửi giấy mời."))
            return redirect("meetings:detail", uid=m.uid)
    return render(request, "meetings/new.html", {"form": form})


ACTION_LABELS = {
    "invite": gettext_lazy("Mời thêm người dự"),
    "file": gettext_lazy("Thêm tài liệu họp"),
    "link": gettext_lazy("Thêm văn bản đã có trên cổng"),
    "start": gettext_lazy("Bắt đầu cuộc họp"),
    "attendance": gettext_lazy("Điểm danh"),
    "conclude": gettext_lazy("Kết thúc và lưu biên bản"),
    "task": gettext_lazy("Giao việc"),
    "cancel": gettext_lazy("Hủy cuộc họp"),
}


def _forms_for(request, m, seats, bound):
    """The action forms the organiser or chair may use on this meeting now (`bound`: core.action_pages)."""
    forms = {}
    if not services.may_manage(request.user, m):
        return forms
    if m.status in (S.SCHEDULED, S.IN_PROGRESS):
        forms["invite"] = InviteForm(bound("invite"), prefix="invite")
    if m.status != S.CANCELLED:
        forms["file"] = FileForm(bound("file"), bound("file", files=True), prefix="file")
        forms["link"] = LinkDocumentForm(bound("link"), prefix="link")
    if m.status == S.SCHEDULED:
        forms["start"] = Form(bound("start"), prefix="start")
    if m.status in (S.IN_PROGRESS, S.CONCLUDED):
        forms["attendance"] = AttendanceForm(bound("attendance"), seats=seats, prefix="attendance")
    if m.status == S.IN_PROGRESS:
        forms["conclude"] = MinutesForm(bound("conclude"), prefix="conclude")
    if m.status in (S.IN_PROGRESS, S.CONCLUDED) and request.user.pk == m.chair_id:
        people = [seat.user for seat in seats]
        forms["task"] = MeetingTaskForm(bound("task"), people=people, prefix="task")
    if m.status == S.SCHEDULED:
        forms["cancel"] = CancelForm(bound("cancel"), prefix="cancel")
    return forms


def _run(request, m, action, form):
    """The one service the posted action calls."""
    user, data = request.user, form.cleaned_data
    if action == "invite":
        return services.meeting_invite(meeting=m, actor=user, emails=data["participants"])
    if action == "file":
        return services.meeting_attach(meeting=m, actor=user, uploaded=data["file"])
    if action == "link":
        return services.meeting_link_document(meeting=m, actor=user, number_symbol=data["number_symbol"])
    if action == "start":
        return services.meeting_start(meeting=m, actor=user)
    if action == "attendance":
        return services.meeting_attendance(meeting=m, actor=user, marks=form.marks())
    if action == "conclude":
        return services.meeting_conclude(meeting=m, actor=user, minutes=data["minutes"])
    if action == "task":
        return services.meeting_assign_task(
            meeting=m,
            actor=user,
            assignee_id=data["assignee"],
            title=data["title"],
            description=data["description"],
            deadline=data["deadline"],
        )
    return services.meeting_cancel(meeting=m, actor=user, reason=data["note"])


@meeting_page
def detail(request, uid):
    m = selectors.meeting_for(request.user, uid)
    if m is None:
        raise Http404
    seats = list(m.participants.select_related("user", "agency"))
    action = posted_action(request)
    forms = _forms_for(request, m, seats, binder(request, action))
    finished = run_posted_action(
        request,
        action,
        forms,
        lambda name, form: _run(request, m, name, form),
        done=_("Đã cập nhật cuộc họp."),
        stale=_("Thao tác này không còn áp dụng cho cuộc họp ở trạng thái hiện tại."),
        url=reverse("meetings:detail", kwargs={"uid": m.uid}),
    )
    if finished:
        return finished
    return render(
        request,
        "meetings/detail.html",
        {
            "m": m,
            "seats": seats,
            "files": list(m.files.all()),
            "linked": selectors.linked_documents(m),
            "tasks": list(m.tasks.select_related("assignee")),
            "actions": [(name, ACTION_LABELS[name], form) for name, form in forms.items()],
        },
    )


@meeting_page
def file(request, uid, file_id):
    m = selectors.meeting_for(request.user, uid)
    if m is None:
        raise Http404
    f = m.files.filter(pk=file_id).first()
    if f is None:
        raise Http404
    return FileResponse(f.file.open("rb"), as_attachment=True, filename=f.name, content_type="application/octet-stream")


@meeting_page
def linked_file(request, uid, link_id):
    """A linked document's main file, for whoever may see the meeting (the organiser shared it by
    linking it, as they would have uploaded a copy)."""
    m = selectors.meeting_for(request.user, uid)
    if m is None:
        raise Http404
    f = selectors.linked_main_file(m, link_id)
    if f is None:
        raise Http404
    return FileResponse(f.file.open("rb"), as_attachment=True, filename=f.name, content_type="application/octet-stream")


def _ics_response(content: bytes, filename: str):
    from django.http import HttpResponse

    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@meeting_page
def meeting_ics(request, uid):
    """The meeting as an .ics file, for whoever may see it."""
    from government.meetings import ics

    m = selectors.meeting_for(request.user, uid)
    if m is None:
        raise Http404
    url = request.build_absolute_uri(reverse("meetings:detail", args=[m.uid]))
    return _ics_response(ics.meeting_ics(m, url=url), f"cuoc-hop-{m.uid}.ics")


# What a calendar export holds: the last month and the next six.
ICS_PAST_DAYS, ICS_FUTURE_DAYS = 31, 183


@meeting_page
def calendar_ics(request):
    """The person's calendar (`scope=me`) or their agency's (`scope=agency`) as an .ics file."""
    from django.utils import timezone

    from government.meetings import ics

    scope = "agency" if request.GET.get("scope") == "agency" and request.user.agency_id else "me"
    now = timezone.now()
    rows = selectors.calendar_rows(
        request.user,
        scope=scope,
        start=now - dt.timedelta(days=ICS_PAST_DAYS),
        end=now + dt.timedelta(days=ICS_FUTURE_DAYS),
    ).select_related("chair")
    if scope == "agency":
        name = _("Lịch họp — %(agency)s") % {"agency": request.user.agency.name}
    else:
        name = _("Lịch họp — %(name)s") % {"name": request.user.get_full_name()}

    def url_for(m):
        return request.build_absolute_uri(reverse("meetings:detail", args=[m.uid]))

    return _ics_response(ics.calendar_ics(rows, name=name, url_for=url_for), f"lich-hop-{scope}.ics")


# --- calendar subscriptions (webcal://, ADR 1604) ---------------------------------------------------

# The token issued by the last POST, shown once on the page it redirects to (then forgotten).
_NEW_FEED_SESSION_KEY = "meetings_new_feed"


def _feed_urls(request, token: str) -> dict:
    https = request.build_absolute_uri(reverse("meetings:calendar-feed", args=[token]))
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


@meeting_page
@require_http_methods(["GET", "POST"])
def calendar_feeds(request):
    """The person's secret subscription links: create, replace (a new link, the old one stops) and revoke."""
    action = posted_action(request)
    bound = binder(request, action)
    forms = {"issue": FeedIssueForm(bound("issue"), prefix="issue"), "revoke": FeedRevokeForm(bound("revoke"))}

    def run(name, form):
        if name == "issue":
            feed, token = services.feed_issue(actor=request.user, scope=form.cleaned_data["scope"])
            request.session[_NEW_FEED_SESSION_KEY] = {"scope": feed.scope, "token": token}
            return feed
        return services.feed_revoke(actor=request.user, feed_id=form.cleaned_data["feed"])

    finished = run_posted_action(
        request,
        action,
        forms,
        run,
        done=lambda name: _("Đã tạo liên kết đăng ký lịch.") if name == "issue" else _("Đã thu hồi liên kết."),
        stale=_("Thao tác này không còn áp dụng."),
        url=reverse("meetings:calendar-feeds"),
    )
    if finished:
        return finished
    new = request.session.pop(_NEW_FEED_SESSION_KEY, None) if request.method == "GET" else None
    feeds = selectors.live_feeds(request.user)
    has_agency = bool(request.user.agency_id) and works_at(request.user, request.user.agency_id)
    scopes = [
        {
            "value": value,
            "label": label,
            "feed": next((f for f in feeds if f.scope == value), None),
            "new": _feed_urls(request, new["token"]) if new and new["scope"] == value else None,
        }
        for value, label in CalendarFeed.Scope.choices
        if value == CalendarFeed.Scope.ME or has_agency
    ]
    return render(request, "meetings/feeds.html", {"scopes": scopes, "forms": forms})


@require_GET
def calendar_feed(request, token):
    """The subscribed calendar (no sign-in: the secret token in the URL is the key). What it carries is
    what a printed meeting notice shows — title, time, place, chair, status and the link to the
    meeting's page; the agenda and the video room's link stay behind sign-in, since calendar servers
    (a phone's sync, a mail provider) keep copies. An unknown, forged or revoked token, or an owner
    who no longer keeps this calendar, is a 404 like any missing page."""
    from django.utils import timezone

    from government.meetings import ics

    feed = selectors.feed_for_token(token)
    if feed is None:
        raise Http404
    user = feed.user
    now = timezone.now()
    rows = selectors.calendar_rows(
        user,
        scope=feed.scope,
        start=now - dt.timedelta(days=ICS_PAST_DAYS),
        end=now + dt.timedelta(days=ICS_FUTURE_DAYS),
    ).select_related("chair")
    if feed.scope == CalendarFeed.Scope.AGENCY:
        name = _("Lịch họp — %(agency)s") % {"agency": user.agency.name}
    else:
        name = _("Lịch họp — %(name)s") % {"name": user.get_full_name()}

    def url_for(m):
        return request.build_absolute_uri(reverse("meetings:detail", args=[m.uid]))

    selectors.feed_mark_used(feed)
    response = HttpResponse(
        ics.calendar_ics(rows, name=name, url_for=url_for, public=True), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="lich-hop.ics"'
    # A calendar program polls it; no shared cache (a proxy) may keep one person's meetings.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
