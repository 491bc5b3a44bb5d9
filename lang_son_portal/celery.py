"""The Celery application. The beat schedule lives in one place, `CELERY_BEAT_SCHEDULE` in
settings.py; django-celery-beat's database scheduler installs it at start."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lang_son_portal.settings")

app = Celery("lang_son_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
