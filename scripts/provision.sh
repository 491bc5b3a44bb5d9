#!/usr/bin/env bash
# Provision everything the portal needs on one Debian/Ubuntu machine, idempotently:
# system packages, the Python 3.12 venv, a project-local PostgreSQL+PostGIS cluster and Redis on
# loopback. Usage: scripts/provision.sh run|test
# Why project-local services: other services on the machine may hold the default ports, and a
# developer's data must never mix with the test cluster.
set -euo pipefail
profile="${1:-run}"
cd "$(dirname "$0")/.."
root="$(pwd)"
# shellcheck source=scripts/env.sh
source scripts/env.sh "$profile"

log() { printf '\033[1;34m[provision:%s]\033[0m %s\n' "$profile" "$*"; }

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# --- system packages -------------------------------------------------------------------------
pkgs=(postgresql postgresql-15-postgis-3 redis-server gdal-bin libgdal32 gettext
      fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libmagic1 wrk curl)
# poppler-utils: pdfsig, the independent check of the double-signed transcripts (tests/society).
if [ "$profile" = test ]; then pkgs+=(chromium poppler-utils zbar-tools); fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Python 3.12 virtualenv --------------------------------------------------------------------
is_py312() { "$1" -c 'import sys; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1; }
find_python() {
  # Real interpreters first: a pyenv *shim* named python3.12 may exist on PATH and still fail
  # ("command not found") when 3.12 is not the selected pyenv version.
  local c
  for c in "$HOME"/.pyenv/versions/3.12*/bin/python3.12 /root/.pyenv/versions/3.12*/bin/python3.12 \
           /usr/local/bin/python3.12 /usr/bin/python3.12 "$(command -v python3.12 2>/dev/null)"; do
    if [ -n "$c" ] && [ -x "$c" ] && is_py312 "$c"; then echo "$c"; return 0; fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    local v
    v=$(pyenv versions --bare 2>/dev/null | grep -E '^3\.12' | tail -n1 || true)
    if [ -n "$v" ] && is_py312 "$(pyenv root)/versions/$v/bin/python3.12"; then
      echo "$(pyenv root)/versions/$v/bin/python3.12"; return 0
    fi
  fi
  return 1
}
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
  if ! py=$(find_python); then
    log "Python 3.12 not found: installing it with uv"
    $SUDO apt-get install -y -qq python3-pip python3-venv >/dev/null || true
    python3 -m pip install --quiet --user uv || python3 -m pip install --quiet --break-system-packages uv
    "$HOME/.local/bin/uv" python install 3.12
    py=$("$HOME/.local/bin/uv" python find 3.12)
  fi
  log "creating .venv with $py"
  rm -rf .venv
  "$py" -m venv .venv
fi
req_stamp=".venv/.requirements-$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)"
if [ ! -f "$req_stamp" ]; then
  log "installing Python requirements"
  .venv/bin/pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored" || true
  .venv/bin/pip install --quiet -r requirements-dev.txt 2>&1 | grep -v "is ignored" || true
  .venv/bin/pip check
  rm -f .venv/.requirements-*
  touch "$req_stamp"
fi

# --- PostgreSQL + PostGIS (project-local cluster) ----------------------------------------------
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
pgdata="$PORTAL_DATA_DIR/pg"
as_pg() {
  # PostgreSQL refuses to run as root: run it as the postgres system user then.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
mkdir -p "$PORTAL_DATA_DIR" "$pgdata"
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$pgdata"
  # The cluster lives in the checkout, and the postgres user must be able to reach it: a clone
  # inside a private folder (mktemp -d makes 0700 folders) would make initdb fail with a bare
  # "permission denied". Grant search (x) only, never read, on each parent it cannot enter.
  if ! runuser -u postgres -- test -x "$pgdata"; then
    d=$(dirname "$pgdata")
    while [ "$d" != / ]; do
      if [ -z "$(find "$d" -maxdepth 0 -perm -o+x)" ]; then
        log "letting the postgres user traverse $d (chmod o+x) to reach $pgdata"
        chmod o+x "$d"
      fi
      d=$(dirname "$d")
    done
  fi
fi
chmod 700 "$pgdata"
if [ ! -f "$pgdata/PG_VERSION" ]; then
  log "initialising PostgreSQL cluster in $pgdata"
  as_pg "$pgbin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >> "$pgdata/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORTAL_DB_PORT
unix_socket_directories = ''
max_connections = 200
shared_buffers = 512MB
work_mem = 16MB
# Test clusters are disposable: durability off makes the suite faster.
fsync = $( [ "$profile" = test ] && echo off || echo on )
synchronous_commit = $( [ "$profile" = test ] && echo off || echo on )
full_page_writes = $( [ "$profile" = test ] && echo off || echo on )
CONF
fi
if ! as_pg "$pgbin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
  log "starting PostgreSQL on 127.0.0.1:$PORTAL_DB_PORT"
  as_pg "$pgbin/pg_ctl" -D "$pgdata" -l "$pgdata/postgresql.log" -w -t 60 start >/dev/null
fi
psql_pg() { PGOPTIONS="--client-min-messages=warning" psql -h 127.0.0.1 -p "$PORTAL_DB_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql_pg -d postgres -c "select 1 from pg_database where datname='$PORTAL_DB_NAME'")" != 1 ]; then
  psql_pg -d postgres -c "create database \"$PORTAL_DB_NAME\""
fi
psql_pg -d "$PORTAL_DB_NAME" -c "create extension if not exists postgis"
# template1 gets PostGIS too, so the test databases pytest-django creates have it.
psql_pg -d template1 -c "create extension if not exists postgis"

# --- Redis -------------------------------------------------------------------------------------
if ! redis-cli -p "$PORTAL_REDIS_PORT" ping >/dev/null 2>&1; then
  log "starting Redis on 127.0.0.1:$PORTAL_REDIS_PORT"
  redis-server --bind 127.0.0.1 --port "$PORTAL_REDIS_PORT" --dir "$PORTAL_DATA_DIR" \
    --daemonize yes --pidfile "$PORTAL_DATA_DIR/redis.pid" --logfile "$PORTAL_DATA_DIR/redis.log" \
    --save "$( [ "$profile" = test ] && echo '' || echo '60 1000')" --appendonly no
  for _ in $(seq 1 50); do redis-cli -p "$PORTAL_REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
log "services ready (PostgreSQL :$PORTAL_DB_PORT, Redis :$PORTAL_REDIS_PORT)"
