#!/usr/bin/env bash
# The economy benchmark on this checkout, then the throughput part on another checkout of the code
# (the baseline: e.g. `git worktree add --detach /tmp/old <commit>` with .venv linked), then this
# checkout again — one invocation, so wrap it in /work/bin/quiet and set the wallets up before.
# Usage: source scripts/env.sh run && PORTAL_DB_NAME=<own db> BENCH_ECO_SKIP_SETUP=1 \
#          /work/bin/quiet bash bench/economy/compare.sh <baseline checkout>
set -u
baseline="${1:?the baseline checkout}"
cd "$(dirname "$0")/../.."
echo "== A $(git rev-parse --short HEAD) $(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg)"
bash bench/economy/run.sh
echo "== B baseline $(git -C "$baseline" rev-parse --short HEAD) $(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg)"
(cd "$baseline" && .venv/bin/python bench/economy/transfers.py throughput --threads "${BENCH_ECO_THREADS:-4}" \
  --seconds "${BENCH_ECO_SECONDS:-8}" --rounds "${BENCH_ECO_ROUNDS:-3}")
echo "== C $(git rev-parse --short HEAD) $(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg)"
bash bench/economy/run.sh
echo "== end $(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg)"
