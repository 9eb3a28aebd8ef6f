// emporix-optin/react: the activation flow as a React hook (React 18 or later,
// an optional peer dependency of the package).
import type { ActivationClient, ActivationState } from "./flow.js";

export type { ActivationState, ActivationStatus, Cooldown, ResendState } from "./flow.js";

export interface UseOptInActivationOptions {
  /** The client to confirm and resend with, usually an `OptInClient` made once, outside the component. Required. */
  client: ActivationClient;
  /**
   * `"click"`: the shopper confirms (`confirm()`); `"auto"`: the hook confirms
   * once the component has mounted. Keep `"click"` unless no email link
   * scanner opens your links.
   * @default "click"
   */
  confirm?: "click" | "auto";
  /**
   * The opt-in token. When absent, the hook takes it from the address bar
   * with `takeOptInToken(tokenParam)`, which also removes it there.
   */
  token?: string | null;
  /** The query parameter holding the token, when `token` is absent. @default "token" */
  tokenParam?: string;
  /** Where to continue after activation: any http(s) URL of your storefront (a link's `?returnUrl=` may override it with a same-origin path). */
  returnUrl?: string;
}

/** The flow's state, and its two actions. */
export interface OptInActivation extends ActivationState {
  /** Confirms the token when `canConfirm` (a double click sends one request). Never rejects. */
  confirm(): Promise<ActivationState>;
  /** Asks for a new link when `canResend`. Never rejects. */
  resend(email: string): Promise<ActivationState>;
}

/**
 * The activation flow for a component: `status` (`"activated"` once
 * confirmed, with `session`), the other fields of `ActivationState`, and the
 * actions `confirm` and `resend`.
 *
 * The flow is made on the first render and lives as long as the component;
 * later changes to the options are ignored (give the component a new `key` to
 * start over). StrictMode-safe: its doubled renders and effects send one
 * confirm request.
 */
export declare function useOptInActivation(options: UseOptInActivationOptions): OptInActivation;
