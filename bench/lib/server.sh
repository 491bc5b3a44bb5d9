# Start a gunicorn for benchmarks with the configuration every bench shares (sourced by bench/*.sh).
# Same settings as `make run` but DEBUG off; 2 sync workers on these 2-core machines (STACK-NOTES:
# more workers than cores did not help).
BENCH_PORT="${BENCH_PORT:-8799}"
BENCH_URL="http://127.0.0.1:$BENCH_PORT"
# Worker model: BENCH_WORKER_CLASS (sync | gthread) and BENCH_THREADS (threads per gthread worker).
BENCH_WORKER_CLASS="${BENCH_WORKER_CLASS:-sync}"
BENCH_THREADS="${BENCH_THREADS:-4}"
bench_server_start() {
  local model=(-w "${BENCH_WORKERS:-2}" --worker-class "$BENCH_WORKER_CLASS")
  [ "$BENCH_WORKER_CLASS" = gthread ] && model+=(--threads "$BENCH_THREADS")
  BENCH_SERVER_DESC="gunicorn ${model[*]}"
  DJANGO_DEBUG=0 .venv/bin/python manage.py collectstatic --noinput -v 0
  DJANGO_DEBUG=0 PORTAL_LOG_LEVEL=WARNING .venv/bin/gunicorn lang_son_portal.wsgi -b "127.0.0.1:$BENCH_PORT" \
    "${model[@]}" --log-level warning >"${BENCH_LOG:-/tmp/bench-gunicorn.log}" 2>&1 &
  BENCH_SERVER_PID=$!
  for _ in $(seq 1 100); do curl -fs -o /dev/null "$BENCH_URL/bench/bare/" && return 0; sleep 0.2; done
  echo "gunicorn did not start; see ${BENCH_LOG:-/tmp/bench-gunicorn.log}" >&2; return 1
}
bench_server_stop() { kill "$BENCH_SERVER_PID" 2>/dev/null; wait "$BENCH_SERVER_PID" 2>/dev/null || true; }
# wrk_json <label> <path> [cookie]: one measurement, printed as a JSON line tagged with the label.
wrk_json() {
  local label=$1 path=$2 cookie=${3:-}
  local hdr=()
  [ -n "$cookie" ] && hdr=(-H "Cookie: $cookie")
  local out
  out=$(wrk -t2 -c"${BENCH_CONNECTIONS:-8}" -d"${BENCH_DURATION:-10s}" --timeout 5s -s bench/lib/report.lua \
        "${hdr[@]}" "$BENCH_URL$path" | tail -n1)
  echo "{\"label\": \"$label\", \"path\": \"$path\", ${out#\{}"
}
