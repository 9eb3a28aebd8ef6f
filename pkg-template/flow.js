// The activation flow as a state machine on top of an OptInClient: what the
// landing page shows, what each click does, what each answer means. No DOM and
// no framework; time comes from an injectable clock, so the whole flow runs in
// Node's test runner with a fake client. The element (element.js) and the
// React hook (react.js) are views of it. Types and documentation: flow.d.ts.
import { isOptInError } from "./error.js";
import { consumeOptInToken, readOptInToken } from "./link.js";

const CONFIRMABLE = new Set(["ready", "trouble", "rate-limited"]);
const RESENDABLE = new Set(["no-token", "link-used", "link-expired", "link-invalid"]);

// Emporix's 400 `type` for a token it will not confirm (the names the sandbox
// uses); any other type is "link-invalid" with reason "unknown".
const LINK_PROBLEMS = {
  token_already_used: ["link-used", undefined],
  token_expired: ["link-expired", undefined],
  token_invalidated: ["link-invalid", "replaced"],
  token_not_found: ["link-invalid", "not-found"],
};

// When Emporix says 429 without `Retry-After`.
const DEFAULT_WAIT_SECONDS = 30;

const SYSTEM_CLOCK = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id),
};

const IDLE_RESEND = Object.freeze({ status: "idle" });

export class ActivationFlow {
  #client;
  #token;
  #mode;
  #check;
  #returnUrl;
  #problem;
  #clock;
  #state;
  #listeners = new Set();
  #timer;
  #started;
  #confirming;
  #resending;

  constructor(options = {}) {
    const { client, token = null, confirm = "click", returnUrl, linkReturnUrl, baseUrl, check, clock } =
      options ?? {};
    this.#client = client;
    this.#token = typeof token === "string" && token !== "" ? token : null;
    this.#mode = confirm;
    this.#check = check;
    this.#clock = clock ?? SYSTEM_CLOCK;
    // Problems with the options are not thrown: they become the
    // "setup-error" state on start(), which a page can show.
    try {
      if (typeof client?.confirmOptIn !== "function" || typeof client?.resendActivation !== "function") {
        throw invalid("client", "must be an OptInClient (an object with confirmOptIn and resendActivation)");
      }
      if (confirm !== "click" && confirm !== "auto") {
        throw invalid("confirm", 'must be "click" or "auto"');
      }
      this.#returnUrl = returnUrlFor({ returnUrl, linkReturnUrl, baseUrl });
    } catch (error) {
      this.#problem = error;
    }
    this.#state = this.#snapshot({ status: "checking", resendForm: IDLE_RESEND, cooldown: null });
  }

  /** The current state; a new frozen object after each change. */
  get state() {
    return this.#state;
  }

  /** The current state (for React's `useSyncExternalStore`). */
  getSnapshot = () => this.#state;

