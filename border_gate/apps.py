from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class BorderGateConfig(AppConfig):
    name = "border_gate"
    verbose_name = _("Cửa khẩu số")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from border_gate.models import Crossing, StepDefinition
        from border_gate.scope import clear_reference_copies

        # The per-process copies of officers' scopes (scope.SCOPE_CACHE_SECONDS) and of step
        # definitions (locking.CACHE_SECONDS) follow edits of agencies, crossings and steps.
        for model in ("agencies.Agency", Crossing, StepDefinition):
            post_save.connect(clear_reference_copies, sender=model, dispatch_uid=f"bg-scope-save-{model}")
            post_delete.connect(clear_reference_copies, sender=model, dispatch_uid=f"bg-scope-delete-{model}")
