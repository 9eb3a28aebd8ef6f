// <emporix-optin-activation>: the whole activation landing page as one custom
// element, a view of ActivationFlow (flow.js). Importing this module defines
// the element (a side effect, declared in package.json's `sideEffects`).
//
// Safe by construction: the DOM is built with createElement and textContent
// only (nothing from the server or the link is ever parsed as HTML), the
// styles are a constructable stylesheet (allowed by `style-src 'self'`, no
// inline style attributes), the token leaves the address bar before anything
// else happens, and the session goes to the page as an event, never to
// storage. Types and documentation: element.d.ts.
import { OptInClient } from "./client.js";
import { OptInClientCore } from "./emporix_optin.js";
import { ActivationFlow, linkReturnUrl, takeOptInToken } from "./flow.js";
import { format, formatDuration, languageFor, messagesFor } from "./i18n.js";
import { isOptInError } from "./error.js";
import { init } from "./wasm.js";

export const TAG_NAME = "emporix-optin-activation";

const STYLES = `
:host {
  display: block;
  --_text: var(--emporix-optin-text, inherit);
  --_muted: var(--emporix-optin-muted, color-mix(in srgb, currentColor 65%, transparent));
  --_surface: var(--emporix-optin-surface, Canvas);
  --_field: var(--emporix-optin-field, Field);
  --_border: var(--emporix-optin-border, color-mix(in srgb, currentColor 22%, transparent));
  --_accent: var(--emporix-optin-accent, #1f5fd6);
  --_accent-text: var(--emporix-optin-accent-text, #ffffff);
  --_success: var(--emporix-optin-success, #1b7a43);
  --_warning: var(--emporix-optin-warning, #9a5b00);
  --_error: var(--emporix-optin-error, #b3261e);
  --_focus: var(--emporix-optin-focus, #f0a500);
  --_radius: var(--emporix-optin-radius, 0.75rem);
  color: var(--_text);
  font: var(--emporix-optin-font, inherit);
  line-height: 1.5;
}
[hidden] { display: none !important; }
.panel {
  background: var(--_surface);
  border: 1px solid var(--_border);
  border-radius: var(--_radius);
  padding: 1.25rem 1.5rem;
  margin-bottom: 1rem;
}
.panel > p:last-child, .panel > div:last-child { margin-bottom: 0; }
.success { border-left: 0.35rem solid var(--_success); }
.warning { border-left: 0.35rem solid var(--_warning); }
.error { border-left: 0.35rem solid var(--_error); }
h2 { font-size: 1.2rem; margin: 0 0 0.5rem; }
h2:focus { outline: none; }
.actions { display: flex; align-items: center; gap: 0.75rem; margin-top: 1rem; }
button {
  font: inherit;
  font-weight: 600;
  padding: 0.6rem 1.2rem;
  border: 1px solid var(--_accent);
  border-radius: calc(var(--_radius) * 0.66);
  background: var(--_accent);
  color: var(--_accent-text);
  cursor: pointer;
}
button:disabled { opacity: 0.55; cursor: not-allowed; }
button:focus-visible, input:focus-visible, a:focus-visible {
  outline: 3px solid var(--_focus);
  outline-offset: 2px;
}
a { color: var(--_accent); font-weight: 600; }
label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
input {
  font: inherit;
  width: 100%;
  box-sizing: border-box;
  padding: 0.55rem 0.7rem;
  border: 1px solid var(--_border);
  border-radius: calc(var(--_radius) * 0.66);
  background: var(--_field);
  color: inherit;
}
input[aria-invalid="true"] { border-color: var(--_error); }
.field-error, .feedback[data-kind="error"] { color: var(--_error); }
.feedback[data-kind="success"] { color: var(--_success); }
.field-error { margin: 0.35rem 0 0; }
.feedback:empty { margin: 0; }
.wait, .detail { color: var(--_muted); }
.countdown { font-variant-numeric: tabular-nums; font-weight: 600; color: var(--_text); }
progress { width: 6rem; accent-color: var(--_accent); }
.visually-hidden {
  position: absolute;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip-path: inset(50%);
  white-space: nowrap;
}
`;

