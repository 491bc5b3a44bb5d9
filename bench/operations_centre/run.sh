#!/usr/bin/env bash
# Operations-centre benchmark (issue 5): the dashboard with a year of province-scale history against
# the bare single-query view, same gunicorn, interleaved rounds in one run.
# Targets: dashboard p95 <= 150 ms and throughput >= 0.5 x bare.
# Like with like (docs/benchmarks.md): `bare` is requested with the leader's session cookie, as the
# dashboard is; `bare_anon` (no cookie) is reported for reference only.
# Usage: source scripts/env.sh run && bash bench/operations_centre/run.sh   (see README.md here)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/server.sh
ROUNDS="${BENCH_ROUNDS:-3}"
if [ "${BENCH_SKIP_SETUP:-0}" != 1 ]; then
  .venv/bin/python bench/operations_centre/setup.py "${BENCH_DAYS:-365}" "${BENCH_HOURS:-168}"
fi
mkdir -p bench/results
out="bench/results/operations-centre-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
bench_server_start
trap bench_server_stop EXIT
cookie=$(.venv/bin/python bench/session.py bench.leader@langson.gov.vn)
# A signed-in browser sends back the CSRF cookie it was given with its session cookie (without it,
# every page that shows a form would mint a new CSRF secret and cookie for wrk, which never keeps any).
cookie="$cookie; csrftoken=$(.venv/bin/python -c 'from django.utils.crypto import get_random_string; print(get_random_string(32))')"
DASH="/government/operations-centre/?period=365d"
MAP="/government/operations-centre/map-values/?period=365d&indicator=economy.households.digital_shop_share"
PUBLIC="/government/operations-centre/open-data/?period=365d"
echo "server: ${BENCH_SERVER_DESC:-gunicorn}; load before: $(uptime)"
# warm-up: pool connections, template caches, the dashboard's per-generation cache
for p in /bench/bare/ "$DASH" "$MAP"; do BENCH_DURATION=3s wrk_json warmup "$p" "$cookie" >/dev/null; done
BENCH_DURATION=3s wrk_json warmup "$PUBLIC" >/dev/null
for r in $(seq 1 "$ROUNDS"); do
  wrk_json bare /bench/bare/ "$cookie" | tee -a "$out"
  wrk_json dashboard "$DASH" "$cookie" | tee -a "$out"
  wrk_json map "$MAP" "$cookie" | tee -a "$out"
  wrk_json public "$PUBLIC" | tee -a "$out"
  wrk_json bare_anon /bench/bare/ | tee -a "$out"
done
echo "load after: $(uptime)"
.venv/bin/python bench/summarize.py "$out" bare dashboard map public bare_anon
echo "targets: dashboard p95 <= 150 ms, dashboard ratio >= 0.50"
