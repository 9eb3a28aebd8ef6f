// Plain JavaScript so it works before (and without) the wasm module loading.
// Same rule as the Rust side: by `name` and `code`, never by prototype, so an
// error from another realm or another copy of the package is recognised too.
export function isOptInError(value) {
  try {
    return (
      typeof value === "object" &&
      value !== null &&
      value.name === "OptInError" &&
      typeof value.code === "string"
    );
  } catch {
    return false; // a throwing getter or a revoked proxy is not our error
  }
}
