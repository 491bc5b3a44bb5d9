"""Community technology teams: the visit log."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit.services import audit_record
from core.errors import ServiceError
from society.models import TechTeam, TechTeamVisit
from society.permissions import can_edit_commune


class SocietyError(ServiceError):
    pass


def visit_record(
    *, actor, team: TechTeam, visited_on: dt.date, topic: str, households_reached: int, note: str = ""
) -> tuple[TechTeamVisit, bool]:
    """Record a team's visit. One visit per team, day and topic: submitting it again returns the
    existing one (created=False) — a double submit counts nothing twice."""
    if not can_edit_commune(actor, team.commune):
        raise PermissionDenied
    if visited_on > timezone.localdate():
        raise SocietyError("visit in the future")
    if not team.is_active:
        raise SocietyError("team inactive")
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
