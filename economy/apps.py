from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomyConfig(AppConfig):
    name = "economy"
    verbose_name = _("Kinh tế số")
    default_auto_field = "django.db.models.BigAutoField"
