#!/usr/bin/env bash
# `npm test`: on a fresh clone installs what is missing, brings the local stack up (real MariaDB,
# Kafka and schema registry; see test/stack/stack.sh), builds, and runs every test with Node's runner.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# npm ci when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash test/stack/stack.sh up
rm -rf dist
npx tsc -p tsconfig.json
# Files run one at a time: integration tests share one MariaDB and one Kafka broker, and their
# timing-sensitive parts (crash, restart) must not compete with each other for two cores.
# Explicit *.test.js files: given a directory, Node would also run every helper module under test/.
mapfile -t files < <(find dist/test -name '*.test.js' | sort)
exec node --test --test-concurrency=1 --test-timeout=600000 "$@" "${files[@]}"