let sharedSheet;

/** The element's stylesheet, shared by every instance. */
function adoptStyles(root) {
  if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
    if (!sharedSheet) {
      sharedSheet = new CSSStyleSheet();
      sharedSheet.replaceSync(STYLES);
    }
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sharedSheet];
  } else {
    // Browsers without constructable stylesheets (Safari before 16.4): a
    // <style> element, which a CSP without 'unsafe-inline' blocks, leaving the
    // element unstyled but working.
    root.append(h("style", {}, STYLES));
  }
}

/** A DOM element: attributes (no style, no event handler strings) and text or element children. */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) element.setAttribute(name, "");
    else if (value !== false && value !== undefined) element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

/** Fills `element` with `template`, its `{name}` placeholders replaced by the given nodes or text. */
function fill(element, template, values = {}) {
  const parts = template.split(/(\{\w+\})/);
  element.replaceChildren(
    ...parts.map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (name === undefined || !Object.hasOwn(values, name)) return part;
      return values[name];
    }),
  );
}

// Which panel shows each status; "confirming" keeps the panel it started from.
const PANEL_OF = {
  checking: "loading",
  "no-token": "no-token",
  ready: "ready",
  activated: "activated",
  "link-used": "link-problem",
  "link-expired": "link-problem",
  "link-invalid": "link-problem",
  "rate-limited": "trouble",
  trouble: "trouble",
  "setup-error": "config-error",
};
const WITH_RESEND = new Set(["no-token", "link-used", "link-expired", "link-invalid"]);

/** The title and text keys of a status. */
function wordsFor(state) {
  switch (state.status) {
    case "link-used":
      return ["linkUsedTitle", "linkUsedText"];
    case "link-expired":
      return ["linkExpiredTitle", "linkExpiredText"];
    case "link-invalid":
      return state.reason === "replaced" ? ["linkReplacedTitle", "linkReplacedText"] : ["linkInvalidTitle", "linkInvalidText"];
    case "rate-limited":
      return ["rateLimitedTitle", "rateLimitedText"];
    case "trouble":
      return {
        network: ["networkTitle", "networkText"],
        timeout: ["timeoutTitle", "timeoutText"],
        server: ["serverTitle", "serverText"],
      }[state.reason] ?? ["unknownTitle", "unknownText"];
    default:
      return undefined;
  }
}

const Base = globalThis.HTMLElement ?? class {};

