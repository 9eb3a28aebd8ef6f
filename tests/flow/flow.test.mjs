// The activation flow (pkg-template/flow.js) without a browser or a server: a
// scripted client and a fake clock drive every state and transition.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { ActivationFlow, safeReturnUrl, takeOptInToken } from "../../pkg-template/flow.js";
import { FakeClient, FakeClock, SESSION, optInError } from "./fakes.mjs";

const PAGE = "https://shop.example.com/activate";

function flowWith({ client = new FakeClient(), token = "tok-1", ...options } = {}) {
  const clock = new FakeClock();
  const flow = new ActivationFlow({ client, token, clock, baseUrl: PAGE, ...options });
  const seen = [];
  const stop = flow.subscribe((state) => seen.push(state));
  return { flow, client, clock, seen, stop, statuses: () => seen.map((state) => state.status) };
}

describe("start", () => {
  test("without a token: no-token, with the resend form and no button", async () => {
    const { flow, statuses } = flowWith({ token: null });
    assert.equal(flow.state.status, "checking");
    await flow.start();
    assert.deepEqual(statuses(), ["no-token"]);
    assert.equal(flow.state.canConfirm, false);
    assert.equal(flow.state.canResend, true);
    assert.equal(flow.state.resendForm.status, "idle");
  });

  test("an empty token counts as none", async () => {
    const { flow } = flowWith({ token: "" });
    await flow.start();
    assert.equal(flow.state.status, "no-token");
  });

  test("with a token and confirm: click (the default), it waits for the shopper", async () => {
    const { flow, client } = flowWith();
    await flow.start();
    assert.equal(flow.state.status, "ready");
    assert.equal(flow.state.canConfirm, true);
    assert.equal(flow.state.canResend, false);
    assert.equal(client.calls.length, 0, "opening the link spends nothing");
  });

  test("confirm: auto confirms at once, and start() runs once however often it is called", async () => {
    const client = new FakeClient().answer("confirmOptIn", SESSION);
    const { flow, statuses } = flowWith({ client, confirm: "auto" });
    await Promise.all([flow.start(), flow.start()]);
    await flow.start();
    assert.deepEqual(statuses(), ["ready", "confirming", "activated"]);
    assert.equal(client.count("confirmOptIn"), 1);
  });

  test("the check runs before the button is offered; an OptInError from it is a setup error", async () => {
    let checked = 0;
    const { flow, statuses, client } = flowWith({
      confirm: "auto",
      check: async () => {
        checked += 1;
        throw optInError("invalid_input", { field: "tenant" });
      },
    });
    await flow.start();
    assert.equal(checked, 1);
    assert.deepEqual(statuses(), ["setup-error"]);
    assert.equal(flow.state.error.field, "tenant");
    assert.equal(flow.state.canConfirm, false);
    assert.equal(client.calls.length, 0);
  });

  test("a check that cannot run (the wasm did not load) is trouble the shopper can retry", async () => {
    const client = new FakeClient().answer("confirmOptIn", SESSION);
    const { flow } = flowWith({ client, check: () => Promise.reject(new TypeError("Failed to fetch")) });
    await flow.start();
    assert.equal(flow.state.status, "trouble");
    assert.equal(flow.state.reason, "unknown");
    assert.equal(flow.state.canConfirm, true);
    await flow.confirm();
    assert.equal(flow.state.status, "activated");
  });

  for (const [name, options, field] of [
    ["no client", { client: undefined }, "client"],
    ["a client without methods", { client: {} }, "client"],
    ["confirm: 'later'", { confirm: "later" }, "confirm"],
    ["a returnUrl setting that is not http(s)", { returnUrl: "javascript:alert(1)" }, "returnUrl"],
  ]) {
    test(`${name} is a setup error, not an exception`, async () => {
      const flow = new ActivationFlow({ client: new FakeClient(), token: "t", baseUrl: PAGE, ...options });
      await flow.start();
      assert.equal(flow.state.status, "setup-error");
      assert.equal(flow.state.error.name, "OptInError");
      assert.equal(flow.state.error.code, "invalid_input");
      assert.equal(flow.state.error.field, field);
      assert.doesNotMatch(flow.state.error.message, /\bt\b.*token/);
    });
  }
});

