// End-to-end tests of the landing page (www/, a thin host of
// <emporix-optin-activation>) in Debian's Chromium through Playwright, whose
// locators reach into the element's open shadow root. The sandbox runs with a
// resend limit of one per address per few seconds (scripts/test-e2e.sh).
// Screenshots of each state go to test-output/e2e/. engines.test.mjs runs the
// flows in Firefox and WebKit too.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  CLOSED_URL,
  SANDBOX_URL,
  apiRequests,
  confirmRequests,
  heading,
  inElement,
  isFocused,
  launchBrowser,
  mailsTo,
  registerOptIn,
  resendRequests,
  screenshot,
  unique,
  uniqueEmail,
  withPage,
} from "./harness.mjs";

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const activate = (page) => page.getByRole("button", { name: "Activate my account" });
const sendNewLink = (page) => page.getByRole("button", { name: "Send a new link" });
const emailField = (page) => page.getByLabel("Email address", { exact: true });
const outboxLinks = (page) => page.getByRole("link", { name: "Open activation link" });

function assertNoToken(page, token) {
  assert.ok(!page.url().includes(token), "the token is still in the address bar");
  assert.ok(!new URL(page.url()).searchParams.has("token"));
}

test("the whole loop runs by clicking: sign up, open the email, activate, reuse the link", async () => {
  await withPage(browser, async (page, secrets) => {
    const email = uniqueEmail();
    await page.goto(`${SANDBOX_URL}/`);
    await heading(page, "Check your inbox");
    await page.getByRole("heading", { name: "Sandbox" }).waitFor();
    await screenshot(page, "01-no-token-with-sandbox-panel");

    await page.getByLabel("Test customer's email").fill(email);
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.getByText(`Signed up ${email}.`).waitFor();
    const [mail] = await mailsTo(email);
    secrets.add(mail.token);
    const link = outboxLinks(page).first();
    assert.equal(await link.getAttribute("href"), mail.link);
    await screenshot(page, "02-signed-up");

    await link.click();
    await heading(page, "One last step");
    assertNoToken(page, mail.token);
    await screenshot(page, "03-ready");

    await activate(page).click();
    const activated = await heading(page, "Your account is active");
    assertNoToken(page, mail.token);
    assert.ok(await isFocused(activated));
    assert.equal(await page.locator("#status").textContent(), "Your account is active");
    const masked = await page.locator('[data-field="access-token"]').textContent();
    assert.match(masked, /^•{8}[A-Za-z0-9_-]{4}$/);
    const until = await page.locator('[data-field="access-expiry"]').getAttribute("datetime");
    // The sandbox answers with the official example's expires_in, 2591999 s (30 days).
    const hoursLeft = (Date.parse(until) - Date.now()) / 3_600_000;
    assert.ok(hoursLeft > 719.9 && hoursLeft <= 720, `access token expiry in ${hoursLeft} h`);
    await screenshot(page, "04-activated");

    // The same email link, clicked once more.
    await outboxLinks(page).first().click();
    await activate(page).click();
    await heading(page, "This link has already been used");
    assert.equal(await emailField(page).inputValue(), email, "the email is prefilled");
    await screenshot(page, "05-already-used");

    // The account is active, so Emporix (and the sandbox) accept the request and send nothing.
    await sendNewLink(page).click();
    await page.getByText(`If ${email} is waiting for activation, a new link is on its way.`).waitFor();
    await page.getByText(`No email was sent: ${email} is already active.`).waitFor();
    assert.equal((await mailsTo(email)).length, 1);
    await screenshot(page, "06-resend-accepted");
  });
});

