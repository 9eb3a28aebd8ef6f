// emporix-optin/inline bundled by Rollup 4 (ES modules, its default output)
// with @rollup/plugin-node-resolve: Rollup copies no files that
// `new URL(…, import.meta.url)` names, so this is the entry for it.
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
  await buildWith("rollup", ["main.js", "worker.js", "--dir", "dist", "--plugin", "node-resolve"], root);
  server = await serve(root);
});
after(() => server?.close());

test("emits JavaScript only, with the wasm inside and no import.meta", async () => {
  const emitted = await readdir(`${root}/dist`);
  assert.ok(emitted.every((name) => name.endsWith(".js")), String(emitted));
  const bundles = await Promise.all(emitted.map((name) => readFile(`${root}/dist/${name}`, "utf8")));
  for (const [index, bundle] of bundles.entries()) {
    // Rollup keeps comments, and one in the package mentions import.meta.
    const code = bundle.replace(/^\s*(\/\/|\*|\/\*).*$/gm, "");
    assert.ok(!/import\.meta|\.wasm["']/.test(code), `${emitted[index]} loads nothing by URL`);
  }
  const embedding = bundles.filter((bundle) => /"H4sI[A-Za-z0-9+/]{1000,}/.test(bundle));
  assert.equal(embedding.length, 1, "the wasm once, in the chunk both entries share");
});

for (const engine of enginesUnderTest()) {
  describe(engine, () => {
    const browser = useBrowser(engine);
    browserConsumerSuite(() => ({ browser: browser(), url: `${server.url}index.html` }), { inline: true });
  });
}
