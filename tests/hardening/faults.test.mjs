// The fault matrix: every failure the sandbox injects, against every way of
// calling the packaged library, all in one page and so in one wasm instance.
// Each case must end in its documented outcome (an OptInError with the right
// code, status, fields and a message worth showing a developer) without
// console noise, and the next call in the same instance must still succeed:
// a panic would abort the instance and fail every call after it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  API_URL,
  CLOSED_URL,
  Secrets,
  TENANT,
  anonymousToken,
  assertQuiet,
  launchBrowser,
  loggedRequests,
  openLab,
  registerToken,
  unique,
} from "./harness.mjs";

const RESOLVES = "resolves";
const text = (value) => typeof value === "string" && value.length > 0;
const escape = (value) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// `both` applies to confirming and resending; otherwise `confirm` and `resend`.
const FAULTS = [
  {
    name: "500 with an HTML body",
    tenant: "f500html",
    both: { code: "server_error", status: 500, message: /server error \(HTTP 500\)/ },
  },
  {
    name: "502 with an empty body",
    tenant: "f502empty",
    both: { code: "server_error", status: 502, message: /HTTP 502/ },
  },
  {
    name: "503 with Retry-After",
    tenant: "f503retry",
    both: { code: "server_error", status: 503, fields: { retryAfter: 7 }, message: /in 7 seconds/ },
  },
  {
    name: "2xx with invalid JSON",
    tenant: "f200badjson",
    confirm: { code: "invalid_response", status: 200, message: /not valid JSON/ },
    resend: RESOLVES,
  },
  {
    name: "200 without access_token",
    tenant: "f200noaccess",
    confirm: { code: "invalid_response", status: 200, message: /no `access_token`/ },
    resend: RESOLVES,
  },
  {
    name: "200 with wrong types in every field",
    tenant: "f200types",
    confirm: { code: "invalid_response", status: 200, message: /no `access_token`/ },
    resend: RESOLVES,
  },
  {
    name: "Content-Type: text/html on a 200",
    tenant: "f200html",
    confirm: { code: "invalid_response", status: 200, message: /not valid JSON/ },
    resend: RESOLVES,
  },
  {
    name: "an answer slower than timeoutMs",
    tenant: "fslow",
    timeoutMs: 300,
    both: { code: "timeout", absent: ["status"], message: /within 300 ms/ },
  },
  {
    name: "connection reset mid-body",
    tenant: "freset",
    both: { code: "network", absent: ["status"], message: new RegExp(escape(API_URL)) },
  },
  {
    name: "server not listening",
    baseUrl: CLOSED_URL,
    both: { code: "network", absent: ["status"], message: new RegExp(escape(CLOSED_URL)) },
  },
  {
    name: "CORS refused",
    tenant: "fcors",
    both: { code: "network", absent: ["status"], message: /CORS/ },
  },
  {
    name: "401 with the gateway's fault body",
    tenant: "f401fault",
    both: {
      code: "unauthorized",
      status: 401,
      fields: { faultstring: text, errorcode: text },
      message: /anonymous access token/,
    },
  },
  {
    name: "401 with a non-JSON body",
    tenant: "f401text",
    both: { code: "unauthorized", status: 401, absent: ["faultstring", "errorcode"] },
  },
  {
    // An unknown token; an address the sandbox refuses (no dot in the domain).
    name: "400 ErrorMessage with details",
    token: "unknown",
    email: "dotless@localhost",
    confirm: {
      code: "bad_request",
      status: 400,
      fields: { type: "token_not_found", details: (d) => d?.[0]?.field === "token" },
      message: /invalid, already used or expired/,
    },
    resend: {
      code: "bad_request",
      status: 400,
      fields: { type: text, details: (d) => d?.[0]?.field === "email" },
      message: /Check the email address/,
    },
  },
  {
    name: "400 ErrorMessage without details",
    tenant: "f400nodetails",
    both: { code: "bad_request", status: 400, fields: { type: text }, absent: ["details"] },
  },
  {
    name: "429 without Retry-After",
    tenant: "f429",
    both: { code: "rate_limited", status: 429, absent: ["retryAfter"], message: /Try again later/ },
  },
  {
    name: "429 with Retry-After in seconds",
    tenant: "f429secs",
    both: { code: "rate_limited", status: 429, fields: { retryAfter: 30 }, message: /in 30 seconds/ },
  },
  {
    name: "429 with Retry-After as an HTTP date",
    tenant: "f429date",
    both: { code: "rate_limited", status: 429, fields: { retryAfter: (s) => s >= 115 && s <= 121 } },
  },
  {
    name: "a redirect to another origin",
    tenant: "fredirect",
    both: { code: "network", absent: ["status"] },
  },
  {
    name: "418, a status the API does not document",
    tenant: "f418",
    both: { code: "unexpected_status", status: 418, fields: { body: text }, message: /418/ },
  },
];

