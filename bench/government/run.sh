#!/usr/bin/env bash
# Government benchmark (issue 3): dossier submission with a 2 MB file at 20 requests/s (target
# p95 <= 300 ms) while an official moves dossiers on. See bench/government/README.md.
# Usage: make bench   (or: source scripts/env.sh run && bash bench/government/run.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/server.sh
mkdir -p bench/results
out="bench/results/government-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
bench_server_start
trap bench_server_stop EXIT
status=0
.venv/bin/python bench/government/submit_load.py --url "$BENCH_URL" --rate "${BENCH_GOV_RATE:-20}" \
  --duration "${BENCH_GOV_DURATION:-60}" | tee -a "$out" || status=$?
echo "results: $out"
exit $status
