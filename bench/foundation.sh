#!/usr/bin/env bash
# Foundation benchmark (issue 2): the authenticated home page and one DRF read endpoint against the
# bare single-query view, same gunicorn, interleaved rounds in one run. Target: ratio >= 0.6.
# Usage: make bench   (or: source scripts/env.sh run && bash bench/foundation.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/server.sh
ROUNDS="${BENCH_ROUNDS:-3}"
API_PATH="${BENCH_API_PATH:-/api/v1/core/agencies/?limit=20}"
EMAIL="${BENCH_EMAIL:-congdan@demo.langson.vn}"
mkdir -p bench/results
out="bench/results/foundation-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
bench_server_start
trap bench_server_stop EXIT
cookie=$(.venv/bin/python bench/session.py "$EMAIL")
# warm-up (pool connections, template caches)
wrk_json warmup /bench/bare/ >/dev/null; wrk_json warmup / "$cookie" >/dev/null
for r in $(seq 1 "$ROUNDS"); do
  wrk_json bare /bench/bare/ | tee -a "$out"
  wrk_json home / "$cookie" | tee -a "$out"
  wrk_json api "$API_PATH" "$cookie" | tee -a "$out"
done
.venv/bin/python bench/summarize.py "$out" bare home api