describe("confirm", () => {
  test("ready → confirming → activated, with the session in the state", async () => {
    const client = new FakeClient().answer("confirmOptIn", SESSION);
    const { flow, statuses } = flowWith({ client });
    await flow.start();
    const confirming = flow.confirm();
    assert.equal(flow.state.status, "confirming");
    assert.equal(flow.state.canConfirm, false);
    const final = await confirming;
    assert.deepEqual(statuses(), ["ready", "confirming", "activated"]);
    assert.equal(final, flow.state);
    assert.deepEqual(flow.state.session, SESSION);
    assert.equal(client.calls[0].argument, "tok-1");
    assert.ok(Object.isFrozen(flow.state));
  });

  test("a double click sends one request, and nothing after activation", async () => {
    const client = new FakeClient().answer("confirmOptIn", SESSION);
    const { flow } = flowWith({ client });
    await flow.start();
    await Promise.all([flow.confirm(), flow.confirm(), flow.confirm()]);
    await flow.confirm();
    assert.equal(client.count("confirmOptIn"), 1);
  });

  test("confirm before start() does nothing", async () => {
    const { flow, client } = flowWith();
    await flow.confirm();
    assert.equal(client.calls.length, 0);
    assert.equal(flow.state.status, "checking");
  });

  for (const [type, status, reason] of [
    ["token_already_used", "link-used", undefined],
    ["token_expired", "link-expired", undefined],
    ["token_invalidated", "link-invalid", "replaced"],
    ["token_not_found", "link-invalid", "not-found"],
    ["something_new", "link-invalid", "unknown"],
    [undefined, "link-invalid", "unknown"],
  ]) {
    test(`bad_request ${type ?? "without a type"} → ${status}${reason ? ` (${reason})` : ""}, token dropped`, async () => {
      const client = new FakeClient().answer("confirmOptIn", optInError("bad_request", { type }));
      const { flow } = flowWith({ client });
      await flow.start();
      await flow.confirm();
      assert.equal(flow.state.status, status);
      assert.equal(flow.state.reason, reason);
      assert.equal(flow.state.error.code, "bad_request");
      assert.equal(flow.state.canConfirm, false);
      assert.equal(flow.state.canResend, true);
      await flow.confirm();
      assert.equal(client.count("confirmOptIn"), 1, "a spent token is not sent again");
    });
  }

  test("a malformed token is an invalid link; any other invalid_input is a setup error", async () => {
    const malformed = flowWith({
      client: new FakeClient().answer("confirmOptIn", optInError("invalid_input", { field: "token" })),
    });
    await malformed.flow.start();
    await malformed.flow.confirm();
    assert.equal(malformed.flow.state.status, "link-invalid");
    assert.equal(malformed.flow.state.reason, "malformed");

    const setup = flowWith({
      client: new FakeClient().answer("confirmOptIn", optInError("invalid_input", { field: "baseUrl" })),
    });
    await setup.flow.start();
    await setup.flow.confirm();
    assert.equal(setup.flow.state.status, "setup-error");
    assert.equal(setup.flow.state.canResend, false);
  });

  test("unauthorized is a setup error and leaves the token unspent", async () => {
    const client = new FakeClient().answer("confirmOptIn", optInError("unauthorized"));
    const { flow } = flowWith({ client });
    await flow.start();
    await flow.confirm();
    assert.equal(flow.state.status, "setup-error");
    assert.equal(flow.state.canConfirm, false);
  });

  for (const code of ["network", "timeout"]) {
    test(`${code} → trouble (${code}); Try again confirms`, async () => {
      const client = new FakeClient().answer("confirmOptIn", optInError(code), SESSION);
      const { flow, statuses } = flowWith({ client });
      await flow.start();
      await flow.confirm();
      assert.equal(flow.state.status, "trouble");
      assert.equal(flow.state.reason, code);
      assert.equal(flow.state.cooldown, null);
      assert.equal(flow.state.canConfirm, true);
      await flow.confirm();
      assert.deepEqual(statuses(), ["ready", "confirming", "trouble", "confirming", "activated"]);
      assert.equal(flow.state.reason, undefined, "the trouble's details are gone");
      assert.equal(flow.state.error, undefined);
    });
  }

  test("anything else (unexpected_status, a TypeError) is trouble of unknown kind", async () => {
    const client = new FakeClient().answer(
      "confirmOptIn",
      optInError("unexpected_status", { status: 404 }),
      new TypeError("WebAssembly.instantiate(): failed"),
    );
    const { flow } = flowWith({ client });
    await flow.start();
    await flow.confirm();
    assert.equal(flow.state.reason, "unknown");
    await flow.confirm();
    assert.equal(flow.state.status, "trouble");
    assert.ok(flow.state.error instanceof TypeError);
  });

  test("rate_limited counts down from Retry-After, second by second, then allows a retry", async () => {
    const client = new FakeClient().answer("confirmOptIn", optInError("rate_limited", { retryAfter: 3 }), SESSION);
    const { flow, clock } = flowWith({ client });
    await flow.start();
    await flow.confirm();
    assert.equal(flow.state.status, "rate-limited");
    assert.deepEqual(
      { ...flow.state.cooldown, until: undefined },
      { action: "confirm", secondsLeft: 3, until: undefined },
    );
    assert.equal(flow.state.canConfirm, false);
    await flow.confirm();
    assert.equal(client.count("confirmOptIn"), 1, "no request during the countdown");

    const left = [];
    for (let i = 0; i < 4; i += 1) {
      clock.advance(1000);
      left.push(flow.state.cooldown?.secondsLeft ?? 0);
    }
    assert.deepEqual(left, [2, 1, 0, 0]);
    assert.equal(flow.state.cooldown, null);
    assert.equal(flow.state.canConfirm, true);
    assert.equal(clock.pending, 0, "no timer left");
    await flow.confirm();
    assert.equal(flow.state.status, "activated");
  });

  test("rate_limited without Retry-After waits 30 s", async () => {
    const client = new FakeClient().answer("confirmOptIn", optInError("rate_limited"));
    const { flow } = flowWith({ client });
    await flow.start();
    await flow.confirm();
    assert.equal(flow.state.cooldown.secondsLeft, 30);
  });

  test("server_error waits Retry-After when given, else allows a retry at once", async () => {
    const client = new FakeClient().answer(
      "confirmOptIn",
      optInError("server_error", { retryAfter: 7 }),
      optInError("server_error"),
    );
    const { flow, clock } = flowWith({ client });
    await flow.start();
    await flow.confirm();
    assert.equal(flow.state.reason, "server");
    assert.equal(flow.state.cooldown.secondsLeft, 7);
    clock.advance(7000);
    await flow.confirm();
    assert.equal(flow.state.cooldown, null);
    assert.equal(flow.state.canConfirm, true);
  });
});