function assertOutcome(outcome, expected) {
  if (expected === RESOLVES) {
    assert.ok(outcome.ok && outcome.value === undefined, JSON.stringify(outcome));
    return;
  }
  assert.equal(outcome.ok, false, "rejects");
  const error = outcome.error;
  assert.ok(error.isError && error.isOptInError, `an OptInError, not ${error.name}: ${error.message}`);
  assert.equal(error.name, "OptInError");
  assert.equal(error.code, expected.code, error.message);
  if (expected.status !== undefined) assert.equal(error.status, expected.status);
  for (const [key, want] of Object.entries(expected.fields ?? {})) {
    if (typeof want === "function") assert.ok(want(error[key]), `${key}: ${JSON.stringify(error[key])}`);
    else assert.deepEqual(error[key], want, key);
  }
  for (const key of expected.absent ?? []) assert.ok(!(key in error), `no ${key}`);
  // A sentence that says what happened and what to do, not a debug dump.
  assert.match(error.message, /^[A-Z].{30,}\.$/s);
  assert.doesNotMatch(error.message, /undefined|null|\[object|RuntimeError|unreachable/);
  if (expected.message) assert.match(error.message, expected.message);
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

/** The options of a case for `caller`, with a fresh token and email. */
function options(caller, fault) {
  const options = {
    tenant: fault.tenant ?? TENANT,
    anonymousToken: anonymous,
    baseUrl: fault.baseUrl ?? API_URL,
    timeoutMs: fault.timeoutMs,
  };
  if (caller.endsWith("confirmOptIn")) {
    options.token = secrets.add("opt-in token", unique(fault.token ?? "fault-token"));
  } else {
    const [local, domain] = (fault.email ?? "fault@example.com").split("@");
    options.email = secrets.add("email", `${unique(local)}@${domain}`);
  }
  return options;
}

/** A call that must succeed, through the same caller, in the same instance. */
async function assertStillWorks(caller) {
  const shared = { tenant: TENANT, anonymousToken: anonymous, baseUrl: API_URL };
  if (caller.endsWith("confirmOptIn")) {
    const token = secrets.add("opt-in token", unique("next-token"));
    await registerToken(token);
    const outcome = await lab.call(caller, { ...shared, token });
    secrets.collect(outcome);
    assert.ok(outcome.ok && text(outcome.value.access_token), JSON.stringify(outcome));
  } else {
    const email = secrets.add("email", `${unique("next")}@example.com`);
    const outcome = await lab.call(caller, { ...shared, email });
    secrets.collect(outcome);
    assert.ok(outcome.ok && outcome.value === undefined, JSON.stringify(outcome));
  }
}

const CALLERS = [
  "confirmOptIn",
  "resendActivation",
  "OptInClient#confirmOptIn",
  "OptInClient#resendActivation",
];

for (const caller of CALLERS) {
  test(caller, async (t) => {
    if (!lab.callers.includes(caller)) {
      t.skip("the package does not export OptInClient");
      return;
    }
    for (const fault of FAULTS) {
      await t.test(fault.name, async () => {
        const expected = fault.both ?? (caller.endsWith("confirmOptIn") ? fault.confirm : fault.resend);
        const mark = observer.mark();
        const sent = options(caller, fault);
        const outcome = await lab.call(caller, sent);
        secrets.collect(outcome);
        assertOutcome(outcome, expected);
        await assertStillWorks(caller);
        const reports = observer.since(mark);
        assertQuiet(reports);
        if (fault.tenant === "fredirect") {
          // The bearer token goes to the configured origin only: the redirect is not followed.
          assert.ok(reports.requests.every((request) => !request.url.includes("/sandbox/echo")));
          const echoed = (await loggedRequests()).filter((request) => {
            const seen = `${request.path} ${request.body} ${request.authorization}`;
            const used = [sent.token, sent.email, anonymous].filter(Boolean);
            return request.path.startsWith("/sandbox/echo") && used.some((secret) => seen.includes(secret));
          });
          assert.deepEqual(echoed, [], "the redirect target received the request");
        }
      });
    }
  });
}

test("no token, anonymous token or email in any error, console output or uncaught error", () => {
  secrets.assertNoneIn(observer);
});
