// The installed package imported as an ES module in Node (the `node` export
// condition), with no setup.
import assert from "node:assert/strict";
import { cp, mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { runInNewContext } from "node:vm";
import * as optin from "emporix-optin";
import {
  confirmOptIn,
  consumeOptInToken,
  init,
  isOptInError,
  readOptInToken,
  resendActivation,
} from "emporix-optin";
import { clientOptions, pendingCustomer } from "../support/sandbox.mjs";

test("exports exactly the documented API", () => {
  assert.deepEqual(Object.keys(optin).sort(), [
    "OptInClient",
    "confirmOptIn",
    "consumeOptInToken",
    "init",
    "isOptInError",
    "readOptInToken",
    "resendActivation",
  ]);
});

test("confirmOptIn resolves to the customer's tokens; a second use is bad_request", async () => {
  const options = { ...(await clientOptions()), token: (await pendingCustomer()).token };
  const customer = await confirmOptIn(options);
  assert.equal(typeof customer.access_token, "string");
  assert.equal(customer.token_type, "Bearer");
  assert.equal(customer.initialPassword, false);

  const error = await confirmOptIn(options).then(() => assert.fail("resolved"), (error) => error);
  assert.ok(error instanceof Error);
  assert.ok(isOptInError(error));
  assert.equal(error.name, "OptInError");
  assert.equal(error.code, "bad_request");
  assert.equal(error.type, "token_already_used");
});

test("resendActivation resolves to undefined", async () => {
  const { email } = await pendingCustomer();
  assert.equal(await resendActivation({ ...(await clientOptions()), email }), undefined);
});

test("invalid options reject with invalid_input", async () => {
  await assert.rejects(confirmOptIn({ tenant: "Not-A-Tenant", anonymousToken: "a", token: "t" }), {
    name: "OptInError",
    code: "invalid_input",
    field: "tenant",
  });
});

test("init() loads once and resolves to undefined", async () => {
  assert.equal(init(), init());
  assert.equal(await init(), undefined);
});

test("the wasm is read on first use; a failed load is retried by the next call", async () => {
  // A copy of the installed package without its wasm file: importing it must
  // not need the file, the first call must fail to load it, and the next call,
  // once the file is back, must succeed.
  const scratch = await mkdtemp(join(tmpdir(), "emporix-optin-"));
  try {
    const copy = join(scratch, "emporix-optin");
    await cp(new URL("./node_modules/emporix-optin", import.meta.url), copy, { recursive: true });
    const wasm = join(copy, "emporix_optin_bg.wasm");
    await rename(wasm, `${wasm}.away`);
    const fresh = await import(pathToFileURL(join(copy, "node.js")));

    const options = { ...(await clientOptions()), token: (await pendingCustomer()).token };
    const loadError = await fresh.confirmOptIn(options).then(() => assert.fail("resolved"), (e) => e);
    assert.equal(loadError.code, "ENOENT", "the loading error, as it is");
    assert.equal(fresh.isOptInError(loadError), false);

    await rename(`${wasm}.away`, wasm);
    assert.equal(typeof (await fresh.confirmOptIn(options)).access_token, "string");
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});

test("isOptInError recognises errors by name and code, across realms", async () => {
  const real = await confirmOptIn({}).catch((error) => error);
  const foreign = runInNewContext(
    'Object.assign(new Error("x"), { name: "OptInError", code: "network" })',
  );
  assert.equal(isOptInError(real), true);
  assert.equal(isOptInError(foreign), true, "an Error from another realm");
  assert.equal(isOptInError({ name: "OptInError", code: "timeout" }), true, "by shape, as in Rust");

  assert.equal(isOptInError(new Error("x")), false);
  assert.equal(isOptInError(Object.assign(new Error("x"), { name: "OptInError" })), false, "no code");
  assert.equal(isOptInError({ name: "OptInError", code: 7 }), false, "code not a string");
  assert.equal(isOptInError({ name: "TypeError", code: "network" }), false);
  for (const value of [undefined, null, "OptInError", 42, () => {}]) {
    assert.equal(isOptInError(value), false, String(value));
  }
  const throwing = { get name() { throw new Error("getter"); } };
  assert.equal(isOptInError(throwing), false, "a throwing getter");
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  assert.equal(isOptInError(proxy), false, "a revoked proxy");
});

test("readOptInToken reads the first non-empty value of the query parameter", () => {
  const cases = [
    ["https://shop.example.com/activate?token=abc", undefined, "abc"],
    ["/activate?token=abc%2B1%2F2%3D", undefined, "abc+1/2="],
    ["/activate?token=a+b", undefined, "a+b"],
    ["/activate?token=%C3%A9t%C3%A9", undefined, "été"],
    ["/activate?token=bad%zzescape", undefined, "bad%zzescape"],
    ["/activate?token=&token=second&token=third", undefined, "second"],
    ["/activate?token", undefined, null],
    ["/activate?tokens=abc&atoken=abc", undefined, null],
    ["/activate#token=abc", undefined, null],
    ["/activate?x=1#token=abc", undefined, null],
    ["/activate?t=abc&token=other", "t", "abc"],
    ["/activate?%74oken=abc", undefined, "abc"],
    [new URL("https://shop.example.com/?token=from-url-object"), undefined, "from-url-object"],
    ["activate?token=relative", undefined, "relative"],
  ];
  for (const [url, param, expected] of cases) {
    assert.equal(readOptInToken(url, param), expected, String(url));
  }
  assert.throws(() => readOptInToken("http://[not a url"), TypeError);
});

test("outside a browser window there is no address to read or change", () => {
  assert.equal(readOptInToken(), null);
  assert.equal(consumeOptInToken(), null);
});
