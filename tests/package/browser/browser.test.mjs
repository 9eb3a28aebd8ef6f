// The installed package in a page with no build step, served as is, in
// Chromium, Firefox and WebKit (or the engines in $BROWSERS): the main entry,
// which fetches the .wasm next to it, and emporix-optin/inline.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { browserConsumerSuite } from "../support/browser-suite.mjs";
import { call, enginesUnderTest, openPage, useBrowser } from "../support/pages.mjs";
import { clientOptions, pendingCustomer } from "../support/sandbox.mjs";
import { serve } from "../support/server.mjs";

let server;
before(async () => {
  server = await serve(fileURLToPath(new URL(".", import.meta.url)).replace(/\/$/, ""));
});
after(() => server?.close());

for (const engine of enginesUnderTest()) {
  describe(engine, () => {
    const browser = useBrowser(engine);

    describe("main entry", () => {
      browserConsumerSuite(() => ({ browser: browser(), url: `${server.url}index.html` }));
    });
    describe("emporix-optin/inline", () => {
      browserConsumerSuite(() => ({ browser: browser(), url: `${server.url}inline.html` }), { inline: true });

      test("fetches nothing from the package but its modules", async () => {
        const before = server.requests(".wasm");
        const page = await openPage(browser(), `${server.url}inline.html`);
        const options = { ...(await clientOptions()), token: (await pendingCustomer()).token };
        assert.equal(typeof (await call(page, "confirmOptIn", options)).value.access_token, "string");
        assert.equal(server.requests(".wasm"), before, "no .wasm request reached the server");
        const fetched = await page.evaluate(() =>
          performance
            .getEntriesByType("resource")
            .map((entry) => new URL(entry.name).pathname)
            .filter((path) => path.includes("/emporix-optin/")),
        );
        for (const path of fetched) assert.match(path, /\/emporix-optin\/inline\/[\w.]+\.js$/);
      });
    });

    test("a failed wasm load rejects with the loading error and spends nothing; the next call retries", async () => {
      const page = await openPage(browser(), `${server.url}index.html`);
      const before = server.requests(".wasm");
      server.dropNext(".wasm");
      const options = { ...(await clientOptions()), token: (await pendingCustomer()).token };

      const { error } = await call(page, "confirmOptIn", options);
      assert.equal(error.isOptInError, false, "not an OptInError: the package never ran");
      // A network error in every engine (Firefox's own AbortError is its cause).
      assert.equal(error.name, "TypeError", `${error.name}: ${error.message}`);
      const { value: customer } = await call(page, "confirmOptIn", options);
      assert.equal(typeof customer.access_token, "string", "the same token still works");
      assert.equal(server.requests(".wasm") - before, 2, "the failed load and the retry");
      assert.deepEqual(await page.errors(), []);
    });

    test("consumeOptInToken takes the token out of the address bar, keeping the rest", async () => {
      const page = await openPage(
        browser(),
        `${server.url}index.html?utm_source=mail&token=&token=abc%2B1%2F2&lang=de&token=later#welcome`,
      );
      const result = await page.evaluate(() => {
        history.replaceState({ router: "kept" }, "");
        const length = history.length;
        const token = window.optin.consumeOptInToken();
        return {
          token,
          search: location.search,
          hash: location.hash,
          state: history.state,
          sameLength: history.length === length,
          again: window.optin.consumeOptInToken(),
        };
      });
      assert.deepEqual(result, {
        token: "abc+1/2",
        search: "?utm_source=mail&lang=de",
        hash: "#welcome",
        state: { router: "kept" },
        sameLength: true,
        again: null,
      });
      await page.settle();
      assert.deepEqual(await page.wasmLoads(), [], "no wasm needed");
    });

    test("consumeOptInToken leaves an address without the parameter alone", async () => {
      const page = await openPage(browser(), `${server.url}index.html?tokens=1&x=a%20b#token=frag`);
      const result = await page.evaluate(() => {
        const before = location.href;
        return {
          token: window.optin.consumeOptInToken(),
          read: window.optin.readOptInToken(),
          unchanged: location.href === before,
        };
      });
      assert.deepEqual(result, { token: null, read: null, unchanged: true });
    });
  });
}