test("a link replaced by a resend says so, and the new link works", async () => {
  await withPage(browser, async (page, secrets) => {
    const email = uniqueEmail();
    await page.goto(`${SANDBOX_URL}/`);
    await page.getByLabel("Test customer's email").fill(email);
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.getByText(`Signed up ${email}.`).waitFor();

    // "Didn't get it": the form below "Check your inbox" knows the address from the sign-up.
    assert.equal(await emailField(page).inputValue(), email);
    await sendNewLink(page).click();
    await page.getByText(`If ${email} is waiting for activation, a new link is on its way.`).waitFor();
    const [first, second] = await mailsTo(email);
    secrets.add(first.token).add(second.token);
    // The outbox lists the newest email first.
    await page.locator(`#outbox li:first-child a[href="${second.link}"]`).waitFor();

    await page.goto(first.link);
    await activate(page).click();
    await heading(page, "This link has been replaced");
    await screenshot(page, "07-link-replaced");

    await page.goto(second.link);
    await activate(page).click();
    await heading(page, "Your account is active");
    assertNoToken(page, second.token);
  });
});

test("an expired link offers a new one, which works", async () => {
  await withPage(browser, async (page, secrets) => {
    const email = uniqueEmail();
    const token = unique("expired");
    secrets.add(token);
    await page.goto(await registerOptIn({ email, token, ttlSecs: 0 }));
    await activate(page).click();
    await heading(page, "This link has expired");
    assert.equal(await emailField(page).inputValue(), "", "this browser never saw the address");
    await emailField(page).fill(email);
    await screenshot(page, "08-expired");
    await sendNewLink(page).click();
    await page.getByText("a new link is on its way").waitFor();

    const [mail] = await mailsTo(email);
    secrets.add(mail.token);
    await page.goto(mail.link);
    await activate(page).click();
    await heading(page, "Your account is active");
  });
});

test("opening the link uses nothing, and a double click confirms exactly once", async () => {
  await withPage(browser, async (page, secrets) => {
    const token = unique("once");
    secrets.add(token);
    await page.goto(await registerOptIn({ email: uniqueEmail(), token }));
    await heading(page, "One last step");
    assertNoToken(page, token);
    assert.equal((await confirmRequests(token)).length, 0, "a link scanner would have used the token");

    await activate(page).dblclick();
    await heading(page, "Your account is active");
    assert.equal((await confirmRequests(token)).length, 1);
    // The library's own requests never send one; the page's (login, sandbox) must not either.
    const leaking = (await apiRequests()).filter((request) => "referer" in request.headers);
    assert.deepEqual(leaking, [], "a request carried the page's URL in a Referer");
  });
});

test("the keyboard alone activates: Tab reaches the button first, Enter presses it", async () => {
  await withPage(browser, async (page, secrets) => {
    const token = unique("keyboard");
    secrets.add(token);
    await page.goto(await registerOptIn({ email: uniqueEmail(), token }));
    await heading(page, "One last step");
    await page.keyboard.press("Tab");
    assert.ok(await isFocused(activate(page)));
    await page.keyboard.press("Enter");
    const activated = await heading(page, "Your account is active");
    assert.ok(await isFocused(activated));
    // On to the storefront: Tab reaches the Continue link, Enter follows it.
    await page.keyboard.press("Tab");
    assert.ok(await isFocused(page.getByRole("link", { name: "Continue" })));
    await page.keyboard.press("Enter");
    await page.waitForURL(`${SANDBOX_URL}/`);
  });
});

test("confirm=auto activates on arrival, with the token under another parameter name", async () => {
  await withPage(browser, async (page, secrets) => {
    const token = unique("auto");
    secrets.add(token);
    await registerOptIn({ email: uniqueEmail(), token });
    await page.goto(`${SANDBOX_URL}/?confirm=auto&tokenParam=code&code=${token}`);
    await heading(page, "Your account is active");
    assert.equal(new URL(page.url()).search, "?confirm=auto&tokenParam=code");
    assert.equal((await confirmRequests(token)).length, 1);
  });
});

