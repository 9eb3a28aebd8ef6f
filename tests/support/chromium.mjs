// The one way every browser test and the benchmark start Chromium: Debian's
// build through playwright-core (no browser downloads), with the background
// services off, since this machine's network is closed.
import { chromium } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** Launches headless Debian Chromium. */
export function launchChromium(options = {}) {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS, ...options });
}
