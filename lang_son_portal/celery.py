"""The Celery application. The beat schedule lives in one place: core.schedule (collected from the
pillars' `schedule.py` modules), stored by django-celery-beat's database scheduler."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lang_son_portal.settings")

app = Celery("lang_son_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
