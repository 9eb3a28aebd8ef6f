// The package's types. Options, results and errors are generated from the Rust
// structs (emporix_optin.d.ts); only what is written in JavaScript is declared
// by hand: the functions below and `OptInClient` (client.d.ts).
import type { OptInError } from "./emporix_optin.js";

export type {
  CallOptions,
  ClientOptions,
  ConfirmOptInOptions,
  CustomerToken,
  ErrorCode,
  ErrorDetail,
  ErrorFields,
  OptInClientConfig,
  OptInError,
  ResendActivationOptions,
  SessionContext,
} from "./emporix_optin.js";

export { OptInClient, type OptInClientInit } from "./client.js";

// Same signatures as the wasm exports; the package wraps them to load the wasm
// module on first use.
export { confirmOptIn, resendActivation } from "./emporix_optin.js";

/**
 * Loads the WebAssembly module now, so that the first call does not wait for
 * it (for example on the landing page, while the shopper reads). Optional:
 * every call loads the module when needed.
 *
 * Loads once; later and concurrent calls share that load. Rejects with the
 * loading error (the file could not be fetched or compiled); the next call
 * tries again.
 */
export declare function init(): Promise<void>;

/**
 * Whether `value` is an error from this package. Checks `name` and `code`
 * rather than a prototype, so errors from another realm (an iframe, a second
 * copy of the package) are recognised too. Works without loading the wasm.
 */
export declare function isOptInError(value: unknown): value is OptInError;

/**
 * The opt-in token in the query of `url`: the first non-empty value of the
 * parameter `param`, percent-decoded (a `+` stays a `+`). `null` when there is
 * none. The fragment (`#…`) is never read.
 *
 * @param url - Absolute, or relative such as a server's `req.url`. Defaults to
 *   `location.href`; where there is none (Node), the result is `null`.
 * @param param - The query parameter holding the token; `"token"` by default.
 * @throws TypeError if `url` is not a URL.
 */
export declare function readOptInToken(url?: string | URL, param?: string): string | null;

/**
 * Reads the opt-in token from the page's address (like `readOptInToken()`) and
 * removes every `param` parameter from it with `history.replaceState`, keeping
 * `history.state`, the other parameters and the fragment. The token then stays
 * out of the history, bookmarks and `Referer` headers, and a reload does not
 * submit it again.
 *
 * Call it once per page load: a second call finds nothing. Returns `null`, and
 * changes nothing, when the parameter is absent or outside a browser window
 * (Node, workers).
 *
 * @param param - The query parameter holding the token; `"token"` by default.
 */
export declare function consumeOptInToken(param?: string): string | null;
