// Shared pieces of the hardening tests: Debian's Chromium through
// playwright-core, the lab page (lab/), an observer of everything the browser
// reports, the sandbox's own endpoints, and the secret-leak check.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { launchChromium } from "../support/chromium.mjs";

// Started by scripts/test-hardening.sh (through scripts/with-sandbox.sh).
export const API_URL = process.env.SANDBOX_URL;
export const CLOSED_URL = process.env.CLOSED_URL;
assert.ok(API_URL && CLOSED_URL, "SANDBOX_URL is not set: run these tests with scripts/test-hardening.sh");
/** The lab page's origin: the same server under another name, so calls are cross-origin. */
export const LAB_ORIGIN = API_URL.replace("//127.0.0.1:", "//localhost:");
export const PORT = new URL(API_URL).port;
export const TENANT = "testshop";

export function launchBrowser() {
  return launchChromium();
}

/** A string no other test uses. */
export function unique(prefix) {
  return `${prefix}-${randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

/**
 * Everything the browser reports about a page, through the DevTools protocol
 * so that the page's own console calls and uncaught errors (which scripts,
 * error trackers included, can see) are told apart from the browser's own
 * network log (which only DevTools shows).
 */
export class Observer {
  /** `console.*` calls by the page's scripts. */
  console = [];
  /** Uncaught exceptions and unhandled rejections. */
  exceptions = [];
  /** The browser's own log: failed loads, CORS rejections, deprecations… */
  browserLog = [];
  /** Requests the page sent, other than for its own files. */
  requests = [];

  static async attach(page) {
    const observer = new Observer();
    const cdp = await page.context().newCDPSession(page);
    cdp.on("Runtime.consoleAPICalled", ({ type, args }) => {
      const text = args.map((arg) => arg.value ?? arg.unserializableValue ?? arg.description);
      observer.console.push(`console.${type}: ${text.join(" ")}`);
    });
    cdp.on("Runtime.exceptionThrown", ({ exceptionDetails: details }) => {
      observer.exceptions.push(`${details.text} ${details.exception?.description ?? ""}`);
    });
    cdp.on("Log.entryAdded", ({ entry }) => observer.browserLog.push(entry));
    await cdp.send("Runtime.enable");
    await cdp.send("Log.enable");
    page.on("request", (request) => {
      const url = request.url();
      const own = url.startsWith(`${LAB_ORIGIN}/`) && !url.startsWith(`${LAB_ORIGIN}/customer`);
      if (!own && !url.startsWith("data:")) {
        observer.requests.push({ method: request.method(), url, body: request.postData() });
      }
    });
    return observer;
  }

  /** A position to compare with later, for one case's share of the reports. */
  mark() {
    return {
      console: this.console.length,
      exceptions: this.exceptions.length,
      browserLog: this.browserLog.length,
      requests: this.requests.length,
    };
  }

  since(mark) {
    return {
      console: this.console.slice(mark.console),
      exceptions: this.exceptions.slice(mark.exceptions),
      browserLog: this.browserLog.slice(mark.browserLog),
      requests: this.requests.slice(mark.requests),
    };
  }
}

/**
 * Asserts a case left no noise: nothing from the page's scripts, no uncaught
 * error, and from the browser only its report of a failed request.
 */
export function assertQuiet(reports) {
  assert.deepEqual(reports.console, [], "console output");
  assert.deepEqual(reports.exceptions, [], "uncaught errors or unhandled rejections");
  const unexpected = reports.browserLog.filter(
    (entry) => entry.source !== "network" && entry.category !== "cors",
  );
  assert.deepEqual(unexpected, [], "browser warnings");
}

/** Opens the lab page with an observer attached; `lab` is its `window.lab`. */
export async function openLab(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const observer = await Observer.attach(page);
  await page.goto(`${LAB_ORIGIN}/`);
  await page.waitForFunction(() => window.lab !== undefined);
  const lab = {
    callers: await page.evaluate(() => window.lab.callers),
    call: (caller, options) => page.evaluate(([c, o]) => window.lab.call(c, o), [caller, options]),
    readToken: (url) => page.evaluate((u) => window.lab.readToken(u), url),
    consumeToken: (url) => page.evaluate((u) => window.lab.consumeToken(u), url),
    memoryRun: (options) => page.evaluate((o) => window.lab.memoryRun(o), options),
  };
  return { observer, lab };
}

// ---- The sandbox ---------------------------------------------------------------

async function sandbox(path, init) {
  const response = await fetch(`${API_URL}${path}`, init);
  assert.ok(response.ok, `${path}: HTTP ${response.status}`);
  return response.status === 204 ? undefined : response.json();
}

function postJson(path, body) {
  return sandbox(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** A valid anonymous access token for every tenant. */
export async function anonymousToken() {
  return (await postJson("/sandbox/anonymous-token", {})).access_token;
}

/** A pending customer whose opt-in token is exactly `token`. */
export function registerToken(token, tenant = TENANT) {
  return postJson("/sandbox/optin-tokens", { tenant, token, email: `${unique("c")}@example.com` });
}

/** The API requests the sandbox received (without CORS preflights). */
export function loggedRequests() {
  return sandbox("/sandbox/requests");
}

// ---- Secrets ---------------------------------------------------------------------

/**
 * Opt-in tokens, anonymous tokens and emails a test used, and the texts a
 * storefront's scripts could see (error messages and stacks, console output,
 * uncaught errors), which must contain none of them.
 */
export class Secrets {
  #secrets = new Map();
  #texts = [];

  add(kind, value) {
    // Too short to be told apart from ordinary text; the tests use long ones.
    if (value.length >= 12) this.#secrets.set(value, kind);
    return value;
  }

  /** Records what an outcome exposes to the storefront. */
  collect(outcome) {
    if (!outcome.ok) this.#texts.push(outcome.error.message, outcome.error.stack);
  }

  /**
   * Asserts no secret appears in any collected text, in `more` (`[where,
   * text]` pairs) or in what the page's scripts wrote. The browser's own log
   * may name a confirm request's URL, whose last segment is the opt-in token
   * by the API's design; with those URLs taken out, it must hold no secret
   * either.
   */
  assertNoneIn(observer, more = []) {
    const confirmUrl = /https?:\/\/[^\s'"]*\/signup\/optin\/[^\s'"]*/g;
    const texts = [
      ...this.#texts.map((text) => ["error message or stack", text]),
      ...more,
      ...observer.console.map((text) => ["console", text]),
      ...observer.exceptions.map((text) => ["uncaught error", text]),
      ...observer.browserLog.map((entry) => [
        "browser log",
        `${entry.text} ${entry.url ?? ""}`.replaceAll(confirmUrl, "<confirm URL>"),
      ]),
    ];
    assert.ok(this.#secrets.size > 0, "no secret to look for");
    for (const [where, text] of texts) {
      for (const [secret, kind] of this.#secrets) {
        assert.ok(!text.includes(secret), `${kind} ${JSON.stringify(secret)} in ${where}: ${text}`);
      }
    }
  }
}
