// The installed package in a webpack 5 app without config: `webpack` with its
// defaults (production mode, src/index.js → dist/), served as static files.
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { browserConsumerSuite } from "../support/browser-suite.mjs";
import { buildWith, projectRoot } from "../support/build.mjs";
import { enginesUnderTest, useBrowser } from "../support/pages.mjs";
import { serve } from "../support/server.mjs";

const root = projectRoot(import.meta.url);
let server;
before(async () => {
  await buildWith("webpack", [], root);
  server = await serve(root);
});
after(() => server?.close());

test("emits the package's wasm once, unchanged", async () => {
  const emitted = (await readdir(`${root}/dist`)).filter((name) => name.endsWith(".wasm"));
  assert.equal(emitted.length, 1, `one wasm file: ${emitted}`);
  const installed = await readFile(`${root}/node_modules/emporix-optin/emporix_optin_bg.wasm`);
  assert.ok(installed.equals(await readFile(`${root}/dist/${emitted[0]}`)));
});

for (const engine of enginesUnderTest()) {
  describe(engine, () => {
    const browser = useBrowser(engine);
    browserConsumerSuite(() => ({ browser: browser(), url: `${server.url}index.html` }));
  });
}
