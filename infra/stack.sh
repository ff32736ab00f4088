#!/usr/bin/env bash
# biomon local stack: PostgreSQL 15 + PostGIS 3 and Redis 7 from Debian's packages,
# each in a data folder of this checkout, on its own port.
#
#   bash infra/stack.sh up [--with-test-tools]   install if missing, initialise, start (idempotent)
#   bash infra/stack.sh down [pg|redis|"pg redis"] stop both, or the ones named (only this checkout's servers)
#   bash infra/stack.sh status                   print what runs where
#   bash infra/stack.sh env                      print export lines for DATABASE_URL / REDIS_URL
#   bash infra/stack.sh standby-up|standby-down   a hot standby of the local PostgreSQL (infra/scale-out.sh):
#                                                a fresh pg_basebackup -R on BIOMON_PG_STANDBY_PORT (default 55433)
#
# Ports: BIOMON_PG_PORT (default 55432), BIOMON_REDIS_PORT (default 56379). Data folder:
# BIOMON_DATA_DIR (default .data/ of the checkout).
# `up` prints, on its last line, which servers it started itself ("started: pg redis"), so callers
# can stop exactly those on exit. When BIOMON_STACK_LEDGER names a file, `up` also appends to it
# the name of each server *before* it starts it: a caller interrupted while `up` runs (Ctrl-C)
# still knows what to stop (`down` of a server that never came up is a no-op).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_PORT=${BIOMON_PG_PORT:-55432}
REDIS_PORT=${BIOMON_REDIS_PORT:-56379}
STANDBY_PORT=${BIOMON_PG_STANDBY_PORT:-55433}
PG_BIN=/usr/lib/postgresql/15/bin
DATA="${BIOMON_DATA_DIR:-$ROOT/.data}"

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

STACK_PKGS=(postgresql-15 postgresql-15-postgis-3 redis-server gdal-bin)
TEST_PKGS=(chromium fonts-wqy-microhei)

pkg_missing() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  echo "${missing[@]:-}"
}

