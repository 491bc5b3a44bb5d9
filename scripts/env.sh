# Environment of one profile (run|test). Sourced by the Makefile's scripts; every value can be
# overridden from the caller's environment.
_profile="${1:-run}"
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "$_profile" = test ]; then
  export PORTAL_DB_PORT="${PORTAL_TEST_DB_PORT:-55443}"
  export PORTAL_REDIS_PORT="${PORTAL_TEST_REDIS_PORT:-56390}"
  export PORTAL_DATA_DIR="${PORTAL_TEST_DATA_DIR:-$_root/.data/test}"
  export DJANGO_ENV=test
else
  export PORTAL_DB_PORT="${PORTAL_DB_PORT:-55433}"
  export PORTAL_REDIS_PORT="${PORTAL_REDIS_PORT:-56380}"
  export PORTAL_DATA_DIR="${PORTAL_DATA_DIR:-$_root/.data/run}"
  export DJANGO_ENV="${DJANGO_ENV:-development}"
fi
export PORTAL_DB_HOST="${PORTAL_DB_HOST:-127.0.0.1}"
# `make run` (PORTAL_DB_SEPARATE_ROLES=1): web, worker and beat connect as portal_app, which owns
# nothing and may only INSERT/SELECT the audit log; `manage.py migrate` connects as portal_owner and
# uses the local superuser to create both roles first (core/db/roles.py). The test suite keeps one
# superuser role: pytest-django creates its databases (tests/core/test_db_roles.py checks the roles).
if [ "${PORTAL_DB_SEPARATE_ROLES:-0}" = 1 ]; then
  export PORTAL_DB_USER="${PORTAL_DB_USER:-portal_app}"
  export PORTAL_DB_OWNER_USER="${PORTAL_DB_OWNER_USER:-portal_owner}"
  export PORTAL_DB_SUPERUSER="${PORTAL_DB_SUPERUSER:-postgres}"
fi
export PORTAL_DB_NAME="${PORTAL_DB_NAME:-lang_son_portal}"
export PORTAL_DB_USER="${PORTAL_DB_USER:-postgres}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:$PORTAL_REDIS_PORT/0}"
export PORTAL_MEDIA_ROOT="${PORTAL_MEDIA_ROOT:-$PORTAL_DATA_DIR/media}"
export PORTAL_PORT="${PORTAL_PORT:-8765}"
