"""Machine-to-machine API of the border gate (yard operators, customs systems) and the declarants'
read API. Thin: authenticate, validate, call a service or a selector, serialise.

Yard and customs systems are machine clients of core.api_clients (ADR 1603): `Authorization:
Api-Key <key>`, data services as scopes, a rate limit and a call log. Each client is bound by a
ClientBinding to one crossing and to what its organisation may see (selectors.entries_for_client: an
enterprise's own trucks, a yard operator's yards). State changes (yard events, lanes) are audited by
their services with the client as the actor label."""

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response

from border_gate import selectors, services
from border_gate.models import ClientBinding, Direction, Entry, YardEvent
from core.api import QueryParamsSerializer
from core.api_clients.api import ClientAPIView
from core.permissions import HasRole
from core.users import roles

# -- machine clients ---------------------------------------------------------------------------


class KeyAPIView(ClientAPIView):
    """Base of the border gate's key-authenticated endpoints: core's machine-client view (key,
    data service, rate limit, call log) plus the client's border-gate binding."""

    def binding(self) -> ClientBinding | None:
        client = self.request.auth.client
        return ClientBinding.objects.select_related("crossing").filter(client=client).first()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if getattr(self, "swagger_fake_view", False):
            return
        self._binding = self.binding()
        if self._binding is None:
            # A client not bound to a crossing (an LGSP consumer given this service by mistake)
            # reads nothing of the border gate.
            raise exceptions.PermissionDenied(_("Hệ thống kết nối không gắn với cửa khẩu nào."))

    def get_serializer_context(self):
        # The serializer leaves out what this client's organisation may not see (EntrySerializer).
        return {**super().get_serializer_context(), "binding": getattr(self, "_binding", None)}


# -- serializers -------------------------------------------------------------------------------


class GoodsSerializer(serializers.Serializer):
    line_no = serializers.IntegerField()
    hs_code = serializers.CharField()
    description = serializers.CharField()
    goods_type = serializers.CharField()
    weight_kg = serializers.IntegerField()
    value_vnd = serializers.IntegerField(
        allow_null=True, help_text="null for a key that is not the truck's enterprise's or customs'"
    )
    perishable = serializers.BooleanField()


