#!/usr/bin/env bash
# Builds the npm package: release wasm → wasm-bindgen (--target web) → wasm-opt
# (npm binaryen) → pkg/, the package directory itself (exactly the files of the
# tarball; the sandbox serves it at /pkg/) → npm pack → dist/emporix-optin-<version>.tgz.
#   scripts/package.sh [--pkg-dir DIR] [--dist-dir DIR]
# Reproducible: two builds of the same commit give a byte-identical tarball.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

pkg_dir=pkg
dist_dir=dist
while [ $# -gt 0 ]; do
  case "$1" in
    --pkg-dir) pkg_dir="$2"; shift 2 ;;
    --dist-dir) dist_dir="$2"; shift 2 ;;
    *) echo "usage: $0 [--pkg-dir DIR] [--dist-dir DIR]" >&2; exit 2 ;;
  esac
done

WASM_OPT="$PWD/node_modules/binaryen/bin/wasm-opt"   # npm binaryen, by explicit path

# The release wasm is built with a pinned nightly (scripts/release-toolchain,
# installed by scripts/setup.sh), rebuilding std for size: panics abort at once
# instead of formatting a message, with no source locations (the package never
# panics: these paths are dead weight), `Debug` formatting compiles to nothing
# (nothing shown to users uses it), and std's own size optimisations apply.
# Measured: -4.5 KB gzip of wasm (bench/SIZE.md). Lint and tests stay on stable.
release_toolchain="$(cat scripts/release-toolchain)"
# Source paths could end up in the wasm: map the machine-specific prefixes
# (the cargo registry, the toolchain's std sources, this checkout) to fixed
# names, so the wasm does not depend on where it was built. Given as --config,
# these flags add to any rustflags in .cargo/config.toml rather than replacing
# them (as RUSTFLAGS would).
# -reference-types: wasm-bindgen then keeps the JavaScript values the Rust side
# holds in an array of the glue (its `heap`) instead of a wasm table of
# externrefs. With the table, the wasm itself moves every import's arguments
# and result through it (a `table.get` per argument, a slot allocated per
# result, inlined at each call); without it, a few shared functions of the
# glue do (`getObject`, `addHeapObject`). Measured: -833 B gzip of wasm, +160
# of JavaScript; every engine the package supports runs either. The other
# features stay rustc's defaults.
# -Zcross-crate-inline-threshold=always: rustc makes every function of every
# crate available for inlining where it is used, as it does on its own only
# for small ones (and `#[inline]`). Most of this crate's functions have one
# caller, in another crate or module (std, serde, gloo-net, wasm-bindgen and
# the crate's own layers): inlined there, 367 wasm functions become 239, and
# the code and its call sequences shrink with them. Measured: -2,729 B gzip of
# wasm (-9.1 KB raw); `never` instead: +407.
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
sysroot="$(rustc "+$release_toolchain" --print sysroot)"
rustflags="['--remap-path-prefix=$cargo_home=/cargo', '--remap-path-prefix=$sysroot=/rustc', \
  '--remap-path-prefix=$PWD=/emporix-optin', '-Zunstable-options', '-Cpanic=immediate-abort', \
  '-Zfmt-debug=none', '-Zlocation-detail=none', '-Ctarget-feature=-reference-types', \
  '-Zcross-crate-inline-threshold=always']"
cargo "+$release_toolchain" build --quiet --release --target wasm32-unknown-unknown -p emporix-optin \
  -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size \
  --config "target.wasm32-unknown-unknown.rustflags=$rustflags"

# Assembled aside, then moved into place, so pkg/ is never half-built. The
# sources (wasm-bindgen's output and pkg-template/) go to $work/src, the
# package's files to $stage.
mkdir -p target/package
stage="$(mktemp -d target/package/stage.XXXXXX)"
work="$(mktemp -d target/package/work.XXXXXX)"
trap 'rm -rf "$stage" "$work"' EXIT
chmod 755 "$stage"   # mktemp makes it private; pkg/ is served and read by others
src="$work/src"

# --encode-into always: every engine the package supports has
# TextEncoder.encodeInto (Chrome 74, Firefox 66, Safari 14.1), so the glue
# needs no fallback for it.
wasm-bindgen --target web --encode-into always --out-dir "$src" --out-name emporix_optin \
  target/wasm32-unknown-unknown/release/emporix_optin.wasm
# The raw wasm exports' types: internal, not part of the API.
rm "$src/emporix_optin_bg.wasm.d.ts"
# Short import and export names, without their hashes, in the wasm and the
# glue alike.
node scripts/short-imports.mjs "$src/emporix_optin_bg.wasm" "$src/emporix_optin.js"
cp -R pkg-template/. "$src/"

