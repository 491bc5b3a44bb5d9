from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsCentreConfig(AppConfig):
    """The provincial operations centre: a package of the government pillar with its own app label,
    like government.land (ADR 1002)."""

    name = "government.operations_centre"
    label = "operations_centre"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Trung tâm điều hành")
