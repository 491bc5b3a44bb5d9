"""REST API of the government pillar (DRF, documented in the OpenAPI schema by drf-spectacular):
the public catalogue, the public status lookup, and a citizen's own dossiers (create, edit the
draft, upload, submit, pay, answer a supplement request, status). A citizen only ever reaches their
own dossiers: any other answers 404."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import PortalJSONParser
from core.permissions import HasRole
from core.users import roles
from government import selectors, services
from government.models import Dossier, DossierEvent, DossierFile, Procedure, ProcedureDocument

APPLICANT = HasRole(roles.CITIZEN, roles.ENTERPRISE)


class ProcedureDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcedureDocument
        fields = ["code", "name", "required", "accepted_types", "max_size_mb"]


class ProcedureSerializer(serializers.ModelSerializer):
    agency = serializers.SerializerMethodField()
    documents = ProcedureDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Procedure
        fields = [
            "code",
            "name",
            "name_en",
            "topic",
            "level",
            "scope",
            "agency",
            "processing_days",
            "fee_base",
            "fee_per_unit",
            "fee_unit_field",
            "fee_note",
            "result_name",
            "legal_basis",
            "documents",
            "form_fields",
            "steps",
        ]

    def get_agency(self, obj) -> dict | None:
        return {"code": obj.agency.code, "name": obj.agency.name} if obj.agency else None


class DossierFileSerializer(serializers.ModelSerializer):
    # None for a file sent with a supplement (it answers the request, not one document).
    document = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = DossierFile
        fields = ["id", "document", "original_name", "size", "mime_type", "sha256", "uploaded_at"]


class DossierEventSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_to_status_display")
    # Officials' internal notes (forwarding, approval) never reach the applicant.
    note = serializers.CharField(source="citizen_note")

    class Meta:
        model = DossierEvent
        fields = ["at", "verb", "to_status", "status_label", "note"]


class DossierSerializer(serializers.ModelSerializer):
    procedure = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    files = DossierFileSerializer(many=True, read_only=True)
    events = DossierEventSerializer(many=True, read_only=True)
    open_supplement_request = serializers.SerializerMethodField()
    result_verification_url = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = [
            "uid",
            "code",
            "procedure",
            "agency",
            "status",
            "status_label",
            "applicant_id_number",
            "data",
            "fee_amount",
            "paid_at",
            "submitted_at",
            "received_at",
            "due_date",
            "rescheduled_due_date",
            "paused_working_days",
            "rejection_reason",
            "files",
            "events",
            "open_supplement_request",
            "result_verification_url",
        ]
        read_only_fields = fields

    def get_open_supplement_request(self, obj) -> str | None:
        request = obj.supplement_requests.filter(answered_at__isnull=True).last()
        return request.reason if request else None

    def get_result_verification_url(self, obj) -> str | None:
        return obj.result_document.get_verification_url() if obj.result_document_id else None


class DossierCreateSerializer(serializers.Serializer):
    procedure = serializers.SlugRelatedField(slug_field="code", queryset=Procedure.objects.filter(is_active=True))
    commune = serializers.IntegerField(required=False, help_text="Mã xã, phường (cấu trúc 2025) với thủ tục cấp xã")
    data = serializers.DictField(required=False, default=dict)
    client_token = serializers.UUIDField(required=False, help_text="Khóa chống tạo trùng khi gửi lại yêu cầu")


class TextField(serializers.CharField):
    """A CharField that takes text only: DRF's turns a JSON number into text, which the schema (string)
    says is invalid (schemathesis: a number accepted as an ID number)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class DossierDataSerializer(serializers.Serializer):
    data = serializers.DictField()
    applicant_id_number = TextField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="Số CCCD (12 chữ số) của người nộp; bắt buộc khi nộp (tra cứu công khai dùng 4 số cuối)",
    )


class FileUploadSerializer(serializers.Serializer):
    document = serializers.CharField(
        required=False, allow_blank=True, help_text="Mã thành phần hồ sơ; bỏ trống khi bổ sung"
    )
    file = serializers.FileField()


class SupplementSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class LookupResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure = serializers.CharField()
    agency = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    history = serializers.ListField(child=serializers.DictField())


def _error_response(exc: services.DossierError) -> Response:
    if isinstance(exc, services.NotAllowed):
        raise NotFound
    if isinstance(exc, services.InvalidTransition):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    return Response(exc.errors or {"detail": exc.message}, status=status.HTTP_400_BAD_REQUEST)


def _own(request, uid) -> Dossier:
    dossier = selectors.my_dossiers(request.user).filter(uid=uid).first()
    if dossier is None:
        raise NotFound
    return dossier


# --- public -------------------------------------------------------------------------------------------


@extend_schema(
    tags=["government"],
    parameters=[
        OpenApiParameter("q", str, description="Tên hoặc mã thủ tục"),
        OpenApiParameter("topic", str, description="Lĩnh vực"),
        OpenApiParameter("agency", str, description="Mã cơ quan, hoặc 'commune'"),
    ],
)
class ProcedureListApi(ListAPIView):
    """The public catalogue of procedures."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = ProcedureSerializer
    filter_backends: list = []

    def get_queryset(self):
        p = self.request.query_params
        return selectors.procedure_list(q=p.get("q", ""), topic=p.get("topic", ""), agency=p.get("agency", ""))


@extend_schema(tags=["government"])
class ProcedureDetailApi(RetrieveAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = ProcedureSerializer

    def get_object(self):
        return selectors.procedure_get(self.kwargs["code"])


@extend_schema(
    tags=["government"],
    parameters=[
        OpenApiParameter("code", str, required=True, description="Mã hồ sơ"),
        OpenApiParameter(
            "id_last4", str, required=True, description="4 số cuối CCCD của người nộp", pattern=r"^[0-9]{4}$"
        ),
    ],
    responses={200: LookupResultSerializer},
)
class LookupApi(APIView):
    """Public status lookup: nothing personal is returned. 404 when code and digits do not match."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get(self, request):
        from government.views import lookup_allowed

        code = request.query_params.get("code", "")
        digits = request.query_params.get("id_last4", "")
        errors = {}
        if not code.strip():
            errors["code"] = ["Vui lòng nhập mã hồ sơ."]
        if len(digits) != 4 or not digits.isdigit():
            errors["id_last4"] = ["Nhập đúng 4 chữ số."]
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        if not lookup_allowed(request):
            raise Throttled(wait=600)
        dossier = selectors.public_lookup(code, digits)
        if dossier is None:
            raise NotFound("Không tìm thấy hồ sơ.")
        history = [
            {"at": h["at"].isoformat(), "status": h["status"], "status_label": str(h["status_label"])}
            for h in selectors.public_history(dossier)
        ]
        return Response(
            {
                "code": dossier.code,
                "procedure": dossier.procedure.name,
                "agency": dossier.agency.name,
                "status": dossier.status,
                "status_label": dossier.get_status_display(),
                "due_date": dossier.rescheduled_due_date or dossier.due_date,
                "history": history,
            }
        )


# --- the applicant's own dossiers --------------------------------------------------------------------


@extend_schema(tags=["government"])
class DossierListCreateApi(APIView):
    permission_classes = [APPLICANT]
    # The declaration is a JSON object: a form body cannot carry it (DRF read one as an empty
    # object), so only JSON is read (415 otherwise) and only JSON is in the schema.
    parser_classes = [PortalJSONParser]

    @extend_schema(responses={200: DossierSerializer(many=True)})
    def get(self, request):
        dossiers = selectors.my_dossiers(request.user).prefetch_related("files__document", "events")[:200]
        return Response(DossierSerializer(dossiers, many=True).data)

    @extend_schema(request=DossierCreateSerializer, responses={201: DossierSerializer})
    def post(self, request):
        serializer = DossierCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        v = serializer.validated_data
        try:
            dossier = services.dossier_create(
                procedure=v["procedure"],
                applicant=request.user,
                commune_code=v.get("commune"),
                data=v.get("data"),
                client_token=v.get("client_token"),
            )
        except services.DossierError as exc:
            return _error_response(exc)
        return Response(DossierSerializer(dossier).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["government"])