  /** Calls `listener(state)` after every change; returns the function that stops it. */
  subscribe = (listener) => {
    if (typeof listener !== "function") throw new TypeError("subscribe(listener): listener must be a function");
    const entry = { listener };
    this.#listeners.add(entry);
    this.#schedule();
    return () => {
      this.#listeners.delete(entry);
      if (this.#listeners.size === 0) this.#unschedule();
    };
  };

  /** Checks the setup, then offers the button (or confirms, with confirm: "auto"). Runs once. */
  start = () => {
    this.#started ??= this.#start();
    return this.#started;
  };

  /** Confirms the token, when the state allows it; concurrent calls share one attempt. */
  confirm = () => {
    if (this.#confirming) return this.#confirming;
    if (!this.#canConfirm()) return Promise.resolve(this.#state);
    this.#confirming = this.#runConfirm().finally(() => {
      this.#confirming = undefined;
    });
    return this.#confirming;
  };

  /** Asks for a new activation link for `email`, when the state allows it. */
  resend = (email) => {
    if (this.#resending) return this.#resending;
    if (!this.#canResend()) return Promise.resolve(this.#state);
    this.#resending = this.#runResend(typeof email === "string" ? email.trim() : "").finally(() => {
      this.#resending = undefined;
    });
    return this.#resending;
  };

  /** Stops the countdown timer and forgets every listener. */
  dispose = () => {
    this.#listeners.clear();
    this.#unschedule();
  };

  // ---- transitions ---------------------------------------------------------

  async #start() {
    if (this.#problem) return this.#set({ status: "setup-error", error: this.#problem });
    try {
      await this.#check?.();
    } catch (error) {
      // A check that could not run (the wasm did not load, say) is trouble the
      // shopper can retry; a setting that is wrong is the page's problem.
      if (isOptInError(error)) return this.#set({ status: "setup-error", error });
      if (this.#token === null) return this.#set({ status: "no-token" });
      return this.#set({ status: "trouble", reason: "unknown", error });
    }
    if (this.#token === null) return this.#set({ status: "no-token" });
    this.#set({ status: "ready" });
    if (this.#mode === "auto") return this.confirm();
    return this.#state;
  }

  async #runConfirm() {
    this.#set({ status: "confirming" });
    let session;
    try {
      session = await this.#client.confirmOptIn(this.#token);
    } catch (error) {
      return this.#confirmFailed(error);
    }
    this.#token = null;
    return this.#set({ status: "activated", session });
  }

  #confirmFailed(error) {
    const code = isOptInError(error) ? error.code : undefined;
    switch (code) {
      case "bad_request": {
        this.#token = null;
        const [status, reason] = LINK_PROBLEMS[error.type] ?? ["link-invalid", "unknown"];
        return this.#set({ status, reason, error });
      }
      case "invalid_input":
        if (error.field === "token") {
          this.#token = null;
          return this.#set({ status: "link-invalid", reason: "malformed", error });
        }
        return this.#set({ status: "setup-error", error });
      case "unauthorized":
        // Refused even after the client's retry with a fresh token: the setup
        // (tenant, client id) is wrong, and the opt-in token is still unused.
        return this.#set({ status: "setup-error", error });
      case "rate_limited":
        return this.#set({
          status: "rate-limited",
          error,
          cooldown: this.#cooldown("confirm", error.retryAfter ?? DEFAULT_WAIT_SECONDS),
        });
      case "network":
      case "timeout":
        return this.#set({ status: "trouble", reason: code, error });
      case "server_error":
        return this.#set({
          status: "trouble",
          reason: "server",
          error,
          cooldown: error.retryAfter > 0 ? this.#cooldown("confirm", error.retryAfter) : null,
        });
      default:
        return this.#set({ status: "trouble", reason: "unknown", error });
    }
  }

  async #runResend(email) {
    if (email === "") return this.#setResend({ status: "invalid-email", email });
    this.#setResend({ status: "sending", email });
    try {
      await this.#client.resendActivation(email);
    } catch (error) {
      return this.#resendFailed(email, error);
    }
    // Emporix answers alike whether or not the address has an account waiting.
    return this.#setResend({ status: "sent", email });
  }

  #resendFailed(email, error) {
    const code = isOptInError(error) ? error.code : undefined;
    switch (code) {
      case "invalid_input":
        if (error.field === "email") return this.#setResend({ status: "invalid-email", email, error });
        return this.#set({ status: "setup-error", error, resendForm: IDLE_RESEND });
      case "bad_request":
        return this.#setResend({ status: "invalid-email", email, error });
      case "unauthorized":
        return this.#set({ status: "setup-error", error, resendForm: IDLE_RESEND });
      case "rate_limited":
        return this.#set({
          resendForm: { status: "rate-limited", email, error },
          cooldown: this.#cooldown("resend", error.retryAfter ?? DEFAULT_WAIT_SECONDS),
        });
      case "network":
      case "timeout":
        return this.#setResend({ status: "trouble", reason: code, email, error });
      default:
        return this.#setResend({ status: "failed", email, error });
    }
  }

  #canConfirm() {
    return CONFIRMABLE.has(this.#state.status) && this.#token !== null && !this.#waiting("confirm");
  }

  #canResend() {
    return RESENDABLE.has(this.#state.status) && !this.#waiting("resend");
  }

  #waiting(action) {
    const { cooldown } = this.#state;
    return cooldown !== null && cooldown.action === action && this.#clock.now() < cooldown.until;
  }

  // ---- state and time ------------------------------------------------------

  #cooldown(action, seconds) {
    const until = this.#clock.now() + Math.ceil(seconds) * 1000;
    return { action, until, secondsLeft: Math.ceil(seconds) };
  }

  #setResend(resendForm) {
    return this.#set({ resendForm });
  }

  /**
   * The next state: `changes` on top of the current one. A new status drops
   * the previous status's details (reason, error) and, unless given, its
   * countdown.
   */
  #set(changes) {
    const previous = this.#state;
    const statusChanged = changes.status !== undefined && changes.status !== previous.status;
    const next = statusChanged
      ? { status: changes.status, session: previous.session, resendForm: previous.resendForm, cooldown: null, ...changes }
      : { ...previous, ...changes };
    this.#state = this.#snapshot(next);
    this.#schedule();
    this.#emit();
    return this.#state;
  }

  #emit() {
    const state = this.#state;
    for (const { listener } of [...this.#listeners]) {
      try {
        listener(state);
      } catch (error) {
        // One failing listener must not stop the others, nor the flow; the
        // error is reported as uncaught (the console, window.onerror).
        report(error);
      }
    }
  }

  // The countdown ticks once a second while anyone listens; `until` is a point
  // in time, so a paused countdown resumes where it should.
  #schedule() {
    this.#unschedule();
    const { cooldown } = this.#state;
    if (cooldown === null || this.#listeners.size === 0) return;
    const left = cooldown.until - this.#clock.now();
    if (left <= 0) {
      this.#set({ cooldown: null });
      return;
    }
    const secondsLeft = Math.ceil(left / 1000);
    if (secondsLeft !== cooldown.secondsLeft) {
      this.#set({ cooldown: { ...cooldown, secondsLeft } });
      return;
    }
    // Wake up when the displayed second changes.
    const delay = left - (secondsLeft - 1) * 1000;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#schedule();
    }, delay);
  }

  #unschedule() {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** A frozen copy of `state` with the derived fields, and no undefined ones. */
  #snapshot(state) {
    const { cooldown } = state;
    const waiting = (action) => cooldown?.action === action && cooldown.secondsLeft > 0;
    const copy = {
      status: state.status,
      reason: state.reason,
      error: state.error,
      session: state.status === "activated" ? state.session : undefined,
      returnUrl: this.#returnUrl,
      cooldown: cooldown ? Object.freeze({ ...cooldown }) : null,
      resendForm: Object.freeze({ ...state.resendForm }),
      canConfirm: CONFIRMABLE.has(state.status) && this.#token !== null && !waiting("confirm"),
      canResend: RESENDABLE.has(state.status) && state.resendForm.status !== "sending" && !waiting("resend"),
    };
    for (const key of Object.keys(copy)) if (copy[key] === undefined) delete copy[key];
    return Object.freeze(copy);
  }
}

