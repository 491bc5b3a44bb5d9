from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LandConfig(AppConfig):
    """The land data platform (issue 12): a package of the government pillar with its own app label,
    migrations and catalogue, like core's small apps (ADR 0002)."""

    name = "government.land"
    label = "land"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Dữ liệu đất đai")
