#!/usr/bin/env bash
# `make bench` (after `make package`): the library against the hand-written
# baseline in headless Chromium, against a sandbox of its own that serves the
# bench page (bench/web/) and the package (pkg/). Rewrites bench/RESULTS.md.
# BENCH_QUICK=1 runs a tenth of every count (to try it out, not to commit).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

SANDBOX_PORT="${BENCH_SANDBOX_PORT:-18780}" scripts/with-sandbox.sh \
  --static-dir bench/web --pkg-dir pkg -- node bench/run.mjs
