// `OptInClient` from the installed package in Node: the plain-JavaScript
// constructor's checks, and the calls through its WebAssembly half against
// the sandbox.
import assert from "node:assert/strict";
import { test } from "node:test";
import { OptInClient, isOptInError } from "emporix-optin";
import {
  SANDBOX_URL,
  TENANT,
  anonymousToken,
  clientConfig,
  pendingCustomer,
  requestsMentioning,
  unique,
} from "../support/sandbox.mjs";

/** What `promise` rejects with (it must reject). */
const rejection = (promise) => promise.then(() => assert.fail("resolved"), (error) => error);

/** The Bearer tokens of the API requests that mention `text` (a token or an email). */
async function bearers(text) {
  return (await requestsMentioning(text)).map((request) => request.authorization);
}

test("the constructor rejects a config of the wrong shape synchronously", () => {
  const tenant = TENANT;
  const cases = [
    [undefined, "config"],
    [null, "config"],
    ["myshop", "config"],
    [{ tenant }, "clientId"],
    [{ tenant, clientId: null, anonymousToken: undefined }, "clientId"],
    [{ tenant, clientId: "sandbox-client", anonymousToken: "token" }, "anonymousToken"],
    [{ tenant, clientId: "sandbox-client", anonymousToken: async () => "token" }, "anonymousToken"],
  ];
  for (const [config, field] of cases) {
    let thrown;
    try {
      new OptInClient(config);
    } catch (error) {
      thrown = error;
    }
    assert.ok(thrown instanceof Error, `${JSON.stringify(config)} throws an Error`);
    assert.ok(isOptInError(thrown));
    assert.equal(thrown.name, "OptInError");
    assert.equal(thrown.code, "invalid_input");
    assert.equal(thrown.field, field, JSON.stringify(config));
    assert.match(thrown.message, new RegExp(`^Invalid option \`${field}\``));
  }
});

test("values are checked on the first call; a refused config rejects every call alike", async () => {
  const client = new OptInClient({ tenant: "Not-A-Tenant", clientId: "sandbox-client", baseUrl: SANDBOX_URL });
  for (const call of [() => client.confirmOptIn("t"), () => client.resendActivation("a@example.com")]) {
    const error = await rejection(call());
    assert.equal(error.code, "invalid_input");
    assert.equal(error.field, "tenant");
  }
});

test("with a client id: confirmOptIn logs in and confirms; concurrent calls share one request", async () => {
  const client = new OptInClient(await clientConfig());
  const { token } = await pendingCustomer(unique("shared"));

  const [first, second] = await Promise.all([client.confirmOptIn(token), client.confirmOptIn(token)]);
  assert.equal(typeof first.access_token, "string");
  assert.equal(first.token_type, "Bearer");
  assert.deepEqual(second, first, "both callers get the one answer");
  const sent = await bearers(token);
  assert.equal(sent.length, 1, "one confirm request");
  assert.match(sent[0], /^Bearer ./, "with the anonymous token from the login");

  const error = await rejection(client.confirmOptIn(token));
  assert.ok(isOptInError(error));
  assert.equal(error.code, "bad_request", "a call after the first settled sends its own request");
  assert.equal(error.type, "token_already_used");
  assert.equal((await bearers(token)).length, 2);
});

test("resendActivation resolves to undefined, with the token kept from the first call", async () => {
  const client = new OptInClient(await clientConfig());
  const [confirmed, waiting] = [await pendingCustomer(unique("kept")), await pendingCustomer()];
  await client.confirmOptIn(confirmed.token);
  assert.equal(await client.resendActivation(waiting.email), undefined);
  assert.equal(await client.resendActivation(waiting.email, { timeoutMs: 5_000 }), undefined);
  const [login] = await bearers(confirmed.token);
  assert.deepEqual(await bearers(waiting.email), [login, login], "no second login: the token is reused");
});

test("a token provider is asked once for the calls it serves", async () => {
  let asked = 0;
  const client = new OptInClient({
    tenant: TENANT,
    baseUrl: SANDBOX_URL,
    anonymousToken: async () => {
      asked += 1;
      return anonymousToken();
    },
  });
  const [first, second] = [await pendingCustomer(), await pendingCustomer()];
  const customers = await Promise.all([client.confirmOptIn(first.token), client.confirmOptIn(second.token)]);
  assert.deepEqual(customers.map((customer) => typeof customer.access_token), ["string", "string"]);
  assert.equal(await client.resendActivation(first.email), undefined);
  assert.equal(asked, 1);
});

test("a failing token provider rejects the call with invalid_input and the cause", async () => {
  const failure = new Error("the storefront's session is gone");
  const client = new OptInClient({
    tenant: TENANT,
    baseUrl: SANDBOX_URL,
    anonymousToken: () => Promise.reject(failure),
  });
  const { token } = await pendingCustomer(unique("unsent"));
  const error = await rejection(client.confirmOptIn(token));
  assert.equal(error.code, "invalid_input");
  assert.equal(error.field, "anonymousToken");
  assert.equal(error.cause, failure);
  assert.deepEqual(await bearers(token), [], "nothing sent");
});