test("network trouble offers a retry, and the retry activates the account", async () => {
  await withPage(browser, async (page, secrets) => {
    const token = unique("network");
    secrets.add(token);
    await page.goto(await registerOptIn({ email: uniqueEmail(), token }));
    let release;
    const held = new Promise((resolve) => {
      release = resolve;
    });
    await page.route(`**/signup/optin/${token}`, async (route) => {
      await held;
      await route.abort("internetdisconnected");
    }, { times: 1 });

    await activate(page).click();
    await page.getByRole("progressbar", { name: "Activating your account" }).first().waitFor();
    assert.ok(await activate(page).isDisabled());
    await screenshot(page, "09-working");
    release();

    await heading(page, "We could not reach the shop");
    await screenshot(page, "10-network-trouble");
    await page.getByRole("button", { name: "Try again" }).click();
    await heading(page, "Your account is active");
    assert.equal((await confirmRequests(token)).length, 1, "only the retry reached the server");
  });
});

test("a rate-limited confirm counts down from Retry-After before Try again works", async () => {
  await withPage(browser, async (page, secrets) => {
    const token = unique("limited");
    secrets.add(token);
    await page.goto(await registerOptIn({ email: uniqueEmail(), token }));
    // Emporix's 429 (the sandbox rate-limits only resends).
    await page.route(
      `**/signup/optin/${token}`,
      (route) => route.fulfill({ status: 429, headers: { "Retry-After": "3" } }),
      { times: 1 },
    );

    await activate(page).click();
    await heading(page, "Too many attempts");
    const retry = page.getByRole("button", { name: "Try again" });
    const countdown = page.locator("#trouble .countdown");
    assert.ok(await retry.isDisabled());
    assert.match(await countdown.textContent(), /^[1-3] s$/, "counts from Retry-After: 3");
    await screenshot(page, "11-rate-limited");

    await page.waitForFunction(inElement((root) => !root.querySelector("#retry").disabled), null, { timeout: 5_000 });
    assert.ok(await page.locator("#trouble .wait").isHidden());
    await retry.click();
    await heading(page, "Your account is active");
  });
});

test("a rate-limited resend counts down, then sends again", async () => {
  await withPage(browser, async (page) => {
    const email = uniqueEmail();
    await page.goto(`${SANDBOX_URL}/`);
    await emailField(page).fill(email);
    await sendNewLink(page).click();
    await page.getByText("a new link is on its way").waitFor();

    // The sandbox allows one resend per address per window.
    await sendNewLink(page).click();
    await page.getByText("You have asked for several links in a short time.").waitFor();
    const countdown = page.locator("#resend-form .countdown");
    const first = await countdown.textContent();
    assert.match(first, /^\d+ s$/);
    assert.ok(await sendNewLink(page).isDisabled());
    await screenshot(page, "12-resend-rate-limited");

    await page.waitForFunction(
      inElement((root, shown) => root.querySelector("#resend-form .countdown")?.textContent !== shown),
      first,
    );
    assert.ok(parseInt(await countdown.textContent(), 10) < parseInt(first, 10));
    await page.waitForFunction(inElement((root) => !root.querySelector("#resend-form button").disabled), null, {
      timeout: 15_000,
    });
    await sendNewLink(page).click();
    await page.getByText("a new link is on its way").waitFor();
  });
});

test("the resend form checks the address before sending anything", async () => {
  await withPage(browser, async (page) => {
    await page.goto(`${SANDBOX_URL}/`);
    const before = (await resendRequests()).length;
    const field = emailField(page);
    const error = page.locator("#email-error");

    await sendNewLink(page).click();
    await error.waitFor();
    assert.equal(await field.getAttribute("aria-invalid"), "true");
    assert.ok(await isFocused(field));

    await field.fill("shopper.example.com");
    await sendNewLink(page).click();
    assert.equal(await error.textContent(), "Enter your email address, like name@example.com.");
    await screenshot(page, "13-resend-invalid-email");
    assert.equal((await resendRequests()).length, before, "an invalid address was sent");

    await field.fill(uniqueEmail());
    await sendNewLink(page).click();
    await page.getByText("a new link is on its way").waitFor();
    assert.ok(await error.isHidden());
    assert.equal(await field.getAttribute("aria-invalid"), "false");
  });
});

