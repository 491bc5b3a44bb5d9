"""Writes of meetings: each one transaction with the row locked, the state checked and audited
(`meetings.meeting.<verb>`). Participants are officials of any agency on the portal; tasks from a
meeting go through government.documents' task service."""

import datetime as dt
import hashlib

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import InvalidTransitionError, NotAllowedError, ServiceError
from core.files import random_file_name
from government.documents.permissions import STAFF_VISIBLE_STATUSES, is_document_user, is_leader, works_at
from government.meetings.models import CalendarFeed, Meeting, MeetingDocument, MeetingFile, Participant
from government.meetings.selectors import feed_token_hash
from government.meetings.video import provider

S = Meeting.Status
MAX_PARTICIPANTS = 300


def _snap(m: Meeting) -> dict:
    return {
        "status": m.status,
        "title": m.title,
        "starts_at": m.starts_at,
        "ends_at": m.ends_at,
        "video_url": m.video_url,
        "participants": m.participants.count() if m.pk else 0,
    }


def _audit(m: Meeting, *, actor, verb: str, before: dict | None, extra: dict | None = None) -> None:
    audit_record(
        actor=actor, action=f"meetings.meeting.{verb}", obj=m, before=before, after={**_snap(m), **(extra or {})}
    )


def _lock(m: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=m.pk)


def _expect(m: Meeting, *statuses: str) -> None:
    if m.status not in statuses:
        raise InvalidTransitionError(_("Cuộc họp đang ở trạng thái “%(s)s”.") % {"s": m.get_status_display()})


def may_manage(user, m: Meeting) -> bool:
    """The organiser and the chair run the meeting (participants, attendance, minutes, tasks)."""
    return user.pk in (m.organiser_id, m.chair_id)


def _invite(m: Meeting, users) -> list[Participant]:
    from core.notifications.services import notify

    added = []
    for user in users:
        seat, created = Participant.objects.get_or_create(meeting=m, user=user, defaults={"agency_id": user.agency_id})
        if not created:
            continue
        added.append(seat)
        local = timezone.localtime(m.starts_at)
        notify(
            event="meetings.meeting.invite",
            subject=_("Giấy mời họp: %(t)s") % {"t": m.title[:150]},
            body=_("Thời gian: %(at)s\nĐịa điểm: %(place)s\nPhòng họp trực tuyến: %(url)s\nChủ trì: %(chair)s")
            % {
                "at": f"{local:%H:%M %d/%m/%Y}",
                "place": m.location or "—",
                "url": m.video_url or "—",
                "chair": m.chair.get_full_name(),
            },
            user=user,
            channels=("email",),
            dedupe_key=f"meetings.{m.pk}.invite.{user.pk}",
        )
    return added


def _people_by_email(emails: list[str]) -> list:
    """Officials (document users) for the typed addresses, or a field error naming the others."""
    user_model = get_user_model()
    wanted = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
    found = {u.email.lower(): u for u in user_model.objects.filter(email__in=wanted, is_active=True)}
    unknown = [e for e in wanted if e not in found or not is_document_user(found[e])]
    if unknown:
        msg = _("Không tìm thấy cán bộ có địa chỉ: %(list)s") % {"list": ", ".join(unknown[:10])}
        raise ServiceError(msg, errors={"participants": [msg]})
    if len(wanted) > MAX_PARTICIPANTS:
        msg = _("Tối đa %(n)s người dự một cuộc họp.") % {"n": MAX_PARTICIPANTS}
        raise ServiceError(msg, errors={"participants": [msg]})
    return [found[e] for e in wanted]


