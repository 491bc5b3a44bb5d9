"""The government pillar's LGSP data service: the status of a dossier, for the national public
service portal and other agencies' one-stop systems (core.api_clients, ADR 1603). No applicant's
personal data: code, procedure, agency, dates and status only."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from core.api import QueryParamsSerializer
from core.api_clients.api import ClientAPIView
from core.api_clients.lgsp import bound_units
from government.models import Dossier

SERVICE = "government.dossier_status"


class DossierStatusParams(QueryParamsSerializer):
    code = serializers.CharField(max_length=60, help_text="dossier code, e.g. 000.00.11.H37-260105-0001")


class DossierStatusOut(serializers.Serializer):
    code = serializers.CharField()
    procedure_code = serializers.CharField(source="procedure.code")
    procedure = serializers.CharField(source="procedure.name")
    agency = serializers.CharField(source="agency.name")
    commune = serializers.IntegerField(source="admin_unit.code", allow_null=True)
    status = serializers.ChoiceField(choices=Dossier.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


@extend_schema(
    tags=["LGSP"],
    summary="Dossier status (government.dossier_status)",
    parameters=[DossierStatusParams],
    responses={200: DossierStatusOut},
)
class DossierStatusApi(ClientAPIView):
    """One dossier's status by its code. A client bound to communes sees only the dossiers filed in
    them; any other code answers 404, as an unknown one does (a client learns nothing outside its
    units)."""

    service = SERVICE

    def get(self, request):
        params = DossierStatusParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        qs = Dossier.objects.select_related("procedure", "agency", "admin_unit").exclude(code=None)
        units = bound_units(request.auth.client)
        if units is not None:
            qs = qs.filter(admin_unit__code__in=units, admin_unit__structure="2025")
        dossier = qs.filter(code=params.validated_data["code"].strip()).first()
        if dossier is None:
            raise exceptions.NotFound(_("Không có hồ sơ với mã này trong phạm vi của hệ thống kết nối."))
        return Response(DossierStatusOut(dossier).data)
