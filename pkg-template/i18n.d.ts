// emporix-optin/i18n: the activation flow's shopper-facing texts in English
// and German, and how the language is chosen. OptInError messages are for
// developers and stay English.

/** Every shopper-facing text of the flow, by key. `{name}` marks a value filled in as text. */
export interface ActivationMessages {
  readonly pageTitle: string;
  readonly loading: string;
  readonly noTokenTitle: string;
  readonly noTokenText: string;
  readonly readyTitle: string;
  readonly readyText: string;
  readonly confirmButton: string;
  readonly confirming: string;
  readonly activatedTitle: string;
  readonly activatedText: string;
  readonly continueLink: string;
  readonly linkUsedTitle: string;
  readonly linkUsedText: string;
  readonly linkExpiredTitle: string;
  readonly linkExpiredText: string;
  readonly linkReplacedTitle: string;
  readonly linkReplacedText: string;
  readonly linkInvalidTitle: string;
  readonly linkInvalidText: string;
  readonly rateLimitedTitle: string;
  readonly rateLimitedText: string;
  readonly networkTitle: string;
  readonly networkText: string;
  readonly timeoutTitle: string;
  readonly timeoutText: string;
  readonly serverTitle: string;
  readonly serverText: string;
  readonly unknownTitle: string;
  readonly unknownText: string;
  readonly retryButton: string;
  /** `{time}`: the countdown. */
  readonly retryWait: string;
  /** `{time}`: the countdown. */
  readonly resendWait: string;
  /** `{time}`: the wait. */
  readonly pleaseWait: string;
  readonly tryAgainNow: string;
  readonly setupErrorTitle: string;
  readonly setupErrorText: string;
  readonly resendTitle: string;
  readonly emailLabel: string;
  readonly resendButton: string;
  readonly sending: string;
  /** `{email}`: the address. */
  readonly resendSent: string;
  readonly emailInvalid: string;
  readonly resendRateLimited: string;
  readonly resendNetwork: string;
  readonly resendFailed: string;
  /** `{s}`. */
  readonly seconds: string;
  /** `{m}`, `{ss}` (two digits). */
  readonly minutes: string;
  /** `{h}`, `{mm}` (two digits). */
  readonly hours: string;
}

/** A supported language. */
export type ActivationLanguage = "en" | "de";

/** The complete texts of each supported language. */
export declare const MESSAGES: Readonly<Record<ActivationLanguage, ActivationMessages>>;

/** The supported languages: `["en", "de"]`. */
export declare const LANGUAGES: readonly ActivationLanguage[];

/** The first supported language among BCP 47 `candidates` (`"de-CH"` → `"de"`), else `"en"`. */
export declare function pickLanguage(candidates: Iterable<unknown> | null | undefined): ActivationLanguage;

/**
 * The language for `element`: the nearest `lang` attribute (its own or an
 * ancestor's), then the document's, then `navigator.languages`; else `"en"`.
 */
export declare function languageFor(element?: Element | null): ActivationLanguage;

/** The texts of `language` with `overrides` on top (unknown keys and non-strings ignored). */
export declare function messagesFor(
  language: string,
  overrides?: Partial<Record<keyof ActivationMessages, string>> | null,
): ActivationMessages;

/** `template` with each `{name}` replaced by `values[name]` (as text); unknown names stay. */
export declare function format(template: string, values?: Record<string, unknown>): string;

/** A wait in the texts' words: `"45 s"`, `"2 min 05 s"`, `"1 h 05 min"` (German: `"45 Sek."` …). */
export declare function formatDuration(totalSeconds: number, messages?: ActivationMessages): string;
