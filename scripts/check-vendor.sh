#!/usr/bin/env bash
# `make lint`: every crate in vendor/ must be its crates.io release plus
# exactly the patch in vendor/patches/ (vendor/README.md says why each one is
# patched). Fails when a vendored file was edited without updating its patch,
# or a patch was changed without the source.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The release's .crate archive: from cargo's cache, or fetched into it by a
# throwaway project that depends on exactly that version (cargo fetch, from
# the registry cargo already uses).
crate_archive() {
  local name="$1" version="$2" found
  found="$(ls "$cargo_home"/registry/cache/*/"$name-$version.crate" 2>/dev/null | head -n 1 || true)"
  if [ -z "$found" ]; then
    local project="$work/fetch-$name"
    mkdir -p "$project/src"
    touch "$project/src/lib.rs"
    printf '[package]\nname = "fetch-%s"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n%s = "=%s"\n' \
      "$name" "$name" "$version" >"$project/Cargo.toml"
    cargo fetch --quiet --manifest-path "$project/Cargo.toml"
    found="$(ls "$cargo_home"/registry/cache/*/"$name-$version.crate" | head -n 1)"
  fi
  printf '%s\n' "$found"
}

status=0
for dir in vendor/*/; do
  name="$(basename "$dir")"
  [ "$name" = patches ] && continue
  version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$dir/Cargo.toml" | head -n 1)"
  patch="vendor/patches/$name.patch"
  [ -f "$patch" ] || { echo "[vendor] $name: no $patch" >&2; status=1; continue; }
  expected="$work/$name"
  mkdir -p "$expected"
  tar -xzf "$(crate_archive "$name" "$version")" -C "$expected" --strip-components=1
  # git, which every checkout has (a new machine may lack `patch`), applies it
  # to the unpacked release, outside this repository (--unsafe-paths).
  git apply --unsafe-paths --directory="$expected" -p1 "$patch"
  if diff -r "$expected" "$dir" >"$work/diff"; then
    echo "[vendor] $name $version: the crates.io release plus $patch"
  else
    echo "[vendor] $name $version differs from the crates.io release plus $patch:" >&2
    cat "$work/diff" >&2
    status=1
  fi
done
exit "$status"
