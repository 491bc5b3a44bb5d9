#!/usr/bin/env bash
# Border-gate peak-day replay (issue 4). See bench/border_gate/README.md.
# Usage: source scripts/env.sh run && bash bench/border_gate/run.sh
# BENCH_PORT (default 8799) picks the gunicorn port; BENCH_WORKERS is gunicorn's worker count
# (bench/lib/server.sh, default 2); the replay's concurrency is BENCH_OFFICERS (default 8).
# BENCH_STEP=setup declares the trucks and stops (no server); BENCH_STEP=measure replays trucks
# declared that way (same BENCH_TRUCKS/BENCH_RAW_TRUCKS), so a measurement can run alone on the
# machine without its setup; the default does both.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${BENCH_STEP:-all}" = setup ]; then
  exec .venv/bin/python bench/border_gate/replay.py
fi
source bench/lib/server.sh
mkdir -p bench/results
out="bench/results/border_gate-$(date -u +%Y%m%dT%H%M%SZ).json"
bench_server_start
trap bench_server_stop EXIT
BENCH_URL="$BENCH_URL" .venv/bin/python bench/border_gate/replay.py | tee "$out"