export class EmporixOptInActivation extends Base {
  #root;
  #ui;
  #flow;
  #stop;
  #messages;
  #language;
  #overrides = {};
  #anonymousToken;
  #shown; // the state last rendered
  #panel; // the panel on screen

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: "open" });
    adoptStyles(this.#root);
    this.#build();
  }

  /** The language chosen for the texts: `"en"` or `"de"`. Known once connected. */
  get language() {
    return this.#language;
  }

  /** The flow's current state (see flow.d.ts), or `undefined` before the element is connected. */
  get state() {
    return this.#flow?.state;
  }

  /** Text overrides, by key of `MESSAGES.en`; replaces earlier overrides. */
  get messages() {
    return this.#messages;
  }

  set messages(overrides) {
    this.#overrides = overrides && typeof overrides === "object" ? { ...overrides } : {};
    if (this.#language) {
      this.#messages = messagesFor(this.#language, this.#overrides);
      this.#applyTexts();
      if (this.#shown) this.#render(this.#shown, { quiet: true });
    }
  }

  /** An email address to offer in the resend form (when the shopper has not typed one). */
  set email(value) {
    const input = this.#ui.email;
    if (typeof value === "string" && input.value === "") input.value = value;
  }

  get email() {
    return this.#ui.email.value;
  }

  /**
   * An anonymous access token, or a function returning one, instead of the
   * `anonymous-token` or `client-id` attribute. Set it before the element is
   * connected.
   */
  set anonymousToken(value) {
    this.#anonymousToken = value;
  }

  connectedCallback() {
    if (!this.#flow) this.#start();
    this.#stop ??= this.#flow.subscribe((state) => this.#render(state));
    this.#render(this.#flow.state);
  }

  disconnectedCallback() {
    this.#stop?.();
    this.#stop = undefined;
  }

  // ---- setup -----------------------------------------------------------------

  #start() {
    const param = this.getAttribute("token-param") ?? "token";
    // First of all, whatever the setup: out of the address bar, history and
    // any later Referer.
    const token = takeOptInToken(param === "" ? "token" : param);
    this.#language = languageFor(this);
    this.#messages = messagesFor(this.#language, this.#overrides);
    this.#ui.root.lang = this.#language;
    this.#applyTexts();

    let client;
    let config;
    let problem;
    try {
      if (param === "") throw invalid("token-param", "must not be empty");
      config = this.#config();
      client = new OptInClient(config);
    } catch (error) {
      problem = error;
    }
    const confirm = this.getAttribute("confirm") ?? "click";
    this.#flow = new ActivationFlow({
      client,
      token,
      confirm,
      returnUrl: this.getAttribute("return-url") ?? undefined,
      linkReturnUrl: linkReturnUrl(),
      check: () => (problem ? Promise.reject(problem) : checkConfig(config)),
    });
    this.#flow.start();
  }

  #config() {
    const attribute = (name) => this.getAttribute(name) ?? undefined;
    const tenant = attribute("tenant");
    if (tenant === undefined) throw invalid("tenant", "is required: set the `tenant` attribute");
    const baseUrl = attribute("base-url");
    let resolved;
    if (baseUrl !== undefined) {
      try {
        // Relative to the page, so "/" is this server (a same-origin proxy, the sandbox).
        resolved = new URL(baseUrl, document.baseURI).href.replace(/\/+$/, "");
      } catch {
        throw invalid("baseUrl", "is not a URL (the `base-url` attribute)");
      }
    }
    const anonymousToken = this.#anonymousToken ?? attribute("anonymous-token");
    return { tenant, clientId: attribute("client-id"), anonymousToken, baseUrl: resolved };
  }

  // ---- the DOM -----------------------------------------------------------------

  #build() {
    const ui = {};
    const panel = (id, kind, ...children) => {
      const heading = h("h2", { id: `${id}-title`, tabindex: "-1", part: "heading" });
      const section = h(
        "section",
        { id, class: `panel ${kind}`.trim(), part: `panel ${id}`, "aria-labelledby": `${id}-title`, hidden: true },
        heading,
        ...children,
      );
      ui[id] = { section, heading };
      return section;
    };
    const text = () => h("p", { "data-field": "text", part: "text" });
    const actions = (button, busyKey) => {
      const busy = h("progress", { class: "busy", hidden: true });
      busy.dataset.label = busyKey;
      return h("div", { class: "actions" }, button, busy);
    };
    const wait = () => h("p", { class: "wait", part: "wait", hidden: true });

    ui.status = h("p", { id: "status", class: "visually-hidden", role: "status", "aria-live": "polite" });
    ui.loadingBar = h("progress", {});
    ui.activate = h("button", { id: "activate", type: "button", part: "button" });
    ui.retry = h("button", { id: "retry", type: "button", part: "button" });
    ui.continue = h("a", { part: "continue", hidden: true });
    ui.detail = h("p", { class: "detail", part: "detail", lang: "en" });
    ui.email = h("input", {
      id: "email",
      name: "email",
      type: "email",
      autocomplete: "email",
      required: true,
      part: "input",
      "aria-describedby": "email-error",
    });
    ui.emailLabel = h("label", { for: "email", part: "label" });
    ui.emailError = h("p", { id: "email-error", class: "field-error", part: "field-error", hidden: true });
    ui.send = h("button", { type: "submit", part: "button" });
    ui.feedback = h("p", { class: "feedback", "data-field": "feedback", role: "status", part: "feedback" });
    ui.resendWait = wait();
    ui.form = h("form", { id: "resend-form", novalidate: true }, ui.emailLabel, ui.email, ui.emailError,
      actions(ui.send, "sending"), ui.feedback, ui.resendWait);
    ui.troubleWait = wait();

    ui.root = h(
      "div",
      { part: "container" },
      ui.status,
      panel("loading", "", h("p", {}, ui.loadingBar)),
      panel("ready", "", text(), actions(ui.activate, "confirming")),
      panel("activated", "success", text(), h("p", {}, ui.continue)),
      panel("link-problem", "warning", text()),
      panel("no-token", "", text()),
      panel("trouble", "warning", text(), ui.troubleWait, actions(ui.retry, "confirming")),
      panel("config-error", "error", text(), ui.detail),
      panel("resend", "", ui.form),
    );
    this.#root.append(ui.root);
    this.#ui = ui;

    ui.activate.addEventListener("click", () => this.#flow?.confirm());
    ui.retry.addEventListener("click", () => this.#flow?.confirm());
    ui.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#submitResend();
    });
  }

  /** The texts that do not depend on the state. */
  #applyTexts() {
    const m = this.#messages;
    const ui = this.#ui;
    ui.loadingBar.setAttribute("aria-label", m.loading);
    ui.loading.heading.textContent = m.pageTitle;
    ui.loading.heading.classList.add("visually-hidden");
    ui.ready.heading.textContent = m.readyTitle;
    ui.ready.section.querySelector("[data-field=text]").textContent = m.readyText;
    ui["no-token"].heading.textContent = m.noTokenTitle;
    ui["no-token"].section.querySelector("[data-field=text]").textContent = m.noTokenText;
    ui.activated.heading.textContent = m.activatedTitle;
    ui.activated.section.querySelector("[data-field=text]").textContent = m.activatedText;
    ui.continue.textContent = m.continueLink;
    ui["config-error"].heading.textContent = m.setupErrorTitle;
    ui["config-error"].section.querySelector("[data-field=text]").textContent = m.setupErrorText;
    ui.resend.heading.textContent = m.resendTitle;
    ui.activate.textContent = m.confirmButton;
    ui.retry.textContent = m.retryButton;
    ui.emailLabel.textContent = m.emailLabel;
    ui.send.textContent = m.resendButton;
    for (const busy of this.#root.querySelectorAll("progress.busy")) {
      busy.setAttribute("aria-label", m[busy.dataset.label]);
    }
  }

  #submitResend() {
    const input = this.#ui.email;
    input.value = input.value.trim();
    if (input.value === "" || !input.checkValidity()) {
      this.#showFieldError(this.#messages.emailInvalid);
      input.focus();
      return;
    }
    this.#flow?.resend(input.value);
  }

  #showFieldError(message) {
    const { email, emailError } = this.#ui;
    emailError.textContent = message ?? "";
    emailError.hidden = !message;
    email.setAttribute("aria-invalid", String(Boolean(message)));
  }

  // ---- rendering a state ---------------------------------------------------------

  #render(state, { quiet = false } = {}) {
    const previous = this.#shown;
    if (previous === state && !quiet) return;
    this.#shown = state;
    const m = this.#messages;
    const ui = this.#ui;
    const statusChanged = previous?.status !== state.status;

    const panelId = state.status === "confirming" ? (this.#panel ?? "ready") : PANEL_OF[state.status];
    for (const id of Object.keys(PANEL_OF).map((status) => PANEL_OF[status])) {
      ui[id].section.hidden = id !== panelId;
    }
    this.#panel = panelId;
    const { section, heading } = ui[panelId];

    const words = wordsFor(state);
    if (words) {
      heading.textContent = m[words[0]];
      section.querySelector("[data-field=text]").textContent = m[words[1]];
    }
    if (state.status === "setup-error") ui.detail.textContent = setupDetail(state.error);
    if (state.status === "activated" && state.returnUrl) {
      ui.continue.href = state.returnUrl;
      ui.continue.hidden = false;
    } else {
      ui.continue.hidden = true;
    }

    // The confirm buttons, their progress and the countdown.
    const confirming = state.status === "confirming";
    for (const button of [ui.activate, ui.retry]) {
      button.disabled = !state.canConfirm;
      button.closest(".actions").querySelector(".busy").hidden = !confirming;
    }
    section.setAttribute("aria-busy", String(confirming));
    const cooldown = state.cooldown;
    this.#showWait(ui.troubleWait, cooldown?.action === "confirm" ? cooldown : null, m.retryWait);
    this.#showWait(ui.resendWait, cooldown?.action === "resend" ? cooldown : null, m.resendWait);

    this.#renderResend(state, previous);

    if (quiet) return;
    // Announce and move focus once per new state; the first state shown takes
    // no focus (the shopper has not done anything yet).
    if (statusChanged && !confirming) {
      this.#announce(heading.textContent);
      const first = !previous || previous.status === "checking";
      if (!first) heading.focus();
    } else if (statusChanged && confirming) {
      this.#announce(m.confirming);
    }
    if (cooldown && cooldown.secondsLeft > 0 && previous?.cooldown?.until !== cooldown.until) {
      this.#announce(format(m.pleaseWait, { time: formatDuration(cooldown.secondsLeft, m) }));
    } else if (!cooldown && previous?.cooldown && !statusChanged) {
      this.#announce(m.tryAgainNow);
    }

    if (statusChanged) {
      if (state.status === "activated") {
        this.dispatchEvent(new CustomEvent("activated", { detail: state.session, bubbles: true, composed: true }));
      }
    }
    this.dispatchEvent(new CustomEvent("statechange", { detail: state, bubbles: true, composed: true }));
  }

  #renderResend(state, previous) {
    const m = this.#messages;
    const ui = this.#ui;
    ui.resend.section.hidden = !WITH_RESEND.has(state.status);
    const resend = state.resendForm;
    const sending = resend.status === "sending";
    ui.send.disabled = sending || (state.cooldown?.action === "resend" && state.cooldown.secondsLeft > 0);
    ui.form.querySelector(".busy").hidden = !sending;
    ui.resend.section.setAttribute("aria-busy", String(sending));
    if (previous?.resendForm === resend) return;
    const feedback = {
      sent: [format(m.resendSent, { email: resend.email }), "success"],
      "rate-limited": [m.resendRateLimited, "error"],
      trouble: [m.resendNetwork, "error"],
      failed: [m.resendFailed, "error"],
    }[resend.status];
    ui.feedback.textContent = feedback?.[0] ?? "";
    ui.feedback.dataset.kind = feedback?.[1] ?? "";
    if (resend.status === "invalid-email") {
      this.#showFieldError(m.emailInvalid);
      ui.email.focus();
    } else if (resend.status !== "idle") {
      this.#showFieldError(null);
    }
  }

  /** Shows `template` ("… {time}.") with a ticking countdown, or hides the line. */
  #showWait(line, cooldown, template) {
    if (!cooldown || cooldown.secondsLeft <= 0) {
      line.hidden = true;
      return;
    }
    const countdown = h("span", { class: "countdown", "data-field": "countdown", part: "countdown" },
      formatDuration(cooldown.secondsLeft, this.#messages));
    fill(line, template, { time: countdown });
    line.hidden = false;
  }

  #announce(message) {
    this.#ui.status.textContent = message;
  }
}

/** What a developer needs to know about a setup error (in English, like every OptInError message). */
function setupDetail(error) {
  if (isOptInError(error) && error.code === "unauthorized") {
    // Refused even after the client's retry with a fresh token.
    return "Emporix refused the page's anonymous access: check `tenant` and `client-id` (or `anonymous-token`).";
  }
  return error instanceof Error ? error.message : "Its configuration could not be read.";
}

/**
 * Checks the client's config as its first call would, without sending
 * anything: loads the wasm module and lets its half of the client validate
 * every value. Rejects with that OptInError (or the loading error).
 */
async function checkConfig(config) {
  await init();
  new OptInClientCore(config).free();
}

// The package's `OptInError` shape for a setting of the element.
function invalid(field, problem) {
  const error = new Error(`Invalid option \`${field}\`: ${problem}.`);
  error.name = "OptInError";
  return Object.assign(error, { code: "invalid_input", field });
}

if (globalThis.customElements && !globalThis.customElements.get(TAG_NAME)) {
  globalThis.customElements.define(TAG_NAME, EmporixOptInActivation);
}
