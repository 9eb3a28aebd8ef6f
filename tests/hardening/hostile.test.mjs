// The hostile-input table (hostile-cases.json) in Chromium against the
// packaged library: each case is rejected as `invalid_input` with the
// offending `field` and sends nothing (neither the page nor the sandbox sees a
// request), or sends exactly the expected URL, correctly encoded, with the
// expected outcome. Link-helper cases check what the helpers return and leave
// in the address bar. Native half: main.rs, next to this file.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";

import {
  API_URL,
  LAB_ORIGIN,
  PORT,
  Secrets,
  anonymousToken,
  assertQuiet,
  launchBrowser,
  loggedRequests,
  openLab,
  registerToken,
} from "./harness.mjs";

const TABLE = JSON.parse(readFileSync(new URL("./hostile-cases.json", import.meta.url), "utf8"));

/** A table value as JavaScript passes it, placeholders filled in. */
function materialize(value, fill) {
  if (typeof value === "string") return fill(value);
  if (Array.isArray(value)) return value.map((item) => materialize(item, fill));
  if (value === null || typeof value !== "object") return value;
  if ("$repeat" in value) return fill(value.prefix ?? "") + value.$repeat.repeat(value.times);
  if ("$number" in value) return Number(value.$number);
  if ("$undefined" in value) return undefined;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, materialize(v, fill)]));
}

let browser;
let lab;
let observer;
let anonymous;
const secrets = new Secrets();

before(async () => {
  browser = await launchBrowser();
  ({ lab, observer } = await openLab(browser));
  anonymous = secrets.add("anonymous token", await anonymousToken());
});
after(async () => {
  await browser?.close();
});

test("the table has at least 30 cases across every option and the link helpers", () => {
  const fields = new Set(TABLE.cases.map((c) => c.field));
  for (const field of ["tenant", "token", "email", "baseUrl", "timeoutMs", "options", "link"]) {
    assert.ok(fields.has(field), field);
  }
  assert.ok(TABLE.cases.length >= 30, `${TABLE.cases.length} cases`);
});

for (const hostile of TABLE.cases) {
  test(`${hostile.field}: ${hostile.name}`, async () => {
    const marker = `u${randomBytes(6).toString("hex")}`;
    const fill = (text) =>
      text
        .replaceAll("{u}", marker)
        .replaceAll("{U}", marker.toUpperCase())
        .replaceAll("{base}", API_URL)
        .replaceAll("{port}", PORT)
        .replaceAll("{anon}", anonymous)
        .replaceAll("{lab}", LAB_ORIGIN);
    const expect = materialize(hostile.expect, fill);
    const mark = observer.mark();

    if (hostile.call === "readOptInToken") {
      const outcome = await lab.readToken(fill(hostile.url));
      assert.deepEqual(outcome, { ok: true, value: expect.returns });
    } else if (hostile.call === "consumeOptInToken") {
      const outcome = await lab.consumeToken(fill(hostile.url));
      assert.deepEqual(outcome, { ok: true, value: expect.returns, url: expect.url, historyGrew: false });
    } else {
      const options =
        "options" in hostile
          ? materialize(hostile.options, fill)
          : { ...materialize(TABLE.defaults, fill), ...materialize(hostile.set, fill) };
      for (const key of ["token", "email"]) {
        if (typeof options?.[key] === "string" && options[key].includes(marker)) {
          secrets.add(key === "token" ? "opt-in token" : "email", options[key]);
        }
      }
      if (expect.result === "ok" && hostile.call === "confirmOptIn") await registerToken(options.token);
      const logged = (await loggedRequests()).length;

      const outcome = await lab.call(hostile.call, options);
      secrets.collect(outcome);
      const sent = observer.since(mark).requests.filter((request) => request.method !== "OPTIONS");
      const received = (await loggedRequests()).slice(logged);

      if (expect.invalid) {
        assert.equal(outcome.ok, false, "rejects");
        assert.ok(outcome.error.isOptInError, outcome.error.message);
        assert.equal(outcome.error.code, "invalid_input", outcome.error.message);
        assert.equal(outcome.error.field, expect.invalid, outcome.error.message);
        assert.match(outcome.error.message, new RegExp(`^Invalid option \`${expect.invalid}\`: .+\\.$`, "s"));
        assert.deepEqual(sent, [], "the page sent nothing");
        assert.deepEqual(received, [], "the sandbox received nothing");
      } else {
        assert.deepEqual(
          sent.map((request) => request.url),
          [expect.sent],
          "exactly one request, to the expected URL",
        );
        // Requests that reach the sandbox (not the proxy prefix nor [::1], where nothing listens).
        const target = new URL(expect.sent);
        const sandboxHost = ["127.0.0.1", "localhost"].includes(target.hostname);
        if (sandboxHost && target.port === PORT && target.pathname.startsWith("/customer")) {
          assert.equal(received.length, 1, "the sandbox received it");
          assert.equal(received[0].path, target.pathname);
          assert.equal(received[0].authorization, `Bearer ${anonymous}`);
        }
        if (hostile.call === "resendActivation") {
          assert.deepEqual(JSON.parse(sent[0].body), { email: options.email }, "the email as given");
        }
        if (expect.result === "ok") assert.equal(outcome.ok, true, JSON.stringify(outcome.error));
        else assert.equal(outcome.error?.code, expect.result, outcome.error?.message);
      }
    }
    assertQuiet(observer.since(mark));
  });
}

test("no token, anonymous token or email in any error, console output or uncaught error", () => {
  secrets.assertNoneIn(observer);
});
