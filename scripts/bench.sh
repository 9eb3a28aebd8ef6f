#!/usr/bin/env bash
# `make bench` (after `make package`): the library against the hand-written
# baseline in headless Chromium, against sandboxes of its own, and the
# hardening suite's 10,000-call memory workload. Rewrites bench/RESULTS.md.
# BENCH_QUICK=1 runs a tenth of every count and only prints the report.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

# Everything is measured on one private copy of pkg/: a `make package` run by
# another suite meanwhile must not swap files under the benchmark.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R pkg "$work/pkg"

echo "[bench] memory workload (tests/hardening/memory.mjs)"
SANDBOX_PORT="${BENCH_MEMORY_SANDBOX_PORT:-18790}" scripts/with-sandbox.sh \
  --static-dir tests/hardening/lab --pkg-dir "$work/pkg" -- node bench/memory.mjs "$work/memory.json"

SANDBOX_PORT="${BENCH_SANDBOX_PORT:-18780}" scripts/with-sandbox.sh \
  --static-dir bench/web --pkg-dir "$work/pkg" -- node bench/run.mjs "$work/memory.json" "$work/pkg"
