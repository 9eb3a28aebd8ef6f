#!/usr/bin/env bash
# Installs everything the project needs on a fresh machine. Idempotent: each
# step is skipped when what it installs is already present at the right version.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
WASM_PACK_VERSION=0.15.1
GECKODRIVER_VERSION=0.37.1

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

# The three browser engines the tests drive, from Debian: Chromium, Firefox ESR
# and WebKitGTK (Safari's engine: WebKitWebDriver runs MiniBrowser on an Xvfb
# screen). Each package is checked by a file it installs.
declare -A debian_packages=(
  [chromium]=/usr/bin/chromium
  [chromium-driver]=/usr/bin/chromedriver
  [firefox-esr]=/usr/bin/firefox-esr
  [webkit2gtk-driver]=/usr/bin/WebKitWebDriver
  [libwebkit2gtk-4.1-0]=/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser
  [xvfb]=/usr/bin/Xvfb
)
missing_packages=()
for package in "${!debian_packages[@]}"; do
  [ -x "${debian_packages[$package]}" ] || missing_packages+=("$package")
done
if [ ${#missing_packages[@]} -gt 0 ]; then
  log "installing from Debian: ${missing_packages[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing_packages[@]}"
fi

# Firefox's WebDriver (wasm-bindgen-test-runner and tests/support/browsers.mjs
# use it as $GECKODRIVER). No --locked, as for wasm-bindgen-cli.
if ! geckodriver --version 2>/dev/null | grep -q "^geckodriver $GECKODRIVER_VERSION\b"; then
  log "installing geckodriver $GECKODRIVER_VERSION"
  cargo install geckodriver --version "$GECKODRIVER_VERSION" --force
fi

# Node tooling (binaryen's wasm-opt, playwright-core, selenium-webdriver,
# typescript, vite) lives in
# the project's own node_modules and is always called by explicit path.
# Keyed by the lock file's contents (not its mtime, which a checkout or an old
# node_modules can make look newer than it is).
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.setup-lock-sha256 2>/dev/null)" != "$lock_sum" ]; then
  log "installing node dev dependencies"
  npm ci --no-audit --no-fund
  echo "$lock_sum" >node_modules/.setup-lock-sha256
fi
log "ready"
