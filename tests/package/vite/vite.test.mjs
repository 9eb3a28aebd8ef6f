// The installed package in a Vite 8 app without config or plugins: its
// production build served as static files, and its dev server.
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { build, createServer } from "vite";
import { browserConsumerSuite } from "../support/browser-suite.mjs";
import { enginesUnderTest, useBrowser } from "../support/pages.mjs";
import { serve } from "../support/server.mjs";

const root = fileURLToPath(new URL(".", import.meta.url)).replace(/\/$/, "");

describe("production build", () => {
  const outDir = `${root}/dist`;
  let server;
  before(async () => {
    await build({ root, configFile: false, logLevel: "warn", build: { outDir, emptyOutDir: true } });
    server = await serve(outDir);
  });
  after(() => server?.close());

  test("emits the package's wasm once, unchanged, as a hashed asset", async () => {
    const assets = await readdir(`${outDir}/assets`);
    const wasm = assets.filter((name) => name.endsWith(".wasm"));
    assert.equal(wasm.length, 1, `one wasm file: ${assets}`);
    assert.match(wasm[0], /^emporix_optin_bg-[\w-]+\.wasm$/);
    const installed = await readFile(`${root}/node_modules/emporix-optin/emporix_optin_bg.wasm`);
    assert.ok(installed.equals(await readFile(`${outDir}/assets/${wasm[0]}`)));
  });

  for (const engine of enginesUnderTest()) {
    describe(engine, () => {
      const browser = useBrowser(engine);
      browserConsumerSuite(() => ({ browser: browser(), url: server.url }));
    });
  }
});

describe("dev server", () => {
  let server;
  before(async () => {
    server = await createServer({
      root,
      configFile: false,
      logLevel: "warn",
      server: { host: "127.0.0.1", port: 0 },
    });
    await server.listen();
  });
  after(() => server?.close());

  for (const engine of enginesUnderTest()) {
    describe(engine, () => {
      const browser = useBrowser(engine);
      browserConsumerSuite(() => ({ browser: browser(), url: server.resolvedUrls.local[0] }));
    });
  }
});
