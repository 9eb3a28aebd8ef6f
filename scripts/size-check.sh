#!/usr/bin/env bash
# The size budget (run by `make size-check`, after `make package`): fails when
# the wasm plus the JavaScript a browser loads from pkg/ exceed the gzip -9
# budget in bench/size-budget.json; then checks that the check itself fails on
# oversized copies of the package.
set -euo pipefail
cd "$(dirname "$0")/.."

node bench/size-check.mjs pkg
node --test --test-reporter=spec bench/size-check.test.mjs
