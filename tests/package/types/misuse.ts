// Mistakes the declarations must reject. Each `@ts-expect-error` fails the
// compilation if its line does compile, and each line has one possible error.
import { confirmOptIn, init, readOptInToken, resendActivation, type CustomerToken, type OptInError } from "emporix-optin";
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
