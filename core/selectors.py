"""Reads of core's reference data (administrative units, agencies) for the API and pages.

Reference data is public information, but the API serves it to signed-in users only (the views
apply that); these selectors keep the queries lean: geometry is never loaded here (boundaries are
served by the operations centre's map endpoints), parents are joined, successors prefetched."""

from django.db.models import Prefetch, QuerySet

from core.agencies.models import Agency
from core.geo.models import AdministrativeUnit

_UNIT_FIELDS = ("id", "code", "name", "division_type", "level", "structure", "parent_id")


def admin_unit_list(
    *, structure: str | None = None, level: str | None = None, parent_id: int | None = None
) -> QuerySet[AdministrativeUnit]:
    qs = (
        AdministrativeUnit.objects.only(*_UNIT_FIELDS, "parent__code", "parent__name")
        .select_related("parent")
        .prefetch_related(
            Prefetch("successors", queryset=AdministrativeUnit.objects.only(*_UNIT_FIELDS).order_by("code"))
        )
        .order_by("structure", "level", "code")
    )
    if structure:
        qs = qs.filter(structure=structure)
    if level:
        qs = qs.filter(level=level)
    if parent_id:
        qs = qs.filter(parent_id=parent_id)
    return qs


def agency_list(*, kind: str | None = None, crossing: str | None = None, active_only: bool = True) -> QuerySet[Agency]:
    qs = Agency.objects.select_related("admin_unit").defer("admin_unit__geometry").order_by("kind", "code")
    if active_only:
        qs = qs.filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if crossing:
        qs = qs.filter(crossing_code=crossing)
    return qs


_AGENCY_FIELDS = (
    "id",
    "code",
    "name",
    "name_en",
    "short_name",
    "kind",
    "parent_id",
    "force",
    "crossing_code",
    "unit_identifier",
)


def agency_rows(*, kind: str | None = None, crossing: str | None = None, active_only: bool = True) -> QuerySet:
    """The same agencies as `agency_list`, in the same order, as plain rows (dicts) with the agency's
    administrative unit as `admin_unit__id`, `admin_unit__code`, `admin_unit__name` (None without
    one): the read API's list serialises rows, because building an Agency and an AdministrativeUnit
    per row cost more than the query itself (docs/benchmarks.md, "Foundation")."""
    qs = Agency.objects.order_by("kind", "code")
    if active_only:
        qs = qs.filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if crossing:
        qs = qs.filter(crossing_code=crossing)
    return qs.values(*_AGENCY_FIELDS, "admin_unit__id", "admin_unit__code", "admin_unit__name")
