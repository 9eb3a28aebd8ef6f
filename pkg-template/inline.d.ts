// emporix-optin/inline: the same exports and types as the main entry, with the
// WebAssembly module embedded in the JavaScript instead of loaded from
// emporix_optin_bg.wasm. Import one entry or the other, not both: each has its
// own module instance (so concurrent confirms share one request only within
// an entry). See the README's "Where it works".
export * from "./index.js";
