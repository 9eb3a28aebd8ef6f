// The installed package in a page with no build step, served as is.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { browserConsumerSuite } from "../support/browser-suite.mjs";
import { call, openPage, useChromium } from "../support/chromium.mjs";
import { clientOptions, pendingCustomer } from "../support/sandbox.mjs";
import { serve } from "../support/server.mjs";

const browser = useChromium();
let server;
before(async () => {
  server = await serve(fileURLToPath(new URL(".", import.meta.url)).replace(/\/$/, ""));
});
after(() => server?.close());

browserConsumerSuite(() => ({ browser: browser(), url: `${server.url}index.html` }));

test("a failed wasm load rejects with the loading error and spends nothing; the next call retries", async () => {
  const { page, wasmRequests, errors } = await openPage(browser(), `${server.url}index.html`);
  await page.route("**/*.wasm", (route) => route.abort("internetdisconnected"), { times: 1 });
  const options = { ...(await clientOptions()), token: (await pendingCustomer()).token };

  const { error } = await call(page, "confirmOptIn", options);
  assert.equal(error.isOptInError, false, "not an OptInError: the package never ran");
  assert.equal(error.name, "TypeError");
  const { value: customer } = await call(page, "confirmOptIn", options);
  assert.equal(typeof customer.access_token, "string", "the same token still works");
  assert.equal(wasmRequests.length, 2);
  assert.deepEqual(errors, []);
  await page.close();
});

test("consumeOptInToken takes the token out of the address bar, keeping the rest", async () => {
  const { page, wasmRequests } = await openPage(
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
  assert.deepEqual(wasmRequests, [], "no wasm needed");
  await page.close();
});

test("consumeOptInToken leaves an address without the parameter alone", async () => {
  const { page } = await openPage(browser(), `${server.url}index.html?tokens=1&x=a%20b#token=frag`);
  const result = await page.evaluate(() => {
    const before = location.href;
    return {
      token: window.optin.consumeOptInToken(),
      read: window.optin.readOptInToken(),
      unchanged: location.href === before,
    };
  });
  assert.deepEqual(result, { token: null, read: null, unchanged: true });
  await page.close();
});
