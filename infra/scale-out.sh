#!/usr/bin/env bash
# npm run scale-out -- [--api N] [--workers M]: the platform as it runs past one process, on one
# machine — PostgreSQL primary + a hot standby (pg_basebackup -R, streaming replication), Redis,
# N `biomon serve` processes (ingest + api) behind one origin on PORT (infra/proxy.mjs, round robin),
# and M workers. Read-only routes read from the standby (DATABASE_READ_URL), rate limits are counted
# in Redis, paging cursors are sealed with the secret kept in the database: any process answers any
# request. Migrates and seeds like npm start (BIOMON_SEED, default demo).
#
# Ctrl-C or SIGTERM stops everything it started (processes, proxy, standby, and PostgreSQL/Redis if
# it started them) and exits 0.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source infra/lib.sh

API=2
WORKERS=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --api) API=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "[scale-out] unknown argument: $1 (use --api N --workers M)" >&2; exit 2 ;;
  esac
done
[[ $API =~ ^[1-9][0-9]?$ && $WORKERS =~ ^[0-9][0-9]?$ ]] || { echo "[scale-out] --api must be 1–99 and --workers 0–99" >&2; exit 2; }

PORT=${PORT:-3000}
API_BASE_PORT=${BIOMON_API_BASE_PORT:-$((PORT + 100))}
STANDBY_PORT=${BIOMON_PG_STANDBY_PORT:-55433}
export BIOMON_SEED=${BIOMON_SEED:-demo} BIOMON_PG_STANDBY_PORT=$STANDBY_PORT
BIN=node_modules/.bin/biomon
PIDS=()
STANDBY=0

before_stack_down() {
  if [[ $STANDBY == 1 ]]; then setsid -w bash infra/stack.sh standby-down </dev/null || true; fi
}
on_signal() {
  stop_everything
  echo "[scale-out] stopped" >&2
  trap - EXIT
  exit 0
}
on_exit() {
  local code=$?
  stop_everything
  echo "[scale-out] stopped" >&2
  exit "$code"
}
trap on_signal INT TERM
trap on_exit EXIT

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ensure_node_modules
ensure_web_build
stack_up
for p in "$PORT" $(seq "$((API_BASE_PORT + 1))" "$((API_BASE_PORT + API))"); do
  if port_taken "$p"; then echo "[scale-out] error: port $p is taken; set PORT (and BIOMON_API_BASE_PORT)" >&2; exit 1; fi
done

echo "[scale-out] migrating" >&2
run_step "$BIN" migrate
echo "[scale-out] seeding (level $BIOMON_SEED)" >&2
run_step "$BIN" seed --level "$BIOMON_SEED"
TOKENS=$(capture_step "$BIN" tokens demo)

STANDBY=1
run_step bash infra/stack.sh standby-up
export DATABASE_READ_URL="postgres://postgres@127.0.0.1:$STANDBY_PORT/biomon"
# the proxy is the only client of the api processes: they take the client's address from it
export BIOMON_TRUST_PROXY=127.0.0.1

BACKENDS=()
for i in $(seq 1 "$API"); do
  p=$((API_BASE_PORT + i))
  PORT=$p "$BIN" serve & PIDS+=($!)
  BACKENDS+=("http://127.0.0.1:$p")
done
for _ in $(seq 1 "$WORKERS"); do
  "$BIN" worker & PIDS+=($!)
done
for b in "${BACKENDS[@]}"; do
  for _ in $(seq 1 150); do
    if run_step node -e 'fetch(process.argv[1]).then(r=>process.exit(r.status<500?0:1),()=>process.exit(1))' "$b/health"; then break; fi
    sleep 0.2
  done
done
node infra/proxy.mjs --port "$PORT" --to "$(IFS=,; echo "${BACKENDS[*]}")" & PIDS+=($!)
sleep 0.5

run_step node -e '
const t = JSON.parse(process.argv[1]); const [port, api, workers, standby, backends] = process.argv.slice(2);
console.log(`
  biomon — 吉林省生物多样性监测数据平台, scaled out: api processes ${api}, workers ${workers}

  Dashboard (评估看板)  http://127.0.0.1:${port}/        (one origin: infra/proxy.mjs → ${backends})
  Health               http://127.0.0.1:${port}/health  (replica: the hot standby on port ${standby})
  API docs             http://127.0.0.1:${port}/docs

  Demo tokens (shown once):`);
for (const [role, tok] of Object.entries(t)) console.log(`    ${role.padEnd(11)} ${tok}`);
console.log(`
  Ctrl-C stops everything this command started.
`);' "$TOKENS" "$PORT" "$API" "$WORKERS" "$STANDBY_PORT" "$(IFS=,; echo "${BACKENDS[*]}")"

code=0
wait -n "${PIDS[@]}" || code=$?
echo "[scale-out] a process exited (status $code); stopping the rest" >&2
exit "$code"
