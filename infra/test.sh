#!/usr/bin/env bash
# npm test: the same set-up as npm start (plus gdal-bin, chromium and fonts-wqy-microhei for the
# tests that need them), then type-checking and the whole suite (unit, integration, end-to-end)
# against the real PostgreSQL+PostGIS and Redis. Stops afterwards what it started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source infra/lib.sh

ensure_node_modules
ensure_web_build
stack_up --with-test-tools
trap stack_down_started EXIT

echo "[test] type-checking (tsc -b)" >&2
node_modules/.bin/tsc -b

mkdir -p .data
set +e
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=.data/vitest-report.json "$@"
code=$?
set -e
node -e '
const fs = require("fs");
try {
  const r = JSON.parse(fs.readFileSync(".data/vitest-report.json", "utf8"));
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
} catch { console.log("vitest: no report"); }'
exit $code
