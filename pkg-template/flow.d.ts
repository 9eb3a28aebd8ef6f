// emporix-optin/flow: the activation landing page's logic as a state machine,
// without a framework. The element (emporix-optin/element) and the React hook
// (emporix-optin/react) are views of it.
import type { CustomerToken, OptInError } from "./emporix_optin.js";

/**
 * What the landing page shows.
 *
 * - `checking`: the setup is being checked (and the WebAssembly module loaded); no button yet.
 * - `no-token`: the page was opened without a token (offer the resend form).
 * - `ready`: a token is waiting for the shopper's click.
 * - `confirming`: the confirm request is under way.
 * - `activated`: done; `session` holds the customer's tokens.
 * - `link-used`, `link-expired`, `link-invalid`: Emporix will not confirm this token
 *   (`reason` `"replaced"` when a resend superseded it); offer the resend form.
 * - `rate-limited`: Emporix answered 429; `cooldown` counts down to the next try.
 * - `trouble`: no usable answer (`reason` `"network"`, `"timeout"`, `"server"` or
 *   `"unknown"`); the token may still work: offer "Try again".
 * - `setup-error`: the page's configuration is wrong (`error` says what); the token is unspent.
 */
export type ActivationStatus =
  | "checking"
  | "no-token"
  | "ready"
  | "confirming"
  | "activated"
  | "link-used"
  | "link-expired"
  | "link-invalid"
  | "rate-limited"
  | "trouble"
  | "setup-error";

/** The resend form's own state, next to the page's `status`. */
export interface ResendState {
  /**
   * `idle` (nothing asked yet), `sending`, `sent` (Emporix accepted; it says
   * the same whether or not the address has an account waiting),
   * `invalid-email`, `rate-limited` (see `cooldown`), `trouble` (`reason`
   * `"network"` or `"timeout"`), `failed` (anything else).
   */
  readonly status: "idle" | "sending" | "sent" | "invalid-email" | "rate-limited" | "trouble" | "failed";
  /** The address asked for, trimmed. */
  readonly email?: string;
  /** For `trouble`: `"network"` or `"timeout"`. */
  readonly reason?: "network" | "timeout";
  /** The error behind a failed resend. */
  readonly error?: unknown;
}

/** A wait imposed by Emporix (429, or 5xx with `Retry-After`). */
export interface Cooldown {
  /** What waits: the confirm button or the resend form. */
  readonly action: "confirm" | "resend";
  /** When it ends, in milliseconds since the epoch (the flow's clock). */
  readonly until: number;
  /** Whole seconds left, updated once a second while someone is subscribed. */
  readonly secondsLeft: number;
}

/** One state of the flow: a frozen object, replaced (never changed) on each transition. */
export interface ActivationState {
  readonly status: ActivationStatus;
  /**
   * Details of the status: for `link-invalid` `"replaced"`, `"not-found"`,
   * `"malformed"` or `"unknown"`; for `trouble` `"network"`, `"timeout"`,
   * `"server"` or `"unknown"`.
   */
  readonly reason?: string;
  /** The error behind `link-*`, `rate-limited`, `trouble` and `setup-error`: usually an `OptInError`. For developers, not shoppers. */
  readonly error?: OptInError | unknown;
  /** For `activated`: the customer's tokens. Hand them to your session layer; the flow stores them nowhere. */
  readonly session?: CustomerToken;
  /** Where "Continue" leads after activation (see `returnUrl` and `linkReturnUrl`), when set. */
  readonly returnUrl?: string;
  /** The wait Emporix imposed, or `null`. */
  readonly cooldown: Cooldown | null;
  /** The resend form's state (named so as not to clash with the `resend` action of the React hook). */
  readonly resendForm: ResendState;
  /** Whether `confirm()` would send a request now (offer the button enabled). */
  readonly canConfirm: boolean;
  /** Whether the resend form belongs on the page and `resend()` would send now. */
  readonly canResend: boolean;
}

/** Where the flow gets the time; Node's or the browser's timers by default. */
export interface FlowClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/** The client the flow calls: an `OptInClient`, or anything with its two methods. */
export interface ActivationClient {
  confirmOptIn(token: string): Promise<CustomerToken>;
  resendActivation(email: string): Promise<void>;
}

