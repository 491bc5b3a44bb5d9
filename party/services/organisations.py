"""The Party organisation tree, its officers and its members. Each function is one transaction and
writes one audit row; member data never goes into an audit row readable by an agency (no
`agency_id` on PartyMember)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import NotAllowedError
from core.users import roles
from party.models import MemberPosition, OrganisationOfficer, PartyMember, PartyOrganisation
from party.selectors.access import can_manage_members
from party.services.errors import PartyError


def organisation_create(
    *, code: str, name: str, symbol: str, level: str, parent: PartyOrganisation | None = None, actor=None, **extra
) -> PartyOrganisation:
    """Add an organisation under `parent` (none only for the provincial committee) and set its tree
    path. Idempotent by `code`: an existing organisation is returned unchanged. Audited."""
    with transaction.atomic():
        existing = PartyOrganisation.objects.filter(code=code).first()
        if existing is not None:
            return existing
        if (level == PartyOrganisation.Level.PROVINCE) != (parent is None):
            raise PartyError(
                _("Chỉ Tỉnh ủy không có tổ chức cấp trên."), errors={"parent": [_("Chọn tổ chức cấp trên.")]}
            )
        org = PartyOrganisation.objects.create(
            code=code, name=name, symbol=symbol, level=level, parent=parent, path="", **extra
        )
        org.path = f"{parent.path if parent else '/'}{org.pk}/"
        org.save(update_fields=["path"])
        audit_record(
            actor=actor,
            actor_label="" if actor else "system:party",
            action="party.organisation.create",
            obj=org,
            after={"code": code, "name": name, "parent": parent.code if parent else None},
        )
    return org


def officer_assign(*, organisation: PartyOrganisation, user, title: str = "", actor=None) -> OrganisationOfficer:
    """Let a Party official act for `organisation` (its inbox, its members). The user must hold the
    Party-official role: government officials never see member data through an assignment.
    Assigning twice re-activates the same row. Audited."""
    if not user.has_role(roles.PARTY_OFFICIAL):
        raise PartyError(
            _("Chỉ cán bộ cơ quan Đảng mới được phân công phụ trách tổ chức Đảng."),
            errors={"user": [_("Người này không có vai trò cán bộ cơ quan Đảng.")]},
        )
    with transaction.atomic():
        officer, created = OrganisationOfficer.objects.select_for_update().get_or_create(
            organisation=organisation, user=user, defaults={"title": title}
        )
        if not created and officer.is_active and officer.title == title:
            return officer
        officer.is_active, officer.title = True, title
        officer.save(update_fields=["is_active", "title"])
        audit_record(
            actor=actor,
            actor_label="" if actor else "system:party",
            action="party.officer.assign",
            obj=officer,
            after={"organisation": organisation.code, "user": user.email, "title": title},
        )
    return officer


def _check_member_input(*, full_name: str, birth_date, admitted_on, today: dt.date) -> dict:
    errors: dict[str, list] = {}
    if not (full_name or "").strip():
        errors["full_name"] = [_("Bắt buộc.")]
    if birth_date and birth_date > today - dt.timedelta(days=18 * 365):
        errors["birth_date"] = [_("Đảng viên phải đủ 18 tuổi.")]
    if admitted_on and admitted_on > today:
        errors["admitted_on"] = [_("Ngày vào Đảng không được ở tương lai.")]
    if birth_date and admitted_on and admitted_on <= birth_date:
        errors.setdefault("admitted_on", []).append(_("Ngày vào Đảng phải sau ngày sinh."))
    return errors


def member_save(
    *,
    actor,
    organisation: PartyOrganisation,
    full_name: str,
    birth_date: dt.date,
    admitted_on: dt.date,
    status: str = PartyMember.Status.FULL,
    card_number: str = "",
    phone: str = "",
    member: PartyMember | None = None,
    system: bool = False,
) -> PartyMember:
    """Add a member to a Party cell, or correct one (`member` given; moving them to another cell of
    the actor's scope is a transfer). The actor must be a Party official of the cell or above
    (`system` for the demo loader only). A card number already used is refused on its field.
    Audited without the personal data (names, dates) in the row: `party.member.create|update`."""
    if not system and not can_manage_members(actor, organisation):
        raise NotAllowedError(_("Bạn không quản lý đảng viên của tổ chức này."))
    if member is not None and not system and not can_manage_members(actor, member.organisation):
        raise NotAllowedError(_("Bạn không quản lý đảng viên của tổ chức này."))
    if organisation.level != PartyOrganisation.Level.CELL:
        raise PartyError(_("Đảng viên sinh hoạt tại chi bộ."), errors={"organisation": [_("Chọn một chi bộ.")]})
    errors = _check_member_input(
        full_name=full_name, birth_date=birth_date, admitted_on=admitted_on, today=timezone.localdate()
    )
    card_number = (card_number or "").strip()
    if card_number:
        clash = PartyMember.objects.filter(card_number=card_number)
        if member is not None:
            clash = clash.exclude(pk=member.pk)
        if clash.exists():
            errors["card_number"] = [_("Số thẻ đảng viên này đã có trong hệ thống.")]
    if errors:
        raise PartyError(_("Vui lòng kiểm tra các mục được đánh dấu."), errors=errors)
    fields = {
        "organisation": organisation,
        "full_name": full_name.strip(),
        "birth_date": birth_date,
        "admitted_on": admitted_on,
        "status": status,
        "card_number": card_number,
        "phone": (phone or "").strip(),
    }
    with transaction.atomic():
        if member is None:
            member = PartyMember.objects.create(**fields)
            action, before = "party.member.create", None
        else:
            member = PartyMember.objects.select_for_update().get(pk=member.pk)
            before = {"organisation": member.organisation.code, "status": member.status}
            changed = [k for k, v in fields.items() if getattr(member, k) != v]
            if not changed:
                return member
            for key in changed:
                setattr(member, key, fields[key])
            member.save(update_fields=changed)
            action = "party.member.update"
        audit_record(
            actor=actor,
            actor_label="" if actor else "system:party",
            action=action,
            obj=member,
            before=before,
            after={"organisation": organisation.code, "status": status},
        )
    return member


def position_assign(
    *, actor, member: PartyMember, organisation: PartyOrganisation, role: str, since: dt.date, system: bool = False
) -> MemberPosition:
    """Give a member a position in an organisation of the actor's scope (ending the previous holder's
    secretary seat, as there is one secretary at a time). Audited."""
    if not system and not can_manage_members(actor, organisation):
        raise NotAllowedError(_("Bạn không quản lý đảng viên của tổ chức này."))
    with transaction.atomic():
        existing = MemberPosition.objects.filter(
            member=member, organisation=organisation, role=role, until__isnull=True
        ).first()
        if existing is not None:
            return existing
        if role == MemberPosition.Role.SECRETARY:
            MemberPosition.objects.filter(organisation=organisation, role=role, until__isnull=True).update(until=since)
        position = MemberPosition.objects.create(member=member, organisation=organisation, role=role, since=since)
        audit_record(
            actor=actor,
            actor_label="" if actor else "system:party",
            action="party.member.position",
            obj=member,
            after={"organisation": organisation.code, "role": role, "since": since},
        )
    return position
