from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Meetings (issue 16): agenda, documents, participants from agencies, a video room link,
    attendance, minutes and the tasks they assign; calendars per official and per agency. A package
    of the government pillar with its own app label, like government.documents (ADR 1601)."""

    name = "government.meetings"
    label = "meetings"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Cuộc họp")