test("a link cannot change the API the page talks to, nor bring an access token", async () => {
  await withPage(browser, async (page, secrets) => {
    const token = unique("query");
    secrets.add(token);
    await registerOptIn({ email: uniqueEmail(), token });
    const query = new URLSearchParams({
      baseUrl: CLOSED_URL,
      anonymousToken: "from-the-link",
      confirm: "auto",
      token,
    });
    await page.goto(`${SANDBOX_URL}/?${query}`);
    await heading(page, "Your account is active");
    const [request] = await confirmRequests(token);
    assert.notEqual(request.authorization, "Bearer from-the-link");
  });
});

test("the Content-Security-Policy lets the page connect to its own origin only", async () => {
  await withPage(
    browser,
    async (page) => {
      await page.goto(`${SANDBOX_URL}/`);
      await heading(page, "Check your inbox");
      // The same sandbox under another name: a different origin, which CORS would allow.
      const elsewhere = SANDBOX_URL.replace("127.0.0.1", "localhost");
      const outcome = await page.evaluate(
        (url) => fetch(url).then(() => "connected", () => "blocked"),
        `${elsewhere}/sandbox/info`,
      );
      assert.equal(outcome, "blocked");
    },
    { expected: [/^error: .*violates .*Content Security Policy/] },
  );
});

test("a broken setting is reported on the page, and the token still leaves the address bar", async () => {
  await withPage(browser, async (page, secrets) => {
    const token = unique("unused");
    secrets.add(token);
    await page.goto(`${SANDBOX_URL}/?confirm=later&token=${token}`);
    await heading(page, "This page is not set up correctly");
    await page.getByText('Invalid option `confirm`: must be "click" or "auto".').waitFor();
    assertNoToken(page, token);
    assert.equal(new URL(page.url()).search, "?confirm=later");
    await screenshot(page, "14-config-error");
  });
});

test("a bad tenant from the link is a setup error before any button, and the token is unspent", async () => {
  await withPage(browser, async (page, secrets) => {
    const token = unique("bad-tenant");
    secrets.add(token);
    await registerOptIn({ email: uniqueEmail(), token });
    await page.goto(`${SANDBOX_URL}/?tenant=BAD&confirm=auto&token=${token}`);
    await heading(page, "This page is not set up correctly");
    await page.getByText("Invalid option `tenant`").waitFor();
    assertNoToken(page, token);
    assert.equal(await page.locator("#activate").count(), 1, "the button exists in the element…");
    assert.ok(await page.locator("#activate").isHidden(), "…but is never offered");
    assert.equal((await confirmRequests(token)).length, 0);
  });
});

test("a client id Emporix refuses is reported as a setup problem, and the token stays unused", async () => {
  await withPage(browser, async (page, secrets) => {
    const token = unique("refused");
    secrets.add(token);
    const link = new URL(await registerOptIn({ email: uniqueEmail(), token }));
    link.searchParams.set("clientId", "unknown-client");
    await page.goto(link.href);
    await activate(page).click();
    await heading(page, "This page is not set up correctly");
    await page.getByText("Emporix refused the page's anonymous access").waitFor();
    assert.equal((await confirmRequests(token)).length, 0);
  });
});

