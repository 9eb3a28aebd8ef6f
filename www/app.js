// The demo landing page: a thin host for <emporix-optin-activation>. It reads
// config.json (plus a few query overrides), configures the element, shows what
// a storefront's `activated` handler receives, and, against the local sandbox
// only, a panel to sign up test customers and read their activation emails.
// The element does the rest: token hygiene, setup checks, the states, the
// texts in English or German, the resend form.
import { consumeOptInToken } from "/pkg/index.js";
import "/pkg/element.js";

// Query parameters may override these, e.g. `?tenant=myshop&confirm=auto&lang=de`.
// `baseUrl`, `anonymousToken` and `returnUrl` come from config.json only: a
// crafted link must not send the shopper's email and token to another server,
// an access token does not belong in a URL, and the element itself honours a
// link's `returnUrl` only as a path on this origin.
const QUERY_OVERRIDES = ["tenant", "clientId", "tokenParam", "confirm", "lang"];

// config.json key → the element's attribute.
const ATTRIBUTES = {
  tenant: "tenant",
  clientId: "client-id",
  anonymousToken: "anonymous-token",
  baseUrl: "base-url",
  tokenParam: "token-param",
  confirm: "confirm",
  lang: "lang",
  returnUrl: "return-url",
};

// The page's own texts (the element has its own, in the same two languages).
const PAGE_TEXTS = {
  en: {
    sessionTitle: "Handed to the storefront",
    sessionText: "The element's activated event carries the new customer's tokens. A storefront keeps them in its own session; this page only shows that they arrived.",
    accessToken: "Access token",
    accessUntil: "Signed in until",
    refreshToken: "Refresh token",
    refreshUntil: "Session renewable until",
    notProvided: "not provided",
    notStated: "not stated",
    sandboxText: "This panel appears only against the local sandbox, which stands in for Emporix and keeps its emails in an outbox. Sign up a test customer, then open the activation link.",
    signupLabel: "Test customer's email",
    signupButton: "Sign up",
    outbox: "Outbox",
    refresh: "Refresh",
    outboxEmpty: "No emails yet.",
    openLink: "Open activation link",
    mailMeta: "to {to}, {time}",
    signedUp: "Signed up {email}. The activation email is in the outbox below.",
    signupInvalid: "Enter an email address for the test customer.",
    signupTaken: "This email address is already signed up.",
    signupFailed: "Sign-up failed (HTTP {status}).",
    signupUnreachable: "Sign-up failed: the sandbox did not answer.",
    noSuchCustomer: "No email was sent: no test customer signed up as {email}.",
    alreadyActive: "No email was sent: {email} is already active.",
    configMissing: "This page is not set up correctly: {problem}",
  },
  de: {
    sessionTitle: "An den Shop übergeben",
    sessionText: "Das activated-Ereignis des Elements enthält die Tokens des neuen Kunden. Ein Shop legt sie in seiner eigenen Sitzung ab; diese Seite zeigt nur, dass sie angekommen sind.",
    accessToken: "Zugriffstoken",
    accessUntil: "Angemeldet bis",
    refreshToken: "Refresh-Token",
    refreshUntil: "Sitzung verlängerbar bis",
    notProvided: "nicht geliefert",
    notStated: "nicht angegeben",
    sandboxText: "Dieser Bereich erscheint nur mit der lokalen Sandbox, die Emporix vertritt und ihre E-Mails in einem Postausgang ablegt. Registrieren Sie einen Testkunden und öffnen Sie dann den Aktivierungslink.",
    signupLabel: "E-Mail des Testkunden",
    signupButton: "Registrieren",
    outbox: "Postausgang",
    refresh: "Aktualisieren",
    outboxEmpty: "Noch keine E-Mails.",
    openLink: "Aktivierungslink öffnen",
    mailMeta: "an {to}, {time}",
    signedUp: "{email} ist registriert. Die Aktivierungs-E-Mail liegt unten im Postausgang.",
    signupInvalid: "Geben Sie eine E-Mail-Adresse für den Testkunden ein.",
    signupTaken: "Diese E-Mail-Adresse ist bereits registriert.",
    signupFailed: "Registrierung fehlgeschlagen (HTTP {status}).",
    signupUnreachable: "Registrierung fehlgeschlagen: Die Sandbox hat nicht geantwortet.",
    noSuchCustomer: "Keine E-Mail gesendet: Kein Testkunde ist als {email} registriert.",
    alreadyActive: "Keine E-Mail gesendet: {email} ist bereits aktiv.",
    configMissing: "Diese Seite ist nicht richtig eingerichtet: {problem}",
  },
};