describe("resend", () => {
  async function linkUsed(...answers) {
    const client = new FakeClient()
      .answer("confirmOptIn", optInError("bad_request", { type: "token_already_used" }))
      .answer("resendActivation", ...answers);
    const setup = flowWith({ client });
    await setup.flow.start();
    await setup.flow.confirm();
    return setup;
  }

  test("sending → sent, with the address trimmed; the page's status stays", async () => {
    const { flow, client } = await linkUsed(undefined);
    const sending = flow.resend("  shopper@example.com ");
    assert.deepEqual(flow.state.resendForm, { status: "sending", email: "shopper@example.com" });
    assert.equal(flow.state.canResend, false);
    await sending;
    assert.deepEqual(flow.state.resendForm, { status: "sent", email: "shopper@example.com" });
    assert.equal(flow.state.status, "link-used");
    assert.equal(client.calls.at(-1).argument, "shopper@example.com");
  });

  test("an empty address is refused without a request", async () => {
    const { flow, client } = await linkUsed();
    await flow.resend("   ");
    assert.equal(flow.state.resendForm.status, "invalid-email");
    await flow.resend(undefined);
    assert.equal(client.count("resendActivation"), 0);
  });

  test("invalid_input for the email and bad_request are invalid-email; unauthorized is a setup error", async () => {
    const { flow } = await linkUsed(
      optInError("invalid_input", { field: "email" }),
      optInError("bad_request"),
      optInError("unauthorized"),
    );
    await flow.resend("a@b");
    assert.equal(flow.state.resendForm.status, "invalid-email");
    await flow.resend("a@b.example");
    assert.equal(flow.state.resendForm.status, "invalid-email");
    await flow.resend("a@b.example");
    assert.equal(flow.state.status, "setup-error");
    assert.equal(flow.state.resendForm.status, "idle");
  });

  test("rate_limited holds the form back for Retry-After seconds", async () => {
    const { flow, clock, client } = await linkUsed(optInError("rate_limited", { retryAfter: 2 }), undefined);
    await flow.resend("a@b.example");
    assert.equal(flow.state.resendForm.status, "rate-limited");
    assert.equal(flow.state.cooldown.action, "resend");
    assert.equal(flow.state.canResend, false);
    await flow.resend("a@b.example");
    assert.equal(client.count("resendActivation"), 1);
    clock.advance(2000);
    assert.equal(flow.state.canResend, true);
    await flow.resend("a@b.example");
    assert.equal(flow.state.resendForm.status, "sent");
  });

  test("network, timeout and other failures say so, and a retry is possible", async () => {
    const { flow } = await linkUsed(optInError("network"), optInError("timeout"), optInError("server_error"));
    await flow.resend("a@b.example");
    assert.deepEqual([flow.state.resendForm.status, flow.state.resendForm.reason], ["trouble", "network"]);
    await flow.resend("a@b.example");
    assert.deepEqual([flow.state.resendForm.status, flow.state.resendForm.reason], ["trouble", "timeout"]);
    await flow.resend("a@b.example");
    assert.equal(flow.state.resendForm.status, "failed");
  });

  test("a double submit sends one request; resend is not offered while the link may still work", async () => {
    let release;
    const { flow, client } = await linkUsed(new Promise((resolve) => (release = resolve)));
    const both = Promise.all([flow.resend("a@b.example"), flow.resend("a@b.example")]);
    release();
    await both;
    assert.equal(client.count("resendActivation"), 1);

    const ready = flowWith();
    await ready.flow.start();
    await ready.flow.resend("a@b.example");
    assert.equal(ready.client.count("resendActivation"), 0);
  });
});

