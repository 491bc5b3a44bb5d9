#!/usr/bin/env bash
# Serve the portal (gunicorn) with a Celery worker and beat; Ctrl-C stops all three.
# PostgreSQL and Redis keep running between runs (scripts/stop.sh stops them) so the next
# `make run` starts in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh run
# Hashing and compressing every static file takes ~15 s: only when a static file, the installed
# packages (their own static files) or the settings changed since the last collection.
manifest=staticfiles/staticfiles.json
if [ ! -f "$manifest" ] || [ -n "$(find . \( -path ./.venv -o -path ./.data -o -path ./staticfiles -o -path ./.git \) -prune -o \
     -type f \( -path '*/static/*' -o -name settings.py \) -newer "$manifest" -print -quit)" ] \
   || [ -n "$(find .venv -maxdepth 1 -name '.requirements-*' -newer "$manifest" -print -quit)" ]; then
  .venv/bin/python manage.py collectstatic --noinput -v 0
fi
pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping web, worker and beat…"
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap cleanup INT TERM EXIT
# A readable console: one line per request from the portal's own request log (no second access
# log), no banners; warnings and errors still show.
export PORTAL_LOG_FORMAT="${PORTAL_LOG_FORMAT:-console}"
.venv/bin/celery -A lang_son_portal --quiet worker -l warning --concurrency 2 -Q celery &
pids+=($!)
.venv/bin/celery -A lang_son_portal --quiet beat -l warning &
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
