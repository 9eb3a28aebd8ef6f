#!/usr/bin/env bash
# Tests the packed npm package the way storefront teams get it. Each consumer
# project in tests/package/*/ is copied to test-output/package/, installs the
# tarball from dist/ with npm (a real install, not a link), and its tests run
# with Node's test runner against a fresh sandbox. tests/package/*.test.mjs
# check the tarball itself. Run `make package` (scripts/package.sh) first.
#   scripts/test-package.sh [CONSUMER…]   e.g. `browser webpack`: only those
#                                         consumers (and not the tarball tests)
# The bundlers (webpack, esbuild, Rollup, Parcel, Next.js, Vite) are the
# repository's own pinned dev dependencies, installed once by scripts/setup.sh:
# the consumers resolve them from the repository's node_modules, up the tree.
# Every browser suite runs in Chromium, Firefox and WebKit (BROWSERS=firefox,
# say, for fewer).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

shopt -s nullglob
tarballs=(dist/emporix-optin-*.tgz)
if [ ${#tarballs[@]} -ne 1 ]; then
  echo "[test-package] expected one dist/emporix-optin-*.tgz: run make package first" >&2
  exit 1
fi
export PACKAGE_TARBALL="$PWD/${tarballs[0]}"
export REPO_DIR="$PWD"

out=test-output/package
rm -rf "$out"
mkdir -p "$out"
cp -R tests/package/. "$out/"
# The consumers share the repository's browser launchers (tests/support/).
mkdir -p test-output/support && cp tests/support/*.mjs test-output/support/

consumers=("$@")
if [ ${#consumers[@]} -eq 0 ]; then
  for manifest in "$out"/*/package.json; do consumers+=("$(basename "$(dirname "$manifest")")"); done
  tests=("$out"/*.test.mjs)
else
  tests=()
fi
for consumer in "${consumers[@]}"; do
  project="$out/$consumer"
  [ -f "$project/package.json" ] || { echo "[test-package] no consumer tests/package/$consumer" >&2; exit 2; }
  echo "[test-package] installing the tarball into $project"
  (cd "$project" && npm install --no-audit --no-fund --loglevel=error "$PACKAGE_TARBALL")
  tests+=("$project"/*.test.mjs "$project"/*.test.cjs)
done

# A port of its own, so this can run while other suites use theirs.
SANDBOX_PORT="${PACKAGE_SANDBOX_PORT:-18490}" scripts/with-sandbox.sh -- node --test "${tests[@]}"
