# Shared helpers of infra/start.sh and infra/test.sh (sourced, not run).

ensure_node_modules() {
  local stamp=node_modules/.package-lock.json
  if [[ ! -d node_modules || ! -f $stamp || package-lock.json -nt $stamp || ! -e node_modules/.bin/biomon ]]; then
    echo "[setup] installing npm dependencies (npm ci)" >&2
    run_step npm ci --no-audit --no-fund >&2
  fi
}

# Runs one step of a script in the background and waits for it, so that a trapped signal (Ctrl-C,
# SIGTERM) interrupts the wait at once instead of waiting for the step to end: bash runs a trap only
# after a *foreground* command completes, but interrupts the `wait` builtin. The step's pid is in
# CHILD while it runs, for the signal handler to stop it.
CHILD=
run_step() {
  local rc=0
  "$@" &
  CHILD=$!
  wait "$CHILD" || rc=$?
  CHILD=
  return "$rc"
}

# Like run_step, for a step whose standard output is wanted (printed to our standard output).
capture_step() {
  local out rc=0
  out=$(mktemp "${TMPDIR:-/tmp}/biomon-step.XXXXXX")
  run_step "$@" >"$out" || rc=$?
  cat "$out"
  rm -f "$out"
  return "$rc"
}

# Starts the local stack. Which servers this call starts is written to a ledger file *before* each
# is started (infra/stack.sh, BIOMON_STACK_LEDGER), so that a stop — even one that interrupts the
# start itself — stops exactly those and never a server that another command started.
stack_up() {
  STACK_LEDGER=$(mktemp "${TMPDIR:-/tmp}/biomon-stack.XXXXXX")
  export BIOMON_STACK_LEDGER=$STACK_LEDGER
  run_step bash infra/stack.sh up "$@" >/dev/null
  eval "$(bash infra/stack.sh env)"
  export DATABASE_URL REDIS_URL
}

# Stops what stack_up started. Runs in a session of its own (setsid), where neither the terminal's
# Ctrl-C nor a signal to our process group reaches it: a second Ctrl-C cannot leave PostgreSQL or
# Redis half-stopped.
stack_down_started() {
  [[ -n "${STACK_LEDGER:-}" && -f "$STACK_LEDGER" ]] || return 0
  local what
  what=$(sort -u "$STACK_LEDGER" | tr '\n' ' ')
  if [[ -n "${what// /}" && "${BIOMON_KEEP_STACK:-0}" != 1 ]]; then
    setsid -w bash infra/stack.sh down "$what" </dev/null || true
  fi
  rm -f "$STACK_LEDGER"
  STACK_LEDGER=
}

# Stops a step in progress and the processes in PIDS (SIGTERM; SIGKILL after 20 s), then the servers
# stack_up started. From the first call on, INT and TERM are ignored, so a second Ctrl-C cannot cut
# the stop short; a second call does nothing.
STOPPING=0
stop_everything() {
  trap '' INT TERM
  [[ $STOPPING == 1 ]] && return 0
  STOPPING=1
  echo >&2
  echo "[biomon] stopping" >&2
  local pids=(${CHILD:-} ${PIDS[@]+"${PIDS[@]}"})
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 1 200); do
    local alive=0
    # (an exited child stays a zombie until `wait` below: `ps` tells it from a running one)
    for p in "${pids[@]}"; do [[ $(ps -o stat= -p "$p" 2>/dev/null) == [^Z]* ]] && alive=1; done
    [[ $alive == 0 ]] && break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  # a script's own servers that depend on the stack (infra/scale-out.sh: the standby) stop first
  if declare -F before_stack_down >/dev/null; then before_stack_down || true; fi
  stack_down_started
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
  if ! run_step npm run build:web >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "[setup] error: the dashboard build failed" >&2
    return 1
  fi
  rm -f "$log"
}
