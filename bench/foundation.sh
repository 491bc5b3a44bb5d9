#!/usr/bin/env bash
# Foundation benchmark (issue 2): the authenticated home page and one DRF read endpoint against the
# bare single-query view, same gunicorn, interleaved rounds in one run. Target: ratio >= 0.6.
# Like with like (docs/benchmarks.md): the baseline `bare` is requested with the SAME session cookie
# as the pages, so it pays the same server, middleware stack and per-request authentication; the
# ratio then measures what the page adds on top of one query. `bare_anon` (no cookie) is reported
# for reference only.
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
# A signed-in browser sends back the CSRF cookie it was given with its session cookie (without it,
# every page that shows a form would mint a new CSRF secret and cookie for wrk, which never keeps any).
cookie="$cookie; csrftoken=$(.venv/bin/python -c 'from django.utils.crypto import get_random_string; print(get_random_string(32))')"
echo "server: ${BENCH_SERVER_DESC:-gunicorn}; load before: $(uptime)"
# warm-up (pool connections, template caches)
for p in /bench/bare/ / "$API_PATH"; do BENCH_DURATION=3s wrk_json warmup "$p" "$cookie" >/dev/null; done
for r in $(seq 1 "$ROUNDS"); do
  wrk_json bare /bench/bare/ "$cookie" | tee -a "$out"
  wrk_json home / "$cookie" | tee -a "$out"
  wrk_json api "$API_PATH" "$cookie" | tee -a "$out"
  wrk_json bare_anon /bench/bare/ | tee -a "$out"
done
echo "load after: $(uptime)"
.venv/bin/python bench/summarize.py "$out" bare home api bare_anon
echo "target: home and api ratio >= 0.60 (ratio to bare, the same request with the same session)"
