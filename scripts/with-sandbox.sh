#!/usr/bin/env bash
# Runs a command against a freshly started sandbox and stops the sandbox after.
#   scripts/with-sandbox.sh [sandbox flags…] -- command [args…]
# Exports SANDBOX_URL (http://127.0.0.1:PORT) and CLOSED_URL (a loopback port
# with nothing listening) to the command. SANDBOX_PORT picks the port (default 18480).
set -euo pipefail
cd "$(dirname "$0")/.."

sandbox_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do sandbox_args+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "usage: $0 [sandbox flags] -- command" >&2; exit 2; }

port="${SANDBOX_PORT:-18480}"
cargo build --quiet -p emporix-sandbox
log="$(mktemp)"
target/debug/emporix-sandbox --port "$port" "${sandbox_args[@]}" >"$log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  grep -q "listening on" "$log" && break
  if ! kill -0 "$pid" 2>/dev/null; then cat "$log" >&2; echo "sandbox failed to start" >&2; exit 1; fi
  sleep 0.1
done
grep -q "listening on" "$log" || { cat "$log" >&2; echo "sandbox did not start in 10 s" >&2; exit 1; }

export SANDBOX_URL="http://127.0.0.1:$port"
export CLOSED_URL="http://127.0.0.1:$((port - 1))"
"$@"
