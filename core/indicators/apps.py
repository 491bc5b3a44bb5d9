from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "core.indicators"
    label = "indicators"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Chỉ tiêu")
