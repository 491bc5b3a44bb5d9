#!/usr/bin/env bash
# Issue 14: the transcript batch job of a commit (by default HEAD) side by side with a baseline
# commit (by default fdd9909, the tree before the throughput work), rounds interleaved so both see
# the same load on this shared machine. Both run from detached worktrees of their commits (so
# editing the working tree during a run changes nothing) with the same bench driver (this tree's
# run.sh and transcripts.py, which only call services both have): same database, a school of its
# own each time. Each result is appended, labelled, to bench/results/society-compare-<UTC>.jsonl.
#   bench/society/compare.sh [rounds] [classes] [students per class]
# Environment: BASE_REF, CURRENT_REF, and run.sh's BENCH_DB, BENCH_REDIS_URL, BENCH_MEDIA;
# PORTAL_DB_PORT / PORTAL_REDIS_PORT to use other services than the `run` profile's.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS="${1:-2}"; CLASSES="${2:-10}"; STUDENTS="${3:-40}"
declare -A DIRS
DIRS[baseline]="$(mktemp -d /tmp/bench-society-baseline.XXXXXX)"
DIRS[current]="$(mktemp -d /tmp/bench-society-current.XXXXXX)"
cleanup() { for d in "${DIRS[@]}"; do git worktree remove --force "$d" >/dev/null 2>&1 || true; done; }
trap cleanup EXIT
git worktree add --detach "${DIRS[baseline]}" "${BASE_REF:-fdd9909}" >/dev/null 2>&1
git worktree add --detach "${DIRS[current]}" "${CURRENT_REF:-HEAD}" >/dev/null 2>&1
for d in "${DIRS[@]}"; do
  ln -s "$PWD/.venv" "$d/.venv"
  cp bench/society/run.sh bench/society/transcripts.py "$d/bench/society/"
done
mkdir -p bench/results
OUT="$PWD/bench/results/society-compare-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
for round in $(seq 1 "$ROUNDS"); do
  for label in baseline current; do
    dir="${DIRS[$label]}"
    load="$(cut -d' ' -f1 /proc/loadavg)"
    line="$(bash "$dir/bench/society/run.sh" "$CLASSES" "$STUDENTS" 2>/dev/null | tail -n 1)"
    echo "{\"label\": \"$label\", \"round\": $round, \"ref\": \"$(git -C "$dir" rev-parse --short HEAD)\", \"load_avg_1m_before\": $load, \"result\": $line}" | tee -a "$OUT"
  done
done
.venv/bin/python - "$OUT" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
by = {label: [r["result"] for r in rows if r["label"] == label] for label in ("baseline", "current")}
for label, mine in by.items():
    med = lambda key: statistics.median(r[key] for r in mine)
    print(f"{label}: median {med('transcripts_per_s')} transcripts/s wall; CPU ms/transcript: worker "
          f"{med('worker_cpu_ms_per_transcript')}, PostgreSQL {med('postgres_cpu_ms_per_transcript')}; "
          f"projected on 2 idle cores {med('projected_per_s_on_2_idle_cores')}/s; "
          f"signed {sum(r['signed'] for r in mine)} of {sum(r['transcripts'] for r in mine)}")
print("per round, current/baseline: wall", [round(c["transcripts_per_s"] / b["transcripts_per_s"], 2) for b, c in zip(by["baseline"], by["current"])],
      "CPU", [round((b["worker_cpu_ms_per_transcript"] + b["postgres_cpu_ms_per_transcript"]) / (c["worker_cpu_ms_per_transcript"] + c["postgres_cpu_ms_per_transcript"]), 2) for b, c in zip(by["baseline"], by["current"])])
PY