export interface ActivationFlowOptions {
  /** The client to confirm and resend with, usually an `OptInClient`. Required. */
  client: ActivationClient;
  /** The opt-in token from the link (see `takeOptInToken`); `null` or `""` for none. @default null */
  token?: string | null;
  /**
   * `"click"`: confirm when the shopper clicks (email link scanners open links
   * too, and would spend the token). `"auto"`: confirm as soon as `start()`
   * has checked the setup.
   * @default "click"
   */
  confirm?: "click" | "auto";
  /**
   * Where to continue after activation, set by the storefront: any http(s)
   * URL, absolute or relative to `baseUrl`. Anything else is a setup error.
   */
  returnUrl?: string;
  /**
   * A return path from the link's query (see `linkReturnUrl()`): honoured only
   * as a path on the page's own origin (`/account`), and then preferred over
   * `returnUrl`; anything else is ignored.
   */
  linkReturnUrl?: string | null;
  /** The URL relative return URLs resolve against. @default document.baseURI, else location.href */
  baseUrl?: string;
  /**
   * Runs in `start()` before the button is offered: a rejection with an
   * `OptInError` makes the state `setup-error`; any other rejection `trouble`.
   */
  check?: () => void | Promise<void>;
  /** Time and timers, for tests. */
  clock?: FlowClock;
}

/**
 * The activation flow: states, transitions, and a subscribe API. Options that
 * are wrong never throw: `start()` turns them into the `setup-error` state.
 *
 * ```js
 * const flow = new ActivationFlow({ client, token: takeOptInToken() });
 * flow.subscribe((state) => render(state));
 * flow.start();
 * button.onclick = () => flow.confirm();
 * ```
 */
export declare class ActivationFlow {
  constructor(options: ActivationFlowOptions);
  /** The current state. */
  readonly state: ActivationState;
  /** The current state; the same object until the next change (for `useSyncExternalStore`). Bound. */
  readonly getSnapshot: () => ActivationState;
  /**
   * Calls `listener` with each new state; returns the function that stops it.
   * A listener that throws is reported (`reportError`) and the others still
   * run. Countdowns tick only while someone is subscribed. Bound.
   */
  readonly subscribe: (listener: (state: ActivationState) => void) => () => void;
  /** Checks the setup, then `ready` or `no-token` (with `confirm: "auto"`, confirms). Runs once: later calls return the same promise. Bound. */
  readonly start: () => Promise<ActivationState>;
  /**
   * Confirms the token when `canConfirm`; otherwise does nothing. Concurrent
   * calls (a double click) share one request. Resolves with the resulting
   * state; never rejects. Bound.
   */
  readonly confirm: () => Promise<ActivationState>;
  /**
   * Asks Emporix for a new link to `email` (trimmed) when `canResend`;
   * otherwise does nothing. Concurrent calls share one request. Resolves with
   * the resulting state; never rejects. Bound.
   */
  readonly resend: (email: string) => Promise<ActivationState>;
  /** Stops the countdown and drops every listener. */
  readonly dispose: () => void;
}

/**
 * `value` as a safe place to continue to, or `null`.
 *
 * With `from: "config"` (the storefront's setting): any http(s) URL without
 * credentials, resolved against `base`. With `from: "link"` (the default: a
 * value from the query): only a path written as one (`/account?x=1`), on
 * `base`'s origin; `//host`, `/\host`, any backslash, whitespace or control
 * character, other schemes and encoded tricks are refused.
 */
export declare function safeReturnUrl(
  value: unknown,
  options?: { from?: "config" | "link"; base?: string },
): string | null;

/**
 * The opt-in token of this page load: taken out of the address bar
 * (`consumeOptInToken`) the first time, then remembered in memory, so a
 * component that renders twice (React StrictMode) or remounts gets it again.
 * `null` when there is none.
 *
 * @param param - The query parameter holding the token. @default "token"
 */
export declare function takeOptInToken(param?: string): string | null;

/**
 * The raw `returnUrl` query parameter of this page (unchecked: give it to
 * `ActivationFlow` as `linkReturnUrl`, which checks it), or `null`.
 *
 * @param param - The query parameter. @default "returnUrl"
 */
export declare function linkReturnUrl(param?: string): string | null;
