#!/usr/bin/env bash
# `make test-flow` (after `make package`): the activation flow without a browser.
# tests/flow/flow.test.mjs drives ActivationFlow with a scripted client and a
# fake clock; the others run the packaged flow, React hook (React 19
# StrictMode in jsdom) and bundles of the subpaths against a fresh sandbox;
# types.test.mjs compiles tests/flow/types/usage.ts against the subpaths' .d.ts files (bundler, nodenext, node10).
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f pkg/flow.js ] || { echo "pkg/flow.js is missing: run \`make test-flow\`, which builds the package first." >&2; exit 1; }
node --test tests/flow/flow.test.mjs tests/flow/i18n.test.mjs tests/flow/types.test.mjs
SANDBOX_PORT="${FLOW_SANDBOX_PORT:-18600}" scripts/with-sandbox.sh \
  -- node --test --test-concurrency=1 tests/flow/client.test.mjs tests/flow/react.test.mjs tests/flow/bundle.test.mjs
