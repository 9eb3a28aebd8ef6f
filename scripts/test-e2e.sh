#!/usr/bin/env bash
# `make test-e2e` (after `make package`): the landing page (www/, hosting the
# element) in Chromium through Playwright (landing.test.mjs) and in Chromium,
# Firefox and WebKit over WebDriver (engines.test.mjs; $BROWSERS picks some),
# against a sandbox that serves www/ and pkg/.
# One resend per address per 5 s, so the rate-limit countdown runs out quickly.
# Screenshots of every state: test-output/e2e/.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f pkg/index.js ] || { echo "pkg/index.js is missing: run \`make test-e2e\`, which builds the package first." >&2; exit 1; }
rm -rf test-output/e2e
SANDBOX_PORT="${E2E_SANDBOX_PORT:-18500}" scripts/with-sandbox.sh \
  --static-dir www --pkg-dir pkg --resend-limit 1 --resend-window-secs 5 \
  -- node --test --test-concurrency=1 tests/e2e/
