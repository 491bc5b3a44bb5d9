"""The portal's one gunicorn configuration: `make run` (scripts/serve.sh) and the image
(Dockerfile's CMD, docker-compose's web service) both start `gunicorn -c lang_son_portal/gunicorn_conf.py`.
The benchmarks start their own on purpose (bench/lib/server.sh: fixed workers, no access log)."""

import os

wsgi_app = "lang_son_portal.wsgi:application"
# make run serves on the loopback port of its profile; the image sets PORTAL_BIND=0.0.0.0:8000.
bind = os.environ.get("PORTAL_BIND") or f"127.0.0.1:{os.environ.get('PORTAL_PORT', '8765')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# `make run`'s console (PORTAL_LOG_FORMAT=console) has the portal's own line per request: no second
# access log there; the image logs its access lines to stdout.
accesslog = None if os.environ.get("PORTAL_LOG_FORMAT") == "console" else "-"
loglevel = "warning"
