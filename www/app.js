// The landing page behind the activation link of Emporix's double opt-in.
//
// It takes the one-time token out of the address bar, confirms it when the
// shopper clicks (link scanners open links too and must not use the token up),
// and offers a new link when this one no longer works. Plain DOM, no framework;
// whatever the server sends is inserted with textContent, and the token is
// never logged or put anywhere but the confirm request.
import { OptInClient, consumeOptInToken, init, isOptInError } from "/pkg/index.js";

// ---- Configuration ---------------------------------------------------------

const DEFAULTS = {
  baseUrl: "https://api.emporix.io",
  tokenParam: "token",
  confirm: "click",
};

// Query parameters may override these, e.g. `?tenant=myshop&confirm=auto`.
// `baseUrl` and `anonymousToken` come from config.json only: a crafted link
// must not send the shopper's email and token to another server, and an access
// token does not belong in a URL.
const QUERY_OVERRIDES = ["tenant", "clientId", "tokenParam", "confirm"];

// Read once at start: config.json, then the query overrides.
let config;

/** A problem with the page's setup rather than with the shopper's link. */
class ConfigError extends Error {}

async function loadConfig() {
  const response = await fetch("config.json", { cache: "no-cache" });
  if (!response.ok) {
    throw new ConfigError(`config.json could not be loaded (HTTP ${response.status}).`);
  }
  const file = await response.json().catch(() => {
    throw new ConfigError("config.json is not valid JSON.");
  });
  const config = { ...DEFAULTS, ...file };
  const query = new URLSearchParams(location.search);
  for (const key of QUERY_OVERRIDES) {
    if (query.has(key)) config[key] = query.get(key);
  }
  if (!config.tenant) throw new ConfigError("Set `tenant` in config.json.");
  if (!config.anonymousToken && !config.clientId) {
    throw new ConfigError("Set `clientId` (or `anonymousToken`) in config.json.");
  }
  if (!config.tokenParam) throw new ConfigError("`tokenParam` must not be empty.");
  if (config.confirm !== "click" && config.confirm !== "auto") {
    throw new ConfigError('`confirm` must be "click" or "auto".');
  }
  // Resolved against the page, so "/" means this server (the sandbox, or a
  // same-origin proxy in front of Emporix).
  try {
    config.baseUrl = new URL(config.baseUrl, location.href).href.replace(/\/+$/, "");
  } catch {
    throw new ConfigError("`baseUrl` is not a URL.");
  }
  return config;
}

// ---- The Emporix client ----------------------------------------------------

// Emporix's opt-in endpoints take an anonymous access token. A storefront often
// holds one in its session already (config `anonymousToken`); otherwise the
// client logs in with the storefront's public client id, keeps the token in
// memory and renews it, and retries a call once if Emporix rejects the token.
let client;

function createClient() {
  const credentials = config.anonymousToken
    ? { anonymousToken: config.anonymousToken }
    : { clientId: config.clientId };
  return new OptInClient({ tenant: config.tenant, baseUrl: config.baseUrl, ...credentials });
}

// ---- Page states -----------------------------------------------------------

const $ = (selector, root = document) => root.querySelector(selector);
const field = (root, name) => $(`[data-field="${name}"]`, root);

const PANELS = ["loading", "ready", "activated", "link-problem", "no-token", "trouble", "config-error"];
const WITH_RESEND = ["link-problem", "no-token"];
const KNOWN_EMAIL = "emporix-optin:email";

/**
 * Shows one state. Focus moves to its heading (unless this is the first state
 * shown), because the control the shopper used may just have been hidden.
 */
function show(id, { title, text, focus = true } = {}) {
  for (const panel of PANELS) $(`#${panel}`).hidden = panel !== id;
  const panel = $(`#${id}`);
  const heading = $("h2", panel);
  if (title !== undefined) heading.textContent = title;
  if (text !== undefined) field(panel, "text").textContent = text;
  $("#resend").hidden = !WITH_RESEND.includes(id);
  prefillEmail();
  announce(heading.textContent);
  if (focus) heading.focus();
}

// The address the shopper last typed in this tab (sign-up or resend), so the
// resend form can offer it. Tab-scoped: gone when the tab closes.
function rememberEmail(email) {
  sessionStorage.setItem(KNOWN_EMAIL, email);
  prefillEmail();
}

