// Mistakes the declarations must reject. Each `@ts-expect-error` fails the
// compilation if its line does compile, and each line has one possible error.
import {
  OptInClient,
  confirmOptIn,
  init,
  readOptInToken,
  resendActivation,
  type CustomerToken,
  type OptInError,
} from "emporix-optin";
// @ts-expect-error: wasm-bindgen's own loader is not part of the package's API
import { initSync } from "emporix-optin";

const tenant = "myshop";
const anonymousToken = "anonymous-access-token";
const token = "opt-in-token";
declare const customer: CustomerToken;
declare const error: OptInError;
declare const caught: unknown;

// @ts-expect-error: tenant is required
void confirmOptIn({ anonymousToken, token });
// @ts-expect-error: anonymousToken is required
void confirmOptIn({ tenant, token });
// @ts-expect-error: token is required
void confirmOptIn({ tenant, anonymousToken });
// @ts-expect-error: email is required
void resendActivation({ tenant, anonymousToken });
// @ts-expect-error: the options object is required
void confirmOptIn();
// @ts-expect-error: tenant is a string
void confirmOptIn({ tenant: 42, anonymousToken, token });
// @ts-expect-error: timeoutMs is a number
void confirmOptIn({ tenant, anonymousToken, token, timeoutMs: "15000" });
// @ts-expect-error: signal is an AbortSignal, not its controller
void confirmOptIn({ tenant, anonymousToken, token, signal: new AbortController() });
// @ts-expect-error: no such option
void confirmOptIn({ tenant, anonymousToken, token, retries: 3 });

// @ts-expect-error: the config is required
new OptInClient();
// @ts-expect-error: one of clientId and anonymousToken is required
new OptInClient({ tenant });
// @ts-expect-error: clientId and anonymousToken exclude each other
new OptInClient({ tenant, clientId: "storefront-client-id", anonymousToken });
// @ts-expect-error: clientId and a token provider exclude each other too
new OptInClient({ tenant, clientId: "storefront-client-id", anonymousToken: async () => anonymousToken });
// @ts-expect-error: tenant is required
new OptInClient({ clientId: "storefront-client-id" });
// @ts-expect-error: a session context needs clientId (only the client's own login sends it)
new OptInClient({ tenant, anonymousToken, context: { currency: "EUR" } });
// @ts-expect-error: not a session-context key
new OptInClient({ tenant, clientId: "storefront-client-id", context: { sitecode: "main" } });
// @ts-expect-error: the provider must return a token (or a promise of one)
new OptInClient({ tenant, anonymousToken: async () => 42 });
// @ts-expect-error: no such option
new OptInClient({ tenant, clientId: "storefront-client-id", retries: 3 });
declare const client: OptInClient;
// @ts-expect-error: the method takes the token itself, not an options object
void client.confirmOptIn({ token });
// @ts-expect-error: the token is required
void client.confirmOptIn();
// @ts-expect-error: a call's options are signal and timeoutMs only
void client.resendActivation("a@example.com", { tenant });
// @ts-expect-error: resendActivation resolves to nothing
void (await client.resendActivation("a@example.com")).length;
// @ts-expect-error: confirmOptIn resolves to a CustomerToken
void (await client.confirmOptIn(token)).accessToken;

// @ts-expect-error: CustomerToken has no accessToken (the API's deprecated camelCase twin)
void customer.accessToken;
// @ts-expect-error: access_token is a string
export const seconds: number = customer.access_token;
// @ts-expect-error: refresh_token may be absent
export const refresh: string = customer.refresh_token;
// @ts-expect-error: resendActivation resolves to nothing
void (await resendActivation({ tenant, anonymousToken, email: "a@example.com" })).length;

// @ts-expect-error: not an error code
export const unknownCode = error.code === "not_found";
// @ts-expect-error: OptInError has no statusCode
void error.statusCode;
// @ts-expect-error: an unknown value must be narrowed with isOptInError first
void caught.code;

// @ts-expect-error: readOptInToken may find nothing
export const found: string = readOptInToken();
// @ts-expect-error: init takes no argument
void init("./emporix_optin_bg.wasm");

// emporix-optin/inline is typed like the main entry.
import { confirmOptIn as confirmInline } from "emporix-optin/inline";
// @ts-expect-error token is required
void confirmInline({ tenant: "myshop", anonymousToken: "a" });
