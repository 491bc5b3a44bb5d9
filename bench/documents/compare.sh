#!/usr/bin/env bash
# Two versions of the documents search side by side in one quiet slot (README.md here): run.sh from each
# tree on its own copy of the documents, in the order given ("old new" or "new old").
# Usage: OLD_TREE=<folder from git archive> OLD_DB=<db> NEW_TREE=<worktree> NEW_DB=<db> \
#          /work/bin/quiet bash bench/documents/compare.sh old new
set -u
export BENCH_SKIP_SETUP=1 BENCH_ROUNDS="${BENCH_ROUNDS:-2}" BENCH_PORT="${BENCH_PORT:-8816}"
run() {  # <label> <tree> <db>
  echo "=== $1: $2 on $3, $(date -u +%H:%M:%S) UTC, load: $(uptime)"
  (cd "$2" && source scripts/env.sh run && export PORTAL_DB_NAME="$3" && bash bench/documents/run.sh)
}
for side in "$@"; do
  case $side in
    old) run old "$OLD_TREE" "$OLD_DB" ;;
    new) run new "$NEW_TREE" "$NEW_DB" ;;
    *) echo "unknown side: $side (old | new)" >&2; exit 2 ;;
  esac
done
