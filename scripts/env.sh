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
export PORTAL_DB_NAME="${PORTAL_DB_NAME:-lang_son_portal}"
export PORTAL_DB_USER="${PORTAL_DB_USER:-postgres}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:$PORTAL_REDIS_PORT/0}"
export PORTAL_MEDIA_ROOT="${PORTAL_MEDIA_ROOT:-$PORTAL_DATA_DIR/media}"
export PORTAL_PORT="${PORTAL_PORT:-8765}"
