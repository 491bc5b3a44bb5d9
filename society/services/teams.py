"""Community technology teams: setting them up with their members, and the visit logs."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import NotAllowedError, ServiceError
from society.models import HouseholdVisit, TechTeam, TechTeamMember, TechTeamVisit
from society.permissions import can_edit_commune


class SocietyError(ServiceError):
    pass


def visit_record(
    *, actor, team: TechTeam, visited_on: dt.date, topic: str, households_reached: int, note: str = ""
) -> tuple[TechTeamVisit, bool]:
    """Record a team's visit. One visit per team, day and topic: submitting it again returns the
    existing one (created=False) — a double submit counts nothing twice."""
    if not can_edit_commune(actor, team.commune):
        raise NotAllowedError(_("Bạn không ghi được số liệu của xã này."))
    if visited_on > timezone.localdate():
        raise SocietyError(
            _("Ngày thăm không được ở tương lai."), errors={"visited_on": [_("Ngày thăm không được ở tương lai.")]}
        )
    if not team.is_active:
        raise SocietyError(_("Tổ công nghệ số này không còn hoạt động."))
    try:
        with transaction.atomic():
            visit = TechTeamVisit.objects.create(
                team=team,
                visited_on=visited_on,
                topic=topic,
                households_reached=households_reached,
                note=note,
                recorded_by=actor,
            )
            audit_record(
                actor=actor,
                action="society.tech_team_visit.record",
                obj=visit,
                after={"team": team.pk, "visited_on": visited_on, "topic": topic, "households": households_reached},
            )
    except IntegrityError:
        return TechTeamVisit.objects.get(team=team, visited_on=visited_on, topic=topic), False
    return visit, True


def household_visit_record(
    *,
    actor,
    team: TechTeam,
    household: str,
    visited_on: dt.date,
    help: list[str],
    outcome: str,
    note: str = "",
    submit_token,
) -> tuple[HouseholdVisit, bool]:
    """A team member records a household they helped. The form's token makes a second submission
    of the same form return the first record (created=False). Raises NotAllowedError for someone
    who is not an active member, ServiceError with field errors for bad input."""
    if not TechTeamMember.objects.filter(team=team, user=actor, is_active=True).exists() or not team.is_active:
        raise NotAllowedError(_("Chỉ thành viên của tổ được ghi lượt hỗ trợ."))
    errors = {}
    if visited_on > timezone.localdate():
        errors["visited_on"] = [_("Ngày hỗ trợ không được sau hôm nay.")]
    if not help or set(help) - set(HouseholdVisit.Help.values):
        errors["help"] = [_("Chọn ít nhất một nội dung hỗ trợ.")]
    if not household.strip():
        errors["household"] = [_("Ghi tên chủ hộ.")]
    if errors:
        raise ServiceError(errors=errors)
    existing = HouseholdVisit.objects.filter(submit_token=submit_token).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            visit = HouseholdVisit.objects.create(
                team=team,
                member=actor,
                household=household.strip()[:150],
                visited_on=visited_on,
                help=sorted(set(help)),
                outcome=outcome,
                note=note[:300],
                submit_token=submit_token,
            )
            audit_record(
                actor=actor,
                action="society.household_visit.record",
                obj=visit,
                after={"team": team.pk, "visited_on": visited_on, "help": visit.help, "outcome": outcome},
            )
    except IntegrityError:
        return HouseholdVisit.objects.get(submit_token=submit_token), False
    return visit, True


# --- Managing teams and their members (commune officials for their commune; department
# officials and system administrators anywhere: core.permissions.can_edit_commune) ---------------


def _check_team_fields(*, commune, village: str, name: str, members: int, established_on: dt.date) -> dict:
    errors = {}
    if commune is None:
        errors["commune"] = [_("Chọn xã, phường.")]
    if not village.strip():
        errors["village"] = [_("Ghi tên thôn, khối phố.")]
    if not name.strip():
        errors["name"] = [_("Ghi tên tổ.")]
    if members is None or members < 1:
        errors["members"] = [_("Tổ có ít nhất một thành viên.")]
    if established_on is None or established_on > timezone.localdate():
        errors["established_on"] = [_("Ngày thành lập không được sau hôm nay.")]
    return errors


def team_create(*, actor, commune, village: str, name: str, members: int, established_on: dt.date) -> TechTeam:
    """Set up a team in a village. `members` is the team's head count (members without a portal
    account included). Raises NotAllowedError outside the actor's commune, ServiceError with
    field errors for bad input; audited `society.tech_team.create`."""
    errors = _check_team_fields(
        commune=commune, village=village, name=name, members=members, established_on=established_on
    )
    if errors:
        raise ServiceError(errors=errors)
    if not can_edit_commune(actor, commune):
        raise NotAllowedError(_("Bạn không lập được tổ ở xã này."))
    with transaction.atomic():
        team = TechTeam.objects.create(
            commune=commune,
            village=village.strip()[:120],
            name=name.strip()[:200],
            members=members,
            established_on=established_on,
        )
        audit_record(
            actor=actor,
            action="society.tech_team.create",
            obj=team,
            after={"commune": commune.code, "village": team.village, "name": team.name, "members": members},
        )
    return team


def team_update(
    *, actor, team: TechTeam, village: str, name: str, members: int, established_on: dt.date, is_active: bool
) -> TechTeam:
    """Edit a team (its commune stays). The head count cannot fall below its members with an
    account. Audited `society.tech_team.update` with the values before and after."""
    errors = _check_team_fields(
        commune=team.commune, village=village, name=name, members=members, established_on=established_on
    )
    with transaction.atomic():
        team = TechTeam.objects.select_for_update().select_related("commune").get(pk=team.pk)
        if not can_edit_commune(actor, team.commune):
            raise NotAllowedError(_("Bạn không sửa được tổ của xã này."))
        with_account = TechTeamMember.objects.filter(team=team, is_active=True).count()
        if members is not None and members < with_account and "members" not in errors:
            errors["members"] = [
                _("Tổ đang có %(n)s thành viên có tài khoản; số thành viên không được ít hơn.") % {"n": with_account}
            ]
        if errors:
            raise ServiceError(errors=errors)
        fields = ["village", "name", "members", "established_on", "is_active"]
        before = {f: getattr(team, f) for f in fields}
        team.village, team.name = village.strip()[:120], name.strip()[:200]
        team.members, team.established_on, team.is_active = members, established_on, is_active
        after = {f: getattr(team, f) for f in fields}
        if after != before:
            team.save(update_fields=fields)
            audit_record(actor=actor, action="society.tech_team.update", obj=team, before=before, after=after)
    return team


def team_member_add(*, actor, team: TechTeam, account: str, is_leader: bool = False) -> tuple[TechTeamMember, bool]:
    """Add a person with a portal account (found by e-mail or phone) to a team, or make an
    inactive member active again; adding someone already active changes nothing (created=False).
    The head count grows when the members with an account outnumber it. Audited."""
    from core.users.models import User

    account = (account or "").strip()
    if not account:
        raise ServiceError(errors={"account": [_("Ghi thư điện tử hoặc số điện thoại của thành viên.")]})
    users = list(User.objects.filter(is_active=True).filter(email__iexact=account)[:1]) or list(
        User.objects.filter(is_active=True, phone=account)[:2]
    )
    if len(users) != 1:
        raise ServiceError(
            errors={
                "account": [
                    _("Không tìm thấy tài khoản với thư điện tử hoặc số điện thoại này; người đó cần đăng ký trước.")
                ]
            }
        )
    user = users[0]
    with transaction.atomic():
        team = TechTeam.objects.select_for_update().select_related("commune").get(pk=team.pk)
        if not can_edit_commune(actor, team.commune):
            raise NotAllowedError(_("Bạn không sửa được tổ của xã này."))
        member, created = TechTeamMember.objects.get_or_create(team=team, user=user, defaults={"is_leader": is_leader})
        if not created and member.is_active and member.is_leader == is_leader:
            return member, False
        member.is_active, member.is_leader = True, is_leader
        member.save(update_fields=["is_active", "is_leader"])
        active = TechTeamMember.objects.filter(team=team, is_active=True).count()
        if active > team.members:
            team.members = active
            team.save(update_fields=["members"])
        audit_record(
            actor=actor,
            action="society.tech_team.member_add",
            obj=team,
            after={"user": user.pk, "is_leader": is_leader, "members": team.members},
        )
    return member, True


def team_member_deactivate(*, actor, member: TechTeamMember) -> TechTeamMember:
    """A member leaves the team: they no longer record visits; their past visits stay. Audited;
    deactivating twice changes nothing."""
    with transaction.atomic():
        member = TechTeamMember.objects.select_for_update().select_related("team", "team__commune").get(pk=member.pk)
        if not can_edit_commune(actor, member.team.commune):
            raise NotAllowedError(_("Bạn không sửa được tổ của xã này."))
        if not member.is_active:
            return member
        member.is_active = False
        member.save(update_fields=["is_active"])
        audit_record(
            actor=actor, action="society.tech_team.member_remove", obj=member.team, after={"user": member.user_id}
        )
    return member
