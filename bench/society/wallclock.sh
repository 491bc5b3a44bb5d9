#!/usr/bin/env bash
# Issue 14 by wall clock: the class and school signing jobs of this tree (CURRENT_REF, default HEAD)
# and of a baseline (BASE_REF, default fdd9909: the tree before the throughput work), rounds
# interleaved in one invocation, against the issue's target of 28 transcripts/s on 2 cores.
# Everything heavy happens before the measurement, so the measurement alone can run inside
# /work/bin/quiet:
#   /work/bin/heavy bench/society/wallclock.sh prepare [rounds] [classes] [students]  # worktrees, migrate, seed
#     (BASE_CLASSES=20: the baseline's school is smaller than the current tree's)
#   bench/society/wallclock.sh start                                     # idle Celery workers (2 processes each)
#   /work/bin/quiet bench/society/wallclock.sh measure                   # timed jobs only
#   bench/society/wallclock.sh stop                                      # workers and worktrees
# Environment: PORTAL_DB_PORT / PORTAL_REDIS_PORT (default: the `run` profile's), BENCH_DB,
# BENCH_MEDIA. Results are appended to bench/results/society-wallclock-<UTC>.jsonl.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
STATE="${BENCH_STATE:-/tmp/bench-society-wallclock}"
source scripts/env.sh run
export PORTAL_DB_NAME="${BENCH_DB:-bench_society}"
export PORTAL_MEDIA_ROOT="${BENCH_MEDIA:-/tmp/bench-society-media}"
export DJANGO_DEBUG=0 PORTAL_LOG_LEVEL=WARNING
LABELS=(baseline current)
declare -A REDIS_DB=([baseline]=11 [current]=12)

redis_url() { echo "redis://127.0.0.1:${PORTAL_REDIS_PORT}/${REDIS_DB[$1]}"; }

prepare() {
  local rounds="${1:-2}" classes="${2:-20}" students="${3:-40}"
  mkdir -p "$STATE"
  for label in "${LABELS[@]}"; do
    local ref dir
    if [ "$label" = baseline ]; then ref="${BASE_REF:-fdd9909}"; else ref="${CURRENT_REF:-HEAD}"; fi
    dir="$(mktemp -d /tmp/bench-society-$label.XXXXXX)"
    git worktree add --detach "$dir" "$ref" >/dev/null 2>&1
    ln -s "$ROOT/.venv" "$dir/.venv"
    cp bench/society/transcripts.py "$dir/bench/society/"
    echo "$dir" >"$STATE/$label.dir"
  done
  .venv/bin/python - <<PY
import psycopg
c = psycopg.connect("host=127.0.0.1 port=${PORTAL_DB_PORT} user=postgres dbname=postgres", autocommit=True)
if not c.execute("select 1 from pg_database where datname=%s", ["${PORTAL_DB_NAME}"]).fetchone():
    c.execute('CREATE DATABASE "${PORTAL_DB_NAME}"')
PY
  (cd "$(cat "$STATE/current.dir")" && .venv/bin/python manage.py migrate -v 0 && .venv/bin/python manage.py load_reference_data -v 0)
  : >"$STATE/schools"
  for round in $(seq 1 "$rounds"); do
    for label in "${LABELS[@]}"; do
      # BASE_CLASSES: a smaller school for the baseline, so that a large run of the current tree
      # (e.g. 400 classes = 16,000 transcripts) and the baseline's fit one quiet window together.
      local n="$classes"
      [ "$label" = baseline ] && n="${BASE_CLASSES:-$classes}"
      tag="$(cd "$(cat "$STATE/$label.dir")" && REDIS_URL="$(redis_url "$label")" \
        .venv/bin/python bench/society/transcripts.py --seed-only --classes "$n" --students "$students" | tail -n 1)"
      echo "$round $label $tag" >>"$STATE/schools"
    done
  done
  cat "$STATE/schools"
}

# Idle workers, started outside /work/bin/heavy: a background child would inherit heavy's lock.
start() {
  for label in "${LABELS[@]}"; do
    (cd "$(cat "$STATE/$label.dir")" && REDIS_URL="$(redis_url "$label")" exec setsid .venv/bin/celery -A lang_son_portal \
      worker -c "${BENCH_WORKERS:-2}" -l WARNING --without-heartbeat --without-gossip --without-mingle \
      >"$STATE/$label-worker.log" 2>&1 </dev/null) &
    echo $! >"$STATE/$label.pid"
  done
  sleep 8
}

measure() {
  mkdir -p bench/results
  local out="$ROOT/bench/results/society-wallclock-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
  while read -r round label tag; do
    local dir load
    dir="$(cat "$STATE/$label.dir")"
    load="$(cut -d' ' -f1-3 /proc/loadavg)"
    line="$(cd "$dir" && REDIS_URL="$(redis_url "$label")" BENCH_WORKER_PID="$(cat "$STATE/$label.pid")" \
      .venv/bin/python bench/society/transcripts.py --school "$tag" 2>/dev/null | tail -n 1)"
    echo "{\"label\": \"$label\", \"round\": $round, \"ref\": \"$(git -C "$dir" rev-parse --short HEAD)\", \"loadavg_before\": \"$load\", \"result\": $line}" | tee -a "$out"
  done <"$STATE/schools"
  echo "uptime after: $(uptime)"
  .venv/bin/python - "$out" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
for r in rows:
    x = r["result"]
    print(f'{r["label"]:9} round {r["round"]} {r["ref"]}: {x["transcripts_per_s"]:6.2f} transcripts/s wall '
          f'({x["signed"]}/{x["transcripts"]} signed in {x["total_s"]} s: homeroom {x["homeroom_phase_s"]} s, '
          f'principal {x["principal_phase_s"]} s); worker CPU {x["worker_cpu_ms_per_transcript"]} ms, '
          f'PostgreSQL {x["postgres_cpu_ms_per_transcript"]} ms per transcript; target 28/s: '
          f'{"met" if x["transcripts_per_s"] >= 28 else "missed"}')
PY
}

stop() {
  for label in "${LABELS[@]}"; do
    [ -f "$STATE/$label.pid" ] && { kill "$(cat "$STATE/$label.pid")" 2>/dev/null || true; }
    [ -f "$STATE/$label.dir" ] && git worktree remove --force "$(cat "$STATE/$label.dir")" >/dev/null 2>&1 || true
  done
  rm -rf "$STATE"
}

"${1:?prepare|measure|stop}" "${@:2}"