class EntrySerializer(serializers.ModelSerializer):
    crossing = serializers.CharField(source="crossing.code")
    vehicle_plate = serializers.CharField(source="vehicle.plate_display")
    vehicle_country = serializers.CharField(source="vehicle.country")
    trailer_plate = serializers.SerializerMethodField()
    containers = serializers.SerializerMethodField()
    goods = GoodsSerializer(many=True)
    current_step = serializers.SerializerMethodField()
    current_yard = serializers.SerializerMethodField()
    fee_paid = serializers.SerializerMethodField()

    class Meta:
        model = Entry
        fields = [
            "code",
            "crossing",
            "direction",
            "regime",
            "journey",
            "status",
            "version",
            "vehicle_plate",
            "vehicle_country",
            "trailer_plate",
            "containers",
            "driver_name",
            "goods",
            "perishable",
            "customs_declaration_number",
            "lane",
            "inspection_required",
            "current_step",
            "current_yard",
            "expected_arrival",
            "arrived_at",
            "called_at",
            "closed_at",
            "fee_amount",
            "fee_paid",
            "updated_at",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        binding = self.context.get("binding")
        if binding is not None and not selectors.client_shows_personal_data(binding, instance):
            # Another company's driver and the value of its goods are not a yard operator's business.
            data["driver_name"] = ""
            for line in data["goods"]:
                line["value_vnd"] = None
        return data

    def get_trailer_plate(self, obj) -> str:
        return obj.trailer.plate_display if obj.trailer_id else ""

    def get_containers(self, obj) -> list[str]:
        return [c.number for c in obj.containers.all()]

    def get_current_step(self, obj) -> str | None:
        return obj.current_step.step.code if obj.current_step_id else None

    def get_current_yard(self, obj) -> str | None:
        return obj.current_yard.code if obj.current_yard_id else None

    def get_fee_paid(self, obj) -> bool:
        return obj.fee_paid_at is not None


def _entries_qs():
    return Entry.objects.select_related(
        "crossing", "vehicle", "trailer", "current_step__step", "current_yard"
    ).prefetch_related("goods", "containers")


# -- key-authenticated endpoints ---------------------------------------------------------------


class EntryListParams(QueryParamsSerializer):
    """The list's filters, validated: an unknown status or direction is a 400, not an empty page."""

    status = serializers.ChoiceField(choices=Entry.Status.choices, required=False)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    updated_since = serializers.DateTimeField(required=False, help_text="ISO 8601 date-time")


@extend_schema(tags=["border-gate: yards & customs"], parameters=[EntryListParams])
class EntryListApi(KeyAPIView, ListAPIView):
    """Entries at the key's crossing (newest change first)."""

    service = services.SERVICE_ENTRIES
    serializer_class = EntrySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Entry.objects.none()
        qs = _entries_qs().filter(pk__in=selectors.entries_for_client(self._binding).values("pk"))
        qs = qs.order_by("-updated_at", "-pk")
        params = EntryListParams(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        if p.get("status"):
            qs = qs.filter(status=p["status"])
        if p.get("direction"):
            qs = qs.filter(direction=p["direction"])
        if p.get("updated_since"):
            qs = qs.filter(updated_at__gte=p["updated_since"])
        return qs


@extend_schema(tags=["border-gate: yards & customs"])
class EntryDetailApi(KeyAPIView, RetrieveAPIView):
    service = services.SERVICE_ENTRIES
    serializer_class = EntrySerializer
    lookup_field = "code"

    def get_queryset(self):
        # Another crossing's or organisation's entry is a 404, not a 403: a key learns nothing
        # outside its scope.
        if getattr(self, "swagger_fake_view", False):
            return Entry.objects.none()
        return _entries_qs().filter(pk__in=selectors.entries_for_client(self._binding).values("pk"))


class YardEventIn(serializers.Serializer):
    entry_code = serializers.CharField(max_length=20)
    yard = serializers.SlugField(help_text="yard code")
    kind = serializers.ChoiceField(choices=["in", "out"])
    at = serializers.DateTimeField(required=False)
    external_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class YardEventOut(serializers.Serializer):
    id = serializers.IntegerField()
    entry_code = serializers.CharField(source="entry.code")
    yard = serializers.CharField(source="yard.code")
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    external_id = serializers.CharField()
    entry_status = serializers.CharField(source="entry.status")


def _entry_at(crossing, code: str) -> Entry:
    entry = Entry.objects.filter(crossing=crossing, code=code.strip().upper()).first()
    if entry is None:
        raise exceptions.NotFound(_("Không có lượt xe này tại cửa khẩu của khóa API."))
    return entry


@extend_schema(tags=["border-gate: yards & customs"], request=YardEventIn, responses={201: YardEventOut})
class YardEventApi(KeyAPIView):
    """A yard system reports a truck entering or leaving its yard. An "in" while the truck is at
    the yard-entry step passes that step. Retrying with the same external_id records nothing twice."""

    service = services.SERVICE_YARD_EVENTS

    def post(self, request):
        s = YardEventIn(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        binding = self._binding
        # A yard system reports for its own yards only.
        yard = binding.yards.filter(code=d["yard"], crossing_id=binding.crossing_id).first()
        if yard is None:
            raise exceptions.ValidationError({"yard": [_("Bãi không thuộc đơn vị vận hành của khóa API.")]})
        entry = _entry_at(binding.crossing, d["entry_code"])
        if d["kind"] == YardEvent.Kind.OUT and not selectors.entries_for_client(binding).filter(pk=entry.pk).exists():
            # Any truck at the crossing may arrive at the yard's gate, but only one of the yard's own
            # can leave it (an "out" must not make another yard's truck readable).
            raise exceptions.NotFound(_("Không có lượt xe này tại cửa khẩu của khóa API."))
        # A refusal is answered by core.api.exception_handler, with the status of its error class.
        event = services.yard_event_record(
            entry=entry,
            yard=yard,
            kind=d["kind"],
            at=d.get("at"),
            external_id=d["external_id"],
            actor=None,
            actor_label=self.key_label(),
        )
        event.entry.refresh_from_db()
        return Response(YardEventOut(event).data, status=status.HTTP_201_CREATED)


class CustomsLaneIn(serializers.Serializer):
    entry_code = serializers.CharField(max_length=20, required=False)
    customs_declaration_number = serializers.CharField(max_length=12, required=False)
    lane = serializers.ChoiceField(choices=Entry.Lane.values)

    def validate(self, attrs):
        if not attrs.get("entry_code") and not attrs.get("customs_declaration_number"):
            raise serializers.ValidationError(_("Cần entry_code hoặc customs_declaration_number."))
        return attrs


class CustomsLaneOut(serializers.Serializer):
    entry_code = serializers.CharField(source="code")
    lane = serializers.CharField()
    inspection_required = serializers.BooleanField()


@extend_schema(tags=["border-gate: yards & customs"], request=CustomsLaneIn, responses={200: CustomsLaneOut})
class CustomsLaneApi(KeyAPIView):
    """The customs system posts the risk lane of a declaration (green/yellow/red)."""

    service = services.SERVICE_CUSTOMS_LANES

    def post(self, request):
        s = CustomsLaneIn(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        crossing = self._binding.crossing
        if d.get("entry_code"):
            entry = _entry_at(crossing, d["entry_code"])
        else:
            entry = (
                Entry.objects.filter(crossing=crossing, customs_declaration_number=d["customs_declaration_number"])
                .filter(status__in=Entry.OPEN_STATUSES)
                .first()
            )
            if entry is None:
                raise exceptions.NotFound(_("Không có lượt xe đang mở với số tờ khai này tại cửa khẩu."))
        entry = services.customs_assign_lane(actor=None, entry=entry, lane=d["lane"], actor_label=self.key_label())
        return Response(CustomsLaneOut(entry).data)


# -- LGSP: border traffic ------------------------------------------------------------------------


class TrafficParams(QueryParamsSerializer):
    date_from = serializers.DateField(help_text="first day (YYYY-MM-DD)")
    date_to = serializers.DateField(help_text="last day (YYYY-MM-DD), at most 366 days after date_from")
    crossing = serializers.SlugField(required=False, help_text="crossing code, e.g. huu-nghi")

    def validate(self, attrs):
        if attrs["date_to"] < attrs["date_from"]:
            raise serializers.ValidationError({"date_to": [_("Ngày kết thúc phải sau ngày bắt đầu.")]})
        if (attrs["date_to"] - attrs["date_from"]).days > 366:
            raise serializers.ValidationError({"date_to": [_("Mỗi lần lấy tối đa 366 ngày.")]})
        return attrs


class TrafficOut(serializers.Serializer):
    day = serializers.DateField()
    crossing = serializers.CharField()
    direction = serializers.CharField()
    trucks = serializers.IntegerField()


@extend_schema(tags=["LGSP"], summary="Border traffic per day (border_gate.traffic)", parameters=[TrafficParams],
               responses={200: TrafficOut(many=True)})  # fmt: skip
class TrafficApi(ClientAPIView):
    """Trucks arrived at each crossing per day and direction: the figures other agencies (tax,
    statistics, the ministry) take over LGSP. No vehicle, driver or goods details."""

    service = services.SERVICE_TRAFFIC

    def get(self, request):
        params = TrafficParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        return Response(
            TrafficOut(
                selectors.traffic_by_day(date_from=p["date_from"], date_to=p["date_to"], crossing=p.get("crossing")),
                many=True,
            ).data
        )


# -- declarants' API (session) -----------------------------------------------------------------


@extend_schema(tags=["border-gate: declarants"])
class MyDeclarationsApi(ListAPIView):
    """The signed-in declarant's entries (own and their enterprises')."""

    permission_classes = [HasRole(roles.ENTERPRISE, roles.CITIZEN)]
    serializer_class = EntrySerializer

    def get_queryset(self):
        ids = selectors.entries_for_declarant(self.request.user).values("pk")
        return _entries_qs().filter(Q(pk__in=ids)).order_by("-created_at")
