// Headless Debian Chromium through playwright-core (no browser downloads), for
// the README test's HTML example. The consumer suites run in every engine
// through pages.mjs instead.
import { after, before } from "node:test";
// scripts/test-package.sh copies tests/support/ beside its copy of this
// folder, so this relative path holds in the copy too.
import { launchChromium } from "../../support/chromium.mjs";

/**
 * Launches Chromium before the file's tests and closes it after them; returns
 * a getter for the browser.
 */
export function useChromium() {
  let browser;
  before(async () => {
    browser = await launchChromium({ timeout: 30_000 });
  });
  after(() => browser?.close());
  return () => browser;
}
