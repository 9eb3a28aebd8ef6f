#!/usr/bin/env bash
# Fuzzes the response decoder and the URL helpers with libFuzzer (cargo-fuzz,
# nightly), each for a bounded time; `make fuzz` runs it.
#   scripts/fuzz.sh [seconds per target]     (default: $FUZZ_SECONDS or 120)
# The corpus grows in fuzz/corpus/<target> (kept between runs, not committed),
# seeded from fuzz/seeds/<target>. A crash leaves its input in
# fuzz/artifacts/<target>/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

seconds="${1:-${FUZZ_SECONDS:-120}}"
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [seconds per target]" >&2; exit 2; }

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2 --locked

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
summary=()
for target in decode_response url_helpers; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  echo "[fuzz] $target: building, then fuzzing for ${seconds}s"
  start=$SECONDS
  if ! cargo +nightly fuzz run --fuzz-dir fuzz "$target" "$corpus" "fuzz/seeds/$target" -- \
      -max_total_time="$seconds" -dict="fuzz/dicts/$target.dict" -print_final_stats=1 >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "[fuzz] $target failed; the input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
  summary+=("$target: ${runs:-?} runs, $(find "$corpus" -type f | wc -l) corpus entries, $((SECONDS - start)) s including the build")
done
printf '[fuzz] %s\n' "${summary[@]}"