function report(error) {
  if (typeof globalThis.reportError === "function") {
    globalThis.reportError(error);
  } else {
    queueMicrotask(() => {
      throw error;
    });
  }
}

// ---- the hand-off ------------------------------------------------------------

/**
 * Where "Continue" leads after activation, or `undefined`. The storefront's
 * own setting may be any http(s) URL; a value from the link's query only a
 * same-origin path, so a crafted link cannot send the shopper elsewhere. The
 * link's value wins when it is safe.
 */
function returnUrlFor({ returnUrl, linkReturnUrl, baseUrl }) {
  const base = baseUrl ?? globalThis.document?.baseURI ?? globalThis.location?.href;
  const configured =
    returnUrl === undefined || returnUrl === null || returnUrl === ""
      ? undefined
      : safeReturnUrl(returnUrl, { from: "config", base });
  if (configured === null) {
    throw invalid("returnUrl", "must be an http: or https: URL (absolute, or relative to the page)");
  }
  const fromLink = typeof linkReturnUrl === "string" ? safeReturnUrl(linkReturnUrl, { from: "link", base }) : null;
  return fromLink ?? configured;
}

// Anything a URL parser would strip or reinterpret: whitespace and control
// characters (a tab inside "/\t/evil.example" makes it "//evil.example").
const UNSAFE_CHARACTERS = /[\u0000-\u0020\u007f-\u009f\u2028\u2029\ufeff]/;

export function safeReturnUrl(value, { from = "link", base = globalThis.location?.href } = {}) {
  if (typeof value !== "string" || value === "" || value.length > 2048 || UNSAFE_CHARACTERS.test(value)) {
    return null;
  }
  let page;
  let url;
  try {
    page = new URL(base);
    url = new URL(value, page);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (from === "config") return url.username || url.password ? null : url.href;
  // From a link: a path on this origin, written as one ("/account"), never
  // "//host", "/\host" or anything with a backslash, which browsers read as
  // a slash.
  if (!value.startsWith("/") || value.startsWith("//") || value.includes("\\")) return null;
  return url.origin === page.origin ? url.href : null;
}

// ---- the token ---------------------------------------------------------------

const taken = new Map();

/**
 * The opt-in token of this page load: read once from the address bar and
 * removed from it (consumeOptInToken), then remembered in memory, so that a
 * component rendered twice (React StrictMode) or remounted gets it again.
 */
export function takeOptInToken(param = "token") {
  const fresh = consumeOptInToken(param);
  if (fresh !== null) taken.set(param, fresh);
  return taken.get(param) ?? null;
}

/** The return path in this page's query (`?returnUrl=/account`), unchecked: ActivationFlow checks it. */
export function linkReturnUrl(param = "returnUrl") {
  return globalThis.location ? readOptInToken(globalThis.location.href, param) : null;
}

// The same `OptInError` shape the package throws: a real Error with `name`,
// `code` and `field`.
function invalid(field, problem) {
  const error = new Error(`Invalid option \`${field}\`: ${problem}.`);
  error.name = "OptInError";
  return Object.assign(error, { code: "invalid_input", field });
}
