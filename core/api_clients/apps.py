from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ApiClientsConfig(AppConfig):
    """Machine clients of the portal (other agencies' systems over LGSP, yard operators, customs):
    one client model with hashed keys, scopes over named data services, rate limits and a call log
    (ADR 1603)."""

    name = "core.api_clients"
    label = "api_clients"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Hệ thống kết nối (API)")

    def ready(self):
        # Each pillar's `data_services.py` registers its data services and client kinds with the
        # registry, the way `indicators.py` registers indicators: core names no pillar.
        from core.api_clients import data_services  # noqa: F401 - core's own services

        autodiscover_modules("data_services")
