#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into $PORTAL_DB_NAME and $PORTAL_MEDIA_ROOT.
# Usage: scripts/restore.sh <backup folder>        (`make restore BACKUP=<folder>`)
# Refuses to overwrite: the database must not exist and the media folder must be empty, unless
# PORTAL_RESTORE_REPLACE=1 (then the database is dropped and the media folder moved aside).
# Stop web, worker and beat first; run `manage.py migrate` after (a no-op when versions match).
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:?usage: scripts/restore.sh <backup folder>}"
if [ -z "${PORTAL_DB_NAME:-}" ]; then source scripts/env.sh "${PORTAL_PROFILE:-run}"; fi
: "${PORTAL_DB_HOST:=127.0.0.1}" "${PORTAL_DB_PORT:=55433}" "${PORTAL_MEDIA_ROOT:?}"
(cd "$src" && sha256sum --quiet --check SHA256SUMS) || { echo "restore: $src fails its checksums" >&2; exit 1; }
# A superuser restores owners, grants and the PostGIS extension as they were dumped.
user="${PORTAL_DB_SUPERUSER:-${PORTAL_DB_OWNER_USER:-${PORTAL_DB_USER:-postgres}}}"
export PGPASSWORD="${PORTAL_DB_SUPERUSER_PASSWORD:-${PORTAL_DB_OWNER_PASSWORD:-${PORTAL_DB_PASSWORD:-}}}"
pg=(-h "$PORTAL_DB_HOST" -p "$PORTAL_DB_PORT" -U "$user")
exists=$(psql "${pg[@]}" -d postgres -qtAc "select 1 from pg_database where datname = '$PORTAL_DB_NAME'")
if [ "$exists" = 1 ]; then
  if [ "${PORTAL_RESTORE_REPLACE:-0}" != 1 ]; then
    echo "restore: database $PORTAL_DB_NAME exists (set PORTAL_RESTORE_REPLACE=1 to replace it)" >&2; exit 1
  fi
  dropdb "${pg[@]}" --force "$PORTAL_DB_NAME"
fi
if [ -d "$PORTAL_MEDIA_ROOT" ] && [ -n "$(ls -A "$PORTAL_MEDIA_ROOT")" ]; then
  if [ "${PORTAL_RESTORE_REPLACE:-0}" != 1 ]; then
    echo "restore: $PORTAL_MEDIA_ROOT is not empty (set PORTAL_RESTORE_REPLACE=1 to move it aside)" >&2; exit 1
  fi
  mv "$PORTAL_MEDIA_ROOT" "$PORTAL_MEDIA_ROOT.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
fi
createdb "${pg[@]}" -T template0 ${PORTAL_DB_OWNER_USER:+-O "$PORTAL_DB_OWNER_USER"} "$PORTAL_DB_NAME"
pg_restore "${pg[@]}" -d "$PORTAL_DB_NAME" --exit-on-error --jobs 2 "$src/database.dump"
mkdir -p "$PORTAL_MEDIA_ROOT"
tar -C "$PORTAL_MEDIA_ROOT" -xf "$src/media.tar"
echo "restored $src into database $PORTAL_DB_NAME and $PORTAL_MEDIA_ROOT"
