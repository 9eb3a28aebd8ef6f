#!/usr/bin/env bash
# Installs everything the project needs on a fresh machine. Idempotent: each
# step is skipped when what it installs is already present at the right version.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
WASM_PACK_VERSION=0.15.1

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    rustup component add "$component"
  fi
done

# The pinned nightly that builds the release wasm (see scripts/package.sh),
# with the std sources it rebuilds.
release_toolchain="$(cat scripts/release-toolchain)"
if ! rustup component list --toolchain "$release_toolchain" --installed 2>/dev/null | grep -q '^rust-src'; then
  log "installing rust $release_toolchain with rust-src (release builds)"
  rustup toolchain install "$release_toolchain" --profile minimal --component rust-src
fi

# Must match the wasm-bindgen crate pinned in Cargo.toml exactly. No --locked:
# with it, dependency resolution fails on this registry.
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! wasm-pack --version 2>/dev/null | grep -qx "wasm-pack $WASM_PACK_VERSION"; then
  log "installing wasm-pack $WASM_PACK_VERSION"
  cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked --force
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  log "installing chromium and chromium-driver from Debian"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium chromium-driver
fi

# Node tooling (binaryen's wasm-opt, playwright-core, typescript, vite) lives in
# the project's own node_modules and is always called by explicit path.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing node dev dependencies"
  npm ci --no-audit --no-fund
fi
log "ready"
