// The landing page's flows in every engine (Chromium, Firefox, WebKit: $BROWSERS
// picks some) over W3C WebDriver (tests/support/browsers.mjs), with real
// clicks and keys into the element's shadow root. What needs request
// interception or a browser locale stays in landing.test.mjs (Playwright,
// Chromium). Screenshots: test-output/e2e/<engine>-*.png.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { By, Key, until } from "selenium-webdriver";

import { enginesUnderTest, openBrowser } from "../support/browsers.mjs";
import { SANDBOX_URL, confirmRequests, mailsTo, registerOptIn, unique, uniqueEmail } from "./harness.mjs";

const SCREENSHOTS = new URL("../../test-output/e2e/", import.meta.url).pathname;

/**
 * The shadow root's element matching `selector`, as a WebDriver element (for
 * real clicks and keys). Waits for the element, which the page adds once its
 * config has loaded.
 */
async function inElement(browser, selector) {
  const host = await browser.driver.wait(
    until.elementLocated(By.css("emporix-optin-activation")),
    10_000,
    `${browser.engine}: no <emporix-optin-activation>`,
  );
  const root = await host.getShadowRoot();
  return root.findElement(By.css(selector));
}

/** Waits until the element shows the state whose heading is `name`. */
function heading(browser, name) {
  return browser.waitFor(
    (expected) => {
      const root = document.querySelector("emporix-optin-activation")?.shadowRoot;
      const shown = [...(root?.querySelectorAll("section:not([hidden]) h2") ?? [])].map((h) => h.textContent);
      return shown.includes(expected) ? expected : null;
    },
    [name],
  );
}

/** The id of the focused element inside the shadow root. */
const focusedId = (browser) =>
  browser.evaluate(() => document.querySelector("emporix-optin-activation").shadowRoot.activeElement?.id ?? null);

const shadowText = (browser, selector) =>
  browser.evaluate(
    (s) => document.querySelector("emporix-optin-activation").shadowRoot.querySelector(s)?.textContent ?? null,
    selector,
  );

async function assertNoToken(browser, token) {
  const url = await browser.url();
  assert.ok(!url.includes(token), `${browser.engine}: the token is still in the address bar`);
}

