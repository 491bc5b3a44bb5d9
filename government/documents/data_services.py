"""Documents and meetings as LGSP data services for agencies' own systems (core.api_clients.registry),
and the kind of client that uses them: an agency's system, issued by that agency's administrators and
bound to that agency (ADR 1603)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.api_clients.registry import ClientKind, DataService, register_kind, register_service
from government.documents import api as documents_api
from government.meetings import api as meetings_api

register_service(
    DataService(
        code=documents_api.SERVICE,
        name=_("Văn bản đến, văn bản đi của cơ quan"),
        description=_(
            "Văn bản đã vào sổ và văn bản đã phát hành, độ mật thường, của cơ quan cấp khóa: tìm kiếm và xem chi tiết."
        ),
        urlpatterns=[
            path("documents/", documents_api.DocumentListApi.as_view(), name="documents"),
            path("documents/<uuid:uid>/", documents_api.DocumentDetailApi.as_view(), name="document"),
        ],
    )
)
register_service(
    DataService(
        code=meetings_api.SERVICE,
        name=_("Lịch họp của cơ quan cấp khóa"),
        description=_("Cuộc họp cơ quan cấp khóa chủ trì hoặc cử người dự: thời gian, chương trình, thành phần."),
        urlpatterns=[
            path("meetings/", meetings_api.MeetingListApi.as_view(), name="meetings"),
            path("meetings/<uuid:uid>/", meetings_api.MeetingDetailApi.as_view(), name="meeting"),
        ],
    )
)


def _an_agency_of_the_province(agency) -> bool:
    return agency.kind in ("province", "department", "commune", "party")


register_kind(
    ClientKind(
        code="government.agency_system",
        label=_("Hệ thống của chính cơ quan (quản lý văn bản, lịch họp)"),
        services=frozenset({documents_api.SERVICE, meetings_api.SERVICE}),
        issuable_by=_an_agency_of_the_province,
        description=_(
            "Hệ thống quản lý văn bản, cổng thông tin của cơ quan đọc văn bản và lịch họp của chính cơ quan."
        ),
    )
)
