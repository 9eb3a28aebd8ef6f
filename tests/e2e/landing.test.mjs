// End-to-end tests of the landing page (www/) in Debian's Chromium against the
// sandbox, which scripts/test-e2e.sh starts with a resend limit of one per
// address per few seconds. Screenshots of each state go to test-output/e2e/.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  CLOSED_URL,
  SANDBOX_URL,
  apiRequests,
  confirmRequests,
  heading,
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
    assert.ok(await activated.evaluate((node) => node === document.activeElement));
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
    assert.ok(await activate(page).evaluate((node) => node === document.activeElement));
    await page.keyboard.press("Enter");
    const activated = await heading(page, "Your account is active");
    assert.ok(await activated.evaluate((node) => node === document.activeElement));
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

    await page.waitForFunction(() => !document.querySelector("#retry").disabled, null, { timeout: 5_000 });
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
      (shown) => document.querySelector("#resend-form .countdown").textContent !== shown,
      first,
    );
    assert.ok(parseInt(await countdown.textContent(), 10) < parseInt(first, 10));
    await page.waitForFunction(() => !document.querySelector("#resend-form button").disabled, null, {
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
    assert.ok(await field.evaluate((node) => node === document.activeElement));

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

test("a broken setting is reported on the page, not in the console", async () => {
  await withPage(browser, async (page) => {
    await page.goto(`${SANDBOX_URL}/?confirm=later&token=${unique("unused")}`);
    await heading(page, "This page is not set up correctly");
    await page.getByText('`confirm` must be "click" or "auto".').waitFor();
    await screenshot(page, "14-config-error");
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
