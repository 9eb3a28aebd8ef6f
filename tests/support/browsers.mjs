// One way to open Chromium, Firefox or WebKit (Safari's engine) for any test
// suite: W3C WebDriver through selenium-webdriver, each browser driven by its
// own driver process on a free loopback port. Playwright drives only Chromium
// on this machine, so the engine-neutral suites use this instead.
//
//   import { ENGINES, openBrowser, enginesUnderTest } from "../support/browsers.mjs";
//
//   const browser = await openBrowser("webkit");   // "chromium" | "firefox" | "webkit"
//   await browser.goto("http://127.0.0.1:8080/?token=abc");
//   const title = await browser.evaluate(() => document.title);
//   await browser.evaluate(async (a, b) => a + b, 1, 2);        // → 3
//   await browser.waitFor(() => window.ready === true);          // first truthy result
//   await browser.click("#activate");
//   await browser.fill("input[name=email]", "a@example.com");
//   await browser.text("#status");                               // rendered text
//   await browser.screenshot("test-output/e2e/webkit-done.png");
//   await browser.close();
//
// The API (kept stable; other suites depend on it):
// - `ENGINES`: ["chromium", "firefox", "webkit"].
// - `enginesUnderTest()`: the engines named in $BROWSERS (comma-separated, e.g.
//   `BROWSERS=firefox`), all of `ENGINES` when unset; throws on an unknown name.
// - `openBrowser(engine, { timeoutMs = 30000 })` → a `Browser`: one window of a
//   fresh browser with a fresh profile. Open several for several windows.
// - `Browser.engine`: the engine's name; `Browser.driver`: the selenium
//   `WebDriver`, for anything not wrapped here.
// - `goto(url)`: navigates and resolves once the page's `load` event fired.
// - `evaluate(fn, ...args)`: runs `fn(...args)` in the page (it may be async)
//   and resolves to its result. `fn` (an arrow or `function` expression, not
//   a method) is sent as source text, so it sees only its arguments and the
//   page's globals (the page's own, in Firefox too). Arguments and result are JSON values
//   or `undefined` (kept as such, also inside objects and arrays). A throw or
//   rejection in the page rejects with an Error carrying its name and message.
//   Works under a page's Content Security Policy (no eval in the page).
// - `waitFor(fn, args = [], { timeoutMs = 15000, intervalMs = 50 })`: evaluates
//   `fn(...args)` until it returns a truthy value and resolves to that value.
// - `click(selector)`, `fill(selector, text)` (clears first), `text(selector)`
//   (the element's rendered text), `exists(selector)`: CSS selectors, real
//   WebDriver input. `click`, `fill` and `text` wait up to 10 s for the element.
// - `url()`: the current address. `reload()`.
// - `screenshot(path)`: a PNG of the viewport, written to `path` (folders made).
// - `close()`: ends the session and stops the driver (and the browser with it);
//   idempotent. Drivers, browsers and the Xvfb screen WebKit needs are also
//   stopped when the Node process exits or gets SIGINT, SIGTERM or SIGHUP.
//
// Binaries (Debian's, installed by scripts/setup.sh; environment overrides):
// CHROMEDRIVER (/usr/bin/chromedriver) with /usr/bin/chromium, GECKODRIVER
// (~/.cargo/bin/geckodriver) with /usr/bin/firefox-esr -headless, and
// WebKitWebDriver with MiniBrowser on an Xvfb screen of its own.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { dirname } from "node:path";
import { By, until, WebDriver } from "selenium-webdriver";
import { Executor, HttpClient } from "selenium-webdriver/http/index.js";
import { CHROMIUM_ARGS as CHROMIUM_FLAGS } from "./chromium.mjs";

export const ENGINES = ["chromium", "firefox", "webkit"];

/** The engines named in $BROWSERS (comma-separated), or all of them. */
export function enginesUnderTest(value = process.env.BROWSERS) {
  if (value === undefined || value.trim() === "") return [...ENGINES];
  const named = value.split(",").map((name) => name.trim()).filter(Boolean);
  for (const name of named) {
    if (!ENGINES.includes(name)) throw new Error(`BROWSERS: unknown engine "${name}" (known: ${ENGINES.join(", ")})`);
  }
  return named;
}

// tests/support/chromium.mjs's flags (the machine's network is closed, so every
// background service is off), and /dev/shm is small in containers.
const CHROMIUM_ARGS = [...CHROMIUM_FLAGS, "--disable-dev-shm-usage"];

// Firefox's own services would only time out here.
const FIREFOX_PREFS = {
  "app.update.enabled": false,
  "browser.safebrowsing.malware.enabled": false,
  "browser.safebrowsing.phishing.enabled": false,
  "datareporting.healthreport.uploadEnabled": false,
  "datareporting.policy.dataSubmissionEnabled": false,
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "toolkit.telemetry.enabled": false,
};

