#!/usr/bin/env bash
# `make demo` (after `make package`): serves the landing page (www/), the
# package (pkg/) and the local Emporix sandbox from one server on 127.0.0.1,
# prints the URL to open and stays in the foreground until Ctrl-C.
#   PORT=9090 make demo    # another port (default 8080)
set -euo pipefail
cd "$(dirname "$0")/.."

port="${PORT:-8080}"
[ -f pkg/index.js ] || { echo "pkg/index.js is missing: run \`make demo\`, which builds the package first." >&2; exit 1; }

cargo build --quiet -p emporix-sandbox
# In the foreground, so Ctrl-C stops it. Its first line ("listening on …")
# means the port is bound; the URL below replaces it.
target/debug/emporix-sandbox --port "$port" --static-dir www --pkg-dir pkg | {
  if ! read -r _; then
    echo "The demo server did not start. Is port $port taken? Try: PORT=$((port + 1)) make demo" >&2
    exit 1
  fi
  cat <<MSG

  Open http://127.0.0.1:$port/

  Sign up a test customer in the Sandbox panel, open the activation link from
  the outbox and click "Activate my account". Press Ctrl-C to stop.

MSG
  cat
}
