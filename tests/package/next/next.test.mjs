// The installed package in a Next.js 16 App Router app without config, built
// with `next build` (Turbopack) and served by `next start`: a client component
// in the browser, and a Route Handler that confirms on the server through the
// package's `node` entry (whose side effect, reading the wasm from disk, the
// server bundle must keep).
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { browserConsumerSuite } from "../support/browser-suite.mjs";
import { buildWith, freePort, projectRoot, startServer } from "../support/build.mjs";
import { enginesUnderTest, useBrowser } from "../support/pages.mjs";
import { clientConfig, pendingCustomer, requestsMentioning, SANDBOX_URL, unique } from "../support/sandbox.mjs";

const root = projectRoot(import.meta.url);
const env = { NEXT_TELEMETRY_DISABLED: "1" };
let server;
let url;
before(async () => {
  await buildWith("next", ["build"], root, { env });
  const port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  const { clientId } = await clientConfig();
  server = await startServer("next", ["start", "--hostname", "127.0.0.1", "--port", String(port)], root, url, {
    env: { ...env, SANDBOX_URL, SANDBOX_CLIENT_ID: clientId },
  });
});
after(() => server?.close());

test("the build emits the package's wasm for the browser", async () => {
  const media = await readdir(`${root}/.next/static/media`);
  assert.equal(media.filter((name) => /^emporix_optin_bg\..+\.wasm$/.test(name)).length, 1, String(media));
});

test("a Route Handler confirms on the server with OptInClient; a second use is bad_request", async () => {
  const { token } = await pendingCustomer(unique("next")); // sent as it is, so the log shows it
  const confirm = () =>
    fetch(`${url}api/confirm`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token }),
    });
  const first = await confirm();
  assert.equal(first.status, 200, await first.clone().text());
  assert.deepEqual(await first.json(), { tokenType: "Bearer", hasAccessToken: true });
  const [request] = await requestsMentioning(token);
  assert.match(request.authorization, /^Bearer ./, "the server logged in with the client id");

  const second = await confirm();
  assert.equal(second.status, 409, await second.clone().text());
  assert.deepEqual(await second.json(), { code: "bad_request", status: 400 });
});

for (const engine of enginesUnderTest()) {
  describe(engine, () => {
    const browser = useBrowser(engine);
    browserConsumerSuite(() => ({ browser: browser(), url }));
  });
}