test("the session goes to the page as the activated event, and nowhere else", async () => {
  await withPage(browser, async (page, secrets) => {
    const token = unique("handoff");
    secrets.add(token);
    await page.addInitScript(() => {
      window.__activated = [];
      document.addEventListener("activated", (event) => window.__activated.push(event.detail));
    });
    await page.goto(await registerOptIn({ email: uniqueEmail(), token }));
    await activate(page).click();
    await heading(page, "Your account is active");
    const [detail, ...more] = await page.evaluate(() => window.__activated);
    assert.deepEqual(more, [], "dispatched once");
    assert.match(detail.access_token, /^[A-Za-z0-9_-]{8,}$/);
    assert.ok(detail.refresh_token);
    const stored = await page.evaluate(() => ({
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      cookies: document.cookie,
    }));
    for (const [where, text] of Object.entries(stored)) {
      for (const secret of [detail.access_token, detail.refresh_token, detail.saas_token, token]) {
        assert.ok(!text.includes(secret), `a token in ${where}`);
      }
    }
    const cookies = await page.context().cookies();
    assert.deepEqual(cookies, []);
    // Continue leads to config.json's returnUrl.
    assert.equal(await page.getByRole("link", { name: "Continue" }).getAttribute("href"), `${SANDBOX_URL}/`);
  });
});

test("a link's returnUrl is honoured as a same-origin path only", async () => {
  await withPage(browser, async (page, secrets) => {
    const cases = [
      ["/orders?welcome=1", `${SANDBOX_URL}/orders?welcome=1`],
      ["https://evil.example/", `${SANDBOX_URL}/`],
      ["//evil.example", `${SANDBOX_URL}/`],
      ["/\\evil.example", `${SANDBOX_URL}/`],
      ["javascript:alert(document.domain)", `${SANDBOX_URL}/`],
      ["%2F%2Fevil.example", `${SANDBOX_URL}/`],
      ["/\t/evil.example", `${SANDBOX_URL}/`],
    ];
    for (const [returnUrl, expected] of cases) {
      const token = unique("return");
      secrets.add(token);
      const link = new URL(await registerOptIn({ email: uniqueEmail(), token }));
      // Set as the link would carry it: the value percent-encoded once.
      link.search += `&returnUrl=${encodeURIComponent(returnUrl)}`;
      await page.goto(link.href);
      await activate(page).click();
      await heading(page, "Your account is active");
      const href = await page.getByRole("link", { name: "Continue" }).getAttribute("href");
      assert.equal(href, expected, `returnUrl ${JSON.stringify(returnUrl)}`);
    }
    // The encoded form is decoded once only: %252F%252F stays a harmless "%2F%2F…".
    const token = unique("return-double");
    secrets.add(token);
    const link = new URL(await registerOptIn({ email: uniqueEmail(), token }));
    link.search += "&returnUrl=%252F%252Fevil.example";
    await page.goto(link.href);
    await activate(page).click();
    await heading(page, "Your account is active");
    assert.equal(await page.getByRole("link", { name: "Continue" }).getAttribute("href"), `${SANDBOX_URL}/`);
  });
});

test("the element's styles apply under the page's strict CSP, and the page's theme reaches them", async () => {
  await withPage(browser, async (page, secrets) => {
    const token = unique("styles");
    secrets.add(token);
    await page.goto(await registerOptIn({ email: uniqueEmail(), token }));
    await heading(page, "One last step");
    const styles = await activate(page).evaluate((button) => {
      const style = getComputedStyle(button);
      const host = button.getRootNode().host;
      return {
        background: style.backgroundColor,
        radius: style.borderTopLeftRadius,
        accent: getComputedStyle(host).getPropertyValue("--emporix-optin-accent").trim(),
        inlineStyles: document.querySelectorAll("[style]").length + host.shadowRoot.querySelectorAll("[style]").length,
        styleElements: host.shadowRoot.querySelectorAll("style").length,
      };
    });
    assert.equal(styles.background, "rgb(31, 95, 214)", "the accent from www/style.css (#1f5fd6)");
    assert.notEqual(styles.radius, "0px");
    assert.equal(styles.accent, "#1f5fd6", "--emporix-optin-accent, set by the page");
    assert.equal(styles.inlineStyles, 0, "no style attributes");
    assert.equal(styles.styleElements, 0, "a constructable stylesheet, not a <style> element");
  });
});