# Minified JavaScript: what a browser loads is the glue and the wrappers as
# shipped, and not every storefront's bundler minifies dependencies. The
# modules behind the main entry become one (emporix_optin.js); each other
# entry stays its own module, importing that one (scripts/bundle.mjs says
# why and how). The .d.ts files keep their TSDoc. esbuild is pinned in
# package.json and deterministic, so the tarball stays reproducible.
node scripts/bundle.mjs "$src" "$stage" "$work/unread-exports"
# The wasm's exports that the JavaScript never reads go, and wasm-opt drops
# the code only they reached. The producers and target-features sections are
# for toolchains, not for browsers: dropped once wasm-opt (which reads the
# latter) is done. --low-memory-unused lets wasm-opt fold a small constant
# added to a pointer into the load's or store's offset, which differ only when
# the addition wraps past 4 GiB into the first KiB of memory: nothing here
# points near that (rustc links the stack first, below 1 MiB; data and heap
# lie above it; the memory is a few MiB), and Emscripten assumes the same by
# default. --converge repeats -Oz while it still shrinks. Together: -359 B gzip.
# --one-caller-inline-max-function-size 25: a function with one caller is
# inlined only when small (binaryen inlines all of them by default). More
# bytes raw (+2.7 KB), fewer gzipped (-1.5 KB, brotli -0.9 KB), likely as the
# functions left apart are monomorphised copies of the same generic code,
# which gzip matches against each other, and which differ once inlined into
# different callers. Measured from 0 to 300: 15-30 are best, on this crate and
# on the edge branch's alike (-1.3 KB there); the few more calls cost
# nanoseconds. Then --flatten --rereloop: binaryen takes each function apart
# into flat code and rebuilds its control flow with its own Relooper, which
# nests the blocks of rustc's output more tightly; -Oz twice more cleans up
# after it (the second pass still shrinks). -179 B gzip, +2 s of build.
# Measured with it: one-caller sizes 15-100 within 30 B of each other,
# --always-inline-max-function-size 3 or 4 (+15, +4), -Oz once or three
# times after the Relooper, --gufa, --code-folding: within 10 B.
node scripts/short-imports.mjs --drop-exports "$(cat "$work/unread-exports")" "$stage/emporix_optin_bg.wasm"
"$WASM_OPT" -Oz --low-memory-unused --converge --one-caller-inline-max-function-size 25 \
  --flatten --rereloop -Oz -Oz \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-multivalue \
  --strip-producers --strip-target-features \
  "$stage/emporix_optin_bg.wasm" -o "$stage/emporix_optin_bg.wasm"
# emporix-optin/inline: copies of the minified browser modules with the wasm
# embedded (inline/).
node scripts/inline-entry.mjs "$stage"

# package.json: the template, with the crate's version and, when wasm-bindgen
# emitted JS snippets, their folder.
cargo metadata --no-deps --format-version 1 | node --input-type=module -e '
  import { readFileSync, writeFileSync, existsSync } from "node:fs";
  const [stage] = process.argv.slice(1);
  const metadata = JSON.parse(readFileSync(0, "utf8"));
  const crate = metadata.packages.find((p) => p.name === "emporix-optin");
  const { name, ...template } = JSON.parse(readFileSync("pkg-template/package.json", "utf8"));
  if (template.license !== crate.license) {
    throw new Error(`license ${template.license} differs from Cargo.toml (${crate.license})`);
  }
  if (existsSync(`${stage}/snippets`)) template.files.push("snippets/");
  const missing = template.files.filter((file) => !existsSync(`${stage}/${file}`));
  if (missing.length > 0) throw new Error(`files listed but not built: ${missing.join(", ")}`);
  const manifest = { name, version: crate.version, ...template };
  writeFileSync(`${stage}/package.json`, JSON.stringify(manifest, null, 2) + "\n");
' "$stage"

rm -rf "$pkg_dir"
mkdir -p "$(dirname "$pkg_dir")"
mv "$stage" "$pkg_dir"
mkdir -p "$dist_dir"
rm -f "$dist_dir"/emporix-optin-*.tgz
dist_path="$(cd "$dist_dir" && pwd)"
tarball="$(cd "$pkg_dir" && npm pack --ignore-scripts --silent --pack-destination "$dist_path")"
wasm_bytes=$(wc -c <"$pkg_dir/emporix_optin_bg.wasm")
wasm_gzip=$(gzip -9c "$pkg_dir/emporix_optin_bg.wasm" | wc -c)
echo "[package] $dist_dir/$tarball: $wasm_bytes bytes wasm, $wasm_gzip gzipped"