install_pkgs() {
  local missing
  missing=$(pkg_missing "$@")
  [[ -z "${missing// /}" ]] && return 0
  if [[ $(id -u) -ne 0 ]]; then
    die "missing Debian packages: $missing
  run as root:  sudo apt-get update && sudo apt-get install -y $missing
  then run this command again."
  fi
  log "installing Debian packages: $missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >&2
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# PostgreSQL refuses to run as root: as root we run it as the `postgres` user, which must be able
# to reach its data folder. A checkout under a private folder (/root is mode 700) is unreachable
# for it, so we fall back to a folder outside the checkout, keyed by the checkout's path.
pg_data_dir() {
  if [[ -n "${BIOMON_PG_DATA:-}" ]]; then echo "$BIOMON_PG_DATA"; return; fi
  if [[ $(id -u) -ne 0 ]]; then echo "$DATA/pg"; return; fi
  mkdir -p "$DATA"
  chmod 755 "$DATA" 2>/dev/null || true
  if runuser -u postgres -- test -x "$DATA" 2>/dev/null; then
    echo "$DATA/pg"
  else
    local key
    key=$(printf '%s' "${BIOMON_DATA_DIR:-$ROOT}" | sha1sum | cut -c1-12)
    echo "/var/lib/biomon/$key-pg"
  fi
}

as_pg() {
  # cd /: the postgres user may not be allowed into the caller's working directory
  if [[ $(id -u) -eq 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

psql_admin() {
  "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"
}

pg_up() {
  local pgdata started=0
  pgdata=$(pg_data_dir)
  if [[ ! -s "$pgdata/PG_VERSION" ]]; then
    log "initialising PostgreSQL cluster in $pgdata"
    mkdir -p "$pgdata"
    if [[ $(id -u) -eq 0 ]]; then
      chown postgres:postgres "$pgdata"
      chmod 700 "$pgdata"
    fi
    as_pg "$PG_BIN/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null \
      || die "initdb failed for $pgdata"
  fi
  # (a separate step, so that a start interrupted right after initdb is completed by the next one)
  if ! grep -q "^include = 'biomon.conf'" "$pgdata/postgresql.conf" 2>/dev/null; then
    cp "$ROOT/infra/postgresql.conf" "$pgdata/biomon.conf"
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$pgdata/biomon.conf"
    echo "include = 'biomon.conf'" | as_pg tee -a "$pgdata/postgresql.conf" >/dev/null
  fi
  if as_pg "$PG_BIN/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
    log "PostgreSQL already running ($pgdata)"
  else
    if port_open "$PG_PORT"; then
      die "port $PG_PORT is taken by another program; set BIOMON_PG_PORT to a free port"
    fi
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    note_starting pg
    as_pg "$PG_BIN/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -t 60 \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" start >/dev/null \
      || { tail -n 20 "$pgdata/server.log" >&2; die "PostgreSQL did not start"; }
    started=1
  fi
  # The running server must be ours and listen on the configured port.
  local ok=0
  for _ in $(seq 1 50); do
    if psql_admin -c 'select 1' >/dev/null 2>&1; then ok=1; break; fi
    sleep 0.2
  done
  [[ $ok -eq 1 ]] || die "PostgreSQL of $pgdata does not answer on port $PG_PORT (is it running on another port? run: bash infra/stack.sh down)"
  if [[ -z $(psql_admin -c "select 1 from pg_database where datname='biomon'") ]]; then
    psql_admin -c "create database biomon" >/dev/null
  fi
  [[ $started -eq 1 ]] && STARTED+=(pg)
  return 0
}

redis_up() {
  local dir="$DATA/redis"
  mkdir -p "$dir"
  local pidfile="$dir/redis.pid"
  if [[ -s "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    log "Redis already running (pid $(cat "$pidfile"))"
    return 0
  fi
  if port_open "$REDIS_PORT"; then
    die "port $REDIS_PORT is taken by another program; set BIOMON_REDIS_PORT to a free port"
  fi
  log "starting Redis on 127.0.0.1:$REDIS_PORT"
  note_starting redis
  redis-server "$ROOT/infra/redis.conf" --port "$REDIS_PORT" --dir "$dir" \
    --pidfile "$pidfile" --logfile "$dir/redis.log" --daemonize yes
  for _ in $(seq 1 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && { STARTED+=(redis); return 0; }
    sleep 0.1
  done
  tail -n 20 "$dir/redis.log" >&2
  die "Redis did not start"
}

# The postmaster of a data folder, by its command line (pg_ctl starts `postgres -D <folder> …`), for
# a server whose start was interrupted before it wrote postmaster.pid.
postmaster_pids() { pgrep -f -x "$PG_BIN/postgres -D $1 .*" 2>/dev/null || true; }

pg_down() {
  local pgdata
  pgdata=$(pg_data_dir)
  [[ -s "$pgdata/PG_VERSION" ]] || return 0
  # a start interrupted mid-way: give the postmaster a moment to write its pid file
  for _ in $(seq 1 30); do
    [[ -s "$pgdata/postmaster.pid" || -z $(postmaster_pids "$pgdata") ]] && break
    sleep 0.1
  done
  if as_pg "$PG_BIN/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
    log "stopping PostgreSQL"
    as_pg "$PG_BIN/pg_ctl" -D "$pgdata" -m fast -w -t 60 stop >/dev/null || true
  fi
  local left
  left=$(postmaster_pids "$pgdata")
  if [[ -n $left ]]; then
    log "stopping PostgreSQL (no pid file yet)"
    # shellcheck disable=SC2086
    kill -INT $left 2>/dev/null || true
    for _ in $(seq 1 100); do [[ -z $(postmaster_pids "$pgdata") ]] && break; sleep 0.1; done
  fi
}

redis_down() {
  local pidfile="$DATA/redis/redis.pid"
  # a start interrupted mid-way: the daemon may not have written its pid file yet
  for _ in $(seq 1 20); do
    [[ -s "$pidfile" ]] && break
    port_open "$REDIS_PORT" || break
    sleep 0.1
  done
  if [[ -s "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    log "stopping Redis"
    redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || kill "$(cat "$pidfile")"
    for _ in $(seq 1 50); do kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null || break; sleep 0.1; done
  fi
}

# The hot standby: a fresh copy of the primary at each start (pg_basebackup -R: streaming
# replication, hot_standby on), beside the primary's folder, with a replication slot so that it
# catches up after being stopped; standby-down stops it and drops the slot (a slot left behind
# would make the primary keep WAL for ever).
standby_slot() { echo "biomon_standby_$STANDBY_PORT"; }

standby_up() {
  local pgdata sdata slot
  pgdata=$(pg_data_dir)
  sdata="$pgdata-standby"
  slot=$(standby_slot)
  psql_admin -c 'select 1' >/dev/null 2>&1 || die "the primary PostgreSQL does not answer on port $PG_PORT (bash infra/stack.sh up)"
  standby_down
  if port_open "$STANDBY_PORT"; then
    die "port $STANDBY_PORT is taken by another program; set BIOMON_PG_STANDBY_PORT to a free port"
  fi
  rm -rf "$sdata"
  mkdir -p "$sdata"
  if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$sdata"; fi
  chmod 700 "$sdata"
  log "copying the primary into $sdata (pg_basebackup, slot $slot)"
  note_starting standby
  as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U postgres -D "$sdata" -R -X stream -C -S "$slot" -c fast \
    || die "pg_basebackup failed"
  rm -f "$sdata/server.log"
  log "starting the hot standby on 127.0.0.1:$STANDBY_PORT"
  as_pg "$PG_BIN/pg_ctl" -D "$sdata" -l "$sdata/server.log" -w -t 120 \
    -o "-p $STANDBY_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c hot_standby=on" start >/dev/null \
    || { tail -n 20 "$sdata/server.log" >&2; die "the standby did not start"; }
}

standby_down() {
  local pgdata sdata slot
  pgdata=$(pg_data_dir)
  sdata="$pgdata-standby"
  slot=$(standby_slot)
  if [[ -s "$sdata/PG_VERSION" ]] && as_pg "$PG_BIN/pg_ctl" -D "$sdata" status >/dev/null 2>&1; then
    log "stopping the hot standby"
    as_pg "$PG_BIN/pg_ctl" -D "$sdata" -m fast -w -t 60 stop >/dev/null || true
  fi
  if psql_admin -c 'select 1' >/dev/null 2>&1; then
    psql_admin -c "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '$slot' and not active" >/dev/null || true
  fi
}

print_env() {
  echo "export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:$PG_PORT/biomon}"
  echo "export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT}"
}

# Writes a server's name to the caller's ledger (BIOMON_STACK_LEDGER) before it is started.
note_starting() {
  if [[ -n "${BIOMON_STACK_LEDGER:-}" ]]; then echo "$1" >>"$BIOMON_STACK_LEDGER"; fi
}

STARTED=()
cmd=${1:-status}
case "$cmd" in
  up)
    # SIGTERM (from a caller that is stopping) ends `up` once the command in progress returns, never
    # in the middle of pg_ctl or initdb; the caller then stops what its ledger lists.
    trap 'exit 143' TERM
    if [[ "${2:-}" == "--with-test-tools" ]]; then
      install_pkgs "${STACK_PKGS[@]}" "${TEST_PKGS[@]}"
    else
      install_pkgs "${STACK_PKGS[@]}"
    fi
    [[ -x "$PG_BIN/initdb" ]] || die "PostgreSQL 15 binaries not found in $PG_BIN"
    command -v redis-server >/dev/null || die "redis-server not found"
    mkdir -p "$DATA"
    if [[ -z "${DATABASE_URL:-}" ]]; then pg_up; fi
    if [[ -z "${REDIS_URL:-}" ]]; then redis_up; fi
    echo "started: ${STARTED[*]:-}"
    ;;
  down)
    what=${2:-all}
    [[ $what == all || $what == *redis* ]] && redis_down
    [[ $what == all || $what == *pg* ]] && pg_down
    true
    ;;
  status)
    pgdata=$(pg_data_dir)
    if [[ -s "$pgdata/PG_VERSION" ]] && as_pg "$PG_BIN/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
      echo "postgresql: running ($pgdata, port $PG_PORT)"
    else
      echo "postgresql: stopped ($pgdata)"
    fi
    if [[ -s "$DATA/redis/redis.pid" ]] && kill -0 "$(cat "$DATA/redis/redis.pid")" 2>/dev/null; then
      echo "redis: running (port $REDIS_PORT)"
    else
      echo "redis: stopped"
    fi
    ;;
  env) print_env ;;
  standby-up)
    trap 'exit 143' TERM
    standby_up
    ;;
  standby-down) standby_down ;;
  *) die "usage: stack.sh up|down|status|env|standby-up|standby-down" ;;
esac
