// Shared pieces of the end-to-end tests: Debian's Chromium through
// playwright-core, a page that records its console, the sandbox's own
// endpoints, and screenshots under test-output/e2e/.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { launchChromium } from "../support/chromium.mjs";

// Set by scripts/with-sandbox.sh, which scripts/test-e2e.sh runs these tests under.
export const { SANDBOX_URL, CLOSED_URL } = process.env;
assert.ok(SANDBOX_URL && CLOSED_URL, "run these tests with scripts/test-e2e.sh");

// The tenant in www/config.json.
export const TENANT = "demoshop";

const SCREENSHOTS = new URL("../../test-output/e2e/", import.meta.url);
mkdirSync(SCREENSHOTS, { recursive: true });

export function launchBrowser() {
  return launchChromium();
}

/**
 * Runs `body(page, secrets)` in a fresh browser context, then checks what
 * every page must satisfy: it writes nothing to the console (a
 * Content-Security-Policy violation would be an error there), throws no
 * uncaught exception, and no token the test added to `secrets` appears in any
 * console message. `expected` lists console messages the test provokes; each
 * must then appear.
 */
export async function withPage(browser, body, { expected = [], locale = "en-US" } = {}) {
  const secrets = new Set();
  const context = await browser.newContext({ viewport: { width: 800, height: 900 }, locale });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const messages = [];
  page.on("console", (message) => messages.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => messages.push(`pageerror: ${error.message}`));
  try {
    await body(page, secrets);
  } finally {
    await context.close();
  }
  // Chromium itself logs every 4xx answer and aborted request as "Failed to
  // load resource"; the tests provoke those on purpose.
  const unexpected = messages.filter(
    (m) => !m.startsWith("error: Failed to load resource:") && !expected.some((e) => e.test(m)),
  );
  assert.deepEqual(unexpected, []);
  for (const pattern of expected) {
    assert.ok(messages.some((m) => pattern.test(m)), `no console message matched ${pattern}`);
  }
  for (const secret of secrets) {
    assert.ok(!messages.some((m) => m.includes(secret)), "a token appeared in the console");
  }
}

export async function screenshot(page, name) {
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true });
}

/** A string no other test uses, for emails and tokens. */
export function unique(prefix) {
  return `${prefix}-${randomUUID().slice(0, 12)}`;
}

export function uniqueEmail() {
  return `${unique("shopper")}@example.com`;
}

async function sandbox(path, init) {
  const response = await fetch(`${SANDBOX_URL}${path}`, init);
  assert.ok(response.ok, `${path}: HTTP ${response.status}`);
  return response.status === 204 ? undefined : response.json();
}

/** A pending customer whose activation token is `token`; returns the activation link. */
export async function registerOptIn({ email, token, ttlSecs }) {
  const registered = await sandbox("/sandbox/optin-tokens", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ tenant: TENANT, email, token, ttlSecs }),
  });
  return registered.link;
}

/** Activation emails sent to `email`, oldest first. */
export async function mailsTo(email) {
  return (await sandbox("/sandbox/outbox")).filter((mail) => mail.to === email);
}

/** The API requests the sandbox received (login, sign-up, confirm, resend), oldest first. */
export function apiRequests() {
  return sandbox("/sandbox/requests");
}

/** The requests that confirm `token`. */
export async function confirmRequests(token) {
  const path = `/customer/${TENANT}/signup/optin/${encodeURIComponent(token)}`;
  return (await apiRequests()).filter((request) => request.method === "GET" && request.path === path);
}

/** The resend requests (any address). */
export async function resendRequests() {
  const path = `/customer/${TENANT}/signup/optin/refresh_token`;
  return (await apiRequests()).filter((request) => request.method === "POST" && request.path === path);
}

/** Waits until the page shows the state whose heading is `name`, and returns that heading. */
export async function heading(page, name) {
  const locator = page.getByRole("heading", { level: 2, name });
  await locator.waitFor();
  return locator;
}

/** Whether `locator`'s element has the focus, inside the element's shadow root or not. */
export function isFocused(locator) {
  return locator.evaluate((node) => node.getRootNode().activeElement === node);
}

/**
 * A page function `(arg) => body(shadowRoot, arg)` for page.waitForFunction:
 * `body` sees the shadow root of the page's <emporix-optin-activation>.
 */
export function inElement(body) {
  return new Function(
    "arg",
    `const root = document.querySelector("emporix-optin-activation")?.shadowRoot;
     return root ? (${body})(root, arg) : false;`,
  );
}
