// emporix-optin/inline bundled by esbuild with its defaults (an IIFE for the
// browser): esbuild copies no files that `new URL(…, import.meta.url)` names,
// so this is the entry for it. The bundle loads nothing but itself.
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
  await buildWith("esbuild", ["main.js", "worker.js", "--bundle", "--outdir=dist"], root);
  server = await serve(root);
});
after(() => server?.close());

test("emits the two bundles only, with the wasm inside and no import.meta", async () => {
  assert.deepEqual((await readdir(`${root}/dist`)).sort(), ["main.js", "worker.js"]);
  for (const name of ["main.js", "worker.js"]) {
    const bundle = await readFile(`${root}/dist/${name}`, "utf8");
    assert.ok(!/import\.meta|\.wasm["']/.test(bundle), `${name} loads nothing by URL`);
    assert.ok(/"H4sI[A-Za-z0-9+/]{1000,}/.test(bundle), `${name} embeds the wasm (gzip, base64)`);
  }
});

for (const engine of enginesUnderTest()) {
  describe(engine, () => {
    const browser = useBrowser(engine);
    browserConsumerSuite(() => ({ browser: browser(), url: `${server.url}index.html` }), { inline: true });
  });
}
