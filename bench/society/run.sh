#!/usr/bin/env bash
# Issue 14: generate and double-sign transcripts with the batch job (target ≥ 28 transcripts/s).
# Uses the `run` profile's PostgreSQL and Redis with a database of its own (BENCH_DB, created and
# migrated here) and a Redis database of its own; starts a Celery worker with 2 processes.
#   bench/society/run.sh [classes] [students per class]
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh run
export PORTAL_DB_NAME="${BENCH_DB:-bench_society}"
export REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:${PORTAL_REDIS_PORT}/7}"
export PORTAL_MEDIA_ROOT="${BENCH_MEDIA:-/tmp/bench-society-media}"
export DJANGO_DEBUG=0 PORTAL_LOG_LEVEL=WARNING
CLASSES="${1:-50}"; STUDENTS="${2:-40}"
.venv/bin/python - <<PY
import psycopg
c = psycopg.connect("host=127.0.0.1 port=${PORTAL_DB_PORT} user=postgres dbname=postgres", autocommit=True)
if not c.execute("select 1 from pg_database where datname=%s", ["${PORTAL_DB_NAME}"]).fetchone():
    c.execute('CREATE DATABASE "${PORTAL_DB_NAME}"')
PY
.venv/bin/python manage.py migrate -v 0
.venv/bin/python manage.py load_reference_data -v 0
.venv/bin/celery -A lang_son_portal worker -c "${BENCH_WORKERS:-2}" -l WARNING --without-heartbeat --without-gossip --without-mingle \
  >/tmp/bench-society-worker.log 2>&1 &
WORKER=$!
export BENCH_WORKER_PID=$WORKER
trap 'kill $WORKER 2>/dev/null; wait $WORKER 2>/dev/null || true' EXIT
sleep 5
echo "machine: $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
.venv/bin/python bench/society/transcripts.py --classes "$CLASSES" --students "$STUDENTS"
