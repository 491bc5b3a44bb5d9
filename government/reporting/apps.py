from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """The reporting information system (issue 16): periodic report forms as data, periods with due
    dates and a lock, submission by communes and departments, review and return, the province's
    aggregate and the on-time rate. A package of the government pillar with its own app label,
    like government.land (ADR 0002, ADR 1602)."""

    name = "government.reporting"
    label = "reporting"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Báo cáo định kỳ")