function prefillEmail() {
  const input = $("#email");
  if (!input.value) input.value = sessionStorage.getItem(KNOWN_EMAIL) ?? "";
}

function announce(message) {
  $("#status").textContent = message;
}

/** Disables `button` and shows the progress indicator next to it. */
function setBusy(button, busy) {
  button.disabled = busy;
  button.closest(".actions").querySelector(".busy").hidden = !busy;
  button.closest("section").setAttribute("aria-busy", String(busy));
}

const countdowns = new Map();

/** Keeps `button` disabled for `seconds`, counting down in the `.wait` line of `container`. */
function holdBack(container, button, seconds) {
  clearInterval(countdowns.get(container));
  const wait = $(".wait", container);
  const until = Date.now() + seconds * 1000;
  const tick = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left > 0) {
      field(wait, "countdown").textContent = duration(left);
      return;
    }
    clearInterval(countdowns.get(container));
    wait.hidden = true;
    button.disabled = false;
    announce("You can try again now.");
  };
  button.disabled = true;
  wait.hidden = false;
  tick();
  // The countdown line is not a live region: announce the wait once, not every second.
  announce(`Please wait ${duration(seconds)} before trying again.`);
  countdowns.set(container, setInterval(tick, 250));
}

function duration(totalSeconds) {
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const secs = totalSeconds % 60;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, "0")} min`;
  if (minutes > 0) return `${minutes} min ${String(secs).padStart(2, "0")} s`;
  return `${secs} s`;
}

// ---- Confirming the token --------------------------------------------------

// Taken from the address bar at start; dropped once Emporix has accepted or rejected it.
let token = null;

// The token works only once. The button is disabled while the call runs, and
// concurrent calls for one token share a single request in the library, so a
// double click cannot use it up.
async function activate(button) {
  setBusy(button, true);
  announce("Activating your account…");
  try {
    const session = await client.confirmOptIn(token);
    token = null;
    setBusy(button, false);
    showActivated(session);
  } catch (error) {
    setBusy(button, false);
    confirmFailed(error);
  }
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function showActivated(session) {
  // A storefront would now store the session and sign the shopper in.
  const panel = $("#activated");
  field(panel, "access-token").textContent = mask(session.access_token);
  field(panel, "refresh-token").textContent = mask(session.refresh_token);
  showExpiry(field(panel, "access-expiry"), session.expires_in);
  showExpiry(field(panel, "refresh-expiry"), session.refresh_token_expires_in);
  show("activated");
}

/** Enough of a token to tell two apart, never enough to use one. */
function mask(value) {
  return value ? `••••••••${value.slice(-4)}` : "not provided";
}

function showExpiry(element, lifetimeSeconds) {
  if (lifetimeSeconds === undefined) {
    element.removeAttribute("datetime");
    element.textContent = "not stated";
    return;
  }
  const at = new Date(Date.now() + lifetimeSeconds * 1000);
  element.dateTime = at.toISOString();
  element.textContent = dateTime.format(at);
}

// Keyed by the `type` of Emporix's 400 answer (the names the sandbox uses);
// any other type gets the general text, which fits every case.
const LINK_PROBLEMS = {
  token_already_used: [
    "This link has already been used",
    "Your account may already be active: try signing in. If not, we can send you a new link.",
  ],
  token_expired: [
    "This link has expired",
    "Activation links work for a limited time. We can send you a new one.",
  ],
  token_invalidated: [
    "This link has been replaced",
    "We sent you a newer link, and only the newest one works. Use it, or get another below.",
  ],
};
const UNUSABLE_LINK = [
  "This link does not work",
  "It may have been used already, have expired or be incomplete. We can send you a new one.",
];

function confirmFailed(error) {
  if (error?.code === "unauthorized") {
    // Refused even after the client's retry with a fresh token: the setup is wrong.
    showConfigError(
      new ConfigError("Emporix refused the page's anonymous access: check `tenant` and `clientId` (or `anonymousToken`)."),
    );
    return;
  }
  if (error?.code === "invalid_input" && error.field !== "token") {
    showConfigError(error);
    return;
  }
  switch (error?.code) {
    case "bad_request":
    case "invalid_input": {
      token = null;
      const [title, text] = LINK_PROBLEMS[error.type] ?? UNUSABLE_LINK;
      show("link-problem", { title, text });
      return;
    }
    case "rate_limited":
      showTrouble(
        "Too many attempts",
        "The shop is receiving too many requests right now. Please wait a moment.",
        error.retryAfter ?? 30,
      );
      return;
    case "network":
    case "timeout":
      showTrouble("We could not reach the shop", "Check your internet connection, then try again.");
      return;
    case "server_error":
      showTrouble(
        "The shop is having trouble",
        "This is on our side, not yours. Please try again in a moment.",
        error.retryAfter,
      );
      return;
    default:
      showTrouble("Something went wrong", "Please try again. If it keeps happening, contact us.");
  }
}

function showTrouble(title, text, waitSeconds) {
  show("trouble", { title, text });
  if (waitSeconds > 0) holdBack($("#trouble"), $("#retry"), waitSeconds);
}

function showConfigError(error) {
  const text = error instanceof ConfigError || isOptInError(error)
    ? error.message
    : "Its configuration could not be read.";
  show("config-error", { text });
}

// ---- Sending a new link ----------------------------------------------------

async function sendNewLink(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const input = form.elements.email;
  const button = $("button[type=submit]", form);
  input.value = input.value.trim();
  if (!input.value || !input.checkValidity()) {
    showFieldError(input, "Enter your email address, like name@example.com.");
    return;
  }
  const email = input.value;
  showFieldError(input, null);
  showFeedback(form, null);
  rememberEmail(email);
  setBusy(button, true);
  try {
    await client.resendActivation(email);
    setBusy(button, false);
    // Emporix answers the same whether or not the address has an account waiting.
    showFeedback(form, `If ${email} is waiting for activation, a new link is on its way. Check your inbox.`);
    explainResend(email);
  } catch (error) {
    setBusy(button, false);
    resendFailed(form, input, button, error);
  }
}

function resendFailed(form, input, button, error) {
  switch (error?.code) {
    case "invalid_input":
    case "bad_request":
      showFieldError(input, "Enter your email address, like name@example.com.");
      return;
    case "rate_limited":
      showFeedback(form, "You have asked for several links in a short time.", "error");
      holdBack(form, button, error.retryAfter ?? 30);
      return;
    case "network":
    case "timeout":
      showFeedback(form, "We could not reach the shop. Check your connection and try again.", "error");
      return;
    default:
      showFeedback(form, "Sorry, the link could not be sent. Please try again later.", "error");
  }
}

function showFieldError(input, message) {
  const error = $(`#${input.getAttribute("aria-describedby")}`);
  error.textContent = message ?? "";
  error.hidden = !message;
  input.setAttribute("aria-invalid", String(Boolean(message)));
  if (message) input.focus();
}

