// The entry for browsers, workers and bundlers; node.js re-exports it. Types
// and documentation: index.d.ts.
export { init, confirmOptIn, resendActivation } from "./wasm.js";
export { isOptInError } from "./error.js";
export { readOptInToken, consumeOptInToken } from "./link.js";
export { OptInClient } from "./client.js";
