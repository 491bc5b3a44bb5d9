from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Documents and direction (issue 16, Decree 30/2020/NĐ-CP): incoming and outgoing documents,
    leaders' direction, tasks and their reminders. A package of the government pillar with its own
    app label, migrations and catalogue, like government.land (ADR 0002, ADR 1601)."""

    name = "government.documents"
    label = "documents"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Văn bản và điều hành")
