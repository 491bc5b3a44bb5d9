"""Core read API: administrative units (both structures, with the legacy→2025 mapping) and agencies.

Read-only, for signed-in users (the project's default DRF permission), paginated (limit/offset).
Documented in the OpenAPI schema served at /api/schema/ (drf-spectacular)."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from core import selectors
from core.agencies.models import Agency, BorderForce
from core.geo.models import AdministrativeUnit


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
    queryset = Agency.objects.none()

    def get_queryset(self):
        return selectors.agency_list()
