// The shopper-facing texts of the activation flow, in English and German, and
// how the language is chosen. Plain data and two small functions: the element
// uses them, and a React or Vue page can use them for its own markup. Types
// and documentation: i18n.d.ts.

/** Every text, by key. `{name}` is replaced by a value (always as text, never as HTML). */
export const MESSAGES = Object.freeze({
  en: Object.freeze({
    pageTitle: "Activate your account",
    loading: "Loading",
    noTokenTitle: "Check your inbox",
    noTokenText: "Open the activation link from the email we sent you. It brings you back here to finish.",
    readyTitle: "One last step",
    readyText: "Confirm your email address to activate your account.",
    confirmButton: "Activate my account",
    confirming: "Activating your account…",
    activatedTitle: "Your account is active",
    activatedText: "Welcome! Your account is ready.",
    continueLink: "Continue",
    linkUsedTitle: "This link has already been used",
    linkUsedText: "Your account may already be active: try signing in. If not, we can send you a new link.",
    linkExpiredTitle: "This link has expired",
    linkExpiredText: "Activation links work for a limited time. We can send you a new one.",
    linkReplacedTitle: "This link has been replaced",
    linkReplacedText: "We sent you a newer link, and only the newest one works. Use it, or get another below.",
    linkInvalidTitle: "This link does not work",
    linkInvalidText: "It may have been used already, have expired or be incomplete. We can send you a new one.",
    rateLimitedTitle: "Too many attempts",
    rateLimitedText: "The shop is receiving too many requests right now. Please wait a moment.",
    networkTitle: "We could not reach the shop",
    networkText: "Check your internet connection, then try again.",
    timeoutTitle: "The shop did not answer in time",
    timeoutText: "Please try again. If the link then says it was used, your account is active: sign in.",
    serverTitle: "The shop is having trouble",
    serverText: "This is on our side, not yours. Please try again in a moment.",
    unknownTitle: "Something went wrong",
    unknownText: "Please try again. If it keeps happening, contact us.",
    retryButton: "Try again",
    retryWait: "You can try again in {time}.",
    resendWait: "You can send another link in {time}.",
    pleaseWait: "Please wait {time} before trying again.",
    tryAgainNow: "You can try again now.",
    setupErrorTitle: "This page is not set up correctly",
    setupErrorText: "Please let the shop know. Details for its developers:",
    resendTitle: "Get a new activation link",
    emailLabel: "Email address",
    resendButton: "Send a new link",
    sending: "Sending",
    resendSent: "If {email} is waiting for activation, a new link is on its way. Check your inbox.",
    emailInvalid: "Enter your email address, like name@example.com.",
    resendRateLimited: "You have asked for several links in a short time.",
    resendNetwork: "We could not reach the shop. Check your connection and try again.",
    resendFailed: "Sorry, the link could not be sent. Please try again later.",
    seconds: "{s} s",
    minutes: "{m} min {ss} s",
    hours: "{h} h {mm} min",
  }),
  de: Object.freeze({
    pageTitle: "Konto aktivieren",
    loading: "Wird geladen",
    noTokenTitle: "Sehen Sie in Ihr Postfach",
    noTokenText: "Öffnen Sie den Aktivierungslink aus der E-Mail, die wir Ihnen geschickt haben. Er bringt Sie hierher zurück.",
    readyTitle: "Nur noch ein Schritt",
    readyText: "Bestätigen Sie Ihre E-Mail-Adresse, um Ihr Konto zu aktivieren.",
    confirmButton: "Mein Konto aktivieren",
    confirming: "Ihr Konto wird aktiviert …",
    activatedTitle: "Ihr Konto ist aktiv",
    activatedText: "Willkommen! Ihr Konto ist bereit.",
    continueLink: "Weiter",
    linkUsedTitle: "Dieser Link wurde bereits verwendet",
    linkUsedText: "Ihr Konto ist vielleicht schon aktiv: Melden Sie sich an. Falls nicht, schicken wir Ihnen einen neuen Link.",
    linkExpiredTitle: "Dieser Link ist abgelaufen",
    linkExpiredText: "Aktivierungslinks gelten nur für begrenzte Zeit. Wir können Ihnen einen neuen schicken.",
    linkReplacedTitle: "Dieser Link wurde ersetzt",
    linkReplacedText: "Wir haben Ihnen einen neueren Link geschickt, und nur der neueste funktioniert. Verwenden Sie ihn oder fordern Sie unten einen weiteren an.",
    linkInvalidTitle: "Dieser Link funktioniert nicht",
    linkInvalidText: "Er wurde vielleicht schon verwendet, ist abgelaufen oder unvollständig. Wir können Ihnen einen neuen schicken.",
    rateLimitedTitle: "Zu viele Versuche",
    rateLimitedText: "Der Shop erhält gerade zu viele Anfragen. Bitte warten Sie einen Moment.",
    networkTitle: "Wir konnten den Shop nicht erreichen",
    networkText: "Prüfen Sie Ihre Internetverbindung und versuchen Sie es dann erneut.",
    timeoutTitle: "Der Shop hat nicht rechtzeitig geantwortet",
    timeoutText: "Bitte versuchen Sie es erneut. Heißt es dann, der Link sei verwendet, ist Ihr Konto aktiv: Melden Sie sich an.",
    serverTitle: "Der Shop hat gerade Probleme",
    serverText: "Das liegt an uns, nicht an Ihnen. Bitte versuchen Sie es gleich noch einmal.",
    unknownTitle: "Etwas ist schiefgelaufen",
    unknownText: "Bitte versuchen Sie es erneut. Wenn es wieder passiert, kontaktieren Sie uns.",
    retryButton: "Erneut versuchen",
    retryWait: "Sie können es in {time} erneut versuchen.",
    resendWait: "Sie können in {time} einen weiteren Link anfordern.",
    pleaseWait: "Bitte warten Sie {time}, bevor Sie es erneut versuchen.",
    tryAgainNow: "Sie können es jetzt erneut versuchen.",
    setupErrorTitle: "Diese Seite ist nicht richtig eingerichtet",
    setupErrorText: "Bitte geben Sie dem Shop Bescheid. Details für seine Entwickler:",
    resendTitle: "Neuen Aktivierungslink anfordern",
    emailLabel: "E-Mail-Adresse",
    resendButton: "Neuen Link senden",
    sending: "Wird gesendet",
    resendSent: "Falls {email} auf die Aktivierung wartet, ist ein neuer Link unterwegs. Sehen Sie in Ihr Postfach.",
    emailInvalid: "Geben Sie Ihre E-Mail-Adresse ein, zum Beispiel name@example.com.",
    resendRateLimited: "Sie haben in kurzer Zeit mehrere Links angefordert.",
    resendNetwork: "Wir konnten den Shop nicht erreichen. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
    resendFailed: "Der Link konnte leider nicht gesendet werden. Bitte versuchen Sie es später noch einmal.",
    seconds: "{s} Sek.",
    minutes: "{m} Min. {ss} Sek.",
    hours: "{h} Std. {mm} Min.",
  }),
});

