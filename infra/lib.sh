# Shared helpers of infra/start.sh and infra/test.sh (sourced, not run).

ensure_node_modules() {
  local stamp=node_modules/.package-lock.json
  if [[ ! -d node_modules || ! -f $stamp || package-lock.json -nt $stamp || ! -e node_modules/.bin/biomon ]]; then
    echo "[setup] installing npm dependencies (npm ci)" >&2
    npm ci --no-audit --no-fund >&2
  fi
}

# Starts the local stack and sets STACK_STARTED to the servers this call started (so we stop only those).
stack_up() {
  local out
  out=$(bash infra/stack.sh up "$@")
  STACK_STARTED=${out#started: }
  eval "$(bash infra/stack.sh env)"
  export DATABASE_URL REDIS_URL
}

stack_down_started() {
  if [[ -n "${STACK_STARTED:-}" && "${BIOMON_KEEP_STACK:-0}" != 1 ]]; then
    bash infra/stack.sh down "$STACK_STARTED" || true
  fi
}

# Builds the dashboard (apps/web → apps/web/dist, served at /) when the build is missing or older
# than its sources; one line of output, the build's own output only when it fails.
ensure_web_build() {
  local index=apps/web/dist/index.html
  if [[ -f $index && -z $(find apps/web/src apps/web/index.html apps/web/vite.config.ts apps/web/package.json apps/web/tsconfig.json -newer "$index" -print -quit 2>/dev/null) ]]; then
    return 0
  fi
  echo "[setup] building the dashboard (npm run build:web)" >&2
  local log
  log=$(mktemp)
  if ! npm run build:web >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "[setup] error: the dashboard build failed" >&2
    return 1
  fi
  rm -f "$log"
}
