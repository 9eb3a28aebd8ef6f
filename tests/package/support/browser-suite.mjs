// The checks every browser consumer must pass, whatever built or served it
// and in whichever engine: lazy loading, both calls, OptInClient, errors, and
// the same in a module worker.
import assert from "node:assert/strict";
import { test } from "node:test";
import { call, newClient, openPage, startWorker } from "./pages.mjs";
import { clientConfig, clientOptions, pendingCustomer, requestsMentioning, unique } from "./sandbox.mjs";

/**
 * Checks the page that `page()` names, as `{ browser, url }` (called once the
 * suite's `before` hooks have run). With `inline: true` the page uses
 * `emporix-optin/inline`, which must never fetch a `.wasm` file; otherwise the
 * first call fetches it once.
 */
export function browserConsumerSuite(page, { inline = false } = {}) {
  const open = () => {
    const { browser, url } = page();
    return openPage(browser, url);
  };
  // The wasm files fetched after the first call: one, or none when inline.
  const loadedOnce = async (page, message) => {
    const loads = await page.wasmLoads();
    assert.equal(loads.length, inline ? 0 : 1, `${message}: ${loads}`);
  };

  test("importing loads no wasm; concurrent first calls load it once", async () => {
    const page = await open();
    await page.settle();
    assert.deepEqual(await page.wasmLoads(), [], "nothing loaded before the first call");
    const options = await clientOptions();
    const [first, second] = [await pendingCustomer(), await pendingCustomer()];
    const calls = [{ ...options, token: first.token }, { ...options, token: second.token }];
    const types = await page.evaluate(async (calls) => {
      const customers = await Promise.all(calls.map((options) => window.optin.confirmOptIn(options)));
      return customers.map((customer) => typeof customer.access_token);
    }, calls);
    assert.deepEqual(types, ["string", "string"]);
    await loadedOnce(page, "one load");
    const third = await pendingCustomer();
    assert.ok((await call(page, "confirmOptIn", { ...options, token: third.token })).value);
    await loadedOnce(page, "later calls reuse the module");
    assert.deepEqual(await page.errors(), []);
  });

  test("init() preloads the module, once", async () => {
    const page = await open();
    const result = await page.evaluate(async () => {
      const { init } = window.optin;
      const samePromise = init() === init();
      return { samePromise, resolved: await init() };
    });
    assert.deepEqual(result, { samePromise: true, resolved: undefined });
    await loadedOnce(page, "init() loads");
    const { token } = await pendingCustomer();
    assert.ok((await call(page, "confirmOptIn", { ...(await clientOptions()), token })).value);
    await loadedOnce(page, "the call reuses the module");
    assert.deepEqual(await page.errors(), []);
  });

  test("confirmOptIn resolves to the customer's tokens; a second use is bad_request", async () => {
    const page = await open();
    const options = { ...(await clientOptions()), token: (await pendingCustomer()).token };
    const { value: customer } = await call(page, "confirmOptIn", options);
    assert.equal(typeof customer.access_token, "string");
    assert.equal(typeof customer.refresh_token, "string");
    assert.equal(customer.token_type, "Bearer");
    assert.equal(customer.initialPassword, false);

    const { error } = await call(page, "confirmOptIn", options);
    assert.equal(error.isError, true, "a real Error");
    assert.equal(error.isOptInError, true);
    assert.equal(error.name, "OptInError");
    assert.equal(error.code, "bad_request");
    assert.equal(error.status, 400);
    assert.equal(error.type, "token_already_used");
    assert.ok(!error.message.includes(options.token), "the token stays out of the message");
    assert.deepEqual(await page.errors(), []);
  });

  test("resendActivation resolves to undefined; invalid options send nothing", async () => {
    const page = await open();
    const { email } = await pendingCustomer();
    const resent = await call(page, "resendActivation", { ...(await clientOptions()), email });
    assert.equal(resent.error, undefined);
    assert.equal(resent.value, undefined);

    const rejected = `${email}.invalid`;
    const { error } = await call(page, "resendActivation", { tenant: "pkgshop", email: rejected });
    assert.equal(error.isOptInError, true);
    assert.equal(error.code, "invalid_input");
    assert.equal(error.field, "anonymousToken");
    assert.deepEqual(await requestsMentioning(rejected), [], "nothing sent");
    assert.deepEqual(await page.errors(), []);
  });

  test("OptInClient: constructing loads nothing; with a client id it logs in and confirms", async () => {
    const page = await open();
    await newClient(page, await clientConfig());
    await page.settle();
    assert.deepEqual(await page.wasmLoads(), [], "the constructor needs no wasm");
    const { token, email } = await pendingCustomer(unique("client"));

    const { value: customer } = await call(page, "client.confirmOptIn", token);
    assert.equal(typeof customer.access_token, "string");
    await loadedOnce(page, "the first call loads");
    const [confirm] = await requestsMentioning(token);
    assert.match(confirm.authorization, /^Bearer ./, "with the token from the login");
    const { error } = await call(page, "client.confirmOptIn", token);
    assert.equal(error.isOptInError, true);
    assert.equal(error.code, "bad_request");
    const resent = await call(page, "client.resendActivation", email);
    assert.equal(resent.error, undefined);
    assert.equal(resent.value, undefined);

    const thrown = await page.evaluate(() => {
      try {
        new window.optin.OptInClient({ tenant: "pkgshop" });
      } catch (error) {
        return { name: error.name, code: error.code, field: error.field };
      }
    });
    assert.deepEqual(thrown, { name: "OptInError", code: "invalid_input", field: "clientId" });
    assert.deepEqual(await page.errors(), []);
  });

  test("works the same in a dedicated module worker", async () => {
    const page = await open();
    const worker = await startWorker(page);
    const options = await clientOptions();
    const { token, email } = await pendingCustomer();

    const { value: customer } = await call(worker, "confirmOptIn", { ...options, token });
    assert.equal(typeof customer.access_token, "string");
    const { error } = await call(worker, "confirmOptIn", { ...options, token });
    assert.equal(error.isOptInError, true);
    assert.equal(error.code, "bad_request");
    const resent = await call(worker, "resendActivation", { ...options, email });
    assert.equal(resent.error, undefined);
    assert.deepEqual(await call(worker, "consumeOptInToken"), { value: null }, "no window, no history");

    await newClient(worker, await clientConfig());
    const other = await pendingCustomer();
    const confirmed = await call(worker, "client.confirmOptIn", other.token);
    assert.equal(typeof confirmed.value.access_token, "string", "OptInClient with a client id");
    assert.deepEqual(await page.errors(), []);
  });
}
