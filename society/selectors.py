"""Reads of the digital society pillar, already scoped to what the user may see."""

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum

from core.geo.models import AdministrativeUnit as Unit
from society.models import School, TechTeam, TechTeamVisit, TranscriptTally
from society.permissions import commune_scope


def communes_for(user) -> QuerySet[Unit]:
    units = Unit.objects.filter(structure=Unit.Structure.CURRENT, level=Unit.Level.COMMUNE).order_by("name")
    scope = commune_scope(user)
    return units if scope is None else units.filter(pk=scope.pk)


def _scoped(queryset, user, path="commune"):
    scope = commune_scope(user)
    return queryset if scope is None else queryset.filter(**{path: scope})


def school_year_of(day: dt.date) -> int:
    """School years start in September: 2025 means 2025–2026."""
    return day.year if day.month >= 9 else day.year - 1


def schools_for(user, *, commune_code=None, level="", on_platform=None) -> QuerySet[School]:
    schools = _scoped(School.objects.select_related("commune"), user)
    if commune_code:
        schools = schools.filter(commune__code=commune_code)
    if level:
        schools = schools.filter(level=level)
    if on_platform is True:
        schools = schools.filter(on_platform_since__isnull=False)
    elif on_platform is False:
        schools = schools.filter(on_platform_since__isnull=True)
    year = school_year_of(dt.date.today())
    return schools.annotate(
        students=Sum("transcript_tallies__students", filter=Q(transcript_tallies__school_year=year)),
        signed=Sum("transcript_tallies__signed", filter=Q(transcript_tallies__school_year=year)),
    ).order_by("commune__name", "name")


def teams_for(user, *, commune_code=None, q="") -> QuerySet[TechTeam]:
    teams = _scoped(TechTeam.objects.select_related("commune"), user)
    if commune_code:
        teams = teams.filter(commune__code=commune_code)
    if q:
        teams = teams.filter(Q(name__icontains=q) | Q(village__icontains=q))
    return teams.annotate(visit_count=Count("visits")).order_by("commune__name", "village")


def visits_for(user, *, team=None) -> QuerySet[TechTeamVisit]:
    visits = _scoped(TechTeamVisit.objects.select_related("team", "team__commune"), user, "team__commune")
    if team is not None:
        visits = visits.filter(team=team)
    return visits.order_by("-visited_on", "-id")


# --- figures, shared by the pages and the indicators -------------------------------------------------


def schools_by_commune(on: dt.date) -> tuple[dict[int, int], dict[int, int]]:
    """(schools, schools on the platform before `on`) per commune code."""
    rows = School.objects.values("commune__code").annotate(
        total=Count("id"), on_platform=Count("id", filter=Q(on_platform_since__lt=on))
    )
    return (
        {r["commune__code"]: r["total"] for r in rows},
        {r["commune__code"]: r["on_platform"] for r in rows},
    )


def transcripts_signed_by_commune(on: dt.date) -> dict[int, int]:
    """Signed digital transcripts of the school year running on `on`, per commune."""
    rows = (
        TranscriptTally.objects.filter(school_year=school_year_of(on), updated_on__lt=on)
        .values("school__commune__code")
        .annotate(n=Sum("signed"))
        .values_list("school__commune__code", "n")
    )
    return dict(rows)


def teams_by_commune(on: dt.date) -> tuple[dict[int, int], dict[int, int]]:
    """(active teams, their members) established before `on`, per commune code."""
    rows = (
        TechTeam.objects.filter(is_active=True, established_on__lt=on)
        .values("commune__code")
        .annotate(n=Count("id"), members=Sum("members"))
    )
    return {r["commune__code"]: r["n"] for r in rows}, {r["commune__code"]: r["members"] for r in rows}


def visits_by_commune(start: dt.date, end: dt.date) -> dict[int, int]:
    """Visits made in [start, end), per commune code."""
    rows = (
        TechTeamVisit.objects.filter(visited_on__gte=start, visited_on__lt=end)
        .values("team__commune__code")
        .annotate(n=Count("id"))
        .values_list("team__commune__code", "n")
    )
    return dict(rows)
