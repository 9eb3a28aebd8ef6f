// The subpaths through bundlers: the element survives side-effect pruning
// (package.json `sideEffects`) in Vite 8, webpack 5 and esbuild, and webpack
// does drop it when the manifest does not declare it (so the check can fail);
// the main entry does not pull in the flow; each subpath's gzipped size is
// measured from a Vite production build.
import assert from "node:assert/strict";
import { cp, mkdir, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build as esbuild } from "esbuild";
import { build } from "vite";
import webpack from "webpack";

const REPO = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");
const WORK = join(REPO, "test-output/flow-bundle");

/** Builds `source` as a one-module app that depends on pkg/ as `emporix-optin`; returns its JavaScript. */
async function bundle(name, source, external = []) {
  const root = join(WORK, name);
  await rm(root, { recursive: true, force: true });
  await mkdir(join(root, "node_modules"), { recursive: true });
  await symlink(join(REPO, "pkg"), join(root, "node_modules/emporix-optin"));
  await writeFile(join(root, "main.js"), source);
  const outDir = join(root, "dist");
  await build({
    root,
    configFile: false,
    logLevel: "warn",
    // An app build (minified, the wasm emitted as a file of its own), with
    // main.js as its only input.
    build: {
      outDir,
      emptyOutDir: true,
      rollupOptions: { input: join(root, "main.js"), external, preserveEntrySignatures: "strict" },
    },
  });
  const files = (await readdir(outDir, { recursive: true })).filter((file) => file.endsWith(".js"));
  const code = (await Promise.all(files.map((file) => readFile(join(outDir, file), "utf8")))).join("\n");
  return { code, gzip: gzipSync(code, { level: 9 }).length };
}

const sizes = {};

test("a bare import of emporix-optin/element keeps the element's definition", async () => {
  const { code, gzip } = await bundle("element", 'import "emporix-optin/element";\n');
  assert.match(code, /customElements\.define/);
  assert.match(code, /emporix-optin-activation/);
  sizes["emporix-optin/element"] = gzip;
});

test("the main entry alone carries none of the flow, element or hook", async () => {
  const { code, gzip } = await bundle(
    "main",
    'import { OptInClient, consumeOptInToken, isOptInError } from "emporix-optin";\n' +
      "globalThis.x = [OptInClient, consumeOptInToken, isOptInError];\n",
  );
  for (const marker of ["ActivationFlow", "emporix-optin-activation", "useSyncExternalStore", "Konto aktivieren"]) {
    assert.ok(!code.includes(marker), `main entry bundle contains ${marker}`);
  }
  sizes["emporix-optin (OptInClient, consumeOptInToken, isOptInError)"] = gzip;
});

test("each subpath's JavaScript, minified and gzipped (the wasm is loaded separately)", async () => {
  const flow = await bundle("flow", 'import * as flow from "emporix-optin/flow";\nglobalThis.x = flow;\n');
  assert.match(flow.code, /checking/);
  sizes["emporix-optin/flow"] = flow.gzip;
  const i18n = await bundle("i18n", 'import * as i18n from "emporix-optin/i18n";\nglobalThis.x = i18n;\n');
  sizes["emporix-optin/i18n"] = i18n.gzip;
  const react = await bundle("react", 'import * as hook from "emporix-optin/react";\nglobalThis.x = hook;\n', ["react"]);
  assert.ok(!react.code.includes("__SECRET_INTERNALS"), "React itself stays outside (a peer dependency)");
  sizes["emporix-optin/react (without React)"] = react.gzip;
  for (const [name, gzip] of Object.entries(sizes)) console.log(`[size] ${name}: ${gzip} bytes gzip`);
  // The element includes the flow, the texts and OptInClient; the hook only the flow.
  assert.ok(sizes["emporix-optin/element"] > sizes["emporix-optin/flow"]);
  assert.ok(sizes["emporix-optin/react (without React)"] < sizes["emporix-optin/element"]);
});

/** A project whose node_modules/emporix-optin is `pkgDir`, with main.js = `source`. */
async function project(name, source, pkgDir = join(REPO, "pkg")) {
  const root = join(WORK, name);
  await rm(root, { recursive: true, force: true });
  await mkdir(join(root, "node_modules"), { recursive: true });
  await symlink(pkgDir, join(root, "node_modules/emporix-optin"));
  await writeFile(join(root, "main.js"), source);
  return root;
}

/** webpack 5 in production mode (tree shaking, sideEffects on); returns the bundle's JavaScript. */
async function webpackBundle(root) {
  const compiler = webpack({
    mode: "production",
    context: root,
    entry: "./main.js",
    output: { path: join(root, "dist"), filename: "main.js" },
    resolve: { symlinks: false },
  });
  const stats = await new Promise((resolve, reject) =>
    compiler.run((error, result) => (error ? reject(error) : compiler.close(() => resolve(result)))),
  );
  assert.ok(!stats.hasErrors(), stats.toString("errors-only"));
  return readFile(join(root, "dist/main.js"), "utf8");
}

test("webpack 5 keeps a bare import of the element, and drops it when sideEffects does not list it", async () => {
  const kept = await webpackBundle(await project("webpack-element", 'import "emporix-optin/element";\n'));
  assert.match(kept, /customElements/);
  assert.match(kept, /emporix-optin-activation/);

  // The same package with element.js missing from sideEffects: webpack prunes the import.
  const pruned = join(WORK, "pkg-without-element-side-effect");
  await rm(pruned, { recursive: true, force: true });
  await cp(join(REPO, "pkg"), pruned, { recursive: true });
  const manifest = JSON.parse(await readFile(join(pruned, "package.json"), "utf8"));
  manifest.sideEffects = manifest.sideEffects.filter((file) => file !== "./element.js");
  await writeFile(join(pruned, "package.json"), JSON.stringify(manifest));
  const dropped = await webpackBundle(await project("webpack-pruned", 'import "emporix-optin/element";\n', pruned));
  assert.doesNotMatch(dropped, /emporix-optin-activation/, "without the declaration the element would be lost");
});

test("esbuild keeps a bare import of the element", async () => {
  const root = await project("esbuild-element", 'import "emporix-optin/element";\n');
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints: ["main.js"],
    bundle: true,
    minify: true,
    format: "esm",
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles.map((file) => file.text).join("\n");
  assert.match(code, /customElements/);
  assert.match(code, /emporix-optin-activation/);
});
