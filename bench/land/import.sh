#!/usr/bin/env bash
# Import time at province scale: export the benchmark's parcels to GeoJSONSeq (ogr2ogr), then time
# `manage.py import_parcels` into an empty database (first import), and again (re-import: every
# parcel compared, nothing changed).
# Usage: bash bench/land/import.sh [limit]
#   LAND_IMPORT_STEP=prepare  export the file (if absent) and create the empty database, no timing
#   LAND_IMPORT_STEP=first    time the first import only (after `prepare`)
#   LAND_IMPORT_STEP=again    time the re-import only
#   (default: all of them). Run `prepare` outside /work/bin/quiet and each timed step inside it.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/land/env.sh
SRC_DB="$PORTAL_DB_NAME"
DST_DB="${LAND_IMPORT_DB:-h_land_import}"
LIMIT="${1:-}"
STEP="${LAND_IMPORT_STEP:-all}"
file="${LAND_IMPORT_FILE:-/tmp/land-parcels${LIMIT:+-$LIMIT}.geojsonl}"
if [ "$STEP" = all ] || [ "$STEP" = prepare ]; then
  if [ ! -s "$file" ]; then
    time ogr2ogr -f GeoJSONSeq "$file" \
      "PG:host=$PORTAL_DB_HOST port=$PORTAL_DB_PORT user=postgres dbname=$SRC_DB" \
      -sql "SELECT c.code AS ma_xa, p.sheet AS so_to, p.number AS so_thua, p.land_use_id AS loai_dat,
                   p.area_m2::float AS dien_tich, p.address AS dia_chi, p.use_form AS hinh_thuc,
                   p.use_term AS thoi_han, p.origin AS nguon_goc, ST_Transform(p.geom, 4326) AS geom
              FROM land_parcel p JOIN geo_administrativeunit c ON c.id = p.commune_id ${LIMIT:+LIMIT $LIMIT}" \
      -lco COORDINATE_PRECISION=7
  fi
  ls -l "$file"
  dropdb -h "$PORTAL_DB_HOST" -p "$PORTAL_DB_PORT" -U postgres --if-exists "$DST_DB"
  createdb -h "$PORTAL_DB_HOST" -p "$PORTAL_DB_PORT" -U postgres "$DST_DB"
  psql -h "$PORTAL_DB_HOST" -p "$PORTAL_DB_PORT" -U postgres -qc "CREATE EXTENSION IF NOT EXISTS postgis" "$DST_DB"
  PORTAL_DB_NAME="$DST_DB" .venv/bin/python manage.py migrate -v0
  PORTAL_DB_NAME="$DST_DB" .venv/bin/python manage.py load_reference_data -v0
  psql -h "$PORTAL_DB_HOST" -p "$PORTAL_DB_PORT" -U postgres -qc "VACUUM ANALYZE" "$DST_DB"
  [ "$STEP" = prepare ] && exit 0
fi
export PORTAL_DB_NAME="$DST_DB"
# The PostgreSQL backends' CPU time (they do the COPY, the checks and the upsert): sampled every 2 s
# from ps, the last sample per backend kept. Wall time on a shared machine depends on the load;
# CPU seconds do not.
backend_cpu() {  # backend_cpu <samples-file>: sample until killed
  while sleep 2; do
    pids=$(psql -h "$PORTAL_DB_HOST" -p "$PORTAL_DB_PORT" -U postgres -Atc \
      "select string_agg(pid::text, ',') from pg_stat_activity where datname = '$DST_DB' and pid <> pg_backend_pid()" postgres)
    [ -n "$pids" ] && ps -o pid=,cputime= -p "$pids" >>"$1" 2>/dev/null
  done
}
cpu_seconds() {  # the summed last CPU time of each backend in a samples file
  awk '{n = split($2, t, /[-:]/); s = t[n] + 60 * t[n-1] + 3600 * t[n-2] + (n > 3 ? 86400 * t[1] : 0); last[$1] = s}
       END {for (p in last) total += last[p]; print total + 0}' "$1"
}
timed_import() {  # timed_import <label>
  local samples; samples=$(mktemp)
  backend_cpu "$samples" & local sampler=$!
  echo "$1: load before $(uptime)"
  /usr/bin/time -f "$1: %e s wall, %U s user + %S s sys CPU in python and ogr2ogr, %M KB max RSS" \
    .venv/bin/python manage.py import_parcels "$file"
  kill "$sampler"; wait "$sampler" 2>/dev/null || true
  echo "$1: PostgreSQL backends $(cpu_seconds "$samples") s CPU"
  echo "$1: load after $(uptime)"
  echo "$1: parcels $(psql -h "$PORTAL_DB_HOST" -p "$PORTAL_DB_PORT" -U postgres -Atc \
    'select count(*), count(distinct code) from land_parcel' "$DST_DB")"
  rm -f "$samples"
}
if [ "$STEP" = all ] || [ "$STEP" = first ]; then timed_import "first import"; fi
if [ "$STEP" = all ] || [ "$STEP" = again ]; then timed_import "re-import"; fi
