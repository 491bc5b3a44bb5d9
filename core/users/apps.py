from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "core.users"
    label = "users"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Người dùng")

    def ready(self):
        from core.users import receivers  # noqa: F401 - sign-in events to the audit log, session clocks
