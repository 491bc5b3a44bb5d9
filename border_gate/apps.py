from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class BorderGateConfig(AppConfig):
    name = "border_gate"
    verbose_name = _("Cửa khẩu số")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from border_gate import services
        from border_gate.models import Crossing, StepDefinition

        # The per-process copies of officers' scopes (services.SCOPE_CACHE_SECONDS) and of step
        # definitions (locking.CACHE_SECONDS) follow edits of agencies, crossings and steps.
        for model in ("agencies.Agency", Crossing, StepDefinition):
            post_save.connect(services.clear_reference_copies, sender=model, dispatch_uid=f"bg-scope-save-{model}")
            post_delete.connect(services.clear_reference_copies, sender=model, dispatch_uid=f"bg-scope-delete-{model}")
