#!/usr/bin/env bash
# Land platform benchmark (issue 12) at province scale (2.35 M parcels), against the bare
# single-query view on the same gunicorn, interleaved rounds in one run:
# - lookup by commune/sheet/parcel (the public form, answers 302 to the sheet): wrk closed loop for
#   the throughput ratio (target >= 0.6 x bare) and an open-loop 100 req/s run for p95 (<= 50 ms);
# - point-in-parcel (coordinate lookup) at 100 req/s: p95 <= 50 ms;
# - vector tiles (ST_AsMVT) at zooms 14-18 around random parcels: p95 <= 150 ms (zooms 14-15 come
#   from the tile store: BENCH_TILE_WARM=1 renders every z14 tile of the province first, as
#   `manage.py land_tiles --warm` does after an import; without it they are rendered on first use);
# - the full parcel sheet, for reference.
# Usage: bash bench/land/run.sh   (after bench/land/setup.sh; see docs/benchmarks.md)
#   LAND_BENCH_STEP=prepare  sample the paths, migrate, warm the tiles (BENCH_TILE_WARM=1), no timing:
#                            run it outside /work/bin/quiet, then LAND_BENCH_STEP=measure inside it.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/land/env.sh
BENCH_PORT="${BENCH_PORT:-8871}"
source bench/lib/server.sh
ROUNDS="${BENCH_ROUNDS:-3}"
RATE="${BENCH_RATE:-100}"
mkdir -p bench/results
dir=bench/results/land-paths
STEP="${LAND_BENCH_STEP:-all}"
if [ "$STEP" != measure ]; then
  .venv/bin/python bench/land/paths.py "$dir" "${BENCH_SAMPLE:-2000}"
  .venv/bin/python manage.py migrate -v0
  if [ "${BENCH_TILE_WARM:-0}" = 1 ] && [ -f government/land/tiles.py ]; then
    /usr/bin/time -f "tile warm-up: %e s wall" .venv/bin/python manage.py land_tiles --clear --warm --zoom 14
  fi
  DJANGO_DEBUG=0 .venv/bin/python manage.py collectstatic --noinput -v 0
  [ "$STEP" = prepare ] && exit 0
fi
out="bench/results/land-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
bench_server_start
trap bench_server_stop EXIT
wrk_paths() {  # wrk_paths <label> <paths-file>
  local out_line
  out_line=$(PATHS="$2" wrk -t2 -c"${BENCH_CONNECTIONS:-8}" -d"${BENCH_DURATION:-10s}" --timeout 5s \
    -s bench/land/paths.lua "$BENCH_URL/" | tail -n1)
  echo "{\"label\": \"$1\", \"path\": \"$2\", ${out_line#\{}"
}
echo "server: ${BENCH_SERVER_DESC:-gunicorn}; parcels: $(psql -h "$PORTAL_DB_HOST" -p "$PORTAL_DB_PORT" -U postgres -tAc 'select count(*) from land_parcel' "$PORTAL_DB_NAME"); load before: $(uptime)"
for p in lookups points tiles-16; do BENCH_DURATION=3s wrk_paths warmup "$dir/$p.txt" >/dev/null; done
BENCH_DURATION=3s wrk_json warmup /bench/bare/ >/dev/null
for r in $(seq 1 "$ROUNDS"); do
  wrk_json bare /bench/bare/ | tee -a "$out"
  wrk_paths lookup "$dir/lookups.txt" | tee -a "$out"
  .venv/bin/python bench/land/rate.py lookup_100 "$BENCH_URL" "$dir/lookups.txt" "$RATE" 15 | tee -a "$out"
  .venv/bin/python bench/land/rate.py point_100 "$BENCH_URL" "$dir/points.txt" "$RATE" 15 | tee -a "$out"
  for z in 14 15 16 17 18; do wrk_paths "tile_z$z" "$dir/tiles-$z.txt" | tee -a "$out"; done
  wrk_paths sheet "$dir/sheets.txt" | tee -a "$out"
done
echo "load after: $(uptime)"
.venv/bin/python bench/summarize.py "$out" bare lookup lookup_100 point_100 tile_z14 tile_z15 tile_z16 tile_z17 tile_z18 sheet
echo "targets: lookup_100 and point_100 p95 <= 50 ms at $RATE req/s; lookup ratio >= 0.60; tiles p95 <= 150 ms"