const $ = (selector, root = document) => root.querySelector(selector);
const field = (root, name) => $(`[data-field="${name}"]`, root);
const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));

// The demo's own convenience: the address last typed in this tab (sign-up or
// resend), offered in the resend form after the next page load. Not the
// library's doing: it never writes to storage.
const KNOWN_EMAIL = "emporix-optin-demo:email";

let texts = PAGE_TEXTS.en;
let config;
let element;

async function loadConfig() {
  const response = await fetch("config.json", { cache: "no-cache" });
  if (!response.ok) throw new Error(`config.json could not be loaded (HTTP ${response.status}).`);
  const file = await response.json().catch(() => {
    throw new Error("config.json is not valid JSON.");
  });
  if (file === null || typeof file !== "object" || Array.isArray(file)) {
    throw new Error("config.json must hold an object.");
  }
  const merged = { ...file };
  const query = new URLSearchParams(location.search);
  for (const key of QUERY_OVERRIDES) {
    if (query.has(key)) merged[key] = query.get(key);
  }
  return merged;
}

function createElement() {
  const activation = document.createElement("emporix-optin-activation");
  for (const [key, attribute] of Object.entries(ATTRIBUTES)) {
    const value = config[key];
    if (value !== undefined && value !== null) activation.setAttribute(attribute, String(value));
  }
  activation.addEventListener("activated", (event) => showSession(event.detail));
  activation.addEventListener("statechange", (event) => {
    const { resendForm: resend } = event.detail;
    if (resend.status === "sent" && resend !== lastResend) {
      lastResend = resend;
      sessionStorage.setItem(KNOWN_EMAIL, resend.email);
      explainResend(resend.email);
    }
  });
  return activation;
}
let lastResend;

/** The page's texts in the element's language, and <html lang> to match. */
function localize() {
  const language = element.language;
  document.documentElement.lang = language;
  texts = PAGE_TEXTS[language] ?? PAGE_TEXTS.en;
  const title = element.messages.pageTitle;
  document.title = title;
  $("#page-title").textContent = title;
  for (const node of document.querySelectorAll("[data-text]")) node.textContent = texts[node.dataset.text];
}

// ---- What the storefront receives ------------------------------------------------

function showSession(session) {
  const panel = $("#session");
  field(panel, "access-token").textContent = mask(session.access_token);
  field(panel, "refresh-token").textContent = mask(session.refresh_token);
  showExpiry(field(panel, "access-expiry"), session.expires_in);
  showExpiry(field(panel, "refresh-expiry"), session.refresh_token_expires_in);
  panel.hidden = false;
}

/** Enough of a token to tell two apart, never enough to use one. */
function mask(value) {
  return value ? `••••••••${value.slice(-4)}` : texts.notProvided;
}

function showExpiry(node, lifetimeSeconds) {
  if (lifetimeSeconds === undefined) {
    node.removeAttribute("datetime");
    node.textContent = texts.notStated;
    return;
  }
  const at = new Date(Date.now() + lifetimeSeconds * 1000);
  node.dateTime = at.toISOString();
  node.textContent = new Intl.DateTimeFormat(element.language, { dateStyle: "medium", timeStyle: "short" }).format(at);
}

// ---- Sandbox panel ---------------------------------------------------------------

// The local sandbox (loopback only) stands in for Emporix and keeps its emails
// in an outbox; against it the page offers a sign-up form and that outbox, so
// the whole loop runs in the browser. Real tenants never see this panel.
let sandbox = false;
let apiBase;

