#!/usr/bin/env bash
# All benchmarks, one after the other (each prints its own summary). See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash bench/foundation.sh
for b in bench/*/run.sh; do [ -f "$b" ] && bash "$b"; done
