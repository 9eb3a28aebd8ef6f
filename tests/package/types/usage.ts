// Every export, option, result field and error field of the package, with the
// exact types a storefront developer gets. Compiled, never run.
import {
  OptInClient,
  confirmOptIn,
  consumeOptInToken,
  init,
  isOptInError,
  readOptInToken,
  resendActivation,
  type CallOptions,
  type ClientOptions,
  type ConfirmOptInOptions,
  type CustomerToken,
  type ErrorCode,
  type ErrorDetail,
  type ErrorFields,
  type OptInClientConfig,
  type OptInClientInit,
  type OptInError,
  type ResendActivationOptions,
  type SessionContext,
} from "emporix-optin";

// True only when A and B are the same type (`any` matches nothing else).
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function exactly<A, B>(proof: Equals<A, B>): void {
  void proof;
}

const client: ClientOptions = {
  tenant: "myshop",
  anonymousToken: "anonymous-access-token",
  baseUrl: "https://api.emporix.io",
  timeoutMs: 15_000,
  signal: new AbortController().signal,
};
const confirmOptions: ConfirmOptInOptions = { ...client, token: "opt-in-token" };
const resendOptions: ResendActivationOptions = { ...client, email: "shopper@example.com" };
const minimal: ConfirmOptInOptions = { tenant: "myshop", anonymousToken: "a", token: "t" };

exactly<ClientOptions["tenant"], string>(true);
exactly<ClientOptions["anonymousToken"], string>(true);
exactly<ClientOptions["baseUrl"], string | undefined>(true);
exactly<ClientOptions["timeoutMs"], number | undefined>(true);
exactly<ClientOptions["signal"], AbortSignal | undefined>(true);
exactly<ConfirmOptInOptions["token"], string>(true);
exactly<ResendActivationOptions["email"], string>(true);

exactly<typeof confirmOptIn, (options: ConfirmOptInOptions) => Promise<CustomerToken>>(true);
exactly<typeof resendActivation, (options: ResendActivationOptions) => Promise<void>>(true);
exactly<typeof init, () => Promise<void>>(true);
exactly<typeof isOptInError, (value: unknown) => value is OptInError>(true);
exactly<typeof readOptInToken, (url?: string | URL, param?: string) => string | null>(true);
exactly<typeof consumeOptInToken, (param?: string) => string | null>(true);

const withClientId = new OptInClient({
  tenant: "myshop",
  clientId: "storefront-client-id",
  baseUrl: "https://api.emporix.io",
  timeoutMs: 15_000,
});
const withContext = new OptInClient({
  tenant: "myshop",
  clientId: "storefront-client-id",
  context: { siteCode: "main", currency: "EUR", language: "en", targetLocation: "DE" },
});
void withContext;
exactly<OptInClientConfig["context"], SessionContext | undefined>(true);
exactly<SessionContext, { siteCode?: string; currency?: string; language?: string; targetLocation?: string }>(true);
const withToken = new OptInClient({ tenant: "myshop", anonymousToken: "anonymous-access-token" });
const withProvider = new OptInClient({ tenant: "myshop", anonymousToken: async () => "fresh-token" });
const withSyncProvider = new OptInClient({ tenant: "myshop", anonymousToken: () => "fresh-token" });
const callOptions: CallOptions = { signal: new AbortController().signal, timeoutMs: 5_000 };

exactly<OptInClientConfig["tenant"], string>(true);
exactly<OptInClientConfig["clientId"], string | undefined>(true);
exactly<OptInClientConfig["anonymousToken"], string | (() => string | PromiseLike<string>) | undefined>(true);
exactly<OptInClientConfig["baseUrl"], string | undefined>(true);
exactly<OptInClientConfig["timeoutMs"], number | undefined>(true);
exactly<CallOptions["signal"], AbortSignal | undefined>(true);
exactly<CallOptions["timeoutMs"], number | undefined>(true);
exactly<ConstructorParameters<typeof OptInClient>, [OptInClientInit]>(true);
exactly<OptInClient["confirmOptIn"], (token: string, options?: CallOptions) => Promise<CustomerToken>>(true);
exactly<OptInClient["resendActivation"], (email: string, options?: CallOptions) => Promise<void>>(true);

exactly<CustomerToken["access_token"], string>(true);
exactly<CustomerToken["expires_in"], number | undefined>(true);
exactly<CustomerToken["refresh_token"], string | undefined>(true);
exactly<CustomerToken["refresh_token_expires_in"], number | undefined>(true);
exactly<CustomerToken["token_type"], string | undefined>(true);
exactly<CustomerToken["session_id"], string | undefined>(true);
exactly<CustomerToken["saas_token"], string | undefined>(true);
exactly<CustomerToken["initialPassword"], boolean | undefined>(true);

exactly<
  ErrorCode,
  | "invalid_input"
  | "bad_request"
  | "unauthorized"
  | "rate_limited"
  | "server_error"
  | "unexpected_status"
  | "invalid_response"
  | "network"
  | "timeout"
  | "aborted"
>(true);
exactly<OptInError["name"], "OptInError">(true);
exactly<OptInError["message"], string>(true);
exactly<OptInError["code"], ErrorCode>(true);
exactly<ErrorFields["status"], number | undefined>(true);
exactly<ErrorFields["field"], string | undefined>(true);
exactly<ErrorFields["type"], string | undefined>(true);
exactly<ErrorFields["serverMessage"], string | undefined>(true);
exactly<ErrorFields["details"], ErrorDetail[] | undefined>(true);
exactly<ErrorFields["moreInfo"], string | undefined>(true);
exactly<ErrorFields["faultstring"], string | undefined>(true);
exactly<ErrorFields["errorcode"], string | undefined>(true);
exactly<ErrorFields["retryAfter"], number | undefined>(true);
exactly<ErrorFields["body"], string | undefined>(true);
exactly<ErrorDetail, { field?: string; type?: string; message?: string; moreInfo?: string }>(true);

export async function landingPage(): Promise<string> {
  await init();
  const token = consumeOptInToken() ?? readOptInToken(new URL("https://shop.example.com/?t=x"), "t");
  if (token === null) return "no token";
  try {
    const customer = await confirmOptIn({ ...confirmOptions, token });
    await resendActivation(resendOptions);
    await confirmOptIn(minimal);
    const confirmed = await withClientId.confirmOptIn(token, callOptions);
    await withToken.resendActivation("shopper@example.com");
    await withProvider.confirmOptIn(token);
    await withSyncProvider.resendActivation("shopper@example.com", { timeoutMs: 1_000 });
    return customer.access_token + confirmed.access_token;
  } catch (error) {
    if (!isOptInError(error)) throw error;
    const asError: Error = error;
    const fields: ErrorFields = error;
    return `${asError.message} ${fields.code}`;
  }
}
