"""Health of the components the portal needs: PostgreSQL, Redis and at least one Celery worker."""

import time

import redis
from django.conf import settings
from django.db import connection


def _check_db() -> dict:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("select postgis_version()")
        cursor.fetchone()
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _check_redis() -> dict:
    started = time.perf_counter()
    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1).ping()
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _check_celery() -> dict:
    from lang_son_portal.celery import app

    replies = app.control.inspect(timeout=1.0).ping() or {}
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