/** Sets the form's feedback line, a live region of its own. */
function showFeedback(form, message, kind = "success") {
  const feedback = field(form, "feedback");
  feedback.textContent = message ?? "";
  feedback.dataset.kind = kind;
}

// ---- Sandbox panel ---------------------------------------------------------

// The local sandbox (loopback only) stands in for Emporix and keeps its emails
// in an outbox; against it the page offers a sign-up form and that outbox, so
// the whole loop runs in the browser. Real tenants never see this panel.
let sandbox = false;

async function detectSandbox() {
  const host = new URL(config.baseUrl).hostname;
  if (!(host === "localhost" || host === "[::1]" || host.startsWith("127."))) return;
  try {
    const response = await fetch(`${config.baseUrl}/sandbox/info`, { cache: "no-store" });
    sandbox = response.ok && (await response.json()).sandbox === true;
  } catch {
    return;
  }
  if (!sandbox) return;
  $("#signup-email").value = testEmail();
  $("#signup-form").addEventListener("submit", signUp);
  $("#refresh-outbox").addEventListener("click", refreshOutbox);
  $("#sandbox").hidden = false;
  await refreshOutbox();
}

/** A fresh address, so signing up another test customer takes one click. */
function testEmail() {
  return `shopper-${crypto.randomUUID().slice(0, 8)}@example.com`;
}

