import type { CallOptions, CustomerToken, OptInClientConfig } from "./emporix_optin.js";

/**
 * The config of an `OptInClient`: exactly one of `clientId` and
 * `anonymousToken`.
 */
export type OptInClientInit = OptInClientConfig &
  (
    | { clientId: string; anonymousToken?: undefined }
    | { anonymousToken: NonNullable<OptInClientConfig["anonymousToken"]>; clientId?: undefined }
  );

/**
 * The opt-in calls for one tenant, with the anonymous access token taken care
 * of.
 *
 * With `clientId`, the client logs in anonymously on the first call, keeps the
 * token in memory only (never in `localStorage` or cookies), renews it shortly
 * before it expires (a tenth of its lifetime early, at most a minute) through
 * the refresh token while that is valid, and logs in again otherwise.
 * Concurrent calls share one login or refresh. With `anonymousToken` as a
 * function, the function is called on the first call and after a 401; as a
 * string, the token is used as it is.
 *
 * A 401 means Emporix's gateway refused the token before the request reached
 * the customer service, so a call answered 401 is sent once more with a fresh
 * token; a second 401 rejects with `unauthorized`. Nothing else is retried: a
 * timeout or a dropped connection may come after Emporix spent the token or
 * sent the email, and a blind retry would answer "already used" or send a
 * second email.
 *
 * Concurrent `confirmOptIn` calls for the same token (a double click, React 18
 * StrictMode running an effect twice, the top-level `confirmOptIn` at the same
 * time) share one request and settle with its outcome; a call after it has
 * settled sends a new one.
 */
export declare class OptInClient {
  /**
   * Keeps a copy of `config`. Loads nothing: the first call loads the
   * WebAssembly module.
   *
   * @throws OptInError (`invalid_input`) when `config` is not an object, or
   *   has both or neither of `clientId` and `anonymousToken`. The values
   *   themselves are checked on the first call, which rejects with
   *   `invalid_input` (and so does every later call) when one is wrong.
   */
  constructor(config: OptInClientInit);

  /**
   * Confirms the opt-in token from the activation link: Emporix activates the
   * account and answers with the new customer's tokens.
   *
   * The caller's `signal` and `timeoutMs` end only this call: the request,
   * once sent, runs to its answer (until the latest deadline among the calls
   * that joined it, at least 15 s and at most 600 s), so that a call for the
   * same token made meanwhile — the effect StrictMode runs again after
   * aborting the first — still gets the customer's tokens instead of
   * "already used".
   *
   * Rejects with an `OptInError`; `bad_request` means the link is invalid,
   * already used or expired (offer `resendActivation`).
   */
  confirmOptIn(token: string, options?: CallOptions): Promise<CustomerToken>;

  /**
   * Asks Emporix to email a new activation link to `email`. Resolves (to
   * `undefined`) on any 2xx; the previous link stops working. Each call sends
   * its own request; the `signal` cancels it.
   */
  resendActivation(email: string, options?: CallOptions): Promise<void>;
}
