from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "core.signing"
    label = "signing"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Ký số")
