// Headless Debian Chromium through playwright-core (no browser downloads).
import { after, before } from "node:test";
// scripts/test-package.sh copies tests/support/ beside its copy of this
// folder, so this relative path holds in the copy too.
import { launchChromium as launch } from "../../support/chromium.mjs";

function launchChromium() {
  return launch({ timeout: 30_000 });
}

/**
 * Launches Chromium before the file's tests and closes it after them; returns
 * a getter for the browser.
 */
export function useChromium() {
  let browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(() => browser?.close());
  return () => browser;
}

/**
 * Opens `url` in a new page, recording the `.wasm` files it requests and the
 * errors it throws. Resolves once the page's module has set `window.optin`
 * (the package's exports).
 */
export async function openPage(browser, url) {
  const page = await browser.newPage();
  const wasmRequests = [];
  const errors = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname.endsWith(".wasm")) wasmRequests.push(request.url());
  });
  page.on("pageerror", (error) => errors.push(error));
  await page.goto(url);
  await page.waitForFunction(() => window.optin !== undefined, null, { timeout: 15_000 });
  return { page, wasmRequests, errors };
}

/**
 * Starts the page's module worker (`window.startWorker()`) and resolves to it
 * once its module has set `self.optin`.
 */
export async function startWorker(page) {
  const [worker] = await Promise.all([
    page.waitForEvent("worker"),
    page.evaluate(() => {
      window.worker = window.startWorker(); // kept, so it is not collected
    }),
  ]);
  const deadline = Date.now() + 15_000;
  while (!(await worker.evaluate(() => self.optin !== undefined))) {
    if (Date.now() > deadline) throw new Error("the worker did not load the package");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return worker;
}

/**
 * Creates `new OptInClient(config)` in a page or worker, as `client` for
 * `call(target, "client.confirmOptIn", …)`.
 */
export function newClient(target, config) {
  return target.evaluate((config) => {
    globalThis.client = new globalThis.optin.OptInClient(config);
  }, config);
}

/**
 * Calls the package's export `name` (or, as `client.method`, a method of the
 * client `newClient` created) with `args` in a page or worker and resolves to
 * `{ value }` or `{ error }`, the error as a plain object with its own
 * properties, `name`, `message`, and what `instanceof Error` and
 * `isOptInError` say about it.
 */
export function call(target, name, ...args) {
  return target.evaluate(
    async ([name, args]) => {
      const { optin, client } = globalThis;
      const [receiver, method] = name.startsWith("client.") ? [client, name.slice(7)] : [optin, name];
      try {
        return { value: await receiver[method](...args) };
      } catch (error) {
        return {
          error: {
            ...error,
            name: error.name,
            message: error.message,
            isError: error instanceof Error,
            isOptInError: optin.isOptInError(error),
          },
        };
      }
    },
    [name, args],
  );
}
