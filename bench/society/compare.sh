#!/usr/bin/env bash
# Issue 14: the transcript batch job of this tree side by side with a baseline commit (by default
# the tree before the throughput work, fdd9909), rounds interleaved so both see the same load on
# this shared machine. Each round runs bench/society/run.sh of each tree (same database, a school
# of its own each time) and appends its JSON, labelled, to bench/results/society-compare-<UTC>.jsonl.
#   bench/society/compare.sh [rounds] [classes] [students per class]
# Environment: BASE_REF (baseline commit), and run.sh's BENCH_DB, BENCH_REDIS_URL, BENCH_MEDIA;
# PORTAL_DB_PORT / PORTAL_REDIS_PORT to use other services than the `run` profile's.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS="${1:-2}"; CLASSES="${2:-10}"; STUDENTS="${3:-40}"
BASE_REF="${BASE_REF:-fdd9909}"
BASE_DIR="$(mktemp -d /tmp/bench-society-base.XXXXXX)"
git worktree add --detach "$BASE_DIR" "$BASE_REF" >/dev/null 2>&1
ln -s "$PWD/.venv" "$BASE_DIR/.venv"
# The same bench driver in both trees (it only calls services both have), so both are measured alike.
cp bench/society/run.sh bench/society/transcripts.py "$BASE_DIR/bench/society/"
trap 'git worktree remove --force "$BASE_DIR" >/dev/null 2>&1 || true' EXIT
mkdir -p bench/results
OUT="bench/results/society-compare-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
for round in $(seq 1 "$ROUNDS"); do
  for label in baseline current; do
    dir="$PWD"; [ "$label" = baseline ] && dir="$BASE_DIR"
    load="$(cut -d' ' -f1 /proc/loadavg)"
    line="$(bash "$dir/bench/society/run.sh" "$CLASSES" "$STUDENTS" 2>/dev/null | tail -n 1)"
    echo "{\"label\": \"$label\", \"round\": $round, \"ref\": \"$(git -C "$dir" describe --always --dirty)\", \"load_avg_1m_before\": $load, \"result\": $line}" | tee -a "$OUT"
  done
done
.venv/bin/python - "$OUT" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
for label in ("baseline", "current"):
    mine = [r["result"] for r in rows if r["label"] == label]
    print(label, "median transcripts/s", statistics.median(r["transcripts_per_s"] for r in mine),
          "| median worker CPU ms/transcript", statistics.median(r["worker_cpu_ms_per_transcript"] for r in mine),
          "| signed", sum(r["signed"] for r in mine), "of", sum(r["transcripts"] for r in mine))
pairs = zip([r for r in rows if r["label"] == "baseline"], [r for r in rows if r["label"] == "current"])
print("per-round speed-up (current/baseline, wall):",
      [round(c["result"]["transcripts_per_s"] / b["result"]["transcripts_per_s"], 2) for b, c in pairs])
PY
