// The installed package from CommonJS: Node 20.19+ require()s the ES module
// itself, so there is a single copy of the package, shared with `import`.
const assert = require("node:assert/strict");
const { test } = require("node:test");
const optin = require("emporix-optin");
const { clientConfig, clientOptions, pendingCustomer } = require("../support/sandbox.mjs");

test("require() gives the same module as import", async () => {
  const imported = await import("emporix-optin");
  assert.deepEqual(Object.keys(optin), Object.keys(imported));
  assert.equal(optin.confirmOptIn, imported.confirmOptIn);
  assert.equal(optin.OptInClient, imported.OptInClient);
});

test("confirmOptIn and resendActivation work from CommonJS", async () => {
  const options = await clientOptions();
  const { token, email } = await pendingCustomer();
  const customer = await optin.confirmOptIn({ ...options, token });
  assert.equal(typeof customer.access_token, "string");
  assert.equal(await optin.resendActivation({ ...options, email }), undefined);
  await assert.rejects(optin.confirmOptIn({ ...options, token }), (error) => {
    assert.ok(optin.isOptInError(error));
    assert.equal(error.code, "bad_request");
    return true;
  });
});

test("OptInClient works from CommonJS", async () => {
  const client = new optin.OptInClient(await clientConfig());
  const { token, email } = await pendingCustomer();
  assert.equal(typeof (await client.confirmOptIn(token)).access_token, "string");
  assert.equal(await client.resendActivation(email), undefined);
});

test("require() of emporix-optin/inline gives the same API", async () => {
  const inline = require("emporix-optin/inline");
  assert.deepEqual(Object.keys(inline).sort(), Object.keys(optin).sort());
  const options = await clientOptions();
  const { token } = await pendingCustomer();
  assert.equal(typeof (await inline.confirmOptIn({ ...options, token })).access_token, "string");
});
