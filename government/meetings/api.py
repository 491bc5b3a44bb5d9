"""The meetings API for agencies' own systems, under the LGSP namespace (core.api_clients): the
meetings the client's agency hosts or sends someone to (selectors.agency_meetings), in a date range,
and one meeting with its agenda, participants, linked documents and video room. Logged per call by
ClientAPIView; another agency's meeting is a 404."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from core.api import QueryParamsSerializer
from core.api_clients.api import ClientAPIView
from government.meetings import selectors
from government.meetings.models import Meeting, Participant

SERVICE = "government.meetings"
TAG = "LGSP"
MAX_DAYS = 366


class MeetingListParams(QueryParamsSerializer):
    date_from = serializers.DateField(required=False, help_text="first day (default: today)")
    date_to = serializers.DateField(required=False, help_text="last day, at most 366 days on (default: +30 days)")

    def validate(self, attrs):
        first = attrs.get("date_from") or timezone.localdate()
        last = attrs.get("date_to") or first + dt.timedelta(days=30)
        if last < first:
            raise serializers.ValidationError({"date_to": [gettext_lazy("Ngày cuối phải sau ngày đầu.")]})
        if (last - first).days > MAX_DAYS:
            raise serializers.ValidationError({"date_to": [gettext_lazy("Mỗi lần xem tối đa 366 ngày.")]})
        return {"date_from": first, "date_to": last}


class MeetingOut(serializers.Serializer):
    uid = serializers.UUIDField()
    title = serializers.CharField()
    agency = serializers.CharField(source="agency.name")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    location = serializers.CharField()
    video_url = serializers.CharField()
    status = serializers.ChoiceField(choices=Meeting.Status.choices)


class ParticipantOut(serializers.Serializer):
    name = serializers.CharField(source="user.get_full_name")
    agency = serializers.CharField(source="agency.name")
    attendance = serializers.ChoiceField(choices=Participant.Attendance.choices)


class LinkedDocumentOut(serializers.Serializer):
    number_symbol = serializers.CharField(source="document.number_symbol")
    abstract = serializers.CharField(source="document.abstract")


class MeetingDetailOut(MeetingOut):
    agenda = serializers.CharField()
    chair = serializers.CharField(source="chair.get_full_name")
    minutes = serializers.CharField()
    participants = ParticipantOut(many=True, source="participants.all")
    documents = LinkedDocumentOut(many=True, source="linked_documents.all")


def _window(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    return start, dt.datetime.combine(last, dt.time.min, tzinfo=tz) + dt.timedelta(days=1)


@extend_schema(
    tags=[TAG],
    summary="Meetings of the client's agency (government.meetings)",
    parameters=[MeetingListParams],
    responses={200: MeetingOut(many=True)},
)
class MeetingListApi(ClientAPIView):
    service = SERVICE

    def get(self, request):
        params = MeetingListParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        start, end = _window(params.validated_data["date_from"], params.validated_data["date_to"])
        rows = (
            selectors.agency_meetings(request.auth.client.owner_agency_id)
            .filter(starts_at__gte=start, starts_at__lt=end)
            .select_related("agency")
            .order_by("starts_at", "id")[:1000]
        )
        return Response(MeetingOut(rows, many=True).data)


@extend_schema(tags=[TAG], summary="One meeting of the client's agency (government.meetings)")
class MeetingDetailApi(ClientAPIView):
    service = SERVICE
    serializer_class = MeetingDetailOut

    @extend_schema(responses={200: MeetingDetailOut})
    def get(self, request, uid):
        m = (
            selectors.agency_meetings(request.auth.client.owner_agency_id)
            .select_related("agency", "chair")
            .prefetch_related("participants__user", "participants__agency", "linked_documents__document")
            .filter(uid=uid)
            .first()
        )
        if m is None:
            raise exceptions.NotFound(_("Không có cuộc họp này trong phạm vi của hệ thống kết nối."))
        return Response(MeetingDetailOut(m).data)
