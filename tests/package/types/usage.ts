// Every export, option, result field and error field of the package, with the
// exact types a storefront developer gets. Compiled, never run.
import {
  confirmOptIn,
  consumeOptInToken,
  init,
  isOptInError,
  readOptInToken,
  resendActivation,
  type ClientOptions,
  type ConfirmOptInOptions,
  type CustomerToken,
  type ErrorCode,
  type ErrorDetail,
  type ErrorFields,
  type OptInError,
  type ResendActivationOptions,
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
    return customer.access_token;
  } catch (error) {
    if (!isOptInError(error)) throw error;
    const asError: Error = error;
    const fields: ErrorFields = error;
    return `${asError.message} ${fields.code}`;
  }
}
