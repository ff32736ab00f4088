#!/usr/bin/env bash
# npm start: the whole platform with the Jilin demo data, from nothing.
# Installs what is missing, builds the dashboard (apps/web) when its build is stale, starts PostgreSQL+PostGIS and Redis under .data/, migrates, seeds
# (BIOMON_SEED, default demo; never twice), then runs ingest+api on one origin (PORT, default 3000)
# and the worker. Ctrl-C stops everything this command started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source infra/lib.sh

PORT=${PORT:-3000}
export PORT BIOMON_SEED=${BIOMON_SEED:-demo}
ensure_node_modules
ensure_web_build
stack_up

BIN=node_modules/.bin/biomon
PIDS=()
cleanup() {
  trap - INT TERM EXIT
  echo >&2
  echo "[start] stopping biomon" >&2
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  stack_down_started
  echo "[start] stopped" >&2
}
trap cleanup INT TERM EXIT

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "[start] error: port $PORT is taken; set PORT to a free port" >&2
  exit 1
fi

"$BIN" migrate
"$BIN" seed --level "$BIOMON_SEED"
TOKENS=$("$BIN" tokens demo)

"$BIN" serve & PIDS+=($!)
"$BIN" worker & PIDS+=($!)

for _ in $(seq 1 100); do
  if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.status<500?0:1),()=>process.exit(1))' "http://127.0.0.1:$PORT/health"; then break; fi
  kill -0 "${PIDS[0]}" 2>/dev/null || { echo "[start] the server exited" >&2; exit 1; }
  sleep 0.2
done

node -e '
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

wait -n "${PIDS[@]}" || true
echo "[start] a process exited; stopping the rest" >&2
