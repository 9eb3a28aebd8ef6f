// The subpaths' declarations as a storefront's TypeScript uses them. Compiled
// by types.test.mjs with moduleResolution bundler, nodenext and node10. Each
// line marked as an expected error must fail to compile: the types reject misuse.
import { OptInClient, type CustomerToken } from "emporix-optin";
import { ActivationFlow, safeReturnUrl, takeOptInToken, type ActivationState } from "emporix-optin/flow";
import { MESSAGES, formatDuration, messagesFor, pickLanguage, type ActivationLanguage } from "emporix-optin/i18n";
import { useOptInActivation, type OptInActivation } from "emporix-optin/react";
import { TAG_NAME, type EmporixOptInActivation } from "emporix-optin/element";

const client = new OptInClient({ tenant: "myshop", clientId: "id" });

const flow = new ActivationFlow({ client, token: takeOptInToken(), confirm: "click", returnUrl: "/account" });
const stop: () => void = flow.subscribe((state: ActivationState) => {
  if (state.status === "activated") {
    const session: CustomerToken | undefined = state.session;
    void session?.access_token;
  }
  if (state.cooldown) {
    const left: number = state.cooldown.secondsLeft;
    void left;
  }
  const sent: boolean = state.resendForm.status === "sent";
  void sent;
});
stop();
void flow.start().then((state) => state.canConfirm);
void flow.confirm();
void flow.resend("a@b.example");
const safe: string | null = safeReturnUrl("/orders", { from: "link", base: "https://shop.example/" });
void safe;

// @ts-expect-error: confirm is "click" or "auto"
new ActivationFlow({ client, confirm: "sometimes" });
// @ts-expect-error: a client is required
new ActivationFlow({ token: "t" });
// @ts-expect-error: not a status
void (flow.state.status === "done");
// @ts-expect-error: states are read-only
flow.state.status = "ready";

const language: ActivationLanguage = pickLanguage(["de-DE"]);
const texts = messagesFor(language, { readyTitle: "Fast geschafft" });
const title: string = texts.readyTitle + MESSAGES.en.pageTitle + formatDuration(75, texts);
void title;
// @ts-expect-error: an unknown text key
messagesFor("en", { readyTitel: "typo" });

export function useActivation(): OptInActivation {
  const activation = useOptInActivation({ client, confirm: "auto" });
  void activation.confirm();
  void activation.resend("a@b.example");
  // @ts-expect-error: resend takes the address
  void activation.resend();
  return activation;
}

const element = document.querySelector("emporix-optin-activation");
const tag: "emporix-optin-activation" = TAG_NAME;
void tag;
if (element) {
  const typed: EmporixOptInActivation = element;
  typed.messages = { continueLink: "Weiter" };
  typed.email = "a@b.example";
  typed.anonymousToken = async () => "token";
  typed.addEventListener("activated", (event) => {
    const token: string = event.detail.access_token;
    void token;
    // @ts-expect-error: the detail is a CustomerToken
    void event.detail.password;
  });
  typed.addEventListener("statechange", (event) => void event.detail.status);
  void typed.state?.returnUrl;
}