describe("subscribe", () => {
  test("listeners get every state; unsubscribing stops them; a throwing listener does not stop others", async () => {
    const client = new FakeClient().answer("confirmOptIn", SESSION);
    const flow = new ActivationFlow({ client, token: "t" });
    const first = [];
    const second = [];
    const stop = flow.subscribe((state) => first.push(state.status));
    let thrown = false;
    flow.subscribe(() => {
      if (thrown) return;
      thrown = true;
      throw new Error("listener bug");
    });
    flow.subscribe((state) => second.push(state.status));
    const reported = [];
    const { reportError } = globalThis;
    globalThis.reportError = (error) => reported.push(error.message);
    try {
      await flow.start();
    } finally {
      globalThis.reportError = reportError;
    }
    assert.deepEqual(reported, ["listener bug"], "reported, not swallowed");
    stop();
    await flow.confirm();
    assert.deepEqual(first, ["ready"]);
    assert.deepEqual(second, ["ready", "confirming", "activated"]);
    assert.throws(() => flow.subscribe("not a function"), TypeError);
  });

  test("the countdown runs only while someone listens, and resumes where it should", async () => {
    const client = new FakeClient().answer("confirmOptIn", optInError("rate_limited", { retryAfter: 5 }));
    const { flow, clock, stop } = flowWith({ client });
    await flow.start();
    await flow.confirm();
    assert.equal(clock.pending, 1);
    stop();
    assert.equal(clock.pending, 0);
    clock.advance(3000);
    assert.equal(flow.state.cooldown.secondsLeft, 5, "no ticks without listeners");
    flow.subscribe(() => {});
    assert.equal(flow.state.cooldown.secondsLeft, 2);
    flow.dispose();
    assert.equal(clock.pending, 0);
  });

  test("getSnapshot returns the same object until something changes", async () => {
    const { flow } = flowWith();
    const before = flow.getSnapshot();
    assert.equal(flow.getSnapshot(), before);
    await flow.start();
    assert.notEqual(flow.getSnapshot(), before);
    assert.equal(flow.getSnapshot(), flow.state);
  });

  test("the token is never part of the state", async () => {
    const client = new FakeClient().answer("confirmOptIn", optInError("network"), SESSION);
    const { flow, seen } = flowWith({ client, token: "secret-opt-in-token" });
    await flow.start();
    await flow.confirm();
    await flow.confirm();
    for (const state of seen) assert.ok(!JSON.stringify(state).includes("secret-opt-in-token"));
  });
});