def meeting_create(
    *,
    actor,
    title: str,
    agenda: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str = "",
    video_url: str = "",
    chair_id: int,
    participant_emails: list[str] = (),
) -> Meeting:
    """Schedule a meeting of the actor's agency, chaired by one of its leaders; invite the
    participants (e-mail after commit). Audited `meetings.meeting.schedule`."""
    if not is_document_user(actor):
        raise NotAllowedError(_("Chỉ cán bộ của một cơ quan được tổ chức cuộc họp."))
    title, agenda = (title or "").strip()[:300], (agenda or "").strip()[:5000]
    errors = {}
    if not title:
        errors["title"] = [_("Hãy nhập tên cuộc họp.")]
    if not agenda:
        errors["agenda"] = [_("Hãy nhập chương trình họp.")]
    if starts_at and starts_at < timezone.now() - dt.timedelta(minutes=5):
        errors["starts_at"] = [_("Thời gian bắt đầu đã qua.")]
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = [_("Thời gian kết thúc phải sau thời gian bắt đầu.")]
    user_model = get_user_model()
    chair = user_model.objects.filter(pk=chair_id, is_active=True).first() if chair_id else None
    if chair is None or not is_leader(chair, actor.agency_id):
        errors["chair"] = [_("Hãy chọn một lãnh đạo của cơ quan chủ trì.")]
    try:
        url = provider().room_url(typed_url=video_url)
    except ServiceError as exc:
        errors.update(exc.errors)
        url = ""
    try:
        people = _people_by_email(list(participant_emails))
    except ServiceError as exc:
        errors.update(exc.errors)
        people = []
    if errors:
        raise ServiceError(_("Thông tin cuộc họp chưa hợp lệ."), errors=errors)
    with transaction.atomic():
        m = Meeting.objects.create(
            agency_id=actor.agency_id,
            title=title,
            agenda=agenda,
            starts_at=starts_at,
            ends_at=ends_at,
            location=(location or "").strip()[:300],
            video_provider=provider().name if url else "",
            video_url=url,
            chair=chair,
            organiser=actor,
        )
        _invite(m, [chair, *people])
        _audit(m, actor=actor, verb="schedule", before=None)
    return m


def meeting_invite(*, meeting: Meeting, actor, emails: list[str]) -> list[Participant]:
    people = _people_by_email(emails)
    if not people:
        msg = _("Hãy nhập ít nhất một địa chỉ thư điện tử.")
        raise ServiceError(msg, errors={"participants": [msg]})
    with transaction.atomic():
        m = _lock(meeting)
        if not may_manage(actor, m):
            raise NotAllowedError(_("Chỉ người tổ chức hoặc chủ trì được mời thêm người dự."))
        _expect(m, S.SCHEDULED, S.IN_PROGRESS)
        before = _snap(m)
        added = _invite(m, people)
        _audit(m, actor=actor, verb="invite", before=before, extra={"added": [p.user_id for p in added]})
    return added


def meeting_start(*, meeting: Meeting, actor) -> Meeting:
    with transaction.atomic():
        m = _lock(meeting)
        if not may_manage(actor, m):
            raise NotAllowedError(_("Chỉ người tổ chức hoặc chủ trì được bắt đầu cuộc họp."))
        _expect(m, S.SCHEDULED)
        before = _snap(m)
        m.status = S.IN_PROGRESS
        m.save()
        _audit(m, actor=actor, verb="start", before=before)
    return m


def meeting_attendance(*, meeting: Meeting, actor, marks: dict[int, str]) -> Meeting:
    """Record attendance ({participant id: attendance}) during or after the meeting."""
    valid = set(Participant.Attendance.values)
    with transaction.atomic():
        m = _lock(meeting)
        if not may_manage(actor, m):
            raise NotAllowedError(_("Chỉ người tổ chức hoặc chủ trì được điểm danh."))
        _expect(m, S.IN_PROGRESS, S.CONCLUDED)
        before = {"attendance": dict(m.participants.values_list("pk", "attendance"))}
        seats = {p.pk: p for p in m.participants.all()}
        for pk, value in marks.items():
            if pk in seats and value in valid and seats[pk].attendance != value:
                seats[pk].attendance = value
                seats[pk].save(update_fields=["attendance"])
        after = {str(k): v for k, v in m.participants.values_list("pk", "attendance")}
        audit_record(
            actor=actor, action="meetings.meeting.attendance", obj=m, before=before, after={"attendance": after}
        )
    return m


def meeting_conclude(*, meeting: Meeting, actor, minutes: str) -> Meeting:
    """Close the meeting with its minutes (the organiser or the chair)."""
    minutes = (minutes or "").strip()[:20000]
    if not minutes:
        msg = _("Hãy nhập biên bản cuộc họp.")
        raise ServiceError(msg, errors={"minutes": [msg]})
    with transaction.atomic():
        m = _lock(meeting)
        if not may_manage(actor, m):
            raise NotAllowedError(_("Chỉ người tổ chức hoặc chủ trì được kết thúc cuộc họp."))
        _expect(m, S.IN_PROGRESS)
        before = _snap(m)
        m.minutes, m.status, m.concluded_at = minutes, S.CONCLUDED, timezone.now()
        m.save()
        _audit(m, actor=actor, verb="conclude", before=before)
    return m


