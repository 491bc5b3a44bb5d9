"""Health of the components the portal needs: PostgreSQL, Redis and at least one Celery worker.

`/health/` answers from the last report this process computed; a report older than
REFRESH_AFTER seconds is recomputed on a background thread while the stale one is served. A load
balancer polling every few seconds therefore never holds a web worker for the checks (the Celery
ping alone waits up to a second for replies), and a hung dependency delays nothing but the thread.
Each check still has its own short timeout, so a refresh ends and the next one can start."""

import threading
import time

import redis
from django.conf import settings
from django.db import connection, connections, transaction

REFRESH_AFTER = 10.0  # seconds a report is served before a new one is computed
FIRST_WAIT = 0.5  # how long the first request of a process waits for the first report
DB_TIMEOUT_MS = 500
REDIS_TIMEOUT = 0.5
CELERY_TIMEOUT = 1.0


def _check_db() -> dict:
    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {DB_TIMEOUT_MS}")
            cursor.execute("select postgis_version()")
            cursor.fetchone()
    finally:
        connection.close()  # this thread's connection, released before the slower checks
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _check_redis() -> dict:
    started = time.perf_counter()
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT
    )
    try:
        client.ping()
    finally:
        client.close()
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _check_celery() -> dict:
    from lang_son_portal.celery import app

    replies = app.control.inspect(timeout=CELERY_TIMEOUT).ping() or {}
    return {"ok": bool(replies), "workers": sorted(replies)}


def check_all() -> dict:
    report = {}
    for name, check in (("database", _check_db), ("redis", _check_redis), ("celery", _check_celery)):
        try:
            report[name] = check()
        except Exception as exc:  # noqa: BLE001 - a health check reports any failure, never raises
            report[name] = {"ok": False, "error": type(exc).__name__}
    report["status"] = "ok" if all(v["ok"] for v in report.values()) else "degraded"
    return report


class _State:
    lock = threading.Lock()
    report: dict | None = None
    at = 0.0
    thread: threading.Thread | None = None


def _refresh() -> None:
    try:
        report = check_all()
    finally:
        connections.close_all()  # whatever else this thread opened
    with _State.lock:
        _State.report, _State.at = report, time.monotonic()


def cached_report() -> dict:
    """The last report (with its age), starting a background refresh when it is stale. Only the
    first request of a process waits, at most FIRST_WAIT seconds, then answers "starting"."""
    with _State.lock:
        report, age = _State.report, time.monotonic() - _State.at
        if (report is None or age > REFRESH_AFTER) and not (_State.thread and _State.thread.is_alive()):
            _State.thread = threading.Thread(target=_refresh, name="health-refresh", daemon=True)
            _State.thread.start()
        thread = _State.thread
    if report is None:
        thread.join(FIRST_WAIT)
        with _State.lock:
            report, age = _State.report, time.monotonic() - _State.at
    if report is None:
        return {"status": "starting", "age_s": None}
    return {**report, "age_s": round(age, 1)}


def forget() -> None:
    """Drop the cached report (tests; a process that must re-check at once)."""
    with _State.lock:
        thread = _State.thread
    if thread is not None:
        thread.join()
    with _State.lock:
        _State.report, _State.at, _State.thread = None, 0.0, None
