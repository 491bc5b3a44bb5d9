"""The documents API for agencies' own systems (an e-office system, a commune's portal), served under
the LGSP namespace (core.api_clients, ADR 1603): a machine client reads the documents of the agency
that issued its key — what any official of that agency reads (selectors.agency_readable): registered
incoming and issued outgoing documents of normal confidentiality — searched as the book's page is.
Every call is logged by ClientAPIView; another agency's document is a 404, as an unknown one."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from core.api import QueryParamsSerializer
from core.api_clients.api import ClientAPIView
from government.documents import selectors
from government.documents.models import Direction, DocumentType, Status

SERVICE = "government.documents"
TAG = "LGSP"
MAX_PAGE_SIZE = 100


class DocumentListParams(QueryParamsSerializer):
    q = serializers.CharField(required=False, max_length=200, help_text="words of the number, abstract or body")
    direction = serializers.ChoiceField(required=False, choices=Direction.choices, help_text="in | out")
    doc_type = serializers.ChoiceField(required=False, choices=DocumentType.choices)
    status = serializers.ChoiceField(required=False, choices=Status.choices)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    page = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=10_000,
        error_messages={"invalid": gettext_lazy("Số trang phải là một số.")},
    )
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)


class FileOut(serializers.Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    is_main = serializers.BooleanField()


class DocumentOut(serializers.Serializer):
    uid = serializers.UUIDField()
    direction = serializers.ChoiceField(choices=Direction.choices)
    status = serializers.ChoiceField(choices=Status.choices)
    doc_type = serializers.ChoiceField(choices=DocumentType.choices)
    number_symbol = serializers.CharField()
    arrival_number = serializers.IntegerField(allow_null=True)
    issued_on = serializers.DateField(allow_null=True)
    issuing_body = serializers.CharField()
    abstract = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()


class DocumentDetailOut(DocumentOut):
    urgency = serializers.CharField()
    handling_unit = serializers.CharField()
    direction_note = serializers.CharField()
    result_note = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True)
    issued_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    signature_valid = serializers.BooleanField(allow_null=True)
    files = FileOut(many=True, source="files.all")


class DocumentPageOut(serializers.Serializer):
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = DocumentOut(many=True)


def _agency_id(request):
    return request.auth.client.owner_agency_id


@extend_schema(
    tags=[TAG],
    summary="Documents of the client's agency (government.documents)",
    parameters=[DocumentListParams],
    responses={200: DocumentPageOut},
)
class DocumentListApi(ClientAPIView):
    """The agency's documents, newest first, searched with or without diacritics like the book's page;
    pages without a count (`has_next`)."""

    service = SERVICE

    @extend_schema(operation_id="lgsp_v1_documents_list")
    def get(self, request):
        params = DocumentListParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        page, size = data.get("page", 1), data.get("page_size", 50)
        rows = selectors.search(
            None,
            base=selectors.agency_readable(_agency_id(request)),
            q=data.get("q", ""),
            direction=data.get("direction", ""),
            doc_type=data.get("doc_type", ""),
            status=data.get("status", ""),
            year=data.get("year"),
        )
        start = (page - 1) * size
        items = list(rows[start : start + size + 1])
        return Response(
            {"page": page, "has_next": len(items) > size, "results": DocumentOut(items[:size], many=True).data}
        )


@extend_schema(tags=[TAG], summary="One document of the client's agency (government.documents)")
class DocumentDetailApi(ClientAPIView):
    service = SERVICE
    serializer_class = DocumentDetailOut

    @extend_schema(responses={200: DocumentDetailOut})
    def get(self, request, uid):
        d = selectors.agency_readable(_agency_id(request)).prefetch_related("files").filter(uid=uid).first()
        if d is None:
            raise exceptions.NotFound(_("Không có văn bản này trong phạm vi của hệ thống kết nối."))
        return Response(DocumentDetailOut(d).data)