// ---- German --------------------------------------------------------------------

const de = { locale: "de-DE" };
const aktivieren = (page) => page.getByRole("button", { name: "Mein Konto aktivieren" });

test("a browser set to de-DE gets the German page: sign up, activate, reuse the link", async () => {
  await withPage(browser, async (page, secrets) => {
    const email = uniqueEmail();
    await page.goto(`${SANDBOX_URL}/`);
    await heading(page, "Sehen Sie in Ihr Postfach");
    assert.equal(await page.evaluate(() => document.documentElement.lang), "de");
    assert.equal(await page.title(), "Konto aktivieren");
    await page.getByRole("heading", { level: 1, name: "Konto aktivieren" }).waitFor();
    await screenshot(page, "de-01-no-token-with-sandbox-panel");

    await page.getByLabel("E-Mail des Testkunden").fill(email);
    await page.getByRole("button", { name: "Registrieren" }).click();
    await page.getByText(`${email} ist registriert.`).waitFor();
    const [mail] = await mailsTo(email);
    secrets.add(mail.token);
    await page.getByRole("link", { name: "Aktivierungslink öffnen" }).first().click();
    await heading(page, "Nur noch ein Schritt");
    assertNoToken(page, mail.token);
    await screenshot(page, "de-03-ready");

    await aktivieren(page).click();
    assert.ok(await isFocused(await heading(page, "Ihr Konto ist aktiv")));
    assert.equal(await page.locator("#status").textContent(), "Ihr Konto ist aktiv");
    await page.getByRole("link", { name: "Weiter" }).waitFor();
    await page.getByRole("heading", { name: "An den Shop übergeben" }).waitFor();
    await screenshot(page, "de-04-activated");

    await page.goto(mail.link);
    await aktivieren(page).click();
    await heading(page, "Dieser Link wurde bereits verwendet");
    assert.equal(await page.getByLabel("E-Mail-Adresse", { exact: true }).inputValue(), email);
    await page.getByRole("button", { name: "Neuen Link senden" }).click();
    await page.getByText(`Falls ${email} auf die Aktivierung wartet, ist ein neuer Link unterwegs.`).waitFor();
    await page.getByText(`Keine E-Mail gesendet: ${email} ist bereits aktiv.`).waitFor();
    await screenshot(page, "de-05-already-used");
  }, de);
});

test("German: an expired link, an invalid address, network trouble and a countdown", async () => {
  await withPage(browser, async (page, secrets) => {
    const email = uniqueEmail();
    const expired = unique("de-expired");
    secrets.add(expired);
    await page.goto(await registerOptIn({ email, token: expired, ttlSecs: 0 }));
    await aktivieren(page).click();
    await heading(page, "Dieser Link ist abgelaufen");
    await page.getByLabel("E-Mail-Adresse", { exact: true }).fill("kunde.example.com");
    await page.getByRole("button", { name: "Neuen Link senden" }).click();
    await page.getByText("Geben Sie Ihre E-Mail-Adresse ein, zum Beispiel name@example.com.").waitFor();
    await screenshot(page, "de-08-expired-invalid-email");

    const token = unique("de-trouble");
    secrets.add(token);
    await page.goto(await registerOptIn({ email: uniqueEmail(), token }));
    await page.route(`**/signup/optin/${token}`, (route) => route.abort("internetdisconnected"), { times: 1 });
    await aktivieren(page).click();
    await heading(page, "Wir konnten den Shop nicht erreichen");
    await screenshot(page, "de-10-network-trouble");
    await page.route(
      `**/signup/optin/${token}`,
      (route) => route.fulfill({ status: 429, headers: { "Retry-After": "75" } }),
      { times: 1 },
    );
    await page.getByRole("button", { name: "Erneut versuchen" }).click();
    await heading(page, "Zu viele Versuche");
    assert.match(await page.locator("#trouble .countdown").textContent(), /^1 Min\. 1[45] Sek\.$/);
    assert.match(await page.locator("#status").textContent(), /^Bitte warten Sie 1 Min\. 1[45] Sek\., bevor/);
    await screenshot(page, "de-11-rate-limited");
  }, de);
});

