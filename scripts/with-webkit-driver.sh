#!/usr/bin/env bash
# Runs a command with WebKit's WebDriver (WebKitWebDriver, driving MiniBrowser,
# Safari's engine as WebKitGTK ships it) listening on a free loopback port, on
# an Xvfb screen of its own; stops both after.
#   scripts/with-webkit-driver.sh -- command [args…]
# The command gets WEBKIT_WEBDRIVER_URL, and, for wasm-bindgen-test-runner,
# GECKODRIVER_REMOTE (the runner's only way to use a driver it did not start:
# it then says "Firefox", but the session is WebKit's) with the capabilities
# in tests/support/webkit.webdriver.json. CHROMEDRIVER is unset, as it would win.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "usage: $0 -- command [args…]" >&2; exit 2; }

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# -displayfd: Xvfb picks a free display and writes its number.
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || { cat "$work/xvfb.log" >&2; echo "Xvfb did not start" >&2; exit 1; }

port="$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
DISPLAY=":$(cat "$work/display")" WebKitWebDriver --port="$port" >"$work/driver.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
    "http://127.0.0.1:$port/status" && break
  kill -0 "${pids[1]}" 2>/dev/null || { cat "$work/driver.log" >&2; echo "WebKitWebDriver exited" >&2; exit 1; }
  sleep 0.1
done

export WEBKIT_WEBDRIVER_URL="http://127.0.0.1:$port"
export GECKODRIVER_REMOTE="$WEBKIT_WEBDRIVER_URL"
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$PWD/tests/support/webkit.webdriver.json"
unset CHROMEDRIVER GECKODRIVER
"$@"
