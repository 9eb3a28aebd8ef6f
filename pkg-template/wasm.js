// The wasm-backed calls. The module is fetched and instantiated once, on the
// first call (or `init()`), so importing the package costs nothing up front.
// This is the loader: the glue's own (`__wbg_init`) is left out of the package
// (scripts/bundle.mjs), which exports the glue's import object and its
// post-instantiation step instead.
import {
  __wbg_get_imports as wasmImports,
  __wbg_finalize_init as finishInit,
  confirmOptIn as confirmInWasm,
  resendActivation as resendInWasm,
} from "./emporix_optin.js";

// Browsers, workers and bundlers fetch the file next to this module. Vite and
// webpack 5 recognise this exact `new URL(…, import.meta.url)` form and emit
// the file with the bundle, so no plugin is needed.
let wasmSource = () => new URL("./emporix_optin_bg.wasm", import.meta.url);
let loading;
let wasmExports;

/**
 * Where the wasm comes from instead: a function returning the bytes or a
 * compiled `WebAssembly.Module`, or a promise of either. node.js calls it on
 * import, the inline entry's copy of this module has it built in.
 */
export function setWasmSource(source) {
  wasmSource = source;
}

// The URL is fetched and compiled while it downloads; a server that does not
// send `application/wasm` still works, more slowly (as wasm-bindgen's loader
// does, with its warning).
async function instantiate() {
  const imports = wasmImports();
  const source = await wasmSource();
  if (!(source instanceof URL)) {
    const result = await WebAssembly.instantiate(source, imports);
    return result instanceof WebAssembly.Instance ? { instance: result, module: source } : result;
  }
  const response = await fetch(source);
  if (!response.ok) {
    throw new Error(`failed to fetch Wasm: ${response.status} ${response.statusText} fetching '${response.url}'`);
  }
  try {
    return await WebAssembly.instantiateStreaming(response, imports);
  } catch (error) {
    const sameOrigin = ["basic", "cors", "default"].includes(response.type);
    if (!sameOrigin || response.headers.get("Content-Type") === "application/wasm") throw error;
    console.warn(
      "`WebAssembly.instantiateStreaming` failed because your server does not serve Wasm with `application/wasm` MIME type. Falling back to `WebAssembly.instantiate` which is slower. Original error:\n",
      error,
    );
  }
  return WebAssembly.instantiate(await response.arrayBuffer(), imports);
}

async function load() {
  const { instance, module } = await instantiate();
  wasmExports = finishInit(instance, module);
}

export function init() {
  loading ??= load().catch((error) => {
    // A failed load (offline, say) must not stick: the next call retries.
    loading = undefined;
    // Firefox rejects a download cut short with an AbortError, which callers
    // take for their own signal: report it as the network error it is.
    if (error?.name === "AbortError") {
      throw new TypeError(`the WebAssembly module could not be loaded: ${error.message}`, { cause: error });
    }
    throw error;
  });
  return loading;
}

/**
 * The wasm module's exports (its memory), once loaded: for the package's own
 * memory tests and benchmarks, which import the module's default export as
 * they did wasm-bindgen's init. Not in the API.
 */
export default async function loadedExports() {
  await init();
  return wasmExports;
}

export async function confirmOptIn(options) {
  await init();
  return confirmInWasm(options);
}

export async function resendActivation(options) {
  await init();
  return resendInWasm(options);
}
