"""REST API of the party agencies pillar (DRF, in the OpenAPI schema): an organisation's document
inbox with read acknowledgement, and the resolution tasks with progress reports by their owner
agency. The same access rules as the pages (party.selectors.access): what a user may not see
answers 404."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import PortalJSONParser
from core.permissions import HasRole
from party.assessment import assess, next_report_due, report_overdue
from party.models import Distribution, KeyTask
from party.permissions import PARTY_ROLES, TASK_ROLES
from party.selectors import documents as doc_selectors
from party.selectors import resolutions
from party.services import documents as doc_services
from party.services import tasks as task_services


class OrganisationRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class InboxDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    issued_on = serializers.DateField()
    confidentiality = serializers.CharField()
    organisation = OrganisationRefSerializer()


class InboxItemSerializer(serializers.ModelSerializer):
    document = InboxDocumentSerializer()
    organisation = OrganisationRefSerializer()
    read_by = serializers.SerializerMethodField()

    class Meta:
        model = Distribution
        fields = ["id", "document", "organisation", "sent_at", "read_at", "read_by", "reminder_count"]

    def get_read_by(self, obj) -> str | None:
        return obj.read_by.get_full_name() if obj.read_by_id else None


class InboxFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["", "unread", "read"], required=False, default="")


class InboxListApi(ListAPIView):
    """Documents sent to the organisations the caller acts for, newest first (`?state=unread`)."""

    permission_classes = [HasRole(*PARTY_ROLES)]
    serializer_class = InboxItemSerializer

    @extend_schema(parameters=[InboxFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = InboxFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return doc_selectors.inbox(self.request.user, state=params.validated_data["state"])


class InboxAcknowledgeApi(APIView):
    """Confirm that the organisation has read the document (the first confirmation counts)."""

    permission_classes = [HasRole(*PARTY_ROLES)]
    parser_classes = [PortalJSONParser, FormParser]

    @extend_schema(request=None, responses=InboxItemSerializer)
    def post(self, request, pk: int):
        row = doc_selectors.inbox(request.user).filter(pk=pk).first()
        if row is None:
            raise NotFound
        row = doc_services.document_acknowledge(actor=request.user, distribution=row)
        row = doc_selectors.inbox(request.user).get(pk=row.pk)
        return Response(InboxItemSerializer(row).data)


class TaskSerializer(serializers.ModelSerializer):
    resolution = serializers.CharField(source="document.number")
    owner = serializers.SerializerMethodField()
    assessment = serializers.SerializerMethodField()
    report_overdue = serializers.SerializerMethodField()
    next_report_due = serializers.SerializerMethodField()

    class Meta:
        model = KeyTask
        fields = [
            "id",
            "resolution",
            "code",
            "title",
            "owner",
            "target",
            "start_on",
            "deadline",
            "progress",
            "status",
            "assessment",
            "completed_on",
            "last_reported_on",
            "next_report_due",
            "report_overdue",
        ]

    def get_owner(self, obj) -> dict:
        return {"code": obj.owner.code, "name": obj.owner.name}

    def get_assessment(self, obj) -> str:
        return assess(obj, timezone.localdate())

    def get_report_overdue(self, obj) -> bool:
        return report_overdue(obj, timezone.localdate())

    def get_next_report_due(self, obj) -> str:
        return next_report_due(obj).isoformat()


class TaskListApi(ListAPIView):
    """Resolution tasks the caller may see: all for Party officials and province leaders, their own
    agency's for other officials; each with its computed assessment (done, on_track, late)."""

    permission_classes = [HasRole(*TASK_ROLES)]
    serializer_class = TaskSerializer

    def get_queryset(self):
        return resolutions.tasks(self.request.user)


class TaskDetailApi(RetrieveAPIView):
    permission_classes = [HasRole(*TASK_ROLES)]
    serializer_class = TaskSerializer

    def get_queryset(self):
        return resolutions.tasks(self.request.user)


class ReportSerializer(serializers.Serializer):
    progress = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=5)


class TaskReportApi(APIView):
    """A progress report (percent, text, evidence files) by the owner agency only; anyone else who
    may see the task gets 403."""

    permission_classes = [HasRole(*TASK_ROLES)]
    parser_classes = [MultiPartParser, FormParser, PortalJSONParser]

    @extend_schema(request=ReportSerializer, responses={201: TaskSerializer})
    def post(self, request, pk: int):
        task = resolutions.tasks(request.user).filter(pk=pk).first()
        if task is None:
            raise NotFound
        body = ReportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        task = task_services.key_task_report_progress(task=task, actor=request.user, **body.validated_data)
        task = resolutions.tasks(request.user).get(pk=task.pk)
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)
