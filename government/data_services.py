"""The government pillar's data services, registered with core (core.api_clients.registry)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.api_clients.registry import DataService, register_service
from government import lgsp

register_service(
    DataService(
        code=lgsp.SERVICE,
        name=_("Tình trạng hồ sơ thủ tục hành chính"),
        description=_("Trạng thái, ngày tiếp nhận, hẹn trả và kết thúc của một hồ sơ theo mã hồ sơ."),
        urlpatterns=[path("dossier-status/", lgsp.DossierStatusApi.as_view(), name="dossier-status")],
        unit_bound=True,
    )
)
