#!/usr/bin/env bash
# npm start: the whole platform with the Jilin demo data, from nothing.
# Installs what is missing, builds the dashboard (apps/web) when its build is stale, starts PostgreSQL+PostGIS and Redis under .data/, migrates, seeds
# (BIOMON_SEED, default demo; never twice), then runs ingest+api on one origin (PORT, default 3000)
# and the worker.
#
# Ctrl-C or SIGTERM at any moment — during npm ci, the dashboard build, the stack's start, migrate,
# seed, the banner or while serving — stops everything this command started and exits 0. A second
# Ctrl-C during the stop is ignored, so the stop always completes (PostgreSQL and Redis are stopped
# from their own session, out of reach of the terminal's signals).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source infra/lib.sh

PORT=${PORT:-3000}
export PORT BIOMON_SEED=${BIOMON_SEED:-demo}
BIN=node_modules/.bin/biomon
PIDS=()

# Ctrl-C / SIGTERM: a requested stop, so exit 0 once everything is stopped.
on_signal() {
  stop_everything
  echo "[start] stopped" >&2
  trap - EXIT
  exit 0
}
on_exit() {
  local code=$?
  stop_everything
  echo "[start] stopped" >&2
  exit "$code"
}
trap on_signal INT TERM
trap on_exit EXIT

ensure_node_modules
ensure_web_build
stack_up

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "[start] error: port $PORT is taken; set PORT to a free port" >&2
  exit 1
fi

echo "[start] migrating" >&2
run_step "$BIN" migrate
echo "[start] seeding (level $BIOMON_SEED)" >&2
run_step "$BIN" seed --level "$BIOMON_SEED"
TOKENS=$(capture_step "$BIN" tokens demo)

"$BIN" serve & PIDS+=($!)
"$BIN" worker & PIDS+=($!)

for _ in $(seq 1 100); do
  if run_step node -e 'fetch(process.argv[1]).then(r=>process.exit(r.status<500?0:1),()=>process.exit(1))' "http://127.0.0.1:$PORT/health"; then break; fi
  kill -0 "${PIDS[0]}" 2>/dev/null || { echo "[start] the server exited" >&2; exit 1; }
  sleep 0.2
done

run_step node -e '
const t = JSON.parse(process.argv[1]); const port = process.argv[2];
console.log(`
  biomon — 吉林省生物多样性监测数据平台 is running

  Dashboard (评估看板)  http://127.0.0.1:${port}/
  API (ingest + api)   http://127.0.0.1:${port}
  Health               http://127.0.0.1:${port}/health
  API docs (OpenAPI)   http://127.0.0.1:${port}/docs   ·   http://127.0.0.1:${port}/openapi.json

  Demo tokens (shown once; a new npm start issues new ones and revokes these):`);
for (const [role, tok] of Object.entries(t)) console.log(`    ${role.padEnd(11)} ${tok}`);
console.log(`
  Try: curl -H "Authorization: Bearer ${t.evaluator}" "http://127.0.0.1:${port}/v1/taxa?name=Panthera%20tigris"
  Ctrl-C stops everything this command started.
`);' "$TOKENS" "$PORT"

code=0
wait -n "${PIDS[@]}" || code=$?
echo "[start] a process exited (status $code); stopping the rest" >&2
exit "$code"
