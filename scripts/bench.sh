#!/usr/bin/env bash
# `make bench` (after `make package`): the library against the hand-written
# baseline in headless Chromium, against sandboxes of its own, and the
# hardening suite's 10,000-call memory workload. Rewrites bench/RESULTS.md.
# BENCH_QUICK=1 runs a tenth of every count and only prints the report.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

memory="$(mktemp)"
trap 'rm -f "$memory"' EXIT

echo "[bench] memory workload (tests/hardening/memory.mjs)"
SANDBOX_PORT="${BENCH_MEMORY_SANDBOX_PORT:-18790}" scripts/with-sandbox.sh \
  --static-dir tests/hardening/lab --pkg-dir pkg -- node bench/memory.mjs "$memory"

SANDBOX_PORT="${BENCH_SANDBOX_PORT:-18780}" scripts/with-sandbox.sh \
  --static-dir bench/web --pkg-dir pkg -- node bench/run.mjs "$memory"
