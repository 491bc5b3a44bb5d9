"""Core read API: administrative units (both structures, with the legacy→2025 mapping) and agencies.

Read-only, for signed-in users (the project's default DRF permission), paginated (limit/offset).
Documented in the OpenAPI schema served at /api/schema/ (drf-spectacular)."""

import django_filters
from django.db.models import Count, QuerySet, Window
from django.db.models.query import ValuesIterable
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.pagination import LimitOffsetPagination

from core import selectors
from core.agencies.models import Agency, BorderForce
from core.geo.models import AdministrativeUnit


class CountWithPagePagination(LimitOffsetPagination):
    """DRF's limit/offset pagination (same parameters, same response) that reads the total with the
    page in one query (`COUNT(*) OVER ()`) instead of a separate `SELECT COUNT(*)`: one round trip to
    PostgreSQL less per list request, the largest single cost of a small list on a busy server
    (docs/benchmarks.md, "Foundation"). The window is computed before LIMIT/OFFSET, over exactly the
    rows the filtered queryset selects. Only a page past the end (no row to carry the total) asks
    for the count separately."""

    _total = "pagination_total_count"

    def paginate_queryset(self, queryset, request, view=None):
        query = getattr(queryset, "query", None)
        if (
            not isinstance(queryset, QuerySet)
            or query.is_sliced
            or query.distinct
            or query.combinator
            or query.group_by is not None
            or (queryset._fields is not None and not issubclass(queryset._iterable_class, ValuesIterable))
        ):
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        rows = list(queryset.annotate(**{self._total: Window(Count("*"))})[self.offset : self.offset + self.limit])
        if rows and isinstance(rows[0], dict):  # values() rows: take the total out of every row
            self.count = rows[0][self._total]
            for row in rows:
                del row[self._total]
        elif rows:
            self.count = getattr(rows[0], self._total)
        else:
            self.count = self.get_count(queryset) if self.offset else 0
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        return rows


class FilterWhenAskedBackend(DjangoFilterBackend):
    """django-filter's backend, skipped when the query string holds nothing but pagination or format
    parameters: an unbound filter set filters nothing, but building and validating its form costs
    about as much as serialising a short page. With any other parameter it runs as usual, so an
    invalid filter value is still a 400."""

    passive_params = frozenset({"limit", "offset", "format"})

    def filter_queryset(self, request, queryset, view):
        if self.passive_params.issuperset(request.query_params.keys()):
            return queryset
        return super().filter_queryset(request, queryset, view)


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class AdministrativeUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.IntegerField(read_only=True, help_text="Mã đơn vị hành chính (vietnam-provinces).")
    name = serializers.CharField(read_only=True)
    division_type = serializers.CharField(read_only=True)
    level = serializers.ChoiceField(choices=AdministrativeUnit.Level.choices, read_only=True)
    structure = serializers.ChoiceField(choices=AdministrativeUnit.Structure.choices, read_only=True)
    parent = UnitRefSerializer(read_only=True, allow_null=True)
    successors = UnitRefSerializer(
        many=True, read_only=True, help_text="For a legacy commune: the 2025 commune(s) that absorbed it."
    )


class AgencySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True)
    short_name = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=Agency.Kind.choices, read_only=True)
    parent_id = serializers.IntegerField(read_only=True, allow_null=True)
    admin_unit = UnitRefSerializer(read_only=True, allow_null=True)
    force = serializers.CharField(read_only=True, help_text="Border force (only for kind=border_force).")
    crossing_code = serializers.CharField(read_only=True)
    unit_identifier = serializers.CharField(read_only=True)

    def to_representation(self, instance):
        # The list reads plain rows (selectors.agency_rows): nest the unit the way the model gives it.
        if isinstance(instance, dict) and "admin_unit__id" in instance:
            instance = dict(instance)
            unit = {key: instance.pop(f"admin_unit__{key}") for key in ("id", "code", "name")}
            instance["admin_unit"] = unit if unit["id"] is not None else None
        return super().to_representation(instance)


class AdministrativeUnitFilter(django_filters.FilterSet):
    structure = django_filters.ChoiceFilter(choices=AdministrativeUnit.Structure.choices)
    level = django_filters.ChoiceFilter(choices=AdministrativeUnit.Level.choices)
    parent = django_filters.NumberFilter(field_name="parent_id", help_text="id of the parent unit")
    code = django_filters.NumberFilter()
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = AdministrativeUnit
        fields = ["structure", "level", "parent", "code", "name"]


class AgencyFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Agency.Kind.choices)
    crossing = django_filters.CharFilter(field_name="crossing_code", help_text="border crossing code, e.g. huu-nghi")
    force = django_filters.ChoiceFilter(choices=BorderForce.choices)
    admin_unit = django_filters.NumberFilter(field_name="admin_unit_id")

    class Meta:
        model = Agency
        fields = ["kind", "crossing", "force", "admin_unit"]


@extend_schema_view(
    list=extend_schema(summary="List administrative units", tags=["core"]),
    retrieve=extend_schema(summary="One administrative unit", tags=["core"]),
)
class AdministrativeUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Lạng Sơn's administrative units: the 2025 two-tier structure (province → 65 communes/wards)
    and the legacy one (province → 11 districts → communes), with each legacy commune's successors."""

    serializer_class = AdministrativeUnitSerializer
    filterset_class = AdministrativeUnitFilter
    filter_backends = [FilterWhenAskedBackend]
    pagination_class = CountWithPagePagination
    queryset = AdministrativeUnit.objects.none()  # for the schema; requests use the selector

    def get_queryset(self):
        return selectors.admin_unit_list()


@extend_schema_view(
    list=extend_schema(summary="List agencies", tags=["core"]),
    retrieve=extend_schema(summary="One agency", tags=["core"]),
)
class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    """Active public bodies: the provincial committee and departments, commune committees, party
    committees and the ten forces at each border crossing."""

    serializer_class = AgencySerializer
    filterset_class = AgencyFilter
    filter_backends = [FilterWhenAskedBackend]
    pagination_class = CountWithPagePagination
    queryset = Agency.objects.none()

    def get_queryset(self):
        # The list serialises plain rows (cheaper than model instances); one agency, the model.
        return selectors.agency_rows() if self.action == "list" else selectors.agency_list()
