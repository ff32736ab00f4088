#!/usr/bin/env bash
# npm test: the same set-up as npm start (plus chromium and fonts-wqy-microhei for the
# tests that need them), then type-checking and the whole suite (unit, integration, end-to-end)
# against the real PostgreSQL+PostGIS and Redis. Stops afterwards what it started.
# Ctrl-C or SIGTERM at any point stops the step in progress and the servers this run started
# (a second Ctrl-C cannot cut that short) and exits 130: an interrupted run is not a pass.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source infra/lib.sh

on_signal() {
  stop_everything
  echo "[test] interrupted; stopped what this run started" >&2
  trap - EXIT
  exit 130
}
on_exit() {
  local code=$?
  stop_everything
  exit "$code"
}
trap on_signal INT TERM
trap on_exit EXIT

ensure_node_modules
ensure_web_build
stack_up --with-test-tools

echo "[test] type-checking (tsc -b)" >&2
run_step node_modules/.bin/tsc -b

# lint (recommended rules + the layering rule of packages/README.md) and formatting, one binary:
# biome.json. A finding fails the run, after the suite has run too.
echo "[test] lint and format check (biome ci)" >&2
lint_code=0
run_step node_modules/.bin/biome ci --reporter=github --max-diagnostics=50 . || lint_code=$?

mkdir -p .data
code=0
run_step node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=.data/vitest-report.json "$@" || code=$?
node -e '
const fs = require("fs");
try {
  const r = JSON.parse(fs.readFileSync(".data/vitest-report.json", "utf8"));
  const failedFiles = (r.testResults || []).filter((f) => f.status === "failed").map((f) => f.name.replace(process.cwd() + "/", ""));
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped; ${failedFiles.length} test files failed${failedFiles.length ? ": " + failedFiles.join(", ") : ""}`);
} catch { console.log("vitest: no report"); }'
if [ "$lint_code" -ne 0 ]; then echo "[test] biome ci found lint or format problems (see above)" >&2; [ "$code" -ne 0 ] || code=$lint_code; fi
exit $code