for (const engine of enginesUnderTest()) {
  describe(engine, () => {
    let browser;
    before(async () => {
      browser = await openBrowser(engine);
    });
    after(() => browser?.close());
    const shot = (name) => browser.screenshot(`${SCREENSHOTS}${engine}-${name}.png`);

    test("the whole loop: sign up, open the email, activate, hand-off, reuse the link, resend", async () => {
      const email = uniqueEmail();
      await browser.goto(`${SANDBOX_URL}/?lang=en`);
      await heading(browser, "Check your inbox");
      await browser.waitFor(() => !document.querySelector("#sandbox").hidden);
      await browser.fill("#signup-email", email);
      await browser.click("#signup-form button[type=submit]");
      await browser.waitFor((e) => document.querySelector("#signup-form .feedback").textContent.includes(e), [email]);
      const [mail] = await mailsTo(email);
      await browser.waitFor((href) => document.querySelector(`#outbox a[href="${href}"]`), [mail.link]);
      await browser.click(`#outbox a[href="${mail.link}"]`);

      await heading(browser, "One last step");
      await assertNoToken(browser, mail.token);
      assert.equal((await confirmRequests(mail.token)).length, 0, "opening the link spends nothing");
      await shot("03-ready");
      await (await inElement(browser, "#activate")).click();
      await heading(browser, "Your account is active");
      assert.equal(await focusedId(browser), "activated-title", "focus moved to the new state's heading");
      assert.equal(await shadowText(browser, "#status"), "Your account is active", "announced");
      const continueHref = await (await inElement(browser, "a[part=continue]")).getAttribute("href");
      assert.equal(continueHref, `${SANDBOX_URL}/`);
      assert.match(await browser.text('[data-field="access-token"]'), /^•{8}[A-Za-z0-9_-]{4}$/);
      // The element's constructable stylesheet applies under the page's CSP (style-src 'self').
      const accent = await browser.evaluate(
        () => getComputedStyle(document.querySelector("emporix-optin-activation").shadowRoot.querySelector("#activate")).backgroundColor,
      );
      assert.equal(accent, "rgb(31, 95, 214)");
      const stored = await browser.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
      assert.ok(!stored.includes("access_token") && !stored.includes(mail.token), "nothing of the session in storage");
      await shot("04-activated");

      await browser.goto(mail.link);
      await heading(browser, "One last step");
      await (await inElement(browser, "#activate")).click();
      await heading(browser, "This link has already been used");
      assert.equal(await (await inElement(browser, "#email")).getAttribute("value"), email, "the email is prefilled");
      await (await inElement(browser, "#resend-form button[type=submit]")).click();
      await browser.waitFor(
        (e) => document.querySelector("emporix-optin-activation").shadowRoot.querySelector(".feedback").textContent.startsWith(`If ${e} is waiting`),
        [email],
      );
      await browser.waitFor((e) => document.querySelector("#outbox-note").textContent === `No email was sent: ${e} is already active.`, [email]);
      await shot("05-already-used");
    });

    test("the keyboard alone: Tab reaches the button, Enter activates, a double click confirms once", async () => {
      const token = unique(`${engine}-keys`);
      await browser.goto(await registerOptIn({ email: uniqueEmail(), token }));
      await heading(browser, "One last step");
      await browser.driver.actions().sendKeys(Key.TAB).perform();
      assert.equal(await focusedId(browser), "activate");
      await browser.driver.actions().sendKeys(Key.ENTER).perform();
      await heading(browser, "Your account is active");
      assert.equal((await confirmRequests(token)).length, 1);

      const twice = unique(`${engine}-dblclick`);
      await browser.goto(await registerOptIn({ email: uniqueEmail(), token: twice }));
      await heading(browser, "One last step");
      await browser.driver.actions().doubleClick(await inElement(browser, "#activate")).perform();
      await heading(browser, "Your account is active");
      assert.equal((await confirmRequests(twice)).length, 1, "a double click confirms once");
    });

    test("setup errors show before any button, and the token leaves the address bar all the same", async () => {
      for (const [query, detail] of [
        ["confirm=bogus", 'Invalid option `confirm`: must be "click" or "auto".'],
        ["tenant=BAD&confirm=auto", "Invalid option `tenant`"],
      ]) {
        const token = unique(`${engine}-setup`);
        await registerOptIn({ email: uniqueEmail(), token });
        await browser.goto(`${SANDBOX_URL}/?${query}&token=${token}`);
        await heading(browser, "This page is not set up correctly");
        assert.ok((await shadowText(browser, ".detail")).startsWith(detail), await shadowText(browser, ".detail"));
        await assertNoToken(browser, token);
        const offered = await browser.evaluate(() => {
          const root = document.querySelector("emporix-optin-activation").shadowRoot;
          return !root.querySelector("#ready").hidden || !root.querySelector("#trouble").hidden;
        });
        assert.equal(offered, false, "no Activate or Try again button");
        assert.equal((await confirmRequests(token)).length, 0);
      }
      await shot("14-config-error");
    });

    test("an expired link offers the resend form, which checks the address and sends", async () => {
      const email = uniqueEmail();
      const token = unique(`${engine}-expired`);
      await browser.goto(await registerOptIn({ email, token, ttlSecs: 0 }));
      await heading(browser, "One last step");
      await (await inElement(browser, "#activate")).click();
      await heading(browser, "This link has expired");
      const input = await inElement(browser, "#email");
      await input.clear();
      await input.sendKeys("shopper.example.com", Key.ENTER);
      await browser.waitFor(() => !document.querySelector("emporix-optin-activation").shadowRoot.querySelector("#email-error").hidden);
      assert.equal(await input.getAttribute("aria-invalid"), "true");
      await input.clear();
      await input.sendKeys(email, Key.ENTER);
      await browser.waitFor(
        () => document.querySelector("emporix-optin-activation").shadowRoot.querySelector(".feedback").textContent.includes("a new link is on its way"),
      );
      assert.equal((await mailsTo(email)).length, 1);
      await shot("08-expired-resent");
    });

    test("a link's returnUrl: a same-origin path is honoured, //evil.example is not", async () => {
      for (const [returnUrl, expected] of [
        ["/orders", `${SANDBOX_URL}/orders`],
        ["//evil.example", `${SANDBOX_URL}/`],
        ["/\\evil.example", `${SANDBOX_URL}/`],
        ["javascript:alert(1)", `${SANDBOX_URL}/`],
      ]) {
        const token = unique(`${engine}-return`);
        const link = `${await registerOptIn({ email: uniqueEmail(), token })}&returnUrl=${encodeURIComponent(returnUrl)}`;
        await browser.goto(link);
        await heading(browser, "One last step");
        await (await inElement(browser, "#activate")).click();
        await heading(browser, "Your account is active");
        const href = await (await inElement(browser, "a[part=continue]")).getAttribute("href");
        assert.equal(href, expected, JSON.stringify(returnUrl));
      }
    });

    test("what the page's style-src 'self' allows: constructable stylesheets yes, <style> and style attributes no", async () => {
      await browser.goto(`${SANDBOX_URL}/?lang=en`);
      await heading(browser, "Check your inbox");
      const applied = await browser.evaluate(() => {
        const colorOf = (build) => {
          const host = document.createElement("div");
          document.body.append(host);
          const root = host.attachShadow({ mode: "open" });
          const probe = document.createElement("p");
          root.append(probe);
          build(root, probe);
          const color = getComputedStyle(probe).color;
          host.remove();
          return color === "rgb(1, 2, 3)";
        };
        return {
          constructable: colorOf((root) => {
            const sheet = new CSSStyleSheet();
            sheet.replaceSync("p { color: rgb(1, 2, 3); }");
            root.adoptedStyleSheets = [sheet];
          }),
          styleElement: colorOf((root) => {
            const style = document.createElement("style");
            style.textContent = "p { color: rgb(1, 2, 3); }";
            root.prepend(style);
          }),
          styleAttribute: colorOf((_root, probe) => probe.setAttribute("style", "color: rgb(1, 2, 3)")),
        };
      });
      assert.deepEqual(applied, { constructable: true, styleElement: false, styleAttribute: false });
    });

    test("German with lang=de: the states, the page and <html lang>", async () => {
      await browser.goto(`${SANDBOX_URL}/?lang=de`);
      await heading(browser, "Sehen Sie in Ihr Postfach");
      assert.equal(await browser.evaluate(() => document.documentElement.lang), "de");
      assert.equal(await browser.text("#page-title"), "Konto aktivieren");
      const token = unique(`${engine}-de`);
      await browser.goto(`${await registerOptIn({ email: uniqueEmail(), token })}&lang=de`);
      await heading(browser, "Nur noch ein Schritt");
      assert.equal(await (await inElement(browser, "#activate")).getText(), "Mein Konto aktivieren");
      await shot("de-03-ready");
      await (await inElement(browser, "#activate")).click();
      await heading(browser, "Ihr Konto ist aktiv");
      assert.equal(await (await inElement(browser, "a[part=continue]")).getText(), "Weiter");
      await shot("de-04-activated");
    });
  });
}
