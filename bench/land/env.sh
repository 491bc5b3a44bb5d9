# The land benchmark's environment: the `run` profile's PostgreSQL (55433) with its own database.
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
source scripts/env.sh run
export PORTAL_DB_NAME="${LAND_BENCH_DB:-h_land_bench}" PORTAL_PORT="${LAND_BENCH_PORT:-8871}"
export DJANGO_DEBUG=0 PORTAL_DATA_DIR="$PWD/.data/bench-land" PORTAL_MEDIA_ROOT="$PWD/.data/bench-land/media"
export BENCH_LOG="${BENCH_LOG:-/tmp/bench-land-gunicorn.log}"