/** The languages with a complete set of texts. */
export const LANGUAGES = Object.freeze(Object.keys(MESSAGES));

/**
 * The first supported language among `candidates` (BCP 47 tags such as
 * `"de-CH"`, in order of preference; empty and unknown ones are skipped), or
 * English.
 */
export function pickLanguage(candidates) {
  for (const tag of candidates ?? []) {
    if (typeof tag !== "string") continue;
    const primary = tag.trim().split(/[-_]/)[0].toLowerCase();
    if (Object.hasOwn(MESSAGES, primary)) return primary;
  }
  return "en";
}

/**
 * The language for an element on a page: its own or nearest ancestor's `lang`
 * attribute, then the document's, then the browser's languages.
 */
export function languageFor(element) {
  const { document, navigator } = globalThis;
  return pickLanguage([
    element?.closest?.("[lang]")?.getAttribute("lang"),
    document?.documentElement?.getAttribute("lang"),
    ...(navigator?.languages ?? []),
    navigator?.language,
  ]);
}

/**
 * The texts of `language`, with `overrides` (keys of `MESSAGES.en`, string
 * values) on top. Unknown keys and non-string values are ignored.
 */
export function messagesFor(language, overrides) {
  const base = MESSAGES[language] ?? MESSAGES.en;
  const merged = { ...base };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (Object.hasOwn(base, key) && typeof value === "string") merged[key] = value;
  }
  return Object.freeze(merged);
}

/** `template` with each `{name}` replaced by `values[name]`; unknown names stay as written. */
export function format(template, values = {}) {
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}

/** A wait of `totalSeconds` (rounded up) in the texts' words: "45 s", "2 min 05 s", "1 h 05 min". */
export function formatDuration(totalSeconds, messages = MESSAGES.en) {
  const total = Math.max(0, Math.ceil(totalSeconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n) => String(n).padStart(2, "0");
  if (h > 0) return format(messages.hours, { h, mm: pad(m) });
  if (m > 0) return format(messages.minutes, { m, ss: pad(s) });
  return format(messages.seconds, { s });
}