def meeting_cancel(*, meeting: Meeting, actor, reason: str) -> Meeting:
    reason = (reason or "").strip()[:2000]
    if not reason:
        msg = _("Hãy nêu lý do hủy cuộc họp.")
        raise ServiceError(msg, errors={"note": [msg]})
    with transaction.atomic():
        m = _lock(meeting)
        if not may_manage(actor, m):
            raise NotAllowedError(_("Chỉ người tổ chức hoặc chủ trì được hủy cuộc họp."))
        _expect(m, S.SCHEDULED)
        before = _snap(m)
        m.status, m.cancel_reason = S.CANCELLED, reason
        m.save()
        _audit(m, actor=actor, verb="cancel", before=before, extra={"reason": reason})
    return m


def meeting_attach(*, meeting: Meeting, actor, uploaded) -> MeetingFile:
    """Add a meeting document (checked by the form: core.uploads.check_upload)."""
    with transaction.atomic():
        m = _lock(meeting)
        if not may_manage(actor, m):
            raise NotAllowedError(_("Chỉ người tổ chức hoặc chủ trì được thêm tài liệu họp."))
        _expect(m, S.SCHEDULED, S.IN_PROGRESS, S.CONCLUDED)
        uploaded.seek(0)
        content = uploaded.read()
        f = MeetingFile(
            meeting=m,
            name=(getattr(uploaded, "name", "") or "tai-lieu")[:200],
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=actor,
        )
        f.file.save(random_file_name(f.name, default_ext="pdf"), ContentFile(content), save=False)
        f.save()
        audit_record(actor=actor, action="meetings.meeting.attach", obj=m, after={"file": f.name, "sha256": f.sha256})
    return f


def meeting_link_document(*, meeting: Meeting, actor, number_symbol: str) -> MeetingDocument:
    """Put a registered or issued document the actor may read on the meeting's papers, found by its
    number and symbol as printed ("12/QĐ-UBND"). Linking it twice keeps the first link (a double
    submit is harmless). Audited `meetings.meeting.link_document`."""
    from government.documents.models import Confidentiality
    from government.documents.selectors import visible_documents

    wanted = " ".join((number_symbol or "").split())[:80]
    if not wanted:
        msg = _("Hãy nhập số, ký hiệu của văn bản.")
        raise ServiceError(msg, errors={"number_symbol": [msg]})
    readable = visible_documents(actor).filter(number_symbol__iexact=wanted, status__in=STAFF_VISIBLE_STATUSES)
    found = list(readable.order_by("-created_at", "-id")[:2])
    if not found:
        msg = _("Không tìm thấy văn bản số “%(n)s” trong các văn bản bạn được xem.") % {"n": wanted}
        raise ServiceError(msg, errors={"number_symbol": [msg]})
    document = found[0]
    if document.confidentiality != Confidentiality.NORMAL:
        msg = _("Văn bản mật không được đưa vào tài liệu họp trên cổng.")
        raise ServiceError(msg, errors={"number_symbol": [msg]})
    with transaction.atomic():
        m = _lock(meeting)
        if not may_manage(actor, m):
            raise NotAllowedError(_("Chỉ người tổ chức hoặc chủ trì được thêm tài liệu họp."))
        _expect(m, S.SCHEDULED, S.IN_PROGRESS, S.CONCLUDED)
        link, created = MeetingDocument.objects.get_or_create(
            meeting=m, document=document, defaults={"added_by": actor}
        )
        if created:
            audit_record(
                actor=actor,
                action="meetings.meeting.link_document",
                obj=m,
                after={"document": str(document.uid), "number_symbol": document.number_symbol},
            )
    return link


