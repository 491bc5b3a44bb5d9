#!/usr/bin/env bash
# Back up the portal: the database (pg_dump, custom format) and the media folder (tar), into a new
# folder $PORTAL_BACKUP_DIR/<UTC timestamp>/ with a SHA256SUMS file. Prints the folder.
# Usage: scripts/backup.sh            (environment as scripts/env.sh sets it; `make backup`)
# The database is dumped first, then the media: a file is written before the row that names it
# commits, so every file the dump refers to is in the archive (docs/operations.md).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PORTAL_DB_NAME:-}" ]; then source scripts/env.sh "${PORTAL_PROFILE:-run}"; fi
: "${PORTAL_DB_HOST:=127.0.0.1}" "${PORTAL_DB_PORT:=55433}" "${PORTAL_MEDIA_ROOT:?}"
# The owner reads every table (the application role reads them too, but may lack new sequences).
user="${PORTAL_DB_OWNER_USER:-${PORTAL_DB_USER:-postgres}}"
password="${PORTAL_DB_OWNER_PASSWORD:-${PORTAL_DB_PASSWORD:-}}"
dest="${PORTAL_BACKUP_DIR:-${PORTAL_DATA_DIR:-.data/run}/backups}/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dest"
PGPASSWORD="$password" pg_dump -h "$PORTAL_DB_HOST" -p "$PORTAL_DB_PORT" -U "$user" -d "$PORTAL_DB_NAME" \
  --format=custom --compress=6 --file "$dest/database.dump"
mkdir -p "$PORTAL_MEDIA_ROOT"
tar -C "$PORTAL_MEDIA_ROOT" -cf "$dest/media.tar" .
(cd "$dest" && sha256sum database.dump media.tar > SHA256SUMS)
echo "$dest"
