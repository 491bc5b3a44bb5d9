"""The call log's retention: rows older than the configured period are archived (gzip JSON Lines)
then removed by a daily beat job; younger rows stay; running it twice does no harm; the schedule
names it."""

import gzip
import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from core.api_clients import services, tasks
from core.api_clients.models import ApiCall
from core.audit.models import AuditLog

pytestmark = pytest.mark.django_db


def _call(days_ago: float, **extra) -> ApiCall:
    values = {"service": "core.admin_units", "method": "GET", "path": "/api/lgsp/v1/admin-units/", "status": 200}
    values.update(extra)
    return ApiCall.objects.create(at=timezone.now() - timedelta(days=days_ago), **values)


def test_old_calls_are_archived_then_removed_and_a_second_run_does_nothing(tmp_path):
    old = [_call(400, params={"code": ["5977"]}), _call(366), _call(365.5, status=429)]
    recent = [_call(364), _call(1)]
    removed = services.calls_purge(older_than_days=365, archive_dir=tmp_path, batch=2)
    assert removed == 3
    assert set(ApiCall.objects.values_list("pk", flat=True)) == {c.pk for c in recent}
    files = sorted(tmp_path.glob("api-calls-*.jsonl.gz"))
    assert len(files) == 2 and not list(tmp_path.glob("*.part"))  # two batches (2 + 1), no half-written file
    archived = [json.loads(line) for f in files for line in gzip.open(f, "rt", encoding="utf-8")]
    assert sorted(r["pk"] for r in archived) == sorted(c.pk for c in old)
    assert next(r for r in archived if r["pk"] == old[0].pk)["params"] == {"code": ["5977"]}
    assert AuditLog.objects.filter(action="api_clients.calls.purge").count() == 1

    assert services.calls_purge(older_than_days=365, archive_dir=tmp_path, batch=2) == 0  # idempotent
    assert len(list(tmp_path.glob("api-calls-*.jsonl.gz"))) == 2
    assert AuditLog.objects.filter(action="api_clients.calls.purge").count() == 1


def test_the_beat_job_uses_the_configured_period(settings, tmp_path):
    settings.PORTAL_API_CALL_RETENTION_DAYS = 30
    settings.PORTAL_API_CALL_ARCHIVE = False
    settings.PORTAL_API_CALL_ARCHIVE_DIR = tmp_path
    _call(31)
    kept = _call(29)
    assert tasks.purge_calls.apply().get() == 1
    assert list(ApiCall.objects.all()) == [kept]
    assert not list(tmp_path.iterdir())  # archiving switched off: removed only


def test_the_job_is_on_the_beat_schedule_and_refuses_a_zero_period():
    from core.errors import ServiceError

    entry = settings.CELERY_BEAT_SCHEDULE["api-clients-purge-calls"]
    assert entry["task"] == "core.api_clients.tasks.purge_calls"
    with pytest.raises(ServiceError):
        services.calls_purge(older_than_days=0)
