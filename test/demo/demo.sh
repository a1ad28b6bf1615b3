#!/usr/bin/env bash
# `npm run demo`: the local stack, binlogd with config/worker.json and connectors/inventory.json,
# sample rows, and the decoded change events as they arrive. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash test/stack/stack.sh up
npx tsc -p tsconfig.json
exec node dist/test/demo/demo.js
