#!/usr/bin/env bash
# `npm run demo`: the local stack, binlogd with config/worker.json and connectors/inventory.json,
# sample rows, and the decoded change events as they arrive. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
echo "npm run demo: not yet — the demo arrives with the streaming issue (binlogd run is not built yet)." >&2
echo "Meanwhile: 'npm run stack:up' starts MariaDB, Kafka and the schema registry; 'npm test' runs the tests." >&2
exit 0