describe("the hand-off (returnUrl)", () => {
  const HOSTILE = [
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
    // What a browser's URL parser strips or turns into a slash.
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "http:evil.example",
    "https:/evil.example",
    "data:text/html,hi",
    "",
    "a".repeat(3000),
  ];

  for (const value of HOSTILE) {
    test(`a link's ${JSON.stringify(value.slice(0, 30))} is refused`, () => {
      assert.equal(safeReturnUrl(value, { from: "link", base: PAGE }), null);
    });
  }

  test("a link's same-origin path is honoured, resolved against the page", () => {
    assert.equal(safeReturnUrl("/account?welcome=1#top", { base: PAGE }), "https://shop.example.com/account?welcome=1#top");
    assert.equal(safeReturnUrl("/%2F%2Fevil.example", { base: PAGE }), "https://shop.example.com/%2F%2Fevil.example");
  });

  test("a link's relative or absolute same-origin URL is refused: only a path written as one", () => {
    assert.equal(safeReturnUrl("account", { base: PAGE }), null);
    assert.equal(safeReturnUrl("https://shop.example.com/account", { base: PAGE }), null);
  });

  test("the storefront's setting may be any http(s) URL, never another scheme or credentials", () => {
    const config = (value) => safeReturnUrl(value, { from: "config", base: PAGE });
    assert.equal(config("https://www.shop.example/account"), "https://www.shop.example/account");
    assert.equal(config("/account"), "https://shop.example.com/account");
    assert.equal(config("javascript:alert(1)"), null);
    assert.equal(config("data:text/html,hi"), null);
    assert.equal(config("https://user:pass@shop.example/"), null);
    assert.equal(config(" https://shop.example/"), null);
  });

  test("the state's returnUrl: the link's path when safe, else the setting; none without either", async () => {
    const safe = new ActivationFlow({ client: new FakeClient(), returnUrl: "https://www.shop.example/", linkReturnUrl: "/orders", baseUrl: PAGE });
    assert.equal(safe.state.returnUrl, "https://shop.example.com/orders");
    for (const hostile of HOSTILE) {
      const flow = new ActivationFlow({ client: new FakeClient(), returnUrl: "/account", linkReturnUrl: hostile, baseUrl: PAGE });
      assert.equal(flow.state.returnUrl, "https://shop.example.com/account", JSON.stringify(hostile));
      const without = new ActivationFlow({ client: new FakeClient(), linkReturnUrl: hostile, baseUrl: PAGE });
      assert.equal(without.state.returnUrl, undefined);
    }
  });
});

describe("takeOptInToken", () => {
  test("takes the token out of the address bar once, and remembers it for a second render", () => {
    const replaced = [];
    globalThis.location = { href: "https://shop.example.com/activate?token=abc%2B1&x=1#frag" };
    globalThis.history = {
      state: { router: 1 },
      replaceState(state, _title, url) {
        replaced.push([state, url]);
        globalThis.location = { href: url };
      },
    };
    try {
      assert.equal(takeOptInToken(), "abc+1");
      assert.equal(takeOptInToken(), "abc+1", "StrictMode's second render");
      assert.deepEqual(replaced, [[{ router: 1 }, "https://shop.example.com/activate?x=1#frag"]]);
      assert.equal(takeOptInToken("code"), null);
    } finally {
      delete globalThis.location;
      delete globalThis.history;
    }
  });
});
