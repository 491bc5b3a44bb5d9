#!/usr/bin/env bash
# Government benchmark (issue 3): dossier submission with a 2 MB file at 20 requests/s (target
# p95 <= 300 ms) while an official moves dossiers on. See bench/government/README.md.
# Usage: make bench   (or: source scripts/env.sh run && bash bench/government/run.sh)
# Knobs: BENCH_GOV_RATE (20), BENCH_GOV_DURATION (60 s), BENCH_GOV_CELERY (1: run a Celery worker
# during the load, so the notification work moved out of the request is paid on the same cores),
# BENCH_GOV_MEDIA_ROOT (default: a throw-away directory, removed at the end), and the server's
# BENCH_WORKERS / BENCH_WORKER_CLASS / BENCH_THREADS (bench/lib/server.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/server.sh
mkdir -p bench/results
out="bench/results/government-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
# Each submission stores a 2 MB file (1,200 of them in a 60 s run): keep them out of the media root
# of the run profile unless asked; the bench dossiers' files go with the directory at the end.
media="${BENCH_GOV_MEDIA_ROOT:-$(mktemp -d /tmp/bench-gov-media.XXXXXX)}"
export PORTAL_MEDIA_ROOT="$media"
worker_pid=""
cleanup() {
  bench_server_stop
  if [ -n "$worker_pid" ]; then kill "$worker_pid" 2>/dev/null; wait "$worker_pid" 2>/dev/null || true; fi
  if [ -z "${BENCH_GOV_MEDIA_ROOT:-}" ]; then rm -rf "$media"; fi
}
trap cleanup EXIT
bench_server_start
if [ "${BENCH_GOV_CELERY:-1}" = 1 ]; then
  DJANGO_DEBUG=0 PORTAL_LOG_LEVEL=WARNING .venv/bin/celery -A lang_son_portal worker -c 1 -n "bench-gov-$$@%h" \
    --loglevel warning >"${BENCH_CELERY_LOG:-/tmp/bench-gov-celery.log}" 2>&1 &
  worker_pid=$!
  # Measured only once the worker is up (its start-up is not the submissions' cost): the prefork
  # pool's child appears when the worker has loaded the project; its consumer starts right after.
  for _ in $(seq 1 120); do pgrep -P "$worker_pid" >/dev/null && break; sleep 0.5; done
  sleep 2
fi
echo "server: $BENCH_SERVER_DESC; celery worker: ${BENCH_GOV_CELERY:-1}; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
pids=(--server-pid "$BENCH_SERVER_PID")
[ -n "$worker_pid" ] && pids+=(--celery-pid "$worker_pid")
.venv/bin/python bench/government/submit_load.py --url "$BENCH_URL" --rate "${BENCH_GOV_RATE:-20}" \
  --duration "${BENCH_GOV_DURATION:-60}" "${pids[@]}" | tee -a "$out" || status=$?
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "results: $out"
exit $status
