from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocietyConfig(AppConfig):
    name = "society"
    verbose_name = _("Xã hội số")
    default_auto_field = "django.db.models.BigAutoField"
