import json
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from core import health
from tests.core.services_worker import EMPTY_DB, WORKER_DB, broker_url, celery_worker, use_broker

pytestmark = [pytest.mark.xdist_group("services-celery")]


@pytest.fixture(autouse=True)
def fresh_report(monkeypatch):
    """Each test starts without a cached report, and its first request waits for the checks it
    sets up (they take up to a second: the Celery ping)."""
    health.forget()
    monkeypatch.setattr(health, "FIRST_WAIT", 30.0)
    yield
    health.forget()


@pytest.mark.django_db
def test_health_answers_from_the_cached_report_without_waiting_for_the_checks(client, monkeypatch):
    """A check that hangs never holds the request: the first answer is "starting" (503) while the
    check runs on its own thread, later ones the cached report, and a stale report is served as it
    is while a single refresh runs behind it."""
    release, calls = threading.Event(), []

    def slow_checks():
        calls.append(1)
        release.wait(30)
        return {"database": {"ok": True}, "status": "ok"}

    monkeypatch.setattr(health, "check_all", slow_checks)
    monkeypatch.setattr(health, "FIRST_WAIT", 0.0)
    first = client.get(reverse("health"))
    assert first.status_code == 503 and first.json()["status"] == "starting"
    assert client.get(reverse("health")).json()["status"] == "starting"  # the same refresh, not a second one
    release.set()
    health._State.thread.join(5)
    assert client.get(reverse("health")).json()["status"] == "ok"
    release.clear()
    monkeypatch.setattr(health, "REFRESH_AFTER", 0.0)  # now stale: served while one refresh runs
    for _ in range(3):
        response = client.get(reverse("health"))
        assert response.status_code == 200 and response.json()["status"] == "ok"
    release.set()
    assert len(calls) == 2


@pytest.mark.django_db
def test_health_is_degraded_without_a_worker(client):
    with use_broker(broker_url(EMPTY_DB)):
        response = client.get(reverse("health"))
    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "degraded"
    assert report["database"]["ok"] is True  # PostGIS answered
    assert report["redis"]["ok"] is True
    assert report["celery"] == {"ok": False, "workers": []}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_health_reports_a_broken_redis(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    with use_broker(broker_url(EMPTY_DB)):
        report = client.get(reverse("health")).json()
    assert report["redis"] == {"ok": False, "error": "ConnectionError"}
    assert report["status"] == "degraded"


@pytest.mark.django_db(transaction=True)
def test_health_ok_with_a_real_worker_and_a_notification_delivered_by_it(client, settings):
    """A real `celery worker` subprocess: /health/ sees it, and a notification recorded by
    notify() is delivered by it after commit (email to the file backend, SMS to the outbox)."""
    call_command("load_reference_data", verbosity=0)
    from core.notifications.models import Notification
    from core.notifications.services import notify

    url = broker_url(WORKER_DB)
    with celery_worker(url) as worker_name, use_broker(url):
        response = client.get(reverse("health"))
        assert response.status_code == 200, response.content
        report = response.json()
        assert report["status"] == "ok"
        assert worker_name in report["celery"]["workers"]

        notifications = notify(
            event="tests.worker", subject="Thử", body="Xin chào từ Lạng Sơn", email="a@example.vn", phone="0912345678"
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            statuses = set(
                Notification.objects.filter(pk__in=[n.pk for n in notifications]).values_list("status", flat=True)
            )
            if statuses == {"sent"}:
                break
            time.sleep(0.3)
        assert statuses == {"sent"}
        assert all(n.attempts == 1 for n in Notification.objects.filter(pk__in=[n.pk for n in notifications]))
    sms = next(n for n in notifications if n.channel == "sms")
    lines = [json.loads(line) for f in Path(settings.PORTAL_SMS_FILE_PATH).glob("sms-*.jsonl") for line in f.open()]
    assert any(m["notification_id"] == sms.pk and m["to"] == "0912345678" for m in lines)