async function signUp(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const input = form.elements.email;
  input.value = input.value.trim();
  if (!input.checkValidity()) {
    showFeedback(form, "Enter an email address for the test customer.", "error");
    return;
  }
  const button = $("button[type=submit]", form);
  button.disabled = true;
  try {
    // Signing up is the storefront's business, not the library's: the sandbox
    // hands out the anonymous token it needs.
    const anonymous = await fetch(`${config.baseUrl}/sandbox/anonymous-token`, { method: "POST" });
    const { access_token } = await anonymous.json();
    const response = await fetch(`${config.baseUrl}/customer/${config.tenant}/signup`, {
      method: "POST",
      headers: { Authorization: `Bearer ${access_token}`, "Content-Type": "application/json" },
      // The test customer never signs in with a password on this page.
      body: JSON.stringify({ email: input.value, password: crypto.randomUUID() }),
    });
    if (response.status === 201) {
      await refreshOutbox();
      rememberEmail(input.value);
      showFeedback(form, `Signed up ${input.value}. The activation email is in the outbox below.`);
      input.value = testEmail();
    } else if (response.status === 409) {
      showFeedback(form, "This email address is already signed up.", "error");
    } else {
      showFeedback(form, `Sign-up failed (HTTP ${response.status}).`, "error");
    }
  } catch {
    showFeedback(form, "Sign-up failed: the sandbox did not answer.", "error");
  } finally {
    button.disabled = false;
  }
}

/**
 * Emporix mails a new link only to an account still waiting for activation,
 * and its answer does not say which happened. The sandbox can tell: say so
 * next to the outbox, so a missing email does not look like a bug.
 */
async function explainResend(email) {
  if (!sandbox) return;
  const note = $("#outbox-note");
  note.textContent = "";
  await refreshOutbox();
  let customers;
  try {
    customers = await (await fetch(`${config.baseUrl}/sandbox/customers`, { cache: "no-store" })).json();
  } catch {
    return;
  }
  const customer = customers.find(
    (c) => c.tenant === config.tenant && c.email.toLowerCase() === email.toLowerCase(),
  );
  if (!customer) {
    note.textContent = `No email was sent: no test customer signed up as ${email}.`;
  } else if (customer.status === "active") {
    note.textContent = `No email was sent: ${email} is already active.`;
  }
}

const OUTBOX_SHOWN = 5;
const timeOfDay = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });

async function refreshOutbox() {
  if (!sandbox) return;
  let mails;
  try {
    mails = await (await fetch(`${config.baseUrl}/sandbox/outbox`, { cache: "no-store" })).json();
  } catch {
    return;
  }
  const latest = mails
    .filter((mail) => mail.tenant === config.tenant)
    .reverse()
    .slice(0, OUTBOX_SHOWN);
  $("#outbox").replaceChildren(...latest.map(outboxItem));
  $("#outbox-empty").hidden = latest.length > 0;
}

function outboxItem(mail) {
  const item = document.createElement("li");
  const subject = document.createElement("strong");
  subject.textContent = mail.subject;
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = `to ${mail.to}, ${timeOfDay.format(new Date(mail.sentAt))}`;
  item.append(subject, meta);
  const link = new URL(mail.link, location.href);
  if (link.protocol === "http:" || link.protocol === "https:") {
    const anchor = document.createElement("a");
    anchor.href = link.href;
    anchor.textContent = "Open activation link";
    item.append(anchor);
  }
  return item;
}

// ---- Start -----------------------------------------------------------------

async function start() {
  try {
    config = await loadConfig();
    client = createClient();
  } catch (error) {
    showConfigError(error);
    return;
  }
  // Out of the address bar at once: not left in history, bookmarks or a Referer.
  token = consumeOptInToken(config.tokenParam) || null;
  $("#activate").addEventListener("click", (event) => activate(event.currentTarget));
  $("#retry").addEventListener("click", (event) => activate(event.currentTarget));
  $("#resend-form").addEventListener("submit", sendNewLink);
  detectSandbox();
  // Load the wasm while the shopper reads; should that fail, the click reports it.
  init().catch(() => {});
  if (!token) {
    show("no-token", { focus: false });
  } else if (config.confirm === "auto") {
    show("ready", { focus: false });
    activate($("#activate"));
  } else {
    show("ready", { focus: false });
  }
}

start();
