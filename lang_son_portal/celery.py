"""The Celery application. The beat schedule lives in one place, `CELERY_BEAT_SCHEDULE` in
settings.py; django-celery-beat's database scheduler installs it at start."""

import os
import warnings

from celery import Celery
from celery.exceptions import SecurityWarning
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lang_son_portal.settings")

if os.environ.get("DJANGO_ENV", "development") == "development":
    # `make run` as root (a container or a throwaway VM): the worker warns at every start. Production
    # runs as an unprivileged user (Dockerfile), where the warning would matter, and keeps it.
    warnings.filterwarnings("ignore", message="You're running the worker with superuser", category=SecurityWarning)

# Every task publishes through core.outbox's PortalTask: a broker outage keeps the task in the
# database instead of raising at the caller (after its state change has committed).
app = Celery("lang_son_portal", task_cls="core.outbox.services:PortalTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def _beat_does_not_record(sender=None, **kwargs):
    """Beat sends its periodic tasks again at the next tick: nothing to keep in the outbox."""
    from core.outbox.services import _Broker

    _Broker.recording = False
