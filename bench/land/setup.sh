#!/usr/bin/env bash
# Province-scale data for the land benchmark in its own database of the `run` profile's PostgreSQL:
# migrate, reference data, then the synthetic 2.35 M parcels (government/land/generator.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/land/env.sh
createdb -h "$PORTAL_DB_HOST" -p "$PORTAL_DB_PORT" -U postgres "$PORTAL_DB_NAME" 2>/dev/null || true
psql -h "$PORTAL_DB_HOST" -p "$PORTAL_DB_PORT" -U postgres -qc "CREATE EXTENSION IF NOT EXISTS postgis" "$PORTAL_DB_NAME"
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py load_reference_data -v0
time .venv/bin/python manage.py seed_demo --only land --scale province
