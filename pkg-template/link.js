// Reading the opt-in token from the activation link. Plain JavaScript so the
// landing page can look at its URL before (and without) loading the wasm.

// Only the query is read, so any base will do for relative URLs such as a
// server's `req.url`; a fixed one keeps the result independent of the page.
const RELATIVE_BASE = "http://localhost/";

// Percent-decoding only: a `+` stays a `+` (form decoding would turn it into a
// space, corrupting tokens that contain one). Malformed escapes stay as written.
function decode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// The query's parameters: each raw `name=value` pair, its decoded name and its
// still-encoded value.
function parameters(url) {
  return url.search
    .slice(1)
    .split("&")
    .filter((pair) => pair !== "")
    .map((pair) => {
      const separator = pair.indexOf("=");
      return separator < 0
        ? { pair, name: decode(pair), value: "" }
        : { pair, name: decode(pair.slice(0, separator)), value: pair.slice(separator + 1) };
    });
}

export function readOptInToken(url = globalThis.location?.href, param = "token") {
  if (url === undefined) return null;
  const found = parameters(new URL(url, RELATIVE_BASE)).find(
    (parameter) => parameter.name === param && parameter.value !== "",
  );
  return found ? decode(found.value) : null;
}

export function consumeOptInToken(param = "token") {
  const { location, history } = globalThis;
  if (location === undefined || typeof history?.replaceState !== "function") return null;
  const url = new URL(location.href);
  const all = parameters(url);
  const kept = all.filter((parameter) => parameter.name !== param);
  if (kept.length === all.length) return null;
  const token = readOptInToken(url, param);
  url.search = kept.map((parameter) => parameter.pair).join("&");
  // Keep the router's state (Vue Router, for one, stores its own there).
  history.replaceState(history.state, "", url.href);
  return token;
}
