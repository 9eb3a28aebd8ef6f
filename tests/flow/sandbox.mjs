// The sandbox's own endpoints, for the flow suites that run against it.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";

const { SANDBOX_URL } = process.env;
assert.ok(SANDBOX_URL, "run these tests with scripts/test-flow.sh");

export const TENANT = "demoshop";

export function unique(prefix) {
  return `${prefix}-${randomUUID().slice(0, 12)}`;
}

async function sandbox(path, init) {
  const response = await fetch(`${SANDBOX_URL}${path}`, init);
  assert.ok(response.ok, `${path}: HTTP ${response.status}`);
  return response.status === 204 ? undefined : response.json();
}

/** A pending customer whose opt-in token is `token`; returns the activation link. */
export async function registerOptIn({ token, email = `${unique("shopper")}@example.com`, ttlSecs }) {
  const registered = await sandbox("/sandbox/optin-tokens", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ tenant: TENANT, email, token, ttlSecs }),
  });
  return registered.link;
}

/** The requests that confirm `token`. */
export async function confirmRequests(token) {
  const path = `/customer/${TENANT}/signup/optin/${encodeURIComponent(token)}`;
  return (await sandbox("/sandbox/requests")).filter((request) => request.method === "GET" && request.path === path);
}

/** The resend requests (any address). */
export async function resendRequests() {
  const path = `/customer/${TENANT}/signup/optin/refresh_token`;
  return (await sandbox("/sandbox/requests")).filter((request) => request.method === "POST" && request.path === path);
}

/** Resolves once `condition()` is truthy; fails after `timeoutMs`. */
export async function waitUntil(condition, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
