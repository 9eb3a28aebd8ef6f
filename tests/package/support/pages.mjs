// A consumer page in Chromium, Firefox or WebKit, driven over WebDriver
// (tests/support/browsers.mjs). WebDriver sees neither network requests nor
// workers, so the pages help: each counts its own wasm loads (Resource Timing),
// collects its uncaught errors in `window.pageErrors`, and its module worker
// runs the functions it is sent (see the consumers' worker.js).
import { after, before } from "node:test";
// scripts/test-package.sh copies tests/support/ beside its copy of this
// folder, so this relative path holds in the copy too.
import { enginesUnderTest, openBrowser } from "../../support/browsers.mjs";

export { enginesUnderTest };

/**
 * Opens an `engine` browser before the suite's tests and closes it after them;
 * returns a getter for it.
 */
export function useBrowser(engine) {
  let browser;
  before(async () => {
    browser = await openBrowser(engine);
  });
  after(() => browser?.close());
  return () => browser;
}

/**
 * Navigates `browser` to `url` and resolves, once the page's module has set
 * `window.optin` (the package's exports), to the page:
 * - `evaluate(fn, ...args)`: as the browser's;
 * - `wasmLoads()`: the URLs of the `.wasm` files the page has fetched;
 * - `errors()`: the page's uncaught errors and unhandled rejections so far;
 * - `settle()`: lets 250 ms of loading pass (before checking what loaded).
 */
export async function openPage(browser, url) {
  await browser.goto(url);
  await browser.waitFor(() => window.optin !== undefined);
  return {
    engine: browser.engine,
    evaluate: (fn, ...args) => browser.evaluate(fn, ...args),
    wasmLoads: () =>
      browser.evaluate(() =>
        performance
          .getEntriesByType("resource")
          .map((entry) => entry.name)
          .filter((name) => new URL(name).pathname.endsWith(".wasm")),
      ),
    errors: async () => {
      const errors = await browser.evaluate(() => window.pageErrors);
      if (!Array.isArray(errors)) throw new Error("the page does not collect its errors in window.pageErrors");
      return errors;
    },
    settle: () => browser.evaluate(() => new Promise((resolve) => setTimeout(resolve, 250))),
  };
}

/**
 * Starts the page's module worker (`window.startWorker()`) and resolves to it,
 * with `evaluate(fn, ...args)` running `fn` in the worker, once its module has
 * set `self.optin`.
 */
export async function startWorker(page) {
  await page.evaluate(() => {
    window.worker = window.startWorker(); // kept, so it is not collected
  });
  const worker = {
    evaluate: (fn, ...args) =>
      page.evaluate(
        (source, args) =>
          new Promise((resolve, reject) => {
            const id = Math.random();
            const settle = (outcome) => {
              clearTimeout(timer);
              window.worker.removeEventListener("message", onMessage);
              window.worker.removeEventListener("error", onError);
              outcome();
            };
            const onMessage = ({ data }) => {
              if (data.id !== id) return;
              if ("error" in data) settle(() => reject(new Error(`in the worker: ${data.error}`)));
              else settle(() => resolve(data.value));
            };
            const onError = (event) => settle(() => reject(new Error(`worker error: ${event.message}`)));
            const timer = setTimeout(() => settle(() => reject(new Error("the worker did not answer in 15 s"))), 15_000);
            window.worker.addEventListener("message", onMessage);
            window.worker.addEventListener("error", onError);
            window.worker.postMessage({ id, source, args });
          }),
        fn.toString(),
        args,
      ),
  };
  // The worker answers once its module, and so the package, has loaded.
  if (!(await worker.evaluate(() => self.optin !== undefined))) throw new Error("the worker did not load the package");
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
    async (name, args) => {
      const { optin, client } = globalThis;
      const [receiver, method] = name.startsWith("client.") ? [client, name.slice(7)] : [optin, name];
      try {
        return { value: await receiver[method](...args) };
      } catch (error) {
        const { cause, ...fields } = error;
        return {
          error: {
            ...fields,
            ...(cause === undefined ? {} : { cause: String(cause) }),
            name: error.name,
            message: error.message,
            isError: error instanceof Error,
            isOptInError: optin.isOptInError(error),
          },
        };
      }
    },
    name,
    args,
  );
}
