#!/usr/bin/env bash
# `make run`'s data step: migrate, load the reference data and the demo data (scripts/serve.sh then
# serves). Each command is idempotent but together they cost ~40 s even when there is nothing to do,
# so a second `make run` skips them when nothing they read has changed since they last succeeded:
# the migrations, reference files, reference and demo loaders, the requirements and the scale, and
# the database still holds the migrations it held then (a dropped or recreated database is
# prepared again). `make run PREPARE=1` prepares anyway.
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-small}"
stamp="$PORTAL_DATA_DIR/.prepared-$PORTAL_DB_NAME"
py=.venv/bin/python

fingerprint() {
  {
    echo "scale=$scale"
    cat requirements.txt
    find . \( -path ./.venv -o -path ./.data -o -path ./staticfiles -o -path ./.git -o -path ./node_modules \) -prune -o \
      -type f \( -path '*/migrations/*.py' -o -path '*/reference/*' -o -name reference.py -o -name demo.py \
      -o -name load_reference_data.py -o -name seed_demo.py -o -name migrate.py \) -print0 \
      | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-32
}

applied() {
  # The number of applied migrations, read as the superuser (no Django start-up: it costs ~2 s).
  psql -h "$PORTAL_DB_HOST" -p "$PORTAL_DB_PORT" -U "${PORTAL_DB_SUPERUSER:-postgres}" -d "$PORTAL_DB_NAME" -qtAX \
    -c "select count(*) from django_migrations" 2>/dev/null || echo none
}

now=$(fingerprint)
if [ "${PREPARE:-0}" != 1 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$now $(applied)" ]; then
  echo "[make run] database, reference and demo data unchanged since the last run: not reloaded (make run PREPARE=1 reloads them)"
  exit 0
fi
start=$(date +%s)
$py manage.py migrate --noinput -v 0
$py manage.py load_reference_data
$py manage.py seed_demo --scale "$scale"
echo "$now $(applied)" > "$stamp"
echo "[make run] data ready in $(( $(date +%s) - start )) s"
