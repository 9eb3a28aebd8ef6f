// emporix-optin/inline in Node: the same API, with the wasm inside the
// JavaScript, so it needs no file of its own (runtimes whose fetch cannot read
// package files, bundled server code).
import assert from "node:assert/strict";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import * as main from "emporix-optin";
import * as inline from "emporix-optin/inline";
import { clientConfig, clientOptions, pendingCustomer } from "../support/sandbox.mjs";

test("exports exactly what the main entry exports, as a module instance of its own", () => {
  assert.deepEqual(Object.keys(inline).sort(), Object.keys(main).sort());
  assert.notEqual(inline.confirmOptIn, main.confirmOptIn);
  assert.notEqual(inline.OptInClient, main.OptInClient);
});

test("confirmOptIn, resendActivation and OptInClient work; errors are OptInErrors for both entries", async () => {
  const options = await clientOptions();
  const { token, email } = await pendingCustomer();
  assert.equal(typeof (await inline.confirmOptIn({ ...options, token })).access_token, "string");
  const error = await inline.confirmOptIn({ ...options, token }).then(() => assert.fail("resolved"), (e) => e);
  assert.ok(error instanceof Error);
  assert.equal(error.code, "bad_request");
  assert.ok(inline.isOptInError(error) && main.isOptInError(error), "recognised by either entry");
  assert.equal(await inline.resendActivation({ ...options, email }), undefined);

  const client = new inline.OptInClient(await clientConfig());
  const other = await pendingCustomer();
  assert.equal(typeof (await client.confirmOptIn(other.token)).access_token, "string");
});

test("needs no file but its modules: a copy with only inline/ works", async () => {
  const scratch = await mkdtemp(join(tmpdir(), "emporix-optin-inline-"));
  try {
    await cp(new URL("./node_modules/emporix-optin/inline", import.meta.url), join(scratch, "inline"), {
      recursive: true,
    });
    const alone = await import(pathToFileURL(join(scratch, "inline/index.js")));
    const { token } = await pendingCustomer();
    assert.equal(typeof (await alone.confirmOptIn({ ...(await clientOptions()), token })).access_token, "string");
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});