def meeting_assign_task(*, meeting: Meeting, actor, assignee_id: int, title: str, description: str, deadline):
    """The chair assigns a task to a participant (government.documents' task, linked to the meeting)."""
    from government.documents.services import task_assign

    meeting = Meeting.objects.get(pk=meeting.pk)  # its state now, not the caller's copy
    if actor.pk != meeting.chair_id:
        raise NotAllowedError(_("Chỉ người chủ trì được giao việc từ cuộc họp."))
    if meeting.status not in (S.IN_PROGRESS, S.CONCLUDED):
        raise InvalidTransitionError(_("Chỉ giao việc khi cuộc họp đang diễn ra hoặc đã kết thúc."))
    if not meeting.participants.filter(user_id=assignee_id).exists():
        msg = _("Người thực hiện phải là người dự họp.")
        raise ServiceError(msg, errors={"assignee": [msg]})
    return task_assign(
        actor=actor, assignee_id=assignee_id, title=title, description=description, deadline=deadline, meeting=meeting
    )


def meetings_remind(*, today: dt.date) -> int:
    """Remind participants of tomorrow's meetings, once per person and meeting."""
    from core.notifications.services import notify

    tomorrow = today + dt.timedelta(days=1)
    count = 0
    seats = Participant.objects.filter(meeting__status=S.SCHEDULED, meeting__starts_at__date=tomorrow).select_related(
        "meeting", "user"
    )
    for seat in seats.iterator(chunk_size=500):
        m = seat.meeting
        notify(
            event="meetings.meeting.reminder",
            subject=_("Nhắc lịch họp ngày mai: %(t)s") % {"t": m.title[:150]},
            body=_("Thời gian: %(at)s\nPhòng họp trực tuyến: %(url)s")
            % {"at": f"{timezone.localtime(m.starts_at):%H:%M %d/%m/%Y}", "url": m.video_url or "—"},
            user=seat.user,
            channels=("email",),
            dedupe_key=f"meetings.{m.pk}.reminder.{seat.user_id}",
        )
        count += 1
    return count


# --- calendar subscriptions (webcal://, ADR 1604) ---------------------------------------------------


def _feed_after(feed: CalendarFeed) -> dict:
    return {"scope": feed.scope, "prefix": feed.prefix, "revoked": feed.revoked_at is not None}


def feed_issue(*, actor, scope: str) -> tuple[CalendarFeed, str]:
    """Issue `actor`'s secret subscription link to `scope` ("me" or "agency"), replacing the live one of
    that scope (revoked in the same transaction: a calendar still holding it stops receiving meetings).
    Returns the feed and the token, which is never stored and cannot be shown again.
    Audited `meetings.calendar_feed.issue` (and `.revoke` for the one replaced). Raises ServiceError for
    an unknown scope, NotAllowedError for someone without a meeting calendar (or without an agency for
    "agency")."""
    import secrets

    if scope not in CalendarFeed.Scope.values:
        raise ServiceError(_("Lịch không hợp lệ."), errors={"scope": [_("Chọn lịch của tôi hoặc của cơ quan.")]})
    if not is_document_user(actor) or (scope == CalendarFeed.Scope.AGENCY and not works_at(actor, actor.agency_id)):
        raise NotAllowedError(_("Bạn không có lịch họp để đăng ký."))
    with transaction.atomic():
        # Two submits at once (a double click) must not leave two live links: the person's row is the lock.
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        for old in CalendarFeed.objects.filter(user=actor, scope=scope, revoked_at__isnull=True):
            _revoke(old, actor=actor)
        token = secrets.token_urlsafe(32)
        feed = CalendarFeed.objects.create(
            user=actor,
            scope=scope,
            agency_id=actor.agency_id if scope == CalendarFeed.Scope.AGENCY else None,
            token_hash=feed_token_hash(token),
            prefix=token[:8],
        )
        audit_record(
            actor=actor, action="meetings.calendar_feed.issue", obj=feed, after=_feed_after(feed), agency=actor.agency
        )
    return feed, token


def feed_revoke(*, actor, feed_id: int) -> CalendarFeed:
    """Revoke one of `actor`'s own subscription links (idempotent: revoking it again changes nothing).
    Audited `meetings.calendar_feed.revoke`. Raises NotAllowedError for a link that is not theirs."""
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(pk=feed_id, user=actor).first()
        if feed is None:
            raise NotAllowedError(_("Không tìm thấy liên kết đăng ký này."))
        if feed.revoked_at is None:
            _revoke(feed, actor=actor)
    return feed


def _revoke(feed: CalendarFeed, *, actor) -> None:
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor, action="meetings.calendar_feed.revoke", obj=feed, after=_feed_after(feed), agency=actor.agency
    )
