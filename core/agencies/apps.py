from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "core.agencies"
    label = "agencies"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Cơ quan")
