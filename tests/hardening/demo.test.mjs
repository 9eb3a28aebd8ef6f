// The landing page (www/, hosting <emporix-optin-activation>) and the opt-in token: from the moment the shopper
// opens the activation link, the token must be nowhere a script, an extension,
// a later page or the browser's history could find it: not in the DOM (at any
// moment, not just at the end), storage, console, address bar, history
// entries, nor the referrer of the next navigation. scripts/test-hardening.sh
// starts the sandbox serving www/ for this file.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  API_URL,
  Observer,
  Secrets,
  launchBrowser,
  loggedRequests,
  registerToken,
  unique,
} from "./harness.mjs";

// The tenant in www/config.json.
const TENANT = "demoshop";

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/**
 * Runs in the page before its own scripts: keeps every text and attribute
 * value ever written to the DOM, so a token shown for a moment is caught too;
 * shadow roots (the element's) included, from the moment they are attached.
 */
function recordDomWrites() {
  window.__domWrites = [];
  const record = (text) => text && window.__domWrites.push(text);
  const observer = new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      if (mutation.type === "attributes") record(mutation.target.getAttribute(mutation.attributeName));
      if (mutation.type === "characterData") record(mutation.target.data);
      for (const node of mutation.addedNodes) record(node.outerHTML ?? node.textContent);
    }
  });
  const options = { subtree: true, childList: true, attributes: true, characterData: true };
  observer.observe(document, options);
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attachShadow.call(this, init);
    window.__shadowRoots = [...(window.__shadowRoots ?? []), root];
    observer.observe(root, options);
    return root;
  };
}

/** Everything the page holds that a script, an extension or a later page could read. */
async function pageState(page, cdp) {
  const inPage = await page.evaluate(() => ({
    url: location.href,
    title: document.title,
    dom: document.documentElement.outerHTML,
    "shadow DOM": (window.__shadowRoots ?? []).map((root) => root.innerHTML).join("\n"),
    fields: [document, ...(window.__shadowRoots ?? [])]
      .flatMap((root) => [...root.querySelectorAll("input, textarea")])
      .map((field) => field.value)
      .join("\n"),
    storage: JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }),
    cookies: document.cookie,
    domWrites: (window.__domWrites ?? []).join("\n"),
  }));
  const { entries } = await cdp.send("Page.getNavigationHistory");
  return [
    ...Object.entries(inPage),
    ["history entries", entries.map((entry) => entry.url).join("\n")],
  ].map(([where, text]) => [`${where} at ${inPage.url}`, text]);
}

const heading = (page, name) => page.getByRole("heading", { level: 2, name }).waitFor();
const activate = (page) => page.getByRole("button", { name: "Activate my account" }).click();

test("the opt-in token leaves no trace in the page, its history or the next page's referrer", async () => {
  const secrets = new Secrets();
  const token = secrets.add("opt-in token", unique("demo-optin-token"));
  const { link } = await registerToken(token, TENANT);
  assert.ok(link.includes(token), "the activation link carries the token");

  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const observer = await Observer.attach(page);
  const cdp = await context.newCDPSession(page);
  await page.addInitScript(recordDomWrites);
  await page.addInitScript(() => {
    document.addEventListener("activated", (event) => {
      window.__session = event.detail;
    });
  });
  const seen = [];
  try {
    await page.goto(link);
    await heading(page, "One last step");
    assert.equal(await page.evaluate(() => window.__shadowRoots?.length), 1, "the element's shadow root is watched");
    seen.push(...(await pageState(page, cdp)));

    await activate(page);
    await heading(page, "Your account is active");
    // The session went to the page's `activated` listener; the library kept it nowhere.
    const session = await page.evaluate(() => window.__session);
    secrets.add("customer access token", session.access_token);
    secrets.add("customer refresh token", session.refresh_token);
    seen.push(...(await pageState(page, cdp)));
    seen.push(["cookies of the context", JSON.stringify(await context.cookies())]);
    const [confirm] = (await loggedRequests()).filter((r) => r.path.endsWith(`/signup/optin/${token}`));
    secrets.add("anonymous token", confirm.authorization.replace(/^Bearer /, ""));

    // The shopper follows a link from the page (the sandbox logs the request's headers).
    const next = `/sandbox/echo/${unique("next-page")}`;
    await page.evaluate((href) => {
      const anchor = Object.assign(document.createElement("a"), { href });
      document.body.append(anchor);
      anchor.click();
    }, next);
    await page.waitForURL(`${API_URL}${next}`);
    seen.push(["document.referrer of the next page", await page.evaluate(() => document.referrer)]);
    const [followed] = (await loggedRequests()).filter((r) => r.path === next);
    seen.push(["Referer header of the next page", followed.headers.referer ?? ""]);

    // Back to the landing page, then the same link once more: it is spent now.
    await page.goBack();
    await page.waitForURL(`${API_URL}/`);
    await page.goto(link);
    await activate(page);
    await heading(page, "This link has already been used");
    seen.push(...(await pageState(page, cdp)));
  } finally {
    await context.close();
  }
  assert.deepEqual(observer.console, [], "console output");
  assert.deepEqual(observer.exceptions, [], "uncaught errors");
  secrets.assertNoneIn(observer, seen);
});

test("a setup error, a bad tenant from the link and a missing config still take the token out", async () => {
  const secrets = new Secrets();
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const observer = await Observer.attach(page);
  const cdp = await context.newCDPSession(page);
  await page.addInitScript(recordDomWrites);
  const seen = [];
  try {
    const cases = [
      ["confirm=bogus", "token", "This page is not set up correctly"],
      ["tenant=BAD", "token", "This page is not set up correctly"],
      ["clientId=", "token", "This page is not set up correctly"],
      ["tokenParam=code", "code", "One last step"],
    ];
    for (const [query, param, expected] of cases) {
      const token = secrets.add("opt-in token", unique("demo-setup-token"));
      await page.goto(`${API_URL}/?${query}&${param}=${token}`);
      await heading(page, expected);
      seen.push(...(await pageState(page, cdp)));
    }
  } finally {
    await context.close();
  }
  assert.deepEqual(observer.console, [], "console output");
  assert.deepEqual(observer.exceptions, [], "uncaught errors");
  secrets.assertNoneIn(observer, seen);
});
