"""Community technology teams: the visit log."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit.services import audit_record
from core.errors import NotAllowedError, ServiceError
from society.models import HouseholdVisit, TechTeam, TechTeamVisit
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
    from society.models import TechTeamMember

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
