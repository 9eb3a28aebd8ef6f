import * as optin from "emporix-optin/inline";

self.optin = optin;
// Runs the functions the tests send (tests/package/support/pages.mjs).
self.onmessage = async ({ data: { id, source, args } }) => {
  try {
    self.postMessage({ id, value: await Function(`return (${source})`)()(...args) });
  } catch (error) {
    self.postMessage({ id, error: String(error?.stack ?? error) });
  }
};
