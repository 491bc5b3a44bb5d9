"""Core read API: administrative units (both structures, with the legacy→2025 mapping) and agencies.

Read-only, for signed-in users (the project's default DRF permission), paginated (limit/offset).
Documented in the OpenAPI schema served at /api/schema/ (drf-spectacular)."""

import django_filters
from django.db.models import Count, QuerySet, Window
from django.db.models.query import ValuesIterable
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from core import selectors
from core.agencies.models import Agency, BorderForce
from core.api import IntegerFilter, PortalPagination, refuse_blank_params
from core.geo.models import AdministrativeUnit


class CountWithPagePagination(PortalPagination):
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
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is not None:
            refuse_blank_params(request.query_params, filterset_class.base_filters)
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
        if isinstance(instance, dict) and "admin_unit__id" in instance:
            return _row_representation(self, instance)
        return super().to_representation(instance)


# Read-only fields whose representation of a non-null value is a plain conversion (DRF's own
# to_representation for these classes does exactly this).
_PLAIN = {serializers.IntegerField: int, serializers.CharField: str}


def _row_plan(serializer) -> list[tuple]:
    """Per serializer class, from its declared fields: (name, row key, conversion or choices or nested
    plan). Built once; DRF's per-field machinery (get_attribute, to_representation, the many layers in
    between) cost more than the query for a page of rows (docs/benchmarks.md, "Foundation")."""
    cls = type(serializer)
    plan = _row_plans.get(cls)
    if plan is None:
        plan = []
        for field in serializer._readable_fields:
            key = "__".join(field.source_attrs)
            if isinstance(field, serializers.Serializer):
                nested = [(name, f"{key}__{sub}", how, kind) for name, sub, how, kind in _row_plan(field)]
                plan.append((field.field_name, key, nested, "nested"))
            elif type(field) is serializers.ChoiceField:
                plan.append((field.field_name, key, field.choice_strings_to_values, "choice"))
            elif type(field) in _PLAIN:
                plan.append((field.field_name, key, _PLAIN[type(field)], "plain"))
            else:
                raise TypeError(f"{cls.__name__}.{field.field_name}: no row representation for {type(field).__name__}")
        _row_plans[cls] = plan
    return plan


_row_plans: dict[type, list[tuple]] = {}


def _represent(plan, row: dict) -> dict:
    out = {}
    for name, key, how, kind in plan:
        if kind == "nested":
            # A related object comes as its columns (admin_unit__id, ...), all null when there is none.
            out[name] = _represent(how, row) if any(row[sub[1]] is not None for sub in how) else None
            continue
        value = row[key]
        if value is None:
            out[name] = None
        elif kind == "plain":
            out[name] = how(value)
        else:  # ChoiceField: '' stays '', a known choice maps to its value, anything else as is
            out[name] = value if value == "" else how.get(str(value), value)
    return out


def _row_representation(serializer, row: dict) -> dict:
    """What DRF's Serializer.to_representation gives for the model instance behind `row` (a values()
    row holding the serializer's fields, a nested serializer's fields as `<source>__<field>`), without
    building the instance. tests/core/test_api_pagination.py compares both on every agency."""
    return _represent(_row_plan(serializer), row)


class AdministrativeUnitFilter(django_filters.FilterSet):
    structure = django_filters.ChoiceFilter(choices=AdministrativeUnit.Structure.choices)
    level = django_filters.ChoiceFilter(choices=AdministrativeUnit.Level.choices)
    parent = IntegerFilter(field_name="parent_id", help_text="id of the parent unit")
    code = IntegerFilter()
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = AdministrativeUnit
        fields = ["structure", "level", "parent", "code", "name"]


class AgencyFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Agency.Kind.choices)
    crossing = django_filters.CharFilter(field_name="crossing_code", help_text="border crossing code, e.g. huu-nghi")
    force = django_filters.ChoiceFilter(choices=BorderForce.choices)
    admin_unit = IntegerFilter(field_name="admin_unit_id")

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
