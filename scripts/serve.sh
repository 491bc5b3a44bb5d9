#!/usr/bin/env bash
# Serve the portal (gunicorn) with a Celery worker and beat; Ctrl-C stops all three.
# PostgreSQL and Redis keep running between runs (scripts/stop.sh stops them) so the next
# `make run` starts in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh run
.venv/bin/python manage.py collectstatic --noinput -v 0
pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping web, worker and beat…"
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap cleanup INT TERM EXIT
.venv/bin/celery -A lang_son_portal worker -l warning --concurrency 2 -Q celery &
pids+=($!)
.venv/bin/celery -A lang_son_portal beat -l warning &
pids+=($!)
.venv/bin/gunicorn -c lang_son_portal/gunicorn_conf.py &
pids+=($!)
cat <<MSG

  Cổng CĐS Lạng Sơn is running at  http://127.0.0.1:$PORTAL_PORT/
  Demo accounts (local only; password for all: Mat-khau-demo-2026):
$(.venv/bin/python manage.py demo_accounts 2>/dev/null | sed 's/^/    /')
  Officials enrol TOTP on first login (any authenticator app).  Ctrl-C stops everything.

MSG
wait -n "${pids[@]}"
