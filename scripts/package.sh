#!/usr/bin/env bash
# Builds the release wasm and its JavaScript bindings into pkg/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

WASM_OPT="$PWD/node_modules/binaryen/bin/wasm-opt"   # npm binaryen, by explicit path
out=pkg
cargo build --quiet --release --target wasm32-unknown-unknown -p emporix-optin
rm -rf "$out"
wasm-bindgen --target web --out-dir "$out" --out-name emporix_optin \
  target/wasm32-unknown-unknown/release/emporix_optin.wasm
"$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-reference-types --enable-mutable-globals --enable-multivalue \
  "$out/emporix_optin_bg.wasm" -o "$out/emporix_optin_bg.wasm"
echo "[package] $(wc -c <"$out/emporix_optin_bg.wasm") bytes wasm, $(gzip -9c "$out/emporix_optin_bg.wasm" | wc -c) gzipped"
