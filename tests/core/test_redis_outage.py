"""When Redis fails (docs/reliability.md): sign-in works, read-only pages answer (cached parts are
computed directly), and a committed state change is never turned into a 500 by a failed enqueue:
the task is kept in the database (core.outbox) and sent when Redis is back.

Each test starts a redis-server of its own on a free port and stops it mid-test; the shared Redis
of the suite is never touched."""

import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.contrib.auth import get_user
from django.urls import reverse

from core import cache as portal_cache
from core.indicators.models import SnapshotRun
from core.outbox import services as outbox
from core.outbox.models import OutboxMessage
from tests.conftest import DEMO_PASSWORD
from tests.core.services_worker import use_broker

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")


class OwnRedis:
    """A redis-server on a free port that the test can stop and start again."""

    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def client(self):
        return redis.Redis.from_url(self.url)


@pytest.fixture
def own_redis(settings):
    """The portal's cache, health check and Celery broker on a Redis of the test's own."""
    server = OwnRedis()
    server.start()
    settings.REDIS_URL = server.url
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url, "KEY_PREFIX": "outage-test"}}
    portal_cache._Outage.retry_at, portal_cache._Outage.dirty = 0.0, set()
    outbox._Broker.retry_at = 0.0
    try:
        with use_broker(server.url):
            yield server
    finally:
        server.stop()
        portal_cache._Outage.retry_at, portal_cache._Outage.dirty = 0.0, set()
        outbox._Broker.retry_at = 0.0


@pytest.mark.django_db
def test_sign_in_and_reading_pages_work_with_redis_stopped(client, citizen, own_redis):
    assert client.get(reverse("home")).status_code == 200  # the cache is in use...
    own_redis.stop()  # ...and now Redis is gone
    response = client.post(reverse("account_login"), {"login": citizen.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert get_user(client) == citizen
    home = client.get(reverse("home"))
    assert home.status_code == 200 and home.wsgi_request.user == citizen  # session read from the database
    for name in ("government:index", "border_gate:index", "border_gate:public-board", "operations_centre:public"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("health")).status_code in (200, 503)
    # Redis is back: the session written during the outage is still the one in use.
    own_redis.start()
    time.sleep(portal_cache.OUTAGE_BACKOFF)
    assert client.get(reverse("home")).wsgi_request.user == citizen


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_is_never_a_500_and_its_task_is_sent_when_redis_returns(
    client, login, department_official, own_redis, monkeypatch
):
    login(department_official)
    own_redis.stop()
    response = client.post(reverse("operations_centre:refresh", args=["border_gate.backlog"]))
    run = SnapshotRun.objects.get(indicator_code="border_gate.backlog")
    assert response.status_code == 302 and response["Location"] == reverse("operations_centre:run", args=[run.pk])
    kept = OutboxMessage.objects.get(sent_at__isnull=True)
    assert kept.task_name == "core.indicators.tasks.snapshot_run_execute" and kept.args == [run.pk]
    assert outbox.outbox_flush() == 0  # still down: nothing sent, nothing lost
    assert OutboxMessage.objects.get(pk=kept.pk).sent_at is None

    own_redis.start()
    monkeypatch.setattr(outbox, "BROKER_BACKOFF", 0.0)
    assert outbox.outbox_flush() == 1
    assert OutboxMessage.objects.get(pk=kept.pk).sent_at is not None
    queued = own_redis.client().lrange("celery", 0, -1)
    assert len(queued) == 1 and b"core.indicators.tasks.snapshot_run_execute" in queued[0]
    assert outbox.outbox_flush() == 0  # sent once