class DossierDetailApi(APIView):
    permission_classes = [APPLICANT]
    parser_classes = [PortalJSONParser]  # as DossierListCreateApi

    @extend_schema(responses={200: DossierSerializer})
    def get(self, request, uid):
        return Response(DossierSerializer(_own(request, uid)).data)

    @extend_schema(request=DossierDataSerializer, responses={200: DossierSerializer})
    def patch(self, request, uid):
        dossier = _own(request, uid)
        serializer = DossierDataSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            dossier = services.dossier_save_draft(
                dossier=dossier,
                actor=request.user,
                data=serializer.validated_data["data"],
                applicant_id_number=serializer.validated_data.get("applicant_id_number"),
            )
        except services.DossierError as exc:
            return _error_response(exc)
        return Response(DossierSerializer(dossier).data)


@extend_schema(tags=["government"], request=FileUploadSerializer, responses={201: DossierFileSerializer})
class DossierFileApi(APIView):
    """Upload one file (multipart) to a draft, or to the open supplement request."""

    permission_classes = [APPLICANT]
    parser_classes = [MultiPartParser, FormParser]

    def post(self, request, uid):
        dossier = _own(request, uid)
        serializer = FileUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        code = serializer.validated_data.get("document") or ""
        document = None
        if code:
            document = dossier.procedure.documents.filter(code=code).first()
            if document is None:
                return Response({"document": ["Thành phần hồ sơ không tồn tại."]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            record = services.dossier_add_file(
                dossier=dossier, actor=request.user, document=document, uploaded=serializer.validated_data["file"]
            )
        except DjangoValidationError as exc:
            return Response({"file": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
        except services.DossierError as exc:
            return _error_response(exc)
        return Response(DossierFileSerializer(record).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["government"], request=None, responses={200: DossierSerializer})
class DossierSubmitApi(APIView):
    """Submit the draft. A second submission answers 409 and changes nothing."""

    permission_classes = [APPLICANT]
    parser_classes = [PortalJSONParser]

    def post(self, request, uid):
        dossier = _own(request, uid)
        try:
            dossier = services.dossier_submit(dossier=dossier, actor=request.user)
        except services.DossierError as exc:
            return _error_response(exc)
        return Response(DossierSerializer(dossier).data)


@extend_schema(
    tags=["government"],
    request=None,
    responses={
        200: inline_serializer(
            "PaymentLink",
            {
                "reference": serializers.CharField(),
                "amount": serializers.IntegerField(),
                "payment_url": serializers.CharField(),
            },
        )
    },
)
class DossierPayApi(APIView):
    """The payment page of the dossier's fee (core.payments)."""

    permission_classes = [APPLICANT]

    def post(self, request, uid):
        dossier = _own(request, uid)
        try:
            payment = services.dossier_start_payment(dossier=dossier, actor=request.user)
        except services.DossierError as exc:
            return _error_response(exc)
        return Response(
            {
                "reference": payment.reference,
                "amount": payment.amount,
                "payment_url": request.build_absolute_uri(payment.get_absolute_url()),
            }
        )


@extend_schema(tags=["government"], request=SupplementSerializer, responses={200: DossierSerializer})
class DossierSupplementApi(APIView):
    """Send the files uploaded for the open supplement request: the deadline clock resumes."""

    permission_classes = [APPLICANT]

    def post(self, request, uid):
        dossier = _own(request, uid)
        serializer = SupplementSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            dossier = services.dossier_supplement(
                dossier=dossier, actor=request.user, note=serializer.validated_data.get("note", "")
            )
        except services.DossierError as exc:
            return _error_response(exc)
        return Response(DossierSerializer(dossier).data)
