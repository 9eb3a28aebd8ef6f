// The sandbox's own endpoints, for setting up each test's state. Every test
// uses fresh emails and tokens, so tests never interfere through the sandbox.
import { randomUUID } from "node:crypto";

export const SANDBOX_URL = process.env.SANDBOX_URL;
if (!SANDBOX_URL) throw new Error("SANDBOX_URL is not set: run through scripts/test-package.sh");

export const TENANT = "pkgshop";

async function post(path, body) {
  const response = await fetch(`${SANDBOX_URL}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** A string no other test uses. */
export function unique(prefix) {
  return `${prefix}${randomUUID().slice(0, 8)}`;
}

/** A valid anonymous access token for TENANT. */
export async function anonymousToken() {
  const { access_token } = await post("/sandbox/anonymous-token", { tenant: TENANT });
  return access_token;
}

/**
 * A pending customer whose opt-in token is `token` (by default a fresh one
 * with characters that need encoding); resolves to that token and the email.
 */
export async function pendingCustomer(token = unique("tok/+ =é")) {
  const email = `${unique("shopper")}@example.com`;
  await post("/sandbox/optin-tokens", { tenant: TENANT, email, token });
  return { token, email };
}

/** The API requests the sandbox received that mention `text` anywhere. */
export async function requestsMentioning(text) {
  const response = await fetch(`${SANDBOX_URL}/sandbox/requests`);
  if (!response.ok) throw new Error(`GET /sandbox/requests: HTTP ${response.status}`);
  return (await response.json()).filter((request) => JSON.stringify(request).includes(text));
}

/** The options of a call to the sandbox, apart from `token` or `email`. */
export async function clientOptions() {
  return { tenant: TENANT, anonymousToken: await anonymousToken(), baseUrl: SANDBOX_URL };
}

/** The config of an `OptInClient` that logs in with the sandbox's client id. */
export async function clientConfig() {
  const response = await fetch(`${SANDBOX_URL}/sandbox/info`);
  if (!response.ok) throw new Error(`GET /sandbox/info: HTTP ${response.status}`);
  const { clientId } = await response.json();
  return { tenant: TENANT, clientId, baseUrl: SANDBOX_URL };
}
