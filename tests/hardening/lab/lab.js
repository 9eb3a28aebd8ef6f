// The hardening lab: loads the packaged library as a storefront does and runs
// calls for the tests in tests/hardening/, reporting every outcome as plain
// data. The page is served from localhost while the API is 127.0.0.1, so each
// call is a real cross-origin request, preflight and CORS checks included.
import * as lib from "/pkg/index.js";
import initGlue, { heap, heap_next as heapNext } from "/pkg/emporix_optin.js";

// Own properties an `OptInError` may carry besides `name`, `message` and `stack`.
const ERROR_FIELDS = [
  "code",
  "status",
  "field",
  "type",
  "serverMessage",
  "details",
  "moreInfo",
  "faultstring",
  "errorcode",
  "retryAfter",
  "body",
  "cause",
];

/** What a storefront can observe of a thrown value. */
function describe(error) {
  if (typeof error !== "object" || error === null) {
    return { thrown: typeof error, message: String(error), stack: "" };
  }
  const fields = Object.fromEntries(
    ERROR_FIELDS.filter((key) => Object.hasOwn(error, key)).map((key) => [key, error[key]]),
  );
  if (fields.cause !== undefined) fields.cause = String(fields.cause);
  return {
    ...fields,
    name: error.name,
    message: String(error.message),
    stack: String(error.stack),
    isError: error instanceof Error,
    isOptInError: lib.isOptInError(error),
  };
}

/** The settled outcome of `run()`, which may also throw synchronously. */
async function settle(run) {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error: describe(error) };
  }
}

// One options object in, one call out: the top-level functions take it as is;
// an `OptInClient` takes the shared part as its config (one client per config,
// as a storefront keeps one) and the rest per call.
const CALLERS = {
  confirmOptIn: (options) => lib.confirmOptIn(options),
  resendActivation: (options) => lib.resendActivation(options),
};
if (typeof lib.OptInClient === "function") {
  const clients = new Map();
  const split = ({ token, email, signal, timeoutMs, ...config }) => {
    const key = JSON.stringify(config);
    if (!clients.has(key)) clients.set(key, new lib.OptInClient(config));
    return { client: clients.get(key), token, email, options: { signal, timeoutMs } };
  };
  CALLERS["OptInClient#confirmOptIn"] = (all) => {
    const { client, token, options } = split(all);
    return client.confirmOptIn(token, options);
  };
  CALLERS["OptInClient#resendActivation"] = (all) => {
    const { client, email, options } = split(all);
    return client.resendActivation(email, options);
  };
}

/** Calls `caller` with `options` (as given: it may be no object at all). */
function call(caller, options) {
  return settle(() => CALLERS[caller](options));
}

/** A signal that aborts `afterMs` from now (0: already aborted). */
function abortingSignal(afterMs) {
  const controller = new AbortController();
  if (afterMs === 0) controller.abort();
  else setTimeout(() => controller.abort(new Error("shopper left")), afterMs);
  return controller.signal;
}

// ---- Link helpers ------------------------------------------------------------

/** `readOptInToken(url)`. */
function readToken(url) {
  return settle(() => lib.readOptInToken(url));
}

/** Puts `url` (same origin) in the address bar, then `consumeOptInToken()`. */
async function consumeToken(url) {
  history.replaceState(null, "", url);
  const lengthBefore = history.length;
  const outcome = await settle(() => lib.consumeOptInToken());
  return { ...outcome, url: location.href, historyGrew: history.length !== lengthBefore };
}

// ---- Memory -------------------------------------------------------------------

/**
 * The instance's memory and the JavaScript values the wasm holds, in the
 * glue's `heap` (the package's wasm is built without reference types):
 * `heldValues`, live JavaScript values (a leaked closure keeps the ones it
 * captured), and `tableSlots`, slots in use, which also counts slots leaked
 * while holding `undefined`. Free slots are a list from `heap_next`, each
 * holding the next one's index; the borrowed-value stack and the fixed slots
 * are counted alike every time.
 */
function measure(exports) {
  const free = new Set();
  for (let slot = heapNext; slot < heap.length; slot = heap[slot]) free.add(slot);
  let heldValues = 0;
  let tableSlots = 0;
  heap.forEach((value, slot) => {
    if (free.has(slot)) return;
    tableSlots++;
    if (value !== null && value !== undefined) heldValues++;
  });
  return { memoryBytes: exports.memory.buffer.byteLength, heldValues, tableSlots };
}

async function registerToken(base, tenant, token) {
  const response = await fetch(`${base}/sandbox/optin-tokens`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ tenant, token, email: `${token}@example.com` }),
  });
  if (response.status !== 201) throw new Error(`registering a token: HTTP ${response.status}`);
}

/**
 * `calls` sequential calls cycling through success, error, timeout and abort
 * outcomes, measuring wasm memory and held references after `warmup` calls
 * and at the end.
 */
async function memoryRun({ base, tenant, anonymousToken, calls, warmup, tag }) {
  const exports = await initGlue();
  const shared = { tenant, anonymousToken, baseUrl: base };
  const callers = Object.keys(CALLERS);
  const confirmers = callers.filter((name) => name.endsWith("confirmOptIn"));
  const resenders = callers.filter((name) => name.endsWith("resendActivation"));
  const pick = (list, i) => list[Math.floor(i / 8) % list.length];
  // Success (confirm, resend), bad request, server error, timeout, abort in
  // flight, abort before sending, invalid input.
  const kinds = [
    async (i) => {
      const token = `${tag}-ok-${i}`;
      await registerToken(base, tenant, token);
      return call(pick(confirmers, i), { ...shared, token });
    },
    (i) => call(pick(resenders, i), { ...shared, email: `${tag}-${i}@example.com` }),
    (i) => call(pick(confirmers, i), { ...shared, token: `${tag}-unknown-${i}` }),
    (i) => call(pick(confirmers, i), { ...shared, tenant: "f500html", token: `${tag}-${i}` }),
    (i) => call(pick(confirmers, i), { ...shared, tenant: "fslow", token: `${tag}-${i}`, timeoutMs: 5 }),
    (i) =>
      call(pick(resenders, i), {
        ...shared,
        tenant: "fslow",
        email: `${tag}-${i}@example.com`,
        signal: abortingSignal(2),
      }),
    (i) => call(pick(confirmers, i), { ...shared, token: `${tag}-${i}`, signal: abortingSignal(0) }),
    (i) => call(pick(confirmers, i), { ...shared, tenant: "Not A Tenant", token: `${tag}-${i}` }),
  ];
  const outcomes = {};
  let before;
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    if (i === warmup) before = measure(exports);
    const outcome = await kinds[i % kinds.length](i);
    const key = outcome.ok ? "ok" : outcome.error.code ?? `not an OptInError: ${outcome.error.message}`;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  const after = measure(exports);
  return { callers, outcomes, before, after, ms: performance.now() - started };
}

window.lab = {
  callers: Object.keys(CALLERS),
  call,
  readToken,
  consumeToken,
  memoryRun,
};
