// OptInClient, in plain JavaScript so that `new OptInClient(config)` works, and
// rejects a config of the wrong shape, before the WebAssembly module has
// loaded. The first call loads it and creates the wasm half, OptInClientCore,
// which checks every value and does the work. Types and documentation:
// client.d.ts.
import { OptInClientCore } from "./emporix_optin.js";
import { init } from "./wasm.js";

const FIELDS = ["tenant", "clientId", "anonymousToken", "baseUrl", "timeoutMs", "context"];
// The keys of `context`, the anonymous login's session-context parameters.
const CONTEXT_KEYS = ["siteCode", "currency", "language", "targetLocation"];

export class OptInClient {
  #config;
  #core;

  constructor(config) {
    this.#config = snapshot(config);
  }

  async confirmOptIn(token, options) {
    return (await this.#ready()).confirmOptIn(token, options);
  }

  async resendActivation(email, options) {
    return (await this.#ready()).resendActivation(email, options);
  }

  async #ready() {
    await init();
    // A config the wasm half refuses is not kept: every call rejects alike.
    this.#core ??= new OptInClientCore(this.#config);
    return this.#core;
  }
}

// The config's fields, read once: later changes to the caller's object do not
// reach the client. Throws as the wasm half would for the checks made here.
function snapshot(config) {
  if (config === undefined || config === null) {
    throw invalid("config", "is required: pass an options object");
  }
  if (typeof config !== "object" || Array.isArray(config)) {
    throw invalid("config", "must be a plain object");
  }
  const copy = {};
  for (const field of FIELDS) {
    try {
      copy[field] = config[field];
    } catch {
      throw invalid(field, "could not be read (its getter threw)");
    }
  }
  const given = (field) => copy[field] !== undefined && copy[field] !== null;
  if (!given("clientId") && !given("anonymousToken")) {
    throw invalid("clientId", "or `anonymousToken` is required (pass exactly one of them)");
  }
  if (given("clientId") && given("anonymousToken")) {
    throw invalid("anonymousToken", "cannot be combined with `clientId` (pass exactly one of them)");
  }
  if (given("context")) {
    copy.context = snapshotContext(copy.context, given("clientId"));
  }
  return copy;
}

// `context` goes with the client's own login, so it needs `clientId`; an
// unknown key (a typo such as `sitecode`) is refused rather than dropped. The
// wasm half checks the values.
function snapshotContext(context, withClientId) {
  if (typeof context !== "object" || Array.isArray(context)) {
    throw invalid("context", "must be a plain object");
  }
  if (!withClientId) {
    throw invalid("context", "needs `clientId`: only the client's own anonymous login sends it");
  }
  let keys;
  try {
    keys = Object.keys(context);
  } catch {
    throw invalid("context", "could not be read");
  }
  const unknown = keys.find((key) => !CONTEXT_KEYS.includes(key));
  if (unknown !== undefined) {
    throw invalid(`context.${unknown}`, "is not an option: use siteCode, currency, language or targetLocation");
  }
  const copy = {};
  for (const key of CONTEXT_KEYS) {
    try {
      copy[key] = context[key];
    } catch {
      throw invalid(`context.${key}`, "could not be read (its getter threw)");
    }
  }
  return copy;
}

// The same `OptInError` the wasm half throws: a real Error with `name`, `code`
// and `field`.
function invalid(field, problem) {
  const error = new Error(`Invalid option \`${field}\`: ${problem}.`);
  error.name = "OptInError";
  return Object.assign(error, { code: "invalid_input", field });
}
