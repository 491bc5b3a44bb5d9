from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "core.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Nhật ký kiểm toán")

    def ready(self):
        # django.contrib.admin (first in INSTALLED_APPS) has autodiscovered every admin.py by now.
        from django.contrib import admin

        from core.audit.admin import audit_every_model_admin

        audit_every_model_admin(admin.site)
