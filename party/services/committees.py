"""Digital-transformation steering committees: the committee of each level, its seats (every change
audited with before and after), and its meetings whose conclusions are Party documents."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import InvalidTransitionError, NotAllowedError
from party.models import CommitteeMeeting, CommitteeMember, PartyDocument, PartyOrganisation, SteeringCommittee
from party.selectors import access
from party.services.errors import PartyError


def _require_manager(actor, organisation: PartyOrganisation, system: bool) -> None:
    if not system and not access.in_scope(actor, organisation):
        raise NotAllowedError(_("Bạn không quản lý ban chỉ đạo của tổ chức này."))


def _seat(member: CommitteeMember) -> dict:
    return {
        "full_name": member.full_name,
        "position": member.position,
        "role": member.role,
        "since": member.since,
        "until": member.until,
    }


def committee_create(
    *, actor, organisation: PartyOrganisation, level: str, name: str, established_on: dt.date, system: bool = False
) -> SteeringCommittee:
    """The steering committee led by `organisation`. Idempotent by (organisation, name). Audited."""
    _require_manager(actor, organisation, system)
    name = (name or "").strip()
    if not name:
        raise PartyError(_("Bắt buộc."), errors={"name": [_("Bắt buộc.")]})
    with transaction.atomic():
        committee, created = SteeringCommittee.objects.get_or_create(
            organisation=organisation, name=name, defaults={"level": level, "established_on": established_on}
        )
        if created:
            audit_record(
                actor=actor,
                actor_label="" if actor else "system:party",
                action="party.committee.create",
                obj=committee,
                after={"organisation": organisation.code, "level": level, "name": name},
            )
    return committee


def committee_member_add(
    *,
    actor,
    committee: SteeringCommittee,
    full_name: str,
    position: str,
    role: str,
    since: dt.date,
    user=None,
    system: bool = False,
) -> CommitteeMember:
    """Seat someone on the committee. One head at a time (the constraint; refused on the field).
    The same person seated twice in the same role is seated once. Audited `party.committee.member_add`."""
    _require_manager(actor, committee.organisation, system)
    full_name, position = (full_name or "").strip(), (position or "").strip()
    errors = {}
    if not full_name:
        errors["full_name"] = [_("Bắt buộc.")]
    if not position:
        errors["position"] = [_("Bắt buộc.")]
    if role not in CommitteeMember.Role.values:
        errors["role"] = [_("Vai trò không hợp lệ.")]
    if since and since > timezone.localdate():
        errors["since"] = [_("Ngày bắt đầu không được ở tương lai.")]
    if errors:
        raise PartyError(_("Vui lòng kiểm tra các mục được đánh dấu."), errors=errors)
    with transaction.atomic():
        existing = committee.members.filter(full_name=full_name, role=role, until__isnull=True).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                member = CommitteeMember.objects.create(
                    committee=committee, full_name=full_name, position=position, role=role, since=since, user=user
                )
        except IntegrityError:
            msg = _("Ban chỉ đạo đã có Trưởng ban; cho người đang giữ thôi nhiệm vụ trước.")
            raise PartyError(msg, errors={"role": [msg]}) from None
        audit_record(
            actor=actor,
            actor_label="" if actor else "system:party",
            action="party.committee.member_add",
            obj=committee,
            after=_seat(member),
        )
    return member


def committee_member_change_role(*, actor, member: CommitteeMember, role: str) -> CommitteeMember:
    """Change a seat's role (audited with before and after)."""
    _require_manager(actor, member.committee.organisation, False)
    if role not in CommitteeMember.Role.values:
        raise PartyError(_("Vai trò không hợp lệ."), errors={"role": [_("Vai trò không hợp lệ.")]})
    with transaction.atomic():
        seat = CommitteeMember.objects.select_for_update().get(pk=member.pk)
        if seat.until is not None:
            raise InvalidTransitionError(_("Thành viên đã thôi nhiệm vụ."))
        if seat.role == role:
            return seat
        before = _seat(seat)
        seat.role = role
        try:
            with transaction.atomic():
                seat.save(update_fields=["role"])
        except IntegrityError:
            msg = _("Ban chỉ đạo đã có Trưởng ban; cho người đang giữ thôi nhiệm vụ trước.")
            raise PartyError(msg, errors={"role": [msg]}) from None
        audit_record(
            actor=actor, action="party.committee.member_change", obj=seat.committee, before=before, after=_seat(seat)
        )
    return seat


def committee_member_remove(*, actor, member: CommitteeMember, until: dt.date, reason: str) -> CommitteeMember:
    """End a seat on `until` (kept as history). A reason is required. Ending it twice is harmless."""
    _require_manager(actor, member.committee.organisation, False)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = [_("Ghi rõ lý do thôi nhiệm vụ.")]
    if until is None or until < member.since:
        errors["until"] = [_("Ngày thôi nhiệm vụ phải từ ngày bắt đầu trở đi.")]
    elif until > timezone.localdate():
        errors["until"] = [_("Ngày thôi nhiệm vụ không được ở tương lai.")]
    if errors:
        raise PartyError(_("Vui lòng kiểm tra các mục được đánh dấu."), errors=errors)
    with transaction.atomic():
        seat = CommitteeMember.objects.select_for_update().get(pk=member.pk)
        if seat.until is not None:
            return seat
        before = _seat(seat)
        seat.until = until
        seat.save(update_fields=["until"])
        audit_record(
            actor=actor,
            action="party.committee.member_remove",
            obj=seat.committee,
            before=before,
            after={**_seat(seat), "reason": reason},
        )
    return seat


def meeting_record(
    *, actor, committee: SteeringCommittee, held_on: dt.date, subject: str, conclusion_title: str, summary: str = ""
) -> CommitteeMeeting:
    """Record a meeting and open its conclusion as a draft Party document (a conclusion notice of
    the leading organisation), to be issued, numbered, signed and distributed like any other.
    Audited `party.committee.meeting`."""
    from party.services.documents import document_create_draft

    _require_manager(actor, committee.organisation, False)
    errors = {}
    if not (subject or "").strip():
        errors["subject"] = [_("Bắt buộc.")]
    if not (conclusion_title or "").strip():
        errors["conclusion_title"] = [_("Bắt buộc.")]
    if held_on is None or held_on > timezone.localdate():
        errors["held_on"] = [_("Ngày họp không được ở tương lai.")]
    if errors:
        raise PartyError(_("Vui lòng kiểm tra các mục được đánh dấu."), errors=errors)
    with transaction.atomic():
        existing = committee.meetings.filter(held_on=held_on, subject=subject.strip()).first()
        if existing is not None:
            return existing  # a double submit
        draft = document_create_draft(
            actor=actor,
            organisation=committee.organisation,
            kind=PartyDocument.Kind.NOTICE,
            title=conclusion_title.strip(),
            summary=summary,
        )
        meeting = CommitteeMeeting.objects.create(
            committee=committee, held_on=held_on, subject=subject.strip()[:300], conclusion=draft, created_by=actor
        )
        audit_record(
            actor=actor,
            action="party.committee.meeting",
            obj=committee,
            after={"held_on": held_on, "subject": meeting.subject, "conclusion": draft.pk},
        )
    return meeting
