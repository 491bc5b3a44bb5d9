#!/usr/bin/env bash
# Stop the project-local PostgreSQL and Redis of a profile (run|test).
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh "${1:-run}"
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
if [ -f "$PORTAL_DATA_DIR/pg/postmaster.pid" ]; then
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$pgbin/pg_ctl" -D "$PORTAL_DATA_DIR/pg" -m fast stop; else "$pgbin/pg_ctl" -D "$PORTAL_DATA_DIR/pg" -m fast stop; fi
fi
redis-cli -p "$PORTAL_REDIS_PORT" shutdown nosave 2>/dev/null || true
