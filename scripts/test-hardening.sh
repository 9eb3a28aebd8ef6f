#!/usr/bin/env bash
# `make test-hardening` (after `make package`): the packaged library in Debian's
# Chromium against the sandbox — the fault matrix, hostile inputs, secret
# leaks, memory — and the landing page's handling of the token (www/).
#   HARDENING_PKG_DIR: the package to test (default pkg/).
set -euo pipefail
cd "$(dirname "$0")/.."

pkg_dir="${HARDENING_PKG_DIR:-pkg}"
[ -f "$pkg_dir/index.js" ] || { echo "$pkg_dir/index.js is missing: run \`make test-hardening\`, which builds the package first." >&2; exit 1; }

# The lab page (tests/hardening/lab/) is served from localhost while the API is
# 127.0.0.1, so every call is cross-origin as from a real storefront.
SANDBOX_PORT="${HARDENING_SANDBOX_PORT:-18580}" scripts/with-sandbox.sh \
  --static-dir tests/hardening/lab --pkg-dir "$pkg_dir" \
  -- node --test --test-concurrency=1 \
  tests/hardening/faults.test.mjs tests/hardening/hostile.test.mjs tests/hardening/memory.test.mjs

SANDBOX_PORT="${HARDENING_DEMO_SANDBOX_PORT:-18590}" scripts/with-sandbox.sh \
  --static-dir www --pkg-dir "$pkg_dir" \
  -- node --test tests/hardening/demo.test.mjs