test("German: a setup error keeps its developer detail in English, marked as such", async () => {
  await withPage(browser, async (page) => {
    await page.goto(`${SANDBOX_URL}/?confirm=later&token=${unique("de-unused")}`);
    await heading(page, "Diese Seite ist nicht richtig eingerichtet");
    const detail = page.getByText('Invalid option `confirm`: must be "click" or "auto".');
    assert.equal(await detail.getAttribute("lang"), "en");
    await screenshot(page, "de-14-config-error");
  }, de);
});

test("the lang attribute (here from ?lang=) wins over the browser's languages", async () => {
  await withPage(browser, async (page) => {
    await page.goto(`${SANDBOX_URL}/?lang=en`);
    await heading(page, "Check your inbox");
    assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  }, de);
  await withPage(browser, async (page) => {
    await page.goto(`${SANDBOX_URL}/?lang=de-AT`);
    await heading(page, "Sehen Sie in Ihr Postfach");
  });
});

test("Trusted Types are enforced, so the page and the element use no HTML-parsing sink", async () => {
  await withPage(
    browser,
    async (page, secrets) => {
      const token = unique("trusted-types");
      secrets.add(token);
      await page.goto(await registerOptIn({ email: uniqueEmail(), token }));
      await heading(page, "One last step");
      // The policy bites: a string assigned to innerHTML throws.
      const outcome = await page.evaluate(() => {
        try {
          document.createElement("div").innerHTML = "<b>x</b>";
          return "allowed";
        } catch (error) {
          return error.name;
        }
      });
      assert.equal(outcome, "TypeError");
      // …and the whole flow ran under it, sandbox panel and element alike.
      await activate(page).click();
      await heading(page, "Your account is active");
    },
    { expected: [/TrustedHTML/] },
  );
});

test("texts can be overridden and parts styled by the storefront", async () => {
  await withPage(browser, async (page, secrets) => {
    const token = unique("override");
    secrets.add(token);
    await page.goto(await registerOptIn({ email: uniqueEmail(), token }));
    await heading(page, "One last step");
    const styled = await page.evaluate(() => {
      const element = document.querySelector("emporix-optin-activation");
      element.messages = { readyTitle: "Almost there", confirmButton: "<b>Go</b>", unknownKey: "x" };
      // A storefront stylesheet (adopted, as the page's CSP allows) theming a part.
      const sheet = new CSSStyleSheet();
      sheet.replaceSync("emporix-optin-activation::part(button) { text-transform: uppercase; }");
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
      return getComputedStyle(element.shadowRoot.querySelector("#activate")).textTransform;
    });
    assert.equal(styled, "uppercase");
    await heading(page, "Almost there");
    const button = page.getByRole("button", { name: "<b>Go</b>" });
    assert.equal(await button.textContent(), "<b>Go</b>", "inserted as text, never as HTML");
    await button.click();
    await heading(page, "Your account is active");
  });
});

test("a config.json that does not load is reported, and the token leaves the address bar even then", async () => {
  await withPage(browser, async (page, secrets) => {
    const token = unique("no-config");
    secrets.add(token);
    await page.route("**/config.json", (route) => route.fulfill({ status: 500, body: "" }));
    await page.goto(`${SANDBOX_URL}/?token=${token}&keep=1`);
    await page.getByRole("alert").getByText("config.json could not be loaded (HTTP 500).").waitFor();
    assertNoToken(page, token);
    assert.equal(new URL(page.url()).search, "?keep=1");
    assert.equal((await confirmRequests(token)).length, 0);
  });
});
