"""Public GeoJSON API of the land platform (documented in the OpenAPI schema): a parcel by code,
the parcels in a bounding box (paginated, capped), the plan zones at a point. Public attributes
only — the serializers below name every field they return, and none is an owner's."""

from django.contrib.gis.geos import Point
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from government.land import selectors
from government.land.geo import WGS84_SRID, in_province_wgs84

PARCEL_PROPERTIES = inline_serializer(
    "ParcelProperties",
    {
        "code": serializers.CharField(),
        "commune_code": serializers.IntegerField(),
        "commune": serializers.CharField(),
        "legacy_commune": serializers.CharField(allow_null=True),
        "sheet": serializers.IntegerField(),
        "number": serializers.IntegerField(),
        "land_use": serializers.CharField(),
        "land_use_name": serializers.CharField(),
        "area_m2": serializers.FloatField(),
        "address": serializers.CharField(),
        "use_form": serializers.CharField(),
        "use_term": serializers.CharField(),
        "origin": serializers.CharField(),
        "version": serializers.IntegerField(),
    },
)
GEOMETRY = serializers.JSONField(help_text="GeoJSON geometry, EPSG:4326")


class _Public(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []  # public data: no session, no CSRF


class ParcelDetailApi(_Public):
    @extend_schema(
        operation_id="land_parcel_retrieve",  # drf-spectacular derived the list's id for both (W001)
        summary="Một thửa đất theo mã (GeoJSON Feature, không có thông tin người sử dụng đất)",
        responses=inline_serializer(
            "ParcelFeature",
            {
                "type": serializers.CharField(),
                "id": serializers.CharField(),
                "geometry": GEOMETRY,
                "properties": PARCEL_PROPERTIES,
            },
        ),
    )
    def get(self, request, code):
        parcel = selectors.parcel_by_code(code)
        if parcel is None:
            raise NotFound
        return Response(selectors.parcel_feature(parcel))


class BBoxQuery(serializers.Serializer):
    bbox = serializers.CharField(help_text="west,south,east,north in WGS84 degrees; at most about 2 km × 2 km")
    page = serializers.IntegerField(min_value=1, max_value=1000, default=1)
    limit = serializers.IntegerField(min_value=1, max_value=selectors.PAGE_CAP, default=selectors.PAGE_CAP)

    def validate_bbox(self, value):
        try:
            west, south, east, north = (float(v) for v in value.split(","))
        except ValueError:
            raise serializers.ValidationError("bbox phải có dạng tây,nam,đông,bắc (độ thập phân).") from None
        if not (west < east and south < north):
            raise serializers.ValidationError("bbox: tây < đông và nam < bắc.")
        if (east - west) * (north - south) > selectors.BBOX_MAX_DEG2:
            raise serializers.ValidationError("bbox quá lớn: tối đa khoảng 2 km × 2 km; phóng to bản đồ.")
        return (west, south, east, north)


class ParcelBBoxApi(_Public):
    @extend_schema(
        operation_id="land_parcel_list",
        summary="Các thửa đất trong một khung nhìn (GeoJSON FeatureCollection, phân trang, tối đa 500 thửa/trang)",
        parameters=[BBoxQuery],
        responses=inline_serializer(
            "ParcelCollection",
            {
                "type": serializers.CharField(),
                "features": serializers.ListField(child=serializers.JSONField()),
                "page": serializers.IntegerField(),
                "has_next": serializers.BooleanField(),
            },
        ),
    )
    def get(self, request):
        query = BBoxQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        return Response(selectors.parcels_in_bbox(data["bbox"], page=data["page"], limit=data["limit"]))


class PointQuery(serializers.Serializer):
    lon = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)


class PlanZonesAtPointApi(_Public):
    @extend_schema(
        summary="Các vùng quy hoạch sử dụng đất tại một điểm (WGS84)",
        parameters=[PointQuery],
        responses=inline_serializer(
            "PlanZoneList",
            {
                "type": serializers.CharField(),
                "features": serializers.ListField(
                    child=inline_serializer(
                        "PlanZoneFeature",
                        {
                            "code": serializers.CharField(),
                            "planned_use": serializers.CharField(),
                            "planned_use_name": serializers.CharField(),
                            "plan_period": serializers.CharField(),
                            "decision": serializers.CharField(),
                        },
                    )
                ),
            },
        ),
    )
    def get(self, request):
        query = PointQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        lon, lat = query.validated_data["lon"], query.validated_data["lat"]
        if not in_province_wgs84(lon, lat):
            raise ValidationError({"lon": ["Điểm nằm ngoài tỉnh Lạng Sơn."]})
        zones = selectors.plan_zones_at(Point(lon, lat, srid=WGS84_SRID))
        features = [
            {
                "type": "Feature",
                "id": z.code,
                "geometry": None,
                "properties": {
                    "code": z.code,
                    "planned_use": z.planned_use_id,
                    "planned_use_name": z.planned_use.name,
                    "plan_period": z.plan_period,
                    "decision": z.decision,
                },
            }
            for z in zones
        ]
        return Response({"type": "FeatureCollection", "features": features})
