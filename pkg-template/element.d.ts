// emporix-optin/element: <emporix-optin-activation>, the activation landing
// page as a custom element. Importing the module defines the element.
import type { CustomerToken } from "./emporix_optin.js";
import type { ActivationState } from "./flow.js";
import type { ActivationLanguage, ActivationMessages } from "./i18n.js";

/** `"emporix-optin-activation"`. */
export declare const TAG_NAME: "emporix-optin-activation";

/**
 * `<emporix-optin-activation>`. Attributes, read once when the element is
 * first connected:
 *
 * - `tenant` (required), and `client-id` or `anonymous-token` (exactly one);
 * - `base-url`: the API, relative to the page (`/` = a same-origin proxy); https://api.emporix.io by default;
 * - `token-param`: the query parameter with the token; `token` by default;
 * - `confirm`: `click` (default) or `auto`;
 * - `lang`: `en` or `de`; else the document's `lang`, then the browser's languages;
 * - `return-url`: where "Continue" leads after activation (a link's `?returnUrl=` may
 *   override it, but only with a path on the page's origin).
 *
 * Events (bubbling, composed): `activated` (`detail`: the `CustomerToken`,
 * once) and `statechange` (`detail`: the `ActivationState`).
 *
 * Theming: the custom properties `--emporix-optin-text`, `-muted`, `-surface`,
 * `-field`, `-border`, `-accent`, `-accent-text`, `-success`, `-warning`,
 * `-error`, `-focus`, `-radius`, `-font`; and the parts `container`, `panel`
 * (plus each panel's id: `ready`, `activated`, `link-problem`, `no-token`,
 * `trouble`, `config-error`, `resend`, `loading`), `heading`, `text`,
 * `detail`, `button`, `continue`, `label`, `input`, `field-error`,
 * `feedback`, `wait`, `countdown`.
 */
export declare class EmporixOptInActivation extends HTMLElement {
  /** The language of the texts, once connected. */
  readonly language: ActivationLanguage | undefined;
  /** The flow's state, once connected. */
  readonly state: ActivationState | undefined;
  /** The texts in use; assign an object of overrides (keys of `ActivationMessages`) to change some. */
  get messages(): ActivationMessages | undefined;
  set messages(overrides: Partial<Record<keyof ActivationMessages, string>> | null | undefined);
  /** An address to offer in the resend form while the shopper has typed none; reads what is typed. */
  get email(): string;
  set email(value: string);
  /** An anonymous token or a function returning one, instead of the attributes; set before connecting. */
  set anonymousToken(value: string | (() => string | PromiseLike<string>));

  addEventListener<K extends keyof EmporixOptInActivationEventMap>(
    type: K,
    listener: (this: EmporixOptInActivation, event: EmporixOptInActivationEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ): void;
}

/** The element's events, with those of every HTML element. */
export interface EmporixOptInActivationEventMap extends HTMLElementEventMap {
  /** Once, on activation: `detail` is the customer's tokens, for your session layer. */
  activated: CustomEvent<CustomerToken>;
  /** After every change of state. */
  statechange: CustomEvent<ActivationState>;
}

/** The `activated` event. */
export type ActivatedEvent = CustomEvent<CustomerToken>;

declare global {
  interface HTMLElementTagNameMap {
    "emporix-optin-activation": EmporixOptInActivation;
  }
}