async function detectSandbox() {
  try {
    apiBase = new URL(config.baseUrl ?? "https://api.emporix.io", location.href).href.replace(/\/+$/, "");
  } catch {
    return; // the element reports the bad setting
  }
  const host = new URL(apiBase).hostname;
  if (!(host === "localhost" || host === "[::1]" || host.startsWith("127."))) return;
  try {
    const response = await fetch(`${apiBase}/sandbox/info`, { cache: "no-store" });
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

function showFeedback(form, message, kind = "success") {
  const feedback = field(form, "feedback");
  feedback.textContent = message ?? "";
  feedback.dataset.kind = kind;
}

async function signUp(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const input = form.elements.email;
  input.value = input.value.trim();
  if (!input.checkValidity()) {
    showFeedback(form, texts.signupInvalid, "error");
    return;
  }
  const button = $("button[type=submit]", form);
  button.disabled = true;
  try {
    // Signing up is the storefront's business, not the library's: the sandbox
    // hands out the anonymous token it needs.
    const anonymous = await fetch(`${apiBase}/sandbox/anonymous-token`, { method: "POST" });
    const { access_token } = await anonymous.json();
    const response = await fetch(`${apiBase}/customer/${encodeURIComponent(config.tenant)}/signup`, {
      method: "POST",
      headers: { Authorization: `Bearer ${access_token}`, "Content-Type": "application/json" },
      // The test customer never signs in with a password on this page.
      body: JSON.stringify({ email: input.value, password: crypto.randomUUID() }),
    });
    if (response.status === 201) {
      await refreshOutbox();
      sessionStorage.setItem(KNOWN_EMAIL, input.value);
      element.email = input.value;
      showFeedback(form, fill(texts.signedUp, { email: input.value }));
      input.value = testEmail();
    } else if (response.status === 409) {
      showFeedback(form, texts.signupTaken, "error");
    } else {
      showFeedback(form, fill(texts.signupFailed, { status: response.status }), "error");
    }
  } catch {
    showFeedback(form, texts.signupUnreachable, "error");
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
    customers = await (await fetch(`${apiBase}/sandbox/customers`, { cache: "no-store" })).json();
  } catch {
    return;
  }
  const customer = customers.find(
    (c) => c.tenant === config.tenant && c.email.toLowerCase() === email.toLowerCase(),
  );
  if (!customer) note.textContent = fill(texts.noSuchCustomer, { email });
  else if (customer.status === "active") note.textContent = fill(texts.alreadyActive, { email });
}

const OUTBOX_SHOWN = 5;

async function refreshOutbox() {
  if (!sandbox) return;
  let mails;
  try {
    mails = await (await fetch(`${apiBase}/sandbox/outbox`, { cache: "no-store" })).json();
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
  const time = new Intl.DateTimeFormat(element.language, { timeStyle: "medium" }).format(new Date(mail.sentAt));
  meta.textContent = fill(texts.mailMeta, { to: mail.to, time });
  item.append(subject, meta);
  const link = new URL(mail.link, location.href);
  if (link.protocol === "http:" || link.protocol === "https:") {
    const anchor = document.createElement("a");
    anchor.href = link.href;
    anchor.textContent = texts.openLink;
    item.append(anchor);
  }
  return item;
}

// ---- Start -----------------------------------------------------------------------

async function start() {
  try {
    config = await loadConfig();
  } catch (error) {
    // Without a config there is no element; the token still leaves the address bar.
    consumeOptInToken(new URLSearchParams(location.search).get("tokenParam") || "token");
    const problem = $("#page-error");
    problem.textContent = fill(PAGE_TEXTS.en.configMissing, { problem: error.message });
    problem.hidden = false;
    return;
  }
  element = createElement();
  $("#activation").replaceWith(element);
  localize();
  element.email = sessionStorage.getItem(KNOWN_EMAIL) ?? "";
  detectSandbox();
}

start();