const ENGINE_SETUP = {
  chromium: () => ({
    binary: process.env.CHROMEDRIVER || "/usr/bin/chromedriver",
    args: (port) => [`--port=${port}`, "--allowed-ips=127.0.0.1"],
    capabilities: {
      browserName: "chrome",
      "goog:chromeOptions": { binary: "/usr/bin/chromium", args: CHROMIUM_ARGS },
    },
  }),
  firefox: () => ({
    binary: process.env.GECKODRIVER || `${homedir()}/.cargo/bin/geckodriver`,
    // --websocket-port 0: concurrent Firefoxes must not fight over the
    // default remote-agent port 9222.
    args: (port) => ["--host", "127.0.0.1", "--port", String(port), "--websocket-port", "0"],
    capabilities: {
      browserName: "firefox",
      "moz:firefoxOptions": { binary: "/usr/bin/firefox-esr", args: ["-headless"], prefs: FIREFOX_PREFS },
    },
  }),
  webkit: () => ({
    binary: process.env.WEBKITWEBDRIVER || "/usr/bin/WebKitWebDriver",
    args: (port) => [`--port=${port}`],
    display: true,
    capabilities: {
      browserName: "MiniBrowser",
      "webkitgtk:browserOptions": {
        binary: "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
        args: ["--automation"],
      },
    },
  }),
};

// Every process started here, each the leader of its own process group (so its
// browser goes with it): killed when Node exits, whichever way it exits.
const children = new Set();
function killGroup(child) {
  children.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}
