"""Core's LGSP data services: administrative units and published statistics. Thin: the client's
service and units are checked by ClientAPIView and `bound_units`; reads come from core selectors."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from core.api import QueryParamsSerializer
from core.api_clients.api import ClientAPIView
from core.api_clients.models import ApiClient
from core.apis import AdministrativeUnitFilter, AdministrativeUnitSerializer
from core.geo.models import AdministrativeUnit

TAG = "LGSP"


def bound_units(client: ApiClient) -> set[int] | None:
    """Codes of the 2025 communes the client may see; None for a province-wide client. Memoised on
    the client object (one request's)."""
    if client.all_units:
        return None
    if not hasattr(client, "_bound_units"):
        client._bound_units = set(client.units.values_list("code", flat=True))
    return client._bound_units


def unit_allowed(client: ApiClient, code: int | None) -> bool:
    units = bound_units(client)
    return units is None or (code is not None and code in units)


@extend_schema(tags=[TAG], summary="Administrative units (core.admin_units)")
class AdminUnitsApi(ClientAPIView, ListAPIView):
    """Lạng Sơn's administrative units in both structures (2025 and legacy), with each legacy
    commune's successors. Reference data: not limited by the client's units."""

    service = "core.admin_units"
    serializer_class = AdministrativeUnitSerializer
    filterset_class = AdministrativeUnitFilter

    def get_queryset(self):
        return (
            AdministrativeUnit.objects.select_related("parent")
            .prefetch_related(Prefetch("successors", queryset=AdministrativeUnit.objects.order_by("code")))
            .order_by("structure", "level", "code")
        )


class StatisticsParams(QueryParamsSerializer):
    indicator = serializers.CharField(required=False, max_length=100, help_text="indicator code")
    commune = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=99_999,
        help_text="2025 commune code; omitted: the whole province",
        error_messages={
            "invalid": gettext_lazy("Mã xã, phường phải là một số."),
            "min_value": gettext_lazy("Mã xã, phường không hợp lệ."),
            "max_value": gettext_lazy("Mã xã, phường không hợp lệ."),
        },
    )


class StatisticOut(serializers.Serializer):
    code = serializers.CharField()
    pillar = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    commune = serializers.IntegerField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    as_of = serializers.DateTimeField(allow_null=True)
    provisional = serializers.BooleanField()


@extend_schema(
    tags=[TAG],
    summary="Published statistics (core.statistics)",
    parameters=[StatisticsParams],
    responses={200: StatisticOut(many=True)},
)
class StatisticsApi(ClientAPIView):
    """The newest value of every public indicator (the figures the public statistics page shows), for
    the province or for one commune the client is bound to."""

    service = "core.statistics"

    def get(self, request):
        from core.indicators import registry
        from core.indicators.models import IndicatorSnapshot

        params = StatisticsParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        commune = params.validated_data.get("commune")
        client = request.auth.client
        if commune is None and bound_units(client) is not None:
            raise exceptions.ValidationError(
                {"commune": [_("Hệ thống chỉ được xem số liệu của các xã, phường được cấp: cần chọn một xã, phường.")]}
            )
        if commune is not None and not unit_allowed(client, commune):
            raise exceptions.PermissionDenied(_("Hệ thống không được xem số liệu của xã, phường này."))
        indicators = [i for i in registry.all_indicators() if i.public]
        if commune is not None:
            indicators = [i for i in indicators if i.by_commune]
        wanted = params.validated_data.get("indicator")
        if wanted:
            indicators = [i for i in indicators if i.code == wanted]
            if not indicators:
                raise exceptions.NotFound(_("Không có chỉ tiêu công khai với mã này."))
        snapshots = IndicatorSnapshot.objects.filter(
            indicator_code__in=[i.code for i in indicators], period_start__lt=timezone.now()
        )
        snapshots = (
            snapshots.filter(commune_code=commune) if commune is not None else snapshots.filter(commune_code=None)
        )
        values = {
            s.indicator_code: {"value": s.value, "as_of": s.period_end, "provisional": s.provisional}
            for s in snapshots.order_by("indicator_code", "-period_end").distinct("indicator_code")
        }
        rows = [
            {
                "code": i.code,
                "pillar": i.pillar,
                "name": str(i.name),
                "unit": str(i.unit),
                "commune": commune,
                "value": values.get(i.code, {}).get("value"),
                "as_of": values.get(i.code, {}).get("as_of"),
                "provisional": bool(values.get(i.code, {}).get("provisional")),
            }
            for i in indicators
        ]
        return Response(StatisticOut(rows, many=True).data)
