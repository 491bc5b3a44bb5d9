"""A real Celery worker for the tests that need one (health, notification delivery), on a Redis
database of its own so it never takes another run's tasks and no other worker takes its tasks.
Tests using it are grouped (xdist_group "services-celery") so they run in one process, one at a time."""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
WORKER_DB = 14  # Redis database of the workers started here
EMPTY_DB = 15  # a Redis database no worker listens on


WORKER_COMMAND = [sys.executable, "-m", "celery", "-A", "lang_son_portal", "worker", "--pool=solo"]
WORKER_COMMAND += ["--without-mingle", "--without-gossip", "-l", "WARNING"]


def broker_url(db: int) -> str:
    base = settings.REDIS_URL.rsplit("/", 1)[0]
    return f"{base}/{db}"


@contextmanager
def use_broker(url: str):
    """Point the portal's Celery app (producer and control) at another broker for the block."""
    from lang_son_portal.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = url
    app._after_fork()  # drops the cached connection and producer pools
    try:
        yield app
    finally:
        app.conf.broker_url = previous
        app._after_fork()


@contextmanager
def celery_worker(url: str, *, timeout: float = 60.0):
    """Start `celery worker` as a subprocess on `url`, against this test database; wait until it
    answers a ping; stop it afterwards."""
    from lang_son_portal.celery import app

    name = f"svc-test-{uuid.uuid4().hex[:8]}@localhost"
    env = {
        **os.environ,
        "REDIS_URL": url,
        "DJANGO_ENV": "test",
        "PORTAL_DB_NAME": connection.settings_dict["NAME"],
        "PORTAL_DB_POOL": "false",
        "PORTAL_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    log = open(os.devnull, "wb")
    process = subprocess.Popen(
        [*WORKER_COMMAND, "-n", name],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + timeout
        with use_broker(url):
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"celery worker exited with {process.returncode}")
                replies = app.control.inspect(timeout=0.5, destination=[name]).ping() or {}
                if name in replies:
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError("celery worker did not start")
                time.sleep(0.3)
        yield name
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
