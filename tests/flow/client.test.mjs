// ActivationFlow with a real OptInClient (the package's Node entry, pkg/)
// against the sandbox: the answers Emporix gives, and the faults it can have,
// land in the states the unit tests (flow.test.mjs) assume.
import assert from "node:assert/strict";
import { test } from "node:test";
import { OptInClient } from "../../pkg/node.js";
import { ActivationFlow } from "../../pkg/flow.js";
import { TENANT, confirmRequests, registerOptIn, resendRequests, unique } from "./sandbox.mjs";

const { SANDBOX_URL, CLOSED_URL } = process.env;

const clientFor = (tenant = TENANT, baseUrl = SANDBOX_URL) =>
  new OptInClient({ tenant, clientId: "sandbox-client", baseUrl, timeoutMs: 5000 });

async function started(options) {
  const flow = new ActivationFlow({ client: clientFor(), ...options });
  await flow.start();
  return flow;
}

test("a fresh link: ready, then activated with the customer's tokens; the same link again: link-used", async () => {
  const token = unique("flow");
  await registerOptIn({ token });
  const flow = await started({ token });
  assert.equal(flow.state.status, "ready");
  await flow.confirm();
  assert.equal(flow.state.status, "activated");
  assert.ok(flow.state.session.access_token);
  assert.equal((await confirmRequests(token)).length, 1);

  const again = await started({ token, confirm: "auto" });
  assert.equal(again.state.status, "link-used");
  assert.equal(again.state.error.code, "bad_request");
});

test("an expired link: link-expired; resend sends one request and says sent", async () => {
  const email = `${unique("flow")}@example.com`;
  const token = unique("flow-expired");
  await registerOptIn({ token, email, ttlSecs: 0 });
  const flow = await started({ token, confirm: "auto" });
  assert.equal(flow.state.status, "link-expired");
  const before = (await resendRequests()).length;
  await flow.resend(email);
  assert.deepEqual(flow.state.resendForm, { status: "sent", email });
  assert.equal((await resendRequests()).length, before + 1);
});

test("an unknown token: link-invalid (not-found); a malformed one: link-invalid (malformed), nothing sent", async () => {
  const unknown = await started({ token: unique("never-registered"), confirm: "auto" });
  assert.deepEqual([unknown.state.status, unknown.state.reason], ["link-invalid", "not-found"]);
  const malformed = await started({ token: "..", confirm: "auto" });
  assert.deepEqual([malformed.state.status, malformed.state.reason], ["link-invalid", "malformed"]);
});

test("Emporix's 429 with Retry-After: rate-limited with a 30 s countdown", async () => {
  const flow = new ActivationFlow({ client: clientFor("f429secs"), token: unique("limited"), confirm: "auto" });
  await flow.start();
  assert.equal(flow.state.status, "rate-limited");
  assert.equal(flow.state.cooldown.action, "confirm");
  assert.equal(flow.state.cooldown.secondsLeft, 30);
  assert.equal(flow.state.canConfirm, false);
});

test("a 503 with Retry-After: trouble (server) with a countdown; a closed port: trouble (network)", async () => {
  const server = new ActivationFlow({ client: clientFor("f503retry"), token: unique("busy"), confirm: "auto" });
  await server.start();
  assert.deepEqual([server.state.status, server.state.reason], ["trouble", "server"]);
  assert.equal(server.state.cooldown.secondsLeft, 7);

  const offline = new ActivationFlow({ client: clientFor(TENANT, CLOSED_URL), token: unique("offline"), confirm: "auto" });
  await offline.start();
  assert.deepEqual([offline.state.status, offline.state.reason], ["trouble", "network"]);
  assert.equal(offline.state.canConfirm, true);
});

test("a client id Emporix refuses: setup-error, and the token is unspent", async () => {
  const token = unique("refused");
  await registerOptIn({ token });
  const client = new OptInClient({ tenant: TENANT, clientId: "unknown-client", baseUrl: SANDBOX_URL });
  const flow = new ActivationFlow({ client, token, confirm: "auto" });
  await flow.start();
  assert.equal(flow.state.status, "setup-error");
  assert.equal(flow.state.error.code, "unauthorized");
  assert.equal((await confirmRequests(token)).length, 0);
});
