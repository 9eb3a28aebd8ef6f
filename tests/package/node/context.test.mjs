// `OptInClient`'s session context from the installed package in Node: the
// constructor's shape checks, the values checked by the first call, and the
// context reaching Emporix's anonymous login, whose session then matches it.
// Each test uses a tenant of its own, so the logins it counts are its own.
import assert from "node:assert/strict";
import { test } from "node:test";
import { OptInClient, isOptInError } from "emporix-optin";
import { SANDBOX_URL, unique } from "../support/sandbox.mjs";

const CLIENT_ID = "sandbox-client";

/** What `promise` rejects with (it must reject). */
const rejection = (promise) => promise.then(() => assert.fail("resolved"), (error) => error);

async function sandbox(path, init) {
  const response = await fetch(`${SANDBOX_URL}${path}`, init);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** A pending customer of `tenant`; resolves to its opt-in token. */
async function pendingToken(tenant) {
  const token = unique("ctx");
  await sandbox("/sandbox/optin-tokens", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tenant, email: `${unique("c")}@example.com`, token }),
  });
  return token;
}

/** The API requests (path and query) that mention `text`. */
async function mentioning(text) {
  return (await sandbox("/sandbox/requests")).filter((r) => `${r.path}?${r.query ?? ""}`.includes(text));
}

const config = (tenant, context) => ({ tenant, clientId: CLIENT_ID, baseUrl: SANDBOX_URL, context });

function thrownBy(make) {
  try {
    make();
  } catch (error) {
    return error;
  }
  assert.fail("did not throw");
}

test("the constructor refuses a context of the wrong shape synchronously", () => {
  const tenant = "ctxshop";
  const throwing = {
    get siteCode() {
      throw new Error("no");
    },
  };
  const cases = [
    [config(tenant, "CHF"), "context"],
    [config(tenant, ["CHF"]), "context"],
    [config(tenant, 42), "context"],
    [{ tenant, anonymousToken: "token", context: { currency: "EUR" } }, "context"],
    [{ tenant, anonymousToken: async () => "token", context: {} }, "context"],
    [config(tenant, { sitecode: "ch" }), "context.sitecode"],
    [config(tenant, { siteCode: "ch", locale: "de" }), "context.locale"],
    [config(tenant, throwing), "context.siteCode"],
  ];
  for (const [given, field] of cases) {
    const error = thrownBy(() => new OptInClient(given));
    assert.ok(error instanceof Error);
    assert.ok(isOptInError(error));
    assert.equal(error.code, "invalid_input");
    assert.equal(error.field, field, String(field));
    assert.match(error.message, new RegExp(`^Invalid option \`${field}\``));
  }
  // Absent, undefined and null mean no context; so do absent keys.
  for (const context of [undefined, null, {}, { currency: undefined, language: null }]) {
    assert.ok(new OptInClient(config(tenant, context)));
  }
});

test("the session context reaches the login, and the session matches it", async () => {
  const tenant = unique("ctx");
  const context = { siteCode: "ch", currency: "CHF", language: "de", targetLocation: "CH" };
  const client = new OptInClient(config(tenant, context));
  // The client keeps a copy: later changes do not reach it.
  context.currency = "EUR";
  const token = await pendingToken(tenant);

  const customer = await client.confirmOptIn(token);
  assert.equal(typeof customer.access_token, "string");

  const logins = (await mentioning(`tenant=${tenant}&`)).filter((r) => r.path.endsWith("/anonymous/login"));
  assert.deepEqual(
    logins.map((r) => r.query),
    [`tenant=${tenant}&client_id=${CLIENT_ID}&siteCode=ch&currency=CHF&language=de&targetLocation=CH`],
  );
  const [confirm] = await mentioning(`/signup/optin/${token}`);
  const bearer = confirm.authorization.replace(/^Bearer /, "");
  const session = (await sandbox("/sandbox/sessions")).find((s) => s.accessTokens.includes(bearer));
  assert.equal(session.tenant, tenant);
  assert.deepEqual(session.context, { siteCode: "ch", currency: "CHF", language: "de", targetLocation: "CH" });
});

test("a wrong value rejects every call with invalid_input and its field, and nothing is sent", async () => {
  const cases = [
    [{ currency: "chf" }, "context.currency"],
    [{ targetLocation: "che" }, "context.targetLocation"],
    [{ language: "Deutsch" }, "context.language"],
    [{ siteCode: "" }, "context.siteCode"],
    [{ siteCode: "ch", currency: 756 }, "context.currency"],
  ];
  for (const [context, field] of cases) {
    const tenant = unique("ctx");
    const client = new OptInClient(config(tenant, context));
    for (const call of [() => client.confirmOptIn("never-sent"), () => client.resendActivation("a@example.com")]) {
      const error = await rejection(call());
      assert.ok(isOptInError(error));
      assert.equal(error.code, "invalid_input");
      assert.equal(error.field, field);
    }
    assert.deepEqual(await mentioning(tenant), [], `${field}: nothing sent`);
  }
});
