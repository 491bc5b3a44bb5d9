from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BorderGateConfig(AppConfig):
    name = "border_gate"
    verbose_name = _("Cửa khẩu số")
    default_auto_field = "django.db.models.BigAutoField"
