// useOptInActivation (emporix-optin/react, as packaged in pkg/) in React 19
// StrictMode, rendered by react-dom into jsdom, with a real OptInClient (the
// package's Node entry) against the sandbox. The sandbox's request log is the
// judge of "one confirm request". Run by scripts/test-flow.sh.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { JSDOM } from "jsdom";
import { TENANT, confirmRequests, registerOptIn, resendRequests, unique, waitUntil } from "./sandbox.mjs";

const { SANDBOX_URL } = process.env;
const PAGE = "http://127.0.0.1:9/activate";

// A browser-like global scope for react-dom and takeOptInToken.
const dom = new JSDOM("<!doctype html><html><body></body></html>", { url: PAGE });
const GLOBALS = ["window", "document", "location", "history", "navigator", "HTMLElement", "Node"];
before(() => {
  for (const name of GLOBALS) {
    Object.defineProperty(globalThis, name, { value: dom.window[name], configurable: true, writable: true });
  }
});
after(async () => {
  // React finishes an unmount asynchronously: let it, then take the globals away.
  await new Promise((resolve) => setTimeout(resolve, 100));
  for (const name of GLOBALS) delete globalThis[name];
  dom.window.close();
});

const React = await import("react");
const { createRoot } = await import("react-dom/client");
const { OptInClient } = await import("../../pkg/node.js");
const { useOptInActivation } = await import("../../pkg/react.js");
const { StrictMode, createElement: h, useEffect } = React;

assert.match(React.version, /^19\./, "the tests run React 19");

const client = new OptInClient({ tenant: TENANT, clientId: "sandbox-client", baseUrl: SANDBOX_URL });

/**
 * Renders `<StrictMode><Activation/></StrictMode>` with `options`; returns the
 * latest hook result, the number of times the component's effect ran, and
 * the root.
 */
function render(options) {
  const probe = { latest: undefined, effects: 0, renders: 0 };
  function Activation() {
    const activation = useOptInActivation(options);
    probe.latest = activation;
    probe.renders += 1;
    useEffect(() => {
      probe.effects += 1;
    }, []);
    return h("p", { id: "status" }, activation.status);
  }
  const container = document.createElement("div");
  document.body.append(container);
  const root = createRoot(container);
  root.render(h(StrictMode, null, h(Activation)));
  probe.unmount = () => {
    root.unmount();
    container.remove();
  };
  probe.text = () => container.textContent;
  return probe;
}

/** Opens the activation link: its query lands in jsdom's address bar. */
function openLink(link) {
  dom.reconfigure({ url: `${PAGE}${new URL(link).search}` });
}

test("StrictMode, confirm: auto — effects run twice, one confirm request, status activated", async () => {
  const token = unique("react-auto");
  openLink(await registerOptIn({ token }));
  const probe = render({ client, confirm: "auto" });
  await waitUntil(() => probe.latest?.status === "activated", "activated");
  assert.equal(probe.text(), "activated");
  assert.equal(probe.effects, 2, "StrictMode ran the effects twice (the test would catch a second confirm)");
  assert.ok(probe.latest.session.access_token);
  assert.equal((await confirmRequests(token)).length, 1, "exactly one confirm request");
  assert.ok(!location.href.includes(token), "the token left the address bar");
  probe.unmount();
});

test("StrictMode, confirm: click (the default) — nothing until confirm(); a double click sends one request", async () => {
  const token = unique("react-click");
  openLink(await registerOptIn({ token }));
  const probe = render({ client });
  await waitUntil(() => probe.latest?.status === "ready", "ready");
  assert.equal(probe.latest.canConfirm, true);
  // Give a scanner-like visit time to do something it must not do.
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal((await confirmRequests(token)).length, 0, "opening the link spends nothing");
  const { confirm } = probe.latest;
  await Promise.all([confirm(), confirm()]);
  await waitUntil(() => probe.latest.status === "activated", "activated");
  assert.equal(probe.latest.confirm, confirm, "the action is stable across renders");
  assert.equal((await confirmRequests(token)).length, 1);
  probe.unmount();
});

test("a spent link says link-used, and resend() asks for a new one once", async () => {
  const email = `${unique("react")}@example.com`;
  const token = unique("react-used");
  openLink(await registerOptIn({ token, email }));
  const first = render({ client, confirm: "auto" });
  await waitUntil(() => first.latest?.status === "activated", "activated");
  first.unmount();

  const before = (await resendRequests()).length;
  // The same link again, given explicitly this time.
  const again = render({ client, token, confirm: "auto" });
  await waitUntil(() => again.latest?.status === "link-used", "link-used");
  assert.equal(again.latest.canResend, true);
  const final = await again.latest.resend(` ${email} `);
  assert.equal(final.resendForm.status, "sent", JSON.stringify(final.resendForm));
  await waitUntil(() => again.latest.resendForm.status === "sent", "sent");
  assert.equal(again.latest.resendForm.email, email);
  assert.equal((await resendRequests()).length, before + 1);
  again.unmount();
});

test("without a token in the link: no-token, and nothing is sent", async () => {
  dom.reconfigure({ url: PAGE });
  const probe = render({ client, tokenParam: "code" });
  await waitUntil(() => probe.latest?.status === "no-token", "no-token");
  assert.equal(probe.latest.canConfirm, false);
  probe.unmount();
});

test("server-side rendering (react-dom/server): checking, nothing sent, nothing read from a location", async () => {
  const { renderToString } = await import("react-dom/server");
  const saved = { location: globalThis.location, history: globalThis.history };
  delete globalThis.location;
  delete globalThis.history;
  try {
    const confirms = [];
    const spy = { confirmOptIn: (token) => confirms.push(token), resendActivation: async () => {} };
    function Page() {
      return h("p", null, useOptInActivation({ client: spy, confirm: "auto" }).status);
    }
    assert.equal(renderToString(h(StrictMode, null, h(Page))), "<p>checking</p>");
    assert.deepEqual(confirms, [], "effects do not run on the server");
  } finally {
    Object.assign(globalThis, saved);
  }
});
