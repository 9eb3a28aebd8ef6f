// The wasm-backed calls. The module is fetched and instantiated once, on the
// first call (or `init()`), so importing the package costs nothing up front.
import initGlue, {
  confirmOptIn as confirmInWasm,
  resendActivation as resendInWasm,
} from "./emporix_optin.js";

// Browsers, workers and bundlers fetch the file next to this module. Vite and
// webpack 5 recognise this exact `new URL(…, import.meta.url)` form and emit
// the file with the bundle, so no plugin is needed.
let wasmSource = () => new URL("./emporix_optin_bg.wasm", import.meta.url);
let loading;

/** Where the wasm bytes come from instead; node.js calls it on import. */
export function setWasmSource(source) {
  wasmSource = source;
}

export function init() {
  loading ??= initGlue({ module_or_path: wasmSource() }).then(
    () => undefined,
    (error) => {
      // A failed load (offline, say) must not stick: the next call retries.
      loading = undefined;
      // Firefox rejects a download cut short with an AbortError, which callers
      // take for their own signal: report it as the network error it is.
      if (error?.name === "AbortError") {
        throw new TypeError(`the WebAssembly module could not be loaded: ${error.message}`, { cause: error });
      }
      throw error;
    },
  );
  return loading;
}

export async function confirmOptIn(options) {
  await init();
  return confirmInWasm(options);
}

export async function resendActivation(options) {
  await init();
  return resendInWasm(options);
}
