#!/usr/bin/env bash
# Economy benchmark (issue 13): transfers through the service vs a raw SQL transfer on the same tables
# (target >= 0.4), hot vs cold wallets (>= 0.6), and the HTTP transfer page at 50 transfers/s
# (p95 <= 150 ms). See bench/economy/README.md.
# Usage: source scripts/env.sh run && PORTAL_DB_NAME=<own db> bash bench/economy/run.sh
# Knobs: BENCH_ECO_THREADS (4), BENCH_ECO_SECONDS (8), BENCH_ECO_ROUNDS (3), BENCH_ECO_RATE (50),
# BENCH_ECO_HTTP_SECONDS (30), BENCH_ECO_SKIP_SETUP=1 (the wallets were set up before, e.g. outside
# /work/bin/quiet), and the server's BENCH_WORKERS / BENCH_WORKER_CLASS (bench/lib/server.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib/server.sh
mkdir -p bench/results
out="bench/results/economy-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
trap bench_server_stop EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "${BENCH_ECO_SKIP_SETUP:-0}" = 1 ] || .venv/bin/python bench/economy/transfers.py setup | tee -a "$out"
.venv/bin/python bench/economy/transfers.py throughput --threads "${BENCH_ECO_THREADS:-4}" \
  --seconds "${BENCH_ECO_SECONDS:-8}" --rounds "${BENCH_ECO_ROUNDS:-3}" | tee -a "$out"
bench_server_start
echo "server: $BENCH_SERVER_DESC"
.venv/bin/python bench/economy/transfers.py http --url "$BENCH_URL" --rate "${BENCH_ECO_RATE:-50}" \
  --seconds "${BENCH_ECO_HTTP_SECONDS:-30}" | tee -a "$out"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "results: $out"
