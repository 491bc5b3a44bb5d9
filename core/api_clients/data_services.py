"""Core's own data services (administrative units, published statistics) and the kind of client
that uses the LGSP namespace. Pillars add theirs in their own `data_services.py`."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.api_clients import lgsp
from core.api_clients.registry import ClientKind, DataService, register_kind, register_service
from core.users import roles


def _province_or_department(agency) -> bool:
    # The province's People's Committee and its departments run the data exchanges over LGSP
    # (the Department of Science and Technology operates the platform).
    return agency.kind in ("province", "department")


register_service(
    DataService(
        code="core.admin_units",
        name=_("Danh mục đơn vị hành chính"),
        description=_("Xã, phường theo cấu trúc 2025 và huyện, xã trước sắp xếp, kèm đơn vị kế thừa."),
        urlpatterns=[path("admin-units/", lgsp.AdminUnitsApi.as_view(), name="admin-units")],
    )
)
register_service(
    DataService(
        code="core.statistics",
        name=_("Số liệu thống kê công bố"),
        description=_("Giá trị mới nhất của các chỉ tiêu công khai, toàn tỉnh và theo xã, phường được phép."),
        urlpatterns=[path("statistics/", lgsp.StatisticsApi.as_view(), name="statistics")],
        unit_bound=True,
    )
)
register_kind(
    ClientKind(
        code="lgsp",
        label=_("Hệ thống của cơ quan khác qua LGSP"),
        services=None,
        issuable_by=_province_or_department,
        uses_units=True,
        description=_("Hệ thống thông tin của bộ, ngành, sở hoặc UBND xã kết nối qua nền tảng LGSP của tỉnh."),
    )
)

# Who may see the clients pages at all (the view narrows to what each one manages).
MANAGER_ROLES = tuple(roles.OFFICIAL_ROLES)