let exitHooked = false;
function hookExit() {
  if (exitHooked) return;
  exitHooked = true;
  process.on("exit", () => {
    for (const child of [...children]) killGroup(child);
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.once(signal, () => {
      for (const child of [...children]) killGroup(child);
      process.kill(process.pid, signal); // the default action, now that the hook is gone
    });
  }
}

function start(binary, args, env = process.env, extraStdio = []) {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run scripts/setup.sh`);
  hookExit();
  const child = spawn(binary, args, { detached: true, env, stdio: ["ignore", "pipe", "pipe", ...extraStdio] });
  children.add(child);
  child.on("exit", () => children.delete(child));
  let output = "";
  const keep = (chunk) => {
    output = (output + chunk).slice(-4000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.unref();
  for (const stream of [child.stdout, child.stderr]) stream.unref?.();
  return { child, output: () => output };
}

// `promise`, or a rejection with `error()` after `ms`; the timer never keeps
// the process alive once the promise has settled.
function withTimeout(promise, ms, error) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// One Xvfb screen per Node process, for every WebKit window; -displayfd picks
// a free display number and reports it.
let screen;
function xvfbDisplay() {
  screen ??= new Promise((resolve, reject) => {
    const { child, output } = start("/usr/bin/Xvfb", ["-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"], process.env, ["pipe"]);
    const pipe = child.stdio[3];
    pipe.unref?.();
    let number = "";
    const timer = setTimeout(() => fail(new Error(`Xvfb did not start in 10 s: ${output()}`)), 10_000);
    const fail = (error) => {
      clearTimeout(timer);
      killGroup(child);
      screen = undefined;
      reject(error);
    };
    pipe.on("data", (chunk) => {
      number += chunk;
      if (number.includes("\n")) {
        clearTimeout(timer);
        resolve({ display: `:${number.trim()}`, child });
      }
    });
    child.once("exit", (code) => fail(new Error(`Xvfb exited (${code}): ${output()}`)));
  });
  return screen.then(({ display }) => display);
}

async function waitForDriver(url, driver, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (driver.child.exitCode !== null) throw new Error(`the driver exited (${driver.child.exitCode}): ${driver.output()}`);
    try {
      const response = await fetch(`${url}/status`);
      if (response.ok && (await response.json()).value?.ready !== false) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the driver did not answer in ${timeoutMs} ms: ${driver.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// `undefined` does not survive JSON (nor WebDriver's own serialisation): it
// travels as this marker, in both directions.
const UNDEFINED = "__browsers_mjs_undefined__";
const encode = (value) => JSON.stringify([value], (_key, v) => (v === undefined ? { [UNDEFINED]: true } : v));
function decode(text) {
  const revive = (value) => {
    if (Array.isArray(value)) return value.map(revive);
    if (value !== null && typeof value === "object") {
      if (Object.keys(value).length === 1 && value[UNDEFINED] === true) return undefined;
      for (const key of Object.keys(value)) value[key] = revive(value[key]);
    }
    return value;
  };
  return revive(JSON.parse(text))[0];
}

// Runs in the page as WebDriver's asynchronous script: FUNCTION is the
// caller's function source, pasted in (so no eval runs under the page's CSP).
// Firefox runs WebDriver scripts in a sandbox with builtins of its own (its
// \`Error\` is not the page's, nor is \`globalThis\`): \`with (window)\` makes the
// function see the page's globals, as it does in the other engines.
const PAGE_SCRIPT = `
const pageFunction = (() => {
  with (window) {
    return (FUNCTION);
  }
})();
const done = arguments[arguments.length - 1];
const UNDEFINED = ${JSON.stringify(UNDEFINED)};
const revive = (value) => {
  if (Array.isArray(value)) return value.map(revive);
  if (value !== null && typeof value === "object") {
    if (Object.keys(value).length === 1 && value[UNDEFINED] === true) return undefined;
    for (const key of Object.keys(value)) value[key] = revive(value[key]);
  }
  return value;
};
const encode = (value) => JSON.stringify([value], (_key, v) => (v === undefined ? { [UNDEFINED]: true } : v));
Promise.resolve()
  .then(() => pageFunction(...revive(JSON.parse(arguments[0]))[0]))
  .then(
    (value) => done({ result: encode(value) }),
    (error) => done({ error: { name: String(error && error.name), message: String(error && error.message), stack: String(error && error.stack) } }),
  );
`;

class Browser {
  #driver;
  #process;
  #closed;

  constructor(engine, driver, process) {
    this.engine = engine;
    this.#driver = driver;
    this.#process = process;
  }

  get driver() {
    return this.#driver;
  }

  async goto(url) {
    await this.#driver.get(url);
  }

  async evaluate(fn, ...args) {
    if (typeof fn !== "function") throw new TypeError("evaluate(fn, ...args): fn must be a function");
    const script = PAGE_SCRIPT.replace("FUNCTION", () => fn.toString());
    const outcome = await this.#driver.executeAsyncScript(script, encode(args));
    if (outcome === null || typeof outcome !== "object") {
      throw new Error(`${this.engine}: the page script returned ${JSON.stringify(outcome)} (did the page navigate away?)`);
    }
    if (outcome.error) {
      const error = new Error(`in ${this.engine}: ${outcome.error.name}: ${outcome.error.message}`);
      error.pageError = outcome.error;
      throw error;
    }
    return decode(outcome.result);
  }

  async waitFor(fn, args = [], { timeoutMs = 15_000, intervalMs = 50 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await this.evaluate(fn, ...args);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`${this.engine}: waitFor timed out after ${timeoutMs} ms: ${fn}`);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  async #element(selector) {
    return this.#driver.wait(until.elementLocated(By.css(selector)), 10_000, `${this.engine}: no element ${selector}`);
  }

  async click(selector) {
    await (await this.#element(selector)).click();
  }

  async fill(selector, text) {
    const element = await this.#element(selector);
    await element.clear();
    await element.sendKeys(text);
  }

  async text(selector) {
    return (await this.#element(selector)).getText();
  }

  async exists(selector) {
    return (await this.#driver.findElements(By.css(selector))).length > 0;
  }

  async url() {
    return this.#driver.getCurrentUrl();
  }

  async reload() {
    await this.#driver.navigate().refresh();
  }

  async screenshot(path) {
    const png = await this.#driver.takeScreenshot();
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, Buffer.from(png, "base64"));
  }

  close() {
    this.#closed ??= (async () => {
      try {
        await withTimeout(this.#driver.quit(), 10_000, () => new Error("quit timed out"));
      } catch {
        // the driver is stopped below either way
      } finally {
        killGroup(this.#process.child);
      }
    })();
    return this.#closed;
  }
}

/** Opens one window of a fresh `engine` browser; see the header for the API. */
export async function openBrowser(engine, { timeoutMs = 30_000 } = {}) {
  const setup = ENGINE_SETUP[engine]?.();
  if (!setup) throw new Error(`openBrowser: unknown engine "${engine}" (known: ${ENGINES.join(", ")})`);
  const env = setup.display ? { ...process.env, DISPLAY: await xvfbDisplay() } : process.env;
  const port = await freePort();
  const driverProcess = start(setup.binary, setup.args(port), env);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForDriver(url, driverProcess, timeoutMs);
    const executor = new Executor(new HttpClient(url));
    const driver = WebDriver.createSession(executor, { ...setup.capabilities, pageLoadStrategy: "normal" });
    await withTimeout(driver.getSession(), timeoutMs, () => new Error(`no session in ${timeoutMs} ms: ${driverProcess.output()}`));
    await driver.manage().setTimeouts({ script: 60_000, pageLoad: 60_000, implicit: 0 });
    return new Browser(engine, driver, driverProcess);
  } catch (error) {
    killGroup(driverProcess.child);
    error.message = `${engine}: could not open the browser: ${error.message}`;
    throw error;
  }
}
